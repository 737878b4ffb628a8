"""The dashboard's training worker: a Trainer stepping in a background thread.

The page must never wait for training, and training must never wait for the page. So a
plain daemon thread owns the Trainer and loops `trainer.step()`; every `snapshot_every`
steps it copies what the page draws into read-only numpy (see snapshots.py). The page
polls `view()`, which copies references under a Lock and returns at once. Anything that
needs the model itself (a checkpoint, a copy of G) is handed to the thread with `call`
and runs between two steps, so nothing else ever touches the model. No Streamlit here.

    worker = Worker(preset("ring8"))
    worker.start()                 # train up to config.train.steps, in the background
    worker.view().step             # read at any time, from any thread
    worker.pause(); worker.step(10); worker.stop()
    worker.slow_step()             # paused, 2-D data: one step as frames (slow_motion.py)

States: "paused" -> start()/step(n) -> "running" -> "done" (target reached) or "paused"
(pause(), or the n steps of step(n) are done) or "error" (the loss diverged: the message
is kept, training stops, the app lives on); stop() -> "stopped", and the thread ends.
"""

from __future__ import annotations

import copy
import queue
import tempfile
import threading
import time
import weakref
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import torch

from ganlab import checkpoint
from ganlab.config import Config
from ganlab.dashboard import machine
from ganlab.dashboard.slow_motion import Frame, play_step
from ganlab.dashboard.snapshots import Snapshot, Snapshotter, Thinned
from ganlab.train import Record, Trainer, TrainingDiverged

T = TypeVar("T")
_all: weakref.WeakSet[Worker] = weakref.WeakSet()  # for live_workers()


def load_trainer(data: bytes) -> Trainer:
    """A Trainer continuing the checkpoint whose file bytes are `data` (an upload).

    Raises checkpoint.CheckpointError for a file that is not a ganlab checkpoint, and
    ValueError/KeyError/RuntimeError for one whose config or weights do not fit.
    """
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "upload.pt"
        path.write_bytes(data)
        try:
            return Trainer.load(path)
        except checkpoint.CheckpointError as e:  # name the upload, not our temporary copy
            raise checkpoint.CheckpointError(str(e).replace(str(path), "the file")) from e


def live_workers() -> list[Worker]:
    """Workers whose thread is still alive (for tests and orphan checks)."""
    return [w for w in list(_all) if w.alive]


@dataclass(frozen=True)
class View:
    """A consistent copy of a worker's state, for one page poll."""

    state: str  # "paused", "running", "done", "error" or "stopped"
    step: int
    target: int  # the step where the current run stops
    error: str | None
    history: tuple[Record, ...]  # thinned trainer records, the latest always last
    snapshots: tuple[Snapshot, ...]  # thinned, the latest always last
    frames: tuple[Frame, ...] = ()  # the last slow-motion step's frames (see slow_step)

    @property
    def latest(self) -> Record | None:
        return self.history[-1] if self.history else None


class Worker:
    """Owns one Trainer and the daemon thread that trains it. Public methods are thread-safe."""

    def __init__(
        self,
        config: Config | None = None,
        trainer: Trainer | None = None,
        snapshot_every: int | None = None,
        max_records: int = 600,
    ) -> None:
        if trainer is None and config is None:
            raise ValueError("Worker needs a config or a trainer")
        machine.configure_threads()
        self.trainer = trainer or Trainer(config)  # may raise: the caller shows the message
        # What pages may read: the run's config and data (never changed by training).
        # Everything else of the trainer is the worker thread's alone (see `call`).
        self.config, self.data = self.trainer.config, self.trainer.data
        self.snapshot_every = snapshot_every or (10 if self.trainer.data.is_image else 50)
        self._snapshotter = Snapshotter(self.trainer)
        self._lock = threading.Lock()  # guards the fields below (read by `view`)
        self._state, self._error, self._finish = "paused", None, "done"
        self._step = self._target = self.trainer.step_count
        self._records = Thinned(max_records)
        for record in self.trainer.history:
            self._records.append(record)
        self._latest_record = self.trainer.history[-1] if self.trainer.history else None
        self._snapshots: Thinned | None = None  # sized from the first snapshot
        self._latest_snapshot: Snapshot | None = None
        self._frames: tuple[Frame, ...] = ()
        self._requests: queue.SimpleQueue = queue.SimpleQueue()
        self._run, self._stop, self._wake = threading.Event(), threading.Event(), threading.Event()
        self._unsubscribe = self.trainer.subscribe(self._on_record)
        self._thread = threading.Thread(target=self._loop, name="ganlab-worker", daemon=True)
        _all.add(self)
        self._thread.start()
        self.call(lambda _: self._snapshot())  # a first picture before the first step

    @classmethod
    def from_checkpoint(cls, data: bytes, **kwargs: Any) -> Worker:
        """A paused worker that continues a checkpoint (file bytes); raises on a bad file."""
        return cls(trainer=load_trainer(data), **kwargs)

    # ------------------------------------------------------------ controls
    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def start(self) -> None:
        """Train in the background up to config.train.steps (that many more once reached)."""
        steps, now = self.config.train.steps, self._current_step()
        self._go(steps if now < steps else now + steps, finish="done")

    def step(self, n: int = 1) -> None:
        """Train n more steps in the background, then pause."""
        if not isinstance(n, int) or n < 1:
            raise ValueError(f"n = {n!r} is not allowed: it must be a positive integer")
        self._go(self._current_step() + n, finish="paused")

    def pause(self) -> None:
        """Stop after the current step; start() or step() continue from there.

        Returns once the step in flight has finished, so the first view after a pause
        already shows the step where training stopped (the page must not show 1,024
        and then 1,025 while "paused").
        """
        self._run.clear()
        self.call(lambda _: None)  # served between two steps: the one in flight is done
        self._set_state("paused", only_from="running")

    def stop(self, timeout: float = 10.0) -> None:
        """End the thread after its current step. Idempotent; the worker cannot restart."""
        self._run.clear()
        self._stop.set()
        self._wake.set()
        if self._thread is not threading.current_thread():
            self._thread.join(timeout)
        self._set_state("stopped")

    def slow_step(self) -> tuple[Frame, ...]:
        """One step played as its parts (2-D data, while paused): returns its frames,
        which the views show until training goes on. Raises RuntimeError otherwise."""
        with self._lock:
            state = self._state
        if state not in ("paused", "done"):
            raise RuntimeError(f"slow motion needs a paused training, this one is {state}")
        if self.data.is_image:
            raise RuntimeError("slow motion draws D's map: it is for 2-D data")

        def play(trainer: Trainer) -> tuple[Frame, ...]:
            try:
                frames = play_step(trainer, self._snapshotter)
            except Exception as e:  # divergence: shown like a failed step, never raised on
                self._fail(e)
                raise
            with self._lock:
                self._step, self._frames = trainer.step_count, frames
                self._target = max(self._target, self._step)
            self._snapshot()
            return frames

        return self.call(play)

    def call(self, fn: Callable[[Trainer], T], timeout: float = 120.0) -> T:
        """fn(trainer), run on the worker thread between two steps; returns its result."""
        if self._thread is threading.current_thread() or not self.alive:
            return fn(self.trainer)
        future: Future = Future()
        self._requests.put((fn, future))
        self._wake.set()
        deadline = time.monotonic() + timeout
        while True:
            try:
                return future.result(timeout=0.25)
            except TimeoutError:
                if not self.alive:  # the thread ended before it saw the request
                    self._serve()
                if time.monotonic() > deadline:
                    raise

    def view(self) -> View:
        """A copy of the state for the page: cheap (references only), never blocks on training."""
        with self._lock:
            history = list(self._records.items)
            _append_if_missing(history, self._latest_record)
            snaps = list(self._snapshots.items) if self._snapshots else []
            _append_if_missing(snaps, self._latest_snapshot)
            return View(
                self._state,
                self._step,
                self._target,
                self._error,
                tuple(history),
                tuple(snaps),
                self._frames,
            )

    def checkpoint_bytes(self) -> bytes:
        """The trainer's checkpoint file as bytes (for a download); taken between two steps."""

        def save(trainer: Trainer) -> bytes:
            with tempfile.TemporaryDirectory() as folder:
                return checkpoint.save(trainer.state_dict(), Path(folder) / "run.pt").read_bytes()

        return self.call(save)

    def generator_copy(self) -> torch.nn.Module:
        """A private copy, in eval mode, of the G that `trainer.sample` uses (its weight
        average when the config asks for one): safe to use while training goes on."""
        return self.call(lambda trainer: copy.deepcopy(trainer.G_ema).eval())

    # ------------------------------------------------------------ state changes
    def _current_step(self) -> int:
        with self._lock:
            return self._step

    def _go(self, target: int, finish: str) -> None:
        with self._lock:
            if self._state in ("error", "stopped"):
                raise RuntimeError(f"this training has {self._state}: press Reset to start afresh")
        machine.claim(self)  # may raise BusyError; then nothing changed
        with self._lock:
            self._target, self._finish, self._state = target, finish, "running"
            self._frames = ()  # training goes on: the slow-motion frames are history
            self._run.set()
        self._wake.set()

    def _set_state(self, state: str, only_from: str | None = None) -> None:
        with self._lock:
            if self._state == "stopped" or only_from not in (None, self._state):
                return
            self._state = state
        if state != "running":
            machine.release(self)

    def _fail(self, error: Exception) -> None:
        """Keep the message for the page and stop training; the thread and app live on."""
        self._run.clear()
        if isinstance(error, TrainingDiverged):
            message = f"Training diverged: {error}"
        else:
            message = f"{type(error).__name__}: {error}"
        with self._lock:
            self._error = message
        self._set_state("error")

    # ------------------------------------------------------------ the thread
    def _loop(self) -> None:
        try:
            while True:
                self._wake.clear()  # cleared before looking, so no wake-up is lost
                self._serve()
                if self._stop.is_set():
                    return
                if self._run.is_set():
                    self._train_one()
                else:
                    self._wake.wait(0.5)
        finally:
            self._unsubscribe()
            machine.release(self)

    def _serve(self) -> None:
        """Answer every pending `call`."""
        while True:
            try:
                fn, future = self._requests.get_nowait()
            except queue.Empty:
                return
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(fn(self.trainer))
                except BaseException as e:  # handed to the caller, who re-raises it
                    future.set_exception(e)

    def _train_one(self) -> None:
        try:
            self.trainer.step()
            n = self.trainer.step_count
            with self._lock:
                self._step, reached = n, n >= self._target
            if reached or n % self.snapshot_every == 0:
                self._snapshot()  # before the state says "done": the last picture is there
        except Exception as e:  # divergence, or anything else: shown, never raised
            self._fail(e)
            return
        with self._lock:  # checked again: a start() meanwhile may have moved the target
            finished = self._state == "running" and self._step >= self._target
            if finished:
                self._run.clear()
                self._state = self._finish
        if finished:
            machine.release(self)

    def _on_record(self, record: Record) -> None:
        """Runs on the worker thread inside trainer.step(), once per log step."""
        with self._lock:
            self._records.append(record)  # the worker's own thinned copy for the page
            self._latest_record = record

    def _snapshot(self) -> None:
        snap = self._snapshotter.take()
        with self._lock:
            if self._snapshots is None:
                self._snapshots = Snapshotter.store_for(snap)
            if self._latest_snapshot is None or self._latest_snapshot.step != snap.step:
                self._snapshots.append(snap)
            self._latest_snapshot = snap


def _append_if_missing(items: list, latest: Any) -> None:
    """The thinned list may have skipped the newest item; the page always wants it."""
    if latest is not None and (not items or items[-1] is not latest):
        items.append(latest)
