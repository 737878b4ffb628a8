"""The Compare page: two runs of the sidebar's config, one setting apart, side by side.

Run A is the sidebar's config (the Train page's settings); run B is the same config
and seed with one setting changed. Each run is an ordinary `Worker` in this session's
`pair_slots()`, so the pair trains together in two background threads and counts
twice against the machine's trainer budget (machine.MAX_RUNNING). The live view is a
fragment polling both workers, as on the Train page.
"""

from __future__ import annotations

import os

import plotly.graph_objects as go
import streamlit as st

from ganlab import viz
from ganlab.config import LOSSES, Config
from ganlab.dashboard import i18n, machine, pair, sidebar
from ganlab.dashboard.i18n import t
from ganlab.dashboard.live_view import PLOT_CONFIG, metric_tiles
from ganlab.dashboard.machine import POLL_SECONDS, BusyError
from ganlab.dashboard.session import flash, pair_slots, show_flashes
from ganlab.dashboard.snapshots import Snapshot
from ganlab.dashboard.train_page import badge
from ganlab.dashboard.worker import View, Worker

RUNS = ("A", "B")
# two pictures per poll, so half the Train page's rate: the browser's redraws and the
# page's Python share the 2 cores (and the GIL) with both trainings
POLL = 2 * POLL_SECONDS


# ----------------------------------------------------------------------------- the pair
def _name(key: str) -> str:
    """The setting's field name as shown (in Chinese with a name beside it)."""
    return t(pair.name(key))


def _configs() -> tuple[Config, Config] | str:
    """Run A's and run B's configs from the widgets, or what is wrong with them."""
    config, problem = sidebar.current_config()
    if problem:
        return problem
    key = st.session_state.get("compare.setting", pair.SETTINGS[0])
    b_value = st.session_state.get(f"compare.b.{key}", pair.suggested(pair.value(config, key)))
    if b_value == pair.value(config, key):
        return t(
            "B's {name} equals A's ({value}): choose another value to compare.",
            name=_name(key),
            value=b_value,
        )
    try:
        return config, pair.changed(config, key, b_value)
    except ValueError as e:
        return t("Invalid setting for B: {reason}", reason=i18n.message(e))


# ----------------------------------------------------------------------------- callbacks
def _workers() -> list[Worker | None]:
    return [slot.worker for slot in pair_slots()]


def _busy_message() -> str:
    if machine.MAX_RUNNING < 2:
        return t(
            "This computer trains only {n} run at a time "
            "(GANLAB_MAX_TRAINERS), so the pair cannot train together.",
            n=machine.MAX_RUNNING,
        )
    return t(
        "The pair needs two of the {n} trainings this computer runs at "
        "once, and another run (on the Train page, or in another browser tab) holds a "
        "place: pause it, then press Start again.",
        n=machine.MAX_RUNNING,
    )


def _build_pair() -> bool:
    """Both workers into this session's pair slots, or neither (then a message says why)."""
    configs = _configs()
    if isinstance(configs, str):
        flash("error", configs)
        return False
    a = Worker(configs[0])  # may raise: _start shows the message
    try:
        b = Worker(configs[1])
    except Exception:
        a.stop()
        raise
    for slot, worker in zip(pair_slots(), (a, b)):
        slot.replace(worker)
    return True


def _start() -> None:
    """Build the pair if there is none, then train both (or neither)."""
    started: list[Worker] = []
    try:
        if _workers()[0] is None and not _build_pair():
            return
        for worker in _workers():
            if worker.view().state != "error":  # a diverged run stays as it is
                worker.start()
                started.append(worker)
    except BusyError:
        for worker in started:  # both or neither: half a comparison compares nothing
            worker.pause()
        flash("error", _busy_message())
    except Exception as e:  # bad data path, a model that does not fit, ...: say so
        flash("error", t("Could not start the pair: {error}", error=i18n.message(e)))


def _pause() -> None:
    for worker in _workers():
        if worker is not None:
            worker.pause()


def _reset() -> None:
    for slot in pair_slots():
        slot.close()  # stops and joins the worker's thread
    st.session_state.pop("compare.pictures", None)


# ----------------------------------------------------------------------------- page parts
def _choose(config: Config | None, locked: bool) -> None:
    """The setting to change and B's value of it (fixed once the pair exists)."""
    c1, c2 = st.columns(2)
    shown = i18n.translator()
    key = c1.selectbox(
        t("Setting that differs"),
        pair.SETTINGS,
        format_func=lambda key: shown(pair.name(key)),
        key="compare.setting",
        disabled=locked,
    )
    if config is None:
        return
    a_value = pair.value(config, key)
    label, wkey, first = (
        t("B's {name} (A's: {value})", name=_name(key), value=a_value),
        f"compare.b.{key}",
        pair.suggested(a_value),
    )
    with c2:
        if isinstance(a_value, bool):
            st.toggle(label, value=first, key=wkey, disabled=locked)
        elif isinstance(a_value, str):
            st.selectbox(
                label,
                LOSSES,
                index=LOSSES.index(first),
                key=wkey,
                disabled=locked,
                format_func=i18n.translator(),
            )
        elif isinstance(a_value, int):
            st.number_input(label, value=first, step=1, key=wkey, disabled=locked)
        else:
            step = a_value / 2 if a_value else 0.1
            st.number_input(label, value=first, step=step, format="%g", key=wkey, disabled=locked)


def _controls(views: list[View | None], ready: bool) -> None:
    """Start / Pause / Reset for the pair; `ready`: the settings make a valid pair."""
    states = [v.state for v in views if v is not None]
    # a pair exists: it continues unless it trains already, or both runs failed
    continuable = "running" not in states and any(s != "error" for s in states)
    startable = continuable if states else ready
    cols = st.columns(6)  # as on the Train page: buttons side by side, not spread out
    cols[0].button(t("Start"), type="primary", on_click=_start, disabled=not startable)
    cols[1].button(t("Pause"), on_click=_pause, disabled="running" not in states)
    cols[2].button(t("Reset"), on_click=_reset, disabled=not states)


def _budget_note() -> str:
    return t(
        "Both runs train at once, in two background threads, from the same seed. This "
        "computer has {cores} cores and runs at most {n} "
        "trainings at a time over all pages and tabs, {threads} "
        "torch thread(s) each: the pair takes two of them and shares the cores, so each "
        "run is slower than one alone.",
        cores=os.cpu_count(),
        n=machine.MAX_RUNNING,
        threads=machine.threads_per_training(),
    )


def _run_column(name: str, letter: str, view: View) -> None:
    """One run: its name and state, its tiles and its latest picture."""
    latest = view.latest or {}
    speed = t(" · {speed:.0f} steps/s", speed=latest["steps_per_sec"]) if latest else ""
    st.markdown(f"**{name}** {badge(view.state)}{speed}")
    if view.error:
        error = i18n.message(view.error)
        st.error(t("{error}. This run stopped; press Reset to start the pair again.", error=error))
    # the step and the dataset's main metric: two tiles fit half a projector's width
    tiles = [
        (t("Step ({letter})", letter=letter), f"{view.step:,}"),
        *metric_tiles(view.history)[:1],
    ]
    for col, (label, value) in zip(st.columns(len(tiles)), tiles):
        col.metric(label, value)
    if view.snapshots:
        fig = _picture(letter, view.snapshots[-1])
        st.plotly_chart(fig, key=f"compare.picture.{letter}", width="stretch", config=PLOT_CONFIG)


def _picture(letter: str, snap: Snapshot) -> go.Figure:
    """The run's latest snapshot as a figure, built once per snapshot: a decision map
    takes ~60 ms of Python, and every poll of the page holds the trainers' GIL."""
    memo = st.session_state.setdefault("compare.pictures", {})
    drawn = (snap, i18n.chinese())  # a new figure for a new snapshot or a new language
    if letter not in memo or memo[letter][0] != drawn:
        fig = viz.snapshot_figure(snap.decision, snap.grid).update_layout(height=300)
        memo[letter] = (drawn, i18n.figure(fig))
    return memo[letter][1]


def _live(polling: bool) -> None:
    """The fragment: both runs side by side, then their curves on shared axes."""
    workers = _workers()
    if workers[0] is None:
        st.info(t("Choose the setting that differs and B's value of it, then press **Start**."))
        return
    views = [w.view() for w in workers]
    if polling and all(v.state != "running" for v in views):
        st.rerun()  # both runs ended on their own: redraw the controls and stop polling
    names = pair.run_names(workers[0].config, workers[1].config, named=_name)
    for col, name, letter, view in zip(st.columns(2), names, RUNS, views):
        with col:
            _run_column(name, letter, view)
    fig = i18n.figure(viz.compare_figure({name: view.history for name, view in zip(names, views)}))
    st.plotly_chart(fig, key="compare.curves", width="stretch", config=PLOT_CONFIG)


def render() -> None:
    config, problem = sidebar.render()
    workers = _workers()
    st.title(t("Compare two runs"))
    st.caption(_budget_note())
    show_flashes()
    if problem:
        st.error(problem)
    views = [w.view() if w else None for w in workers]
    _choose(config, locked=workers[0] is not None)
    configs = _configs() if workers[0] is None and not problem else None
    if isinstance(configs, str):
        st.warning(configs)
    _controls(views, ready=isinstance(configs, tuple))
    polling = any(v is not None and v.state == "running" for v in views)
    live = st.fragment(_live, run_every=POLL if polling else None)
    live(polling)
