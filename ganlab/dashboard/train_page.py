"""The Train page: settings, controls, and a live view of a run in the background.

The buttons act through callbacks, which run before the page is drawn, so every run of
the page draws the state after the click. The live view is a fragment that reruns
every POLL_SECONDS while the worker trains (and not at all otherwise): it reads one
`View` from the worker and draws it. Training never waits for it.
"""

from __future__ import annotations

import bisect

import streamlit as st

from ganlab import viz
from ganlab.config import TWO_D_DATASETS, Config
from ganlab.dashboard import sidebar
from ganlab.dashboard.machine import POLL_SECONDS
from ganlab.dashboard.session import flash, session_slot, show_flashes
from ganlab.dashboard.worker import View, Worker
from ganlab.data import sample_2d

PLOT_CONFIG = {"displayModeBar": False}
BADGES = {"running": "green", "paused": "orange", "done": "blue", "error": "red"}


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
        elif action == "step":
            worker.step(int(st.session_state.get("train.n_steps", 1)))
        else:
            worker.pause()
    except Exception as e:  # bad data path, too many trainings, ...: say so, change nothing
        flash("error", f"Could not {action}: {e}")


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
        flash("error", f"Could not load {uploaded.name}: {e}")
        return
    session_slot().replace(worker)
    sidebar.show_config(worker.config)
    flash("success", f"Loaded {uploaded.name} at step {worker.view().step}: press Resume.")


# ----------------------------------------------------------------------------- page parts
def _controls(view: View | None, problem: str | None) -> None:
    state = view.state if view else None
    cols = st.columns([1, 1, 1, 1, 1, 1])
    startable = view is None and problem is None
    cols[0].button("Start", type="primary", on_click=_act, args=("start",), disabled=not startable)
    cols[1].button("Pause", on_click=_act, args=("pause",), disabled=state != "running")
    cols[2].button(
        "Resume", on_click=_act, args=("resume",), disabled=state not in ("paused", "done")
    )
    steppable = state in ("paused", "done") or startable
    cols[3].button("Step", on_click=_act, args=("step",), disabled=not steppable)
    cols[4].number_input(
        "Steps per Step", min_value=1, value=1, key="train.n_steps", label_visibility="collapsed"
    )
    cols[5].button("Reset", on_click=_reset, disabled=view is None)


def _checkpoint_controls(worker: Worker | None) -> None:
    with st.expander("Checkpoint: save or load a run"):
        name = f"ganlab-{worker.config.data.name}.pt" if worker else "ganlab.pt"
        st.download_button(
            "Save checkpoint",
            data=worker.checkpoint_bytes if worker else b"",
            file_name=name,
            mime="application/octet-stream",
            on_click="ignore",
            disabled=worker is None,
        )
        key = f"train.upload.{st.session_state.get('train.upload_n', 0)}"
        st.file_uploader(
            "Load checkpoint",
            type=["pt", "pth", "ckpt"],
            key=key,
            on_change=_load_checkpoint,
            args=(key,),
        )


def metric_tiles(history: tuple) -> list[tuple[str, str]]:
    """The dataset's metric tiles from the newest evaluated record, labelled with its step
    (evaluations are rarer than records: a value from step 250 is not step 300's)."""
    keys = ("modes_covered", "fd", "mmd")
    r = next((r for r in reversed(history) if any(k in r for k in keys)), None)
    if r is None:
        return []
    at = f" (step {r['step']:,})"
    if "modes_covered" in r:
        return [
            ("Modes covered" + at, f"{r['modes_covered']} / {r['n_modes']}"),
            ("High quality" + at, f"{r['high_quality']:.0%}"),
        ]
    if "fd" in r:
        return [
            ("Fréchet distance" + at, f"{r['fd']:.1f}"),
            ("Classes" + at, f"{r['classes_covered']} / {r['n_classes']}"),
        ]
    return [("MMD" + at, f"{r['mmd']:.4f}")]


def _status(view: View) -> None:
    latest = view.latest or {}
    tiles = [("Step", f"{view.step:,}")]
    tiles.append(("Steps / s", f"{latest['steps_per_sec']:.0f}" if latest else "–"))
    tiles.append(("D(x)", f"{latest['d_real']:.2f}" if latest else "–"))
    tiles.append(("D(G(z))", f"{latest['d_fake']:.2f}" if latest else "–"))
    tiles += metric_tiles(view.history)
    for col, (label, value) in zip(st.columns(len(tiles)), tiles):
        col.metric(label, value)


def _scrubbed(view: View):
    """The snapshot to draw: the newest, or the one the slider points at."""
    snaps, state = view.snapshots, st.session_state
    steps = [s.step for s in snaps]
    follow = st.toggle("Follow live", value=True, key="train.follow")
    if len(snaps) < 2:
        return snaps[-1]
    if follow or "train.scrub" not in state:
        state["train.scrub"] = steps[-1]
    state["train.scrub"] = min(max(state["train.scrub"], steps[0]), steps[-1])
    chosen = st.slider(
        "Scrub back through snapshots (step)",
        steps[0],
        steps[-1],
        key="train.scrub",
        disabled=follow,
    )
    return snaps[max(0, bisect.bisect_right(steps, chosen) - 1)]


def _picture(view: View) -> None:
    snap = _scrubbed(view)
    if snap.decision is not None:
        st.markdown(f"**Step {snap.step}**: D's map (blue = real), real and fake points, G's push")
    else:
        st.markdown(f"**Step {snap.step}**: G(the same fixed noise at every step)")
    key = "train.map" if snap.decision is not None else "train.samples"
    st.plotly_chart(
        viz.snapshot_figure(snap.decision, snap.grid), key=key, width="stretch", config=PLOT_CONFIG
    )


def _live(polling: bool, dataset: str | None) -> None:
    """The fragment: status, picture and curves of this session's run."""
    worker = session_slot().worker
    if worker is None:
        st.info("Press **Start** to train, or **Step** to take a few steps at a time.")
        if dataset in TWO_D_DATASETS:
            real = sample_2d(dataset, 1000, seed=0)[0]
            st.plotly_chart(viz.points_figure(real), key="train.preview", config=PLOT_CONFIG)
        return
    view = worker.view()
    if polling and view.state != "running":
        st.rerun()  # the run ended on its own: redraw the controls and stop polling
    if view.error:
        st.error(f"{view.error}. Training is paused; press Reset to start again.")
    _status(view)
    left, right = st.columns(2)
    with left:
        if view.snapshots:
            _picture(view)
    with right:
        fig = viz.loss_figure(view.history, grad_norms=True)
        st.plotly_chart(fig, key="train.curves", width="stretch", config=PLOT_CONFIG)


def _summary(config: Config | None) -> str:
    if config is None:
        return "Fix the setting below to train."
    t = config.train
    return (
        f"{config.data.name} · {config.resolved_arch} · {t.loss} loss · "
        f"lr G {t.lr_g:g} / D {t.lr_d:g} · batch {t.batch_size} · seed {t.seed}"
    )


def render() -> None:
    config, problem = sidebar.render()
    worker = session_slot().worker
    st.title("Train a GAN")
    st.caption(_summary(worker.config if worker else config))
    show_flashes()
    if problem:
        st.error(problem)
    view = worker.view() if worker else None
    _controls(view, problem)
    if view is not None:
        st.markdown(f"State: :{BADGES.get(view.state, 'gray')}-badge[{view.state}]")
    changed = sidebar.differences(config, worker.config) if worker and config else []
    if changed:
        st.info(f"Settings changed ({', '.join(changed)}): press Reset to train with them.")
    _checkpoint_controls(worker)
    polling = view is not None and view.state == "running"
    live = st.fragment(_live, run_every=POLL_SECONDS if polling else None)
    live(polling, config.data.name if config else None)
