"""The Dirac-GAN page: the two-parameter game of Mescheder, Geiger & Nowozin (2018).

The student picks a loss and the regularisers; the page draws the game's vector field
in the (theta, psi) plane, walks it with simultaneous and with alternating gradient
descent, and shows the Jacobian's eigenvalues at the equilibrium with what they predict.
Everything is computed by ganlab.dirac (on ganlab.losses); this module only draws it.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from ganlab import viz
from ganlab.dashboard import i18n
from ganlab.dashboard.i18n import t
from ganlab.dirac import UPDATES, VERDICTS, Game
from ganlab.losses import LOSSES
from ganlab.viz.dirac import view_half_width

PLOT_CONFIG = {"displayModeBar": False}
REGULARISERS = {  # game field -> (toggle label, weight label, default weight)
    "r1": ("R1", "R1's weight γ", 1.0),
    "gp": ("WGAN-GP", "GP's weight λ", 1.0),
    "noise": ("Noise", "instance noise σ", 1.0),
}
MEANING = (
    "At the equilibrium (0, 0) the Jacobian of the field decides what small steps do: "
    "**purely imaginary** eigenvalues mean the walk circles around (0, 0) and never "
    "settles; **negative real parts** mean it spirals in and converges."
)


@st.cache_data(max_entries=64, show_spinner=False)
def _plane(game: Game, start: tuple[float, float], lr: float, steps: int) -> tuple:
    """Both walks from `start` (update -> (steps + 1, 2) points) and their figure."""
    walks = {u: game.trajectory(start, lr=lr, steps=steps, update=u) for u in UPDATES}
    return walks, viz.dirac_field_figure(game, walks, half=view_half_width(start))


def _controls() -> tuple[Game, tuple[float, float], float, int]:
    """The settings (in the sidebar): the game, the start point, the learning rate and the steps."""
    loss = st.selectbox(  # minimax first: the paper's Figure 1
        t("Loss"),
        list(LOSSES),
        key="dirac.loss",
        help=t("The package's losses (ganlab.losses)"),
        format_func=i18n.translator(),
    )
    st.caption(t(LOSSES[loss].summary))
    weights = {}
    for field, (label, weight_label, default) in REGULARISERS.items():
        c1, c2 = st.columns(2, vertical_alignment="bottom")
        on = c1.toggle(t(label), key=f"dirac.{field}")
        weight = c2.number_input(
            t(weight_label),
            min_value=0.0,
            value=default,
            step=0.1,
            key=f"dirac.{field}_weight",
            disabled=not on,
        )
        weights[field] = weight if on else 0.0
    c1, c2 = st.columns(2)
    lr = c1.number_input(
        t("Learning rate"), min_value=1e-3, max_value=1.0, value=0.1, key="dirac.lr"
    )
    steps = c2.number_input(
        t("Steps"), min_value=10, max_value=2000, value=500, step=100, key="dirac.steps"
    )
    theta = c1.number_input(t("Start θ"), -3.0, 3.0, 1.0, step=0.1, key="dirac.theta")
    psi = c2.number_input(t("Start ψ"), -3.0, 3.0, 1.0, step=0.1, key="dirac.psi")
    return Game(loss, **weights), (theta, psi), lr, int(steps)


def _distances(walks: dict, steps: int) -> None:
    """One tile per walk: its distance from (0, 0) at the end, against where it started."""
    for col, (update, points) in zip(st.columns(len(walks)), walks.items()):
        start, end = points[0].norm().item(), points[-1].norm().item()
        finite = math.isfinite(end)
        col.metric(
            t(
                "{update}: distance to (0, 0) after {steps} steps",
                update=t(update.capitalize()),
                steps=steps,
            ),
            f"{end:.3f}" if finite else t("∞ (diverged)"),
            delta=t("{change:+.3f} from the start", change=end - start) if finite else None,
            delta_color="inverse",
        )


def _eigenvalues(game: Game) -> None:
    """The table, the complex plane and the caption saying what they predict."""
    verdict = game.stability()
    eig = None if verdict == "no fixed point" else game.eigenvalues()
    st.markdown(t("**Jacobian's eigenvalues at (0, 0)**"))
    meaning = t(VERDICTS[verdict].capitalize())
    st.caption(t("Prediction: **{verdict}**. {meaning}.", verdict=t(verdict), meaning=meaning))
    if eig is None:
        st.warning(t("No eigenvalues to show: the walks say what happens instead."))
    else:
        table = pd.DataFrame(
            {t("real part"): eig.real.tolist(), t("imaginary part"): eig.imag.tolist()},
            index=["λ₁", "λ₂"],
        )
        st.table(table.round(4))
    fig = i18n.figure(viz.eigenvalue_figure(eig))
    st.plotly_chart(fig, key="dirac.plane", config=PLOT_CONFIG)
    st.caption(t(MEANING))


def render() -> None:
    st.title(t("The Dirac-GAN"))
    st.caption(
        t(
            "The smallest GAN (Mescheder, Geiger & Nowozin 2018): the data is one point at 0, "
            "G generates the point θ, D(x) = ψ·x. Does gradient descent reach (θ, ψ) = (0, 0)?"
        )
    )
    with st.sidebar:
        game, start, lr, steps = _controls()
    plane, spectrum = st.columns([1.6, 1], gap="medium")
    walks, figure = _plane(game, start, lr, steps)
    with plane:
        # a copy: the cached figure stays English, whichever language drew it first
        fig = i18n.figure(go.Figure(figure)) if i18n.chinese() else figure
        st.plotly_chart(fig, key="dirac.field", config=PLOT_CONFIG)
        _distances(walks, steps)
    with spectrum:
        _eigenvalues(game)
