"""The Dirac-GAN's pictures: the (theta, psi) plane with its vector field and walks, and
the Jacobian's eigenvalues in the complex plane (see ganlab.dirac for the game).

    game = Game("non_saturating", r1=1.0)
    walks = {u: game.trajectory((1, 1), update=u) for u in UPDATES}
    dirac_field_figure(game, walks)       # arrows of the field, the two walks on top
    eigenvalue_figure(game.eigenvalues()) # left of the imaginary axis: converges
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go
import torch
from torch import Tensor

from ganlab.dirac import Game
from ganlab.viz.decision import _arrow_segments  # the decision map's arrows, reused
from ganlab.viz.style import FAKE_COLOUR, FONT, REAL_LINE_COLOUR

WALK_COLOURS = {"simultaneous": REAL_LINE_COLOUR, "alternating": FAKE_COLOUR}
FIELD_COLOUR = "#8c8c8c"  # grey: the field is the backdrop, the walks are the story
CONVERGES_FILL = "rgba(44, 160, 44, 0.12)"  # the left half-plane: Re(lambda) < 0


def view_half_width(start: tuple[float, float]) -> float:
    """Half the side of the square the field figure shows: room around the start point."""
    return 1.6 * max(abs(start[0]), abs(start[1]), 0.5)


def _field_arrows(game: Game, half: float, resolution: int) -> go.Scatter:
    """Arrows of the field on a resolution x resolution grid, the longest one cell long."""
    axis = torch.linspace(-half, half, resolution)
    v_theta, v_psi = game.field_grid(axis, axis)  # (R, R) each
    theta, psi = torch.meshgrid(axis, axis, indexing="xy")
    start = torch.stack([theta.flatten(), psi.flatten()], 1).numpy()  # (R*R, 2)
    vec = torch.stack([v_theta.flatten(), v_psi.flatten()], 1).numpy()
    cell = 2 * half / (resolution - 1)
    vec = vec * (0.9 * cell / max(float(np.linalg.norm(vec, axis=1).max()), 1e-12))
    xy = _arrow_segments(start, vec)  # (9 R*R, 2), NaN-separated segments
    return go.Scatter(
        x=xy[:, 0],
        y=xy[:, 1],
        mode="lines",
        name="vector field",
        hoverinfo="skip",
        line={"color": FIELD_COLOUR, "width": 1.2},
    )


def _walk(name: str, points: Tensor) -> go.Scatter:
    colour = WALK_COLOURS.get(name, "#2ca02c")
    return go.Scatter(
        x=points[:, 0].tolist(),
        y=points[:, 1].tolist(),
        mode="lines",
        name=f"{name} steps",
        line={"color": colour, "width": 3},
    )


def _marker(x: float, y: float, name: str, symbol: str, size: int) -> go.Scatter:
    marker = {"symbol": symbol, "size": size, "color": "black", "line": {"color": "white"}}
    return go.Scatter(x=[x], y=[y], mode="markers", name=name, marker=marker)


def dirac_field_figure(
    game: Game,
    walks: Mapping[str, Tensor] | None = None,
    half: float = 2.0,
    resolution: int = 15,
) -> go.Figure:
    """The game's vector field on [-half, half]^2 and gradient-descent walks on top.

    walks: name ("simultaneous", "alternating") -> (T, 2) points (theta, psi), as from
    `Game.trajectory`. Walks that leave the square are cut off at its edge.
    """
    traces = [_field_arrows(game, half, resolution)]
    for name, points in (walks or {}).items():
        traces.append(_walk(name, points))
    if walks:
        first = next(iter(walks.values()))[0].tolist()
        traces.append(_marker(first[0], first[1], "start", "circle", 11))
    traces.append(_marker(0.0, 0.0, "equilibrium (0, 0)", "star", 16))
    fig = go.Figure(traces)
    fig.update_xaxes(title_text="θ: where G puts its sample", range=[-half, half])
    fig.update_xaxes(constrain="domain")  # a square plane: shrink the plot, keep the range
    fig.update_yaxes(title_text="ψ: D's slope", range=[-half, half], scaleanchor="x", scaleratio=1)
    fig.update_layout(
        height=450,
        margin={"l": 60, "r": 10, "t": 10, "b": 50},
        legend={"x": 1.02, "y": 1, "xanchor": "left"},
        uirevision="dirac",
        font=FONT,
    )
    return fig


def eigenvalue_figure(eigenvalues: Tensor | None) -> go.Figure:
    """The Jacobian's eigenvalues as points of the complex plane, the half-plane
    Re < 0 (where small steps converge) shaded; None draws the plane alone."""
    lam = [] if eigenvalues is None else eigenvalues.tolist()
    reach = max([1.0] + [1.3 * max(abs(z.real), abs(z.imag)) for z in lam])
    fig = go.Figure(
        go.Scatter(
            x=[z.real for z in lam],
            y=[z.imag for z in lam],
            mode="markers",
            name="eigenvalues",
            marker={"size": 14, "color": "black", "symbol": "x"},
        )
    )
    fig.add_shape(
        type="rect", x0=-reach, x1=0, y0=-reach, y1=reach, fillcolor=CONVERGES_FILL, line_width=0
    )
    fig.add_vline(x=0, line={"color": "black", "width": 1})
    fig.add_annotation(x=-reach / 2, y=0.85 * reach, text="converges", showarrow=False)
    fig.update_xaxes(title_text="real part", range=[-reach, reach], constrain="domain")
    fig.update_yaxes(title_text="imaginary part", range=[-reach, reach], scaleanchor="x")
    fig.update_layout(
        height=300, margin={"l": 60, "r": 10, "t": 10, "b": 50}, showlegend=False, font=FONT
    )
    return fig
