"""The Train page's slow motion: Step plays one step as frames, shown one after another.

The Step button's callback calls `Worker.slow_step` (slow_motion.py) and `start`; the
frames then play as a fragment that reruns every FRAME_SECONDS until the last frame
is shown, and a row of frame buttons lets the student go back to any of them.
"""

from __future__ import annotations

import time

import streamlit as st

from ganlab import viz
from ganlab.dashboard.slow_motion import Frame

FRAME_SECONDS = 1.5  # how long each frame stays before the next
PLOT_CONFIG = {"displayModeBar": False}


def enabled(two_d: bool) -> bool:
    """The slow-motion switch (2-D data only: the frames are D's map)."""
    if not two_d:
        return False
    return st.toggle(
        "Slow motion",
        key="train.slow",
        help="Step plays one training step as its parts: D's update, then G's update",
    )


def start() -> None:
    """Play the newest frames from the first (a callback, after slow_step)."""
    st.session_state["slow.t0"] = time.monotonic()


def _stop() -> None:
    st.session_state["slow.t0"] = None  # the student picked a frame: no more auto-play


def _playing_index(n: int) -> int | None:
    """The frame the clock points at while playing, None once the student took over."""
    t0 = st.session_state.get("slow.t0")
    if t0 is None:
        return None
    return min(int((time.monotonic() - t0) / FRAME_SECONDS), n - 1)


def _frames(frames: tuple[Frame, ...], layers: tuple[str, ...], playing: bool) -> None:
    titles = [f.title for f in frames]
    index = _playing_index(len(frames))
    if index is not None:
        st.session_state["slow.pick"] = titles[index]
    elif st.session_state.get("slow.pick") not in titles:
        st.session_state["slow.pick"] = titles[-1]
    st.radio("Frame", titles, key="slow.pick", horizontal=True, on_change=_stop)
    frame = frames[titles.index(st.session_state["slow.pick"])]
    st.markdown(f"**Slow motion {frame.title}**: {frame.caption}")
    fig = viz.plot_decision_map(frame.decision, layers=layers, trail=frame.trail)
    st.plotly_chart(fig, key="slow.map", width="stretch", config=PLOT_CONFIG)
    if playing and (index is None or index == len(frames) - 1):
        st.session_state["slow.t0"] = None
        st.rerun()  # the last frame is up: redraw once more without the timer


def show(frames: tuple[Frame, ...], layers: tuple[str, ...]) -> None:
    """The frames of the last slow-motion step, playing while the clock runs."""
    playing = _playing_index(len(frames)) is not None
    st.fragment(_frames, run_every=FRAME_SECONDS / 3 if playing else None)(frames, layers, playing)
