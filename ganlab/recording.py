"""What a training run reports: device-side sums, records, subscribers, health checks.

Each step adds its statistics to four sums that stay on the device; every few steps
`read` turns them into one record -- the only time the loop waits for the GPU -- and
`publish` sends it to every subscriber (the progress bar, a notebook plot, the
dashboard): they all see the same numbers.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

import torch
from torch import nn

from ganlab import distributed

Record = dict[str, Any]
STATS = ("d_loss", "g_loss", "d_real", "d_fake")  # summed on the device, step by step


class TrainingDiverged(RuntimeError):
    """A loss or a weight stopped being a finite number."""


class Recorder:
    """The sums since the last record, the records so far, and who listens to them."""

    def __init__(self, device: torch.device, group: distributed.Group) -> None:
        self.group = group
        self.sums = torch.zeros(len(STATS), device=device)  # d_loss, g_loss, d_real, d_fake
        self.history: list[Record] = []
        self.subscribers: list[Callable[[Record], None]] = []
        self.restart_clock(0)

    def add(self, *stats: torch.Tensor) -> None:
        """One step's four 0-d tensors, in the order of STATS; no host sync."""
        self.sums += torch.stack(stats)

    def read(self, step: int) -> tuple[Record, float]:
        """The mean of each statistic since the last record (one host sync), and the
        steps per second."""
        now, n = time.perf_counter(), step - self.last_step
        sums = distributed.average(self.sums, self.group)  # the mean over all processes
        means = dict(zip(STATS, (sums / n).tolist()))
        self.sums.zero_()
        return means, n / max(now - self.started, 1e-9)

    def publish(self, record: Record) -> None:
        """Keep the record and hand it to every subscriber (on the main process only)."""
        self.history.append(record)
        for callback in list(self.subscribers) if self.group.is_main else []:
            callback(record)

    def subscribe(self, callback: Callable[[Record], None]) -> Callable[[], None]:
        self.subscribers.append(callback)
        return lambda: self.subscribers.remove(callback)

    def restart_clock(self, step: int) -> None:
        """Time from here: what happens between records (metrics, saving) is not training."""
        self.started, self.last_step = time.perf_counter(), step


def check_finite(means: Record, nets: dict[str, nn.Module], since: int, step: int) -> None:
    """Raise TrainingDiverged naming the first loss or weight that is not finite."""
    for name in ("d_loss", "g_loss"):
        if not math.isfinite(means[name]):
            raise TrainingDiverged(
                f"{name} became {means[name]} between steps {since} and {step}: lower "
                "the learning rates, or try gradient clipping, a gradient penalty or "
                "spectral norm"
            )
    for net_name, net in nets.items():
        for name, p in net.named_parameters():
            if not torch.isfinite(p).all():
                raise TrainingDiverged(f"{net_name}.{name} holds a non-finite value at step {step}")


def grad_norm(net: nn.Module) -> float:
    """L2 norm of all of a network's last gradients (0 when it has none)."""
    grads = [p.grad for p in net.parameters() if p.grad is not None]
    if not grads:
        return 0.0
    return torch.linalg.vector_norm(torch.stack([g.norm() for g in grads])).item()
