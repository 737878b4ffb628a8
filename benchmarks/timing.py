"""Shared helpers: interleaved timing, plain-text tables and the machine's description.

Speed on a shared machine drifts (other programs start and stop), so contenders are
never timed one after the other. `interleaved` runs them in turns, A, B, A, B, ...,
each turn a block of steps lasting about `block_seconds`; drift then hits every
contender alike, and the median of the turns (or of the per-turn ratios) ignores the
odd turn that a neighbour's burst slowed down.
"""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import torch

Step = Callable[[], Any]  # one training step of a contender


def sync(device: torch.device | str) -> None:
    """Wait for the GPU: CUDA calls return before the work is done."""
    if torch.device(device).type == "cuda":
        torch.cuda.synchronize()


def _warm_up(step: Step, device, warmup: int, block_seconds: float) -> int:
    """Run `warmup` steps (at least 1); return how many steps last about `block_seconds`,
    judged from the last warm-up step."""
    for _ in range(warmup - 1):
        step()
    sync(device)
    start = time.perf_counter()
    step()
    sync(device)
    return max(1, round(block_seconds / max(time.perf_counter() - start, 1e-9)))


def interleaved(
    steps: dict[str, Step],
    *,
    repeats: int,
    warmup: int = 3,
    block_seconds: float = 1.0,
    device: torch.device | str = "cpu",
) -> dict[str, list[float]]:
    """Steps per second of each contender in every turn: {name: [rate_1, ..., rate_repeats]}.

    Each contender first runs `warmup` steps (allocations, caches, lazy init; the last
    one sizes its blocks), then the turns alternate between contenders in the order given.
    """
    n = {name: _warm_up(step, device, warmup, block_seconds) for name, step in steps.items()}
    rates: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(repeats):
        for name, step in steps.items():
            start = time.perf_counter()
            for _ in range(n[name]):
                step()
            sync(device)
            rates[name].append(n[name] / (time.perf_counter() - start))
    return rates


def median(values: list[float]) -> float:
    return statistics.median(values)


def median_ratio(a: list[float], b: list[float]) -> float:
    """Median of the per-turn ratios a_i / b_i: turns next to each other share their drift."""
    return statistics.median(x / y for x, y in zip(a, b))


def load() -> str:
    """The 1/5/15-minute load averages, e.g. 'load 2.1/1.8/1.6 on 2 cores'."""
    if not hasattr(os, "getloadavg"):
        return f"load n/a on {os.cpu_count()} cores"
    one, five, fifteen = os.getloadavg()
    return f"load {one:.1f}/{five:.1f}/{fifteen:.1f} on {os.cpu_count()} cores"


def machine() -> dict[str, str]:
    """What the figures were measured on; absolute times mean nothing without it."""
    cpu = platform.processor() or platform.machine()
    if os.path.exists("/proc/cpuinfo"):
        with open("/proc/cpuinfo") as f:
            names = [line.split(":", 1)[1].strip() for line in f if line.startswith("model name")]
        cpu = names[0] if names else cpu
    gpu = torch.cuda.get_device_name() if torch.cuda.is_available() else "none"
    return {
        "cpu": f"{cpu}, {os.cpu_count()} cores",
        "gpu": gpu,
        "torch": torch.__version__,
        "threads": str(torch.get_num_threads()),
        "OMP_WAIT_POLICY": os.environ.get("OMP_WAIT_POLICY", "unset"),
        "load_at_start": load(),
    }


@dataclass
class Table:
    """A titled plain-text table; cells are formatted when rendered."""

    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, *cells: Any) -> None:
        if len(cells) != len(self.columns):
            raise ValueError(f"{self.title}: {len(cells)} cells for {len(self.columns)} columns")
        self.rows.append(list(cells))

    def render(self) -> str:
        cells = [self.columns] + [[_fmt(c) for c in row] for row in self.rows]
        widths = [max(len(row[i]) for row in cells) for i in range(len(self.columns))]
        lines = [self.title, "-" * len(self.title)]
        for i, row in enumerate(cells):
            lines.append(_line(row, widths))
            if i == 0:
                lines.append(_line(["-" * w for w in widths], widths))
        lines += [f"  * {note}" for note in self.notes]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "columns": self.columns,
            "rows": self.rows,
            "notes": self.notes,
        }


def _line(cells: list[str], widths: list[int]) -> str:
    """The first cell (a name) left-aligned, the others (numbers) right-aligned."""
    first = [cells[0].ljust(widths[0])]
    return "  ".join(first + [c.rjust(w) for c, w in zip(cells[1:], widths[1:])]).rstrip()


def _fmt(cell: Any) -> str:
    if isinstance(cell, float):
        if cell != cell or cell in (float("inf"), float("-inf")):
            return "-"
        return f"{cell:.3g}" if abs(cell) < 100 else f"{cell:.0f}"
    return str(cell)
