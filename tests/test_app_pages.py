"""The Dirac-GAN and Compare pages through AppTest (helpers and fixtures: test_app.py).

The Dirac page must show the paper's outcomes (Mescheder, Geiger & Nowozin 2018) in
what a student reads: unregularised training and WGAN(-GP) do not converge, R1 and
instance noise do. The Compare page must train two runs, one setting apart, together.
"""

import json
from pathlib import Path

import pytest
from test_app import app, click, fresh_sessions, metric, wait_for  # noqa: F401 (a fixture)

from ganlab.dashboard import machine, sidebar
from ganlab.dashboard.worker import live_workers

DIRAC = "ganlab/dashboard/pages/dirac.py"
COMPARE = "ganlab/dashboard/pages/compare.py"
START = 2**0.5  # the default start (1, 1) is this far from the equilibrium


def dirac_page():
    at = app()
    at.switch_page(DIRAC).run()
    assert not at.exception, at.exception
    return at


def prediction(at) -> str:
    return next(c.value for c in at.caption if c.value.startswith("Prediction"))


def distances(at) -> dict[str, float]:
    """update -> the walk's end distance from (0, 0), as the page's tiles show it."""
    tiles = {m.label.split(":")[0]: m.value for m in at.metric}
    return {name: float(value.split()[0]) for name, value in tiles.items()}


def eigenvalues(at) -> list[complex]:
    table = at.table[0].value
    return [complex(re, im) for re, im in zip(table["real part"], table["imaginary part"])]


def chart(at, key: str) -> dict | None:
    """The plotly figure (JSON) of the chart with widget key `key`, or None."""
    found = [c for c in at.get("plotly_chart") if c.key == key]
    return json.loads(found[0].proto.spec) if found else None


def set_game(at, loss: str = "minimax", **toggles: bool):
    at.selectbox(key="dirac.loss").set_value(loss)
    for name, on in toggles.items():
        at.toggle(key=f"dirac.{name}").set_value(on)
    at.run()
    assert not at.exception, at.exception
    return at


# ----------------------------------------------------------------------------- Dirac-GAN
def test_dirac_page_draws_the_field_and_both_walks():
    at = dirac_page()
    field = chart(at, "dirac.field")
    names = [t["name"] for t in field["data"]]
    assert names[:3] == ["vector field", "simultaneous steps", "alternating steps"]
    assert len(field["data"][1]["x"]) == 501  # the default 500 steps, and the start
    at.number_input(key="dirac.steps").set_value(200)
    at.number_input(key="dirac.theta").set_value(-0.5).run()
    field = chart(at, "dirac.field")
    assert len(field["data"][1]["x"]) == 201 and field["data"][1]["x"][0] == -0.5
    assert all("after 200 steps" in m.label for m in at.metric)


def test_unregularised_gan_circles_without_converging():
    at = dirac_page()  # the minimax loss of the paper's Figure 1
    assert "**circles**" in prediction(at) and "purely imaginary" in prediction(at)
    assert [round(z.real, 4) for z in eigenvalues(at)] == [0.0, 0.0]
    assert sorted(round(z.imag, 4) for z in eigenvalues(at)) == [-0.5, 0.5]
    walked = distances(at)
    assert walked["Simultaneous"] > START  # spirals out
    assert 0.9 * START < walked["Alternating"] < 1.1 * START  # circles


@pytest.mark.parametrize(
    "loss, regulariser",
    [*((loss, "r1") for loss in ("minimax", "non_saturating", "wasserstein", "hinge"))]
    + [("minimax", "noise"), ("non_saturating", "noise")],
)
def test_r1_under_every_loss_and_instance_noise_converge(loss, regulariser):
    at = set_game(dirac_page(), loss, **{regulariser: True})
    assert "**converges**" in prediction(at)
    assert max(z.real for z in eigenvalues(at)) < 0
    assert all(d < 0.01 for d in distances(at).values()), distances(at)


def test_the_r1_weight_is_read_and_zero_is_off():
    at = set_game(dirac_page(), r1=True)
    at.number_input(key="dirac.r1_weight").set_value(0.0).run()
    assert "**circles**" in prediction(at)


def test_wgan_and_wgan_gp_do_not_converge_on_a_point_mass():
    at = set_game(dirac_page(), "wasserstein")
    assert "**circles**" in prediction(at)
    assert distances(at)["Alternating"] > 0.9 * START
    set_game(at, "wasserstein", gp=True)
    assert "**no fixed point**" in prediction(at)
    assert "No eigenvalues" in at.warning[0].value and not at.table
    assert all(d > 0.5 for d in distances(at).values()), distances(at)


def test_a_learning_rate_too_large_shows_divergence_not_a_traceback():
    at = dirac_page()  # WGAN's field is linear: simultaneous steps grow sqrt(1 + lr^2)-fold
    at.number_input(key="dirac.lr").set_value(1.0)
    at.number_input(key="dirac.steps").set_value(2000)
    set_game(at, "wasserstein")
    assert at.metric[0].value == "∞ (diverged)"
    assert chart(at, "dirac.field")["data"][0]["name"] == "vector field"  # still drawn


# ----------------------------------------------------------------------------- Compare
def compare_page():
    at = app()
    at.switch_page(COMPARE).run()
    assert not at.exception, at.exception
    return at


def enabled(at) -> set[str]:
    return {b.label for b in at.button if not b.disabled}


def test_compare_page_renders_its_controls_and_says_how_it_shares_the_machine():
    at = compare_page()
    assert [b.label for b in at.button] == ["Start", "Pause", "Reset"]
    assert enabled(at) == {"Start"}
    assert at.selectbox(key="compare.setting").value == "cfg.loss"
    assert at.selectbox(key="compare.b.cfg.loss").value == "least_squares"  # not A's loss
    budget = at.caption[0].value
    assert f"at most {machine.MAX_RUNNING} trainings at a time" in budget
    assert f"{machine.threads_per_training()} torch thread(s) each" in budget
    assert at.sidebar.selectbox(key="cfg.preset").value == "ring8"  # the Train page's config


def test_two_runs_one_setting_apart_train_together_pause_and_reset():
    at = compare_page()
    at.selectbox(key="compare.b.cfg.loss").set_value("hinge").run()
    click(at, "Start")
    a, b = sorted(live_workers(), key=lambda w: w.config.train.loss != "non_saturating")
    assert sorted(sidebar.differences(a.config, b.config)) == ["loss"]
    assert a.config.train.seed == b.config.train.seed
    wait_for(lambda: all(w.view().step >= 60 and w.view().history for w in (a, b)))
    at.run()
    for letter in "AB":
        assert int(metric(at, f"Step ({letter})").replace(",", "")) >= 60
    curves = chart(at, "compare.curves")
    legend = {t["name"] for t in curves["data"] if t["showlegend"]}
    assert legend == {"A: loss = non_saturating", "B: loss = hinge"}
    assert chart(at, "compare.picture.A") and chart(at, "compare.picture.B")
    assert at.selectbox(key="compare.setting").disabled  # fixed while the pair exists
    click(at, "Pause")
    assert {a.view().state, b.view().state} == {"paused"}
    assert enabled(at) == {"Start", "Reset"}
    click(at, "Reset")
    assert live_workers() == [] and not a.alive and not b.alive
    assert enabled(at) == {"Start"}


@pytest.mark.parametrize(
    "key, b_value", [("cfg.r1_weight", 2.5), ("cfg.n_critic", 3), ("cfg.spectral_norm", None)]
)
def test_a_setting_of_each_kind_changes_only_run_b(key, b_value):
    at = compare_page()
    at.selectbox(key="compare.setting").set_value(key).run()
    if b_value is not None:  # None: keep the suggested value (a toggle: the opposite of A's)
        at.number_input(key=f"compare.b.{key}").set_value(b_value).run()
    part, name = sidebar.FIELDS[key]
    click(at, "Start")
    click(at, "Pause")
    a, b = live_workers()
    values = {getattr(getattr(w.config, part), name) for w in (a, b)}
    assert len(values) == 2 and sidebar.differences(a.config, b.config) == [name]
    if b_value is not None:
        assert b_value in values


def test_image_data_compares_two_sample_grids():
    at = app()
    at.sidebar.selectbox(key="cfg.dataset").set_value("digits").run()
    at.switch_page(COMPARE).run()
    click(at, "Start")
    click(at, "Pause")
    for letter in "AB":
        picture = chart(at, f"compare.picture.{letter}")
        assert picture["data"][0]["type"] == "image"  # G(fixed noise) as a grid


def test_b_equal_to_a_or_invalid_cannot_start():
    at = compare_page()
    at.selectbox(key="compare.setting").set_value("cfg.n_critic").run()
    at.number_input(key="compare.b.cfg.n_critic").set_value(1).run()
    assert "equals A's" in at.warning[0].value and "Start" not in enabled(at)
    at.selectbox(key="compare.setting").set_value("cfg.label_smoothing").run()
    at.number_input(key="compare.b.cfg.label_smoothing").set_value(0.7).run()
    assert not at.exception
    assert "train.label_smoothing = 0.7 is not allowed" in at.warning[0].value
    assert "Start" not in enabled(at)


def test_a_full_machine_gives_a_message_and_starts_neither_run():
    at = compare_page()
    other = object()  # another session's training, holding one of the places
    machine.claim(other)
    try:
        click(at, "Start")
        assert "another run" in at.error[0].value
        assert {w.view().state for w in live_workers()} == {"paused"}
        assert "Start" in enabled(at)
    finally:
        machine.release(other)
    click(at, "Start")  # once the place is free, the same pair starts
    assert {w.view().state for w in live_workers()} <= {"running", "done"}


def test_the_new_pages_never_touch_a_workers_trainer():
    # as test_app's check of the other pages: the trainer belongs to the worker thread
    pages = Path(__file__).parents[1] / "ganlab" / "dashboard"
    for name in ("dirac_page.py", "compare_page.py"):
        assert ".trainer" not in (pages / name).read_text(), name


def test_a_run_that_cannot_be_built_leaves_no_half_pair(monkeypatch):
    from ganlab.dashboard import compare_page as module

    built = []

    class Fragile(module.Worker):  # the second run fails, as a missing dataset would
        def __init__(self, config):
            if built:
                raise FileNotFoundError("data/folder is empty")
            super().__init__(config)
            built.append(self)

    monkeypatch.setattr(module, "Worker", Fragile)
    at = click(compare_page(), "Start")
    assert "Could not start the pair: data/folder is empty" in at.error[0].value
    assert live_workers() == [] and not built[0].alive
    assert enabled(at) == {"Start"}
