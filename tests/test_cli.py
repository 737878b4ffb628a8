"""The command line: run folders, sample/eval, resume, and one-line errors with status 2."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from ganlab.cli import build_config, build_parser, main, show
from ganlab.config import Config, preset
from ganlab.train import Trainer

REPO = Path(__file__).resolve().parents[1]
TINY = ["--steps", "20", "--batch-size", "32", "--log-every", "5", "--eval-every", "10"]
METRIC_KEYS = {"modes_covered", "n_modes", "high_quality", "mmd"}  # ring8's metrics


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    # Tiny nets on a shared 2-core machine: extra threads only wait for each other.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def ring_run(tmp_path_factory) -> Path:
    """A finished 20-step ring8 run folder (read-only: copy it to change it)."""
    out = tmp_path_factory.mktemp("ring") / "run"
    assert main(["train", *TINY, "--seed", "3", "--out", str(out)]) == 0
    return out


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def assert_one_line_error(capsys, text: str) -> None:
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("ganlab: error: ") and "Traceback" not in err
    assert text in err


def test_train_writes_every_file_of_the_run_folder(ring_run):
    records = read_jsonl(ring_run / "metrics.jsonl")
    assert [r["step"] for r in records] == [5, 10, 15, 20]
    assert all(isinstance(r["d_loss"], float) and isinstance(r["g_loss"], float) for r in records)
    assert set(records[1]) >= METRIC_KEYS and not METRIC_KEYS & set(records[0])  # eval at 10
    expected = preset(
        "ring8", train={"steps": 20, "batch_size": 32, "log_every": 5, "eval_every": 10, "seed": 3}
    )
    assert Config.from_dict(json.loads((ring_run / "config.json").read_text())) == expected
    pngs = sorted(p.name for p in (ring_run / "samples").iterdir())
    assert pngs == ["step_000010.png", "step_000020.png"]
    with Image.open(ring_run / "samples" / pngs[-1]) as img:
        assert img.size == (256, 256)
    summary = json.loads((ring_run / "summary.json").read_text())
    assert summary["steps"] == 20 and summary["device"] == "cpu"
    assert summary["seconds"] > 0 and summary["steps_per_sec"] > 0
    assert set(summary) >= METRIC_KEYS
    assert Trainer.load(ring_run / "checkpoint.pt").step_count == 20


def test_sample_writes_a_png_and_npy_of_points(ring_run, tmp_path, capsys):
    ckpt = str(ring_run / "checkpoint.pt")
    for name in ("a.npy", "b.npy", "c.png"):
        assert (
            main(
                [
                    "sample",
                    "--ckpt",
                    ckpt,
                    "--n",
                    "50",
                    "--seed",
                    "1",
                    "--out",
                    str(tmp_path / name),
                ]
            )
            == 0
        )
    a, b = np.load(tmp_path / "a.npy"), np.load(tmp_path / "b.npy")
    assert a.shape == (50, 2) and a.dtype == np.float32
    np.testing.assert_array_equal(a, b)  # the same seed draws the same samples
    with Image.open(tmp_path / "c.png") as img:
        assert img.size == (256, 256)


def test_eval_prints_one_json_object_of_metrics(ring_run, capsys):
    capsys.readouterr()
    assert main(["eval", "--ckpt", str(ring_run / "checkpoint.pt"), "--n", "500"]) == 0
    (line,) = capsys.readouterr().out.strip().splitlines()
    result = json.loads(line)
    assert set(result) >= METRIC_KEYS and result["n_modes"] == 8


def test_resume_continues_to_the_new_total(ring_run, tmp_path):
    out = tmp_path / "run"
    shutil.copytree(ring_run, out)
    assert main(["train", "--out", str(out), "--resume", "--steps", "30"]) == 0
    assert json.loads((out / "summary.json").read_text())["steps"] == 30
    steps = [r["step"] for r in read_jsonl(out / "metrics.jsonl")]
    assert steps == [5, 10, 15, 20, 25, 30]
    assert (out / "samples" / "step_000030.png").is_file()
    assert Trainer.load(out / "checkpoint.pt").step_count == 30


def test_digits_run_samples_images_in_data_units(tmp_path):
    out = tmp_path / "digits"
    args = ["--steps", "2", "--batch-size", "8", "--log-every", "1", "--eval-every", "0"]
    assert main(["train", "--preset", "digits", *args, "--out", str(out)]) == 0
    assert (out / "samples" / "step_000002.png").is_file()
    ckpt = str(out / "checkpoint.pt")
    assert main(["sample", "--ckpt", ckpt, "--n", "10", "--out", str(tmp_path / "x.npy")]) == 0
    assert main(["sample", "--ckpt", ckpt, "--n", "10", "--out", str(tmp_path / "x.png")]) == 0
    x = np.load(tmp_path / "x.npy")
    assert x.shape == (10, 1, 16, 16) and x.min() >= -1 and x.max() <= 1
    with Image.open(tmp_path / "x.png") as img:
        assert img.size == (4 * 18 + 2, 3 * 18 + 2)  # make_grid: 4 per row, 2 px padding


def test_label_picks_the_class_of_a_conditional_model(tmp_path, capsys):
    out = tmp_path / "cond"
    assert (
        main(
            [
                "train",
                "--conditional",
                "--steps",
                "2",
                "--batch-size",
                "8",
                "--eval-every",
                "0",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    ckpt = str(out / "checkpoint.pt")
    drawn = []
    for label in ("0", "3"):
        path = tmp_path / f"label{label}.npy"
        assert main(["sample", "--ckpt", ckpt, "--label", label, "--out", str(path)]) == 0
        drawn.append(np.load(path))
    assert not np.allclose(drawn[0], drawn[1])  # same noise, another class
    capsys.readouterr()
    assert main(["sample", "--ckpt", ckpt, "--label", "8", "--out", str(tmp_path / "x.npy")]) == 2
    assert_one_line_error(capsys, "choose 0..7")


@pytest.mark.parametrize(
    "args, text",
    [
        (["train", "--loss", "nope"], "invalid choice: 'nope'"),
        (["train", "--steps", "-5"], "train.steps = -5"),
        (["sample", "--ckpt", "{tmp}/missing.pt", "--out", "{tmp}/x.png"], "no checkpoint at"),
        (["eval", "--ckpt", "{tmp}/truncated.pt"], "not a readable ganlab checkpoint"),
        (["train", "--dataset", "mnist", "--data-root", "{tmp}/data"], "was not found"),
        (["sample", "--ckpt", "{tmp}/x.pt", "--out", "{tmp}/x.jpg"], "must end in .png or .npy"),
    ],
)
def test_bad_input_is_one_line_and_status_2(args, text, ring_run, tmp_path, capsys):
    whole = (ring_run / "checkpoint.pt").read_bytes()
    (tmp_path / "truncated.pt").write_bytes(whole[: len(whole) // 2])
    args = [a.format(tmp=tmp_path) for a in args] + ["--out", str(tmp_path / "run")] * (
        args[0] == "train"
    )
    capsys.readouterr()
    assert main(args) == 2
    assert_one_line_error(capsys, text)
    assert not (tmp_path / "run").exists()  # nothing written before the check


def test_every_command_has_help(capsys):
    for command in ("train", "sample", "eval"):
        assert main([command, "--help"]) == 0
        assert "usage: ganlab " + command in capsys.readouterr().out


def test_module_entry_point_in_a_subprocess(tmp_path):
    run = [sys.executable, "-m", "ganlab"]
    ok = subprocess.run([*run, "train", "--help"], cwd=REPO, capture_output=True, text=True)
    assert ok.returncode == 0 and "--resume" in ok.stdout
    bad = subprocess.run(
        [*run, "train", "--steps", "many"], cwd=tmp_path, capture_output=True, text=True
    )
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr.startswith("ganlab: error: argument --steps: invalid int value: 'many'")
    assert len(bad.stderr.splitlines()) == 1 and "Traceback" not in bad.stderr


def test_checkpoints_every_ckpt_every_steps_and_at_the_end(tmp_path, monkeypatch):
    saved = []
    real_save = Trainer.save
    monkeypatch.setattr(
        Trainer, "save", lambda t, path: saved.append(t.step_count) or real_save(t, path)
    )
    args = ["--steps", "10", "--batch-size", "8", "--eval-every", "0", "--ckpt-every", "4"]
    assert main(["train", *args, "--out", str(tmp_path / "run")]) == 0
    assert saved == [4, 8, 10]


@pytest.mark.parametrize(
    "args, preset_name, arch",
    [
        (["--dataset", "moons"], "ring8", "mlp"),
        (["--dataset", "mnist"], "mnist", "dcgan"),
        (["--preset", "digits", "--dataset", "spiral"], "digits", "mlp"),  # arch "auto"
    ],
)
def test_dataset_picks_a_preset_and_an_arch_of_its_kind(args, preset_name, arch):
    cfg = build_config(build_parser().parse_args(["train", *args]))
    assert cfg.resolved_arch == arch
    assert cfg.model.z_dim == preset(preset_name).model.z_dim


def test_sample_grids_follow_eval_every_whatever_log_every_is(tmp_path):
    # issue 12, bug 4: with --log-every 4 --eval-every 6 grids came only every 12 steps.
    out = tmp_path / "run"
    args = ["--steps", "12", "--batch-size", "32", "--log-every", "4", "--eval-every", "6"]
    assert main(["train", *args, "--out", str(out)]) == 0
    pngs = sorted(p.name for p in (out / "samples").iterdir())
    assert pngs == ["step_000006.png", "step_000012.png"]
    records = read_jsonl(out / "metrics.jsonl")
    assert [r["step"] for r in records if "mmd" in r] == [6, 12]


class FakeBar:
    n = 0

    def set_postfix(self, postfix, refresh):
        self.postfix = dict(postfix)

    def update(self, n):
        self.n += n


def test_the_progress_bar_labels_each_metric_with_its_step():
    # issue 12, bug 8: at step 300 the bar showed step 250's modes_covered as if current.
    bar, postfix = FakeBar(), {}
    losses = {"d_loss": 1.0, "g_loss": 1.0}
    show(bar, postfix, {"step": 250, **losses, "modes_covered": 5})
    show(bar, postfix, {"step": 300, **losses})
    assert bar.n == 300 and bar.postfix["modes_covered"] == "5 @250"


def test_resume_accepts_the_command_the_run_was_started_with(ring_run, tmp_path):
    # issue 12, bug 9: re-running the same command with --resume appended was refused.
    out = tmp_path / "run"
    shutil.copytree(ring_run, out)
    again = ["train", *TINY, "--seed", "3", "--out", str(out), "--resume"]
    again[again.index("--steps") + 1] = "25"
    assert main(again) == 0
    assert Trainer.load(out / "checkpoint.pt").step_count == 25
    assert main([*again, "--preset", "ring8"]) == 0  # the preset it started from: also fine


def test_resume_refuses_conflicting_flags_naming_both_values(ring_run, tmp_path, capsys):
    out = tmp_path / "run"
    shutil.copytree(ring_run, out)
    args = ["train", "--out", str(out), "--resume", "--batch-size", "32"]  # 32: as saved
    capsys.readouterr()
    assert main([*args, "--loss", "hinge", "--lr-d", "0.01"]) == 2
    assert_one_line_error(capsys, "train.loss = 'non_saturating' in the checkpoint, 'hinge' given")
    assert main([*args, "--preset", "digits"]) == 2
    assert_one_line_error(capsys, "data.name = 'ring8' in the checkpoint, 'digits' given")
    assert Trainer.load(out / "checkpoint.pt").step_count == 20  # nothing was trained


def test_a_2d_run_imports_no_heavy_library():
    """`python -m ganlab train --preset ring8` starts fast: torchvision (about 1 s),
    scikit-learn, scipy and plotly are imported only by the runs that need them."""
    code = (
        "import sys, ganlab, ganlab.cli; from ganlab import Trainer, preset;"
        "Trainer(preset('ring8')).run(2);"
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'torchvision', 'sklearn', 'scipy', 'plotly', 'streamlit'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout


def test_torchvision_imports_after_ganlab():
    """ganlab's start makes a later `import torchvision` work beside a CPU-only torch."""
    code = "import ganlab, torchvision; print(hasattr(torchvision.utils, 'make_grid'))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True", out.stderr


def test_a_run_that_meets_its_bar_stops_early_and_says_so(tmp_path, capsys, monkeypatch):
    from ganlab import metrics

    monkeypatch.setattr(
        metrics, "meets_bar", lambda record: "step" not in record or record["step"] >= 10
    )
    monkeypatch.setattr(metrics, "quality_bar", lambda record: "2-D")
    out = tmp_path / "run"
    argv = [*TINY, "--eval-every", "5", "--steps", "40", "--stop-at-bar", "--out", str(out)]
    assert main(["train", *argv]) == 0
    printed = capsys.readouterr().out
    assert "stopped early at step 10 of 40: the quality bar (every mode covered" in printed
    assert "also on 10,000 fresh samples" in printed
    summary = json.loads((out / "summary.json").read_text())
    assert summary["steps"] == 10 and summary["stopped_at_bar"] is True
    assert summary["bar_check"]["samples"] == 10_000
    assert METRIC_KEYS <= set(summary["bar_check"]) and METRIC_KEYS <= set(summary)
    # Resuming a run that stopped at its bar trains no more and reports the same check.
    assert main(["train", *argv, "--resume"]) == 0
    assert "stopped early at step 10 of 40" in capsys.readouterr().out
    again = json.loads((out / "summary.json").read_text())
    assert again["steps"] == 10 and again["bar_check"] == summary["bar_check"]


def test_threads_one_for_an_mlp_all_cores_for_images_unless_omp_says(monkeypatch):
    from ganlab.cli import choose_threads

    before = torch.get_num_threads()
    try:
        monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
        monkeypatch.setattr("os.cpu_count", lambda: 2)
        assert choose_threads(preset("ring8")) == 1
        assert choose_threads(preset("digits")) == 2
        monkeypatch.setenv("OMP_NUM_THREADS", "1")
        torch.set_num_threads(2)
        assert choose_threads(preset("ring8")) == 2  # the user's setting stands
    finally:
        torch.set_num_threads(before)
