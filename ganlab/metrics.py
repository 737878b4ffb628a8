"""Offline metrics: how good are a generator's samples, without downloads or a GPU.

Two families, chosen by `evaluate` from the dataset:

- 2-D sets (known mode centres): modes covered, share of high-quality samples, and a
  kernel distance (MMD²) to the data; KL and JS divergence on a grid (what the
  dashboard charts live).
- digits: a small CNN trained on scikit-learn's bundled digits, its weights shipped in
  ganlab/weights/ (so every machine measures with the same net, and nobody waits for it
  to train). Its penultimate layer gives a Fréchet distance ("FID" on a digit
  feature space); its predictions give class coverage and the KL of the predicted-label
  histogram from uniform (mode collapse shows up as few classes and a large KL).
"""

from __future__ import annotations

import functools
import hashlib
import math
import os
import tempfile
import warnings
import weakref
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ganlab.checks import check_int, check_interval, check_non_negative
from ganlab.data import Dataset, load
from ganlab.runtime import seeded

CLASSIFIER_SIZES: tuple[int, ...] = (16, 32, 64)
_CACHE_VERSION = "v1"  # bump when the classifier or its training changes: old files are ignored
# The classifiers' weights as `_train_classifier` made them (python -m ganlab.metrics
# writes them again): the same features, hence the same Fréchet distances, on every machine.
SHIPPED_WEIGHTS = Path(__file__).parent / "weights"


# ---------------------------------------------------------------- 2-D: coverage and quality
def mode_coverage(
    samples: Tensor, centres: Tensor, spread: float, min_share: float = 0.01
) -> dict[str, float | int]:
    """Modes covered and share of high-quality samples.

    samples (N, 2), centres (M, 2). A sample is high quality when it lies within
    3*spread of its nearest centre; a mode is covered when at least min_share * N of
    the samples lie within 3*spread of its centre.
    Returns {"modes_covered": int, "n_modes": M, "high_quality": share in [0, 1]}.
    """
    if samples.ndim != 2 or samples.shape[1] != 2 or len(samples) == 0:
        raise ValueError(f"samples must have shape (N, 2) with N > 0, got {tuple(samples.shape)}")
    if centres.ndim != 2 or centres.shape[1] != 2:
        raise ValueError(f"centres must have shape (M, 2), got {tuple(centres.shape)}")
    if not spread > 0:
        raise ValueError(f"spread must be > 0, got {spread}")
    if not 0 < min_share <= 1:
        raise ValueError(f"min_share must be in (0, 1], got {min_share}")
    x, c = samples.detach().double().cpu(), centres.detach().double().cpu()
    dist, nearest = torch.cdist(x, c).min(dim=1)  # (N,), (N,)
    good = dist <= 3 * spread  # NaN samples compare False: a diverged G scores 0
    counts = torch.bincount(nearest[good], minlength=len(c))  # (M,)
    return {
        "modes_covered": int((counts >= min_share * len(x)).sum()),
        "n_modes": len(c),
        "high_quality": float(good.double().mean()),
    }


# ---------------------------------------------------------------- sample distances
def _subsample(x: Tensor, max_samples: int) -> Tensor:
    """(N, ...) -> (min(N, max_samples), d) float64, flattened; fixed seed keeps it repeatable."""
    x = x.detach().double().cpu().flatten(1)
    if len(x) > max_samples:
        idx = torch.randperm(len(x), generator=torch.Generator().manual_seed(0))[:max_samples]
        x = x[idx]
    return x


def mmd(
    x: Tensor,
    y: Tensor,
    bandwidths: Sequence[float] | None = None,
    unbiased: bool = False,
    max_samples: int = 1000,
) -> float:
    """Squared maximum mean discrepancy MMD² between samples x (N, ...) and y (M, ...).

    k(a, b) = mean_h exp(-||a - b||² / (2 h²)), a Gaussian kernel averaged over bandwidths h.
    MMD² = E k(x, x') + E k(y, y') - 2 E k(x, y).
    Biased by default (V-statistic: the diagonals k(x, x) = 1 are kept), which is >= 0
    and is exactly MMD² between the two empirical distributions; unbiased=True drops the
    diagonals (U-statistic), which is ~0 on average for equal distributions but can be < 0.
    bandwidths=None uses (1/16, 1/8, 1/4, 1/2, 1, 2) x the median pairwise distance of y: the
    scale follows the reference data (and stays fixed while x changes), and the small
    bandwidths see mode-sized structure (ring8: median 2.8, spread 0.05).
    At most `max_samples` of each set are used (a fixed random subset).
    """
    x, y = _subsample(x, max_samples), _subsample(y, max_samples)
    if x.shape[1] != y.shape[1] or len(x) < 2 or len(y) < 2:
        raise ValueError(
            f"x and y must be (N, d) with equal d and N >= 2, got {x.shape}, {y.shape}"
        )
    if bandwidths is None:
        d_yy = torch.cdist(y, y)
        med = d_yy[torch.triu_indices(len(y), len(y), offset=1).unbind()].median().item()
        bandwidths = [med * s for s in (1 / 16, 1 / 8, 1 / 4, 1 / 2, 1, 2)]
    if not bandwidths or min(bandwidths) <= 0:
        raise ValueError(f"bandwidths must be positive numbers, got {bandwidths}")

    coefs = [-0.5 / h**2 for h in bandwidths]
    k_xx, k_yy, k_xy = (_kernel_sum(a, b, coefs) for a, b in ((x, x), (y, y), (x, y)))
    n, m = len(x), len(y)
    if unbiased:  # drop the i == j terms, k(x_i, x_i) = 1
        e_xx, e_yy = (k_xx - n) / (n * (n - 1)), (k_yy - m) / (m * (m - 1))
    else:
        e_xx, e_yy = k_xx / n**2, k_yy / m**2
    return float(e_xx + e_yy - 2 * k_xy / (n * m))


def _kernel_sum(a: Tensor, b: Tensor, coefs: list[float], rows: int = 128) -> Tensor:
    """sum_ij k(a_i, b_j), k = the mean over bandwidths of exp(coef * ||a_i - b_j||²).

    A block of rows at a time: a block's distances stay in the CPU's cache, where whole
    1000 x 1000 matrices did not (4x faster, the same sums)."""
    total = torch.zeros((), dtype=a.dtype)
    for start in range(0, len(a), rows):
        d2 = torch.cdist(a[start : start + rows], b).square_()
        for c in coefs:
            total += torch.exp(d2 * c).sum()
    return total / len(coefs)


def energy_distance(x: Tensor, y: Tensor, max_samples: int = 1000) -> float:
    """Energy distance sqrt(2 E||X - Y|| - E||X - X'|| - E||Y - Y'||) between x (N, ...) and y (M, ...).

    Computed on the empirical distributions (V-statistic), so it is >= 0, zero only for
    identical sample sets, and in 1-D equals scipy.stats.energy_distance.
    """
    x, y = _subsample(x, max_samples), _subsample(y, max_samples)
    if x.shape[1] != y.shape[1]:
        raise ValueError(f"x and y must have the same feature size, got {x.shape}, {y.shape}")
    e2 = 2 * torch.cdist(x, y).mean() - torch.cdist(x, x).mean() - torch.cdist(y, y).mean()
    return math.sqrt(max(float(e2), 0.0))  # round-off can give -1e-17


# ---------------------------------------------------------------- grid KL and JS (2-D)
Bounds = tuple[float, float, float, float]  # (x0, x1, y0, y1), as viz.data_bounds gives


def grid_histogram(
    points: Tensor, bounds: Bounds, bins: int = 64, smooth: float = 1.0, floor: float = 1e-6
) -> Tensor:
    """points (N, 2) as a smoothed probability grid (bins, bins) over `bounds`; sums to 1.

    Counted in the cells of a bins x bins grid (points outside are clamped to the edge
    cells), blurred by a Gaussian of `smooth` cells (so two samples of one distribution
    do not differ just because they hit different cells), then mixed with a uniform share
    `floor`: no cell is empty, so KL and JS stay finite.
    """
    if points.ndim != 2 or points.shape[1] != 2 or len(points) == 0:
        raise ValueError(f"points must have shape (N, 2) with N > 0, got {tuple(points.shape)}")
    check_int("bins", bins, minimum=2)
    check_non_negative("smooth", smooth)
    check_interval("floor", floor, 0, 1)
    x0, x1, y0, y1 = bounds
    if not (x1 > x0 and y1 > y0):
        raise ValueError(
            f"bounds = {bounds!r} is not allowed: it must be (x0, x1, y0, y1), x0 < x1, y0 < y1"
        )
    p = points.detach().double().cpu()
    col = ((p[:, 0] - x0) / (x1 - x0) * bins).floor().clamp(0, bins - 1).long()
    row = ((p[:, 1] - y0) / (y1 - y0) * bins).floor().clamp(0, bins - 1).long()
    hist = torch.bincount(row * bins + col, minlength=bins * bins).double().reshape(bins, bins)
    if smooth > 0:  # separable Gaussian blur, rows then columns; mass past the edge is lost
        r = max(1, math.ceil(3 * smooth))
        k = torch.exp(-0.5 * (torch.arange(-r, r + 1, dtype=torch.float64) / smooth) ** 2)
        k = (k / k.sum()).view(1, 1, -1)
        hist = F.conv1d(hist.reshape(-1, 1, bins), k, padding=r).reshape(bins, bins)  # along x
        hist = F.conv1d(hist.T.reshape(-1, 1, bins), k, padding=r).reshape(bins, bins).T  # y
    hist = hist / hist.sum()
    return (1 - floor) * hist + floor / hist.numel()


def grid_divergence(
    real: Tensor, fake: Tensor, bounds: Bounds, bins: int = 64, smooth: float = 1.0
) -> dict[str, float]:
    """KL and JS divergence between real (N, 2) and fake (M, 2) samples, on a grid.

    P, Q = grid_histogram of real and of fake (GAN Lab's picture of the two densities).
    kl = KL(P || Q) = sum P log(P / Q): large where real data has mass that G misses.
    js = (KL(P || M) + KL(Q || M)) / 2 with M = (P + Q) / 2: symmetric, in [0, log 2];
    log 2 = 0.693 when the two do not overlap at all, the value the original GAN's D
    pushes G towards (Goodfellow et al. 2014, Theorem 1). Natural log, in nats.
    """
    p = grid_histogram(real, bounds, bins, smooth)
    q = grid_histogram(fake, bounds, bins, smooth)
    m = (p + q) / 2

    def kl(a: Tensor, b: Tensor) -> float:
        return float((a * (a / b).log()).sum().clamp(min=0))  # >= 0; round-off gives -1e-17

    return {"kl": kl(p, q), "js": (kl(p, m) + kl(q, m)) / 2}


# ---------------------------------------------------------------- Fréchet distance
def frechet_distance(
    mu1: np.ndarray, sigma1: np.ndarray, mu2: np.ndarray, sigma2: np.ndarray, eps: float = 1e-6
) -> float:
    """Fréchet (2-Wasserstein) distance² between N(mu1, sigma1) and N(mu2, sigma2).

    FD = ||mu1 - mu2||² + Tr(sigma1 + sigma2 - 2 (sigma1 sigma2)^(1/2)); mu (F,), sigma (F, F).
    sqrtm of a product of PSD matrices is real in exact arithmetic: round-off imaginary
    parts are dropped; if sqrtm fails (singular product), eps is added to both diagonals.
    """
    mu1, mu2 = (
        np.atleast_1d(np.asarray(mu1, np.float64)),
        np.atleast_1d(np.asarray(mu2, np.float64)),
    )
    s1, s2 = (
        np.atleast_2d(np.asarray(sigma1, np.float64)),
        np.atleast_2d(np.asarray(sigma2, np.float64)),
    )
    if mu1.shape != mu2.shape or s1.shape != s2.shape or s1.shape != (len(mu1), len(mu1)):
        raise ValueError(
            f"need mu (F,) and sigma (F, F), got {mu1.shape}, {s1.shape}, {mu2.shape}, {s2.shape}"
        )
    if not all(np.isfinite(a).all() for a in (mu1, mu2, s1, s2)):
        return float("nan")  # a diverged generator (NaN samples) has no distance
    import scipy.linalg  # here: a 2-D run never needs its 0.3 s import

    with warnings.catch_warnings():  # singular products warn; we check the result instead
        warnings.simplefilter("ignore", scipy.linalg.LinAlgWarning)
        covmean = scipy.linalg.sqrtm(s1 @ s2)
        if not np.isfinite(covmean).all():
            offset = eps * np.eye(len(s1))
            covmean = scipy.linalg.sqrtm((s1 + offset) @ (s2 + offset))
    covmean = np.real(covmean)
    diff = mu1 - mu2
    fd = diff @ diff + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean)
    return max(float(fd), 0.0)  # round-off can give a tiny negative number


# ---------------------------------------------------------------- kernel distance (KID)
def _as_features(x: np.ndarray | Tensor) -> Tensor:
    """(N, F) features, numpy or torch -> a float64 CPU tensor; (N, ...) inputs are flattened."""
    x = torch.as_tensor(x).detach().double().cpu()
    return x.flatten(1) if x.ndim > 1 else x[:, None]


def polynomial_mmd2(x: np.ndarray | Tensor, y: np.ndarray | Tensor) -> float:
    """Unbiased MMD² between feature sets x (N, F) and y (M, F) with KID's cubic kernel.

    k(a, b) = (a·b / F + 1)^3. The U-statistic drops the i == j terms:
    sum_{i != j} k(x_i, x_j) / (N(N-1)) + sum_{i != j} k(y_i, y_j) / (M(M-1))
    - 2 sum_{i, j} k(x_i, y_j) / (NM). Its mean over draws is the true MMD², so it is ~0 for
    two samples of one distribution and can be slightly negative.
    """
    x, y = _as_features(x), _as_features(y)
    if x.shape[1] != y.shape[1] or len(x) < 2 or len(y) < 2:
        raise ValueError(
            f"x and y must be (N, F) with equal F and N >= 2, got {tuple(x.shape)}, {tuple(y.shape)}"
        )
    n, m, dim = len(x), len(y), x.shape[1]

    def k(a: Tensor, b: Tensor) -> Tensor:  # (n, F), (m, F) -> (n, m)
        return (a @ b.T / dim + 1) ** 3

    k_xx, k_yy = k(x, x), k(y, y)
    e_xx = (k_xx.sum() - k_xx.diagonal().sum()) / (n * (n - 1))
    e_yy = (k_yy.sum() - k_yy.diagonal().sum()) / (m * (m - 1))
    return float(e_xx + e_yy - 2 * k(x, y).mean())


def kernel_distance(
    x: np.ndarray | Tensor,
    y: np.ndarray | Tensor,
    subset_size: int = 1000,
    n_subsets: int = 100,
    seed: int = 0,
) -> float:
    """KID (Bińkowski et al. 2018): polynomial_mmd2 of features x (N, F) and y (M, F),
    averaged over `n_subsets` random subsets of min(subset_size, N, M) from each set.

    Unlike FD it has no bias that shrinks with the sample size: its expectation is the same
    for every subset size. When both sets fit in one subset it is computed once on all of
    them, whatever their sizes (subsets would only discard data). Subsets come from a fixed
    seed: repeatable.
    """
    x, y = _as_features(x), _as_features(y)
    if subset_size < 2 or n_subsets < 1:
        raise ValueError(
            f"subset_size must be >= 2 and n_subsets >= 1, got {subset_size}, {n_subsets}"
        )
    if len(x) <= subset_size and len(y) <= subset_size:  # one subset holds both: use all
        return polynomial_mmd2(x, y)
    size = min(subset_size, len(x), len(y))
    gen = torch.Generator().manual_seed(seed)
    values = [
        polynomial_mmd2(
            x[torch.randperm(len(x), generator=gen)[:size]],
            y[torch.randperm(len(y), generator=gen)[:size]],
        )
        for _ in range(n_subsets)
    ]
    return float(np.mean(values))


# ---------------------------------------------------------------- precision and recall
def _knn_radius(x: Tensor, k: int) -> Tensor:
    """(N, F) -> (N,): distance from each point to its k-th nearest *other* point."""
    return torch.cdist(x, x).kthvalue(k + 1, dim=1).values  # value 1 is the point itself (0)


def precision_recall(
    real: np.ndarray | Tensor, fake: np.ndarray | Tensor, k: int = 3
) -> tuple[float, float]:
    """k-NN precision and recall (Kynkäänniemi et al. 2019) of fake (N, F) against real (M, F).

    Each set's manifold is the union of balls around its points, each reaching to the point's
    k-th nearest neighbour in the same set. precision: share of fakes inside the real manifold
    (quality); recall: share of real points inside the fake manifold (diversity).
    O(N M) memory: meant for a few thousand points.
    """
    real, fake = _as_features(real), _as_features(fake)
    if real.shape[1] != fake.shape[1] or min(len(real), len(fake)) <= k or k < 1:
        raise ValueError(
            f"need (N, F) sets with equal F and more than k >= 1 points each, got "
            f"{tuple(real.shape)}, {tuple(fake.shape)}, k = {k}"
        )
    d = torch.cdist(fake, real)  # (N, M) fake-to-real distances
    precision = (d <= _knn_radius(real, k)[None, :]).any(1).double().mean()
    recall = (d.T <= _knn_radius(fake, k)[None, :]).any(1).double().mean()
    return float(precision), float(recall)


# ---------------------------------------------------------------- the digit classifier
class DigitClassifier(nn.Module):
    """A small CNN for 1-channel digits of any size >= 8 px in [-1, 1]; ~85k parameters."""

    def __init__(self, width: int = 32, n_features: int = 64, n_classes: int = 10) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(1, width, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # (B, w, H/2, W/2)
            nn.Conv2d(width, 2 * width, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # (B, 2w, H/4, W/4)
            nn.AdaptiveAvgPool2d(4), nn.Flatten(),  # (B, 2w*16): same size for 16, 32, 64 px
            nn.Linear(2 * width * 16, n_features), nn.ReLU(),  # (B, F)
        )  # fmt: skip
        self.head = nn.Linear(n_features, n_classes)
        self.heldout_accuracy = float("nan")  # set after training (or loading)

    def features(self, x: Tensor) -> Tensor:
        """(B, 1, H, W) -> (B, F) penultimate-layer activations, the Fréchet feature space."""
        return self.body(x)

    def forward(self, x: Tensor) -> Tensor:
        """(B, 1, H, W) -> (B, 10) class logits."""
        return self.head(self.features(x))


def _digits(image_size: int) -> tuple[Tensor, Tensor]:
    """sklearn's digits exactly as training sees them: x (1797, 1, S, S) in [-1, 1], labels (1797,)."""
    data = load("digits", image_size=image_size)
    return data.x, data.labels


def _digit_split(image_size: int, heldout: float = 0.2) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """A fixed (seed 0) train / held-out split: x_train, y_train, x_test, y_test."""
    x, y = _digits(image_size)
    perm = torch.randperm(len(x), generator=torch.Generator().manual_seed(0))
    n_test = int(heldout * len(x))
    test, train = perm[:n_test], perm[n_test:]
    return x[train], y[train], x[test], y[test]


@torch.no_grad()
def _accuracy(model: nn.Module, x: Tensor, y: Tensor) -> float:
    return float((model(x).argmax(1) == y).double().mean())


def _fit(model: DigitClassifier, x: Tensor, y: Tensor, epochs: int, seed: int) -> None:
    """Cross-entropy training with Adam and a fixed batch order: same seed, same classifier."""
    gen = torch.Generator().manual_seed(seed)
    batches = [i for _ in range(epochs) for i in torch.randperm(len(x), generator=gen).split(64)]
    opt = torch.optim.Adam(model.parameters(), lr=5e-3)
    # one-cycle (warm up, then anneal) reaches ~99% in a few epochs where a constant lr stalls ~95%
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=5e-3, total_steps=len(batches))
    model.train()
    for idx in batches:
        loss = F.cross_entropy(model(x[idx]), y[idx])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
    model.eval()


def _train_classifier(image_size: int, epochs: int = 8, seed: int = 0) -> DigitClassifier:
    """A DigitClassifier trained on the fixed training split; ~3 s at 16 px on one CPU core."""
    x_tr, y_tr, x_te, y_te = _digit_split(image_size)
    with seeded(seed, torch.device("cpu")):  # the init from the seed; the caller's RNG kept
        model = DigitClassifier()
    threads = torch.get_num_threads()
    # Tiny convolutions: thread hand-offs cost more than they save. Measured on a busy
    # 2-core machine, 2 threads took 17-44 s where 1 thread took 4-5 s.
    torch.set_num_threads(1)
    try:
        _fit(model, x_tr, y_tr, epochs, seed)
    finally:
        torch.set_num_threads(threads)
    model.heldout_accuracy = _accuracy(model, x_te, y_te)
    return model


def default_cache_dir() -> Path:
    """ganlab's cache folder: $GANLAB_CACHE, else $XDG_CACHE_HOME/ganlab, else ~/.cache/ganlab."""
    if os.environ.get("GANLAB_CACHE"):
        return Path(os.environ["GANLAB_CACHE"]).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(xdg).expanduser() / "ganlab"


def _save(model: DigitClassifier, path: Path, image_size: int) -> None:
    """Write atomically (temp file in the same folder, then os.replace): never a half file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "state_dict": model.state_dict(),
        "image_size": image_size,
        "heldout_accuracy": model.heldout_accuracy,
    }
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            torch.save(payload, f)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def _load(path: Path, image_size: int) -> DigitClassifier:
    payload = torch.load(path, map_location="cpu", weights_only=True)
    if payload["image_size"] != image_size:
        raise ValueError(f"{path} holds a {payload['image_size']} px classifier")
    model = DigitClassifier()
    model.load_state_dict(payload["state_dict"])
    model.heldout_accuracy = float(payload["heldout_accuracy"])
    return model


def _load_or_train(image_size: int, path: Path) -> DigitClassifier:
    if path.exists():
        try:
            return _load(path, image_size)
        except Exception as e:  # any unreadable cache (truncated, corrupt, old) is rebuilt
            warnings.warn(
                f"retraining the digit classifier: cannot read {path} ({e})", stacklevel=3
            )
    model = _train_classifier(image_size)
    try:
        _save(model, path, image_size)
    except OSError as e:  # a read-only home still gets its metrics, just not the cache
        warnings.warn(f"could not cache the digit classifier at {path}: {e}", stacklevel=3)
    return model


@functools.cache
def _cached_classifier(image_size: int, path: str) -> DigitClassifier:
    # shared by every caller in this process: frozen so nobody trains it by accident
    model = _load_or_train(image_size, Path(path)).eval().requires_grad_(False)
    return model.to(memory_format=torch.channels_last)  # see _features_and_probs


def _weights_name(image_size: int) -> str:
    """The file the classifier's weights live in, shipped or cached."""
    return f"digit_classifier_{image_size}px_{_CACHE_VERSION}.pt"


def digit_classifier(image_size: int = 16, cache_dir: str | Path | None = None) -> DigitClassifier:
    """The digit classifier for `image_size` px: loaded, or trained once and then loaded.

    Trained deterministically (seed 0, fixed batch order) on 80% of sklearn's digits;
    `heldout_accuracy` is measured on the other 20%. By default the weights shipped in
    SHIPPED_WEIGHTS are used: trained on one machine, they give every machine the same
    feature space (a classifier trained on another CPU drifts in its last bits, and its
    Fréchet distances with it). With `cache_dir` (or without shipped weights) the classifier
    is trained once and cached as <cache_dir>/digit_classifier_<S>px_v1.pt (default folder:
    `default_cache_dir()`). Kept in memory, so repeated calls are free. A corrupt cache
    file is retrained.
    """
    if image_size not in CLASSIFIER_SIZES:
        raise ValueError(f"image_size must be one of {CLASSIFIER_SIZES}, got {image_size}")
    name = _weights_name(image_size)
    if cache_dir is None and (SHIPPED_WEIGHTS / name).is_file():
        return _cached_classifier(image_size, str(SHIPPED_WEIGHTS / name))
    folder = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()
    return _cached_classifier(image_size, str(folder.resolve() / name))


def write_shipped_weights(folder: Path = SHIPPED_WEIGHTS) -> None:
    """Train the classifier for every size and write the files that ganlab ships."""
    for size in CLASSIFIER_SIZES:
        model = _train_classifier(size)
        _save(model, folder / _weights_name(size), size)
        print(f"{size} px: held-out accuracy {model.heldout_accuracy:.4f}")


if __name__ == "__main__":
    write_shipped_weights()


# ---------------------------------------------------------------- digit metrics
@torch.no_grad()
def _features_and_probs(model: DigitClassifier, x: Tensor) -> tuple[np.ndarray, Tensor]:
    """(N, 1, S, S) -> features (N, F) float64 numpy, class probabilities (N, 10).

    In channels-last layout, like the Trainer's image nets: oneDNN's NHWC convolutions and
    pooling run this net twice as fast on a CPU as NCHW does (the same features to 1e-5).
    """
    x = x.detach().float().cpu().contiguous(memory_format=torch.channels_last)
    feats = torch.cat([model.features(b) for b in x.split(500)])
    return feats.double().numpy(), model.head(feats).softmax(dim=1)


# classifier -> {(its weights' versions, the images' content): (mean, covariance)}
_REAL_STATISTICS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _real_statistics(model: DigitClassifier, real: Tensor) -> tuple[np.ndarray, np.ndarray]:
    """The real images' feature mean and covariance. Every evaluation of a run compares
    with the same real digits, so they are kept: per classifier (gone with it, and
    recomputed if its weights change in place), keyed by a hash of the images' bytes (a
    sum would not do: mirrored or shuffled images have the same sums): one pass over
    them, not one per evaluation."""
    versions = tuple(p._version for p in model.parameters())
    content = real.detach().float().cpu().contiguous().numpy().tobytes()
    key = (versions, tuple(real.shape), hashlib.blake2b(content, digest_size=16).digest())
    kept = _REAL_STATISTICS.setdefault(model, {})
    if key not in kept:
        if len(kept) >= 8:  # a few data sets at most: drop the oldest
            del kept[next(iter(kept))]
        f_real, _ = _features_and_probs(model, real)
        kept[key] = (f_real.mean(0), np.cov(f_real, rowvar=False))
    return kept[key]


def digit_metrics(
    samples: Tensor,
    real: Tensor,
    min_share: float = 0.01,
    classifier: DigitClassifier | None = None,
    errors: bool = False,
) -> dict[str, float | int]:
    """Classifier metrics for digit images samples (N, 1, S, S) vs real (M, 1, S, S), in [-1, 1].

    fd: Fréchet distance between Gaussians fitted to the classifier's features (lower is
        better; a random half of the real digits vs the other half scores near 0).
    classes_covered: classes predicted for at least `min_share` of the samples (of n_classes).
    label_kl: KL(p || uniform) = sum_k p_k log(10 p_k) of the predicted-label histogram p;
        0 when every class is equally frequent, log 10 = 2.30 when all samples are one class.
    confidence: mean max class probability (blurry or noisy samples score low).
    fd_se (errors=True): the standard deviation of fd over 20 bootstrap resamples of the
        samples' features (seed 0): how much fd would move on another draw from G.
    """
    if samples.ndim != 4 or samples.shape[1] != 1 or samples.shape[1:] != real.shape[1:]:
        raise ValueError(
            f"samples must be (N, 1, S, S) like real {tuple(real.shape)}, got {tuple(samples.shape)}"
        )
    if len(samples) < 2 or len(real) < 2:
        raise ValueError(f"need >= 2 samples and real images, got {len(samples)} and {len(real)}")
    model = classifier or digit_classifier(samples.shape[-1])
    f_gen, probs = _features_and_probs(model, samples)
    reference = _real_statistics(model, real)
    fd = frechet_distance(f_gen.mean(0), np.cov(f_gen, rowvar=False), *reference)
    n_classes = probs.shape[1]
    share = torch.bincount(probs.argmax(1), minlength=n_classes).double() / len(probs)  # (10,)
    nz = share[share > 0]  # 0 log 0 = 0
    out = {
        "fd": fd,
        "classes_covered": int((share >= min_share).sum()),
        "n_classes": n_classes,
        "label_kl": float((nz * (nz * n_classes).log()).sum()),
        "confidence": float(probs.max(1).values.mean()),
    }
    if errors:
        rng = np.random.default_rng(0)
        resampled = [f_gen[rng.integers(0, len(f_gen), len(f_gen))] for _ in range(20)]
        fds = [frechet_distance(f.mean(0), np.cov(f, rowvar=False), *reference) for f in resampled]
        out["fd_se"] = float(np.std(fds, ddof=1))
    return out


# ---------------------------------------------------------------- quality bars
# "Good enough" for a classroom run, by the metrics `evaluate` returns: a run with
# train.stop_at_bar ends at the first evaluation that meets its bar, and the
# benchmarks time runs to it. name -> (what it asks, the test on evaluate's dict).
QUALITY_BARS: dict[str, tuple[str, Callable[[dict], bool]]] = {
    "2-D": (
        "every mode covered, high_quality >= 0.90",
        lambda m: m["modes_covered"] == m["n_modes"] and m["high_quality"] >= 0.90,
    ),
    "digits": (
        "all 10 classes covered, fd <= 25",
        lambda m: m["classes_covered"] == m["n_classes"] and m["fd"] <= 25,
    ),
}


# A run that stops at its bar (train.stop_at_bar) confirms it on this many fresh samples,
# with a margin of two standard errors (meets_bar).
BAR_CHECK_SAMPLES = 10_000


def quality_bar(scores: dict) -> str | None:
    """The name of the bar that fits `scores` (a dict from `evaluate`), or None."""
    if "n_modes" in scores:
        return "2-D"
    return "digits" if "classes_covered" in scores else None


# Which way each bar metric gets worse: a margin moves it that way by two standard errors.
_WORSE = {"high_quality": -1.0, "fd": +1.0}


def meets_bar(scores: dict) -> bool:
    """Do `scores` meet their bar? False when they have none.

    Scores that carry standard errors (`evaluate(..., errors=True)`: high_quality_se,
    fd_se) must clear the bar by two of them: the bar then holds for G at about 97.5%
    confidence, not just for this sample of it.
    """
    name = quality_bar(scores)
    if name is None:
        return False
    shifted = {
        key: scores[key] + 2 * sign * scores[f"{key}_se"]
        for key, sign in _WORSE.items()
        if key in scores and f"{key}_se" in scores
    }
    return QUALITY_BARS[name][1]({**scores, **shifted})


def evaluate(dataset: Dataset, samples: Tensor, errors: bool = False) -> dict[str, float | int]:
    """The metrics that fit `dataset`, as a flat dict of Python numbers. samples: like dataset.x[:N].

    errors: also the standard errors of the quality bars' metrics, for `meets_bar`:
    high_quality_se = sqrt(p (1 - p) / N) (a share of N samples) and fd_se (the spread of
    the Fréchet distance over bootstrap resamples of the samples' features).

    - 2-D sets with mode centres: mode_coverage (modes_covered, n_modes, high_quality) and
      mmd (MMD² to dataset.x, biased, median-heuristic bandwidths) and energy (energy distance).
    - digits (16, 32 or 64 px; RGB ones judged by their grey mean): digit_metrics (fd, classes_covered, n_classes, label_kl,
      confidence).
    - any other set (mnist, cifar10, folder, ...): only "mmd", MMD² in pixel space. It is
      a rough signal (no pretrained features are downloaded); use FID with local Inception
      weights for a real comparison.
    """
    if tuple(samples.shape[1:]) != tuple(dataset.x.shape[1:]):
        raise ValueError(
            f"samples must have shape (N, {', '.join(map(str, dataset.x.shape[1:]))}) like "
            f"dataset {dataset.name!r}, got {tuple(samples.shape)}"
        )
    samples = samples.detach().float().cpu()
    real = dataset.x.detach().float().cpu()
    if dataset.name == "digits" and real.shape[-1] in CLASSIFIER_SIZES:
        if real.shape[1] == 3:  # RGB digits (the article's) are grey repeated: judge the grey
            samples, real = samples.mean(1, keepdim=True), real.mean(1, keepdim=True)
        return digit_metrics(samples, real, errors=errors)
    out: dict[str, float | int] = {}
    if not dataset.is_image and dataset.centres is not None and dataset.spread is not None:
        out.update(mode_coverage(samples, dataset.centres, dataset.spread))
        if errors:
            p = out["high_quality"]
            out["high_quality_se"] = math.sqrt(p * (1 - p) / len(samples))
        out["energy"] = energy_distance(samples, real)
    out["mmd"] = mmd(samples, real)
    return out
