"""Two (or more) runs on shared axes: one panel per quantity, one colour per run.

    fig = compare_figure({"A: loss = hinge": a.history, "B: loss = wasserstein": b.history})

Panels sit side by side (D loss | G loss | the dataset's metric), each curve coloured by
its run, and one legend names the runs. Built from plain dicts, as `loss_figure` is,
because the Compare page redraws it twice a second.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go

from ganlab.viz.style import FONT

# purple and green for A and B: unlike D's red-blue map, the real navy and the fake orange
RUN_COLOURS = ("#7b3294", "#1b9e77", "#e7298a", "#666666")
QUANTITIES = {"d_loss": "D loss", "g_loss": "G loss"}
METRICS = {  # the dataset's metric, as trainer records name it
    "modes_covered": "Modes covered",
    "fd": "Fréchet distance",
    "mmd": "MMD",
}
GAP = 0.06  # horizontal space between panels, as a share of the width


def metric_key(histories: Mapping[str, Sequence[dict[str, Any]]]) -> str | None:
    """The metric the runs' records carry (the first of METRICS found), or None."""
    keys = {k for history in histories.values() for r in history for k in r}
    return next((k for k in METRICS if k in keys), None)


def _panel(i: int, n: int, title: str) -> dict:
    """Layout of panel i of n: its x axis (domain) and its y axis, with a title."""
    width = (1 - GAP * (n - 1)) / n
    left = i * (width + GAP)
    suffix = "" if i == 0 else str(i + 1)
    return {
        f"xaxis{suffix}": {
            "domain": [round(left, 6), round(left + width, 6)],
            "anchor": f"y{suffix}",
            "title": {"text": "step"},
        },
        f"yaxis{suffix}": {"anchor": f"x{suffix}", "title": {"text": title}, "rangemode": "tozero"},
    }


def compare_figure(histories: Mapping[str, Sequence[dict[str, Any]]]) -> go.Figure:
    """Curves of every run on shared axes: run name -> its trainer records (dicts).

    Panels: D's loss, G's loss and, when the records carry one, the dataset's metric
    (drawn at the evaluated steps only).
    """
    panels = dict(QUANTITIES)
    key = metric_key(histories)
    if key is not None:
        panels[key] = METRICS[key]
    data, layout = [], {}
    for i, (quantity, title) in enumerate(panels.items()):
        layout.update(_panel(i, len(panels), title))
        suffix = "" if i == 0 else str(i + 1)
        for j, ((run, history), colour) in enumerate(zip(histories.items(), RUN_COLOURS)):
            records = [r for r in history if quantity in r]
            data.append(
                {
                    "type": "scatter",
                    "mode": "lines" if quantity in QUANTITIES else "lines+markers",
                    "x": [r["step"] for r in records],
                    "y": [r[quantity] for r in records],
                    "name": run,
                    "legendgroup": run,
                    "showlegend": i == 0,  # one legend entry per run, not per panel
                    "xaxis": f"x{suffix}",
                    "yaxis": f"y{suffix}",
                    # dashes for every second run: where two curves coincide, both show
                    "line": {"color": colour, "width": 2.5, "dash": "dash" if j % 2 else "solid"},
                }
            )
    layout.update(
        height=260,
        margin={"l": 60, "r": 10, "t": 40, "b": 40},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
        uirevision="compare",
        font=FONT,
    )
    return go.Figure(data=data, layout=layout)
