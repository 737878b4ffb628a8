"""Figures and grids: shapes, pixel values, D's map and G's arrows against closed forms."""

import io

import numpy as np
import pytest
import torch
import torch.nn as nn
from PIL import Image

from ganlab import viz
from ganlab.config import LOSSES


class Linear2D(nn.Module):
    """D(x) = w . x + b: its gradient is w everywhere."""

    def __init__(self, w=(1.5, -0.5), b=0.25):
        super().__init__()
        self.w = nn.Parameter(torch.tensor(w))
        self.b = nn.Parameter(torch.tensor(b))

    def forward(self, x, labels=None):
        return x @ self.w + self.b


class SmallD(nn.Module):
    def __init__(self, dropout=0.0):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Dropout(dropout), nn.Linear(16, 1))

    def forward(self, x, labels=None):
        return self.net(x).squeeze(1)


def records(n=5):
    return [
        {"step": 10 * (i + 1), "d_loss": 1.0 + i, "g_loss": 2.0 - i, "d_real": 0.6, "d_fake": 0.4,
         "d_grad_norm": 0.5, "g_grad_norm": 0.7}
        for i in range(n)
    ]  # fmt: skip


# ----------------------------------------------------------------------------- curves
def test_loss_figure_plots_each_record():
    history = records()
    fig = viz.loss_figure(history, grad_norms=True)
    by_name = {trace.name: trace for trace in fig.data}
    assert list(by_name) == ["D loss", "G loss", "D(x)", "D(G(z))", "|grad D|", "|grad G|"]
    assert list(by_name["G loss"].y) == [r["g_loss"] for r in history]
    assert list(by_name["D loss"].x) == [10, 20, 30, 40, 50]
    assert "Step 50" in fig.layout.title.text
    assert len(viz.loss_figure(history, scores=False).data) == 2


def test_the_divergence_panel_draws_its_own_records_on_a_log_axis():
    divergence = [{"step": 0, "kl": 5.0, "js": 0.6}, {"step": 50, "kl": 0.5, "js": 0.1}]
    fig = viz.loss_figure(records(), divergence=divergence)
    kl, js = fig.data[-2:]
    assert (kl.name, list(kl.x), list(kl.y)) == ("KL(real‖fake)", [0, 50], [5.0, 0.5])
    assert list(js.y) == [0.6, 0.1] and kl.yaxis == "y3"
    assert fig.layout.yaxis3.type == "log"


def test_loss_figure_is_deterministic_and_handles_no_records():
    assert viz.loss_figure(records()).to_json() == viz.loss_figure(records()).to_json()
    assert '"uid"' not in viz.loss_figure(records()).to_json()
    assert viz.loss_figure([]).layout.title.text == "No records yet"


# ----------------------------------------------------------------------------- images
def test_image_grid_shape_and_pixel_values():
    images = torch.stack([torch.full((1, 4, 4), v) for v in (-1.0, 0.0, 1.0, -1.0, 0.0, 1.0)])
    grid = viz.image_grid(images, nrow=3, padding=2)
    assert grid.shape == (2 * (4 + 2) + 2, 3 * (4 + 2) + 2, 3) and grid.dtype == np.uint8
    tile = lambda row, col: grid[2 + 6 * row : 6 + 6 * row, 2 + 6 * col : 6 + 6 * col]  # noqa: E731
    assert (tile(0, 0) == 0).all()  # -1 -> black
    assert (tile(0, 1) == 128).all()  # 0 -> round(127.5)
    assert (tile(1, 2) == 255).all()  # 1 -> white
    assert (grid[0] == 255).all()  # white padding


def test_image_grid_keeps_colour_channels_and_clips():
    red = torch.tensor([1.0, -1.0, -1.0]).view(1, 3, 1, 1).expand(2, 3, 2, 2) * 3  # beyond [-1, 1]
    grid = viz.image_grid(red, nrow=2, padding=0)
    assert grid.shape == (2, 4, 3)
    assert (grid[..., 0] == 255).all() and (grid[..., 1:] == 0).all()


def test_image_grid_rejects_points():
    with pytest.raises(ValueError, match="images.shape"):
        viz.image_grid(torch.zeros(5, 2))


def test_to_png_round_trips():
    picture = viz.image_grid(torch.rand(4, 3, 5, 5) * 2 - 1, nrow=2)
    back = np.asarray(Image.open(io.BytesIO(viz.to_png(picture))))
    np.testing.assert_array_equal(back, picture)


# ----------------------------------------------------------------------------- decision maps
def test_heat_map_is_sigmoid_of_d_at_the_grid_points():
    torch.manual_seed(0)
    D = SmallD()
    real, fake = torch.randn(50, 2), torch.randn(30, 2)
    dm = viz.decision_map(D, real, fake, resolution=9, bounds=(-2.0, 2.0, -1.0, 3.0))
    assert dm.score.shape == (9, 9) and dm.probability
    np.testing.assert_allclose(dm.xs, np.linspace(-2, 2, 9), atol=1e-6)
    for i, j in [(0, 0), (3, 7), (8, 2)]:  # score[i, j] is D at (xs[j], ys[i])
        point = torch.tensor([[dm.xs[j], dm.ys[i]]])
        assert dm.score[i, j] == pytest.approx(torch.sigmoid(D(point)).item(), abs=1e-6)


def test_raw_scores_for_the_non_probability_losses():
    D = Linear2D()
    dm = viz.decision_map(D, torch.zeros(3, 2), torch.ones(3, 2), loss="wasserstein", resolution=5)
    assert not dm.probability
    point = torch.tensor([[dm.xs[4], dm.ys[1]]])
    assert dm.score[1, 4] == pytest.approx(D(point).item(), abs=1e-6)


@pytest.mark.parametrize(
    "loss, midpoint", [("non_saturating", 0.5), ("least_squares", 0.5), ("hinge", 0.0)]
)
def test_the_colour_scale_is_centred_on_the_losss_decision_boundary(loss, midpoint):
    # issue 12: the least-squares D is undecided at 0.5 (targets 0 and 1), not at 0.
    dm = viz.decision_map(Linear2D(), torch.zeros(3, 2), torch.ones(3, 2), loss=loss)
    heat = viz.plot_decision_map(dm).data[0]
    if dm.probability:  # a fixed 0..1 scale, whose middle is 1/2
        assert (heat.zmin, heat.zmax) == (0.0, 1.0) and (heat.zmin + heat.zmax) / 2 == midpoint
    else:
        assert heat.zmid == midpoint


@pytest.mark.parametrize("loss", LOSSES)
def test_arrows_point_up_a_linear_ds_slope(loss):
    D = Linear2D()
    fake = torch.tensor([[0.1, 0.2], [-0.3, 0.0], [0.0, -0.4]])  # logits < 1: LSGAN pushes up too
    dm = viz.decision_map(D, torch.zeros(4, 2), fake, loss=loss)
    w = D.w.detach().numpy()
    cosines = dm.push @ w / (np.linalg.norm(dm.push, axis=1) * np.linalg.norm(w))
    np.testing.assert_allclose(cosines, 1.0, atol=1e-5)  # along +w, towards higher D


def test_push_is_minus_the_per_sample_gradient_of_g_loss():
    D, fake = Linear2D(), torch.tensor([[0.5, 1.0], [-1.0, 2.0]])
    dm = viz.decision_map(D, fake, fake, loss="non_saturating")
    logits = fake @ D.w.detach() + D.b.detach()
    # g = softplus(-l): -dg/dx = sigmoid(-l) * w
    expected = torch.sigmoid(-logits)[:, None] * D.w.detach()
    torch.testing.assert_close(torch.from_numpy(dm.push), expected)


def test_decision_map_leaves_d_as_it_was():
    D = SmallD(dropout=0.5)
    D.train()
    before = [p.detach().clone() for p in D.parameters()]
    viz.decision_map(D, torch.randn(8, 2), torch.randn(8, 2))
    assert D.training
    assert all(torch.equal(b, p) and p.grad is None for b, p in zip(before, D.parameters()))


def test_plot_decision_map_draws_map_points_and_scaled_arrows():
    dm = viz.decision_map(Linear2D(), torch.randn(20, 2), torch.randn(10, 2), resolution=7)
    fig = viz.plot_decision_map(dm, arrow_length=0.1)
    kinds = [trace.type for trace in fig.data]
    assert kinds == ["heatmap", "scatter", "scatter", "scatter"]
    np.testing.assert_allclose(np.asarray(fig.data[0].z), dm.score)
    assert len(fig.data[2].x) == 10  # the fakes
    xs = np.array([np.nan if v is None else v for v in fig.data[3].x], dtype=float)
    ys = np.array([np.nan if v is None else v for v in fig.data[3].y], dtype=float)
    shafts = np.stack([xs, ys], 1).reshape(10, 9, 2)[:, 6:8]  # each arrow: 2 barbs, then the shaft
    lengths = np.linalg.norm(shafts[:, 1] - shafts[:, 0], axis=1)
    assert lengths.max() == pytest.approx(0.1 * (dm.xs[-1] - dm.xs[0]))
    np.testing.assert_allclose(shafts[:, 0], dm.fake)


def test_decision_map_figure_draws_fakes_from_g():
    G = nn.Linear(3, 2)  # any module mapping z (N, 3) to points (N, 2)
    z = torch.randn(6, 3)
    fig = viz.decision_map_figure(G, Linear2D(), torch.randn(5, 2), z=z)
    np.testing.assert_allclose(np.asarray(fig.data[2].x), G(z)[:, 0].detach().numpy(), rtol=1e-6)
    with pytest.raises(ValueError, match="fake = None"):
        viz.decision_map_figure(None, Linear2D(), torch.randn(5, 2))


def test_layers_choose_the_traces_and_an_unknown_layer_is_refused():
    dm = viz.decision_map(Linear2D(), torch.randn(20, 2), torch.randn(10, 2), resolution=7)
    dm = dm._replace(manifold=np.zeros((3, 3, 2), np.float32))
    every = [t.name for t in viz.plot_decision_map(dm).data]
    assert every == ["D's map", "G's manifold", "real data", "fake G(z)", "G's push (arrows)"]
    only = viz.plot_decision_map(dm, layers=("real", "arrows"))
    assert [t.name for t in only.data] == ["real data", "G's push (arrows)"]
    assert viz.plot_decision_map(dm, layers=()).data == ()
    with pytest.raises(ValueError, match="layer = 'grid' is not allowed"):
        viz.plot_decision_map(dm, layers=("grid",))


def test_a_trail_joins_each_fake_to_where_it_was():
    dm = viz.decision_map(Linear2D(), torch.randn(5, 2), torch.randn(4, 2), resolution=5)
    before = dm.fake - 0.1
    [trail] = [
        t for t in viz.plot_decision_map(dm, trail=before).data if t.name.startswith("where")
    ]
    segments = np.stack([np.asarray(trail.x, float), np.asarray(trail.y, float)], 1).reshape(
        4, 3, 2
    )
    np.testing.assert_allclose(segments[:, 0], before, rtol=1e-6)
    np.testing.assert_allclose(segments[:, 1], dm.fake, rtol=1e-6)


class Affine(nn.Module):
    """G(z) = z[:, :2] @ A + c: the manifold of a linear G is the grid, sheared and moved."""

    def __init__(self):
        super().__init__()
        self.A, self.c = torch.tensor([[2.0, 0.5], [0.0, 1.0]]), torch.tensor([1.0, -1.0])
        self.dummy = nn.Parameter(torch.zeros(1))  # generate() reads the device from here

    def forward(self, z, labels=None):
        return z[:, :2] @ self.A + self.c + z[:, 2:].sum(1, keepdim=True)


def test_the_manifold_is_the_noise_grid_drawn_through_g():
    sheet = viz.manifold(Affine(), z_dim=2, n=5, extent=2.0)
    u = np.linspace(-2, 2, 5)
    grid = np.stack(np.meshgrid(u, u, indexing="xy"), -1)  # (5, 5, 2): [i, j] = (u_j, u_i)
    np.testing.assert_allclose(sheet, grid @ Affine().A.numpy() + Affine().c.numpy(), atol=1e-6)


def test_higher_z_dim_gives_the_slice_through_the_fixed_other_coordinates():
    plane = viz.noise_plane(4, n=3, extent=1.0, fixed=0.5)
    assert plane.shape == (3, 3, 4) and torch.all(plane[..., 2:] == 0.5)
    sheet = viz.manifold(Affine(), z_dim=4, n=3, extent=1.0, fixed=0.5)
    flat = viz.manifold(Affine(), z_dim=2, n=3, extent=1.0)
    np.testing.assert_allclose(sheet, flat + 1.0, atol=1e-6)  # Affine adds sum(z[2:]) = 1
    with pytest.raises(ValueError, match="z_dim = 1 is not allowed"):
        viz.noise_plane(1)


def test_manifold_trace_draws_every_row_and_column_and_the_figure_says_slice():
    sheet = viz.manifold(Affine(), z_dim=2, n=4)
    trace = viz.manifold_trace(sheet)
    assert np.isnan(trace["x"]).sum() == 8  # 4 rows + 4 columns, each ended
    np.testing.assert_array_equal(trace["x"][:4], sheet[0, :, 0])  # the first row
    fig = viz.manifold_figure(Affine(), z_dim=3, real=torch.randn(10, 2), n=4)
    assert [t.name for t in fig.data] == ["real", "G's manifold"]
    assert "slice" in fig.layout.title.text


# ----------------------------------------------------------------------------- latent walks
class LinearImages(nn.Module):
    """G(z) = reshape(A z + c): linear, so G(lerp) = lerp(G)."""

    def __init__(self):
        super().__init__()
        self.net = nn.Linear(4, 12)

    def forward(self, z, labels=None):
        return self.net(z).view(-1, 3, 2, 2)


def test_interpolation_strip_walks_from_g_of_a_to_g_of_b():
    G = LinearImages()
    z_a, z_b = torch.randn(4), torch.randn(4)
    strip = viz.interpolation_strip(G, z_a, z_b, steps=5, method="lerp")
    assert strip.shape == (5, 3, 2, 2)
    with torch.no_grad():
        torch.testing.assert_close(strip[0], G(z_a[None])[0])
        torch.testing.assert_close(strip[-1], G(z_b[None])[0])
        torch.testing.assert_close(strip[2], G(((z_a + z_b) / 2)[None])[0])  # G linear, lerp


def test_interpolation_strip_needs_two_steps():
    with pytest.raises(ValueError, match="steps"):
        viz.interpolation_strip(LinearImages(), torch.zeros(4), torch.ones(4), steps=1)


def test_strip_figures():
    images = torch.rand(4, 1, 6, 6) * 2 - 1
    still = viz.strip_figure(images)
    assert [t.type for t in still.data] == ["image"]
    animated = viz.strip_figure(images, animate=True)
    assert len(animated.frames) == 4 and animated.layout.sliders


def test_points_figure_draws_the_walk_in_order():
    walk = torch.tensor([[0.0, 0.0], [1.0, 1.0], [2.0, 0.0]])
    fig = viz.points_figure(torch.randn(10, 2), walk=walk, fake=torch.randn(7, 2))
    assert [t.name for t in fig.data] == ["real", "fake G(z)", "G(walk)"]
    assert list(fig.data[2].x) == [0.0, 1.0, 2.0]


def test_show_stores_a_png_copy_and_says_when_it_cannot(monkeypatch):
    import plotly.graph_objects as go

    from ganlab.viz import display as show_module

    shown = []

    def fake_show(fig, renderer=None, **size):
        if renderer.endswith("+png") and fail:
            raise RuntimeError("no Chrome found")
        shown.append((renderer, size))

    monkeypatch.setattr(go.Figure, "show", fake_show)
    monkeypatch.setattr(show_module, "_keep_browser", lambda: None)
    fail = False
    show_module.show(go.Figure(), width=640, height=360)
    assert shown == [("plotly_mimetype+png", {"width": 640, "height": 360})]
    fail = True
    with pytest.warns(UserWarning, match="without its PNG copy: no Chrome found"):
        show_module.show(go.Figure())
    assert shown[-1] == ("plotly_mimetype", {})
