"""The training loop: one explicit loop for GPU and CPU.

One training step, top to bottom (Goodfellow et al. 2014, Algorithm 1):

    for n_critic times:   D step  -- push D(x) up on real data, D(G(z)) down on fakes
    once:                 G step  -- change G so that D scores its fakes higher

Each step is its own small method with its own optimizer; every input to D passes
through `run_D`, and the regularisers sit in `regularised`. Where the networks run
(device, DDP, compile, autocast) lives in ganlab.runtime, what the run reports
(device-side sums, records, health checks) in ganlab.recording.

    trainer = Trainer(preset("ring8"))
    trainer.subscribe(print)
    trainer.run(500)
    x = trainer.sample(1000)

A run depends on its config and seed alone: weights are initialised from the seed
(ganlab.runtime.seeded), and every random number a step draws -- batches, z,
augmentation, instance noise, the gradient penalty's mix, dropout -- comes from the
trainer's own generator `self.rng`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

import torch
import torch.nn as nn

from ganlab import checkpoint, distributed, losses, metrics, models
from ganlab.augment import diff_augment
from ganlab.config import Config
from ganlab.data import Dataset, load_for
from ganlab.latent import sample_z
from ganlab.recording import Record, Recorder, TrainingDiverged, check_finite, grad_norm
from ganlab.runtime import Runtime, held_still, resolve_device, seeded

__all__ = ["N_EVAL_SAMPLES", "Record", "Trainer", "TrainingDiverged", "resolve_device"]
N_EVAL_SAMPLES = 2000  # samples drawn for each metric evaluation


class Trainer:
    """Trains a G/D pair described by a `Config`; see the module docstring."""

    def __init__(self, config: Config, dataset: Dataset | None = None):
        self.config = config
        cfg = config.train
        self.runtime = rt = Runtime(cfg, image=config.data.is_image)
        self.group, self.device = rt.group, rt.device
        self.rng = torch.Generator(self.device).manual_seed(cfg.seed)  # every per-step draw
        with seeded(cfg.seed, self.device):  # weight init: from the seed, nothing else
            self.data = (dataset or load_for(config.data, seed=cfg.seed)).to(self.device)
            G, D = models.build(config, self.data)
        self.G, self.D = rt.place(G), rt.place(D)
        self.d_has_batch_norm = any(
            isinstance(m, nn.modules.batchnorm._BatchNorm) for m in D.modules()
        )
        models.use_generator(self.D, self.rng)
        # The averaged G that samples are drawn from: the mean of G's recent weights
        # wobbles less than G itself (Karras et al. 2018). Without EMA it is G.
        self.G_ema = copy.deepcopy(self.G).requires_grad_(False) if cfg.ema else self.G
        self.loss = losses.LOSSES[cfg.loss]
        self.opt_g, self.opt_d = rt.adam(self.G, cfg.lr_g), rt.adam(self.D, cfg.lr_d)
        rt.wrap(self.G, self.D)
        self.fixed_z = sample_z(64, config.model.z_dim, seed=cfg.seed + 1, device=self.device)
        self.fixed_labels = self._fixed_labels(64)
        self.step_count = 0
        self.d_frozen = False  # set once D is "strong" when d_freeze_accuracy > 0
        self.bar_met_at: int | None = None  # the step that met the quality bar (stop_at_bar)
        self.bar_check: dict | None = None  # the fresh samples' scores that confirmed it
        self._last_eval: tuple[int, dict] | None = None  # (step, scores) of the last evaluation
        self.recorder = Recorder(self.device, self.group)

    # ------------------------------------------------------------ the algorithm
    def step(self) -> None:
        """One iteration of Algorithm 1: n_critic D updates, then one G update."""
        for _ in self.step_parts():
            pass

    def step_parts(self) -> Iterator[str]:
        """`step`, pausing between its parts: yields "d" once D's update is done (G not yet
        touched), then "g" once G's update is done and the step is counted.

        The dashboard's slow motion looks at the networks in between; `step` runs the
        parts without looking. Run the generator to its end: a half step is not a step.
        """
        with held_still(self.D, self.d_frozen):  # a frozen D: not even BN statistics move
            for _ in range(0 if self.d_frozen else self.config.train.n_critic - 1):
                real, labels = self._real_batch()
                self.d_step(real, self._generate(labels, grad=False), labels)
            real, labels = self._real_batch()
            fake = self._generate(labels, grad=True)  # one G forward serves both steps
            # fake.detach(): D's update must not send gradients into G.
            d_update = self._judge if self.d_frozen else self.d_step
            d_loss, real_logits, fake_logits = d_update(real, fake.detach(), labels)
            yield "d"
            g_loss = self.g_step(fake, labels)
        self.step_count += 1
        self.recorder.add(d_loss, g_loss, self._score(real_logits), self._score(fake_logits))
        if self._due(self.config.train.log_every) or self._due(self.config.train.eval_every):
            self._log()  # a record at every log step and at every evaluation
        yield "g"

    def d_step(self, real, fake, labels) -> tuple[torch.Tensor, ...]:
        """One update of D on a real and a fake batch; G is not touched."""
        real_logits, fake_logits = self.run_D_pair(real, fake, labels)
        loss = self.loss.d_loss(real_logits, fake_logits)
        loss = self.regularised(loss, real, fake, real_logits, labels)
        self._update(self.opt_d, self.D, loss)
        self._clip_d_weights()
        return loss.detach(), real_logits.detach(), fake_logits.detach()

    def g_step(self, fake, labels) -> torch.Tensor:
        """One update of G through the (fixed) D: make D score the fakes higher."""
        self.D.requires_grad_(False)  # D's weights get no gradient here: saves work
        loss = self.loss.g_loss(self.run_D(fake, labels, judge=True))
        self._update(self.opt_g, self.G, loss)
        self._average_g()
        self.D.requires_grad_(True)
        return loss.detach()

    # ------------------------------------------------------------ D's inputs
    def run_D(self, x, labels, judge: bool = False, penalty: bool = False) -> torch.Tensor:
        """D's logits (B,) on x: every input to D passes through here (StyleGAN2-ADA's
        run_D), so what D sees -- augmentation, instance noise -- is the same everywhere.

        judge: the G step's forward (outside DDP). penalty: the plain D on x itself, for
        the gradient penalties, which are taken at the data (R1: the real samples; GP:
        the lines between real and fake), not at their augmented or noisy copies.
        """
        if penalty:
            return self.D(x, labels)
        forward = self.runtime.d_judge if judge else self.runtime.d_forward
        with self.runtime.autocast():
            return forward(self._d_input(x), labels).float()

    def run_D_pair(self, real, fake, labels) -> tuple[torch.Tensor, torch.Tensor]:
        """D's logits on a real and a fake batch (the fakes are drawn for the real labels).

        One forward over both when D has no batch norm: the same logits from half the
        kernel launches and, with spectral norm, one power iteration instead of two. With
        batch norm, two forwards: each batch must be normalised by its own statistics.
        """
        if self.d_has_batch_norm:
            return self.run_D(real, labels), self.run_D(fake, labels)
        both_labels = None if labels is None else torch.cat([labels, labels])
        logits = self.run_D(torch.cat([real, fake]), both_labels)  # (2B,)
        return logits[: len(real)], logits[len(real) :]

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

    def _judge(self, real, fake, labels) -> tuple[torch.Tensor, ...]:
        """A frozen D's scores, without an update (its loss is reported as 0)."""
        with torch.no_grad():
            real_logits, fake_logits = self.run_D_pair(real, fake, labels)
        return torch.zeros((), device=self.device), real_logits, fake_logits

    # ------------------------------------------------------------ the options
    def regularised(self, loss, real, fake, real_logits, labels) -> torch.Tensor:
        """D's loss plus the regularisers the config asks for: one-sided label smoothing,
        WGAN-GP and (lazy) R1."""
        cfg = self.config.train

        def critic(x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
            return self.run_D(x, y, penalty=True)

        if cfg.label_smoothing:  # BCE against target 1 - s equals the loss + s * mean(r)
            loss = loss + cfg.label_smoothing * real_logits.mean()
        if cfg.gp_weight:
            gp = losses.gradient_penalty(critic, real, fake, labels, generator=self.rng)
            loss = loss + cfg.gp_weight * gp
        if cfg.r1_weight and self.step_count % cfg.r1_every == 0:
            # gamma/2 * E||grad D(x)||^2; lazily every k steps at k times the weight,
            # which costs a k-th of the double backward pass and trains about the same.
            gamma = cfg.r1_weight * cfg.r1_every
            loss = loss + gamma / 2 * losses.r1_penalty(critic, real, labels)
        return loss

    def _clip_d_weights(self) -> None:
        """The original WGAN's crude way to keep D 1-Lipschitz (when clip_weights > 0)."""
        c = self.config.train.clip_weights
        if c:
            with torch.no_grad():
                for p in self.D.parameters():
                    p.clamp_(-c, c)

    def _average_g(self) -> None:
        """G_ema <- decay * G_ema + (1 - decay) * G; buffers (BN statistics) are copied."""
        decay = self.config.train.ema
        if not decay:
            return
        with torch.no_grad():  # one fused call over all tensors, not a kernel per tensor
            torch._foreach_lerp_(
                list(self.G_ema.parameters()), list(self.G.parameters()), 1 - decay
            )
            for avg, new in zip(self.G_ema.buffers(), self.G.buffers()):
                avg.copy_(new)

    def _update(self, opt: torch.optim.Optimizer, net: nn.Module, loss: torch.Tensor) -> None:
        opt.zero_grad(set_to_none=True)
        loss.backward()
        if self.config.train.grad_clip:
            nn.utils.clip_grad_norm_(net.parameters(), self.config.train.grad_clip)
        opt.step()

    # ------------------------------------------------------------ batches and noise
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

    def _generate(self, labels, grad: bool) -> torch.Tensor:
        with torch.set_grad_enabled(grad), self.runtime.autocast():
            return self.runtime.g_forward(self._noise(), labels).float()

    def _fixed_labels(self, n: int) -> torch.Tensor | None:
        if not self.config.model.conditional:
            return None
        return torch.arange(n, device=self.device) % self.data.n_classes

    def unwrap(self) -> None:
        """Forward passes through the plain G and D again, without DDP or compile wrappers
        (before leaving the process group: see distributed.finish)."""
        self.runtime.unwrap()

    # ------------------------------------------------------------ records
    def _score(self, logits: torch.Tensor) -> torch.Tensor:
        """Mean D output in the loss's units (losses.GANLoss.score)."""
        return self.loss.score(logits).mean()

    def _due(self, every: int) -> bool:
        """Is this step one of every `every` (0 = never)?"""
        return every > 0 and self.step_count % every == 0

    def _log(self) -> None:
        """Read the device-side sums (one host sync), check health, notify subscribers."""
        since = self.recorder.last_step
        means, speed = self.recorder.read(self.step_count)
        check_finite(means, {"G": self.G, "D": self.D}, since, self.step_count)
        record: Record = {"step": self.step_count, **means}
        record |= {"g_grad_norm": grad_norm(self.G), "d_grad_norm": grad_norm(self.D)}
        record |= {"steps_per_sec": speed, "d_frozen": self.d_frozen}
        if self._due(self.config.train.eval_every):
            if self.group.is_main:
                scores = self.evaluate()
                self._last_eval = (self.step_count, scores)
                record.update(scores)
            # Checked only when asked for; rank 0's verdict, so every process stops together.
            if self.config.train.stop_at_bar:
                met = self.group.is_main and self.bar_holds(record)
                if distributed.agree(met, self.group, self.device):
                    self.bar_met_at = self.step_count
        self._maybe_freeze_d(means["d_real"], means["d_fake"])
        self.recorder.publish(record)
        self.recorder.restart_clock(self.step_count)  # metric time is not training

    def bar_holds(self, scores: dict) -> bool:
        """Does G meet its quality bar? The evaluation's samples must meet it, and then
        metrics.BAR_CHECK_SAMPLES fresh ones must clear it by two standard errors
        (metrics.meets_bar): the first evaluation that happens to pass on its 2,000
        samples is a lucky draw as often as not, and fresh samples then fall short."""
        if not metrics.meets_bar(scores):
            return False
        n, seed = metrics.BAR_CHECK_SAMPLES, self.config.train.seed + 3
        self.bar_check = self.evaluate(n, seed=seed, errors=True)
        return metrics.meets_bar(self.bar_check)

    def _maybe_freeze_d(self, d_real: float, d_fake: float) -> None:
        """The article's advice: stop training D once it is 'strong enough'.

        Judged at each record from D's mean scores, read as the loss says (losses.GANLoss):
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

    @property
    def history(self) -> list[Record]:
        """Every record made so far (kept in checkpoints)."""
        return self.recorder.history

    @history.setter
    def history(self, records: list[Record]) -> None:
        self.recorder.history = records

    # ------------------------------------------------------------ running
    def run(self, steps: int | None = None) -> list[Record]:
        """Train for `steps` (default: the config's) and return the records made."""
        return list(self.stream(steps))

    def stream(self, steps: int | None = None) -> Iterator[Record]:
        """Train, yielding each record as it is made: `for rec in trainer.stream(100)`.

        With train.stop_at_bar the run ends early, at the evaluation that meets the quality
        bar (`bar_met_at` says which step); after that, run() and stream() train no more.
        """
        made: list[Record] = []
        unsubscribe = self.subscribe(made.append)
        try:
            for _ in range(steps if steps is not None else self.config.train.steps):
                if self.bar_met_at is not None:
                    break
                self.step()
                yield from made
                made.clear()
        finally:
            unsubscribe()

    def subscribe(self, callback: Callable[[Record], None]) -> Callable[[], None]:
        """Call `callback(record)` on every record; returns a function that unsubscribes."""
        return self.recorder.subscribe(callback)

    def evaluate(
        self, n: int = N_EVAL_SAMPLES, seed: int | None = None, errors: bool = False
    ) -> dict[str, float]:
        """The dataset's metrics on `n` samples (see ganlab.metrics.evaluate, also for
        `errors`), drawn with `seed` (default: the run's evaluation seed, the same noise
        at every evaluation)."""
        seed = self.config.train.seed + 2 if seed is None else seed
        return metrics.evaluate(self.data, self.sample(n, seed=seed), errors=errors)

    def final_metrics(self) -> dict[str, float]:
        """The metrics of G as it is now: the last evaluation's when it was made at this
        step (the same noise gives the same numbers), else a new evaluation."""
        if self._last_eval is not None and self._last_eval[0] == self.step_count:
            return dict(self._last_eval[1])
        return self.evaluate()

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
        """Everything needed to continue bit-for-bit: weights, optimizers, RNG, history."""
        return {
            "config": self.config.to_dict(),
            "step": self.step_count,
            "G": self.G.state_dict(),
            "G_ema": self.G_ema.state_dict(),
            "D": self.D.state_dict(),
            "opt_g": self.opt_g.state_dict(),
            "opt_d": self.opt_d.state_dict(),
            "rng": self.rng.get_state(),
            "sums": self.recorder.sums.cpu(),  # the stats of the steps since the last record
            "last_record_step": self.recorder.last_step,
            "d_frozen": self.d_frozen,
            "bar_met_at": self.bar_met_at,
            "bar_check": self.bar_check,
            "history": self.history,
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        # Checkpoints from before the engine rebuild also hold "torch_rng", the global RNG;
        # training no longer draws from it, so it is ignored (setting it would reseed every
        # other thread).
        self.G.load_state_dict(state["G"])
        self.G_ema.load_state_dict(state["G_ema"])
        self.D.load_state_dict(state["D"])
        self.opt_g.load_state_dict(state["opt_g"])
        self.opt_d.load_state_dict(state["opt_d"])
        self.rng.set_state(state["rng"])
        self.recorder.sums = state["sums"].to(self.device)
        self.step_count, self.d_frozen = state["step"], state["d_frozen"]
        # both absent from checkpoints made before issue 13
        self.bar_met_at, self.bar_check = state.get("bar_met_at"), state.get("bar_check")
        self.history = list(state["history"])
        self.recorder.restart_clock(state["last_record_step"])

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
