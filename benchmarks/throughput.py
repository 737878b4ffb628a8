"""Training steps per second: ganlab's Trainer.step against the textbook loop.

For every workload (see workloads.py) both loops train the same nets from the same
initial weights on the same data at the same batch size, in alternating turns
(ganlab, textbook, ganlab, textbook, ...) after a warm-up. The table shows the median
steps/s of each and the median of the per-turn ratios ganlab / textbook: above 1
means ganlab's loop is faster.

What ganlab's step does differently (see ganlab/train.py): the data already lives on
the device and a batch is an index, not a DataLoader collating B samples; the losses
are softplus of logits; statistics stay on the device and are read every `log_every`
steps instead of four .item() host syncs a step; Adam is the fused kernel; D's weights
are frozen during G's step so their gradients are not computed.
"""

from __future__ import annotations

from benchmarks import workloads
from benchmarks.textbook import TextbookLoop
from benchmarks.timing import Table, interleaved, load, median, median_ratio
from ganlab.config import Config
from ganlab.data import load_for
from ganlab.train import Trainer


def compare(config: Config, *, repeats: int, warmup: int, block_seconds: float):
    """Steps/s of both loops on one workload's config: (ganlab rates, textbook rates)."""
    data = load_for(config.data, seed=config.train.seed)
    trainer = Trainer(config, data)
    textbook = TextbookLoop(config, data)
    rates = interleaved(
        {"ganlab": trainer.step, "textbook": textbook.step},
        repeats=repeats,
        warmup=warmup,
        block_seconds=block_seconds,
        device=trainer.device,
    )
    return rates["ganlab"], rates["textbook"]


def run(smoke: bool = False, device: str = "auto", repeats: int | None = None) -> list[Table]:
    """One table: a row per workload, with both speeds and their ratio."""
    repeats = repeats or (1 if smoke else 5)
    warmup, block = (1, 0.05) if smoke else (3, 1.0)
    table = Table(
        "Throughput: ganlab Trainer.step vs the pytorch/examples loop (same nets, same batch)",
        [
            "workload",
            "ganlab steps/s",
            "textbook steps/s",
            "ratio ganlab/textbook",
            "samples/s ganlab",
        ],
    )
    table.notes.append(f"{load()} before; {repeats} interleaved turns of ~{block:g} s each")
    for name in workloads.NAMES:
        config = workloads.workload(name, device, smoke)
        ours, theirs = compare(config, repeats=repeats, warmup=warmup, block_seconds=block)
        table.add(
            workloads.label(config),
            median(ours),
            median(theirs),
            median_ratio(ours, theirs),
            median(ours) * config.train.batch_size,
        )
    table.notes += [
        "ratio = median of per-turn ratios (turns side by side share the machine's drift)",
        "recipe: non-saturating loss, no R1, no EMA (the textbook does neither); "
        "the quality table times the presets whole",
        f"{load()} after",
    ]
    return [table]
