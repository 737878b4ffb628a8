"""Slow motion: one training step played as its parts, D's update and then G's.

`play_step` runs on the worker thread while training is paused. It takes one real
step through `Trainer.step_parts` (the loop itself, not a copy) and looks at the
networks before the step, after D's part and after G's part. The fakes are drawn
from G itself, not from its weight average (trainer.G_ema), whose samples move only
a small share of G's move per step.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ganlab import viz
from ganlab.dashboard.snapshots import Snapshotter
from ganlab.train import Trainer


@dataclass(frozen=True)
class Frame:
    """One moment of a step: what to draw and what to say about it."""

    title: str  # short, e.g. "2/3 · D's update"
    caption: str  # what changed, in a sentence or two
    decision: viz.DecisionMap
    trail: np.ndarray | None = None  # (M, 2): where the fakes were before this frame


def play_step(trainer: Trainer, snapshotter: Snapshotter) -> tuple[Frame, ...]:
    """One training step as three frames: before it, after D's update, after G's update."""
    step = trainer.step_count + 1
    before = snapshotter.decision(trainer.G)
    parts = trainer.step_parts()
    next(parts)  # D's update(s): D's map moves, G is untouched
    after_d = snapshotter.decision(trainer.G)
    for _ in parts:  # G's update: the fakes move, D is untouched; the step is counted
        pass
    after_g = snapshotter.decision(trainer.G)
    n_critic = trainer.config.train.n_critic
    d_updates = "D's update" if n_critic == 1 else f"D's {n_critic} updates"
    return (
        Frame(
            f"1/3 · before step {step:,}",
            "D's map and G's fakes as they are now; the arrows show where G's loss pushes "
            "each fake.",
            before,
        ),
        Frame(
            f"2/3 · {d_updates}",
            "D learns: it scores real points higher and fakes lower, so the map changes. "
            "G has not moved: the fakes stay where they were.",
            after_d,
        ),
        Frame(
            f"3/3 · G's update: step {step:,} done",
            "G learns through the new D: the fakes move along the arrows (faint lines "
            "join each fake to where it was). D has not moved.",
            after_g,
            trail=after_d.fake,
        ),
    )
