"""The dashboard's training worker: controls, thread lifetime, bounded memory, errors."""

import importlib.util
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import torch

from ganlab.checkpoint import CheckpointError
from ganlab.config import Config
from ganlab.dashboard import machine
from ganlab.dashboard.machine import BusyError
from ganlab.dashboard.snapshots import Thinned
from ganlab.dashboard.worker import Worker, live_workers


def tiny(steps: int = 40, **train) -> Config:
    return Config.from_dict(
        {
            "data": {"name": "ring8", "n_samples": 512},
            "model": {"hidden": 32, "depth": 2, "z_dim": 4},
            "train": {"batch_size": 64, "steps": steps, "log_every": 5, "eval_every": 0, **train},
        }
    )


def wait_for(condition, timeout: float = 30.0) -> None:
    """Poll until condition() holds; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {condition}")
        time.sleep(0.005)


def settled_step(worker: Worker) -> int:
    """The step count, read on the worker thread itself (so no step is in flight)."""
    return worker.call(lambda trainer: trainer.step_count)


@pytest.fixture(autouse=True)
def no_orphans():
    threads = torch.get_num_threads()  # workers set torch's process-wide pool; restore it
    yield
    for w in live_workers():
        w.stop()
    torch.set_num_threads(threads)
    assert not [t for t in threading.enumerate() if t.name == "ganlab-worker"]


def test_start_trains_in_the_background_until_the_target():
    w = Worker(tiny(steps=40), snapshot_every=10)
    assert w.view().state == "paused" and w.view().step == 0
    assert len(w.view().snapshots) == 1  # a picture of the untrained G
    w.start()
    wait_for(lambda: w.view().state == "done")
    view = w.view()
    assert view.step == 40 == w.trainer.step_count
    assert [r["step"] for r in view.history] == [5, 10, 15, 20, 25, 30, 35, 40]
    assert [s.step for s in view.snapshots] == [0, 10, 20, 30, 40]
    assert view.snapshots[-1].decision.fake.shape == (512, 2)
    w.start()  # past the target: another config.train.steps
    wait_for(lambda: w.view().state == "done")
    assert w.view().step == 80
    assert w.alive


def test_pause_stops_training_and_step_takes_exactly_n():
    w = Worker(tiny(steps=100_000))
    w.start()
    wait_for(lambda: w.view().step > 0)
    w.pause()
    view = w.view()  # right after pause() returns: already final, no step still in flight
    assert view.state == "paused"
    paused_at = settled_step(w)
    assert view.step == paused_at
    assert settled_step(w) == paused_at == w.view().step  # nothing moves while paused
    w.step(7)
    wait_for(lambda: w.view().state == "paused" and w.view().step == paused_at + 7)
    assert settled_step(w) == paused_at + 7
    with pytest.raises(ValueError, match="n = 0"):
        w.step(0)


def test_stop_ends_the_thread_and_the_worker():
    w = Worker(tiny(steps=100_000))
    w.start()
    wait_for(lambda: w.view().step > 0)
    w.stop()
    assert not w.alive and w.view().state == "stopped"
    assert w not in live_workers()
    with pytest.raises(RuntimeError, match="stopped"):
        w.start()
    w.stop()  # idempotent


def test_memory_stays_bounded_on_a_long_run():
    w = Worker(tiny(steps=400, log_every=1), snapshot_every=1, max_records=16)
    w.start()
    wait_for(lambda: w.view().state == "done", timeout=60)
    view = w.view()
    steps = [r["step"] for r in view.history]
    assert len(steps) <= 17 and steps[0] == 1 and steps[-1] == 400  # spans the whole run
    # issue 12: the worker thins its own copy; the trainer's history is its own, whole
    assert [r["step"] for r in w.trainer.history] == list(range(1, 401))
    snaps = [s.step for s in view.snapshots]
    assert len(snaps) <= 241 and snaps[0] == 0 and snaps[-1] == 400


def test_2d_snapshots_carry_the_manifold_and_the_grid_divergence():
    w = Worker(tiny(), snapshot_every=5)
    [first] = w.view().snapshots
    assert first.decision.manifold.shape == (21, 21, 2)  # z_dim 4: the slice z[2:] = 0
    assert 0 < first.divergence["js"] < 0.7 and first.divergence["kl"] > 0  # untrained G


def test_slow_step_plays_one_real_step_as_three_frames_while_paused():
    w, reference = Worker(tiny(), snapshot_every=5), Worker(tiny())
    frames = w.slow_step()
    assert [f.title[:3] for f in frames] == ["1/3", "2/3", "3/3"]
    before, after_d, after_g = (f.decision for f in frames)
    assert not np.array_equal(before.score, after_d.score)  # D's part moved the map ...
    np.testing.assert_array_equal(before.fake, after_d.fake)  # ... and not the fakes
    np.testing.assert_array_equal(after_d.score, after_g.score)  # G's part: not the map ...
    assert not np.array_equal(after_d.fake, after_g.fake)  # ... but the fakes
    np.testing.assert_array_equal(frames[2].trail, after_d.fake)
    view = w.view()
    assert view.step == 1 == settled_step(w) and view.state == "paused"
    assert view.frames == frames and view.snapshots[-1].step == 1
    reference.step(1)  # the same step as Step takes: the real loop, not a copy
    wait_for(lambda: reference.view().state == "paused" and reference.view().step == 1)
    for a, b in zip(w.trainer.G.parameters(), reference.trainer.G.parameters()):
        torch.testing.assert_close(a, b, rtol=0, atol=0)
    w.step(2)  # training goes on: the frames are gone
    wait_for(lambda: w.view().state == "paused" and w.view().step == 3)
    assert w.view().frames == ()


def test_slow_step_refuses_a_running_training_and_image_data():
    w = Worker(tiny(steps=100_000))
    w.start()
    with pytest.raises(RuntimeError, match="paused"):
        w.slow_step()
    w.pause()
    images = Config.from_dict(
        {
            "data": {"name": "digits"},
            "model": {"arch": "dcgan", "z_dim": 8, "width": 8, "d_batch_norm": False},
            "train": {"batch_size": 16, "eval_every": 0},
        }
    )
    with pytest.raises(RuntimeError, match="2-D data"):
        Worker(images).slow_step()


def test_thinned_keeps_an_evenly_spaced_bounded_selection():
    kept = Thinned(capacity=4)
    for i in range(100):
        kept.append(i)
        assert len(kept.items) <= 4
    gaps = {b - a for a, b in zip(kept.items, kept.items[1:])}
    assert kept.items[0] == 0 and gaps == {kept.stride}
    with pytest.raises(ValueError, match="capacity"):
        Thinned(1)


def test_divergence_becomes_an_error_state_not_a_crash():
    w = Worker(tiny())
    w.call(lambda trainer: [p.data.fill_(float("nan")) for p in trainer.G.parameters()])
    w.step(10)
    wait_for(lambda: w.view().state == "error")
    assert "diverged" in w.view().error
    assert w.alive  # the thread (and the app) live on, training does not
    with pytest.raises(RuntimeError, match="error"):
        w.start()


def test_running_trainings_are_capped(monkeypatch):
    monkeypatch.setattr(machine, "MAX_RUNNING", 1)
    first, second = Worker(tiny(steps=100_000)), Worker(tiny(steps=100_000))
    first.start()
    with pytest.raises(BusyError, match="already running"):
        second.start()
    assert second.view().state == "paused"
    first.pause()
    second.start()  # the slot is free again
    assert second.view().state == "running"


def test_checkpoint_round_trip_and_bad_files():
    w = Worker(tiny())
    w.step(12)
    wait_for(lambda: w.view().state == "paused" and w.view().step == 12)
    copy = Worker.from_checkpoint(w.checkpoint_bytes())
    assert copy.view().step == 12 and copy.config == w.config
    for name, p in w.trainer.G.state_dict().items():
        torch.testing.assert_close(copy.trainer.G.state_dict()[name], p)
    with pytest.raises(CheckpointError):
        Worker.from_checkpoint(b"not a checkpoint")


def test_generator_copy_is_private():
    w = Worker(tiny())
    G = w.generator_copy()
    assert G is not w.trainer.G and not G.training
    before = next(G.parameters()).detach().clone()
    w.step(5)
    wait_for(lambda: w.view().state == "paused" and w.view().step == 5)
    torch.testing.assert_close(next(G.parameters()), before)


def test_overhead_benchmark_runs_in_smoke_mode(capsys):
    path = Path(__file__).parents[1] / "benchmarks" / "dashboard_overhead.py"
    spec = importlib.util.spec_from_file_location("dashboard_overhead", path)
    benchmark = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(benchmark)
    ratio = benchmark.main(["--smoke"])
    assert 0 < ratio < 10
    assert "ratio dashboard/headless" in capsys.readouterr().out


def test_a_run_that_meets_its_quality_bar_is_done_there_and_can_resume(monkeypatch):
    from ganlab import metrics

    monkeypatch.setattr(metrics, "evaluate", lambda data, x, errors=False: {})
    monkeypatch.setattr(
        metrics, "meets_bar", lambda record: "step" not in record or record["step"] >= 20
    )
    worker = Worker(tiny(200, stop_at_bar=True, eval_every=10))
    try:
        worker.start()
        wait_for(lambda: worker.view().state == "done")
        assert (worker.view().step, worker.view().bar_met_at) == (20, 20)
        worker.step(5)  # the student may train on
        wait_for(lambda: worker.view().state == "paused")
        assert (worker.view().step, worker.view().bar_met_at) == (25, 20)
    finally:
        worker.stop()
