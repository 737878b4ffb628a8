"""The training loop: one explicit loop for GPU and CPU.

One training step, top to bottom (Goodfellow et al. 2014, Algorithm 1):

    for n_critic times:   D step  -- push D(x) up on real data, D(G(z)) down on fakes
    once:                 G step  -- change G so that D scores its fakes higher

Each step is its own small method with its own optimizer. Statistics stay on the
device and are read every `log_every` steps, the only time the loop waits for the
GPU; each read becomes a record sent to every subscriber (the progress bar, a
notebook plot, the dashboard) -- they all see the same numbers.

    trainer = Trainer(preset("ring8"))
    trainer.subscribe(print)
    trainer.run(500)
    x = trainer.sample(1000)
"""

from __future__ import annotations

import contextlib
import copy
import math
import time
from collections.abc import Callable, Iterator
from typing import Any

import torch
import torch.nn as nn

from ganlab import checkpoint, distributed, losses, metrics, models
from ganlab.augment import diff_augment
from ganlab.config import Config
from ganlab.data import Dataset, load_for
from ganlab.latent import sample_z

Record = dict[str, Any]
N_EVAL_SAMPLES = 2000  # samples drawn for each metric evaluation


class TrainingDiverged(RuntimeError):
    """A loss or a weight stopped being a finite number."""


def resolve_device(name: str = "auto") -> torch.device:
    """'auto' picks cuda, then mps, then cpu."""
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    return torch.device(name)


class Trainer:
    """Trains a G/D pair described by a `Config`; see the module docstring."""

    def __init__(self, config: Config, dataset: Dataset | None = None):
        self.config = config
        cfg = config.train
        self.group = distributed.current()  # one process, or one of torchrun's N
        distributed.check_batch(cfg.batch_size, self.group)
        self.device = resolve_device(cfg.device)
        if self.device.type == "cuda" and self.group.active:
            self.device = torch.device("cuda", self.group.local_rank)
        torch.manual_seed(cfg.seed)  # weight init, dropout and the penalties' noise
        self.rng = torch.Generator(self.device).manual_seed(cfg.seed)  # batches and z
        self.data = (dataset or load_for(config.data, seed=cfg.seed)).to(self.device)
        self.G, self.D = models.build(config, self.data)
        if cfg.sync_batch_norm:
            self.G, self.D = (distributed.sync_batch_norm(m, self.device) for m in (self.G, self.D))
        self.G, self.D = self.G.to(self.device), self.D.to(self.device)
        # The averaged G that samples are drawn from: the mean of G's recent weights
        # wobbles less than G itself (Karras et al. 2018). Without EMA it is G.
        self.G_ema = copy.deepcopy(self.G).requires_grad_(False) if cfg.ema else self.G
        self.loss = losses.LOSSES[cfg.loss]
        self.opt_g = self._adam(self.G, cfg.lr_g)
        self.opt_d = self._adam(self.D, cfg.lr_d)
        self._setup_speed()
        self.fixed_z = sample_z(64, config.model.z_dim, seed=cfg.seed + 1, device=self.device)
        self.fixed_labels = self._fixed_labels(64)
        self.step_count = 0
        self.d_frozen = False  # set once D is "strong" when d_freeze_accuracy > 0
        self.history: list[Record] = []
        self._subscribers: list[Callable[[Record], None]] = []
        self._sums = torch.zeros(4, device=self.device)  # d_loss, g_loss, d_real, d_fake
        self._clock = (time.perf_counter(), 0)

    # ----------------------------------------------------------------- setup
    def _adam(self, net: nn.Module, lr: float) -> torch.optim.Adam:
        # One optimizer per network, built right beside it. The fused kernel updates all
        # parameters in one go (CUDA and CPU); it is bitwise-deterministic on CPU.
        cfg = self.config.train
        fused = self.device.type in ("cuda", "cpu")
        return torch.optim.Adam(
            net.parameters(), lr=lr, betas=cfg.betas, weight_decay=cfg.weight_decay, fused=fused
        )

    def _setup_speed(self) -> None:
        """Speed: channels_last for conv nets; bf16 autocast and torch.compile on request."""
        cfg, on_cuda = self.config.train, self.device.type == "cuda"
        self.bf16 = cfg.precision == "bf16" or (cfg.precision == "auto" and on_cuda)
        if self.data.is_image:
            # NHWC weights: cuDNN's tensor-core kernels on a GPU, oneDNN's faster conv
            # kernels on a CPU (a training step 1.1-1.2x faster at 16-32 px, measured).
            self.G.to(memory_format=torch.channels_last)
            self.D.to(memory_format=torch.channels_last)

        # The forward passes go through wrappers: DDP (several processes) and
        # torch.compile, each only when asked for. self.G and self.D stay plain modules,
        # so state dicts keep their ordinary names.
        def wrapped(net: nn.Module, parallel: bool) -> nn.Module:
            net = distributed.wrap(net, self.group, self.device) if parallel else net
            return torch.compile(net) if cfg.compile else net

        self.g_forward = wrapped(self.G, parallel=True)
        self.d_forward = wrapped(self.D, parallel=True)
        # In the G step D's weights are frozen, so its gradients need no syncing: D is
        # called outside DDP there (DDP would wait for gradients that never come).
        self.d_judge = wrapped(self.D, parallel=False) if self.group.active else self.d_forward

    def unwrap(self) -> None:
        """Forward passes through the plain G and D again, without DDP or compile wrappers
        (before leaving the process group: see distributed.finish)."""
        self.g_forward, self.d_forward, self.d_judge = self.G, self.D, self.D

    def _autocast(self):
        if not self.bf16:
            return contextlib.nullcontext()
        return torch.autocast(self.device.type, dtype=torch.bfloat16)

    def _fixed_labels(self, n: int) -> torch.Tensor | None:
        if not self.config.model.conditional:
            return None
        return torch.arange(n, device=self.device) % self.data.n_classes

    # ------------------------------------------------------------ the inputs
    def _real_batch(self) -> tuple[torch.Tensor, torch.Tensor | None]:
        # Indexing a tensor that already lives on the device: no DataLoader, no copy.
        # Every process draws the same global batch and keeps its own shard of it.
        idx = torch.randint(
            len(self.data), (self.config.train.batch_size,), device=self.device, generator=self.rng
        )
        idx = distributed.shard(idx, self.group)
        labels = self.data.labels[idx] if self.config.model.conditional else None
        return self.data.x[idx], labels

    def _noise(self) -> torch.Tensor:
        n = self.config.train.batch_size
        z = torch.randn(n, self.config.model.z_dim, device=self.device, generator=self.rng)
        return distributed.shard(z, self.group)

    def _d_input(self, x: torch.Tensor) -> torch.Tensor:
        """What D sees: the augmented image plus decaying instance noise."""
        cfg = self.config.train
        x = diff_augment(x, cfg.augment, self.rng)
        sigma = cfg.instance_noise
        if cfg.instance_noise_decay:
            sigma *= max(0.0, 1 - self.step_count / cfg.instance_noise_decay)
        if sigma > 0:
            x = x + sigma * torch.randn(x.shape, device=x.device, generator=self.rng)
        return x

    # ------------------------------------------------------------ the steps
    def d_step(self, real, fake, labels) -> tuple[torch.Tensor, ...]:
        """One update of D on a real and a fake batch; G is not touched."""
        cfg = self.config.train
        with self._autocast():
            real_logits = self.d_forward(self._d_input(real), labels).float()
            fake_logits = self.d_forward(self._d_input(fake), labels).float()
        loss = self.loss.d_loss(real_logits, fake_logits)
        if cfg.label_smoothing:  # BCE against target 1 - s equals the loss + s * mean(r)
            loss = loss + cfg.label_smoothing * real_logits.mean()
        if cfg.gp_weight:
            loss = loss + cfg.gp_weight * losses.gradient_penalty(self.D, real, fake, labels)
        if cfg.r1_weight and self.step_count % cfg.r1_every == 0:
            # gamma/2 * E||grad D(x)||^2; lazily every k steps at k times the weight,
            # which costs a k-th of the double backward pass and trains about the same.
            gamma = cfg.r1_weight * cfg.r1_every
            loss = loss + gamma / 2 * losses.r1_penalty(self.D, real, labels)
        self._update(self.opt_d, self.D, loss)
        if cfg.clip_weights:  # the original WGAN's crude way to keep D 1-Lipschitz
            with torch.no_grad():
                for p in self.D.parameters():
                    p.clamp_(-cfg.clip_weights, cfg.clip_weights)
        return loss.detach(), real_logits.detach(), fake_logits.detach()

    def g_step(self, fake, labels) -> torch.Tensor:
        """One update of G through the (frozen) D: make D score the fakes higher."""
        self.D.requires_grad_(False)  # D's weights get no gradient here: saves work
        with self._autocast():
            fake_logits = self.d_judge(self._d_input(fake), labels).float()
        loss = self.loss.g_loss(fake_logits)
        self._update(self.opt_g, self.G, loss)
        if self.config.train.ema:
            _ema_update(self.G_ema, self.G, self.config.train.ema)
        self.D.requires_grad_(True)
        return loss.detach()

    def _update(self, opt: torch.optim.Optimizer, net: nn.Module, loss: torch.Tensor) -> None:
        opt.zero_grad(set_to_none=True)
        loss.backward()
        if self.config.train.grad_clip:
            nn.utils.clip_grad_norm_(net.parameters(), self.config.train.grad_clip)
        opt.step()

    def _generate(self, labels, grad: bool) -> torch.Tensor:
        with torch.set_grad_enabled(grad), self._autocast():
            return self.g_forward(self._noise(), labels).float()

    def step(self) -> None:
        """One training step: `n_critic` D updates, then one G update."""
        extra_critic_steps = 0 if self.d_frozen else self.config.train.n_critic - 1
        for _ in range(extra_critic_steps):  # a frozen D takes none
            real, labels = self._real_batch()
            self.d_step(real, self._generate(labels, grad=False), labels)
        real, labels = self._real_batch()
        fake = self._generate(labels, grad=True)  # one G forward serves both steps
        if self.d_frozen:
            d_loss = torch.zeros((), device=self.device)
            with torch.no_grad(), self._autocast():
                real_logits = self.d_forward(real, labels).float()
                fake_logits = self.d_forward(fake, labels).float()
        else:
            # fake.detach(): D's update must not send gradients into G.
            d_loss, real_logits, fake_logits = self.d_step(real, fake.detach(), labels)
        g_loss = self.g_step(fake, labels)
        self.step_count += 1
        self._sums += torch.stack(
            [d_loss, g_loss, self._score(real_logits), self._score(fake_logits)]
        )
        if self._due(self.config.train.log_every) or self._due(self.config.train.eval_every):
            self._log()  # a record at every log step and at every evaluation

    def _score(self, logits: torch.Tensor) -> torch.Tensor:
        """Mean D output in the loss's units (losses.GANLoss.score)."""
        return self.loss.score(logits).mean()

    # ------------------------------------------------------------ running
    def run(self, steps: int | None = None) -> list[Record]:
        """Train for `steps` (default: the config's) and return the records made."""
        return list(self.stream(steps))

    def stream(self, steps: int | None = None) -> Iterator[Record]:
        """Train, yielding each record as it is made: `for rec in trainer.stream(100)`."""
        made: list[Record] = []
        unsubscribe = self.subscribe(made.append)
        try:
            for _ in range(steps if steps is not None else self.config.train.steps):
                self.step()
                yield from made
                made.clear()
        finally:
            unsubscribe()

    def subscribe(self, callback: Callable[[Record], None]) -> Callable[[], None]:
        """Call `callback(record)` on every log step; returns a function that unsubscribes."""
        self._subscribers.append(callback)
        return lambda: self._subscribers.remove(callback)

    # ------------------------------------------------------------ records
    def _log(self) -> None:
        """Read the device-side sums (one host sync), check health, notify subscribers."""
        cfg = self.config.train
        now, last_step = time.perf_counter(), self._clock[1]
        n = self.step_count - last_step
        sums = distributed.average(self._sums, self.group)  # the mean over all processes
        d_loss, g_loss, d_real, d_fake = (sums / n).tolist()
        self._sums.zero_()
        self._check_finite({"d_loss": d_loss, "g_loss": g_loss})
        record: Record = {
            "step": self.step_count,
            "d_loss": d_loss,
            "g_loss": g_loss,
            "d_real": d_real,
            "d_fake": d_fake,
            "g_grad_norm": _grad_norm(self.G),
            "d_grad_norm": _grad_norm(self.D),
            "steps_per_sec": n / max(now - self._clock[0], 1e-9),
            "d_frozen": self.d_frozen,
        }
        if self._due(cfg.eval_every) and self.group.is_main:
            record.update(self.evaluate())
        self._maybe_freeze_d(d_real, d_fake)
        self.history.append(record)
        for callback in list(self._subscribers) if self.group.is_main else []:
            callback(record)
        self._clock = (time.perf_counter(), self.step_count)  # metric time is not training

    def _due(self, every: int) -> bool:
        """Is this step one of every `every` (0 = never)?"""
        return every > 0 and self.step_count % every == 0

    def _check_finite(self, values: dict[str, float]) -> None:
        for name, value in values.items():
            if not math.isfinite(value):
                raise TrainingDiverged(
                    f"{name} became {value} between steps {self._clock[1]} and "
                    f"{self.step_count}: lower the learning rates, or try gradient "
                    "clipping, a gradient penalty or spectral norm"
                )
        for net_name, net in (("G", self.G), ("D", self.D)):
            for name, p in net.named_parameters():
                if not torch.isfinite(p).all():
                    raise TrainingDiverged(
                        f"{net_name}.{name} holds a non-finite value at step {self.step_count}"
                    )

    def _maybe_freeze_d(self, d_real: float, d_fake: float) -> None:
        """The article's advice: stop training D once it is 'strong enough'.

        Judged at log steps from D's mean scores, read as the loss says (losses.GANLoss):
        accuracy is estimated as (D(x) + 1 - D(G(z))) / 2 when D outputs a probability,
        otherwise as the share of the two means on the right side of D's boundary.
        """
        threshold = self.config.train.d_freeze_accuracy
        if not threshold or self.d_frozen:
            return
        if self.loss.probability:
            accuracy = (d_real + 1 - d_fake) / 2
        else:
            boundary = self.loss.boundary
            accuracy = (float(d_real > boundary) + float(d_fake < boundary)) / 2
        self.d_frozen = accuracy >= threshold

    def evaluate(self, n: int = N_EVAL_SAMPLES) -> dict[str, float]:
        """The dataset's metrics on `n` fresh samples (see ganlab.metrics)."""
        return metrics.evaluate(self.data, self.sample(n, seed=self.config.train.seed + 2))

    # ------------------------------------------------------------ sampling
    @torch.no_grad()
    def sample(
        self,
        n_or_z: int | torch.Tensor = 64,
        labels: torch.Tensor | None = None,
        seed: int | None = None,
    ) -> torch.Tensor:
        """Samples from G in eval mode, on the CPU: (n, 2) points or (n, C, H, W) images.

        Pass a number (fresh noise, seeded by `seed`) or a z tensor of shape (n, z_dim).
        Conditional models take `labels` (n,); by default classes cycle 0, 1, 2, ...
        """
        z = n_or_z
        if isinstance(n_or_z, int):
            z = sample_z(n_or_z, self.config.model.z_dim, seed=seed, device=self.device)
        z = z.to(self.device)
        if labels is None:
            labels = self._fixed_labels(len(z))
        else:
            labels = torch.as_tensor(labels, device=self.device).expand(len(z))
        G = self.G_ema  # G itself unless the config asks for a weight average
        was_training = G.training
        G.eval()
        try:
            chunks = []
            for start in range(0, len(z), 512):  # bounded memory for large n
                y = None if labels is None else labels[start : start + 512]
                chunks.append(G(z[start : start + 512], y).float().cpu())
            return torch.cat(chunks)
        finally:
            G.train(was_training)

    # ------------------------------------------------------------ checkpoints
    def state_dict(self) -> dict[str, Any]:
        """Everything needed to continue bit-for-bit: weights, optimizers, RNGs, history."""
        return {
            "config": self.config.to_dict(),
            "step": self.step_count,
            "G": self.G.state_dict(),
            "G_ema": self.G_ema.state_dict(),
            "D": self.D.state_dict(),
            "opt_g": self.opt_g.state_dict(),
            "opt_d": self.opt_d.state_dict(),
            "rng": self.rng.get_state(),
            "torch_rng": torch.get_rng_state(),
            "sums": self._sums.cpu(),  # the stats of the steps since the last record
            "last_record_step": self._clock[1],
            "d_frozen": self.d_frozen,
            "history": self.history,
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.G.load_state_dict(state["G"])
        self.G_ema.load_state_dict(state["G_ema"])
        self.D.load_state_dict(state["D"])
        self.opt_g.load_state_dict(state["opt_g"])
        self.opt_d.load_state_dict(state["opt_d"])
        self.rng.set_state(state["rng"])
        torch.set_rng_state(state["torch_rng"])
        self._sums = state["sums"].to(self.device)
        self.step_count, self.d_frozen = state["step"], state["d_frozen"]
        self.history = list(state["history"])
        self._clock = (time.perf_counter(), state["last_record_step"])

    def save(self, path) -> None:
        """Write a checkpoint atomically (see ganlab.checkpoint)."""
        checkpoint.save(self.state_dict(), path)

    @classmethod
    def load(cls, path, device: str | None = None, dataset: Dataset | None = None) -> Trainer:
        """A Trainer rebuilt from a checkpoint, ready to continue where it stopped."""
        state = checkpoint.load(path)
        config = Config.from_dict(state["config"])
        if device is not None:
            config = config.replace(train={"device": device})
        trainer = cls(config, dataset)
        trainer.load_state_dict(state)
        return trainer


@torch.no_grad()
def _ema_update(average: nn.Module, net: nn.Module, decay: float) -> None:
    """average <- decay * average + (1 - decay) * net; buffers (BN statistics) are copied."""
    for avg, new in zip(average.parameters(), net.parameters()):
        avg.lerp_(new, 1 - decay)
    for avg, new in zip(average.buffers(), net.buffers()):
        avg.copy_(new)


def _grad_norm(net: nn.Module) -> float:
    """L2 norm of all of a network's last gradients (0 when it has none)."""
    grads = [p.grad for p in net.parameters() if p.grad is not None]
    if not grads:
        return 0.0
    return torch.linalg.vector_norm(torch.stack([g.norm() for g in grads])).item()
