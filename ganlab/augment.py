"""Differentiable augmentation (DiffAugment, Zhao et al. 2020) for small image sets.

With only ~1,800 digits, D soon memorises the training set and its feedback to G turns
to noise. DiffAugment applies the *same kind* of random transform to real and fake
images before D sees them. Every transform here is differentiable in its input, so G's
gradient flows back through the augmentation, and G is never asked to produce
augmented-looking images.

All functions take and return (B, C, H, W) tensors and draw randomness from `rng`.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


def flip(x: torch.Tensor, rng: torch.Generator) -> torch.Tensor:
    """Mirror each image left-right with probability 1/2."""
    mask = torch.rand(x.shape[0], 1, 1, 1, device=x.device, generator=rng) < 0.5
    return torch.where(mask, x.flip(3), x)


def translation(x: torch.Tensor, rng: torch.Generator, ratio: float = 0.125) -> torch.Tensor:
    """Shift each image by up to `ratio` of its size, filling with zeros (mid-grey)."""
    b, _, h, w = x.shape
    max_dy, max_dx = int(h * ratio + 0.5), int(w * ratio + 0.5)
    dy = torch.randint(-max_dy, max_dy + 1, (b, 1, 1), device=x.device, generator=rng)
    dx = torch.randint(-max_dx, max_dx + 1, (b, 1, 1), device=x.device, generator=rng)
    rows = torch.arange(h, device=x.device).view(1, h, 1) + dy  # (B, H, 1)
    cols = torch.arange(w, device=x.device).view(1, 1, w) + dx  # (B, 1, W)
    padded = F.pad(x, (1, 1, 1, 1))  # index 0 and -1 of the padded image are zeros
    rows = rows.clamp(-1, h).add(1).expand(b, h, w)
    cols = cols.clamp(-1, w).add(1).expand(b, h, w)
    batch = torch.arange(b, device=x.device).view(b, 1, 1)
    return padded.permute(0, 2, 3, 1)[batch, rows, cols].permute(0, 3, 1, 2)


def cutout(x: torch.Tensor, rng: torch.Generator, ratio: float = 0.5) -> torch.Tensor:
    """Zero one random square of side `ratio` * size in each image."""
    b, _, h, w = x.shape
    ch, cw = int(h * ratio + 0.5), int(w * ratio + 0.5)
    top = torch.randint(0, h - ch + 1, (b, 1, 1), device=x.device, generator=rng)
    left = torch.randint(0, w - cw + 1, (b, 1, 1), device=x.device, generator=rng)
    rows = torch.arange(h, device=x.device).view(1, h, 1)
    cols = torch.arange(w, device=x.device).view(1, 1, w)
    inside = (rows >= top) & (rows < top + ch) & (cols >= left) & (cols < left + cw)
    return x * (~inside).unsqueeze(1).to(x.dtype)


AUGMENTATIONS = {"flip": flip, "translation": translation, "cutout": cutout}


def diff_augment(x: torch.Tensor, names: tuple[str, ...], rng: torch.Generator) -> torch.Tensor:
    """Apply the named augmentations in order; `names=()` returns `x` unchanged."""
    for name in names:
        x = AUGMENTATIONS[name](x, rng)
    return x
