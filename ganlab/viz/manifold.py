"""G's manifold: a square grid of the noise plane, drawn through G (GAN Lab's view).

G maps noise z to a point x = G(z). Take an n x n grid of z's first two coordinates
over [-extent, extent] and draw its rows and columns after G has moved them: the sheet
shows how G stretches, folds and tears the noise plane to lay it over the data (cells
stretched thin carry little probability, crowded ones a lot). With z_dim = 2 that is
the whole noise space; with more, it is one 2-D slice through it, the other coordinates
held at `fixed` (0: the mean of z ~ N(0, I)).

    sheet = manifold(trainer.G, z_dim=2)          # (n, n, 2) numpy
    fig = manifold_figure(trainer.G, z_dim=2, real=trainer.data.x[:500])
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import torch
import torch.nn as nn
from torch import Tensor

from ganlab import latent
from ganlab.checks import check_int, check_positive
from ganlab.viz.style import FONT, MANIFOLD_COLOUR, REAL_COLOUR
from ganlab.viz.walks import generate


def noise_plane(z_dim: int, n: int = 21, extent: float = 2.0, fixed: float = 0.0) -> Tensor:
    """(n, n, z_dim) noise vectors: z[i, j] = (u_j, v_i, fixed, ..., fixed), u and v
    evenly spaced over [-extent, extent] (2 sigma of z ~ N(0, I) by default)."""
    check_int("z_dim", z_dim, minimum=2)
    check_int("n", n, minimum=2)
    check_positive("extent", extent)
    corners = torch.full((4, z_dim), float(fixed))
    corners[:, :2] = torch.tensor([[-1.0, -1.0], [1.0, -1.0], [-1.0, 1.0], [1.0, 1.0]]) * extent
    return latent.grid(corners, n, n, method="lerp")  # rows: v, columns: u


def manifold(
    G: nn.Module,
    z_dim: int,
    n: int = 21,
    extent: float = 2.0,
    fixed: float = 0.0,
    labels: int | None = None,
) -> np.ndarray:
    """G's image of the noise plane (see the module docstring): (n, n, 2) float32,
    sheet[i, j] = G(noise_plane(...)[i, j]). `labels`: the class, for a conditional G."""
    plane = noise_plane(z_dim, n, extent, fixed)
    return generate(G, plane.reshape(-1, z_dim), labels).reshape(n, n, 2).numpy()


def manifold_trace(sheet: np.ndarray, colour: str = MANIFOLD_COLOUR) -> dict:
    """The warped grid (n, n, 2) as one plotly line trace (a dict): every row, then every
    column, each ended by NaN (where plotly breaks a line)."""
    lines = np.concatenate([sheet, sheet.transpose(1, 0, 2)])  # (2n, n, 2) polylines
    gaps = np.full((len(lines), 1, 2), np.nan, dtype=sheet.dtype)
    xy = np.concatenate([lines, gaps], 1).reshape(-1, 2)
    return {
        "type": "scatter",
        "x": xy[:, 0],
        "y": xy[:, 1],
        "mode": "lines",
        "name": "G's manifold",
        "hoverinfo": "skip",
        "line": {"color": colour, "width": 1},
    }


def manifold_figure(
    G: nn.Module,
    z_dim: int,
    real: Tensor | None = None,
    **kwargs,
) -> go.Figure:
    """The warped noise grid of `manifold(G, z_dim, **kwargs)`, over the real points (N, 2)."""
    traces = [manifold_trace(manifold(G, z_dim, **kwargs))]
    if real is not None:
        xy = real.detach().cpu().numpy()
        dots = {"size": 4, "color": REAL_COLOUR, "opacity": 0.5}
        traces.insert(
            0, go.Scatter(x=xy[:, 0], y=xy[:, 1], mode="markers", name="real", marker=dots)
        )
    fig = go.Figure(traces)
    slice_note = "" if z_dim == 2 else f" (a 2-D slice: z[2:] = {kwargs.get('fixed', 0.0):g})"
    fig.update_yaxes(scaleanchor="x", scaleratio=1)
    fig.update_layout(
        title={"text": "G's manifold: the noise grid drawn through G" + slice_note},
        margin={"l": 30, "r": 10, "t": 50, "b": 30},
        font=FONT,
        legend={"orientation": "h", "y": -0.08},
    )
    return fig
