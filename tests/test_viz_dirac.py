"""The Dirac-GAN's figures (ganlab/viz/dirac.py): the field's arrows, the walks, the
eigenvalues, against ganlab.dirac itself."""

import numpy as np

from ganlab import viz
from ganlab.dirac import Game


def test_the_field_has_one_arrow_per_grid_point_along_the_velocity():
    game = Game("non_saturating")
    fig = viz.dirac_field_figure(game, half=2.0, resolution=5)
    arrows = fig.data[0]
    assert arrows.name == "vector field"
    x, y = (np.array(v, dtype=float) for v in (arrows.x, arrows.y))  # None -> nan
    assert len(x) == 9 * 5 * 5  # per arrow: two barbs and a shaft, None-separated
    # the last segment of each arrow is its shaft: from the grid point along v
    shafts = np.stack([x[6::9], y[6::9], x[7::9], y[7::9]], 1)  # (25, 4): x0 y0 x1 y1
    theta, psi = shafts[12, :2]
    assert (theta, psi) == (0.0, 0.0)  # the middle of the grid: the equilibrium
    v_theta, v_psi = game.field(*shafts[3, :2])
    direction = shafts[3, 2:] - shafts[3, :2]
    cross = direction[0] * float(v_psi) - direction[1] * float(v_theta)
    assert abs(cross) < 1e-6 and direction @ np.array([float(v_theta), float(v_psi)]) > 0
    lengths = np.hypot(shafts[:, 2] - shafts[:, 0], shafts[:, 3] - shafts[:, 1])
    assert np.isclose(lengths.max(), 0.9 * 1.0)  # the longest arrow: 0.9 of a grid cell


def test_the_walks_are_drawn_as_computed_with_start_and_equilibrium_marked():
    game = Game("hinge", r1=1.0)
    walks = {
        u: game.trajectory((0.5, -1.0), steps=20, update=u) for u in ("simultaneous", "alternating")
    }
    fig = viz.dirac_field_figure(game, walks)
    names = [t.name for t in fig.data]
    assert names == ["vector field", "simultaneous steps", "alternating steps", "start",
                     "equilibrium (0, 0)"]  # fmt: skip
    np.testing.assert_allclose(fig.data[2].y, walks["alternating"][:, 1].numpy())
    assert (fig.data[3].x[0], fig.data[3].y[0]) == (0.5, -1.0)


def test_the_eigenvalue_plane_shows_the_eigenvalues_and_the_converging_half():
    eig = Game("minimax", r1=2.0).eigenvalues()
    fig = viz.eigenvalue_figure(eig)
    np.testing.assert_allclose(fig.data[0].x, eig.real.numpy())
    np.testing.assert_allclose(fig.data[0].y, eig.imag.numpy())
    [shade] = fig.layout.shapes[:1]
    assert shade.x1 == 0 and shade.x0 < 0  # Re < 0 is shaded
    assert len(viz.eigenvalue_figure(None).data[0].x) == 0


def test_the_view_leaves_room_around_the_start():
    assert viz.dirac.view_half_width((1.0, -2.5)) == 1.6 * 2.5
    assert viz.dirac.view_half_width((0.0, 0.1)) == 0.8
