"""GAN losses: pure functions of the discriminator's raw logits, plus two regularizers.

Sign convention (the same everywhere in ganlab): D returns raw logits of shape (B,) and
scores real data HIGH. Write r = D(x) for real logits and f = D(G(z)) for fake logits;
sigmoid(r) is then D's probability that x is real. Every loss is a mean over the batch
and is minimised: D minimises `d_loss(r, f)`, G minimises `g_loss(f)`.

The logistic losses never compute log(sigmoid(x)) directly (it underflows to -inf for
large |x|); they use the identities

    -log(sigmoid(x))     = softplus(-x)
    -log(1 - sigmoid(x)) = softplus(x)

which `F.softplus` evaluates stably for any x.

    loss = LOSSES["hinge"]
    loss.d_loss(real_logits, fake_logits), loss.g_loss(fake_logits)
    d_loss("hinge", real_logits, fake_logits)     # the same, looked up by name
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import torch
import torch.nn.functional as F
from torch import Tensor

from ganlab.checks import check_choice, fail

# D(x) or D(x, labels) -> logits (B,); an nn.Module or any function of that shape.
Critic = Callable[..., Tensor]


class GANLoss(NamedTuple):
    """One GAN objective: the two losses, a one-liner, and what D's output means.

    This entry is the one place that says how to read D under this loss: the freeze
    rule, the decision map's midpoint and the units of the logged D(x), D(G(z)) all ask
    `score` and `midpoint` here.
    """

    d_loss: Callable[[Tensor, Tensor], Tensor]  # (real_logits (B,), fake_logits (B,)) -> ()
    g_loss: Callable[[Tensor], Tensor]  # fake_logits (B,) -> ()
    summary: str
    probability: bool = False  # sigmoid(logit) is D's probability that x is real
    boundary: float = 0.0  # the raw output where D is undecided between real and fake

    def score(self, logits: Tensor) -> Tensor:
        """D's output in this loss's units: sigmoid(logits) for the log-losses, else raw."""
        return torch.sigmoid(logits) if self.probability else logits

    @property
    def midpoint(self) -> float:
        """`boundary` in the units of `score`: 0.5 for a probability, else the raw boundary."""
        return 0.5 if self.probability else self.boundary


# --- logistic (cross-entropy) losses: Goodfellow et al. 2014 ---------------------------


def logistic_d_loss(real: Tensor, fake: Tensor) -> Tensor:
    """D's cross-entropy: mean(-log sigmoid(r)) + mean(-log(1 - sigmoid(f))).

    Shared by "minimax" and "non_saturating"; they differ only in G's loss.
    real, fake: logits (B,). Returns a scalar; 2 log 2 when D outputs 0 everywhere.
    """
    real_term = F.softplus(-real).mean()  # -log(sigmoid(r)): push real logits up
    fake_term = F.softplus(fake).mean()  # -log(1 - sigmoid(f)): push fake logits down
    return real_term + fake_term


def minimax_g_loss(fake: Tensor) -> Tensor:
    """G's saturating loss: mean(log(1 - sigmoid(f))) = -mean(softplus(f)).

    The original minimax game. Its gradient d/df = -sigmoid(f) vanishes exactly when D
    confidently rejects the fakes (f << 0), i.e. early in training: G stops learning.
    """
    return -F.softplus(fake).mean()  # log(1 - sigmoid(f)) = -softplus(f)


def non_saturating_g_loss(fake: Tensor) -> Tensor:
    """G's non-saturating loss: mean(-log sigmoid(f)) = mean(softplus(-f)).

    Same fixed point as the minimax game, but d/df = -(1 - sigmoid(f)) is close to -1
    when D rejects the fakes, so G gets a strong signal when it needs one most.
    """
    return F.softplus(-fake).mean()  # -log(sigmoid(f)) = softplus(-f)


# --- least squares: Mao et al. 2017 (LSGAN with a = 0, b = 1, c = 1 on raw outputs) ------


def least_squares_d_loss(real: Tensor, fake: Tensor) -> Tensor:
    """D's LSGAN loss: 0.5 * mean((r - 1)^2) + 0.5 * mean(f^2). Targets: real 1, fake 0."""
    return 0.5 * (real - 1).pow(2).mean() + 0.5 * fake.pow(2).mean()


def least_squares_g_loss(fake: Tensor) -> Tensor:
    """G's LSGAN loss: 0.5 * mean((f - 1)^2). G wants its fakes scored as real (c = 1)."""
    return 0.5 * (fake - 1).pow(2).mean()


# --- Wasserstein: Arjovsky et al. 2017 ---------------------------------------------------


def wasserstein_d_loss(real: Tensor, fake: Tensor) -> Tensor:
    """The critic's loss: mean(f) - mean(r), an estimate of -W1(real, fake).

    It is only meaningful for a 1-Lipschitz critic. This function does not enforce that:
    the trainer does, by weight clipping or by adding `gradient_penalty` (WGAN-GP).
    """
    return fake.mean() - real.mean()


def wasserstein_g_loss(fake: Tensor) -> Tensor:
    """G's Wasserstein loss: -mean(f). G raises the critic's score of its samples."""
    return -fake.mean()


# --- hinge: Lim & Ye 2017, Miyato et al. 2018 (SN-GAN) ------------------------------------


def hinge_d_loss(real: Tensor, fake: Tensor) -> Tensor:
    """D's hinge loss: mean(relu(1 - r)) + mean(relu(1 + f)).

    Samples already past the margin (r >= 1, f <= -1) contribute nothing.
    """
    return F.relu(1 - real).mean() + F.relu(1 + fake).mean()


def hinge_g_loss(fake: Tensor) -> Tensor:
    """G's hinge loss: -mean(f) (no margin for G, as in SN-GAN and BigGAN)."""
    return -fake.mean()


LOSSES: dict[str, GANLoss] = {
    "minimax": GANLoss(
        logistic_d_loss,
        minimax_g_loss,
        "Original minimax game: G minimises log(1 - D(G(z))); saturates when D wins.",
        probability=True,
    ),
    "non_saturating": GANLoss(
        logistic_d_loss,
        non_saturating_g_loss,
        "Non-saturating GAN: G maximises log D(G(z)); the usual default.",
        probability=True,
    ),
    "least_squares": GANLoss(
        least_squares_d_loss,
        least_squares_g_loss,
        "LSGAN: squared distance of D's output to targets 1 (real) and 0 (fake).",
        boundary=0.5,  # halfway between the targets 0 (fake) and 1 (real)
    ),
    "wasserstein": GANLoss(
        wasserstein_d_loss,
        wasserstein_g_loss,
        "WGAN: the critic estimates W1; needs weight clipping or a gradient penalty.",
    ),
    "hinge": GANLoss(
        hinge_d_loss,
        hinge_g_loss,
        "Hinge loss: D pushes real above +1 and fake below -1; G raises D(G(z)).",
    ),
}


def _lookup(name: str) -> GANLoss:
    check_choice("loss name", name, tuple(LOSSES))
    return LOSSES[name]


def d_loss(name: str, real_logits: Tensor, fake_logits: Tensor) -> Tensor:
    """D's loss `name` (a key of LOSSES) on logits (B,) -> scalar."""
    return _lookup(name).d_loss(real_logits, fake_logits)


def g_loss(name: str, fake_logits: Tensor) -> Tensor:
    """G's loss `name` (a key of LOSSES) on fake logits (B,) -> scalar."""
    return _lookup(name).g_loss(fake_logits)


# --- regularizers ---------------------------------------------------------------------


def _input_grad(D: Critic, x: Tensor, labels: Tensor | None) -> Tensor:
    """grad_x D(x) for every sample, kept in the graph so a penalty on it trains D."""
    x = x.detach().requires_grad_(True)
    logits = D(x) if labels is None else D(x, labels)  # (B,)
    # Summing is fine: sample i's logit depends only on x_i (no batch norm in D!),
    # so d(sum)/dx_i = dD(x_i)/dx_i. create_graph=True lets the penalty backpropagate.
    (grad,) = torch.autograd.grad(logits.sum(), x, create_graph=True)
    return grad.flatten(1)  # (B, prod(non-batch dims))


def gradient_penalty(
    D: Critic,
    real: Tensor,
    fake: Tensor,
    labels: Tensor | None = None,
    generator: torch.Generator | None = None,
) -> Tensor:
    """WGAN-GP (Gulrajani et al. 2017): mean((||grad_x D(x_hat)||_2 - 1)^2).

    x_hat = eps * real + (1 - eps) * fake, eps ~ U(0, 1) drawn once per sample (from
    `generator`; the global RNG when None), i.e. points on random lines between real and
    fake samples. The penalty
    pulls the critic's gradient norm towards 1 there (a soft 1-Lipschitz constraint);
    the caller multiplies it by lambda (10 in the paper) and adds it to D's loss.
    real, fake: (B, ...) of the same shape; labels: (B,) for conditional D, or None.
    Returns a scalar that is differentiable with respect to D's parameters.
    """
    if real.shape != fake.shape:
        fail("fake.shape", tuple(fake.shape), f"it must equal real.shape = {tuple(real.shape)}")
    # One eps per sample, broadcast over all non-batch dims: (B, 1, 1, ...).
    eps_shape = (real.shape[0],) + (1,) * (real.dim() - 1)
    eps = torch.rand(eps_shape, device=real.device, dtype=real.dtype, generator=generator)
    x_hat = eps * real.detach() + (1 - eps) * fake.detach()  # G gets no gradient from here
    grad_norm = torch.linalg.vector_norm(_input_grad(D, x_hat, labels), dim=1)  # (B,)
    return (grad_norm - 1).pow(2).mean()


def r1_penalty(D: Critic, real: Tensor, labels: Tensor | None = None) -> Tensor:
    """R1 (Mescheder et al. 2018): mean(||grad_x D(x)||_2^2) on real data only.

    No factor 1/2 here: the paper's regularizer is (gamma / 2) * E[||grad D(x)||^2], so the
    caller multiplies this value by gamma / 2 before adding it to D's loss.
    real: (B, ...); labels: (B,) for conditional D, or None. Returns a scalar.
    """
    return _input_grad(D, real, labels).pow(2).sum(dim=1).mean()
