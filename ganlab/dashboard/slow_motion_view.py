"""The Train page's slow motion: Step plays one step as frames, shown one after another.

The Step button's callback calls `Worker.slow_step` (slow_motion.py) and `start`; the
frames then play in a fragment that reruns every FRAME_SECONDS (a timer in the
browser) and shows the next frame at each run, never skipping one however slow the
page; a row of frame buttons lets the student go back to any of them.
"""

from __future__ import annotations

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
    st.session_state["slow.index"], st.session_state["slow.playing"] = 0, True


def _stop() -> None:
    st.session_state["slow.playing"] = False  # the student picked a frame, or the end


def _frames(frames: tuple[Frame, ...], layers: tuple[str, ...], playing: bool) -> None:
    titles, state = [f.title for f in frames], st.session_state
    if playing:
        state["slow.pick"] = titles[state["slow.index"]]
    elif state.get("slow.pick") not in titles:
        state["slow.pick"] = titles[-1]
    st.radio(
        t("Frame"),
        titles,
        key="slow.pick",
        horizontal=True,
        on_change=_stop,
        format_func=i18n.translator(),
    )
    frame = frames[titles.index(state["slow.pick"])]
    title, caption = i18n.text(frame.title), i18n.text(frame.caption)
    st.markdown(t("**Slow motion {title}**: {caption}", title=title, caption=caption))
    fig = i18n.figure(viz.plot_decision_map(frame.decision, layers=layers, trail=frame.trail))
    st.plotly_chart(fig, key="slow.map", width="stretch", config=PLOT_CONFIG)
    if not playing:
        return
    if state["slow.index"] == len(frames) - 1:
        _stop()
        st.rerun()  # the last frame is up: redraw once more without the timer
    # Only now, with this frame drawn, the next run may show the next one: a run cut
    # short (a busy page) draws its frame again instead of skipping it.
    state["slow.index"] += 1


def show(frames: tuple[Frame, ...], layers: tuple[str, ...]) -> None:
    """The frames of the last slow-motion step, playing while the clock runs."""
    playing = bool(st.session_state.get("slow.playing"))
    st.fragment(_frames, run_every=FRAME_SECONDS if playing else None)(frames, layers, playing)
