"""The Train page's slow motion: Step plays one step as frames, shown one after another.

The Step button's callback calls `Worker.slow_step` (slow_motion.py) and `start`; the
frames then play in a fragment, each shown for FRAME_SECONDS (never skipped, however
slow the page), until the last; a row of frame buttons lets the student go back.
"""

from __future__ import annotations

import time

import streamlit as st

from ganlab import viz
from ganlab.dashboard import i18n
from ganlab.dashboard.i18n import t
from ganlab.dashboard.slow_motion import Frame

FRAME_SECONDS = 1.5  # how long each frame stays before the next
PLOT_CONFIG = {"displayModeBar": False}


def enabled(two_d: bool) -> bool:
    """The slow-motion switch (2-D data only: the frames are D's map)."""
    if not two_d:
        return False
    return st.toggle(
        t("Slow motion"),
        key="train.slow",
        help=t("Step plays one training step as its parts: D's update, then G's update"),
    )


def start() -> None:
    """Play the newest frames from the first (a callback, after slow_step)."""
    st.session_state["slow.index"], st.session_state["slow.next"] = 0, None


def _stop() -> None:
    st.session_state["slow.next"] = False  # the student picked a frame: no more auto-play


def _playing() -> bool:
    return st.session_state.get("slow.next") is not False and "slow.index" in st.session_state


def _advance(n: int) -> None:
    """One frame further once the shown one has had its FRAME_SECONDS: at most one per
    run, so a slow page never skips a frame; the clock starts at the first drawing."""
    state, now = st.session_state, time.monotonic()
    if state["slow.next"] is None:
        state["slow.next"] = now + FRAME_SECONDS
    elif now >= state["slow.next"]:
        state["slow.index"] = min(state["slow.index"] + 1, n - 1)
        state["slow.next"] = now + FRAME_SECONDS


def _frames(frames: tuple[Frame, ...], layers: tuple[str, ...], playing: bool) -> None:
    titles = [f.title for f in frames]
    if playing:
        _advance(len(frames))
        st.session_state["slow.pick"] = titles[st.session_state["slow.index"]]
    elif st.session_state.get("slow.pick") not in titles:
        st.session_state["slow.pick"] = titles[-1]
    st.radio(
        t("Frame"),
        titles,
        key="slow.pick",
        horizontal=True,
        on_change=_stop,
        format_func=i18n.translator(),
    )
    frame = frames[titles.index(st.session_state["slow.pick"])]
    title, caption = i18n.text(frame.title), i18n.text(frame.caption)
    st.markdown(t("**Slow motion {title}**: {caption}", title=title, caption=caption))
    fig = i18n.figure(viz.plot_decision_map(frame.decision, layers=layers, trail=frame.trail))
    st.plotly_chart(fig, key="slow.map", width="stretch", config=PLOT_CONFIG)
    if playing and st.session_state["slow.index"] == len(frames) - 1:
        _stop()
        st.rerun()  # the last frame is up: redraw once more without the timer


def show(frames: tuple[Frame, ...], layers: tuple[str, ...]) -> None:
    """The frames of the last slow-motion step, playing while the clock runs."""
    playing = _playing()
    st.fragment(_frames, run_every=FRAME_SECONDS / 3 if playing else None)(frames, layers, playing)
