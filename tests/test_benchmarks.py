"""The benchmarks run end to end (smoke mode) and print the tables they promise.

One `python -m benchmarks all --smoke --json FILE` run (a few steps per cell, one
repeat; ~20-40 s on 2 busy cores) is shared by the checks below. Figures are not
checked: they depend on the machine; their presence and shape are.
"""

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from benchmarks.timing import Table, interleaved, median_ratio

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def smoke(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench") / "smoke.json"
    cmd = [sys.executable, "-m", "benchmarks", "all", "--smoke", "--json", str(out)]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    tables = json.loads(out.read_text())["tables"]
    return done.stdout, {t["title"].split(":")[0]: t for t in tables}


def test_throughput_has_a_finite_ratio_for_every_workload(smoke):
    stdout, tables = smoke
    t = tables["Throughput"]
    assert t["columns"][:4] == [
        "workload",
        "ganlab steps/s",
        "textbook steps/s",
        "ratio ganlab/textbook",
    ]
    names = [row[0] for row in t["rows"]]
    assert names == [
        "ring8 MLP, B=256",
        "DCGAN 16 px, B=16",
        "DCGAN 32 px, B=16",
        "DCGAN 64 px RGB, B=16",
    ]
    for row in t["rows"]:
        ours, theirs, ratio = row[1:4]
        assert math.isfinite(ratio) and ratio > 0
        assert ratio == pytest.approx(ours / theirs)  # one turn: the ratio of the two speeds
    assert "ratio ganlab/textbook" in stdout and "DCGAN 64 px RGB, B=16" in stdout


def test_quality_reports_both_presets(smoke):
    t = smoke[1]["Time to quality"]
    assert [row[0] for row in t["rows"]] == ["ring8", "digits"]
    assert all(row[2] == 1 for row in t["rows"])  # --smoke: one seed
    assert all(row[-1] > 0 for row in t["rows"])  # steps/s measured


def test_scaling_tables_have_their_rows(smoke):
    stdout, tables = smoke
    assert [row[0] for row in tables["Scaling with batch size"]["rows"]] == [8, 16]
    assert [row[0] for row in tables["Scaling with image size"]["rows"]] == [
        "16 px",
        "32 px",
        "64 px",
    ]
    threads = tables["Threads on this machine (CPU)"]
    assert threads["columns"][1:4] == ["1 thread", "2 threads", "2 / 1"]
    assert [row[0] for row in threads["rows"]] == ["ring8 MLP, B=256"]
    assert "PASSIVE 2 / 1" in stdout


def test_gpu_says_what_it_did_not_measure(smoke):
    stdout, tables = smoke
    if torch.cuda.is_available():
        assert any("on cuda" in title for title in tables)
        return
    assert "NOT MEASURED" in stdout
    compiled = tables["ring8 MLP, B=256 on cpu"]
    assert [row[0] for row in compiled["rows"]] == ["eager", "compile=True"]
    assert compiled["rows"][1][-1] < 1e-3  # compiled samples match eager ones
    bf16 = tables["DCGAN 16 px, B=16 on cpu"]
    assert [row[0] for row in bf16["rows"]] == [
        "fp32, NCHW",
        "fp32, channels_last (default)",
        "bf16 autocast, channels_last",
    ]
    assert bf16["rows"][1][-1] < 1e-4  # the layout changes the kernels, not the samples
    pieces = tables["Why torch.compile loses on the ring8 MLP (CPU)"]
    assert [row[0] for row in pieces["rows"]] == [
        "x > 0 (a bool mask, 512x128)",
        "(x > 0).float() (the mask as floats)",
        "D forward, LeakyReLU (ring8's)",
        "D forward, ReLU",
    ]
    assert all(row[1] > 0 and row[2] > 0 for row in pieces["rows"])


def test_interleaved_alternates_the_contenders():
    order: list[str] = []
    steps = {"a": lambda: order.append("a"), "b": lambda: order.append("b")}
    rates = interleaved(steps, repeats=3, warmup=1, block_seconds=0.0)
    assert order == ["a", "b"] + ["a", "b"] * 3  # warm-up, then one step per turn
    assert [len(r) for r in rates.values()] == [3, 3]
    assert median_ratio([2.0, 9.0, 4.0], [1.0, 3.0, 1.0]) == 3.0


def test_table_checks_and_aligns_its_cells():
    t = Table("T", ["name", "x"])
    t.add("long name", 1.23456)
    with pytest.raises(ValueError, match="1 cells for 2 columns"):
        t.add("only one")
    lines = t.render().splitlines()
    assert lines[2] == "name          x"
    assert lines[4] == "long name  1.23"


def test_the_benchmarks_do_not_import_streamlit():
    # issue 12: the overhead benchmark imported the Train page (and so Streamlit).
    code = "import sys, benchmarks.__main__, benchmarks.dashboard_overhead\n"
    code += "print('streamlit' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_whole_process_times_both_presets_and_checks_them_independently(smoke):
    t = smoke[1]["Time to quality, whole process"]
    assert [row[0] for row in t["rows"]] == ["ring8", "digits"]
    for row in t["rows"]:
        assert row[2] in ("0/1", "1/1")  # --smoke: one seed, 20 steps (the bar may not be met)
        assert float(row[4]) > 0 and row[5] == "20"
        assert row[6][0] in "+-"  # the independent check's verdict
    assert any("import ganlab.cli" in note for note in t["notes"])


def test_roofline_counts_flops_and_compares_them_with_a_matmul(smoke):
    t = smoke[1]["Roofline"]
    assert t["columns"][:5] == [
        "preset step",
        "MFLOP/step",
        "ms/step",
        "GFLOP/s",
        "share of matmul",
    ]
    assert t["columns"][5:] == ["ms in matmul/conv", "their GFLOP/s", "their share"]
    rows = {row[0]: row for row in t["rows"]}
    assert list(rows) == ["ring8", "digits 16 px"]
    # ring8: G and D are 2-128-128-128-out MLPs at batch 256; a step is at least a few
    # forward and backward passes of each: tens to hundreds of MFLOP.
    assert 20 < rows["ring8"][1] < 2000
    for row in t["rows"]:
        assert row[3] == pytest.approx(row[1] / row[2], rel=1e-6)  # MFLOP / ms = GFLOP/s
        assert row[4].endswith("%") and row[7].endswith("%")
        assert 0 < row[5] < row[2]  # the dense kernels take part of a step, not all of it
        assert row[6] == pytest.approx(row[1] / row[5], rel=1e-6)


def test_side_by_side_reports_wall_time_and_peak_memory_of_both_loops(smoke):
    t = next(v for k, v in smoke[1].items() if k.startswith("Side by side"))
    assert [row[0] for row in t["rows"]] == ["ganlab", "textbook"]
    for _, seconds, peak_mib, runs in t["rows"]:
        assert seconds > 0 and 100 < peak_mib < 20_000 and runs == 1
