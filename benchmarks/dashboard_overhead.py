"""What does the dashboard cost training? Steps per second, with and without it.

Runs the same config twice (alternating, best of --repeats):
  headless   Trainer.run(steps), as the CLI or a notebook does;
  dashboard  the dashboard's Worker thread (snapshots every few steps) while another
             thread plays the page: every POLL_SECONDS it reads worker.view() and builds
             and serialises the figures the Train page draws.
and prints both speeds and their ratio. Aim: the page costs training less than 20%.

    python benchmarks/dashboard_overhead.py                 # ring8, 1500 steps
    python benchmarks/dashboard_overhead.py --dataset digits --steps 200
    python benchmarks/dashboard_overhead.py --smoke         # a few seconds, for CI
"""

from __future__ import annotations

import argparse
import threading
import time

from ganlab import viz
from ganlab.config import IMAGE_DATASETS, PRESETS, Config, preset
from ganlab.dashboard.machine import POLL_SECONDS, configure_threads
from ganlab.dashboard.worker import Worker
from ganlab.train import Trainer


def dashboard_config(dataset: str, steps: int) -> Config:
    """The config the sidebar builds for this dataset's preset (log_every as on the page),
    with its stop at the quality bar turned off: a measurement must last its `steps`."""
    name = dataset if dataset in PRESETS else "ring8"
    log_every = 10 if dataset in IMAGE_DATASETS else 25
    train = {"steps": steps, "log_every": log_every, "stop_at_bar": False}
    return preset(name, data={"name": dataset}, train=train)


def headless(config: Config, warmup: int) -> float:
    trainer = Trainer(config)
    trainer.run(warmup)  # first steps allocate; not what we measure
    start = time.perf_counter()
    trainer.run(config.train.steps)
    return config.train.steps / (time.perf_counter() - start)


def draw_page(worker: Worker) -> None:
    """What one poll of the Train page computes (Streamlit's own work aside)."""
    view = worker.view()
    figures = [viz.loss_figure(view.history, grad_norms=True)]
    if view.snapshots:
        snap = view.snapshots[-1]
        figures.append(viz.snapshot_figure(snap.decision, snap.grid))
    for figure in figures:
        figure.to_json()  # st.plotly_chart serialises each figure


def with_dashboard(config: Config, warmup: int) -> tuple[float, int]:
    worker = Worker(config)
    try:
        worker.step(warmup)
        while worker.view().state == "running":
            time.sleep(0.01)
        polls, finished = 0, threading.Event()

        def page() -> None:
            nonlocal polls
            while not finished.wait(POLL_SECONDS):
                draw_page(worker)
                polls += 1

        poller = threading.Thread(target=page, daemon=True)
        poller.start()
        start = time.perf_counter()
        worker.step(config.train.steps)
        while worker.view().state == "running":
            time.sleep(0.005)
        elapsed = time.perf_counter() - start
        finished.set()
        poller.join()
        if worker.view().error:
            raise RuntimeError(worker.view().error)
        return config.train.steps / elapsed, polls
    finally:
        worker.stop()


def main(argv: list[str] | None = None) -> float:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="ring8")
    parser.add_argument("--steps", type=int, default=1500)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--smoke", action="store_true", help="tiny run for CI")
    args = parser.parse_args(argv)
    steps, repeats = (100, 1) if args.smoke else (args.steps, args.repeats)
    config = dashboard_config(args.dataset, steps)
    threads = configure_threads()
    warmup = 10 if args.smoke else 50
    best_headless = best_dashboard = 0.0
    polls = 0
    for _ in range(repeats):  # alternate, so a noisy neighbour hurts both alike
        best_headless = max(best_headless, headless(config, warmup))
        speed, polls = with_dashboard(config, warmup)
        best_dashboard = max(best_dashboard, speed)
    ratio = best_dashboard / best_headless
    print(
        f"dashboard overhead: {args.dataset}, {steps} steps, torch threads {threads}, "
        f"poll every {POLL_SECONDS} s, best of {repeats}"
    )
    print(f"{'mode':<12}{'steps/s':>10}")
    print(f"{'headless':<12}{best_headless:>10.1f}")
    print(f"{'dashboard':<12}{best_dashboard:>10.1f}   ({polls} page polls)")
    print(f"ratio dashboard/headless: {ratio:.2f} (the page costs training {1 - ratio:.0%})")
    return ratio


if __name__ == "__main__":
    main()
