"""Tests for ganlab.metrics: closed forms and trusted references for the distances, and
the promise of every metric: real data scores near-perfectly, a collapsed generator badly.

Thresholds (measured values in brackets, seed 0):
- ring8, fresh real samples: 8/8 modes, high_quality > 0.95 [0.987], mmd < 0.01 [0.002],
  energy < 0.2 [0.09]. All samples at one centre: 1/8 modes, mmd > 0.3 [0.55],
  energy > 1.0 [1.48].
- digits 16 px, a random half vs the other half: fd < 20 [8.8], 10 classes,
  label_kl < 0.05 [0.001], confidence > 0.95 [0.99]. Every image of class 3: 1 class,
  label_kl > 2.0 [log 10 = 2.30], fd > 500 [1218]. Uniform noise: fd > 500 [1004].
- The classifier: held-out accuracy > 0.97 [0.989], < 100k parameters [85k].
"""

import math

import numpy as np
import pytest
import scipy.spatial.distance
import scipy.stats
import torch
from sklearn.metrics.pairwise import rbf_kernel
from torch.testing import assert_close

from ganlab import metrics
from ganlab.data import Dataset, load, sample_2d
from ganlab.metrics import (
    DigitClassifier,
    digit_classifier,
    digit_metrics,
    energy_distance,
    evaluate,
    frechet_distance,
    grid_divergence,
    grid_histogram,
    mmd,
    mode_coverage,
)


@pytest.fixture(scope="session")
def cache(tmp_path_factory):
    """Train the 16 px classifier once per session, into a temporary cache folder."""
    folder = tmp_path_factory.mktemp("ganlab_cache")
    with pytest.MonkeyPatch.context() as mp:  # never write to the user's ~/.cache in tests
        mp.setenv("GANLAB_CACHE", str(folder))
        digit_classifier(16)
        yield folder


@pytest.fixture(scope="module")
def ring8() -> Dataset:
    return load("ring8", n=10_000, seed=0)


@pytest.fixture(scope="module")
def digits() -> Dataset:
    return load("digits", image_size=16)


# ---- 2-D: coverage and quality -----------------------------------------------------------


def test_mode_coverage_counts_by_hand():
    centres = torch.tensor([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])
    samples = torch.tensor(
        [[0.1, 0.0]] * 5 + [[10.0, 2.9]] * 4 + [[0.0, 6.5]]  # the last is 3.5 from any centre
    )
    out = mode_coverage(samples, centres, spread=1.0, min_share=0.3)
    assert out == {"modes_covered": 2, "n_modes": 3, "high_quality": 0.9}
    assert mode_coverage(samples, centres, spread=1.0, min_share=0.45)["modes_covered"] == 1


def test_mode_coverage_rejects_bad_arguments():
    centres = torch.zeros(3, 2)
    with pytest.raises(ValueError, match="samples"):
        mode_coverage(torch.zeros(5, 3), centres, 1.0)
    with pytest.raises(ValueError, match="spread"):
        mode_coverage(torch.zeros(5, 2), centres, 0.0)
    with pytest.raises(ValueError, match="min_share"):
        mode_coverage(torch.zeros(5, 2), centres, 1.0, min_share=1.5)


def test_real_ring8_scores_near_perfectly(ring8):
    fresh, _ = sample_2d("ring8", 2000, seed=1)
    out = evaluate(ring8, fresh)
    assert (out["modes_covered"], out["n_modes"]) == (8, 8)
    assert out["high_quality"] > 0.95
    assert out["mmd"] < 0.01 and out["energy"] < 0.2


def test_collapsed_ring8_scores_badly(ring8):
    gen = torch.Generator().manual_seed(0)
    one_mode = ring8.centres[0] + 0.05 * torch.randn(2000, 2, generator=gen)
    out = evaluate(ring8, one_mode)
    assert (out["modes_covered"], out["n_modes"]) == (1, 8)
    assert out["high_quality"] > 0.95  # collapse is not low quality: that is why we count modes
    assert out["mmd"] > 0.3 and out["energy"] > 1.0


# ---- sample distances: closed forms and references ---------------------------------------


@pytest.mark.parametrize("unbiased", [False, True])
def test_mmd_matches_sklearn_rbf_kernel(unbiased):
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(50, 3, generator=gen, dtype=torch.float64)  # float64: sklearn keeps dtype
    y = torch.randn(40, 3, generator=gen, dtype=torch.float64) + 0.5
    bandwidths = (0.5, 2.0)
    want = 0.0
    for h in bandwidths:  # k(a, b) = exp(-gamma ||a - b||^2), gamma = 1 / (2 h^2)
        k_xx, k_yy, k_xy = (
            rbf_kernel(a, b, gamma=1 / (2 * h**2)) for a, b in ((x, x), (y, y), (x, y))
        )
        if unbiased:
            e_xx = (k_xx.sum() - 50) / (50 * 49)
            e_yy = (k_yy.sum() - 40) / (40 * 39)
        else:
            e_xx, e_yy = k_xx.mean(), k_yy.mean()
        want += (e_xx + e_yy - 2 * k_xy.mean()) / len(bandwidths)
    got = mmd(x, y, bandwidths=bandwidths, unbiased=unbiased)
    assert_close(got, float(want), rtol=1e-9, atol=1e-12)


def test_mmd_closed_form_two_points():
    # x = {a, a}, y = {b, b}, one bandwidth h: MMD² = 1 + 1 - 2 exp(-||a - b||² / (2 h²))
    a, b = torch.tensor([0.0, 0.0]), torch.tensor([3.0, 4.0])
    got = mmd(torch.stack([a, a]), torch.stack([b, b]), bandwidths=[5.0])
    assert_close(got, 2 - 2 * math.exp(-25 / 50))


def test_energy_distance_matches_scipy_in_1d():
    rng = np.random.default_rng(0)
    u, v = rng.normal(size=300), rng.normal(0.3, 1.5, size=200)
    got = energy_distance(torch.from_numpy(u)[:, None], torch.from_numpy(v)[:, None])
    assert_close(got, float(scipy.stats.energy_distance(u, v)), rtol=1e-9, atol=1e-12)


def test_energy_distance_closed_form_and_zero():
    # x = {a, a}, y = {b, b}: E² = 2 ||a - b|| - 0 - 0
    a, b = torch.tensor([0.0, 0.0]), torch.tensor([3.0, 4.0])
    assert_close(energy_distance(torch.stack([a, a]), torch.stack([b, b])), math.sqrt(10))
    x = torch.randn(100, 2, generator=torch.Generator().manual_seed(0))
    assert energy_distance(x, x) == 0.0


# ---- Fréchet distance ---------------------------------------------------------------------


def _fd_diagonal(mu1, v1, mu2, v2) -> float:
    """Closed form for diagonal covariances: ||mu1 - mu2||² + sum (sqrt(v1) - sqrt(v2))²."""
    return float(((mu1 - mu2) ** 2).sum() + ((np.sqrt(v1) - np.sqrt(v2)) ** 2).sum())


def _two_diagonal_gaussians(seed: int, dim: int):
    """Random means and variances (mu1, mu2, v1, v2) of two diagonal Gaussians in `dim` dims."""
    rng = np.random.default_rng(seed)
    return (
        rng.normal(size=dim),
        rng.normal(size=dim),
        rng.uniform(0.1, 3, dim),
        rng.uniform(0.1, 3, dim),
    )


# ---- grid KL and JS -------------------------------------------------------------------------
BOX = (-3.0, 3.0, -3.0, 3.0)


def test_grid_histogram_counts_cells_by_hand_and_sums_to_one():
    points = torch.tensor([[-2.9, -2.9], [-2.9, -2.9], [2.9, -2.9], [9.0, 9.0]])  # last: clamped
    h = grid_histogram(points, BOX, bins=3, smooth=0, floor=0)
    expected = torch.zeros(3, 3, dtype=torch.float64)
    expected[0, 0], expected[0, 2], expected[2, 2] = 0.5, 0.25, 0.25  # [row = y, column = x]
    assert_close(h, expected)
    smoothed = grid_histogram(points, BOX, bins=16, smooth=1.5)
    assert smoothed.min() > 0 and float(smoothed.sum()) == pytest.approx(1.0)


def test_identical_samples_have_zero_divergence(ring8):
    d = grid_divergence(ring8.x, ring8.x.clone(), BOX)
    assert d == {"kl": 0.0, "js": 0.0}


def test_disjoint_samples_have_js_near_log_2_and_finite_kl():
    a = torch.full((500, 2), -2.0) + 0.05 * torch.randn(
        500, 2, generator=torch.Generator().manual_seed(0)
    )
    b = torch.full((500, 2), 2.0)  # every fake in one cell: the other cells are empty
    d = grid_divergence(a, b, BOX)
    assert d["js"] == pytest.approx(math.log(2), abs=1e-3)
    assert math.isfinite(d["kl"]) and d["kl"] > 5  # large, yet no infinity from empty cells


def test_js_is_symmetric_bounded_and_kl_is_not_symmetric(ring8):
    collapsed = ring8.x[ring8.labels == 0]  # one mode of eight
    ab, ba = grid_divergence(ring8.x, collapsed, BOX), grid_divergence(collapsed, ring8.x, BOX)
    assert ab["js"] == pytest.approx(ba["js"], rel=1e-12)
    assert 0 < ab["js"] < math.log(2)
    # KL(real || one mode) pays for the seven missed modes; KL(one mode || real) does not
    assert ab["kl"] > 2 * ba["kl"]


def test_grid_divergence_matches_scipy_on_the_same_histograms(ring8):
    fake = ring8.x[:3000] * 0.8
    p, q = (grid_histogram(x, BOX, bins=32, smooth=1.0).flatten().numpy() for x in (ring8.x, fake))
    d = grid_divergence(ring8.x, fake, BOX, bins=32, smooth=1.0)
    assert d["kl"] == pytest.approx(scipy.stats.entropy(p, q))
    assert d["js"] == pytest.approx(scipy.spatial.distance.jensenshannon(p, q) ** 2)


def test_a_fresh_sample_of_the_data_is_much_closer_than_a_collapsed_one(ring8):
    fresh = sample_2d("ring8", 2000, seed=1)[0]
    collapsed = ring8.x[ring8.labels < 2][:2000]  # two modes of eight
    near, far = grid_divergence(ring8.x, fresh, BOX), grid_divergence(ring8.x, collapsed, BOX)
    assert near["js"] < 0.05 < 0.3 < far["js"]


def test_grid_divergence_rejects_bad_arguments():
    x = torch.zeros(4, 2)
    with pytest.raises(ValueError, match="points must have shape"):
        grid_divergence(torch.zeros(4, 3), x, BOX)
    with pytest.raises(ValueError, match="bins = 1 is not allowed"):
        grid_divergence(x, x, BOX, bins=1)
    with pytest.raises(ValueError, match="bounds = "):
        grid_divergence(x, x, (1.0, 0.0, 0.0, 1.0))


def test_frechet_distance_diagonal_closed_form():
    mu1, mu2, v1, v2 = _two_diagonal_gaussians(0, 5)
    got = frechet_distance(mu1, np.diag(v1), mu2, np.diag(v2))
    assert_close(got, _fd_diagonal(mu1, v1, mu2, v2), rtol=1e-9, atol=1e-12)


def test_frechet_distance_is_rotation_invariant():
    # Rotating both Gaussians by the same orthogonal Q makes full covariances with a known FD.
    mu1, mu2, v1, v2 = _two_diagonal_gaussians(1, 6)
    q, _ = np.linalg.qr(np.random.default_rng(1).normal(size=(6, 6)))
    got = frechet_distance(q @ mu1, q @ np.diag(v1) @ q.T, q @ mu2, q @ np.diag(v2) @ q.T)
    assert_close(got, _fd_diagonal(mu1, v1, mu2, v2), rtol=1e-7, atol=1e-9)


def test_frechet_distance_singular_identical_and_nan():
    mu = np.array([1.0, 2.0, 3.0])
    # singular covariances (a collapsed generator): sigma1 sigma2 = 0, FD = 1 + 4 by the closed form
    got = frechet_distance(mu, np.diag([1.0, 0, 0]), mu, np.diag([0, 4.0, 0]))
    assert_close(got, 5.0, rtol=1e-7, atol=1e-7)
    s = np.array([[2.0, 0.5, 0], [0.5, 1.0, 0.2], [0, 0.2, 0.5]])
    assert abs(frechet_distance(mu, s, mu, s)) < 1e-8
    assert math.isnan(frechet_distance(mu * np.nan, s, mu, s))
    with pytest.raises(ValueError, match="sigma"):
        frechet_distance(mu, s, mu, s[:2, :2])


# ---- the digit classifier -----------------------------------------------------------------


def test_classifier_is_small_accurate_and_cached(cache):
    model = digit_classifier(16)
    assert digit_classifier(16) is model  # in-process cache: the second call is free
    assert (cache / "digit_classifier_16px_v1.pt").is_file()
    assert sum(p.numel() for p in model.parameters()) < 100_000
    _, _, x_test, y_test = metrics._digit_split(16)
    with torch.no_grad():
        assert model.features(x_test[:7]).shape == (7, 64)
        accuracy = (model(x_test).argmax(1) == y_test).double().mean().item()
    assert accuracy > 0.97
    assert_close(model.heldout_accuracy, accuracy)


def test_classifier_loads_from_file_without_training(cache, monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("the cached file should have been loaded")

    monkeypatch.setattr(metrics, "_train_classifier", fail)
    loaded = metrics._load_or_train(16, cache / "digit_classifier_16px_v1.pt")
    for name, value in digit_classifier(16).state_dict().items():
        assert torch.equal(loaded.state_dict()[name], value), name


def test_corrupt_cache_file_is_retrained(tmp_path, monkeypatch):
    path = tmp_path / "digit_classifier_16px_v1.pt"
    path.write_bytes(b"not a checkpoint")
    calls = []
    # a stand-in for training (seconds) that records the call: the file logic is under test
    monkeypatch.setattr(
        metrics, "_train_classifier", lambda size: calls.append(size) or DigitClassifier()
    )
    with pytest.warns(UserWarning, match="retraining"):
        metrics._load_or_train(16, path)
    assert calls == [16]
    assert set(torch.load(path, weights_only=True)) == {
        "state_dict",
        "image_size",
        "heldout_accuracy",
    }
    assert not list(tmp_path.glob("*.tmp"))  # the atomic write left no temp file behind


def test_default_cache_dir_follows_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("GANLAB_CACHE", str(tmp_path / "a"))
    assert metrics.default_cache_dir() == tmp_path / "a"
    monkeypatch.delenv("GANLAB_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert metrics.default_cache_dir() == tmp_path / "xdg" / "ganlab"


def test_classifier_rejects_unknown_size():
    with pytest.raises(ValueError, match="image_size"):
        digit_classifier(20)


# ---- digit metrics ------------------------------------------------------------------------


def _halves(digits: Dataset) -> tuple[torch.Tensor, torch.Tensor]:
    perm = torch.randperm(len(digits), generator=torch.Generator().manual_seed(0))
    return digits.x[perm[: len(perm) // 2]], digits.x[perm[len(perm) // 2 :]]


def test_real_digits_score_near_perfectly(cache, digits):
    a, b = _halves(digits)
    out = digit_metrics(a, b)
    assert out["fd"] < 20
    assert (out["classes_covered"], out["n_classes"]) == (10, 10)
    assert out["label_kl"] < 0.05 and out["confidence"] > 0.95


def test_collapsed_digits_score_badly(cache, digits):
    half, real = _halves(digits)
    real_fd = digit_metrics(half, real)["fd"]
    out = digit_metrics(digits.x[digits.labels == 3], real)
    assert out["classes_covered"] == 1
    assert out["label_kl"] > 2.0  # log 10 = 2.30 when every sample is one class
    assert out["fd"] > 500 and out["fd"] > 30 * real_fd


def test_noise_images_get_a_large_fd(cache, digits):
    noise = torch.rand(900, 1, 16, 16, generator=torch.Generator().manual_seed(0)) * 2 - 1
    assert digit_metrics(noise, digits.x)["fd"] > 500


# ---- evaluate: the right family, flat Python numbers ----------------------------------------


COUNTS = ("modes_covered", "n_modes", "classes_covered", "n_classes")  # ints; the rest floats


def test_evaluate_picks_the_family_and_returns_python_numbers(cache, ring8, digits):
    two_d = evaluate(ring8, ring8.x[:500])
    images = evaluate(digits, digits.x[:500])
    # Another image set (here the digits posing as an unlabelled folder): pixel-space MMD² only.
    folder = Dataset("folder", digits.x, None, 0, None, None)
    half, _ = _halves(digits)
    other = evaluate(folder, half)
    noise = evaluate(
        folder, torch.rand(900, 1, 16, 16, generator=torch.Generator().manual_seed(0)) * 2 - 1
    )
    assert set(two_d) == {"modes_covered", "n_modes", "high_quality", "mmd", "energy"}
    assert set(images) == {"fd", "classes_covered", "n_classes", "label_kl", "confidence"}
    assert set(other) == {"mmd"}
    assert noise["mmd"] > 10 * other["mmd"]  # rough, but it still tells noise from digits
    for out in (two_d, images, other):
        for key, value in out.items():
            assert type(value) is (int if key in COUNTS else float), key


def test_evaluate_rejects_samples_of_the_wrong_shape(ring8):
    with pytest.raises(ValueError, match="samples"):
        evaluate(ring8, torch.zeros(10, 3))


@pytest.mark.parametrize(
    ("scores", "bar", "met"),
    [
        ({"modes_covered": 8, "n_modes": 8, "high_quality": 0.91}, "2-D", True),
        ({"modes_covered": 8, "n_modes": 8, "high_quality": 0.89}, "2-D", False),
        ({"modes_covered": 7, "n_modes": 8, "high_quality": 0.99}, "2-D", False),
        ({"classes_covered": 10, "n_classes": 10, "fd": 24.0}, "digits", True),
        ({"classes_covered": 10, "n_classes": 10, "fd": 26.0}, "digits", False),
        ({"classes_covered": 9, "n_classes": 10, "fd": 5.0}, "digits", False),
        ({"mmd": 0.01}, None, False),
    ],
)
def test_quality_bars(scores, bar, met):
    assert metrics.quality_bar(scores) == bar
    assert metrics.meets_bar(scores) is met
