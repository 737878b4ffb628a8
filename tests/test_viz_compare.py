"""Runs on shared axes (ganlab/viz/compare.py): one panel per quantity, one colour per run."""

from ganlab import viz
from ganlab.viz.compare import metric_key


def history(offset: float, evaluated: bool = True) -> list[dict]:
    out = [{"step": s, "d_loss": 1.0 + offset, "g_loss": 2.0 - offset} for s in (25, 50, 75)]
    if evaluated:
        out[1] = {**out[1], "modes_covered": 5, "n_modes": 8}
    return out


def test_each_panel_has_one_curve_per_run_and_one_legend_entry_per_run():
    fig = viz.compare_figure({"A: loss = hinge": history(0), "B: loss = wasserstein": history(1)})
    assert [t.yaxis for t in fig.data] == ["y", "y", "y2", "y2", "y3", "y3"]
    assert [t.name for t in fig.data if t.showlegend] == [
        "A: loss = hinge",
        "B: loss = wasserstein",
    ]
    a, b = fig.data[:2]
    assert a.line.color != b.line.color and (a.line.dash, b.line.dash) == ("solid", "dash")
    assert list(b.y) == [2.0, 2.0, 2.0]  # B's D loss
    modes = fig.data[4]
    assert list(modes.x) == [50] and list(modes.y) == [5]  # the evaluated step only
    assert fig.layout.yaxis3.title.text == "Modes covered"


def test_without_evaluations_there_is_no_metric_panel():
    runs = {"A": history(0, evaluated=False), "B": history(1, evaluated=False)}
    assert metric_key(runs) is None
    assert {t.yaxis for t in viz.compare_figure(runs).data} == {"y", "y2"}
    assert metric_key({"A": [{"step": 10, "fd": 3.0}]}) == "fd"
