"""How a training step's cost grows: with batch size, with image size, with threads.

- batch size 32/64/128/256 for the `digits` DCGAN at 16 px;
- image size 16/32/64 for the same nets (width 32) at batch 64;
- torch.set_num_threads(1) vs 2 for the ring8 MLP and the DCGAN at 16 and 32 px.

Each table's cells are timed in turns (all cells of one table, round and round), so
machine drift hits them alike. The thread table is also measured in a child process
with OMP_WAIT_POLICY=PASSIVE (the variable is read once, when torch loads OpenMP):
with the default policy an OpenMP thread that finishes early spins, waiting for its
partner; on a busy machine that partner may not be running at all.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import torch

from benchmarks import workloads
from benchmarks.timing import Table, interleaved, load, median
from ganlab.train import Trainer

BATCHES = (32, 64, 128, 256)
SIZES = (16, 32, 64)
THREAD_WORKLOADS = ("ring8", "dcgan16", "dcgan32")
SMOKE = {"batches": (8, 16), "sizes": (16, 32, 64), "threads": ("ring8",)}
ROOT = Path(__file__).resolve().parent.parent  # so a child process finds `benchmarks`


def _timed(configs: dict, repeats: int, smoke: bool) -> dict[Any, float]:
    """Median steps/s of a Trainer per config, all timed in turns."""
    trainers = {key: Trainer(config) for key, config in configs.items()}
    steps = {key: t.step for key, t in trainers.items()}
    warmup, block = (1, 0.05) if smoke else (2, 0.5)
    device = next(iter(trainers.values())).device
    rates = interleaved(steps, repeats=repeats, warmup=warmup, block_seconds=block, device=device)
    return {key: median(r) for key, r in rates.items()}


def batch_table(repeats: int, smoke: bool, device: str) -> Table:
    batches = SMOKE["batches"] if smoke else BATCHES
    configs = {b: workloads.workload("dcgan16", device, train={"batch_size": b}) for b in batches}
    rates = _timed(configs, repeats, smoke)
    table = Table(
        "Scaling with batch size: DCGAN 16 px (digits preset nets)",
        ["batch", "ms/step", "images/s", f"step time / B={batches[0]}'s"],
    )
    for b in batches:
        table.add(b, 1000 / rates[b], b * rates[b], rates[batches[0]] / rates[b])
    return table


def size_table(repeats: int, smoke: bool, device: str) -> Table:
    sizes = SMOKE["sizes"] if smoke else SIZES
    configs = {
        s: workloads.workload("dcgan16", device, smoke, data={"image_size": s}) for s in sizes
    }
    rates = _timed(configs, repeats, smoke)
    batch = configs[sizes[0]].train.batch_size
    table = Table(
        f"Scaling with image size: DCGAN (digits preset nets, width 32), B={batch}",
        ["size", "ms/step", "images/s", f"step time / {sizes[0]} px's"],
    )
    for s in sizes:
        table.add(f"{s} px", 1000 / rates[s], batch * rates[s], rates[sizes[0]] / rates[s])
    return table


def thread_rates(repeats: int, smoke: bool) -> dict[str, dict[int, float]]:
    """{row name: {threads: steps/s}} on the CPU, 1 and 2 threads timed in turns."""
    before, out = torch.get_num_threads(), {}
    try:
        for name in SMOKE["threads"] if smoke else THREAD_WORKLOADS:
            config = workloads.workload(name, "cpu", smoke)
            trainer = Trainer(config)

            def with_threads(n: int, trainer: Trainer = trainer):
                def step():
                    torch.set_num_threads(n)  # cheap next to a step; set before each one
                    trainer.step()

                return step

            steps = {1: with_threads(1), 2: with_threads(2)}
            warmup, block = (1, 0.05) if smoke else (2, 0.5)
            rates = interleaved(steps, repeats=repeats, warmup=warmup, block_seconds=block)
            out[workloads.label(config)] = {n: median(r) for n, r in rates.items()}
    finally:
        torch.set_num_threads(before)
    return out


def _passive_child(repeats: int, smoke: bool) -> dict[str, dict[int, float]]:
    """thread_rates measured in a fresh process started with OMP_WAIT_POLICY=PASSIVE."""
    code = f"import json, benchmarks.scaling as s; print(json.dumps(s.thread_rates({repeats}, {smoke})))"
    env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE"}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    rates = json.loads(done.stdout.strip().splitlines()[-1])
    return {name: {int(n): r for n, r in per.items()} for name, per in rates.items()}


def thread_table(repeats: int, smoke: bool) -> Table:
    here = thread_rates(repeats, smoke)  # this process's own OpenMP wait policy
    passive = _passive_child(repeats, smoke)
    policy = os.environ.get("OMP_WAIT_POLICY", "unset")
    table = Table(
        "Threads on this machine (CPU): steps/s with torch.set_num_threads(1) vs 2",
        ["workload", "1 thread", "2 threads", "2 / 1", "PASSIVE 1", "PASSIVE 2", "PASSIVE 2 / 1"],
    )
    for name, h in here.items():
        p = passive[name]
        table.add(name, h[1], h[2], h[2] / h[1], p[1], p[2], p[2] / p[1])
    table.notes.append(
        f"first columns: OMP_WAIT_POLICY={policy}; PASSIVE: a child process started with "
        "OMP_WAIT_POLICY=PASSIVE, timed after this one (not interleaved with it)"
    )
    return table


def run(smoke: bool = False, device: str = "auto", repeats: int | None = None) -> list[Table]:
    repeats = repeats or (1 if smoke else 3)
    tables = [batch_table(repeats, smoke, device), size_table(repeats, smoke, device)]
    tables.append(thread_table(repeats, smoke))
    for table in tables:
        table.notes.append(f"{load()} after this table; threads = {torch.get_num_threads()}")
    return tables
