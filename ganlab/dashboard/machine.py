"""The machine's share: how many trainings run at once, with how many torch threads.

A classroom laptop has 2 cores and every browser tab may start a training. Trainings
beyond MAX_RUNNING (counted over all sessions of one server) are refused with a
message rather than slowing everyone down; paused runs do not count.
"""

from __future__ import annotations

import os
import threading

import torch

# The Train page's refresh period while training. Each poll's drawing holds the GIL,
# and the training thread all but stops meanwhile (benchmarks/browser.py): 1 s halves
# that cost and Chromium's redrawing against 0.5 s, and still shows every ~80 steps.
POLL_SECONDS = float(os.environ.get("GANLAB_POLL_SECONDS", "1.0"))
MAX_RUNNING = int(os.environ.get("GANLAB_MAX_TRAINERS", "2"))  # trainings at once, all sessions
_running: set = set()  # the workers training now
_lock = threading.Lock()


class BusyError(RuntimeError):
    """MAX_RUNNING trainings are already running in this process."""


def threads_per_training() -> int:
    """torch threads per training: the cores shared out over MAX_RUNNING trainings."""
    return max(1, (os.cpu_count() or 2) // max(1, MAX_RUNNING))


def configure_threads() -> int:
    """Share the cores between concurrent trainings and leave the page responsive.

    torch's intra-op thread pool is process-wide: 2 cores and MAX_RUNNING = 2 give 1
    thread, so two trainings never oversubscribe the machine.
    """
    n = threads_per_training()
    if torch.get_num_threads() != n:
        torch.set_num_threads(n)
    return n


def claim(worker: object) -> None:
    """Count `worker` as training, or raise BusyError when MAX_RUNNING others already are."""
    with _lock:
        if worker not in _running and len(_running) >= MAX_RUNNING:
            raise BusyError(
                f"{MAX_RUNNING} trainings are already running on this computer, as many as "
                "its cores allow: pause one (or wait for it to finish), then try again"
            )
        _running.add(worker)


def release(worker: object) -> None:
    with _lock:
        _running.discard(worker)
