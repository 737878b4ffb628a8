"""The Latent explorer: walk between latent vectors and watch G's output change.

Pick two seeds (two latent vectors z_A, z_B) or four (the corners of a sheet), join
them by lerp or slerp (ganlab.latent), and look at G along the way: a strip of images,
an animation, or for 2-D data the path G traces through the plane.
"""

from __future__ import annotations

import hashlib
import json
from typing import NamedTuple

import numpy as np
import streamlit as st
import torch

from ganlab import latent, viz
from ganlab.config import Config
from ganlab.dashboard import i18n, sidebar
from ganlab.dashboard.i18n import t
from ganlab.dashboard.session import session_slot
from ganlab.dashboard.worker import load_trainer
from ganlab.data import Dataset
from ganlab.train import Trainer

PLOT_CONFIG = {"displayModeBar": False}
SOURCES = ("Current training run", "Uploaded checkpoint")


class Model(NamedTuple):
    """A generator to explore, with what the page needs to know about it."""

    G: torch.nn.Module  # a private copy in eval mode
    z_dim: int
    n_classes: int  # 0: unconditional
    real: torch.Tensor | None  # (N, 2) data points, 2-D models only
    about: str  # where it came from, for the caption


def _model_of(cfg: Config, data: Dataset, G: torch.nn.Module, about: str) -> Model:
    """G (a private copy, or a trainer nobody else uses) with what the page needs of it."""
    real = None if data.is_image else data.x[:1000].cpu()
    n_classes = data.n_classes if cfg.model.conditional else 0
    return Model(G, cfg.model.z_dim, n_classes, real, about)


def _trainer_model(trainer: Trainer, about: str) -> Model:
    # G_ema: the G that trainer.sample uses (G itself without EMA)
    return _model_of(trainer.config, trainer.data, trainer.G_ema.eval(), about)


@st.cache_resource(scope="session", max_entries=1, show_spinner=False)
def _checkpoint_model(_data: bytes, digest: str, name: str) -> Model:
    """The generator in an uploaded checkpoint (cached by the file's hash)."""
    trainer = load_trainer(_data)
    return _trainer_model(trainer, f"{name} at step {trainer.step_count}")


@st.cache_resource(scope="session", max_entries=1, show_spinner=False)
def _untrained_model(config_json: str) -> Model:
    trainer = Trainer(Config.from_dict(json.loads(config_json)))
    return _trainer_model(trainer, f"untrained {trainer.config.data.name} generator")


def _choose_model() -> Model | None:
    worker = session_slot().worker
    source = st.radio(
        t("Model"), SOURCES, horizontal=True, key="latent.source", format_func=i18n.translator()
    )
    if source == SOURCES[1]:
        upload = st.file_uploader(
            t("Checkpoint file"), type=["pt", "pth", "ckpt"], key="latent.upload"
        )
        if upload is None:
            st.info(
                t("Upload a checkpoint saved from the Train page or by `python -m ganlab train`.")
            )
            return None
        data = upload.getvalue()
        try:
            with st.spinner(t("Reading the checkpoint...")):
                return _checkpoint_model(data, hashlib.sha256(data).hexdigest(), upload.name)
        except Exception as e:
            st.error(t("Could not load {name}: {error}", name=upload.name, error=i18n.message(e)))
            return None
    if worker is not None:
        step = worker.view().step
        about = f"the current run at step {step}"  # English: translated where shown
        return _model_of(worker.config, worker.data, worker.generator_copy(), about)
    config, problem = sidebar.current_config()
    if problem:
        st.error(problem)
        return None
    st.info(
        t(
            "No training run yet, so this generator is untrained (its outputs are noise). "
            "Train on the Train page, or upload a checkpoint."
        )
    )
    with st.spinner(t("Building an untrained model...")):
        return _untrained_model(json.dumps(config.to_dict()))


def _seeds(grid_mode: bool) -> list[int]:
    names = ["A", "B", "C", "D"] if grid_mode else ["A", "B"]
    cols = st.columns(2)
    return [
        int(cols[i % 2].number_input(t("Seed {n}", n=n), value=i, step=1, key=f"latent.seed{n}"))
        for i, n in enumerate(names)
    ]


def _walk(model: Model) -> tuple[torch.Tensor, int]:
    """The controls, and the latent vectors they pick: (T, z_dim), and how many per row."""
    grid_mode = st.toggle(
        t("Four corners (a grid of walks)"), key="latent.grid", disabled=model.real is not None
    )
    method = st.radio(
        t("Interpolation"),
        latent.METHODS,
        index=1,
        horizontal=True,
        key="latent.method",
        format_func=i18n.translator(),
    )
    steps = st.slider(t("Steps"), 3, 16, 8, key="latent.steps")
    seeds = _seeds(grid_mode and model.real is None)
    z = torch.cat([latent.sample_z(1, model.z_dim, seed=s) for s in seeds])  # (2 or 4, z_dim)
    if len(seeds) == 4:
        return latent.grid(z, steps, steps, method).reshape(-1, model.z_dim), steps
    return latent.path(z, steps - 1, method), steps


def _show_points(model: Model, walk: torch.Tensor, label: int | None) -> None:
    cloud = viz.generate(model.G, latent.sample_z(1000, model.z_dim, seed=10_000), label)
    fig = i18n.figure(viz.points_figure(model.real, walk=walk, fake=cloud))
    st.plotly_chart(fig, key="latent.points", width="stretch", config=PLOT_CONFIG)
    st.caption(t("Grey: the data. Orange: G's samples. Line: G(z) along the walk, t = 0 to 1."))


def _show_images(images: torch.Tensor, per_row: int) -> None:
    picture = viz.image_grid(images, nrow=per_row)
    zoom = max(1, 760 // picture.shape[1])  # nearest neighbour keeps pixels crisp
    st.image(np.repeat(np.repeat(picture, zoom, 0), zoom, 1), caption=t("G along the walk"))
    st.download_button(
        t("Download strip (PNG)"),
        viz.to_png(picture),
        "latent_walk.png",
        "image/png",
        on_click="ignore",
    )
    if len(images) == per_row:  # a single walk: also as an animation
        st.markdown(t("**Animated**: press play, or drag the slider"))
        fig = i18n.figure(viz.strip_figure(images, animate=True))
        st.plotly_chart(fig, key="latent.animation", config=PLOT_CONFIG)


def render() -> None:
    st.title(t("Latent explorer"))
    st.caption(
        t(
            "G maps each latent vector z to a sample. Walk from z_A to z_B in a straight "
            "line (lerp) or along the sphere where z ~ N(0, I) lives (slerp)."
        )
    )
    controls, picture = st.columns([1, 2], gap="large")
    with controls:
        model = _choose_model()
        if model is None:
            return
        st.caption(t("Exploring {about}.", about=i18n.text(model.about)))
        z, per_row = _walk(model)
        label = None
        if model.n_classes:
            label = st.selectbox(t("Class"), range(model.n_classes), key="latent.class")
    out = viz.generate(model.G, z, label)
    with picture:
        if model.real is not None:
            _show_points(model, out, label)
        else:
            _show_images(out, per_row)
