"""The Streamlit app through AppTest: pages render, controls drive the worker.

`run_every` never fires in AppTest, so live behaviour is tested by letting the worker
train (polling it with a deadline) and then running the script again. Every AppTest
has the same session id, so two-session independence is tested in test_browser.py.
"""

import base64
import json
import time
from pathlib import Path

import numpy as np
import pytest
import streamlit as st
import torch
from streamlit.testing.v1 import AppTest

from ganlab.dashboard.worker import live_workers

APP = str(Path(__file__).parents[1] / "app.py")
LATENT = "ganlab/dashboard/pages/latent.py"


@pytest.fixture(autouse=True)
def fresh_sessions():
    """Each test starts with no cached session slots, and leaves no worker behind."""
    threads = torch.get_num_threads()  # workers set torch's process-wide pool; restore it
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()  # releases every session slot: stops its worker
    torch.set_num_threads(threads)
    assert live_workers() == []


def app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, at.exception
    return at


def click(at: AppTest, label: str) -> AppTest:
    [button] = [b for b in at.button if b.label == label]
    assert not button.disabled, f"{label} is disabled"
    button.click().run()
    assert not at.exception, at.exception
    return at


CONTROLS = ("Start", "Pause", "Resume", "Step", "Reset")


def enabled_controls(at: AppTest) -> set[str]:
    """The run's control buttons that can be pressed (not the drawing panel's)."""
    return {b.label for b in at.button if not b.disabled and b.label in CONTROLS}


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def array(values) -> np.ndarray:
    """A plotly JSON array: a list, or numpy's bytes in base64 (plotly >= 6)."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])
    return np.asarray(values)


def wait_for(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {condition}"
        time.sleep(0.01)


def test_train_page_renders_its_controls():
    at = app()
    assert [b.label for b in at.button][:5] == list(CONTROLS)
    enabled = {b.label for b in at.button if not b.disabled}
    assert enabled == {"Start", "Step", "Add"}  # the drawing panel's others wait for a drawing
    labels = {w.label for w in [*at.sidebar.selectbox, *at.sidebar.number_input]}
    for label in ["Preset", "Dataset", "Loss", "Device", "G learning rate", "D learning rate",
                  "Adam beta1", "Batch size", "n_critic", "Seed", "Gradient penalty (WGAN-GP)"]:  # fmt: skip
        assert label in labels
    assert at.sidebar.selectbox(key="cfg.dataset").value == "ring8"
    assert at.get("download_button") and at.get("file_uploader")
    assert not at.error
    assert "Press **Start**" in at.info[0].value


def test_start_trains_pause_stops_reset_clears():
    at = click(app(), "Start")
    [worker] = live_workers()
    wait_for(lambda: worker.view().step >= 60 and worker.view().history)
    at.run()
    assert int(metric(at, "Step").replace(",", "")) >= 60
    curves = json.loads(at.get("plotly_chart")[-1].proto.spec)
    assert curves["layout"]["title"]["text"].startswith("Step ")
    click(at, "Pause")
    assert worker.view().state == "paused"
    paused_at = worker.call(lambda trainer: trainer.step_count)
    at.run()
    assert metric(at, "Step") == f"{paused_at:,}"
    assert worker.call(lambda trainer: trainer.step_count) == paused_at
    assert enabled_controls(at) == {"Resume", "Step", "Reset"}
    click(at, "Reset")
    assert live_workers() == [] and not worker.alive
    assert not at.metric and "Press **Start**" in at.info[0].value


def test_step_button_takes_n_steps():
    at = app()
    at.number_input(key="train.n_steps").set_value(6)
    click(at, "Step")
    [worker] = live_workers()
    wait_for(lambda: worker.view().state == "paused" and worker.view().step == 6)
    at.run()
    assert metric(at, "Step") == "6"


def test_an_invalid_setting_shows_its_message_and_cannot_start():
    at = app()
    at.sidebar.number_input(key="cfg.label_smoothing").set_value(0.7).run()
    assert not at.exception
    assert "train.label_smoothing = 0.7 is not allowed" in at.error[0].value
    assert enabled_controls(at) == set()
    at.sidebar.number_input(key="cfg.lr_g").set_value(0.0)
    at.sidebar.number_input(key="cfg.label_smoothing").set_value(0.1).run()
    assert "train.lr_g = 0.0 is not allowed" in at.error[0].value


def test_the_stop_at_bar_toggle_reaches_the_run_and_only_where_a_bar_exists():
    at = app()
    box = at.sidebar.checkbox(key="cfg.stop_at_bar")
    assert box.value and not box.disabled  # the ring8 preset stops at its bar
    box.uncheck().run()
    click(at, "Start")
    [worker] = live_workers()
    assert worker.config.train.stop_at_bar is False
    click(at, "Reset")
    at.sidebar.selectbox(key="cfg.preset").set_value("article").run()
    assert not at.sidebar.checkbox(key="cfg.stop_at_bar").value  # article never evaluates
    at.sidebar.checkbox(key="cfg.stop_at_bar").check().run()
    click(at, "Start")
    [worker] = live_workers()
    assert worker.config.train.stop_at_bar and worker.config.train.eval_every == 250
    click(at, "Reset")
    at.sidebar.selectbox(key="cfg.preset").set_value("digits").run()
    assert at.sidebar.checkbox(key="cfg.stop_at_bar").value
    at.sidebar.selectbox(key="cfg.dataset").set_value("mnist").run()
    assert not at.error  # mnist has no bar: the box turns off instead of an invalid setting
    box = at.sidebar.checkbox(key="cfg.stop_at_bar")
    assert box.disabled and not box.value
    assert "no quality bar" in box.help


def test_a_run_that_meets_its_bar_says_where_it_stopped(monkeypatch):
    from ganlab import metrics

    monkeypatch.setattr(metrics, "meets_bar", lambda scores: True)  # met at the first check
    at = click(app(), "Start")
    [worker] = live_workers()
    wait_for(lambda: worker.view().state == "done", timeout=60)
    at.run()
    [message] = [s.value for s in at.success if s.value.startswith("Stopped at step")]
    assert message.startswith("Stopped at step 250: the quality bar (every mode covered")
    assert "also on 10,000 fresh samples" in message
    assert "Resume" in enabled_controls(at)  # the student may train on


def test_a_bad_upload_shows_a_message_and_changes_nothing():
    at = app()
    at.file_uploader[0].set_value(("bad.pt", b"not a checkpoint", "application/octet-stream"))
    at.run()
    assert not at.exception
    assert "Could not load bad.pt: the file is not a readable" in at.error[0].value
    assert live_workers() == []


def test_latent_page_renders_a_walk_for_2d_and_a_strip_for_images():
    at = app()
    at.switch_page(LATENT).run()
    assert not at.exception
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert [t["name"] for t in spec["data"]][-1] == "G(walk)"
    assert len(array(spec["data"][-1]["x"])) == 8  # the default number of steps

    at = app()
    at.sidebar.selectbox(key="cfg.dataset").set_value("digits").run()
    at.switch_page(LATENT).run()
    assert not at.exception
    assert at.get("image") and at.get("download_button")
    at.slider(key="latent.steps").set_value(5).run()
    animation = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert len(animation["frames"]) == 5


def test_divergence_shows_the_error_and_the_app_lives_on():
    at = app()
    at.number_input(key="train.n_steps").set_value(30)
    click(at, "Step")
    [worker] = live_workers()
    worker.call(lambda trainer: [p.data.fill_(float("nan")) for p in trainer.D.parameters()])
    wait_for(lambda: worker.view().state == "error")
    at.run()
    assert not at.exception
    assert any("diverged" in e.value for e in at.error)
    assert enabled_controls(at) == {"Reset"}
    click(at, "Reset")
    assert not at.error and live_workers() == []


def test_a_checkpoint_upload_continues_that_run_paused():
    from ganlab.config import preset
    from ganlab.dashboard.worker import Worker

    source = Worker(preset("ring8", train={"seed": 3, "lr_d": 5e-4}))
    source.step(12)
    wait_for(lambda: source.view().state == "paused")
    data = source.checkpoint_bytes()
    source.stop()
    at = app()
    at.file_uploader[0].set_value(("run.pt", data, "application/octet-stream")).run()
    assert not at.exception and not at.error
    assert "Loaded run.pt at step 12" in at.success[0].value
    [worker] = live_workers()
    assert worker.view().state == "paused" and metric(at, "Step") == "12"
    assert at.sidebar.number_input(key="cfg.seed").value == 3  # the sidebar shows its config
    assert not at.info  # ... so no "settings changed" note


def test_metric_tiles_name_the_step_their_values_come_from():
    # issue 12, bug 8: the tiles showed the last evaluation's values as if current.
    from ganlab.dashboard.live_view import metric_tiles

    evaluated = {"step": 250, "modes_covered": 5, "n_modes": 8, "high_quality": 0.75}
    tiles = dict(metric_tiles((evaluated, {"step": 300})))
    assert tiles == {"Modes covered (step 250)": "5 / 8", "High quality (step 250)": "75%"}


def test_pages_read_the_workers_config_and_data_never_its_trainer():
    # issue 12: the trainer belongs to the worker thread; a page touching it races training.
    pages = Path(APP).parent / "ganlab" / "dashboard"
    for name in ("train_page.py", "latent_page.py", "sidebar.py", "session.py", "live_view.py",
                 "layers.py", "slow_motion_view.py", "draw_panel.py"):  # fmt: skip
        assert ".trainer" not in (pages / name).read_text(), name


def chart(at: AppTest, key: str) -> dict:
    """The plotly spec of the chart with this key."""
    [element] = [c for c in at.get("plotly_chart") if c.proto.id and key in c.proto.id]
    return json.loads(element.proto.spec)


def trace_names(spec: dict) -> list:
    return [t.get("name") for t in spec["data"]]


def stepped(at: AppTest, n: int = 3) -> AppTest:
    at.number_input(key="train.n_steps").set_value(n)
    click(at, "Step")
    [worker] = live_workers()
    wait_for(lambda: worker.view().state == "paused" and worker.view().step == n)
    at.run()
    return at


def test_layer_toggles_add_and_remove_the_maps_layers():
    at = stepped(app())
    names = trace_names(chart(at, "train.map"))
    assert names == ["D's map", "real data", "fake G(z)", "G's push (arrows)"]  # manifold: off
    at.toggle(key="layer.manifold").set_value(True)
    at.toggle(key="layer.real").set_value(False).run()
    assert trace_names(chart(at, "train.map")) == ["D's map", "G's manifold", "fake G(z)",
                                                   "G's push (arrows)"]  # fmt: skip
    assert any("all of G's noise space" in c.value for c in at.caption)  # ring8: z_dim 2


def test_the_curves_show_the_grid_divergence_beside_the_losses():
    at = stepped(app())
    names = trace_names(json.loads(at.get("plotly_chart")[-1].proto.spec))
    assert names[-2:] == ["KL(real‖fake)", "JS (max log 2)"]
    assert float(metric(at, "JS (grid)")) > 0


def test_slow_motion_step_plays_one_step_as_frames():
    at = app()
    at.toggle(key="train.slow").set_value(True).run()
    click(at, "Step")
    [worker] = live_workers()
    assert worker.view().step == 1 and worker.view().state == "paused"
    assert at.radio(key="slow.pick").value.startswith("1/3")  # playing from the first frame
    assert any("Slow motion 1/3" in m.value for m in at.markdown)
    last = at.radio(key="slow.pick").options[-1]
    at.radio(key="slow.pick").set_value(last).run()
    assert any("Slow motion 3/3" in m.value for m in at.markdown)
    assert "where G's step moved them" in trace_names(chart(at, "slow.map"))
    click(at, "Step")  # slow motion again: the next step
    assert worker.view().step == 2


def test_a_drawing_trains_and_a_bad_one_gets_a_message():
    at = app()
    at.session_state["cfg.draw_modes"] = [[0.5, 0.5]]
    at.run()
    [warning] = at.warning
    assert "too few" in warning.value
    train = next(b for b in at.button if b.label == "Train on this drawing")
    assert train.disabled
    at.session_state["cfg.draw_modes"] = [[0.5, 0.5], [0.52, 0.5], [0.5, 0.49]]
    at.run()
    assert "all in one spot" in at.warning[0].value
    at.session_state["cfg.draw_modes"] = [[-1.5, 0.0], [1.5, 0.0], [0.0, 1.5]]
    at.text_input(key="cfg.draw_title").input("tri").run()
    assert not at.warning
    click(at, "Train on this drawing")
    assert at.sidebar.selectbox(key="cfg.dataset").value == "drawn"
    assert "drawn “tri” (3 modes)" in at.caption[0].value
    stepped(at, 3)
    [worker] = live_workers()
    assert worker.config.data.modes == ((-1.5, 0.0), (1.5, 0.0), (0.0, 1.5))
    assert worker.data.centres.shape == (3, 2)  # the coverage metric's modes
    at.session_state["cfg.draw_modes"] = [[0.5, 0.5]]  # spoil it: the page says why
    at.run()
    assert not at.exception
    assert any("data.modes = 1 point is not allowed" in e.value for e in at.error)


def test_the_drawing_panels_undo_clear_and_blob_size():
    at = app()
    at.session_state["cfg.draw_modes"] = [[-1.0, 0.0], [1.0, 0.0], [0.0, 1.0]]
    at.run()
    assert any("**3 modes** placed" in m.value for m in at.markdown)
    at.number_input(key="draw.x").set_value(2.5)
    at.number_input(key="draw.y").set_value(-0.5)
    click(at, "Add")
    assert at.session_state["cfg.draw_modes"][-1] == [2.5, -0.5]
    click(at, "Undo")
    click(at, "Undo")
    assert at.session_state["cfg.draw_modes"] == [[-1.0, 0.0], [1.0, 0.0]]
    at.slider(key="cfg.draw_std").set_value(0.4).run()
    click(at, "Train on this drawing")
    at.number_input(key="train.n_steps").set_value(1)
    click(at, "Step")
    [worker] = live_workers()
    assert worker.config.data.mode_std == 0.4 == worker.data.spread  # the coverage's 3 sigma
    at.slider(key="cfg.draw_std").set_value(0.2).run()  # the drawing now differs from the run
    assert any("Settings changed (mode_std)" in i.value for i in at.info)
    click(at, "Clear")
    assert at.session_state["cfg.draw_modes"] == []
    assert any("data.modes = 0 points is not allowed" in e.value for e in at.error)
