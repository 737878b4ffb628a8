"""ganlab against a pytorch/examples-style loop at 64 x 64 RGB, each a process of its own.

    python -m benchmarks.side_by_side --loop ganlab|textbook [--steps 32]

trains the `folder64` preset's nets (width 64, pytorch/examples' size) on the bundled
digits at 64 px RGB, batch 64, with the textbook recipe (see workloads.py), and prints
one JSON line, with its own peak resident memory. `run()` starts each loop `repeats` times in a fresh process, alternating,
and reports wall time (process start to exit) and peak memory (the process's maximum
resident set, from the operating system). Peak memory is where the two differ most, so
the note splits ganlab's: the data set held as one float tensor, the averaged G and
Adam's state are the parts a DataLoader loop does not have.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

from benchmarks import workloads
from benchmarks.timing import Table, load, median


def train(loop: str, steps: int) -> dict:
    """Train `steps` steps of `loop` in this process; report its peak memory (MiB)."""
    from benchmarks.textbook import TextbookLoop
    from ganlab.data import load_for
    from ganlab.train import Trainer

    config = workloads.workload("dcgan64", "cpu")
    data = load_for(config.data, seed=config.train.seed)
    step = Trainer(config, data).step if loop == "ganlab" else TextbookLoop(config, data).step
    for _ in range(steps):
        step()
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
    return {"loop": loop, "peak_mib": peak_mib, "data_mib": data.x.numel() * 4 / 2**20}


def run_child(loop: str, steps: int) -> dict:
    """One loop in a fresh process: wall seconds from start to exit, and its report."""
    argv = [sys.executable, "-m", "benchmarks.side_by_side", "--loop", loop, "--steps", str(steps)]
    start = time.perf_counter()
    out = subprocess.run(argv, check=True, capture_output=True, text=True).stdout
    return {**json.loads(out.strip().splitlines()[-1]), "seconds": time.perf_counter() - start}


def run(smoke: bool = False, device: str = "auto", repeats: int | None = None) -> list[Table]:
    """Median wall time and peak memory of each loop over `repeats` alternating processes."""
    repeats, steps = (1, 2) if smoke else (repeats or 3, 32)
    table = Table(
        f"Side by side at 64 x 64 RGB, batch 64, {steps} steps, whole process (CPU)",
        ["loop", "wall s", "peak MiB", "runs"],
    )
    table.notes.append(f"{load()} before")
    results: dict[str, list[dict]] = {"ganlab": [], "textbook": []}
    for _ in range(repeats):
        for loop in results:
            results[loop].append(run_child(loop, steps))
    for loop, rs in results.items():
        table.add(
            loop, median([r["seconds"] for r in rs]), median([r["peak_mib"] for r in rs]), len(rs)
        )
    table.notes += [
        "textbook: pytorch/examples' dcgan loop (benchmarks/textbook.py) on ganlab's nets",
        f"ganlab keeps the data set on the device as one float tensor "
        f"({results['ganlab'][0]['data_mib']:.0f} MiB here) instead of a DataLoader's batches",
        f"{load()} after",
    ]
    return [table]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.side_by_side", description=__doc__)
    p.add_argument("--loop", choices=["ganlab", "textbook"], required=True)
    p.add_argument("--steps", type=int, default=32)
    args = p.parse_args(argv)
    print(json.dumps(train(args.loop, args.steps)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
