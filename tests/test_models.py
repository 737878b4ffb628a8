"""Tests for ganlab.models: shapes, ranges, conditioning, spectral/batch norm, init, errors."""

import pytest
import torch
from torch import nn

from ganlab.article import ArticleDiscriminator, ArticleGenerator
from ganlab.models import (
    SUPPORTED_SIZES,
    DCGANDiscriminator,
    DCGANGenerator,
    Dropout,
    MLPDiscriminator,
    MLPGenerator,
    init_dcgan_weights,
)

B = 3  # small batches: the shapes are what matter
N_CLASSES = 4


@pytest.fixture(autouse=True)
def _seed():
    torch.manual_seed(0)


def _labels(n: int = B) -> torch.Tensor:
    return torch.arange(n) % N_CLASSES


def _top_singular_value(w: torch.Tensor, dim: int = 0) -> float:
    """sigma_max of w viewed as a matrix (outputs along `dim`), as spectral norm sees it."""
    return torch.linalg.matrix_norm(w.movedim(dim, 0).flatten(1), ord=2).item()


# ----------------------------------------------------------------------------- DCGAN shapes
@pytest.mark.parametrize("n_classes", [0, N_CLASSES])
@pytest.mark.parametrize("channels", [1, 3])
@pytest.mark.parametrize("size", SUPPORTED_SIZES)
def test_dcgan_shapes_and_range(size, channels, n_classes):
    G = DCGANGenerator(z_dim=8, image_size=size, channels=channels, width=4, n_classes=n_classes)
    D = DCGANDiscriminator(image_size=size, channels=channels, width=4, n_classes=n_classes)
    labels = _labels() if n_classes else None
    x = G(torch.randn(B, 8), labels)
    assert x.shape == (B, channels, size, size)
    assert x.min() >= -1 and x.max() <= 1
    logits = D(x, labels)
    assert logits.shape == (B,)
    assert torch.isfinite(logits).all()


@pytest.mark.parametrize("channels", [1, 3])
@pytest.mark.parametrize("size", SUPPORTED_SIZES)
def test_conditional_generator_uses_the_label(size, channels):
    G = DCGANGenerator(z_dim=8, image_size=size, channels=channels, width=4, n_classes=N_CLASSES)
    z = torch.randn(1, 8).expand(4, 8)  # the same z four times
    x = G(z, torch.tensor([0, 1, 2, 0]))  # train mode: batch norm rescales to unit size
    assert (x[0] - x[1]).abs().max() > 1e-2
    assert (x[0] - x[2]).abs().max() > 1e-2
    torch.testing.assert_close(x[0], x[3])  # same z, same label: same image


@pytest.mark.parametrize("size", SUPPORTED_SIZES)
def test_projection_discriminator_formula(size):
    """logit = w . h + b + <embed(y), h>, with h the flattened 4x4 features."""
    D = DCGANDiscriminator(image_size=size, channels=3, width=4, n_classes=N_CLASSES).eval()
    nn.init.normal_(D.embed.weight)  # make the class term large enough to matter
    x, y = torch.randn(B, 3, size, size), _labels()
    h = D.features(x)
    expected = D.head(h).flatten() + (D.embed.weight[y] * h.flatten(1)).sum(1)
    torch.testing.assert_close(D(x, y), expected)
    assert (D(x, y) - D(x, (y + 1) % N_CLASSES)).abs().max() > 1e-3


# ----------------------------------------------------------------------------- MLPs
@pytest.mark.parametrize("n_classes", [0, N_CLASSES])
def test_mlp_shapes(n_classes):
    G = MLPGenerator(z_dim=5, out_dim=2, hidden=16, depth=2, n_classes=n_classes)
    D = MLPDiscriminator(in_dim=2, hidden=16, depth=2, dropout=0.2, n_classes=n_classes)
    labels = _labels() if n_classes else None
    x = G(torch.randn(B, 5), labels)
    assert x.shape == (B, 2)
    assert D(x, labels).shape == (B,)
    linears = [m for m in G.modules() if isinstance(m, nn.Linear)]
    assert len(linears) == 3  # depth hidden layers + output
    assert sum(isinstance(m, nn.LeakyReLU) for m in D.modules()) == 2
    assert sum(isinstance(m, Dropout) for m in D.modules()) == 2


def test_mlp_conditional_generator_uses_the_label():
    G = MLPGenerator(z_dim=4, hidden=16, depth=2, n_classes=N_CLASSES)
    z = torch.randn(1, 4).expand(2, 4)
    x = G(z, torch.tensor([0, 1]))
    assert (x[0] - x[1]).abs().max() > 1e-4


def test_dropout_is_active_in_train_mode_only():
    D = DCGANDiscriminator(image_size=16, width=4, dropout=0.5)
    x = torch.randn(B, 1, 16, 16)
    assert not torch.equal(D(x), D(x))
    D.eval()
    torch.testing.assert_close(D(x), D(x))


# ----------------------------------------------------------------------------- normalisation
def _spectrally_normalised(net: nn.Module) -> list[nn.Module]:
    return [m for m in net.modules() if hasattr(m, "parametrizations")]


@pytest.mark.parametrize(
    "make",
    [
        lambda: DCGANDiscriminator(
            image_size=16,
            channels=3,
            width=8,
            batch_norm=False,
            spectral_norm=True,
            n_classes=N_CLASSES,
        ),
        lambda: MLPDiscriminator(hidden=32, spectral_norm=True, n_classes=N_CLASSES),
    ],
    ids=["dcgan", "mlp"],
)
def test_spectral_norm_constrains_the_largest_singular_value(make):
    D = make().train()
    layers = _spectrally_normalised(D)
    assert len(layers) >= 3  # every conv/linear plus the projection embedding
    is_image = isinstance(D, DCGANDiscriminator)
    x = torch.randn(B, 3, 16, 16) if is_image else torch.randn(B, 2)
    with torch.no_grad():  # give every raw weight sigma_max = 5: SN must undo the scale
        for m in layers:
            raw = m.parametrizations.weight.original
            raw.mul_(5.0 / _top_singular_value(raw))
    for _ in range(10):  # each train-mode forward runs one power iteration
        D(x, _labels())
    for m in layers:
        assert _top_singular_value(m.weight) == pytest.approx(1.0, abs=0.03)


def test_no_spectral_norm_by_default():
    assert _spectrally_normalised(DCGANDiscriminator(image_size=16, width=4)) == []
    assert _spectrally_normalised(MLPDiscriminator(hidden=8)) == []


@pytest.mark.parametrize("size", SUPPORTED_SIZES)
def test_batch_norm_flags(size):
    def n_bn(net):
        return sum(isinstance(m, nn.BatchNorm2d) for m in net.modules())

    n_blocks = {16: 2, 32: 3, 64: 4}[size]  # resolutions between 4 px and the image
    kw = dict(image_size=size, width=4)
    assert n_bn(DCGANGenerator(batch_norm=True, **kw)) == n_blocks
    assert n_bn(DCGANGenerator(batch_norm=False, **kw)) == 0
    D = DCGANDiscriminator(batch_norm=True, **kw)
    assert n_bn(D) == n_blocks - 1  # none after the first conv (DCGAN)
    assert isinstance(D.features[1], nn.LeakyReLU)
    assert n_bn(DCGANDiscriminator(batch_norm=False, **kw)) == 0


# ----------------------------------------------------------------------------- init
def test_init_dcgan_weights_statistics():
    net = nn.Sequential(nn.Linear(16, 4096), nn.ConvTranspose2d(16, 256, 4), nn.BatchNorm2d(512))
    assert net[0].weight.std() > 0.1  # PyTorch's default for fan_in 16: ~0.144
    init_dcgan_weights(net)
    for layer in net[:2]:
        assert layer.weight.std().item() == pytest.approx(0.02, abs=5e-4)
        assert layer.weight.mean().item() == pytest.approx(0.0, abs=5e-4)
        assert torch.count_nonzero(layer.bias) == 0
    assert net[2].weight.mean().item() == pytest.approx(1.0, abs=5e-3)
    assert net[2].weight.std().item() == pytest.approx(0.02, abs=5e-3)
    assert torch.count_nonzero(net[2].bias) == 0


def test_init_reaches_the_raw_weight_under_spectral_norm():
    D = MLPDiscriminator(hidden=256, depth=2, spectral_norm=True)
    init_dcgan_weights(D)
    raw = D.features[2].parametrizations.weight.original  # the 256x256 hidden layer
    assert raw.std().item() == pytest.approx(0.02, abs=1e-3)


def test_dcgan_models_start_dcgan_initialised():
    G = DCGANGenerator(z_dim=100, image_size=32, width=32)
    assert G.net[0].weight.std().item() == pytest.approx(0.02, abs=1e-3)  # 100x128x4x4


# ----------------------------------------------------------------------------- reference count
def _pytorch_examples_dcgan_generator(nz: int, ngf: int, nc: int) -> nn.Sequential:
    """pytorch/examples dcgan/main.py `Generator.main`, copied layer for layer."""
    return nn.Sequential(
        nn.ConvTranspose2d(nz, ngf * 8, 4, 1, 0, bias=False),
        nn.BatchNorm2d(ngf * 8),
        nn.ReLU(True),
        nn.ConvTranspose2d(ngf * 8, ngf * 4, 4, 2, 1, bias=False),
        nn.BatchNorm2d(ngf * 4),
        nn.ReLU(True),
        nn.ConvTranspose2d(ngf * 4, ngf * 2, 4, 2, 1, bias=False),
        nn.BatchNorm2d(ngf * 2),
        nn.ReLU(True),
        nn.ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, bias=False),
        nn.BatchNorm2d(ngf),
        nn.ReLU(True),
        nn.ConvTranspose2d(ngf, nc, 4, 2, 1, bias=False),
        nn.Tanh(),
    )


def test_dcgan_generator_matches_pytorch_examples():
    ours = DCGANGenerator(z_dim=100, image_size=64, channels=3, width=64)
    ref = _pytorch_examples_dcgan_generator(nz=100, ngf=64, nc=3)
    shapes = [tuple(p.shape) for p in ours.parameters()]
    assert shapes == [tuple(p.shape) for p in ref.parameters()]
    n_ours = sum(p.numel() for p in ours.parameters())
    assert n_ours == sum(p.numel() for p in ref.parameters())
    assert n_ours == 3_576_704


# ----------------------------------------------------------------------------- the article
def test_article_nets():
    G, D = ArticleGenerator(), ArticleDiscriminator()
    x = G(torch.randn(2, 100))
    assert x.shape == (2, 3, 64, 64)
    assert x.min() >= -1 and x.max() <= 1
    assert D(x).shape == (2,)
    assert not any(isinstance(m, nn.Sigmoid) for m in D.modules())  # D returns a logit
    bns = [m for m in G.modules() if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d))]
    assert len(bns) == 7
    assert all(m.momentum == pytest.approx(0.2) for m in bns)  # Keras momentum 0.8
    linears = [m for m in G.modules() if isinstance(m, nn.Linear)]
    assert [m.out_features for m in linears] == [128, 128, 1024, 1024, 4096]
    with pytest.raises(ValueError, match="unconditional"):
        D(x, torch.tensor([0, 1]))


# ----------------------------------------------------------------------------- errors
@pytest.mark.parametrize("make", [DCGANGenerator, DCGANDiscriminator])
def test_unsupported_image_size(make):
    with pytest.raises(ValueError, match=r"image_size = 48 .*16, 32, 64"):
        make(image_size=48)


@pytest.mark.parametrize(
    "make, x",
    [
        (lambda n: DCGANGenerator(z_dim=8, image_size=16, width=4, n_classes=n), torch.randn(B, 8)),
        (
            lambda n: DCGANDiscriminator(image_size=16, width=4, n_classes=n),
            torch.randn(B, 1, 16, 16),
        ),
        (lambda n: MLPGenerator(z_dim=8, hidden=8, n_classes=n), torch.randn(B, 8)),
        (lambda n: MLPDiscriminator(hidden=8, n_classes=n), torch.randn(B, 2)),
    ],
    ids=["dcgan_g", "dcgan_d", "mlp_g", "mlp_d"],
)
def test_label_errors(make, x):
    with pytest.raises(ValueError, match=r"labels = None.*n_classes = 4.*0\.\.3"):
        make(N_CLASSES)(x)
    with pytest.raises(ValueError, match="unconditional"):
        make(0)(x, _labels())
    with pytest.raises(ValueError, match=r"shape \(3,\)"):
        make(N_CLASSES)(x, torch.zeros(B, 1, dtype=torch.long))
    with pytest.raises(ValueError, match="integers"):
        make(N_CLASSES)(x, torch.zeros(B))


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: DCGANDiscriminator(dropout=1.0), "dropout = 1.0"),
        (lambda: MLPDiscriminator(dropout=-0.1), "dropout = -0.1"),
        (lambda: MLPGenerator(depth=0), "depth = 0"),
        (lambda: DCGANGenerator(width=0), "width = 0"),
        (lambda: DCGANGenerator(n_classes=-1), "n_classes = -1"),
    ],
)
def test_bad_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_dropout_draws_its_mask_from_its_own_generator():
    # issue 12, bug 5: nn.Dropout drew from the global RNG, shared by every thread.
    x, drop = torch.ones(4000), Dropout(0.25)
    drop.generator = torch.Generator().manual_seed(1)
    a = drop(x)
    torch.manual_seed(0)  # the global RNG plays no part
    drop.generator = torch.Generator().manual_seed(1)
    torch.testing.assert_close(drop(x), a, rtol=0, atol=0)
    torch.testing.assert_close(a.unique(), torch.tensor([0.0, 4 / 3]))  # kept: scaled 1/(1-p)
    assert abs((a == 0).float().mean().item() - 0.25) < 0.03
    torch.testing.assert_close(drop.eval()(x), x)  # eval mode: the identity
