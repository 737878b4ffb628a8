"""2-D data: D's decision map under the real and fake points, and G's push as arrows.

For points x in the plane, D(x) is a surface: high (blue) where D believes "real", low
(red) where it believes "fake". G cannot see the data; all it learns is the slope of
that surface at its own samples. Each arrow is -d g_loss / d x at one fake point: where
gradient descent on G's loss would move that sample. Where the loss saturates (the
minimax loss when D is sure), the arrows shrink to nothing.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import plotly.graph_objects as go
import torch
import torch.nn as nn
from torch import Tensor

from ganlab import losses
from ganlab.checks import check_choice
from ganlab.viz.manifold import manifold_trace
from ganlab.viz.style import ARROW_COLOUR, FAKE_COLOUR, FONT, REAL_COLOUR


class DecisionMap(NamedTuple):
    """What `plot_decision_map` draws, as numpy (cheap to keep as a snapshot)."""

    xs: np.ndarray  # (R,) grid columns
    ys: np.ndarray  # (R,) grid rows
    score: np.ndarray  # (R, R): score[i, j] = D's score at (xs[j], ys[i])
    probability: bool  # score is sigmoid(logit) (True) or the raw logit
    midpoint: float  # the score where D is undecided (the loss's boundary, in score units)
    real: np.ndarray  # (N, 2)
    fake: np.ndarray  # (M, 2)
    push: np.ndarray  # (M, 2): -d g_loss / d x at each fake, per sample
    manifold: np.ndarray | None = None  # (n, n, 2): G's warped noise grid (viz.manifold)


# The layers `plot_decision_map` can draw, GAN Lab's toggles: name -> what it shows.
LAYERS = {
    "map": "D's map",
    "real": "real points",
    "fake": "fake points",
    "arrows": "G's arrows",
    "manifold": "G's manifold",
}


def data_bounds(points: Tensor, margin: float = 0.25) -> tuple[float, float, float, float]:
    """(x0, x1, y0, y1): the points' bounding square, widened by `margin` of its side."""
    low, high = points.min(0).values, points.max(0).values
    centre, half = (low + high) / 2, (high - low).max().item() / 2 * (1 + margin) + 1e-3
    return (
        centre[0].item() - half,
        centre[0].item() + half,
        centre[1].item() - half,
        centre[1].item() + half,
    )


def decision_map(
    D: nn.Module,
    real: Tensor,
    fake: Tensor,
    loss: str = "non_saturating",
    resolution: int = 64,
    bounds: tuple[float, float, float, float] | None = None,
    labels: int | None = None,
    fake_labels: Tensor | None = None,
    score: str = "auto",
) -> DecisionMap:
    """D's score on a resolution x resolution grid, and G's push at each fake point.

    score 'auto' shows D in its loss's units (losses.GANLoss.score): sigmoid(logit) for
    the log-losses, the raw logit otherwise.
    push_i = -d g_loss(D(x_i)) / d x_i: the direction gradient descent moves sample i,
    i.e. up D's slope (for every loss here g_loss falls as D's score rises).
    Conditional D: `labels` is the class whose map is drawn, `fake_labels` (M,) the fakes'.
    """
    if score not in ("auto", "prob", "logit"):
        raise ValueError(f"score = {score!r} is not allowed: choose 'auto', 'prob' or 'logit'")
    x0, x1, y0, y1 = bounds or data_bounds(torch.cat([real, fake]))
    xs, ys = torch.linspace(x0, x1, resolution), torch.linspace(y0, y1, resolution)
    grid = torch.stack(torch.meshgrid(xs, ys, indexing="xy"), -1).reshape(-1, 2)  # (R*R, 2)
    device = next(D.parameters()).device
    was_training = D.training
    D.eval()  # no dropout, no spectral-norm power step: looking must not change D
    try:
        with torch.no_grad():
            y = None if labels is None else torch.full((len(grid),), labels, device=device)
            logits = D(grid.to(device), y).float().cpu().reshape(resolution, resolution)
        x = fake.detach().to(device).requires_grad_(True)
        # g_loss is a mean over the batch; times M gives each sample's own gradient.
        y = None if fake_labels is None else fake_labels.to(device)
        g_loss = losses.LOSSES[loss].g_loss(D(x, y).float()) * len(x)
        (grad,) = torch.autograd.grad(g_loss, x)
    finally:
        D.train(was_training)
    meaning = losses.LOSSES[loss]
    probability = score == "prob" or (score == "auto" and meaning.probability)
    values = torch.sigmoid(logits) if probability else logits
    return DecisionMap(
        xs.numpy(),
        ys.numpy(),
        values.numpy(),
        probability,
        0.5 if probability else meaning.boundary,
        real.detach().cpu().numpy(),
        fake.detach().cpu().numpy(),
        (-grad).cpu().numpy(),
    )


def _arrow_segments(start: np.ndarray, vec: np.ndarray) -> np.ndarray:
    """(9 M, 2) points drawing M arrows start -> start + vec as NaN-separated segments:
    per arrow two barbs (25% of the shaft, turned +-25 degrees back from the tip), then
    the shaft. numpy, not lists: plotly checks a list of 1,000 floats 10x slower."""
    end = start + vec  # (M, 2)
    rotate = np.array([[[0.906, 0.423], [-0.423, 0.906]], [[0.906, -0.423], [0.423, 0.906]]])
    barbs = -0.25 * np.einsum("mj,bjk->bmk", vec, rotate)  # (2, M, 2): vec turned +-25 deg
    gap = np.full_like(start, np.nan)
    parts = [end + barbs[0], end, gap, end + barbs[1], end, gap, start, end, gap]
    return np.stack(parts, 1).reshape(-1, 2)  # (M, 9, 2) -> (9 M, 2)


def _dots(xy: np.ndarray, name: str, colour: str) -> dict:
    """2-D points (N, 2) as a scatter trace of small dots with a white rim."""
    marker = {"size": 5, "line": {"width": 0.5, "color": "white"}, "color": colour}
    return _scatter(xy, name, mode="markers", marker=marker)


def _scatter(xy: np.ndarray, name: str, **style: Any) -> dict:
    """A scatter trace as a plain dict: plotly checks it once, in go.Figure."""
    return {"type": "scatter", "x": xy[:, 0], "y": xy[:, 1], "name": name, **style}


def _lines(xy: np.ndarray, name: str, colour: str, width: float, **style: Any) -> dict:
    line = {"color": colour, "width": width}
    return _scatter(xy, name, mode="lines", hoverinfo="skip", line=line, **style)


def _heat(dm: DecisionMap) -> dict:
    """D's score as a heat map: blue where D says real, red where it says fake."""
    title = "D(x)<br>blue: real<br>red: fake" if dm.probability else "D's score<br>blue: real"
    # A probability is drawn on the fixed scale 0 (red) .. 1/2 (white) .. 1 (blue), so an
    # undecided D looks pale and two frames compare by colour; a raw score has no fixed
    # range, so its scale stretches to the map, centred on the loss's decision boundary.
    scale = {"zmin": 0.0, "zmax": 1.0} if dm.probability else {"zmid": dm.midpoint}
    return {
        "type": "heatmap",
        "x": dm.xs,
        "y": dm.ys,
        "z": dm.score,
        "name": "D's map",
        "colorscale": "RdBu",
        "colorbar": {"title": {"text": title}, "thickness": 14},
        **scale,
        "hoverinfo": "skip",
        "opacity": 0.85,
    }


def plot_decision_map(
    dm: DecisionMap,
    arrow_length: float = 0.08,
    max_arrows: int = 128,
    layers: tuple[str, ...] = tuple(LAYERS),
    trail: np.ndarray | None = None,
) -> go.Figure:
    """Heat map of D, real (dark) and fake (orange) points, G's push as arrows, and G's
    manifold when the map holds one: each drawn when its name (see LAYERS) is in `layers`.

    Arrows share one scale: the longest is `arrow_length` of the plot's width, so a
    vanishing gradient (a saturated loss) shows as short arrows next to long ones.
    trail (M, 2): where the fakes were before (slow motion): a faint line to each one now.
    Built from plain dicts, checked once (the dashboard redraws this at every poll).
    """
    for layer in layers:
        check_choice("layer", layer, tuple(LAYERS))
    width = float(dm.xs[-1] - dm.xs[0])
    norms = np.linalg.norm(dm.push, axis=1)
    scale = arrow_length * width / max(float(norms.max(initial=0.0)), 1e-12)
    shown = slice(0, max_arrows)
    traces = [_heat(dm)] if "map" in layers else []
    if "manifold" in layers and dm.manifold is not None:
        traces.append(manifold_trace(dm.manifold))
    if "real" in layers:
        traces.append(_dots(dm.real, "real data", REAL_COLOUR))
    if trail is not None:
        gone, now = trail[shown], dm.fake[shown]
        moves = np.stack([gone, now, np.full_like(gone, np.nan)], 1).reshape(-1, 2)
        traces.append(_lines(moves, "where G's step moved them", FAKE_COLOUR, 2, opacity=0.6))
    if "fake" in layers:
        traces.append(_dots(dm.fake, "fake G(z)", FAKE_COLOUR))
    if "arrows" in layers:
        arrows = _arrow_segments(dm.fake[shown], dm.push[shown] * scale)
        traces.append(_lines(arrows, "G's push (arrows)", ARROW_COLOUR, 1.2))
    layout = {
        "xaxis": {"range": [dm.xs[0], dm.xs[-1]], "constrain": "domain"},
        "yaxis": {"range": [dm.ys[0], dm.ys[-1]], "scaleanchor": "x", "scaleratio": 1},
        "margin": {"l": 30, "r": 10, "t": 30, "b": 30},
        "uirevision": "map",
        "legend": {"orientation": "h", "y": -0.08},
        "font": FONT,
    }
    return go.Figure(data=traces, layout=layout)


def decision_map_figure(
    G: nn.Module | None,
    D: nn.Module,
    real: Tensor,
    fake: Tensor | None = None,
    z: Tensor | None = None,
    **kwargs: Any,
) -> go.Figure:
    """`plot_decision_map(decision_map(...))`; without `fake`, the fakes are G(z)."""
    if fake is None:
        if G is None or z is None:
            raise ValueError(
                "fake = None is not allowed without both G and z: pass fake or G and z"
            )
        with torch.no_grad():
            fake = G(z.to(next(G.parameters()).device)).float().cpu()
    return plot_decision_map(decision_map(D, real, fake, **kwargs))
