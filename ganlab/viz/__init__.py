"""Pictures of training: plotly figures and image grids for notebooks and the dashboard.

Every function returns plain data (numpy arrays, plotly figures) and never imports a UI
library, so a notebook cell and the Streamlit app draw the same thing. Figures are
deterministic (no random trace ids) and small enough to redraw twice a second.

    fig = loss_figure(trainer.history)                          # d_loss, g_loss, D(x), D(G(z))
    grid = image_grid(trainer.sample(trainer.fixed_z), nrow=8)  # (H, W, 3) uint8
    fig = decision_map_figure(trainer.G, trainer.D, real, fake) # 2-D: D's map + G's arrows
    strip = interpolation_strip(trainer.G, z[0], z[1], steps=8) # a latent walk
    fig = manifold_figure(trainer.G, z_dim=2, real=real)        # 2-D: G's warped noise grid
    fig = dirac_field_figure(Game("hinge", r1=1.0), walks)     # the Dirac-GAN's plane
"""

from ganlab.viz.compare import compare_figure
from ganlab.viz.curves import loss_figure
from ganlab.viz.decision import (
    LAYERS,
    DecisionMap,
    data_bounds,
    decision_map,
    decision_map_figure,
    plot_decision_map,
)
from ganlab.viz.dirac import dirac_field_figure, eigenvalue_figure
from ganlab.viz.display import show
from ganlab.viz.images import image_grid, images_figure, to_png
from ganlab.viz.manifold import manifold, manifold_figure, manifold_trace, noise_plane
from ganlab.viz.snapshot import snapshot_figure
from ganlab.viz.walks import generate, interpolation_strip, points_figure, strip_figure

__all__ = [
    "LAYERS",
    "DecisionMap",
    "compare_figure",
    "data_bounds",
    "decision_map",
    "decision_map_figure",
    "dirac_field_figure",
    "eigenvalue_figure",
    "generate",
    "image_grid",
    "images_figure",
    "interpolation_strip",
    "loss_figure",
    "manifold",
    "manifold_figure",
    "manifold_trace",
    "noise_plane",
    "plot_decision_map",
    "points_figure",
    "show",
    "snapshot_figure",
    "strip_figure",
    "to_png",
]
