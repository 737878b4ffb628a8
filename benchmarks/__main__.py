"""`python -m benchmarks [NAME|all] [--smoke] [--json FILE]`: the tables of BENCHMARKS."""

from __future__ import annotations

import argparse
import json
import sys
import time

import torch

from benchmarks import gpu, quality, roofline, scaling, side_by_side, throughput, whole_process
from benchmarks.timing import Table, load, machine

BENCHMARKS = {
    "whole_process": whole_process.run,
    "quality": quality.run,
    "roofline": roofline.run,
    "side_by_side": side_by_side.run,
    "throughput": throughput.run,
    "scaling": scaling.run,
    "gpu": gpu.run,
}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    p.add_argument("which", nargs="?", default="all", choices=[*BENCHMARKS, "all"])
    p.add_argument("--smoke", action="store_true", help="a few steps, one repeat: checks it runs")
    p.add_argument("--json", metavar="FILE", help="also write the tables to FILE as JSON")
    p.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    # One thread by default: on 2 cores it was the faster choice for every workload
    # measured (see the scaling benchmark's thread table, which measures both anyway).
    p.add_argument("--threads", type=int, default=1, help="torch intra-op threads (default 1)")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    before = torch.get_num_threads()
    torch.set_num_threads(args.threads)
    try:
        info = machine()
        print("ganlab benchmarks | " + " | ".join(f"{k}: {v}" for k, v in info.items()))
        names = list(BENCHMARKS) if args.which == "all" else [args.which]
        tables: list[Table] = []
        for name in names:
            start = time.perf_counter()
            for table in BENCHMARKS[name](smoke=args.smoke, device=args.device):
                print("\n" + table.render(), flush=True)
                tables.append(table)
            print(f"\n[{name}: {time.perf_counter() - start:.0f} s, {load()}]", flush=True)
    finally:
        torch.set_num_threads(before)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": info, "tables": [t.to_dict() for t in tables]}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
