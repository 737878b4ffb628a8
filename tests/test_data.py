"""Tests for ganlab.data: shapes, ranges and seeds of every set, the 2-D modes, and the
image loaders on tiny files written here in the exact layouts torchvision reads."""

import os
import pickle
import socket
import struct

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from PIL import Image
from sklearn.datasets import load_digits
from torch.testing import assert_close

from ganlab import data, metrics
from ganlab._torchvision import torchvision as import_torchvision
from ganlab.config import DataConfig
from ganlab.data import DatasetNotFoundError, load, sample_2d

# ---- tiny data sets in torchvision's layouts --------------------------------------------


def _halves(n: int, size: int) -> np.ndarray:
    """uint8 (n, size, size), n <= 10: image i has top half 20 i + 10 and bottom half
    245 - 20 i, so order, orientation and scaling can all be read back after resizing."""
    i = np.arange(n)[:, None, None]
    top = np.arange(size)[None, :, None] < size // 2
    return np.where(top, 20 * i + 10, 245 - 20 * i).repeat(size, axis=2).astype(np.uint8)


def _write_idx(path, array: np.ndarray) -> None:
    # idx format: magic 0x00 0x00 <type 0x08 = ubyte> <ndim>, then each dim as big-endian int32
    header = struct.pack(">I", 0x0800 | array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    path.write_bytes(header + array.tobytes())


def _write_mnist(root, folder: str) -> tuple[np.ndarray, np.ndarray]:
    """root/<folder>/raw/{train,t10k}-{images-idx3,labels-idx1}-ubyte; returns the train split."""
    raw = root / folder / "raw"
    raw.mkdir(parents=True)
    images, labels = _halves(6, 28), np.array([3, 1, 4, 1, 5, 9], dtype=np.uint8)
    _write_idx(raw / "train-images-idx3-ubyte", images)
    _write_idx(raw / "train-labels-idx1-ubyte", labels)
    _write_idx(raw / "t10k-images-idx3-ubyte", images[:2])  # a test split that differs
    _write_idx(raw / "t10k-labels-idx1-ubyte", labels[:2])
    return images, labels


def _write_cifar(root) -> tuple[np.ndarray, np.ndarray]:
    """root/cifar-10-batches-py/{data_batch_1..5, test_batch, batches.meta}, 2 images a batch.

    Returns the train split as torchvision holds it: (10, 32, 32, 3) HWC and labels."""
    folder = root / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    grey = _halves(10, 32)
    blue = np.broadcast_to(np.arange(10, dtype=np.uint8)[:, None, None] * 7, grey.shape)
    images = np.stack([grey, 255 - grey, blue], axis=3)  # R, G, B differ: channel order shows
    labels = [(7 * i) % 10 for i in range(10)]

    def dump(name: str, batch: dict) -> None:
        (folder / name).write_bytes(pickle.dumps(batch))

    for k in range(5):  # rows are the R, G, B planes of one image, 3 * 1024 bytes
        rows = images[2 * k : 2 * k + 2].transpose(0, 3, 1, 2).reshape(2, -1)
        dump(f"data_batch_{k + 1}", {"data": rows, "labels": labels[2 * k : 2 * k + 2]})
    dump("test_batch", {"data": rows[:1], "labels": labels[:1]})  # one image, unused
    dump("batches.meta", {"label_names": [f"class{c}" for c in range(10)]})
    return images, np.array(labels)


@pytest.fixture
def cifar_without_md5(monkeypatch):
    """Let torchvision accept our tiny CIFAR files.

    torchvision's CIFAR10 compares each file's md5 with the real data set's, which files
    made here can never match. We replace only that comparison (keeping "the file
    exists"), so the test still runs torchvision's real layout and pickle parsing, which
    is what ganlab.data relies on. Reading the pickles in ganlab ourselves would avoid
    this patch, but would copy torchvision's reader and drop its check of real downloads.
    """
    monkeypatch.setattr(
        import_torchvision().datasets.cifar,
        "check_integrity",
        lambda path, md5=None: os.path.isfile(path),
    )


def _expected_rows(images: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
    """The top and bottom values of each image and channel, scaled to [-1, 1]: (N, C) each."""
    x = torch.as_tensor(images).float() / 127.5 - 1
    x = x[:, None] if x.ndim == 3 else x.permute(0, 3, 1, 2)
    return x[:, :, 0, 0], x[:, :, -1, 0]


def _check_images(d, images: np.ndarray, labels, size: int) -> None:
    n, channels = len(images), 1 if images.ndim == 3 else 3
    assert d.x.shape == (n, channels, size, size) and d.x.dtype == torch.float32
    assert d.is_image and d.image_size == size and d.channels == channels
    top, bottom = _expected_rows(images)
    # Constant rows stay constant through any resize, so these are exact.
    assert_close(d.x[:, :, 0, :], top[:, :, None].expand(-1, -1, size))
    assert_close(d.x[:, :, -1, :], bottom[:, :, None].expand(-1, -1, size))
    if labels is not None:
        assert torch.equal(d.labels, torch.as_tensor(labels, dtype=torch.int64))


# ---- 2-D sets ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", data.TWO_D)
def test_2d_shapes_dtypes_and_labels(name):
    d = load(name, n=500, seed=0)
    assert d.x.shape == (500, 2) and d.x.dtype == torch.float32
    assert d.labels.shape == (500,) and d.labels.dtype == torch.int64
    assert set(d.labels.tolist()) == set(range(d.n_classes))
    assert d.centres.ndim == 2 and d.centres.shape[1] == 2 and d.centres.dtype == torch.float32
    assert d.spread > 0 and not d.is_image and d.dim == 2 and len(d) == 500


@pytest.mark.parametrize("name", data.TWO_D)
def test_2d_seeds(name):
    a, b, c = load(name, n=300, seed=1), load(name, n=300, seed=1), load(name, n=300, seed=2)
    assert torch.equal(a.x, b.x) and torch.equal(a.labels, b.labels)
    assert not torch.allclose(a.x, c.x)


def test_2d_sampling_leaves_the_global_rng_alone():
    state = torch.get_rng_state()
    load("spiral", n=100, seed=3)
    sample_2d("ring8", 100)
    assert torch.equal(torch.get_rng_state(), state)


def test_sample_2d_without_seed_draws_fresh_points():
    (x1, _), (x2, _) = sample_2d("moons", 50), sample_2d("moons", 50)
    assert x1.shape == (50, 2) and not torch.allclose(x1, x2)


@pytest.mark.parametrize("name", data.TWO_D)
def test_2d_centres_and_spread_describe_the_data(name):
    """What the coverage metric relies on: samples sit within 3 spread of a centre and
    every centre holds its share of them."""
    d = load(name, n=4000, seed=0)
    dist, nearest = torch.cdist(d.x, d.centres).min(1)
    assert (dist < 3 * d.spread).float().mean() > 0.98  # a 2-D Gaussian: 1 - e^-4.5 = 0.989
    counts = torch.bincount(nearest, minlength=len(d.centres))
    assert counts.min() > 0.5 * len(d) / len(d.centres)


def test_a_drawing_is_a_gaussian_mixture_at_its_modes_that_covers_them_all():
    modes = ((-1.0, 0.0), (1.0, 0.5), (0.0, 1.5))
    ds = data.load("drawn", n=3000, seed=4, modes=modes, mode_std=0.2)
    assert ds.x.shape == (3000, 2) and ds.x.dtype == torch.float32
    assert (
        ds.n_classes == 3 and ds.spread == 0.2 and ds.centres.tolist() == [list(m) for m in modes]
    )
    for k, centre in enumerate(ds.centres):  # each label's points sit around its own mode
        own = ds.x[ds.labels == k]
        assert len(own) > 800
        torch.testing.assert_close(own.mean(0), centre, atol=0.03, rtol=0)
        assert own.std(0).mean().item() == pytest.approx(0.2, abs=0.02)
    assert metrics.mode_coverage(ds.x, ds.centres, ds.spread)["modes_covered"] == 3
    again = data.load("drawn", n=3000, seed=4, modes=modes, mode_std=0.2)
    assert torch.equal(again.x, ds.x)
    with pytest.raises(ValueError, match="modes = 0 points"):
        data.load("drawn")


def test_ring8_samples_sit_at_its_eight_centres():
    d = load("ring8", n=8000, seed=0)
    angle = torch.arange(8) * torch.pi / 4
    assert_close(d.centres, 2 * torch.stack([angle.cos(), angle.sin()], 1))
    assert d.spread == 0.05
    dist, nearest = torch.cdist(d.x, d.centres).min(1)
    # A Gaussian has no hard edge: P(r > 4 sigma) = e^-8, about 3 of 8000 points, so "all
    # within 4 sigma" would be luck. All within 5 sigma (e^-12.5) and 99.9% within 4 are not.
    assert dist.max() < 5 * d.spread and (dist < 4 * d.spread).float().mean() > 0.999
    assert torch.equal(nearest, d.labels)  # the label is the mode
    counts = torch.bincount(nearest, minlength=8)
    assert counts.min() > 850 and counts.max() < 1150  # 1000 each, sd ~30
    assert_close((d.x - d.centres[nearest]).std().item(), 0.05, rtol=0.05, atol=0)


def test_grid25_centres():
    d = load("grid25", n=10, seed=0)
    axis = torch.tensor([-4.0, -2.0, 0.0, 2.0, 4.0])
    assert_close(d.centres, torch.cartesian_prod(axis, axis))


def test_curves_closed_forms():
    circles = load("circles", n=3000, seed=0)
    radius = circles.x.norm(dim=1)
    assert_close(radius[circles.labels == 0].mean().item(), 2.0, atol=0.01, rtol=0)
    assert_close(radius[circles.labels == 1].mean().item(), 1.0, atol=0.01, rtol=0)
    assert_close((circles.labels == 0).float().mean().item(), 2 / 3, atol=0.03, rtol=0)
    moons = load("moons", n=3000, seed=0)  # upper moon: (2 cos t - 1, 2 sin t - 1/2)
    upper_mean = torch.tensor([-1.0, 4 / torch.pi - 0.5])  # E cos t = 0, E sin t = 2/pi
    assert_close(moons.x[moons.labels == 0].mean(0), upper_mean, atol=0.05, rtol=0)
    assert_close(moons.x[moons.labels == 1].mean(0), -upper_mean, atol=0.05, rtol=0)


def test_spiral_anchors_against_a_dense_polyline():
    """Arm 0 is r = theta / pi, theta in [pi/2, 5pi/2]; arm 1 is arm 0 turned 180 degrees.
    Its 18 anchors sit at arc lengths (k + 1/2) L / 18, measured here on a fine polyline
    (a reference independent of the closed-form arc length and Newton's method in data.py)."""
    d = load("spiral", n=3000, seed=0)
    theta = torch.linspace(torch.pi / 2, 5 * torch.pi / 2, 200_001, dtype=torch.float64)
    curve = (theta / torch.pi)[:, None] * torch.stack([theta.cos(), theta.sin()], 1)
    arc = torch.cat([torch.zeros(1, dtype=torch.float64), curve.diff(dim=0).norm(dim=1).cumsum(0)])
    length = arc[-1].item()  # one arm, ~9.67
    assert_close(d.spread, 2 * length / 36 / 3, rtol=1e-4, atol=0)
    arm0 = d.centres[:18].double()
    r = arm0.norm(dim=1)
    on_curve = r[:, None] * torch.stack([(torch.pi * r).cos(), (torch.pi * r).sin()], 1)
    assert_close(arm0, on_curve, atol=1e-5, rtol=0)  # centres are float32
    assert_close(d.centres[18:], -d.centres[:18])
    s = torch.as_tensor(np.interp((torch.pi * r).numpy(), theta.numpy(), arc.numpy()))
    assert_close(s, (torch.arange(18, dtype=torch.float64) + 0.5) * length / 18, atol=1e-3, rtol=0)
    nearest = torch.cdist(d.x, d.centres).argmin(1)
    assert torch.equal(nearest // 18, d.labels)  # the label is the arm


@pytest.mark.parametrize("name", ["spiral", "moons", "circles"])
def test_curve_anchors_are_evenly_spaced(name):
    d = load(name, n=10, seed=0)
    steps = (d.centres[1:] - d.centres[:-1]).norm(dim=1)
    along = steps[steps < 2 * steps.min()]  # drop the jumps between arms/circles/moons
    assert len(along) >= len(d.centres) - 2
    assert along.max() / along.min() < 1.05
    assert_close(along.mean().item(), 3 * d.spread, rtol=0.03, atol=0)  # spread = spacing/3


def test_dataset_to_moves_every_tensor():
    d = load("ring8", n=20)
    m = d.to("meta")
    assert {m.x.device.type, m.labels.device.type, m.centres.device.type} == {"meta"}
    assert d.x.device.type == "cpu" and m.name == d.name and m.spread == d.spread


# ---- images -----------------------------------------------------------------------------


@pytest.mark.parametrize("size", data.IMAGE_SIZES)
def test_digits_keep_their_labels(size):
    d = load("digits", image_size=size)
    bunch = load_digits()
    original = torch.as_tensor(bunch.images, dtype=torch.float32)[:, None] / 8 - 1
    labels = torch.as_tensor(bunch.target)
    assert len(d) == 1797 and d.x.shape == (1797, 1, size, size) and d.n_classes == 10
    assert d.x.dtype == torch.float32 and d.x.min() == -1 and d.x.max() == 1
    assert torch.equal(d.labels, labels)
    # Bilinear upsampling by a whole factor keeps each image's mean: image i is still i.
    assert_close(d.x.mean((1, 2, 3)), original.mean((1, 2, 3)))
    # Averaged back to 8x8, an image is nearest its own original...
    back = F.avg_pool2d(d.x, size // 8).flatten(1)
    nearest = torch.cdist(back, original.flatten(1)).argmin(1)
    assert (nearest == torch.arange(1797)).float().mean() > 0.99
    # ... and the class means of the resized digits still classify them (0.90 at 8 px).
    means = torch.stack([d.x[labels == c].mean(0) for c in range(10)]).flatten(1)
    predicted = torch.cdist(d.x.flatten(1), means).argmin(1)
    assert (predicted == labels).float().mean() > 0.88


def test_digits_are_deterministic_and_cut_by_max_images():
    assert torch.equal(load("digits", seed=0).x, load("digits", seed=5).x)
    d = load("digits", max_images=100)
    assert d.x.shape == (100, 1, 16, 16) and torch.equal(d.labels, load("digits").labels[:100])


@pytest.mark.parametrize("name, folder", [("mnist", "MNIST"), ("fashion_mnist", "FashionMNIST")])
@pytest.mark.parametrize("size", [16, 32])
def test_mnist_format_sets_read_from_disk(tmp_path, name, folder, size):
    images, labels = _write_mnist(tmp_path, folder)
    d = load(name, root=tmp_path, image_size=size)
    _check_images(d, images, labels, size)
    assert d.n_classes == 10 and d.x.min() >= -1 and d.x.max() <= 1
    assert torch.equal(d.x, load(name, root=tmp_path, image_size=size).x)
    assert torch.equal(load(name, root=tmp_path, max_images=4).labels, d.labels[:4])


def test_cifar10_read_from_disk(tmp_path, cifar_without_md5):
    images, labels = _write_cifar(tmp_path)
    for size in (16, 32, 64):
        d = load("cifar10", root=str(tmp_path), image_size=size)
        _check_images(d, images, labels, size)
        assert d.x.min() >= -1 and d.x.max() <= 1
    assert torch.equal(d.x, load("cifar10", root=tmp_path, image_size=64).x)


def test_cifar10_with_wrong_checksums_is_not_found(tmp_path):
    _write_cifar(tmp_path)  # without the patch, torchvision rejects the md5s
    with pytest.raises(DatasetNotFoundError, match="download=True"):
        load("cifar10", root=tmp_path)


def _save_png(path, array: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(array).save(path)


def test_folder_of_grey_images(tmp_path):
    grey = _halves(3, 24)
    _save_png(tmp_path / "b" / "1.png", grey[1])  # nested, and sorted by path: a/, b/, c.png
    _save_png(tmp_path / "a" / "deep" / "0.png", grey[0])
    _save_png(tmp_path / "c.png", np.pad(grey[2], ((0, 0), (8, 8)), mode="edge"))  # 24 x 40
    (tmp_path / "notes.txt").write_text("not an image")
    d = load("folder", root=tmp_path, image_size=16)
    _check_images(d, grey, None, 16)  # the wide one is centre-cropped back to its square
    assert d.labels is None and d.n_classes == 0
    assert torch.equal(d.x, load("folder", root=tmp_path, image_size=16).x)
    assert len(load("folder", root=tmp_path, max_images=2)) == 2


def test_folder_with_colour_gives_rgb(tmp_path):
    grey = _halves(2, 32)
    _save_png(tmp_path / "0.png", grey[0])
    _save_png(tmp_path / "1.png", np.stack([grey[1], 255 - grey[1], grey[1] // 2], axis=2))
    d = load("folder", root=tmp_path, image_size=32)
    assert d.x.shape == (2, 3, 32, 32)
    assert torch.equal(d.x[0, 0], d.x[0, 1]) and torch.equal(d.x[0, 0], d.x[0, 2])
    assert_close(d.x[1, 1], -d.x[1, 0])  # 255 - g  ->  -(g / 127.5 - 1)


def test_empty_folder_is_not_found(tmp_path):
    with pytest.raises(DatasetNotFoundError, match="No images") as err:
        load("folder", root=tmp_path / "nothing-here")
    assert str(tmp_path / "nothing-here") in str(err.value)


# ---- offline by default -----------------------------------------------------------------


class NetworkUsed(Exception):
    """Raised by the patched socket: not an OSError, so nothing on the way swallows it."""


@pytest.fixture
def no_network(monkeypatch):
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise NetworkUsed(f"connection attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    return attempts


@pytest.mark.parametrize(
    "name, folder",
    [
        ("mnist", "MNIST/raw"),
        ("fashion_mnist", "FashionMNIST/raw"),
        ("cifar10", "cifar-10-batches-py"),
    ],
)
def test_missing_sets_never_touch_the_network(tmp_path, no_network, name, folder):
    with pytest.raises(DatasetNotFoundError) as err:
        load(name, root=tmp_path)
    message = str(err.value)
    assert "download=True" in message and "--download" in message
    assert str(tmp_path / folder) in message  # the exact folder torchvision reads
    assert no_network == [] and isinstance(err.value, FileNotFoundError)


def test_download_true_reaches_torchvision(tmp_path, no_network):
    # The flag is wired through: with download=True torchvision does try to connect.
    with pytest.raises(NetworkUsed):
        load("mnist", root=tmp_path, download=True)
    assert no_network


# ---- arguments --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"name": "mnist2"}, ["name", "'mnist2'", "ring8", "digits", "cifar10", "folder"]),
        ({"name": "digits", "image_size": 28}, ["image_size", "28", "16", "32", "64"]),
        ({"name": "digits", "image_size": "16"}, ["image_size", "'16'"]),
        ({"name": "ring8", "n": 0}, ["n = 0", "positive"]),
        ({"name": "ring8", "n": -3}, ["n = -3", "positive"]),
        ({"name": "ring8", "n": 2.5}, ["n = 2.5", "integer"]),
        ({"name": "digits", "max_images": 0}, ["max_images = 0", "positive"]),
    ],
)
def test_bad_arguments_are_named(kwargs, words):
    with pytest.raises(ValueError) as err:
        load(**kwargs)
    for word in words:
        assert word in str(err.value)


def test_sample_2d_rejects_image_sets():
    with pytest.raises(ValueError, match="name = 'digits'.*ring8"):
        sample_2d("digits", 10)


def test_dataset_checks_its_tensors():
    with pytest.raises(ValueError, match="float32"):
        data.Dataset("bad", torch.zeros(4, 3), None, 0, None, None)
    with pytest.raises(ValueError, match="labels"):
        data.Dataset("bad", torch.zeros(4, 2), torch.zeros(3, dtype=torch.int64), 2, None, None)


# ---- load_for: a DataConfig in, channels converted --------------------------------------


def test_load_for_converts_channels(tmp_path, cifar_without_md5):
    ring = data.load_for(DataConfig(name="ring8", n_samples=123), seed=4)
    assert torch.equal(ring.x, load("ring8", n=123, seed=4).x)
    rgb = data.load_for(DataConfig(name="digits", channels=3))
    assert rgb.x.shape == (1797, 3, 16, 16) and torch.equal(rgb.x[:, 2], load("digits").x[:, 0])
    _write_cifar(tmp_path)
    grey = data.load_for(DataConfig(name="cifar10", root=str(tmp_path), channels=1))
    colour = load("cifar10", root=tmp_path)
    luma = 0.299 * colour.x[:, 0] + 0.587 * colour.x[:, 1] + 0.114 * colour.x[:, 2]
    assert grey.x.shape == (10, 1, 16, 16) and torch.equal(grey.labels, colour.labels)
    assert_close(grey.x[:, 0], luma)
