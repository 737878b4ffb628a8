"""Datasets: toy 2-D patterns and image sets, as tensors ready for training.

Everything a GAN learns from comes through `load(name, ...)`, which returns a `Dataset`
holding the whole set as one CPU tensor; `Dataset.to(device)` moves it once, so the
training loop only indexes batches. Conventions, stated once:

- 2-D sets are float32 points (N, 2), drawn with a local `torch.Generator` (the global
  RNG is never touched). Each knows its mode centres and the spread of one mode, which
  the coverage metric uses (a sample is "good" within 3 * spread of a centre).
- Images are float32 (N, C, H, W) in [-1, 1], the range of the generator's tanh:
  bytes b -> b / 127.5 - 1, sklearn digits v in 0..16 -> v / 8 - 1. They are resized to
  16, 32 or 64 px with (antialiased) bilinear interpolation.
- Nothing downloads unless asked: torchvision sets are read from `root` and fetched only
  with `download=True`; a missing set raises `DatasetNotFoundError` saying where to put it.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image, ImageOps
from torch import Tensor

from ganlab._torchvision import torchvision  # imported on first use, even beside a CPU-only torch
from ganlab.checks import check_choice, check_int, check_points, check_positive

if TYPE_CHECKING:
    from ganlab.config import DataConfig

TWO_D: tuple[str, ...] = ("ring8", "grid25", "spiral", "moons", "circles")  # the toys
DRAWN = "drawn"  # a mixture of Gaussians at modes the caller places (the dashboard's drawing)
IMAGE: tuple[str, ...] = ("digits", "mnist", "fashion_mnist", "cifar10", "folder")
DATASETS = (*TWO_D, DRAWN, *IMAGE)
IMAGE_SIZES = (16, 32, 64)


class DatasetNotFoundError(FileNotFoundError):
    """The files of an image set are not on disk (and `download=True` was not given)."""


@dataclass(frozen=True, eq=False)  # eq=False: `==` on tensors is elementwise, not a bool
class Dataset:
    """A whole data set in memory. x: (N, 2) points or (N, C, H, W) images in [-1, 1]."""

    name: str
    x: Tensor  # (N, 2) or (N, C, H, W), float32
    labels: Tensor | None  # (N,) int64, or None when unlabelled
    n_classes: int  # 0 when unlabelled
    centres: Tensor | None  # (M, 2) mode centres, 2-D sets only
    spread: float | None  # std of one mode (2-D sets only)

    def __post_init__(self) -> None:
        # Checked where data meets the models, so a wrong tensor fails here, not in a layer.
        shape_ok = self.x.ndim == 4 or (self.x.ndim == 2 and self.x.shape[1] == 2)
        if self.x.dtype != torch.float32 or not shape_ok:
            raise ValueError(
                f"x must be float32 (N, 2) or (N, C, H, W), got {self.x.dtype} "
                f"{tuple(self.x.shape)}"
            )
        if self.labels is not None and tuple(self.labels.shape) != (len(self.x),):
            raise ValueError(
                f"labels must have shape ({len(self.x)},), got {tuple(self.labels.shape)}"
            )

    @property
    def is_image(self) -> bool:
        return self.x.ndim == 4

    @property
    def dim(self) -> int:
        """Numbers per sample: 2 for points, C * H * W for images."""
        return self.x[0].numel()

    @property
    def channels(self) -> int:
        """C for images, 0 for 2-D points."""
        return self.x.shape[1] if self.is_image else 0

    @property
    def image_size(self) -> int:
        """H (= W) for images, 0 for 2-D points."""
        return self.x.shape[-1] if self.is_image else 0

    def __len__(self) -> int:
        return self.x.shape[0]

    def __repr__(self) -> str:
        kind = (
            f"{self.channels}x{self.image_size}x{self.image_size} images"
            if self.is_image
            else "2-D points"
        )
        return (
            f"Dataset({self.name!r}: {len(self)} {kind}, {self.n_classes} classes, {self.x.device})"
        )

    def to(self, device: str | torch.device) -> Dataset:
        """The same data with every tensor on `device` (once, before training)."""

        def move(t: Tensor | None) -> Tensor | None:
            return None if t is None else t.to(device)

        return dataclasses.replace(
            self, x=move(self.x), labels=move(self.labels), centres=move(self.centres)
        )


# ---- 2-D patterns ---------------------------------------------------------------------
# Each pattern is a function place(u): u in [0, 1) -> (points (N, 2), labels (N,)). For a
# mixture of Gaussians u picks the component; for a curve u is the arc-length fraction
# along the whole curve, so samples are spread evenly along it. A sample is
# place(u) + N(0, noise^2 I) with u ~ U[0, 1), and mode k's centre is place((k + 0.5) / M):
# every mode holds 1/M of the data. On curves the M centres are evenly spaced anchors
# (spacing d = length / M) and spread = d / 3: every point of the curve is within
# d / 2 = 1.5 * spread of an anchor, so covering all anchors means covering the curve.


class _Toy(NamedTuple):
    place: Callable[[Tensor], tuple[Tensor, Tensor]]
    n_modes: int
    n_classes: int
    noise: float  # std of the Gaussian noise added to each coordinate
    spread: float


def _ring8(u: Tensor) -> tuple[Tensor, Tensor]:
    k = (u * 8).long()  # the mode index is the label
    angle = 2 * math.pi * k / 8
    return 2.0 * torch.stack([angle.cos(), angle.sin()], 1), k  # radius 2


def _grid25(u: Tensor) -> tuple[Tensor, Tensor]:
    k = (u * 25).long()  # row-major over {-4, -2, 0, 2, 4}^2
    return torch.stack([k // 5, k % 5], 1).float() * 2.0 - 4.0, k


def _moons(u: Tensor) -> tuple[Tensor, Tensor]:
    moon = (u >= 0.5).long()  # 0: upper moon, 1: lower moon (sklearn's make_moons, x2)
    t = math.pi * (2 * u % 1)
    upper = torch.stack([2 * t.cos() - 1, 2 * t.sin() - 0.5], 1)  # radius-2 half circle
    return torch.where(moon[:, None] == 1, -upper, upper), moon  # lower = upper turned 180°


def _circles(u: Tensor) -> tuple[Tensor, Tensor]:
    inner = (u >= 2 / 3).long()  # 0: outer r=2 (2/3 of the length), 1: inner r=1
    t = 2 * math.pi * torch.where(inner == 1, 3 * u - 2, 1.5 * u)
    radius = 2.0 - inner.float()
    return radius[:, None] * torch.stack([t.cos(), t.sin()], 1), inner


_SPIRAL_THETA = (math.pi / 2, 5 * math.pi / 2)  # one turn per arm: radius r = theta/pi, 0.5..2.5


def _spiral_arc(theta: Tensor) -> Tensor:
    """Arc length of r = theta / pi from 0 to theta: (theta sqrt(1 + theta^2) + asinh theta) / 2pi."""
    return (theta * torch.sqrt(1 + theta**2) + torch.asinh(theta)) / (2 * math.pi)


_SPIRAL_ENDS = _spiral_arc(torch.tensor(_SPIRAL_THETA, dtype=torch.float64)).tolist()
_SPIRAL_LENGTH = 2 * (_SPIRAL_ENDS[1] - _SPIRAL_ENDS[0])  # two arms, ~19.3


def _spiral(u: Tensor) -> tuple[Tensor, Tensor]:
    arm = (u >= 0.5).long()  # two arms; arm 1 is arm 0 turned 180°
    s = _SPIRAL_ENDS[0] + (2 * u % 1) * (_SPIRAL_ENDS[1] - _SPIRAL_ENDS[0])
    # Invert s(theta) by Newton's method. s is convex and s >= theta^2 / 2pi, so the start
    # sqrt(2 pi s) lies right of the root and the iterates fall monotonically onto it.
    theta = torch.sqrt(2 * math.pi * s)
    for _ in range(6):
        theta = theta - (_spiral_arc(theta) - s) * math.pi / torch.sqrt(1 + theta**2)
    sign = 1.0 - 2.0 * arm.float()
    return (sign * theta / math.pi)[:, None] * torch.stack([theta.cos(), theta.sin()], 1), arm


_TOYS: dict[str, _Toy] = {
    "ring8": _Toy(_ring8, n_modes=8, n_classes=8, noise=0.05, spread=0.05),
    "grid25": _Toy(_grid25, n_modes=25, n_classes=25, noise=0.05, spread=0.05),
    "spiral": _Toy(_spiral, n_modes=36, n_classes=2, noise=0.05, spread=_SPIRAL_LENGTH / 36 / 3),
    "moons": _Toy(_moons, n_modes=24, n_classes=2, noise=0.05, spread=4 * math.pi / 24 / 3),
    "circles": _Toy(_circles, n_modes=36, n_classes=2, noise=0.05, spread=6 * math.pi / 36 / 3),
}


def sample_2d(name: str, n: int, seed: int | None = None) -> tuple[Tensor, Tensor]:
    """Draw n fresh points of a 2-D set: x (n, 2) float32 and labels (n,) int64.

    Uses its own torch.Generator, seeded with `seed` (from the OS when None), so neither
    the global RNG nor anybody else's randomness is touched.
    """
    check_choice("name", name, TWO_D)
    check_int("n", n, minimum=1)
    toy = _TOYS[name]
    gen = torch.Generator()
    if seed is None:
        gen.seed()
    else:
        gen.manual_seed(seed)
    x, labels = toy.place(torch.rand(n, generator=gen))
    x = x + toy.noise * torch.randn(n, 2, generator=gen)
    return x.float(), labels.long()


def sample_drawn(
    modes: Sequence[tuple[float, float]], std: float, n: int, seed: int | None = None
) -> tuple[Tensor, Tensor]:
    """n points of the equal mixture of N(mode, std^2 I) over `modes` ((x, y), ...):
    x (n, 2) float32 and labels (n,) int64, the mode index. Its own generator, as sample_2d."""
    check_int("n", n, minimum=1)
    centres = torch.tensor(modes, dtype=torch.float32).reshape(-1, 2)  # (M, 2)
    gen = torch.Generator()
    gen.manual_seed(seed) if seed is not None else gen.seed()
    labels = torch.randint(len(centres), (n,), generator=gen)
    return centres[labels] + std * torch.randn(n, 2, generator=gen), labels


def _centres(toy: _Toy) -> Tensor:
    """(M, 2) mode centres: the pattern at the middle of each mode's share of u."""
    return toy.place((torch.arange(toy.n_modes) + 0.5) / toy.n_modes)[0].float()


# ---- images ---------------------------------------------------------------------------


def _bytes_to_unit(images: Tensor) -> Tensor:
    """uint8 (N, H, W) or (N, H, W, C) -> float32 (N, C, H, W) in [-1, 1]."""
    images = images[:, None] if images.ndim == 3 else images.permute(0, 3, 1, 2)
    return images.float() / 127.5 - 1.0


def _resize(x: Tensor, size: int) -> Tensor:
    """(N, C, H, W) -> (N, C, size, size), bilinear.

    antialias=True matters when shrinking (MNIST 28 -> 16): plain bilinear would skip
    pixels and break thin strokes. Its weights are >= 0 and sum to 1, so [-1, 1] is kept;
    the clamp only trims float rounding.
    """
    if x.shape[-2:] == (size, size):
        return x.contiguous()
    x = F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False, antialias=True)
    return x.clamp_(-1.0, 1.0)


def _load_digits(max_images: int | None) -> tuple[Tensor, Tensor]:
    """sklearn's bundled 8x8 digits: x (1797, 1, 8, 8) in [-1, 1], labels (1797,)."""
    from sklearn.datasets import load_digits  # here: scikit-learn is slow to import

    bunch = load_digits()
    x = torch.as_tensor(bunch.images[:max_images], dtype=torch.float32)[:, None]  # 0..16
    return x / 8.0 - 1.0, torch.as_tensor(bunch.target[:max_images], dtype=torch.int64)


# name -> (torchvision class, the folder under root it reads, the unpacked files it needs)
_MNIST_FILES = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)
_CIFAR_FILES = (*(f"data_batch_{i}" for i in range(1, 6)), "test_batch", "batches.meta")
_TORCHVISION = {
    "mnist": ("MNIST", "MNIST/raw", _MNIST_FILES),
    "fashion_mnist": ("FashionMNIST", "FashionMNIST/raw", _MNIST_FILES),
    "cifar10": ("CIFAR10", "cifar-10-batches-py", _CIFAR_FILES),
}


def _load_torchvision(
    name: str, root: Path, download: bool, max_images: int | None
) -> tuple[Tensor, Tensor]:
    """The training split: x (N, C, H, W) in [-1, 1] at the stored size, labels (N,)."""
    cls_name, folder, files = _TORCHVISION[name]
    try:
        # With download=False torchvision only looks at files; it never opens a connection.
        # CIFAR-10 goes through torchvision too (not our own pickle reader): one code path,
        # and its md5 check catches a truncated download.
        ds = getattr(torchvision().datasets, cls_name)(str(root), train=True, download=download)
    except RuntimeError as err:
        if download:  # the download itself failed: torchvision's message says why
            raise
        raise DatasetNotFoundError(
            f"Dataset {name!r} was not found (or is incomplete) in {(root / folder).absolute()}."
            f" torchvision reads the unpacked files {', '.join(files)} from that folder:"
            f" put them there, or pass download=True (CLI: --download) to fetch them once."
            f" ganlab never downloads unless asked."
        ) from err
    # .data/.targets hold the whole split: MNIST a uint8 tensor (N, 28, 28), CIFAR-10 a
    # uint8 array (N, 32, 32, 3) and a list; no need to iterate a DataLoader. Cut to
    # max_images before converting: as floats the full set is 4x bigger.
    x = _bytes_to_unit(torch.as_tensor(ds.data[:max_images]))
    return x, torch.as_tensor(ds.targets[:max_images], dtype=torch.int64)


_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".webp")
_GREY_MODES = ("1", "L", "LA", "I", "I;16", "F")


def _load_folder(root: Path, image_size: int, max_images: int | None) -> Tensor:
    """Every image under root (recursively, sorted by path) as (N, C, S, S) in [-1, 1].

    Each is centre-cropped to a square and resized; C = 1 when all are greyscale, else 3.
    """
    paths = sorted(p for p in root.rglob("*") if p.suffix.lower() in _IMAGE_SUFFIXES)
    if not paths:
        raise DatasetNotFoundError(
            f"No images ({', '.join(_IMAGE_SUFFIXES)}) were found in {root.absolute()} or its"
            f" subfolders. Put your images there, or pass root= (CLI: --root) pointing at"
            f" the folder that holds them."
        )
    arrays, grey = [], True
    for path in paths[:max_images]:
        with Image.open(path) as img:
            grey = grey and img.mode in _GREY_MODES
            square = ImageOps.fit(
                img.convert("RGB"), (image_size, image_size), Image.Resampling.BILINEAR
            )  # PIL antialiases when shrinking
            arrays.append(np.asarray(square))
    x = _bytes_to_unit(torch.from_numpy(np.stack(arrays)))  # (N, 3, S, S)
    return x[:, :1].contiguous() if grey else x  # grey -> RGB made R = G = B: keep one


# ---- the entry point ------------------------------------------------------------------


def load(
    name: str,
    *,
    n: int = 10_000,
    image_size: int = 16,
    seed: int = 0,
    root: str | Path = "data",
    download: bool = False,
    max_images: int | None = None,
    modes: Sequence[tuple[float, float]] = (),
    mode_std: float = 0.1,
) -> Dataset:
    """Load a data set by name, on the CPU.

    2-D sets: n points drawn with `seed`; "drawn" places its Gaussians (std `mode_std`)
    at `modes` ((x, y), ... checked by DataConfig). Images: the whole training split (the first
    `max_images` when given) resized to image_size px; n and seed do not apply.
    `root` is where torchvision sets live, or the image folder itself for "folder".
    """
    check_choice("name", name, DATASETS)
    check_choice("image_size", image_size, IMAGE_SIZES)
    check_int("n", n, minimum=1)
    if max_images is not None:
        check_int("max_images", max_images, minimum=1)
    if name in TWO_D:
        toy = _TOYS[name]
        x, labels = sample_2d(name, n, seed)
        return Dataset(name, x, labels, toy.n_classes, _centres(toy), toy.spread)
    if name == DRAWN:  # DataConfig asks more of a drawing (a few modes, spread out)
        modes = check_points("modes", modes, minimum=1, min_span=0.0)
        check_positive("mode_std", mode_std)
        x, labels = sample_drawn(modes, mode_std, n, seed)
        centres = torch.tensor(modes, dtype=torch.float32).reshape(-1, 2)
        return Dataset(name, x, labels, len(centres), centres, mode_std)
    if name == "folder":
        return Dataset(name, _load_folder(Path(root), image_size, max_images), None, 0, None, None)
    if name == "digits":
        x, labels = _load_digits(max_images)
    else:
        x, labels = _load_torchvision(name, Path(root), download, max_images)
    return Dataset(name, _resize(x, image_size), labels, 10, None, None)


def load_for(cfg: DataConfig, seed: int = 0) -> Dataset:
    """`load` with the fields of a DataConfig; cfg.channels (1 or 3) converts grey <-> RGB."""
    data = load(
        cfg.name,
        n=cfg.n_samples,
        image_size=cfg.image_size,
        seed=seed,
        root=cfg.root,
        download=cfg.download,
        modes=cfg.modes,
        mode_std=cfg.mode_std,
    )
    if not data.is_image or cfg.channels in (None, data.channels):
        return data
    if cfg.channels == 3:  # grey -> RGB: the same value in every channel
        x = data.x.expand(-1, 3, -1, -1).contiguous()
    else:  # RGB -> grey: ITU-R 601 luma, 0.299 R + 0.587 G + 0.114 B
        luma = torch.tensor([0.299, 0.587, 0.114]).view(1, 3, 1, 1)
        x = (data.x * luma).sum(1, keepdim=True)
    return dataclasses.replace(data, x=x)
