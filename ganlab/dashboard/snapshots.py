"""What the Train page draws, copied out of a training run every few steps.

A `Snapshot` is numpy only and read-only, so the page can draw it while training goes
on. `Thinned` keeps a bounded, evenly spaced selection of everything offered to it: a
30-minute run and a 30-second run hold the same number of snapshots and records.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from ganlab import metrics, viz
from ganlab.latent import sample_z
from ganlab.train import Trainer

N_POINTS = 512  # real and fake points drawn on a 2-D snapshot
N_DIVERGENCE = 2000  # fakes binned for the grid KL and JS (fewer: noisier curves)
MAP_RESOLUTION = 64  # decision_map's grid, which the divergence bins on too
SNAPSHOT_BUDGET = 48 * 2**20  # bytes of snapshots one run may keep


class Thinned:
    """A list that never holds more than `capacity` items.

    Items are offered one by one. When full, every other kept item is dropped, and from
    then on only every `stride`-th offered item is kept, so the kept items stay evenly
    spaced over everything offered so far (stride doubles each time).
    """

    def __init__(self, capacity: int) -> None:
        if capacity < 2:
            raise ValueError(f"capacity = {capacity!r} is not allowed: it must be at least 2")
        self.capacity, self.stride, self.offered = capacity, 1, 0
        self.items: list = []

    def append(self, item: Any) -> None:
        self.offered += 1
        if (self.offered - 1) % self.stride:
            return
        self.items.append(item)
        if len(self.items) > self.capacity:
            self.items = self.items[::2]
            self.stride *= 2


@dataclass(frozen=True)
class Snapshot:
    """The picture of one step: a sample grid (images) or a decision map (2-D)."""

    step: int
    grid: np.ndarray | None  # (H, W, 3) uint8, G(fixed noise) (image data)
    decision: viz.DecisionMap | None  # D's map, points, arrows and G's manifold (2-D data)
    divergence: dict[str, float] | None = None  # grid KL and JS, real vs fake (2-D data)

    def arrays(self) -> list[np.ndarray]:
        if self.grid is not None:
            return [self.grid]
        return [a for a in self.decision if isinstance(a, np.ndarray)]

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for a in self.arrays())


class Snapshotter:
    """Takes snapshots of one trainer, always from the same noise and the same real points
    (so consecutive pictures differ only because G and D learned)."""

    def __init__(self, trainer: Trainer) -> None:
        self.trainer = trainer
        data, cfg = trainer.data, trainer.config
        if data.is_image:
            return
        seed = cfg.train.seed
        pick = torch.randperm(len(data), generator=torch.Generator().manual_seed(seed))[:N_POINTS]
        self.real = data.x.cpu()[pick]  # (N_POINTS, 2)
        self.all_real = data.x.cpu()  # (N, 2): the divergence's reference
        self.bounds = viz.data_bounds(self.real)  # fixed axes: scrubbing does not jump
        self.z = sample_z(N_POINTS, cfg.model.z_dim, seed=seed + 3)  # (N_POINTS, z_dim)
        self.z_divergence = sample_z(N_DIVERGENCE, cfg.model.z_dim, seed=seed + 4)
        self.labels = None  # conditional G: classes cycle 0, 1, 2, ... as for fixed_z
        self.class_0 = None  # ... and the map and the manifold are those of class 0
        if cfg.model.conditional:
            self.labels = torch.arange(N_POINTS) % data.n_classes
            self.class_0 = 0

    def take(self) -> Snapshot:
        """Runs on the training thread between two steps."""
        trainer = self.trainer
        if trainer.data.is_image:
            snap = Snapshot(
                trainer.step_count, viz.image_grid(trainer.sample(trainer.fixed_z)), None
            )
        else:
            snap = Snapshot(trainer.step_count, None, self.decision(), self.divergence())
        for array in snap.arrays():
            array.setflags(write=False)  # shared with the page thread: nobody writes
        return snap

    def decision(self, G: torch.nn.Module | None = None) -> viz.DecisionMap:
        """D's map, the fixed noise's fakes, G's push and G's manifold, for G (by default
        the G that samples are drawn from, trainer.G_ema). Training thread only."""
        trainer = self.trainer
        G = G or trainer.G_ema
        fake = viz.generate(G, self.z, self.labels)  # (N_POINTS, 2)
        decision = viz.decision_map(
            trainer.D,
            self.real,
            fake,
            loss=trainer.config.train.loss,
            resolution=MAP_RESOLUTION,
            bounds=self.bounds,
            labels=self.class_0,
            fake_labels=self.labels,
        )
        sheet = viz.manifold(G, trainer.config.model.z_dim, labels=self.class_0)
        return decision._replace(manifold=sheet)

    def divergence(self) -> dict[str, float]:
        """Grid KL and JS between the data and N_DIVERGENCE fakes, on the map's grid."""
        labels = (
            None
            if self.class_0 is None
            else torch.arange(N_DIVERGENCE) % self.trainer.data.n_classes
        )
        fake = viz.generate(self.trainer.G_ema, self.z_divergence, labels)
        return metrics.grid_divergence(self.all_real, fake, self.bounds, bins=MAP_RESOLUTION)

    @staticmethod
    def store_for(snap: Snapshot) -> Thinned:
        """A Thinned list sized so that its snapshots fit SNAPSHOT_BUDGET (8 to 240 of them)."""
        return Thinned(int(min(max(SNAPSHOT_BUDGET // max(snap.nbytes, 1), 8), 240)))
