"""Generators and discriminators: MLPs for 2-D points, DCGANs for images.

The article's own networks, rebuilt, live in ganlab/article.py.

One convention, shared with losses.py: G maps noise z (B, z_dim) to a sample, either
points (B, 2) or images (B, C, H, W) in [-1, 1] (tanh); D maps a sample to one raw logit
per sample, shape (B,), and scores real data high. No sigmoid: the losses apply it
inside a stable softplus.

Conditional models (`n_classes > 0`) also take `labels` (B,) int64:
- G looks the label up in an embedding and concatenates it to z (Mirza & Osindero 2014);
- D is a projection discriminator (Miyato & Koyama 2018). With features h = phi(x) (B, F),
      logit = w . h + b + embed(y) . h
  i.e. every class adds its own correction embed(y) to the weights w of the last layer.
"""

from __future__ import annotations

import math
from itertools import pairwise
from typing import TYPE_CHECKING

import torch
from torch import Tensor, nn
from torch.nn.utils import parametrize
from torch.nn.utils.parametrizations import spectral_norm as _spectral_norm

from ganlab.article import ArticleDiscriminator, ArticleGenerator
from ganlab.checks import check_choice, check_int, check_interval, check_labels, fail

if TYPE_CHECKING:
    from ganlab.config import Config
    from ganlab.data import Dataset

SUPPORTED_SIZES = (16, 32, 64)


# ----------------------------------------------------------------------------- helpers
def _check_common(z_or_in: tuple[str, int], n_classes: int, dropout: float = 0.0) -> None:
    check_int(z_or_in[0], z_or_in[1], minimum=1)
    check_int("n_classes", n_classes, minimum=0)
    check_interval("dropout", dropout, 0.0, 1.0)


def _check_labels(labels: Tensor | None, embed: nn.Embedding | None, batch: int) -> None:
    check_labels(labels, 0 if embed is None else embed.num_embeddings, batch)


def _join_label(z: Tensor, labels: Tensor | None, embed: nn.Embedding | None) -> Tensor:
    """G's input: z (B, z_dim), or [z, embed(y)] (B, 2 z_dim) when conditional."""
    _check_labels(labels, embed, z.shape[0])
    return z if embed is None else torch.cat([z, embed(labels)], dim=1)


def _project(logit: Tensor, h: Tensor, labels: Tensor | None, embed: nn.Embedding | None) -> Tensor:
    """logit (B,) + <embed(y), h> summed over h's F features (projection D); h (B, F)."""
    _check_labels(labels, embed, h.shape[0])
    return logit if embed is None else logit + (embed(labels) * h).sum(dim=1)


def _projection_embedding(n_classes: int, features: int) -> nn.Embedding | None:
    if n_classes == 0:
        return None
    embed = nn.Embedding(n_classes, features)
    # Same scale as the last layer's weights, so the class term starts no louder than w . h.
    nn.init.normal_(embed.weight, 0.0, 0.02)
    return embed


class Dropout(nn.Module):
    """nn.Dropout whose mask comes from `self.generator` (a torch.Generator; None: the
    global RNG). The trainer hands D its own generator (`use_generator`), so a run's
    dropout depends on its seed alone, whatever other threads draw meanwhile."""

    def __init__(self, p: float) -> None:
        super().__init__()
        check_interval("dropout", p, 0.0, 1.0)
        self.p, self.generator = p, None

    def forward(self, x: Tensor) -> Tensor:
        if not self.training or self.p == 0:
            return x
        u = torch.rand(x.shape, device=x.device, generator=self.generator)
        return x * (u >= self.p) / (1 - self.p)  # keep with probability 1 - p, rescaled

    def extra_repr(self) -> str:
        return f"p={self.p}"


def use_generator(net: nn.Module, generator: torch.Generator) -> None:
    """Every ganlab Dropout inside `net` draws its masks from `generator` from now on."""
    for m in net.modules():
        if isinstance(m, Dropout):
            m.generator = generator


def _apply_spectral_norm(net: nn.Module) -> None:
    """W -> W / sigma_max(W) on every conv, linear and embedding inside `net` (SNGAN).

    sigma_max is estimated by power iteration: one step per forward pass in train mode.
    Beware: in train mode even *reading* `m.weight` (e.g. to plot it) runs a step and
    changes the estimate; call `net.eval()` first to look without touching it.
    """
    for m in list(net.modules()):
        if isinstance(m, (nn.Conv2d, nn.Linear, nn.Embedding)):
            _spectral_norm(m)


def _raw_weight(m: nn.Module) -> Tensor:
    """The trainable weight: under spectral norm, the one before dividing by sigma."""
    if parametrize.is_parametrized(m, "weight"):
        return m.parametrizations.weight.original
    return m.weight


def init_dcgan_weights(module: nn.Module) -> None:
    """DCGAN initialisation (Radford et al. 2016), in place, on every layer inside `module`.

    conv / linear weights ~ N(0, 0.02), batch-norm scale ~ N(1, 0.02), biases = 0.
    Embeddings keep their own init. Call it on a whole net (no `.apply` needed).
    """
    for m in module.modules():
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
            nn.init.normal_(_raw_weight(m), 0.0, 0.02)
        elif isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)) and m.affine:
            nn.init.normal_(m.weight, 1.0, 0.02)
        else:
            continue
        if m.bias is not None:
            nn.init.zeros_(m.bias)


# ----------------------------------------------------------------------------- 2-D: MLPs
class MLPGenerator(nn.Module):
    """z (B, z_dim) -> point (B, out_dim): `depth` hidden layers of `hidden` units, ReLU."""

    def __init__(
        self,
        z_dim: int = 8,
        out_dim: int = 2,
        hidden: int = 128,
        depth: int = 3,
        n_classes: int = 0,
    ) -> None:
        super().__init__()
        _check_common(("z_dim", z_dim), n_classes)
        check_int("depth", depth, minimum=1)  # at least one hidden layer
        self.embed = nn.Embedding(n_classes, z_dim) if n_classes else None
        dims = [z_dim * (2 if n_classes else 1)] + [hidden] * depth
        layers: list[nn.Module] = []
        for d_in, d_out in pairwise(dims):
            layers += [nn.Linear(d_in, d_out), nn.ReLU()]  # (B, hidden)
        self.net = nn.Sequential(*layers, nn.Linear(hidden, out_dim))  # (B, out_dim)

    def forward(self, z: Tensor, labels: Tensor | None = None) -> Tensor:
        return self.net(_join_label(z, labels, self.embed))


class MLPDiscriminator(nn.Module):
    """point (B, in_dim) -> logit (B,): `depth` hidden layers, LeakyReLU(0.2), optional
    dropout after each and spectral norm on every weight."""

    def __init__(
        self,
        in_dim: int = 2,
        hidden: int = 128,
        depth: int = 3,
        spectral_norm: bool = False,
        dropout: float = 0.0,
        n_classes: int = 0,
    ) -> None:
        super().__init__()
        _check_common(("in_dim", in_dim), n_classes, dropout)
        check_int("depth", depth, minimum=1)  # at least one hidden layer
        dims = [in_dim] + [hidden] * depth
        layers: list[nn.Module] = []
        for d_in, d_out in pairwise(dims):
            layers += [nn.Linear(d_in, d_out), nn.LeakyReLU(0.2)]  # (B, hidden)
            layers += [Dropout(dropout)] if dropout else []
        self.features = nn.Sequential(*layers)  # h: (B, hidden)
        self.head = nn.Linear(hidden, 1)  # (B, 1)
        self.embed = _projection_embedding(n_classes, hidden)
        if spectral_norm:
            _apply_spectral_norm(self)

    def forward(self, x: Tensor, labels: Tensor | None = None) -> Tensor:
        h = self.features(x)
        return _project(self.head(h).squeeze(1), h, labels, self.embed)


# ----------------------------------------------------------------------------- images: DCGAN
def _channel_pyramid(image_size: int, width: int) -> list[int]:
    """D's channels at sizes image_size/2, /4, ..., 4: doubling each time the size halves.

    64 px: [w, 2w, 4w, 8w] at 32, 16, 8, 4 px;  32 px: [w, 2w, 4w];  16 px: [w, 2w].
    G runs the same list backwards (pytorch/examples dcgan: ngf = ndf = w at 64 px).
    """
    check_choice("image_size", image_size, SUPPORTED_SIZES)
    check_int("width", width, minimum=1)
    n_halvings = int(math.log2(image_size)) - 2  # from image_size/2 down to 4 px
    return [width * 2**i for i in range(n_halvings)]


class DCGANGenerator(nn.Module):
    """z (B, z_dim) -> image (B, channels, size, size) in [-1, 1].

    Project z to 4x4 with ConvTranspose(k4, s1, p0), then double the size and halve the
    channels with ConvTranspose(k4, s2, p1) + BN + ReLU until the last layer, which
    makes `channels` maps and ends in tanh. As in pytorch/examples, a conv followed by BN
    has no bias (BN's shift replaces it), and neither has the output layer.
    """

    def __init__(
        self,
        z_dim: int = 64,
        image_size: int = 32,
        channels: int = 1,
        width: int = 64,
        batch_norm: bool = True,
        n_classes: int = 0,
    ) -> None:
        super().__init__()
        _check_common(("z_dim", z_dim), n_classes)
        check_int("channels", channels, minimum=1)  # 1 (grey) or 3 (RGB)
        chans = _channel_pyramid(image_size, width)[::-1]  # 64 px: [8w, 4w, 2w, w]

        def up(c_in: int, c_out: int, stride: int, padding: int) -> list[nn.Module]:
            conv = nn.ConvTranspose2d(c_in, c_out, 4, stride, padding, bias=not batch_norm)
            return [conv, *([nn.BatchNorm2d(c_out)] if batch_norm else []), nn.ReLU(True)]

        self.embed = nn.Embedding(n_classes, z_dim) if n_classes else None
        z_in = z_dim * (2 if n_classes else 1)
        layers = up(z_in, chans[0], 1, 0)  # (B, 8w, 4, 4) at 64 px
        for c_in, c_out in pairwise(chans):
            layers += up(c_in, c_out, 2, 1)  # (B, c_out, 2s, 2s): (B, 4w, 8, 8), (B, 2w, 16, 16)...
        layers += [nn.ConvTranspose2d(chans[-1], channels, 4, 2, 1, bias=False), nn.Tanh()]
        self.net = nn.Sequential(*layers)  # (B, channels, size, size)
        init_dcgan_weights(self)

    def forward(self, z: Tensor, labels: Tensor | None = None) -> Tensor:
        z = _join_label(z, labels, self.embed)  # (B, z_in)
        return self.net(z[:, :, None, None])  # as a (B, z_in, 1, 1) "image"


class DCGANDiscriminator(nn.Module):
    """image (B, channels, size, size) -> logit (B,).

    Conv(k4, s2, p1) + BN + LeakyReLU(0.2) halves the size and doubles the channels down
    to 4x4 (no BN on the first layer, DCGAN); Conv(k4, s1, p0) maps the 4x4 features to
    one logit. Dropout follows each LeakyReLU if `dropout > 0`; `spectral_norm` divides
    every weight by its largest singular value (SNGAN). Projection when `n_classes > 0`.
    """

    def __init__(
        self,
        image_size: int = 32,
        channels: int = 1,
        width: int = 64,
        batch_norm: bool = True,
        spectral_norm: bool = False,
        dropout: float = 0.0,
        n_classes: int = 0,
    ) -> None:
        super().__init__()
        _check_common(("channels", channels), n_classes, dropout)
        chans = _channel_pyramid(image_size, width)  # 64 px: [w, 2w, 4w, 8w]
        layers: list[nn.Module] = []
        for i, (c_in, c_out) in enumerate(pairwise([channels, *chans])):
            bn = batch_norm and i > 0
            layers.append(nn.Conv2d(c_in, c_out, 4, 2, 1, bias=not bn))  # (B, c_out, s/2, s/2)
            layers += [nn.BatchNorm2d(c_out)] if bn else []
            layers.append(nn.LeakyReLU(0.2))
            layers += [Dropout(dropout)] if dropout else []
        self.features = nn.Sequential(*layers)  # h: (B, 8w, 4, 4) at 64 px
        self.head = nn.Conv2d(chans[-1], 1, 4, 1, 0)  # (B, 1, 1, 1): a linear map of all of h
        self.embed = _projection_embedding(n_classes, chans[-1] * 4 * 4)
        init_dcgan_weights(self)
        if spectral_norm:  # after the init, so the power iteration starts on the final weights
            _apply_spectral_norm(self)

    def forward(self, x: Tensor, labels: Tensor | None = None) -> Tensor:
        h = self.features(x)  # (B, 8w, 4, 4)
        return _project(self.head(h).flatten(), h.flatten(1), labels, self.embed)


# ----------------------------------------------------------------------------- build
def build(config: Config, data: Dataset) -> tuple[nn.Module, nn.Module]:
    """The G/D pair a config describes, shaped for `data` (its size, channels, classes)."""
    m = config.model
    n_classes = data.n_classes if m.conditional else 0
    if m.conditional and not n_classes:
        fail("model.conditional", True, f"it needs labelled data, and {data.name!r} has none")
    arch = config.resolved_arch
    if arch == "article":
        return ArticleGenerator(), ArticleDiscriminator()
    if arch == "mlp":
        g = MLPGenerator(m.z_dim, data.dim, m.hidden, m.depth, n_classes)
        d = MLPDiscriminator(data.dim, m.hidden, m.depth, m.spectral_norm, m.dropout, n_classes)
        return g, d
    g = DCGANGenerator(m.z_dim, data.image_size, data.channels, m.width, m.g_batch_norm, n_classes)
    d = DCGANDiscriminator(
        data.image_size,
        data.channels,
        m.width,
        m.d_batch_norm,
        m.spectral_norm,
        m.dropout,
        n_classes,
    )
    return g, d
