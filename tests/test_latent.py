"""Tests for ganlab.latent: sampling, lerp/slerp against closed forms, paths and grids."""

import math

import pytest
import torch
from torch.testing import assert_close

from ganlab.latent import grid, lerp, path, sample_z, slerp

T11 = torch.linspace(0, 1, 11)


def unit_rows(n: int, dim: int, seed: int) -> torch.Tensor:
    x = torch.randn(n, dim, generator=torch.Generator().manual_seed(seed))
    return x / x.norm(dim=1, keepdim=True)


def orthonormal_pair(dim: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    a, b = unit_rows(2, dim, seed)
    b = b - (a @ b) * a  # Gram-Schmidt
    return a, b / b.norm()


# --- sample_z ---------------------------------------------------------------------------


def test_sample_z_seeded_is_reproducible_and_leaves_global_rng_alone():
    state = torch.get_rng_state()
    z1, z2 = sample_z(4, 8, seed=3), sample_z(4, 8, seed=3)
    assert torch.equal(torch.get_rng_state(), state)
    assert z1.shape == (4, 8) and z1.dtype == torch.float32
    assert torch.equal(z1, z2)
    assert not torch.equal(z1, sample_z(4, 8, seed=4))


def test_sample_z_is_standard_normal_and_unseeded_uses_global_rng():
    z = sample_z(20_000, 4, seed=0)
    assert_close(z.mean(0), torch.zeros(4), atol=0.05, rtol=0)
    assert_close(z.std(0), torch.ones(4), atol=0.05, rtol=0)
    torch.manual_seed(1)
    a = sample_z(3, 5)
    torch.manual_seed(1)
    assert torch.equal(a, sample_z(3, 5))


def test_sample_z_rejects_bad_sizes():
    with pytest.raises(ValueError, match="z_dim"):
        sample_z(2, 0)
    with pytest.raises(ValueError, match="n = -1"):
        sample_z(-1, 4)


# --- lerp and slerp: closed forms ---------------------------------------------------------


def test_lerp_closed_form():
    a, b = torch.tensor([1.0, 2.0, -4.0]), torch.tensor([5.0, 0.0, 4.0])
    assert_close(lerp(a, b, 0.25), 0.75 * a + 0.25 * b)
    assert_close(lerp(a, b, [0.0, 0.5]), torch.stack([a, torch.tensor([3.0, 1.0, 0.0])]))


def test_slerp_orthogonal_units_at_half_is_normalised_sum():
    a, b = torch.tensor([1.0, 0.0]), torch.tensor([0.0, 1.0])
    assert_close(slerp(a, b, 0.5), (a + b) / math.sqrt(2))
    a, b = orthonormal_pair(512, seed=0)
    assert_close(slerp(a, b, 0.5), (a + b) / math.sqrt(2))


def test_slerp_follows_the_quarter_circle():
    # For orthonormal a, b the arc is cos(t pi/2) a + sin(t pi/2) b.
    a, b = orthonormal_pair(16, seed=1)
    angle = (T11 * math.pi / 2)[:, None]
    assert_close(slerp(a, b, T11), torch.cos(angle) * a + torch.sin(angle) * b)


def test_slerp_interpolates_norm_linearly_and_direction_on_arc():
    a, b = torch.tensor([2.0, 0.0]), torch.tensor([0.0, 4.0])
    mid = slerp(a, b, 0.5)
    assert_close(mid, 3.0 * torch.tensor([1.0, 1.0]) / math.sqrt(2))  # |mid| = (2 + 4) / 2
    norms = slerp(a, b, T11).norm(dim=-1)
    assert_close(norms, 2.0 + 2.0 * T11)


@pytest.mark.parametrize("dim", [3, 512])
def test_slerp_keeps_unit_vectors_on_the_sphere(dim):
    a, b = unit_rows(2, dim, seed=dim)
    assert_close(slerp(a, b, T11).norm(dim=-1), torch.ones(11))
    assert lerp(a, b, 0.5).norm() < 0.9  # lerp cuts the corner (random vectors ~ orthogonal)


@pytest.mark.parametrize("gap", [1e-2, 1e-4, 1e-6, 1e-8, 0.0])
def test_slerp_nearly_parallel_is_finite_and_unit(gap):
    a = unit_rows(1, 512, seed=5)[0]
    b = a + gap * unit_rows(1, 512, seed=6)[0]
    b = b / b.norm()
    out = slerp(a, b, T11)
    assert torch.isfinite(out).all()
    assert_close(out.norm(dim=-1), torch.ones(11))
    # Slerp and lerp differ by the sag of the chord, ~ angle^2 / 8: second order in gap.
    assert_close(out, lerp(a, b, T11), atol=gap**2 + 1e-6, rtol=0)


def test_slerp_degenerate_inputs_fall_back_to_lerp():
    a = torch.tensor([1.0, 2.0])
    for b in (-a, 3 * a, torch.zeros(2)):  # opposite, parallel, zero
        out = slerp(a, b, T11)
        assert torch.isfinite(out).all()
        assert_close(out, lerp(a, b, T11))


def test_ends_are_exact_bitwise_for_lerp_and_slerp():
    a = torch.tensor([0.1, -0.7, 0.3])
    b = torch.tensor([0.9, 0.2, -2.3])  # different norm, awkward values
    for f in (lerp, slerp):
        assert torch.equal(f(a, b, 0.0), a)
        assert torch.equal(f(a, b, 1.0), b)
        out = f(a, b, T11)
        assert torch.equal(out[0], a) and torch.equal(out[-1], b)
    assert torch.equal(slerp(a, b, 1.0), lerp(a, b, 1.0))


def test_batched_shapes_and_rows_match_unbatched():
    a, b = unit_rows(3, 7, seed=8), 2 * unit_rows(3, 7, seed=9)
    for f in (lerp, slerp):
        assert f(a, b, 0.3).shape == (3, 7)
        assert f(a[0], b[0], 0.3).shape == (7,)
        out = f(a, b, [0.0, 0.3, 1.0])
        assert out.shape == (3, 3, 7)
        assert f(a[0], b[0], torch.tensor([0.2, 0.4])).shape == (2, 7)
        for i in range(3):
            assert_close(out[:, i], f(a[i], b[i], [0.0, 0.3, 1.0]))


def test_interpolation_rejects_bad_inputs():
    a = torch.zeros(4)
    with pytest.raises(ValueError, match="b.shape"):
        slerp(a, torch.zeros(5), 0.5)
    with pytest.raises(ValueError, match="a.shape"):
        lerp(torch.zeros(2, 2, 2), torch.zeros(2, 2, 2), 0.5)
    with pytest.raises(ValueError, match="t.shape"):
        slerp(a, a, torch.zeros(2, 2))


# --- path and grid ----------------------------------------------------------------------


@pytest.mark.parametrize("method", ["lerp", "slerp"])
def test_path_shape_passes_through_points_without_duplicates(method):
    points = sample_z(4, 6, seed=0)
    walk = path(points, steps_per_segment=5, method=method)
    assert walk.shape == (3 * 5 + 1, 6)
    for i in range(4):
        assert torch.equal(walk[5 * i], points[i])
    steps = (walk[1:] - walk[:-1]).norm(dim=1)
    assert (steps > 1e-3).all()  # no joint repeated


def test_path_lerp_takes_even_steps():
    points = torch.tensor([[0.0, 0.0], [4.0, 0.0], [4.0, 2.0]])
    walk = path(points, steps_per_segment=2, method="lerp")
    expected = torch.tensor([[0.0, 0.0], [2.0, 0.0], [4.0, 0.0], [4.0, 1.0], [4.0, 2.0]])
    assert_close(walk, expected)


@pytest.mark.parametrize("method", ["lerp", "slerp"])
def test_grid_shape_and_exact_corners(method):
    corners = sample_z(4, 10, seed=1)
    sheet = grid(corners, rows=3, cols=5, method=method)
    assert sheet.shape == (3, 5, 10)
    assert torch.equal(sheet[0, 0], corners[0])  # top-left
    assert torch.equal(sheet[0, -1], corners[1])  # top-right
    assert torch.equal(sheet[-1, 0], corners[2])  # bottom-left
    assert torch.equal(sheet[-1, -1], corners[3])  # bottom-right


def test_grid_lerp_is_bilinear():
    corners = torch.tensor([[0.0, 0.0], [2.0, 0.0], [0.0, 4.0], [2.0, 4.0]])
    sheet = grid(corners, rows=3, cols=3, method="lerp")
    assert_close(sheet[1, 1], corners.mean(0))
    assert_close(sheet[:, :, 0], torch.tensor([0.0, 1.0, 2.0]).expand(3, 3))
    assert_close(sheet[:, :, 1], torch.tensor([[0.0], [2.0], [4.0]]).expand(3, 3))


def test_path_and_grid_reject_bad_arguments():
    points = torch.zeros(3, 4)
    with pytest.raises(ValueError, match="method = 'cubic'.*'lerp', 'slerp'"):
        path(points, 4, method="cubic")
    with pytest.raises(ValueError, match="steps_per_segment = 0"):
        path(points, 0)
    with pytest.raises(ValueError, match="points.shape"):
        path(torch.zeros(1, 4), 3)
    with pytest.raises(ValueError, match="corners.shape"):
        grid(points, 3, 3)
    with pytest.raises(ValueError, match="rows = 1"):
        grid(torch.zeros(4, 4), 1, 3)
    with pytest.raises(ValueError, match="method"):
        grid(torch.zeros(4, 4), 3, 3, method="nearest")
