"""Training curves: losses, D's mean scores and gradient norms against the step."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go

from ganlab.viz.style import FAKE_COLOUR, FONT, REAL_LINE_COLOUR

PANELS = {  # panel -> its title and its two curves (D's first, then G's)
    "losses": ("Losses", (("d_loss", "D loss"), ("g_loss", "G loss"))),
    "scores": ("Mean D output", (("d_real", "D(x)"), ("d_fake", "D(G(z))"))),
    "grad_norms": ("Gradient norms", (("d_grad_norm", "|grad D|"), ("g_grad_norm", "|grad G|"))),
    # metrics.grid_divergence; log scale: JS lives in [0, 0.69], KL runs up to ~15
    "divergence": ("Real vs fake (grid)", (("kl", "KL(real‖fake)"), ("js", "JS (max log 2)"))),
}
GAP = 0.08  # vertical space between panels, as a share of the plot height


def loss_figure(
    history: Sequence[dict[str, Any]],
    scores: bool = True,
    grad_norms: bool = False,
    divergence: Sequence[dict[str, Any]] | None = None,
) -> go.Figure:
    """Training curves from trainer records (dicts with 'step', 'd_loss', 'g_loss', ...).

    Panel 1: d_loss and g_loss. Panel 2 (scores): mean D(x) and D(G(z)), probabilities for
    the log-losses, raw scores otherwise. Panel 3 (grad_norms): ||grad|| of D and of G.
    Last panel (divergence: dicts with 'step', 'kl', 'js'): grid KL and JS, log scale.
    The panels share the step axis. Built from plain dicts, with the panels placed by hand
    (make_subplots is ~5x slower, and the dashboard redraws this twice a second).
    """
    names = ["losses"] + ["scores"] * scores + ["grad_norms"] * grad_norms
    names += ["divergence"] * (divergence is not None)
    n = len(names)
    height = (1 - GAP * (n - 1)) / n
    data, layout = [], {}
    for i, name in enumerate(names):
        title, curves = PANELS[name]
        records = divergence if name == "divergence" else history
        steps = [r["step"] for r in records]
        top = 1 - i * (height + GAP)
        suffix = "" if i == 0 else str(i + 1)  # plotly names axes y, y2, y3 and legends alike
        layout[f"yaxis{suffix}"] = {
            "domain": [round(top - height, 6), round(top, 6)],
            "anchor": "x",
            **({"type": "log", "dtick": 1} if name == "divergence" else {}),  # 0.1, 1, 10
        }
        # each panel's legend, titled with the panel's name, just right of the panel
        layout[f"legend{suffix}"] = {
            "x": 1.02,
            "y": top,
            "xanchor": "left",
            "yanchor": "top",
            "title": {"text": f"<b>{title}</b>"},
        }
        for (key, label), colour in zip(curves, (REAL_LINE_COLOUR, FAKE_COLOUR)):
            values = [r.get(key, float("nan")) for r in records]
            data.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "x": steps,
                    "y": values,
                    "name": label,
                    "yaxis": f"y{suffix}",
                    "legend": f"legend{suffix}",
                    "line": {"color": colour, "width": 2},
                }
            )
    title = "No records yet"
    if history:
        last = history[-1]
        title = f"Step {last['step']}: D loss {last['d_loss']:.3f}, G loss {last['g_loss']:.3f}"
    layout.update(
        title={"text": title},
        xaxis={"title": {"text": "step"}, "anchor": f"y{n if n > 1 else ''}"},
        height=140 + 170 * n,
        margin={"l": 50, "r": 10, "t": 50, "b": 40},
        uirevision="losses",
        font=FONT,
    )
    return go.Figure(data=data, layout=layout)
