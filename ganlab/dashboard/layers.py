"""GAN Lab's layer toggles for the 2-D picture: each of D's map, the real and fake
points, G's arrows and G's manifold on or off (names and labels: viz.LAYERS)."""

from __future__ import annotations

import streamlit as st

from ganlab import viz
from ganlab.config import Config
from ganlab.dashboard.i18n import t

DEFAULT_OFF = ("manifold",)  # the warped grid hides the points until asked for


def chosen_layers() -> tuple[str, ...]:
    """Draw one toggle per layer in a row; return the names of those switched on."""
    cols = st.columns(len(viz.LAYERS))
    on = []
    for col, (name, label) in zip(cols, viz.LAYERS.items()):
        if col.toggle(t(label), value=name not in DEFAULT_OFF, key=f"layer.{name}"):
            on.append(name)
    return tuple(on)


def manifold_note(config: Config, extent: float = 2.0) -> str:
    """What the manifold layer shows for this run's noise size."""
    z = config.model.z_dim
    grid = t(
        "the square grid z₁, z₂ ∈ [-{extent:g}, {extent:g}] of G's noise, drawn through G",
        extent=extent,
    )
    if z == 2:
        return t(
            "G's manifold (purple): {grid}; z_dim = 2, so this is all of G's noise space.",
            grid=grid,
        )
    return t(
        "G's manifold (purple): {grid}. z_dim = {z}, so this is a 2-D slice of the noise "
        "space: z₃ … z_{z} are held at 0.",
        grid=grid,
        z=z,
    )
