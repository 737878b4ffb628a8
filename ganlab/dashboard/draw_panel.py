"""Draw your own data: the student places modes on the plane and trains on them.

A click on the plane places a mode there (Streamlit's own plotly selection events on
a grid of faint click targets: no extra component). Every mode is a Gaussian blob of
the chosen size: small for points, large for blobs. The drawing
becomes `DataConfig(name="drawn", modes=..., mode_std=..., title=...)`, checked there:
too few modes or all in one spot gives the config's message, never a traceback.

State lives under "cfg.draw_*" keys, which app.py keeps while other pages are shown.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from ganlab.config import DataConfig
from ganlab.dashboard.i18n import message, t
from ganlab.data import sample_drawn
from ganlab.viz.style import FONT, REAL_COLOUR

EXTENT = 3.0  # the drawing plane is [-EXTENT, EXTENT]^2 (the toys' scale)
TARGETS = np.linspace(-EXTENT, EXTENT, 31)  # invisible click targets, 0.2 apart
MODES, STD, TITLE, CHART = "cfg.draw_modes", "cfg.draw_std", "cfg.draw_title", "draw.chart"


def drawing() -> dict:
    """The drawing as DataConfig fields (unchecked)."""
    state = st.session_state
    modes = [tuple(m) for m in state.get(MODES, [])]
    std = state.get(STD, DataConfig.mode_std)
    return {"modes": modes, "mode_std": std, "title": state.get(TITLE, "")}


def problem() -> str | None:
    """Why the drawing cannot be trained on yet (DataConfig's message), or None."""
    try:
        DataConfig(name="drawn", **drawing())
    except ValueError as e:
        return message(e)
    return None


def show_drawing(data: DataConfig) -> None:
    """Put a config's drawing into the panel (after loading a checkpoint of one)."""
    state = st.session_state
    state[MODES], state[STD], state[TITLE] = (
        [list(m) for m in data.modes],
        data.mode_std,
        data.title,
    )


def _chart_key() -> str:
    return f"{CHART}.{st.session_state.get('draw.n', 0)}"


def _placed() -> None:
    """The selection callback: add the clicked target as a mode."""
    state = st.session_state
    modes = list(state.get(MODES, []))
    modes += [[float(p["x"]), float(p["y"])] for p in state[_chart_key()].selection.points]
    state[MODES] = [[round(x, 2), round(y, 2)] for x, y in modes]
    state["draw.n"] = state.get("draw.n", 0) + 1  # a new chart: the selection is cleared


def _typed() -> None:
    """The "Add" button: a mode at the typed coordinates (precise, and no mouse needed)."""
    state = st.session_state
    x, y = state.get("draw.x", 0.0), state.get("draw.y", 0.0)
    state[MODES] = [*state.get(MODES, []), [round(float(x), 2), round(float(y), 2)]]


def _undo() -> None:
    st.session_state[MODES] = list(st.session_state.get(MODES, []))[:-1]


def _clear() -> None:
    st.session_state[MODES] = []


def _figure(fields: dict) -> go.Figure:
    u, v = np.meshgrid(TARGETS, TARGETS)
    targets = go.Scatter(
        x=u.ravel(),
        y=v.ravel(),
        mode="markers",
        marker={"size": 6, "color": "rgba(0,0,0,0.04)"},
        hoverinfo="none",
        name=t("click to place"),
        showlegend=False,
    )
    traces = [targets]
    if fields["modes"]:
        x, _ = sample_drawn(fields["modes"], fields["mode_std"], 600, seed=0)
        traces.append(
            go.Scatter(
                x=x[:, 0].numpy(),
                y=x[:, 1].numpy(),
                mode="markers",
                marker={"size": 4, "color": REAL_COLOUR, "opacity": 0.5},
                name=t("your data (a sample)"),
                hoverinfo="skip",
            )
        )
    fig = go.Figure(traces)
    fig.update_xaxes(range=[-EXTENT, EXTENT], fixedrange=True)
    fig.update_yaxes(range=[-EXTENT, EXTENT], scaleanchor="x", scaleratio=1, fixedrange=True)
    fig.update_layout(
        height=420,
        margin={"l": 30, "r": 10, "t": 10, "b": 30},
        hovermode="closest",
        legend={"orientation": "h", "y": -0.1},
        font=FONT,
    )
    return fig


def render(dataset: str | None, use: Callable[[], None], training: bool) -> None:
    """The drawing panel, in an expander (open while the drawn data is chosen and no run
    fills the page); `use` is the callback of its "Train on this drawing" button."""
    with st.expander(t("Draw your own data"), expanded=dataset == "drawn" and not training):
        st.caption(
            t(
                "Click the plane to place a mode (or type its x and y). Each mode is a Gaussian "
                "blob: a small size draws points, a large one blobs. Name your data, then "
                "train on it."
            )
        )
        fields = drawing()
        left, right = st.columns([3, 2])
        with left:
            st.plotly_chart(
                _figure(fields),
                key=_chart_key(),
                on_select=_placed,
                selection_mode="points",
                config={"displayModeBar": False},
            )
        with right:
            st.session_state.setdefault(STD, DataConfig.mode_std)
            st.text_input(t("Name"), key=TITLE, placeholder=t("e.g. my smiley"))
            st.slider(t("Blob size (std)"), 0.02, 1.0, step=0.02, key=STD)
            cx, cy, add = st.columns([2, 2, 1.4], vertical_alignment="bottom")
            limits = {"min_value": -EXTENT, "max_value": EXTENT, "step": 0.1, "format": "%.1f"}
            cx.number_input("x", key="draw.x", **limits)
            cy.number_input("y", key="draw.y", **limits)
            add.button(t("Add"), on_click=_typed, help=t("a mode at (x, y)"))
            st.markdown(t("**{n} modes** placed", n=len(fields["modes"])))
            c1, c2 = st.columns(2)
            c1.button(t("Undo"), on_click=_undo, disabled=not fields["modes"], width="stretch")
            c2.button(t("Clear"), on_click=_clear, disabled=not fields["modes"], width="stretch")
            why = problem()
            if why:
                st.warning(why)
            st.button(
                t("Train on this drawing"),
                type="primary",
                on_click=use,
                disabled=why is not None or dataset == "drawn",
                width="stretch",
            )
