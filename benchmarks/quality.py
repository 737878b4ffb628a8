"""Time to quality: training seconds until a preset first meets its quality bar.

The presets are run whole (R1, EMA, everything), `check_every` steps at a time; after
each chunk the model is evaluated (ganlab.metrics, samples from the EMA generator) and
judged by the rule a run's stop uses (Trainer.bar_holds: the evaluation meets the bar,
and fresh samples clear it by two standard errors); the clock is paused meanwhile. Bars:

    ring8   all 8 modes covered and high_quality >= 0.90 (share of samples within
            3 sigma of a mode centre)
    digits  all 10 classes covered and Fréchet distance <= 25 in the digit
            classifier's feature space (real vs real is about 9; a collapsed or
            noise generator about 1000)

The median over seeds is reported; a seed that never meets the bar within the step
budget counts as infinitely slow (so the median says "-" if most seeds miss).
"""

from __future__ import annotations

import time

from benchmarks.timing import Table, load, median, sync
from ganlab.config import preset
from ganlab.metrics import QUALITY_BARS
from ganlab.train import Trainer

# The bars live with the metrics (ganlab.metrics.QUALITY_BARS): the same ones a run's
# train.stop_at_bar stops at. preset -> (what it asks, the test).
BARS = {"ring8": QUALITY_BARS["2-D"], "digits": QUALITY_BARS["digits"]}


def time_to_bar(name: str, seed: int, check_every: int, max_steps: int, device: str) -> dict:
    """Train preset `name` until its bar is met or `max_steps` are done.

    Returns met (bool), seconds and steps trained (up to the bar, or all of them) and
    the training speed in steps/s.
    """
    config = preset(name, train={"seed": seed, "eval_every": 0, "device": device})
    trainer = Trainer(config)
    seconds, met = 0.0, False
    while trainer.step_count < max_steps and not met:
        start = time.perf_counter()
        for _ in range(check_every):
            trainer.step()
        sync(trainer.device)
        seconds += time.perf_counter() - start
        met = trainer.bar_holds(trainer.evaluate())  # not timed: a run need not evaluate
    steps = trainer.step_count
    return {"met": met, "seconds": seconds, "steps": steps, "rate": steps / seconds}


def _or_inf(result: dict, key: str) -> float:
    return result[key] if result["met"] else float("inf")


def run(
    smoke: bool = False, device: str = "auto", seeds: int | None = None, presets=("ring8", "digits")
) -> list[Table]:
    """One row per preset: median seconds and steps to the bar, and each seed's seconds."""
    seeds = seeds or (1 if smoke else 3)
    check_every = 10 if smoke else 100
    table = Table(
        "Time to quality: training seconds until the preset first meets its bar",
        ["preset", "bar", "seeds", "median s", "median steps", "per-seed s", "steps/s"],
    )
    table.notes.append(f"{load()} before; checked every {check_every} steps, evaluation not timed")
    results: dict[str, list[dict]] = {name: [] for name in presets}
    for seed in range(seeds):  # seeds outside, presets inside: drift spreads over both
        for name in presets:
            budget = 2 * check_every if smoke else 2 * preset(name).train.steps
            results[name].append(time_to_bar(name, seed, check_every, budget, device))
    for name, rs in results.items():
        table.add(
            name,
            BARS[name][0],
            len(rs),
            median([_or_inf(r, "seconds") for r in rs]),
            median([_or_inf(r, "steps") for r in rs]),
            " ".join(f"{r['seconds']:.1f}" if r["met"] else f">{r['seconds']:.0f}" for r in rs),
            median([r["rate"] for r in rs]),
        )
    table.notes += [
        "budget: twice the preset's steps (--smoke: 2 checks); '>N': bar not met in N s; "
        "'-': the median seed missed it",
        "steps/s: the preset whole (ring8: R1 + EMA; digits: spectral norm + EMA)",
        f"{load()} after",
    ]
    return [table]
