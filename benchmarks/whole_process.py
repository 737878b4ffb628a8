"""Time to quality as a student meets it: `python -m ganlab train --preset P`, whole.

Each run is a fresh process, timed from its start to its exit: Python and torch
starting, ganlab's imports, the data set, training (the presets stop at their quality
bar, see ganlab.metrics.QUALITY_BARS), the evaluations, the sample grids and the
checkpoint. The run's own verdict is not trusted: its checkpoint is judged again on
10,000 fresh samples (another seed than the run's evaluations drew), and a seed counts
only if that independent check meets the bar too. Import and data-set times are
measured apart, in processes of their own, to show where a start's seconds go.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.timing import Table, load, median
from ganlab import metrics
from ganlab.train import Trainer

PRESETS = ("ring8", "digits")
CHECK_SAMPLES, CHECK_SEED = 10_000, 12_345


def _timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - start


def independent_check(checkpoint: Path) -> dict:
    """The run's checkpoint judged on fresh samples: its metrics and whether they meet the bar."""
    trainer = Trainer.load(checkpoint, device="cpu")
    scores = metrics.evaluate(trainer.data, trainer.sample(CHECK_SAMPLES, seed=CHECK_SEED))
    return {**scores, "met": metrics.meets_bar(scores)}


def start_up(env: dict[str, str]) -> dict[str, float]:
    """Seconds of a bare `import ganlab.cli` and of loading each preset's data, each in a
    new process, minus the time of a bare `import torch` for the data rows."""
    python = [sys.executable, "-c"]
    times = {"python + import torch": _timed([*python, "import torch"], env)}
    times["+ import ganlab.cli"] = (
        _timed([*python, "import ganlab.cli"], env) - times["python + import torch"]
    )
    for name in PRESETS:
        code = f"import ganlab.data as d, ganlab.config as c; d.load_for(c.preset({name!r}).data)"
        times[f"+ {name} data"] = _timed([*python, code], env) - _timed(
            [*python, "import ganlab.data, ganlab.config"], env
        )
    return times


def run(smoke: bool = False, device: str = "auto", seeds: int | None = None) -> list[Table]:
    """Whole-process seconds per preset over seeds, each seed checked independently."""
    seeds = seeds or (1 if smoke else 3)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    table = Table(
        "Time to quality, whole process: python -m ganlab train --preset P (a new process a run)",
        [
            "preset",
            "bar",
            "seeds met",
            "median s",
            "per-seed s",
            "per-seed steps",
            "checked on 10k",
        ],
    )
    table.notes.append(f"{load()} before; device {device}; torch threads: the process's default")
    for name in PRESETS:
        rows = []
        for seed in range(seeds):
            with tempfile.TemporaryDirectory() as out:
                argv = [sys.executable, "-m", "ganlab", "train", "--preset", name]
                argv += ["--seed", str(seed), "--out", out, "--device", device]
                if smoke:
                    argv += ["--steps", "20", "--eval-every", "10"]
                seconds = _timed(argv, env)
                summary = json.loads((Path(out) / "summary.json").read_text())
                rows.append(
                    (seconds, summary["steps"], independent_check(Path(out) / "checkpoint.pt"))
                )
        met = [r for r in rows if r[2]["met"]]
        table.add(
            name,
            metrics.QUALITY_BARS[metrics.quality_bar(rows[0][2])][0],
            f"{len(met)}/{len(rows)}",
            median([r[0] if r[2]["met"] else float("inf") for r in rows]),
            " ".join(f"{r[0]:.1f}" for r in rows),
            " ".join(str(r[1]) for r in rows),
            " ".join(_verdict(r[2]) for r in rows),
        )
    start = start_up(env)
    table.notes.append(
        "where a start goes: " + ", ".join(f"{k} {v:.2f} s" for k, v in start.items())
    )
    table.notes += [
        f"checked on 10k: the checkpoint's metrics on {CHECK_SAMPLES:,} fresh samples "
        "('+' the bar is met, '-' not); median s counts a seed that fails as infinitely slow",
        f"{load()} after",
    ]
    return [table]


def _verdict(scores: dict) -> str:
    quality = scores.get("high_quality", scores.get("fd"))
    return f"{'+' if scores['met'] else '-'}{quality:.3g}"
