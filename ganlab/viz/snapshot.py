"""The picture of one training snapshot, shared by the dashboard and the benchmarks."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ganlab.viz.decision import DecisionMap, plot_decision_map
from ganlab.viz.images import images_figure


def snapshot_figure(decision: DecisionMap | None, grid: np.ndarray | None) -> go.Figure:
    """D's decision map for 2-D data, else the sample grid (H, W, 3) uint8."""
    if decision is not None:
        return plot_decision_map(decision)
    # a plotly image (PNG inside the chart's JSON, drawn with crisp pixels), not st.image:
    # no media file is made twice a second
    return images_figure(grid).update_layout(height=520)
