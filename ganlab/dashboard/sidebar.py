"""The Train page's sidebar: every setting of a run, turned into a checked `Config`.

Widgets keep their values in st.session_state under "cfg.*" keys. Choosing a preset
writes the preset's values into those keys; any edit after that is the user's. The
config is built by `ganlab.config`, whose ValueError message (naming the field, the bad
value and what is allowed) is shown on the page instead of a traceback.
"""

from __future__ import annotations

import copy
from typing import Any

import streamlit as st
import torch

from ganlab.config import (
    DATASETS,
    DEVICES,
    IMAGE_DATASETS,
    LOSSES,
    PRESETS,
    Config,
    has_quality_bar,
    preset,
)
from ganlab.dashboard import draw_panel
from ganlab.dashboard.i18n import message, t, translator

DEFAULT_PRESET = "ring8"
# widget key -> (config part, field); betas are two widgets, joined in `current_config`
FIELDS = {
    "cfg.dataset": ("data", "name"),
    "cfg.loss": ("train", "loss"),
    "cfg.steps": ("train", "steps"),
    "cfg.lr_g": ("train", "lr_g"),
    "cfg.lr_d": ("train", "lr_d"),
    "cfg.batch_size": ("train", "batch_size"),
    "cfg.n_critic": ("train", "n_critic"),
    "cfg.gp_weight": ("train", "gp_weight"),
    "cfg.r1_weight": ("train", "r1_weight"),
    "cfg.clip_weights": ("train", "clip_weights"),
    "cfg.instance_noise": ("train", "instance_noise"),
    "cfg.label_smoothing": ("train", "label_smoothing"),
    "cfg.grad_clip": ("train", "grad_clip"),
    "cfg.ema": ("train", "ema"),
    "cfg.spectral_norm": ("model", "spectral_norm"),
    "cfg.d_batch_norm": ("model", "d_batch_norm"),
    "cfg.conditional": ("model", "conditional"),
    "cfg.stop_at_bar": ("train", "stop_at_bar"),
    "cfg.seed": ("train", "seed"),
    "cfg.device": ("train", "device"),
}
DRAWING = ("modes", "mode_std", "title")  # the drawn data's fields, set by draw_panel
# Without its own evaluations (a preset with eval_every=0), a run stopping at its quality
# bar checks it this often.
BAR_EVAL_EVERY = 250


def apply_preset() -> None:
    """Copy the chosen preset's values into the widgets (a selectbox callback)."""
    show_config(preset(st.session_state.get("cfg.preset", DEFAULT_PRESET)))


def dataset_changed() -> None:
    """Moving between 2-D and image data: start from that kind's preset (a callback)."""
    state = st.session_state
    name, preset_data = state["cfg.dataset"], PRESETS[state["cfg.preset"]]["data"]["name"]
    if (name in IMAGE_DATASETS) != (preset_data in IMAGE_DATASETS):
        state["cfg.preset"] = "digits" if name in IMAGE_DATASETS else DEFAULT_PRESET
        apply_preset()
        state["cfg.dataset"] = name
    if not has_quality_bar(name):
        state["cfg.stop_at_bar"] = False  # the checkbox is disabled: no bar to stop at


def use_drawing() -> None:
    """Train on the drawn data (the drawing panel's button, a callback)."""
    st.session_state["cfg.dataset"] = "drawn"
    dataset_changed()


def show_config(config: Config) -> None:
    """Put a config's values into the widgets (a callback, e.g. after loading a checkpoint)."""
    d = config.to_dict()
    for key, (part, name) in FIELDS.items():
        st.session_state[key] = d[part][name]
    st.session_state["cfg.beta1"], st.session_state["cfg.beta2"] = d["train"]["betas"]
    if config.data.name == "drawn":
        draw_panel.show_drawing(config.data)


def differences(config: Config, other: Config) -> list[str]:
    """Names of the sidebar's settings whose values differ between two configs."""
    a, b = config.to_dict(), other.to_dict()
    names = [name for part, name in FIELDS.values() if a[part][name] != b[part][name]]
    names += [name for name in DRAWING if a["data"][name] != b["data"][name]]
    return names + (["betas"] if a["train"]["betas"] != b["train"]["betas"] else [])


def current_config() -> tuple[Config | None, str | None]:
    """(config, None) from the widgets' values, or (None, the reason it is invalid)."""
    state = st.session_state
    if "cfg.preset" not in state:
        state["cfg.preset"] = DEFAULT_PRESET
        apply_preset()
    d = copy.deepcopy(PRESETS[state["cfg.preset"]])
    d.setdefault("model", {})
    for key, (part, name) in FIELDS.items():
        d.setdefault(part, {})[name] = state[key]
    d["train"]["betas"] = (state["cfg.beta1"], state["cfg.beta2"])
    if d["data"]["name"] == "drawn":
        d["data"].update(draw_panel.drawing())  # checked by DataConfig like every field
    if d["train"]["stop_at_bar"] and not d["train"].get("eval_every", 1):
        d["train"]["eval_every"] = BAR_EVAL_EVERY  # the bar is checked at evaluations
    # Live curves need frequent records; a record costs one host sync.
    d["train"]["log_every"] = 10 if d["data"]["name"] in IMAGE_DATASETS else 25
    is_image = d["data"]["name"] in IMAGE_DATASETS
    if d["model"].get("arch") in ("mlp", "dcgan") and (d["model"]["arch"] == "dcgan") != is_image:
        d["model"]["arch"] = "auto"  # the preset's nets do not fit the chosen data kind
    try:
        _check_device(d["train"]["device"])
        return Config.from_dict(d), None
    except ValueError as e:
        return None, t("Invalid setting: {reason}", reason=message(e))


def _check_device(device: str) -> None:
    available = {"cuda": torch.cuda.is_available(), "mps": torch.backends.mps.is_available()}
    if not available.get(device, True):
        raise ValueError(
            f"train.device = {device!r} is not allowed: this computer has no {device} device, "
            "choose 'auto' or 'cpu'"
        )


def _number(label: str, key: str, help: str | None = None, **kwargs: Any) -> None:
    st.number_input(t(label), key=key, help=t(help) if help else None, **kwargs)


def render() -> tuple[Config | None, str | None]:
    """Draw the sidebar; returns what `current_config` returns."""
    config, problem = current_config()  # also fills the widgets' state on the first run
    sb = st.sidebar
    sb.header(t("Settings"))
    sb.selectbox(t("Preset"), list(PRESETS), key="cfg.preset", on_change=apply_preset)
    sb.selectbox(
        t("Dataset"),
        DATASETS,
        key="cfg.dataset",
        on_change=dataset_changed,
        help=t(
            "2-D toys and digits need no download; drawn is the data you draw below the "
            "controls; mnist, fashion_mnist, cifar10 and folder read their files from data/"
        ),
    )
    sb.selectbox(t("Loss"), LOSSES, key="cfg.loss", format_func=translator())
    with sb:
        _number("Train for (steps)", "cfg.steps", step=100)
        c1, c2 = st.columns(2)
        with c1:
            _number("G learning rate", "cfg.lr_g", format="%.1e", step=1e-4)
            _number("Adam beta1", "cfg.beta1", format="%.2f", step=0.1)
            _number("Batch size", "cfg.batch_size", step=32)
        with c2:
            _number("D learning rate", "cfg.lr_d", format="%.1e", step=1e-4)
            _number("Adam beta2", "cfg.beta2", format="%.3f", step=0.001)
            _number("n_critic", "cfg.n_critic", step=1, help="D updates per G update")
        with st.expander(t("Regularisers")):
            _number("Gradient penalty (WGAN-GP)", "cfg.gp_weight", step=1.0)
            _number("R1 penalty gamma", "cfg.r1_weight", step=1.0)
            _number("Weight clipping (WGAN)", "cfg.clip_weights", format="%.3f", step=0.01)
            _number("Instance noise std", "cfg.instance_noise", format="%.2f", step=0.05)
            _number("Label smoothing", "cfg.label_smoothing", format="%.2f", step=0.05)
            _number("Gradient clipping", "cfg.grad_clip", step=1.0)
            _number("EMA of G's weights", "cfg.ema", format="%.3f", step=0.001, help="0 = off")
            st.checkbox(t("Spectral norm in D"), key="cfg.spectral_norm")
            st.checkbox(t("Batch norm in D (images)"), key="cfg.d_batch_norm")
        st.checkbox(t("Conditional (class labels)"), key="cfg.conditional")
        has_bar = has_quality_bar(st.session_state["cfg.dataset"])
        st.checkbox(
            t("Stop at the quality bar"),
            key="cfg.stop_at_bar",
            disabled=not has_bar,
            help=t(
                "End the run at the first evaluation that meets the data's quality bar "
                "(2-D: every mode covered and 90% high-quality samples; digits: all 10 "
                "classes and FD <= 25); off: train for all the steps"
            )
            if has_bar
            else t("This data set has no quality bar (2-D sets and digits have one)"),
        )
        c1, c2 = st.columns(2)
        with c1:
            _number("Seed", "cfg.seed", step=1)
        with c2:
            st.selectbox(t("Device"), DEVICES, key="cfg.device")
    return config, problem
