"""Configuration: three small dataclasses, checked the moment they are built.

A run is described by a `Config` holding a `DataConfig` (what to learn), a
`ModelConfig` (which networks) and a `TrainConfig` (how to train them). Every field
has a commented default; a bad value raises `ValueError` naming the field, the value
and what is allowed, so a typo never trains the wrong thing silently.

    cfg = preset("ring8")                        # a named starting point
    cfg = preset("digits", train={"steps": 500})  # ... with overrides
    Config.from_dict(cfg.to_dict()) == cfg       # round-trips through JSON
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from ganlab.checks import (
    check_choice,
    check_int,
    check_interval,
    check_non_negative,
    check_points,
    check_positive,
    fail,
)

# The names each choice accepts. losses.LOSSES, data.DATASETS and models.build are
# tested to agree with these lists.
TWO_D_DATASETS = ("ring8", "grid25", "spiral", "moons", "circles", "drawn")  # drawn: your own
IMAGE_DATASETS = ("digits", "mnist", "fashion_mnist", "cifar10", "folder")
DATASETS = TWO_D_DATASETS + IMAGE_DATASETS
LOSSES = ("minimax", "non_saturating", "least_squares", "wasserstein", "hinge")
PROBABILITY_LOSSES = ("minimax", "non_saturating")  # the losses.LOSSES with probability=True
ARCHS = ("auto", "mlp", "dcgan", "article")
IMAGE_SIZES = (16, 32, 64)
MIN_DRAWN_MODES, MIN_DRAWN_SPAN = 2, 0.5  # a drawing: at least 2 modes, not all in one spot
AUGMENTATIONS = ("translation", "cutout", "flip")
DEVICES = ("auto", "cpu", "cuda", "mps")
PRECISIONS = ("auto", "fp32", "bf16")


@dataclass
class DataConfig:
    """What the GAN learns."""

    name: str = "ring8"  # one of DATASETS; 2-D toys and `digits` need no download
    n_samples: int = 10_000  # 2-D sets: points drawn once, then batched from memory
    image_size: int = 16  # images: 16, 32 or 64 pixels a side
    channels: int | None = None  # None keeps the data's own; 1 or 3 converts grey <-> RGB
    root: str = "data"  # where torchvision sets and `folder` images live on disk
    download: bool = False  # torchvision sets: fetch when missing (off: never touch the net)
    # "drawn": a mixture of Gaussians the student places on the plane (the dashboard's
    # drawing); its modes feed the coverage metric like a toy's.
    modes: tuple[tuple[float, float], ...] = ()  # drawn: the centres (x, y) of the blobs
    mode_std: float = 0.1  # drawn: the std of each blob
    title: str = ""  # drawn: the drawing's name

    def __post_init__(self) -> None:
        check_choice("data.name", self.name, DATASETS)
        check_int("data.n_samples", self.n_samples, minimum=1)
        check_choice("data.image_size", self.image_size, IMAGE_SIZES)
        check_choice("data.channels", self.channels, (None, 1, 3))
        check_interval("data.mode_std", self.mode_std, 0.01, 1.0, closed=True)
        if self.name != "drawn":
            if self.modes:
                fail("data.modes", self.modes, "modes are for data.name = 'drawn'")
            self.modes = ()  # JSON turns () into []: keep one spelling, so configs compare equal
            return
        self.modes = check_points("data.modes", self.modes, MIN_DRAWN_MODES, MIN_DRAWN_SPAN)
        self.title = str(self.title)

    @property
    def is_image(self) -> bool:
        return self.name in IMAGE_DATASETS

    @property
    def has_quality_bar(self) -> bool:
        return has_quality_bar(self.name)


def has_quality_bar(dataset: str) -> bool:
    """Is there a bar in ganlab.metrics.QUALITY_BARS for this data set (2-D sets, digits)?"""
    return dataset not in IMAGE_DATASETS or dataset == "digits"


@dataclass
class ModelConfig:
    """Which generator and discriminator."""

    arch: str = "auto"  # auto: mlp for 2-D data, dcgan for images; article: the article's nets
    z_dim: int = 8  # length of the noise vector z
    hidden: int = 128  # mlp: units per hidden layer
    depth: int = 3  # mlp: hidden layers
    width: int = 32  # dcgan: channels of the widest-resolution layer (pytorch/examples: 64)
    g_batch_norm: bool = True  # batch norm in G
    d_batch_norm: bool = True  # batch norm in D (dcgan); off for gradient penalties
    spectral_norm: bool = False  # spectral normalisation of D's weights (SNGAN)
    dropout: float = 0.0  # dropout in D
    conditional: bool = False  # label embedding in G, projection discriminator in D

    def __post_init__(self) -> None:
        check_choice("model.arch", self.arch, ARCHS)
        for name in ("z_dim", "hidden", "depth", "width"):
            check_int(f"model.{name}", getattr(self, name), minimum=1)
        check_interval("model.dropout", self.dropout, 0, 1)


@dataclass
class TrainConfig:
    """How G and D are trained."""

    loss: str = "non_saturating"  # one of LOSSES (see ganlab.losses)
    steps: int = 2000  # generator updates
    batch_size: int = 256
    lr_g: float = 2e-4  # TTUR: G and D may learn at different rates
    lr_d: float = 2e-4
    betas: tuple[float, float] = (0.5, 0.999)  # Adam; DCGAN's beta1 = 0.5
    n_critic: int = 1  # D updates per G update (WGAN: 5)
    gp_weight: float = 0.0  # WGAN-GP lambda (10 is usual); 0 = off
    r1_weight: float = 0.0  # R1 gamma; 0 = off
    r1_every: int = 1  # lazy R1 (StyleGAN2): apply it every k steps, k times as strong
    clip_weights: float = 0.0  # WGAN weight clipping bound c; 0 = off
    instance_noise: float = 0.0  # std of Gaussian noise added to D's inputs
    instance_noise_decay: int = 0  # steps over which that noise decays linearly to 0; 0 = constant
    label_smoothing: float = 0.0  # one-sided: real target 1 - s (minimax / non_saturating)
    grad_clip: float = 0.0  # clip each network's gradient norm; 0 = off
    weight_decay: float = 0.0  # L2 regularisation of both networks
    augment: tuple[str, ...] = ()  # DiffAugment for small image sets: translation, cutout, flip
    ema: float = 0.0  # sample from an exponential moving average of G's weights with this
    #                    decay (e.g. 0.999); 0 = sample from G itself
    d_freeze_accuracy: float = 0.0  # the article's advice: stop training D once its accuracy
    #                                  on a batch reaches this (e.g. 0.9); 0 = never
    seed: int = 0
    device: str = "auto"  # auto: cuda, then mps, then cpu
    precision: str = "auto"  # auto: bf16 autocast on CUDA, fp32 elsewhere
    compile: bool = False  # wrap G and D in torch.compile
    sync_batch_norm: bool = False  # several GPUs: batch statistics over the global batch
    log_every: int = 50  # steps between stats records (the only host syncs), plus one per eval
    eval_every: int = 500  # steps between metric evaluations; 0 = never
    stop_at_bar: bool = False  # end the run at the first evaluation that meets the data
    #                            set's quality bar (ganlab.metrics.QUALITY_BARS)
    ckpt_every: int = 0  # steps between checkpoints (CLI); 0 = only at the end

    def __post_init__(self) -> None:
        self.betas = tuple(self.betas)
        self.augment = tuple(self.augment)
        check_choice("train.loss", self.loss, LOSSES)
        check_choice("train.device", self.device, DEVICES)
        check_choice("train.precision", self.precision, PRECISIONS)
        for name in ("steps", "batch_size", "n_critic", "r1_every", "log_every"):
            check_int(f"train.{name}", getattr(self, name), minimum=1)
        for name in ("instance_noise_decay", "eval_every", "ckpt_every"):
            check_int(f"train.{name}", getattr(self, name), minimum=0)
        check_int("train.seed", self.seed)
        for name in ("lr_g", "lr_d"):
            check_positive(f"train.{name}", getattr(self, name))
        for name in ("gp_weight", "r1_weight", "clip_weights", "instance_noise", "grad_clip"):
            check_non_negative(f"train.{name}", getattr(self, name))
        check_non_negative("train.weight_decay", self.weight_decay)
        if len(self.betas) != 2 or not all(0 <= b < 1 for b in self.betas):
            fail("train.betas", self.betas, "two numbers in [0, 1), e.g. (0.5, 0.999)")
        check_interval("train.label_smoothing", self.label_smoothing, 0, 0.5)
        check_interval("train.ema", self.ema, 0, 1)
        check_interval("train.d_freeze_accuracy", self.d_freeze_accuracy, 0, 1, closed=True)
        for aug in self.augment:
            check_choice("train.augment item", aug, AUGMENTATIONS)
        if self.stop_at_bar and not self.eval_every:
            fail(
                "train.stop_at_bar",
                True,
                "the bar is checked at evaluations: set eval_every > 0, or stop_at_bar=False",
            )


@dataclass
class Config:
    """A whole run: data, model and training, checked together."""

    data: DataConfig = field(default_factory=DataConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    train: TrainConfig = field(default_factory=TrainConfig)

    def __post_init__(self) -> None:
        arch = self.model.arch
        if self.data.is_image and arch == "mlp":
            fail("model.arch", arch, f"{self.data.name!r} is an image set: use 'dcgan' or 'auto'")
        if not self.data.is_image and arch in ("dcgan", "article"):
            fail("model.arch", arch, f"{self.data.name!r} is 2-D data: use 'mlp' or 'auto'")
        if arch == "article" and (self.data.image_size, self.data.channels) != (64, 3):
            fail(
                "data.image_size/channels",
                (self.data.image_size, self.data.channels),
                "the article's nets make 64x64 RGB images: set image_size=64, channels=3",
            )
        if arch == "article":
            _check_article(self.model)
        if self.train.augment and not self.data.is_image:
            fail("train.augment", self.train.augment, "augmentation is for image data only")
        penalised = self.train.gp_weight > 0 or self.train.r1_weight > 0
        if penalised and self.data.is_image and self.model.d_batch_norm:
            fail(
                "model.d_batch_norm",
                True,
                "gradient penalties need per-sample gradients: "
                "set d_batch_norm=False (or spectral_norm=True instead)",
            )
        if self.train.stop_at_bar and not self.data.has_quality_bar:
            fail(
                "train.stop_at_bar",
                True,
                f"{self.data.name!r} has no quality bar; 2-D sets and digits have one",
            )
        if self.train.label_smoothing and self.train.loss not in PROBABILITY_LOSSES:
            fail(
                "train.label_smoothing",
                self.train.label_smoothing,
                f"it smooths a probability target, so it needs a loss in {PROBABILITY_LOSSES}",
            )

    @property
    def resolved_arch(self) -> str:
        if self.model.arch != "auto":
            return self.model.arch
        return "dcgan" if self.data.is_image else "mlp"

    def to_dict(self) -> dict[str, dict[str, Any]]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, dict[str, Any]]) -> Config:
        return cls(**{part: _build(part, d.get(part, {})) for part in ("data", "model", "train")})

    def replace(self, **parts: dict[str, Any]) -> Config:
        """A copy with some fields changed: `cfg.replace(train={"steps": 10})`.

        Asking for no evaluations (train eval_every=0) also ends a stop at the quality bar,
        which is checked at evaluations, unless the same call sets stop_at_bar itself.
        """
        d = self.to_dict()
        for part, changes in parts.items():
            if part not in d:
                fail("part", part, "choose 'data', 'model' or 'train'")
            d[part].update(changes)
        train = parts.get("train", {})
        if train.get("eval_every") == 0 and "stop_at_bar" not in train:
            d["train"]["stop_at_bar"] = False
        return Config.from_dict(d)


def _check_article(m: ModelConfig) -> None:
    """The article's nets are fixed: options they do not have must not pass silently."""
    if m.z_dim != 100:
        fail("model.z_dim", m.z_dim, "the article's generator takes z of length 100")
    if m.conditional:
        fail("model.conditional", True, "the article's nets take no labels: use arch='dcgan'")
    if m.spectral_norm:
        fail("model.spectral_norm", True, "the article's D has none: use arch='dcgan'")
    if m.dropout:
        fail("model.dropout", m.dropout, "the article's D has none: use arch='dcgan'")


_PARTS = {"data": DataConfig, "model": ModelConfig, "train": TrainConfig}


def _build(part: str, values: dict[str, Any]):
    cls = _PARTS[part]
    known = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(values) - known)
    if unknown:
        fail(f"{part} field", unknown[0], "known fields are " + ", ".join(sorted(known)))
    return cls(**values)


# Small named presets: each is a dict of overrides on the defaults above. `ring8` and
# `digits` are tuned to reach good quality on a 2-core laptop (figures in the README).
PRESETS: dict[str, dict[str, dict[str, Any]]] = {
    "ring8": {
        "data": {"name": "ring8"},
        # z_dim 2: a 2-D noise space folds onto 8 modes with the least mass in between;
        # R1 keeps D smooth around the data, the EMA of G averages out its wobble. Tuned
        # for time to quality over seeds (README, Performance): a higher learning rate,
        # Adam's beta2 0.9 (its step size follows the players' changing gradient scale
        # within ~10 steps, not ~1,000: 1,000 steps to the bar instead of 1,750), a
        # lighter R1 applied lazily every 4th step, and a stop at the quality bar.
        "model": {"arch": "mlp", "z_dim": 2, "hidden": 128, "depth": 3},
        "train": {
            "loss": "non_saturating",
            "steps": 3000,
            "batch_size": 256,
            "lr_g": 3e-3,
            "lr_d": 3e-3,
            "betas": (0.5, 0.9),
            "r1_weight": 0.3,
            "r1_every": 4,
            "ema": 0.98,
            "eval_every": 250,
            "stop_at_bar": True,
        },
    },
    "digits": {
        "data": {"name": "digits", "image_size": 16},
        # Spectral norm instead of batch norm in D, D learning twice as fast (TTUR) and an
        # EMA of G: measured to halve the Fréchet distance of the plain DCGAN recipe.
        "model": {
            "arch": "dcgan",
            "z_dim": 32,
            "width": 32,
            "d_batch_norm": False,
            "spectral_norm": True,
        },
        "train": {
            "loss": "non_saturating",
            "steps": 3000,  # at most: the run stops at its quality bar (about 1,700 steps)
            "batch_size": 64,
            "lr_g": 2e-4,
            "lr_d": 4e-4,
            "ema": 0.99,
            "eval_every": 250,
            "stop_at_bar": True,
        },
    },
    "digits32": {
        "data": {"name": "digits", "image_size": 32},
        "model": {"arch": "dcgan", "z_dim": 64, "width": 32},
        "train": {"loss": "non_saturating", "steps": 3000, "batch_size": 64, "eval_every": 500},
    },
    "article": {
        "data": {"name": "digits", "image_size": 64, "channels": 3},
        "model": {"arch": "article", "z_dim": 100},
        "train": {"loss": "least_squares", "steps": 500, "batch_size": 64, "eval_every": 0},
    },
    "mnist": {
        "data": {"name": "mnist", "image_size": 32},
        "model": {"arch": "dcgan", "z_dim": 100, "width": 64},
        "train": {"steps": 10_000, "batch_size": 128, "eval_every": 0},
    },
    "cifar10": {
        "data": {"name": "cifar10", "image_size": 32},
        "model": {
            "arch": "dcgan",
            "z_dim": 128,
            "width": 64,
            "d_batch_norm": False,
            "spectral_norm": True,
        },
        "train": {
            "loss": "hinge",
            "steps": 50_000,
            "batch_size": 64,
            "eval_every": 0,
            "betas": (0.0, 0.9),
        },
    },
    "folder64": {
        "data": {"name": "folder", "image_size": 64, "channels": 3},
        "model": {"arch": "dcgan", "z_dim": 128, "width": 64},
        "train": {"steps": 50_000, "batch_size": 128, "eval_every": 0},
    },
}


def preset(name: str = "ring8", **overrides: dict[str, Any]) -> Config:
    """The named preset, with optional per-part overrides: `preset("digits", train={...})`."""
    check_choice("preset", name, tuple(PRESETS))
    return Config.from_dict(PRESETS[name]).replace(**overrides)
