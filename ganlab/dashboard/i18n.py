"""The dashboard in English or Chinese: the language switch and `t`, the one translator.

The English text is the key: `t("Start")` is "Start" in English and "开始" in Chinese,
and a string missing from the table (zh.py) stays English, where the scan test in
tests/test_app_zh.py sees it. Text with values is a template: `t("Step {step}", step=3)`.

Two kinds of text come from outside the dashboard and are translated here, by pattern:
figures built by ganlab.viz (shared with the notebooks, so English: `figure` translates
a built figure's titles, axes, legend and trace names) and messages from ganlab
(`message`: the config's "<field> = <value> is not allowed: <reason>." and the
worker's errors). A message no pattern knows keeps its English inside a Chinese frame,
so nothing is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import plotly.graph_objects as go
import streamlit as st

from ganlab.dashboard.zh import FIGURE_PATTERNS, MESSAGE_PATTERNS, REASON_PATTERNS, ZH

KEY = "lang"  # st.session_state key of the switch; drawn on every page, so it persists
LANGUAGES = ("English", "中文")
SWITCH_LABEL = "Language · 语言"
NOT_ALLOWED = re.compile(r"^(?P<field>.+?) = (?P<value>.+?) is not allowed: (?P<reason>.+?)\.?$")
TAGGED = re.compile(r"^(<b>)(.*)(</b>)$")


def switch() -> None:
    """The English / 中文 switch at the top of the sidebar (app.py draws it on every page)."""
    st.sidebar.radio(SWITCH_LABEL, LANGUAGES, key=KEY, horizontal=True)


def chinese() -> bool:
    return st.session_state.get(KEY) == LANGUAGES[1]


def t(text: str, sense: str | None = None, **values: Any) -> str:
    """`text` in the chosen language, with `values` formatted into its {fields}. `sense`
    tells apart two meanings of one English text: its key is "text (sense)"."""
    if chinese():
        text = ZH.get(f"{text} ({sense})" if sense else text, text)
    return text.format(**values) if values else text


def translator() -> Callable[[str], str]:
    """`t` fixed to the language chosen now: a widget's format_func (Streamlit may call it
    after the script run, e.g. in AppTest, where the session's choice is out of reach)."""
    return _in_chinese if chinese() else str


def _by_pattern(text: str, patterns: tuple[tuple[str, str], ...]) -> str | None:
    """The first pattern's translation, its groups translated too; None if none matches."""
    for pattern, template in patterns:
        m = re.fullmatch(pattern, text)
        if m:
            return template.format(*(ZH.get(g, g) for g in m.groups()))
    return None


def text(s: str) -> str:
    """A figure's text (title, axis, trace name): exact, then by pattern, else as it is."""
    return _in_chinese(s) if chinese() else s


def _in_chinese(s: str) -> str:
    if not s:
        return s
    tagged = TAGGED.match(s)
    if tagged:
        return tagged[1] + _in_chinese(tagged[2]) + tagged[3]
    return ZH.get(s) or _by_pattern(s, FIGURE_PATTERNS) or s


def figure(fig: go.Figure) -> go.Figure:
    """A ganlab.viz figure with its titles, axes, legend, notes and trace names in the
    chosen language (in place; returned for chaining)."""
    if not chinese():
        return fig
    fig.for_each_trace(lambda tr: tr.update(name=text(tr.name)) if tr.name else None)
    for tr in fig.data:
        bar = getattr(tr, "colorbar", None) or getattr(
            getattr(tr, "marker", None), "colorbar", None
        )
        if bar is not None and bar.title.text:
            bar.title.text = text(bar.title.text)
    layout = fig.layout
    if layout.title.text:
        layout.title.text = text(layout.title.text)
    for name in layout:
        part = layout[name]
        if name.startswith(("xaxis", "yaxis", "legend")) and part.title.text:
            part.title.text = text(part.title.text)
    for note in layout.annotations:
        note.text = text(note.text)
    return fig


def reason(s: str) -> str:
    """What is allowed, from a config message: known reasons translated, others kept
    in English inside a Chinese frame."""
    return _by_pattern(s, REASON_PATTERNS) or ZH["(in English) {}"].format(s)


def message(error: Exception | str) -> str:
    """An error from ganlab (config, worker, checkpoint) in the chosen language."""
    s = str(error)
    if not chinese():
        return s
    known = _by_pattern(s, MESSAGE_PATTERNS)
    if known:
        return known
    m = NOT_ALLOWED.match(s)
    if m:
        return ZH["{field} = {value} is not allowed: {reason}."].format(
            field=m["field"], value=ZH.get(m["value"], m["value"]), reason=reason(m["reason"])
        )
    return ZH["(in English) {}"].format(s)
