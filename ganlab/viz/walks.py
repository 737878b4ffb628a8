"""Latent walks: G's outputs along a lerp or slerp path between latent vectors."""

from __future__ import annotations

import numpy as np
import plotly.express as px
import plotly.graph_objects as go
import torch
import torch.nn as nn
from torch import Tensor

from ganlab import latent
from ganlab.viz.images import image_grid, images_figure
from ganlab.viz.style import FAKE_COLOUR, FONT


@torch.no_grad()
def interpolation_strip(
    G: nn.Module,
    z_a: Tensor,
    z_b: Tensor,
    steps: int = 8,
    method: str = "slerp",
    labels: int | None = None,
) -> Tensor:
    """G's outputs along the walk z_a -> z_b: (steps, C, H, W) images or (steps, 2) points.

    z_a, z_b: (z_dim,). The walk is latent.lerp or latent.slerp at t = 0, 1/(steps-1), ..., 1.
    """
    if steps < 2:
        raise ValueError(f"steps = {steps!r} is not allowed: it must be at least 2")
    walk = latent.path(torch.stack([z_a, z_b]), steps - 1, method)  # (steps, z_dim)
    return generate(G, walk, labels)


@torch.no_grad()
def generate(G: nn.Module, z: Tensor, labels: int | Tensor | None = None) -> Tensor:
    """G(z) in eval mode on the CPU; `labels` (conditional G): one class for all rows,
    or a class per row (N,)."""
    device = next(G.parameters()).device
    y = labels
    if isinstance(labels, int):
        y = torch.full((len(z),), labels, device=device)
    elif labels is not None:
        y = labels.to(device)
    was_training = G.training
    G.eval()
    try:
        return G(z.to(device), y).float().cpu()
    finally:
        G.train(was_training)


def strip_figure(images: Tensor, animate: bool = False) -> go.Figure:
    """A latent walk of images (T, C, H, W): one strip, or (animate) a frame per step
    with a play button and a slider."""
    if not animate:
        return images_figure(images, nrow=len(images))
    frames = image_grid(images, nrow=1, padding=0).reshape(len(images), images.shape[-2], -1, 3)
    fig = px.imshow(frames, animation_frame=0, binary_string=True, labels={"animation_frame": "t"})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.update_layout(margin={"l": 0, "r": 0, "t": 10, "b": 0})
    return fig


def points_figure(
    real: Tensor, walk: Tensor | None = None, fake: Tensor | None = None
) -> go.Figure:
    """2-D data: real points (N, 2) in grey, optional fakes (M, 2), optional walk (T, 2)
    drawn as a line whose markers are coloured by t from 0 to 1."""

    def scatter(points: Tensor, name: str, **style) -> go.Scatter:
        xy = np.asarray(points.detach().cpu(), dtype=np.float32)
        return go.Scatter(x=xy[:, 0], y=xy[:, 1], name=name, **style)

    traces = [scatter(real, "real", mode="markers", marker={"size": 4, "color": "#9aa5b1"})]
    if fake is not None:
        dots = {"size": 4, "color": FAKE_COLOUR, "opacity": 0.5}
        traces.append(scatter(fake, "fake G(z)", mode="markers", marker=dots))
    if walk is not None:
        t = np.linspace(0, 1, len(walk))
        colours = {
            "size": 12,
            "color": t,
            "colorscale": "Viridis",
            "showscale": True,
            "colorbar": {"title": {"text": "t"}},
        }
        line = {"color": "#333", "width": 1.5}
        traces.append(scatter(walk, "G(walk)", mode="lines+markers", line=line, marker=colours))
    fig = go.Figure(traces)
    fig.update_yaxes(scaleanchor="x", scaleratio=1)
    fig.update_layout(
        margin={"l": 30, "r": 10, "t": 30, "b": 30},
        font=FONT,
        height=560,
        legend={"orientation": "h", "y": -0.08},
    )
    return fig
