"""How close a training step comes to the CPU's limit: FLOPs per step against a matmul.

For each preset step (the presets whole: R1, EMA, spectral norm, everything) we count
the floating-point operations of a block of steps with torch's FlopCounterMode (its
formulas for matmuls and convolutions, forward and backward, including R1's double
backward), time the same block, and compare the achieved rate with a large fp32 matmul
on the same threads: the most this CPU does per second on dense work. A step below
that rate loses time to small kernels, memory traffic and Python.

The block is `r1_every` steps long (or a multiple), so lazy R1 is counted as often as it
runs. FlopCounterMode's module tracker installs backward hooks that autograd.grad (R1)
refuses, so the counter here keeps one total and no per-module table.
"""

from __future__ import annotations

import math
import time

import torch
from torch.utils.flop_counter import FlopCounterMode

from benchmarks.timing import Table, load, sync
from ganlab.config import Config, preset
from ganlab.train import Trainer

PRESETS = {
    "ring8": preset("ring8"),
    "digits 16 px": preset("digits"),
    "digits 32 px": preset("digits32"),
    "64 px RGB": preset("folder64", data={"name": "digits", "image_size": 64, "channels": 3}),
}


class _TotalsOnly:
    """Stands in for FlopCounterMode's module tracker: everything counts as 'Global'."""

    parents = {"Global"}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def matmul_rate(n: int = 1024, repeats: int = 8) -> float:
    """fp32 FLOP/s of an n x n matmul on the current threads (best of `repeats`)."""
    a, b = torch.randn(n, n), torch.randn(n, n)
    a @ b  # warm-up
    best = math.inf
    for _ in range(repeats):
        start = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - start)
    return 2 * n**3 / best


def step_flops(trainer: Trainer, steps: int) -> int:
    """FLOPs of the next `steps` training steps."""
    counter = FlopCounterMode(display=False)
    counter.mod_tracker = _TotalsOnly()  # see the module docstring
    with counter:
        for _ in range(steps):
            trainer.step()
    return counter.get_total_flops()


# The ops whose FLOPs FlopCounterMode counts, by the names the profiler gives their kernels.
DENSE_KERNELS = {
    "aten::mm",
    "aten::addmm",
    "aten::bmm",
    "aten::mkldnn_convolution",
    "aten::convolution_backward",
    "aten::_slow_conv2d_forward",
    "aten::_slow_conv2d_backward",
}


def dense_seconds(trainer: Trainer, steps: int) -> float:
    """Seconds per step spent inside matmul and convolution kernels (torch.profiler's
    self time of DENSE_KERNELS over `steps` steps): the rest of a step is elementwise
    kernels, the optimizer and Python."""
    from torch.profiler import ProfilerActivity, profile

    with profile(activities=[ProfilerActivity.CPU]) as prof:
        for _ in range(steps):
            trainer.step()
    micros = sum(e.self_cpu_time_total for e in prof.key_averages() if e.key in DENSE_KERNELS)
    return micros / 1e6 / steps


def measure(config: Config, block: int, repeats: int) -> tuple[float, float, float]:
    """(FLOPs per step, seconds per step: the best of `repeats` timed blocks, seconds per
    step inside matmul and convolution kernels)."""
    config = config.replace(train={"eval_every": 0, "stop_at_bar": False, "device": "cpu"})
    trainer = Trainer(config)
    block = math.lcm(block, config.train.r1_every)
    for _ in range(block):  # warm-up: allocations, lazy init
        trainer.step()
    flops = step_flops(trainer, block) / block
    best = math.inf
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(block):
            trainer.step()
        sync(trainer.device)
        best = min(best, (time.perf_counter() - start) / block)
    return flops, best, dense_seconds(trainer, block)


def run(smoke: bool = False, device: str = "auto", repeats: int | None = None) -> list[Table]:
    """One row per preset: MFLOP per step, ms per step, GFLOP/s and its share of the matmul."""
    repeats = repeats or (1 if smoke else 5)
    block = 4 if smoke else 40
    peak = matmul_rate()
    table = Table(
        "Roofline: each preset's training step against a large fp32 matmul (CPU)",
        [
            "preset step",
            "MFLOP/step",
            "ms/step",
            "GFLOP/s",
            "share of matmul",
            "ms in matmul/conv",
            "their GFLOP/s",
            "their share",
        ],  # fmt: skip
    )
    table.notes.append(
        f"{load()} before; matmul 1024x1024 fp32: {peak / 1e9:.1f} GFLOP/s on "
        f"{torch.get_num_threads()} thread(s)"
    )
    names = ["ring8", "digits 16 px"] if smoke else list(PRESETS)
    for name in names:
        config = PRESETS[name]
        if smoke and config.data.is_image:
            config = config.replace(train={"batch_size": 8})
        flops, seconds, dense = measure(config, block, repeats)
        rate, dense_rate = flops / seconds, flops / dense
        table.add(name, flops / 1e6, seconds * 1e3, rate / 1e9, f"{rate / peak:.0%}",
                  dense * 1e3, dense_rate / 1e9, f"{dense_rate / peak:.0%}")  # fmt: skip
    table.notes += [
        "FLOPs: torch.utils.flop_counter's formulas (matmul, conv, forward and backward); "
        "elementwise work is not counted, so the share is a lower bound",
        f"the best of {repeats} blocks of {block} steps (lazy R1 counted as often as it runs); "
        "the presets whole, evaluation off",
        "ms in matmul/conv: torch.profiler's self time of the matmul and convolution "
        "kernels in one block (the profiler slows small ops a little, so it is an upper "
        "bound on the rest); their GFLOP/s: the step's FLOPs over that time, the rate of "
        "the dense kernels themselves",
        f"{load()} after",
    ]
    return [table]
