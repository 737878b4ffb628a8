"""Image grids: a batch of images in [-1, 1] as one uint8 picture, a figure or a PNG."""

from __future__ import annotations

import io

import numpy as np
import plotly.express as px
import plotly.graph_objects as go
import torch
from PIL import Image
from torch import Tensor

from ganlab._torchvision import torchvision


def image_grid(images: Tensor, nrow: int = 8, padding: int = 2) -> np.ndarray:
    """Tile images (N, C, H, W) in [-1, 1] into one picture: (H', W', 3) uint8.

    Pixel value v -> round(255 * (v + 1) / 2), clipped; grey images become RGB. Tiles are
    separated by `padding` white pixels (torchvision.utils.make_grid).
    """
    if images.dim() != 4 or images.shape[1] not in (1, 3):
        raise ValueError(f"images.shape = {tuple(images.shape)} is not allowed: use (N, 1|3, H, W)")
    unit = ((images.detach().float().cpu() + 1) / 2).clamp(0, 1)
    grid = torchvision().utils.make_grid(unit, nrow=nrow, padding=padding, pad_value=1.0)
    return (grid * 255).round().to(torch.uint8).permute(1, 2, 0).numpy()  # (H', W', 3)


def images_figure(
    images: Tensor | np.ndarray, nrow: int = 8, title: str | None = None
) -> go.Figure:
    """A plotly picture of a batch (N, C, H, W) in [-1, 1] or of a ready (H, W, 3) grid."""
    grid = image_grid(images, nrow) if isinstance(images, Tensor) else images
    fig = px.imshow(grid, binary_string=True)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.update_layout(title=title, margin={"l": 0, "r": 0, "t": 40 if title else 0, "b": 0})
    return fig


def to_png(picture: np.ndarray) -> bytes:
    """PNG file bytes of an (H, W, 3) uint8 picture (for downloads)."""
    buffer = io.BytesIO()
    Image.fromarray(picture).save(buffer, format="PNG")
    return buffer.getvalue()
