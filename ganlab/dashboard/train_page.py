"""The Train page: settings, controls, and a live view of a run in the background.

The buttons act through callbacks, which run before the page is drawn, so every run of
the page draws the state after the click. The live view (live_view.py) is a fragment
that reruns every POLL_SECONDS while the worker trains (and not at all otherwise).
Training never waits for it. Below the controls: the drawing panel (draw_panel.py).
"""

from __future__ import annotations

import streamlit as st

from ganlab import metrics
from ganlab.config import TWO_D_DATASETS, Config
from ganlab.dashboard import draw_panel, live_view, sidebar, slow_motion_view
from ganlab.dashboard.i18n import message, t
from ganlab.dashboard.machine import POLL_SECONDS
from ganlab.dashboard.session import flash, session_slot, show_flashes
from ganlab.dashboard.worker import View, Worker

BADGES = {"running": "green", "paused": "orange", "done": "blue", "error": "red"}
FAILED = {  # action -> its failure message (one string per action: each is translated)
    "start": "Could not start: {error}",
    "resume": "Could not resume: {error}",
    "step": "Could not step: {error}",
    "pause": "Could not pause: {error}",
}


def badge(state: str) -> str:
    """A run's state as a coloured markdown badge."""
    return f":{BADGES.get(state, 'gray')}-badge[{t(state)}]"


# ----------------------------------------------------------------------------- callbacks
def _ensure_worker() -> Worker | None:
    slot = session_slot()
    if slot.worker is None:
        config, problem = sidebar.current_config()
        if problem:
            flash("error", problem)
            return None
        slot.replace(Worker(config))
    return slot.worker


def _act(action: str) -> None:
    """Start / Resume / Step / Pause, with any failure shown as a message."""
    try:
        worker = _ensure_worker() if action in ("start", "step") else session_slot().worker
        if worker is None:
            return
        if action in ("start", "resume"):
            worker.start()
        elif action == "step" and st.session_state.get("train.slow") and not worker.data.is_image:
            worker.slow_step()  # one step, as frames: D's part, then G's
            slow_motion_view.start()
        elif action == "step":
            worker.step(int(st.session_state.get("train.n_steps", 1)))
        else:
            worker.pause()
    except Exception as e:  # bad data path, too many trainings, ...: say so, change nothing
        flash("error", t(FAILED[action], error=message(e)))


def _reset() -> None:
    session_slot().close()  # stops and joins the worker's thread
    for key in ("train.scrub", "train.follow"):
        st.session_state.pop(key, None)


def _load_checkpoint(key: str) -> None:
    uploaded = st.session_state.get(key)
    if uploaded is None:
        return
    st.session_state["train.upload_n"] = st.session_state.get("train.upload_n", 0) + 1
    try:
        worker = Worker.from_checkpoint(uploaded.getvalue())
    except Exception as e:  # not a checkpoint, truncated, wrong version, ...: nothing changes
        flash("error", t("Could not load {name}: {error}", name=uploaded.name, error=message(e)))
        return
    session_slot().replace(worker)
    sidebar.show_config(worker.config)
    step = worker.view().step
    flash(
        "success", t("Loaded {name} at step {step}: press Resume.", name=uploaded.name, step=step)
    )


# ----------------------------------------------------------------------------- page parts
def _controls(view: View | None, problem: str | None, two_d: bool) -> None:
    state = view.state if view else None
    cols = st.columns([1, 1, 1, 1, 1, 1, 1.4])
    startable = view is None and problem is None
    cols[0].button(
        t("Start"), type="primary", on_click=_act, args=("start",), disabled=not startable
    )
    cols[1].button(t("Pause"), on_click=_act, args=("pause",), disabled=state != "running")
    cols[2].button(
        t("Resume"), on_click=_act, args=("resume",), disabled=state not in ("paused", "done")
    )
    steppable = state in ("paused", "done") or startable
    cols[3].button(t("Step"), on_click=_act, args=("step",), disabled=not steppable)
    cols[4].number_input(
        t("Steps per Step"), min_value=1, value=1, key="train.n_steps", label_visibility="collapsed"
    )
    cols[5].button(t("Reset"), on_click=_reset, disabled=view is None)
    with cols[6]:
        slow_motion_view.enabled(two_d)


def _checkpoint_controls(worker: Worker | None) -> None:
    with st.expander(t("Checkpoint: save or load a run")):
        name = f"ganlab-{worker.config.data.name}.pt" if worker else "ganlab.pt"
        st.download_button(
            t("Save checkpoint"),
            data=worker.checkpoint_bytes if worker else b"",
            file_name=name,
            mime="application/octet-stream",
            on_click="ignore",
            disabled=worker is None,
        )
        key = f"train.upload.{st.session_state.get('train.upload_n', 0)}"
        st.file_uploader(
            t("Load checkpoint"),
            type=["pt", "pth", "ckpt"],
            key=key,
            on_change=_load_checkpoint,
            args=(key,),
        )


def _summary(config: Config | None) -> str:
    if config is None:
        return t("Fix the setting below to train.")
    tc = config.train
    name = config.data.name
    if name == "drawn":
        title, n = config.data.title or t("untitled"), len(config.data.modes)
        name = t("drawn “{title}” ({n} modes)", title=title, n=n)
    return t(
        "{name} · {arch} · {loss} loss · lr G {lr_g:g} / D {lr_d:g} · batch {batch} · seed {seed}",
        name=name,
        arch=config.resolved_arch,
        loss=tc.loss,
        lr_g=tc.lr_g,
        lr_d=tc.lr_d,
        batch=tc.batch_size,
        seed=tc.seed,
    )


def render() -> None:
    config, problem = sidebar.render()
    worker = session_slot().worker
    st.title(t("Train a GAN"))
    st.caption(_summary(worker.config if worker else config))
    show_flashes()
    if problem:
        st.error(problem)
    view = worker.view() if worker else None
    data = worker.config.data if worker else (config.data if config else None)
    _controls(view, problem, two_d=data is not None and data.name in TWO_D_DATASETS)
    if view is not None:
        st.markdown(t("State: {badge}", badge=badge(view.state)))
        if view.bar_met_at is not None and data is not None:
            bar = metrics.QUALITY_BARS["digits" if data.is_image else "2-D"][0]
            st.success(
                t(
                    "Stopped at step {step}: the quality bar ({bar}) is met, also on "
                    "{n:,} fresh samples. Resume trains on.",
                    step=view.bar_met_at,
                    bar=t(bar),
                    n=metrics.BAR_CHECK_SAMPLES,
                )
            )
    changed = sidebar.differences(config, worker.config) if worker and config else []
    if changed:
        names = ", ".join(t(name) for name in changed)
        st.info(t("Settings changed ({names}): press Reset to train with them.", names=names))
    _checkpoint_controls(worker)
    dataset = st.session_state.get("cfg.dataset")
    if dataset in TWO_D_DATASETS:
        draw_panel.render(dataset, use=sidebar.use_drawing, training=worker is not None)
    polling = view is not None and view.state == "running"
    live = st.fragment(live_view.render, run_every=POLL_SECONDS if polling else None)
    live(polling, config)
