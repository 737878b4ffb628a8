"""The Train page's live view: status tiles, the picture and the curves of one run.

`render` is the fragment body the Train page reruns every POLL_SECONDS while the
worker trains (and not at all otherwise): it reads one `View` from the worker and
draws it. The 2-D picture has GAN Lab's layer toggles (layers.py) and, after a
slow-motion Step, plays that step's frames (slow_motion_view.py).
"""

from __future__ import annotations

import bisect

import streamlit as st

from ganlab import viz
from ganlab.config import Config
from ganlab.dashboard import i18n, layers, slow_motion_view
from ganlab.dashboard.i18n import t
from ganlab.dashboard.session import session_slot
from ganlab.dashboard.snapshots import Snapshot
from ganlab.dashboard.worker import View
from ganlab.data import TWO_D, sample_2d

PLOT_CONFIG = {"displayModeBar": False}


def metric_tiles(history: tuple) -> list[tuple[str, str]]:
    """The dataset's metric tiles from the newest evaluated record, labelled with its step
    (evaluations are rarer than records: a value from step 250 is not step 300's)."""
    keys = ("modes_covered", "fd", "mmd")
    r = next((r for r in reversed(history) if any(k in r for k in keys)), None)
    if r is None:
        return []

    def at(label: str) -> str:
        return t("{label} (step {step:,})", label=t(label), step=r["step"])

    if "modes_covered" in r:
        return [
            (at("Modes covered"), f"{r['modes_covered']} / {r['n_modes']}"),
            (at("High quality"), f"{r['high_quality']:.0%}"),
        ]
    if "fd" in r:
        return [
            (at("Fréchet distance"), f"{r['fd']:.1f}"),
            (at("Classes"), f"{r['classes_covered']} / {r['n_classes']}"),
        ]
    return [(at("MMD"), f"{r['mmd']:.4f}")]


def _status(view: View) -> None:
    latest = view.latest or {}
    tiles = [(t("Step", sense="the counter"), f"{view.step:,}")]
    tiles.append((t("Steps / s"), f"{latest['steps_per_sec']:.0f}" if latest else "–"))
    tiles.append(("D(x)", f"{latest['d_real']:.2f}" if latest else "–"))
    tiles.append(("D(G(z))", f"{latest['d_fake']:.2f}" if latest else "–"))
    divergence = view.snapshots[-1].divergence if view.snapshots else None
    if divergence:
        tiles.append((t("JS (grid)"), f"{divergence['js']:.3f}"))
    tiles += metric_tiles(view.history)
    for col, (label, value) in zip(st.columns(len(tiles)), tiles):
        col.metric(label, value)


def _scrubbed(view: View) -> Snapshot:
    """The snapshot to draw: the newest, or the one the slider points at."""
    snaps, state = view.snapshots, st.session_state
    steps = [s.step for s in snaps]
    follow = st.toggle(t("Follow live"), value=True, key="train.follow")
    if len(snaps) < 2:
        return snaps[-1]
    if follow or "train.scrub" not in state:
        state["train.scrub"] = steps[-1]
    state["train.scrub"] = min(max(state["train.scrub"], steps[0]), steps[-1])
    chosen = st.slider(
        t("Scrub back through snapshots (step)"),
        steps[0],
        steps[-1],
        key="train.scrub",
        disabled=follow,
    )
    return snaps[max(0, bisect.bisect_right(steps, chosen) - 1)]


def _map(view: View, config: Config, shown: tuple[str, ...]) -> None:
    """2-D data: slow-motion frames, or the scrubbed snapshot, with the layers shown."""
    if "manifold" in shown:
        st.caption(layers.manifold_note(config))
    if view.frames and st.session_state.get("train.slow"):
        slow_motion_view.show(view.frames, shown)
        return
    snap = _scrubbed(view)
    st.markdown(
        t(
            "**Step {step}**: D's map (blue: D says real, red: fake) under the points",
            step=snap.step,
        )
    )
    fig = i18n.figure(viz.plot_decision_map(snap.decision, layers=shown))
    st.plotly_chart(fig, key="train.map", width="stretch", config=PLOT_CONFIG)


def _samples(view: View) -> None:
    snap = _scrubbed(view)
    st.markdown(t("**Step {step}**: G(the same fixed noise at every step)", step=snap.step))
    fig = i18n.figure(viz.snapshot_figure(None, snap.grid))
    st.plotly_chart(fig, key="train.samples", width="stretch", config=PLOT_CONFIG)


def _preview(config: Config | None) -> None:
    if config is not None and config.data.name in TWO_D:
        real = sample_2d(config.data.name, 1000, seed=0)[0]
        st.plotly_chart(
            i18n.figure(viz.points_figure(real)), key="train.preview", config=PLOT_CONFIG
        )


def render(polling: bool, config: Config | None) -> None:
    """The fragment: status, picture and curves of this session's run."""
    worker = session_slot().worker
    if worker is None:
        st.info(t("Press **Start** to train, or **Step** to take a few steps at a time."))
        _preview(config)
        return
    view = worker.view()
    if polling and view.state != "running":
        st.rerun()  # the run ended on its own: redraw the controls and stop polling
    if view.error:
        error = i18n.message(view.error)
        st.error(t("{error}. Training is paused; press Reset to start again.", error=error))
    _status(view)
    shown = () if worker.data.is_image else layers.chosen_layers()  # a row across the page
    left, right = st.columns(2)
    with left:
        if view.snapshots:
            _samples(view) if worker.data.is_image else _map(view, worker.config, shown)
    with right:
        divergence = [
            {"step": s.step, **s.divergence} for s in view.snapshots if s.divergence
        ] or None
        fig = i18n.figure(viz.loss_figure(view.history, grad_norms=True, divergence=divergence))
        st.plotly_chart(fig, key="train.curves", width="stretch", config=PLOT_CONFIG)
