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
    kernel_distance,
    mmd,
    mode_coverage,
    polynomial_mmd2,
    precision_recall,
)


@pytest.fixture(scope="session")
def cache(tmp_path_factory):
    """Train the 16 px classifier once per session, into a temporary cache folder."""
    folder = tmp_path_factory.mktemp("ganlab_cache")
    with pytest.MonkeyPatch.context() as mp:  # never write to the user's ~/.cache in tests
        mp.setenv("GANLAB_CACHE", str(folder))
        digit_classifier(16, cache_dir=folder)
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


# ---- KID: the unbiased polynomial-kernel MMD² ----------------------------------------------


def _mmd2_by_loops(x: np.ndarray, y: np.ndarray) -> float:
    """The U-statistic written out term by term, the O(n²) definition."""
    dim = x.shape[1]

    def k(a, b):
        return (a @ b / dim + 1) ** 3

    n, m = len(x), len(y)
    xx = sum(k(x[i], x[j]) for i in range(n) for j in range(n) if i != j) / (n * (n - 1))
    yy = sum(k(y[i], y[j]) for i in range(m) for j in range(m) if i != j) / (m * (m - 1))
    xy = sum(k(x[i], y[j]) for i in range(n) for j in range(m)) / (n * m)
    return xx + yy - 2 * xy


def test_polynomial_mmd2_matches_the_direct_formula():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(6, 3)), rng.normal(0.5, 1.0, size=(5, 3))  # unequal sizes
    assert_close(polynomial_mmd2(x, y), _mmd2_by_loops(x, y), rtol=1e-12, atol=1e-12)
    assert_close(polynomial_mmd2(torch.tensor(x), y), polynomial_mmd2(x, y))  # numpy or torch


def test_kid_of_a_set_against_itself_is_unbiased_not_zero():
    # Same set twice: the diagonal is dropped from k_xx and k_yy but not from k_xy, so the
    # value is -2 (mean of the diagonal - mean of the rest) / (n - 1): slightly negative.
    x = np.random.default_rng(1).normal(size=(200, 8))
    kxx = (x @ x.T / 8 + 1) ** 3
    off = (kxx.sum() - np.trace(kxx)) / (200 * 199)
    expected = 2 * off - 2 * kxx.mean()
    got = polynomial_mmd2(x, x)
    assert_close(got, expected, rtol=1e-9, atol=1e-12)
    assert -0.2 < got < 0  # ~ -2 (8 - 1) / 199: small next to a mean shift of 0.5 (~0.3)


def test_kid_is_about_zero_on_average_for_one_distribution():
    # Unbiased: over 30 pairs of independent draws the mean is ~0 (std of the mean ~0.002),
    # and some draws are negative; a biased estimate (the V-statistic) would stay > 0.
    rng = np.random.default_rng(2)
    values = [
        polynomial_mmd2(rng.normal(size=(100, 4)), rng.normal(size=(100, 4))) for _ in range(30)
    ]
    assert abs(np.mean(values)) < 0.01
    assert min(values) < 0 < max(values)


def test_kid_grows_with_a_mean_shift():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(300, 4))
    kids = [kernel_distance(x, rng.normal(size=(300, 4)) + shift) for shift in (0.0, 0.5, 1.0, 2.0)]
    assert kids == sorted(kids), kids
    assert kids[0] < 0.05 < 0.3 < kids[-1]


def test_kid_averages_over_subsets_and_rejects_bad_sizes():
    rng = np.random.default_rng(4)
    x, y = rng.normal(size=(50, 3)), rng.normal(1.0, 1.0, size=(60, 3))
    assert_close(kernel_distance(x, y, subset_size=60), polynomial_mmd2(x, y))  # all of both
    gen = torch.Generator().manual_seed(7)
    by_hand = np.mean(
        [
            polynomial_mmd2(
                torch.tensor(x)[torch.randperm(50, generator=gen)[:20]],
                torch.tensor(y)[torch.randperm(60, generator=gen)[:20]],
            )
            for _ in range(5)
        ]
    )
    assert_close(kernel_distance(x, y, subset_size=20, n_subsets=5, seed=7), float(by_hand))
    with pytest.raises(ValueError, match="subset_size"):
        kernel_distance(x, y, subset_size=1)
    with pytest.raises(ValueError, match="equal F"):
        polynomial_mmd2(x, y[:, :2])


# ---- precision and recall --------------------------------------------------------------------


def test_precision_recall_by_hand_on_a_line():
    # real points 0, 1, 2, 3: with k = 1 every real ball has radius 1, so the real manifold
    # is [-1, 4]. fakes 0.5, 10, 10.5: only 0.5 is inside (precision 1/3); the fake balls
    # (radius 0.5 for 10 and 10.5, 9.5 for 0.5) reach the real points 0, 1, 2, 3 from 0.5.
    real = torch.tensor([[0.0], [1.0], [2.0], [3.0]])
    fake = torch.tensor([[0.5], [10.0], [10.5]])
    p, r = precision_recall(real, fake, k=1)
    assert_close(p, 1 / 3)
    assert_close(r, 1.0)
    # two tight pairs of fakes (radii 0.1 and 0.2): precision 2/4, and no real point inside
    p, r = precision_recall(real, torch.tensor([[0.5], [0.6], [30.0], [30.2]]), k=1)
    assert_close((p, r), (0.5, 0.0))


def test_precision_recall_see_collapse_and_noise(ring8):
    real, fresh = ring8.x[:2000], sample_2d("ring8", 2000, seed=5)[0]
    collapsed = ring8.centres[0] + 0.05 * torch.randn(
        2000, 2, generator=torch.Generator().manual_seed(1)
    )
    noisy = fresh + 0.3 * torch.randn(2000, 2, generator=torch.Generator().manual_seed(2))
    p, r = precision_recall(real, fresh)
    assert p > 0.9 and r > 0.9
    p, r = precision_recall(real, collapsed)
    assert p > 0.9 and r < 0.2
    p, r = precision_recall(real, noisy)
    assert p < 0.5 and r > 0.8
    with pytest.raises(ValueError, match="k >= 1"):
        precision_recall(real[:3], fresh[:3], k=3)


# ---- the digit classifier -----------------------------------------------------------------


def test_classifier_is_small_accurate_and_cached(cache):
    model = digit_classifier(16, cache_dir=cache)
    assert digit_classifier(16, cache_dir=cache) is model  # in-process: the second call is free
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
    for name, value in digit_classifier(16, cache_dir=cache).state_dict().items():
        assert torch.equal(loaded.state_dict()[name], value), name


@pytest.mark.parametrize("size", metrics.CLASSIFIER_SIZES)
def test_the_shipped_classifier_is_used_by_default_and_never_trained(size, monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("the shipped weights should have been loaded")

    monkeypatch.setattr(metrics, "_train_classifier", fail)
    path = metrics.SHIPPED_WEIGHTS / f"digit_classifier_{size}px_v1.pt"
    shipped = metrics._load_or_train(size, path)
    for name, value in digit_classifier(size).state_dict().items():
        assert torch.equal(shipped.state_dict()[name], value), name
    assert shipped.heldout_accuracy > 0.95  # 16 px: 0.99, 32 px: 0.98, 64 px: 0.96


def test_the_shipped_classifier_is_what_training_makes(cache):
    """Retrained here (the `cache` fixture), the 16 px classifier matches the shipped one:
    bit for bit on the machine that wrote it, within a little on another CPU."""
    trained, shipped = digit_classifier(16, cache_dir=cache), digit_classifier(16)
    _, _, x_test, y_test = metrics._digit_split(16)
    with torch.no_grad():
        agree = (trained(x_test).argmax(1) == shipped(x_test).argmax(1)).double().mean()
    assert agree > 0.98
    assert abs(trained.heldout_accuracy - shipped.heldout_accuracy) < 0.015


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


def test_the_kept_real_statistics_follow_the_classifiers_weights():
    """The real digits' statistics are kept per classifier; a classifier changed in place
    must not be compared with the statistics of its old weights."""
    digits = load("digits")
    model = DigitClassifier().eval().requires_grad_(False)  # random weights, not the cached one
    digit_metrics(digits.x[:300], digits.x, classifier=model)
    with torch.no_grad():
        for p in model.parameters():
            p.mul_(1.5)
    kept = digit_metrics(digits.x[:300], digits.x, classifier=model)["fd"]
    metrics._REAL_STATISTICS.clear()
    assert kept == digit_metrics(digits.x[:300], digits.x, classifier=model)["fd"]


def test_the_kept_real_statistics_tell_mirrored_references_apart(cache):
    """Mirrored digits have the same pixel sums as the originals, but not the same
    features: each reference gets its own statistics."""
    digits = load("digits")
    model = digit_classifier(16, cache_dir=cache)
    samples, real = digits.x[:300], digits.x[300:900]
    upright = digit_metrics(samples, real, classifier=model)["fd"]
    mirrored = digit_metrics(samples, real.flip(3), classifier=model)["fd"]
    metrics._REAL_STATISTICS.clear()
    assert mirrored == digit_metrics(samples, real.flip(3), classifier=model)["fd"]
    assert mirrored > upright  # the samples are upright digits


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


def test_scores_with_standard_errors_must_clear_their_bar_by_two_of_them():
    scores = {"modes_covered": 8, "n_modes": 8, "high_quality": 0.903}
    assert metrics.meets_bar(scores)  # on this sample
    se = math.sqrt(0.903 * 0.097 / 10_000)  # 0.003: 0.903 is within two of the bar
    assert not metrics.meets_bar({**scores, "high_quality_se": se})
    assert metrics.meets_bar({**scores, "high_quality": 0.907, "high_quality_se": se})
    digits = {"classes_covered": 10, "n_classes": 10, "fd": 24.0}
    assert metrics.meets_bar(digits)
    assert not metrics.meets_bar({**digits, "fd_se": 0.6})  # 24 + 2 x 0.6 > 25
    assert metrics.meets_bar({**digits, "fd_se": 0.4})


def test_evaluate_with_errors_adds_the_bars_standard_errors(ring8):
    samples = ring8.x[:2000]
    plain, with_errors = evaluate(ring8, samples), evaluate(ring8, samples, errors=True)
    assert with_errors == {
        **plain,
        "high_quality_se": pytest.approx(with_errors["high_quality_se"]),
    }
    p = plain["high_quality"]
    assert_close(with_errors["high_quality_se"], math.sqrt(p * (1 - p) / 2000))
    digits = load("digits")
    noise = 0.3 * torch.randn(digits.x.shape, generator=torch.Generator().manual_seed(0))
    fake = digits.x + noise  # (1797, 1, 16, 16): blurred digits
    scores = evaluate(digits, fake, errors=True)
    fewer = evaluate(digits, fake[:450], errors=True)
    assert 0 < scores["fd_se"] < 0.75 * fewer["fd_se"]  # the spread shrinks with N (~1/sqrt N)
    assert set(scores) - set(evaluate(digits, fake)) == {"fd_se"}
