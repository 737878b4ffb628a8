"""Checks for the course's "build it" exercises: the student writes a function, a check
says whether it is right and, when it is not, what is wrong.

    print(check_training_loop(my_train))                    # notebook 01
    print(check_hinge(my_hinge_d_loss, my_hinge_g_loss))    # notebook 02
    print(check_spectral_norm(my_spectral_norm))            # notebook 03

Each check compares the student's function with a trusted reference (`Trainer.step`,
`ganlab.losses`, `torch.nn.utils.parametrizations.spectral_norm`) numerically, with a
tolerance, and raises AssertionError with a message that names the mistake. A function
still holding the notebook's stub (it raises NotImplementedError) is not an error: the
check returns a sentence saying the exercise is not answered yet, so the stored notebook
runs under nbval while its solution stays hidden.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ganlab import losses
from ganlab.config import Config, preset
from ganlab.data import load
from ganlab.train import Trainer

NOT_ANSWERED = (
    "Not answered yet: {name} still raises NotImplementedError. Write it, then run this cell again."
)


class _NotAnswered(Exception):
    """The student's function is still the stub."""


def _call(fn: Callable, *args, **kwargs):
    """fn(*args, **kwargs); a stub (NotImplementedError) becomes _NotAnswered."""
    try:
        return fn(*args, **kwargs)
    except NotImplementedError as stub:
        raise _NotAnswered(NOT_ANSWERED.format(name=fn.__name__)) from stub


def _answered(check: Callable[..., str]) -> Callable[..., str]:
    """Let a check report a stub as "not answered yet" instead of failing."""

    @functools.wraps(check)
    def run(*fns: Callable, **kwargs) -> str:
        try:
            return check(*fns, **kwargs)
        except _NotAnswered as stub:
            return str(stub)

    return run


def _close(mine: Tensor, reference: Tensor, rtol: float = 1e-5, atol: float = 1e-6) -> bool:
    try:
        torch.testing.assert_close(mine, reference, rtol=rtol, atol=atol)
    except AssertionError:
        return False
    return True


# --- notebook 02: the hinge loss -----------------------------------------------------------

# Mistakes seen in hinge losses, each with what to say about it: D's loss (r, f) -> ().
_HINGE_D_MISTAKES: dict[str, Callable[[Tensor, Tensor], Tensor]] = {
    "real and fake are swapped: D must push real logits above +1, i.e. relu(1 - r), and "
    "fake logits below -1, i.e. relu(1 + f)": lambda r, f: (
        F.relu(1 + r).mean() + F.relu(1 - f).mean()
    ),
    "there is no margin: a sample already past it (r >= 1 or f <= -1) must add 0, so take "
    "max(0, .) of each term (F.relu)": lambda r, f: (1 - r).mean() + (1 + f).mean(),
    "the relu is taken of the means, not of each sample: take relu(1 - r) per sample, "
    "then the mean": lambda r, f: F.relu(1 - r.mean()) + F.relu(1 + f.mean()),
    "it is a sum over the batch, not a mean (the course's losses are batch means)": lambda r, f: (
        F.relu(1 - r).sum() + F.relu(1 + f).sum()
    ),
}
_HINGE_G_MISTAKES: dict[str, Callable[[Tensor], Tensor]] = {
    "the sign is flipped: G must raise D's score on its fakes, so it minimises -mean(f)": (
        lambda f: f.mean()
    ),
    "it has D's margin: ganlab's G loss (as in SN-GAN and BigGAN) is plain -mean(f)": lambda f: (
        F.relu(1 - f).mean()
    ),
    "it is a sum over the batch, not a mean": lambda f: -f.sum(),
}


def _hinge_cases() -> list[tuple[Tensor, Tensor]]:
    """Logit batches (real, fake) on both sides of both margins, plus an edge case."""
    gen = torch.Generator().manual_seed(0)
    cases = [
        (2 * torch.randn(64, generator=gen), 2 * torch.randn(64, generator=gen)) for _ in range(3)
    ]
    cases.append((torch.tensor([-0.5, 0.5, 1.5, 3.0]), torch.tensor([-3.0, -1.5, 0.0, 2.0])))
    return cases


def _compare(name: str, mine: Tensor, want: Tensor, args: tuple, mistakes: dict) -> None:
    """Raise AssertionError naming the mistake when `mine` differs from `want`."""
    if _close(mine, want):
        return
    for message, wrong in mistakes.items():
        if _close(mine, wrong(*args)):
            raise AssertionError(f"{name}: {message}")
    raise AssertionError(
        f"{name}: it differs from ganlab.losses (on {len(args[0])} logits you give "
        f"{mine.item():.4g}, ganlab {want.item():.4g})"
    )


def _scalar(name: str, out) -> Tensor:
    assert out is not None, f"{name} returned None: did you forget `return`?"
    assert isinstance(out, Tensor) and out.dim() == 0, (
        f"{name} must return a scalar tensor (a mean over the batch); got {out!r}"
    )
    return out


@_answered
def check_hinge(
    d_loss: Callable[[Tensor, Tensor], Tensor], g_loss: Callable[[Tensor], Tensor]
) -> str:
    """Check a student's hinge losses against ganlab.losses.hinge_d_loss / hinge_g_loss.

    d_loss(real_logits (B,), fake_logits (B,)) -> scalar; g_loss(fake_logits (B,)) -> scalar.
    Raises AssertionError naming the mistake; returns a sentence when both are right.
    """
    for real, fake in _hinge_cases():
        r, f = real.clone().requires_grad_(True), fake.clone().requires_grad_(True)
        mine = _scalar(d_loss.__name__, _call(d_loss, r, f))
        want = losses.hinge_d_loss(real, fake)
        _compare(d_loss.__name__, mine.detach(), want, (real, fake), _HINGE_D_MISTAKES)
        mine_g = _scalar(g_loss.__name__, _call(g_loss, f))
        want_g = losses.hinge_g_loss(fake)
        _compare(g_loss.__name__, mine_g.detach(), want_g, (fake,), _HINGE_G_MISTAKES)
        for name, out in ((d_loss.__name__, mine), (g_loss.__name__, mine_g)):
            assert out.requires_grad, f"{name}: the loss must be differentiable in the logits"
    return (
        f"Correct: {d_loss.__name__} and {g_loss.__name__} match ganlab's hinge losses on "
        f"{len(_hinge_cases())} batches of logits, inside and past the margins."
    )


# --- notebook 03: spectral normalisation by power iteration -------------------------------


def _torch_spectral_norm(weight: Tensor, n_iter: int) -> tuple[Tensor, Tensor, Tensor]:
    """torch's spectral norm on a Linear layer with this weight: (v before, W / sigma, v after)."""
    # The layer's init and torch's first u, v draw from the global RNG: leave the caller's.
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        layer = nn.Linear(weight.shape[1], weight.shape[0], bias=False)
        with torch.no_grad():
            layer.weight.copy_(weight)
        nn.utils.parametrizations.spectral_norm(layer, n_power_iterations=n_iter)
    norm = layer.parametrizations.weight[0]  # holds the power iteration's vectors u, v
    v_before = norm._v.clone()
    with torch.no_grad():
        normalised = layer.weight.clone()  # in training mode: n_iter iterations, then W / sigma
    return v_before, normalised, norm._v.clone()


def _diagnose_sigma(mine: Tensor, want: Tensor, weight: Tensor) -> str:
    """What is wrong with a W / sigma that differs from torch's."""
    sigma = weight.norm() / want.norm()  # torch's sigma
    if _close(mine, weight * sigma, rtol=1e-4, atol=1e-5):
        return "W is multiplied by sigma: divide it"
    factor = (weight * mine).sum() / weight.pow(2).sum()  # mine = factor * W, if it is a multiple
    if not _close(mine, factor * weight, rtol=1e-4, atol=1e-5):
        return "the result is not W divided by one number: return W / sigma"
    off = (factor * sigma).item()  # 1 / (your sigma / torch's sigma) -> your sigma is sigma / off
    if not 0.5 < off < 2:
        return (
            f"your sigma is {1 / off:.3g} times torch's: are u and v unit vectors? Normalise "
            "each after its product (F.normalize), and take sigma = u^T W v"
        )
    return (
        f"your sigma is {1 / off:.4g} times torch's: run exactly n_iter iterations of "
        "u = normalize(W v), then v = normalize(W^T u), starting from the v you are given"
    )


@_answered
def check_spectral_norm(
    spectral_norm: Callable[[Tensor, Tensor, int], tuple[Tensor, Tensor]],
) -> str:
    """Check a student's spectral normalisation against torch's parametrization.

    spectral_norm(W (out, in), v (in,) a unit vector, n_iter) -> (W / sigma, v after the
    iterations), where each iteration is u = normalize(W v), v = normalize(W^T u), and
    sigma = u^T W v, as in torch.nn.utils.parametrizations.spectral_norm.
    """
    name = spectral_norm.__name__
    gen = torch.Generator().manual_seed(0)
    for shape, n_iter in (((5, 7), 1), ((8, 3), 3), ((16, 16), 2)):
        weight = torch.randn(shape, generator=gen)
        v0, want, want_v = _torch_spectral_norm(weight, n_iter)
        out = _call(spectral_norm, weight.clone(), v0.clone(), n_iter)
        assert isinstance(out, tuple) and len(out) == 2, (
            f"{name} must return a pair (W / sigma, v); got {type(out).__name__}"
        )
        mine, mine_v = out
        assert mine.shape == weight.shape, f"{name}: W / sigma must keep W's shape {tuple(shape)}"
        if not _close(mine, want, rtol=1e-4, atol=1e-5):
            raise AssertionError(
                f"{name}: {_diagnose_sigma(mine, want, weight)} ({shape} weight, n_iter = {n_iter})"
            )
        assert _close(mine_v, want_v, rtol=1e-4, atol=1e-5), (
            f"{name}: the returned v is not torch's after n_iter = {n_iter} iterations: run "
            "exactly n_iter iterations and return the updated v (torch keeps it for the next "
            "forward pass)"
        )
    # Many iterations find the largest singular value itself: W / sigma has norm 1.
    weight = torch.randn(6, 9, generator=gen)
    v = F.normalize(torch.randn(9, generator=gen), dim=0)
    top = torch.linalg.matrix_norm(_call(spectral_norm, weight, v, 100)[0], ord=2)
    assert abs(top.item() - 1) < 1e-3, (
        f"{name}: after 100 iterations W / sigma should have spectral norm 1; got {top.item():.4g}"
    )
    return (
        f"Correct: {name} matches torch's spectral_norm on three weights (1, 3 and 2 "
        "iterations), and after 100 iterations W / sigma has largest singular value 1."
    )


# --- notebook 01: the training loop --------------------------------------------------------

LOOP_STEPS = 20  # steps compared with Trainer.step: enough for Adam's state to matter
_FIRST_STEP_TOLERANCE = 0.3  # relative to the update: coarse, it only names the player
_TOLERANCE = 0.05  # after LOOP_STEPS: a reordered but correct loop is ~1e-6 off


# The options that change a training step, all off: the loop to write is the plain one,
# whatever the ring8 preset turns on.
_PLAIN_STEP = {
    "n_critic": 1,
    "r1_weight": 0.0,
    "gp_weight": 0.0,
    "clip_weights": 0.0,
    "instance_noise": 0.0,
    "label_smoothing": 0.0,
    "grad_clip": 0.0,
    "weight_decay": 0.0,
    "augment": (),
    "ema": 0.0,
    "d_freeze_accuracy": 0.0,
}


def loop_config() -> Config:
    """The small ring8 run the loop is checked on: MLPs of width 32, batch 64, plain steps."""
    return preset(
        "ring8",
        model={"z_dim": 2, "hidden": 32, "spectral_norm": False, "dropout": 0.0},
        train={
            **_PLAIN_STEP,
            "loss": "non_saturating",
            "batch_size": 64,
            "eval_every": 0,
            "device": "cpu",
            "compile": False,
        },
    )


def _flat(net: nn.Module) -> Tensor:
    return torch.cat([p.detach().flatten() for p in net.parameters()])


def _relative(mine: nn.Module, ref: nn.Module, start: Tensor) -> float:
    """How far apart two nets are, relative to how far the reference moved from `start`."""
    moved = (_flat(ref) - start).norm().clamp_min(1e-12)
    return ((_flat(mine) - _flat(ref)).norm() / moved).item()


def _count_backward_passes(net: nn.Module) -> list[int]:
    """Counts the backward passes that reach `net`'s first parameter (a hook per pass)."""
    count = [0]
    first = next(net.parameters())
    first.register_hook(lambda grad: count.__setitem__(0, count[0] + 1))
    return count


def _run_student(train: Callable, trainer: Trainer, steps: int) -> None:
    cfg = trainer.config
    try:
        _call(
            train, trainer.G, trainer.D, trainer.opt_g, trainer.opt_d, trainer.data.x,
            trainer.loss, steps=steps, batch_size=cfg.train.batch_size,
            z_dim=cfg.model.z_dim, rng=trainer.rng,
        )  # fmt: skip
    except RuntimeError as err:
        if "backward through the graph a second time" in str(err):
            raise AssertionError(
                f"{train.__name__}: D's step backpropagated through G's graph, so G's step "
                "found it freed: give D the fakes as fake.detach()"
            ) from err
        raise


def _first_step(train: Callable, mine: Trainer, ref: Trainer) -> None:
    """Compare one step of the student's loop with Trainer.step and name the player that differs."""
    name = train.__name__
    g0, d0 = _flat(ref.G), _flat(ref.D)
    passes = _count_backward_passes(mine.G)
    _run_student(train, mine, steps=1)
    ref.step()
    assert passes[0] <= 1, (
        f"{name}: in one step G received a gradient {passes[0]} times: D's loss must not reach "
        "G, so give D the fakes as fake.detach()"
    )
    assert not torch.equal(_flat(mine.D), d0), (
        f"{name}: D did not change: call opt_d.step() after D's backward pass"
    )
    assert not torch.equal(_flat(mine.G), g0), (
        f"{name}: G did not change: G's loss must be stepped with opt_g, G's own optimizer"
    )
    off_d = _relative(mine.D, ref.D, d0)
    assert off_d < _FIRST_STEP_TOLERANCE, (
        f"{name}: after one step D differs from Trainer.step's (by {off_d:.2g} of its update). "
        "Draw the real batch first, x[torch.randint(len(x), (batch_size,), generator=rng)], then "
        "z = torch.randn(batch_size, z_dim, generator=rng); D minimises loss.d_loss(D(real), "
        "D(fake.detach())) with opt_d"
    )
    off_g = _relative(mine.G, ref.G, g0)
    assert off_g < _FIRST_STEP_TOLERANCE, (
        f"{name}: after one step D matches but G differs from Trainer.step's (by {off_g:.2g} of its "
        "update). G's step comes after D's: score the same fakes with the updated D, minimise "
        "loss.g_loss(D(fake)) and step opt_g"
    )


@_answered
def check_training_loop(train: Callable[..., None], steps: int = LOOP_STEPS) -> str:
    """Check a student's GAN training loop against `Trainer.step` on a fixed seed.

    train(G, D, opt_g, opt_d, x, loss, *, steps, batch_size, z_dim, rng) trains G and D in
    place for `steps` steps; x (N, 2) is the data, loss a `losses.GANLoss`, rng the
    generator every random draw must come from. The check runs it on one trainer's
    networks and optimizers and compares with a second trainer's `step()`, numerically
    (with a tolerance: another order of the same sums is not a mistake).
    """
    config, data = loop_config(), load("ring8")
    mine, ref = Trainer(config, data), Trainer(config, data)
    g0, d0 = _flat(ref.G), _flat(ref.D)
    _first_step(train, mine, ref)
    _run_student(train, mine, steps=steps - 1)
    ref.run(steps - 1)
    off = {"G": _relative(mine.G, ref.G, g0), "D": _relative(mine.D, ref.D, d0)}
    assert max(off.values()) < _TOLERANCE, (
        f"{train.__name__}: the first step matches Trainer.step, but after {steps} steps the "
        f"networks differ (G by {off['G']:.2g}, D by {off['D']:.2g} of their updates): clear each "
        "optimizer's gradients in every step (opt.zero_grad()) before its backward pass, and "
        "draw every batch and z from the rng you are given"
    )
    return (
        f"Correct: after {steps} steps your G and D match Trainer.step's (within "
        f"{_TOLERANCE:.0%} of how far they moved)."
    )
