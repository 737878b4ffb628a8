"""Tests for ganlab.losses: closed forms, a trusted reference (BCE), stability, penalties."""

import math

import pytest
import torch
import torch.nn.functional as F
from torch.testing import assert_close

from ganlab import losses
from ganlab.losses import LOSSES, d_loss, g_loss, gradient_penalty, r1_penalty

NAMES = ("minimax", "non_saturating", "least_squares", "wasserstein", "hinge")
LOG2 = math.log(2.0)


def scalar(x: float) -> torch.Tensor:
    return torch.tensor(x, dtype=torch.float32)


# --- the table and the look-ups --------------------------------------------------------


def test_table_has_the_five_losses_with_summaries():
    assert tuple(LOSSES) == NAMES
    for loss in LOSSES.values():
        assert isinstance(loss, losses.GANLoss)
        assert len(loss.summary) > 10


def test_lookup_matches_table():
    real, fake = torch.tensor([0.3, -1.2]), torch.tensor([2.0, -0.5])
    for name in NAMES:
        assert_close(d_loss(name, real, fake), LOSSES[name].d_loss(real, fake))
        assert_close(g_loss(name, fake), LOSSES[name].g_loss(fake))


def test_unknown_name_lists_allowed_names():
    with pytest.raises(ValueError, match="'foo'.*'minimax'.*'hinge'"):
        d_loss("foo", torch.zeros(2), torch.zeros(2))
    with pytest.raises(ValueError, match="non_saturating"):
        g_loss("ns", torch.zeros(2))


# --- hand-computed values ----------------------------------------------------------------


def test_logistic_losses_at_logit_zero():
    zero = torch.zeros(4)
    assert_close(d_loss("minimax", zero, zero), scalar(2 * LOG2))  # -log(1/2) twice
    assert_close(d_loss("non_saturating", zero, zero), scalar(2 * LOG2))
    assert_close(g_loss("non_saturating", zero), scalar(LOG2))  # -log(1/2)
    assert_close(g_loss("minimax", zero), scalar(-LOG2))  # log(1 - 1/2)


def test_logistic_losses_at_log3():
    # sigmoid(log 3) = 3/4: -log(3/4) for the real term, -log(1 - 1/4) for the fake term.
    real, fake = torch.full((3,), math.log(3.0)), torch.full((3,), -math.log(3.0))
    assert_close(d_loss("minimax", real, fake), scalar(2 * math.log(4 / 3)))
    assert_close(g_loss("non_saturating", fake), scalar(math.log(4.0)))  # -log(1/4)
    assert_close(g_loss("minimax", fake), scalar(math.log(3 / 4)))  # log(1 - 1/4)


def test_least_squares_by_hand():
    real, fake = torch.tensor([1.0, 3.0]), torch.tensor([0.0, -2.0])
    # D: 0.5 * mean([0, 4]) + 0.5 * mean([0, 4]) = 2;  G: 0.5 * mean([1, 9]) = 2.5
    assert_close(d_loss("least_squares", real, fake), scalar(2.0))
    assert_close(g_loss("least_squares", fake), scalar(2.5))


def test_wasserstein_by_hand():
    real, fake = torch.tensor([1.0, 3.0]), torch.tensor([0.0, -2.0])
    assert_close(d_loss("wasserstein", real, fake), scalar(-1.0 - 2.0))  # mean(f) - mean(r)
    assert_close(g_loss("wasserstein", fake), scalar(1.0))  # -mean(f)


def test_hinge_by_hand():
    real, fake = torch.tensor([0.5, 2.0]), torch.tensor([-0.5, 1.0])
    # relu(1 - r) = [0.5, 0] -> 0.25;  relu(1 + f) = [0.5, 2] -> 1.25
    assert_close(d_loss("hinge", real, fake), scalar(1.5))
    assert_close(g_loss("hinge", fake), scalar(-0.25))
    # Past the margin on both sides: no loss at all.
    assert_close(d_loss("hinge", torch.tensor([1.0, 5.0]), torch.tensor([-1.0, -7.0])), scalar(0.0))


# --- a trusted reference: torch's binary cross-entropy ----------------------------------


def test_logistic_losses_match_bce_with_logits():
    gen = torch.Generator().manual_seed(0)
    real, fake = 4 * torch.randn(64, generator=gen), 4 * torch.randn(64, generator=gen)
    ones, zeros = torch.ones(64), torch.zeros(64)
    bce = F.binary_cross_entropy_with_logits
    d_reference = bce(real, ones) + bce(fake, zeros)
    assert_close(d_loss("minimax", real, fake), d_reference)
    assert_close(d_loss("non_saturating", real, fake), d_reference)
    assert_close(g_loss("non_saturating", fake), bce(fake, ones))
    assert_close(g_loss("minimax", fake), -bce(fake, zeros))


# --- numerical stability ---------------------------------------------------------------


def test_naive_formula_overflows_where_softplus_does_not():
    # The naive -log(1 - sigmoid(100)) is +inf in float32; softplus(100) is 100.
    assert torch.isinf(-torch.log(1 - torch.sigmoid(scalar(100.0))))
    assert_close(
        d_loss("minimax", scalar(0.0).reshape(1), torch.tensor([100.0])), scalar(LOG2 + 100)
    )
    assert_close(g_loss("non_saturating", torch.tensor([-100.0])), scalar(100.0))


@pytest.mark.parametrize("name", NAMES)
def test_finite_values_and_gradients_at_extreme_logits(name):
    real = torch.tensor([100.0, -100.0], requires_grad=True)
    fake = torch.tensor([-100.0, 100.0], requires_grad=True)
    loss_d = d_loss(name, real, fake)
    loss_g = g_loss(name, fake)
    grad_r, grad_f = torch.autograd.grad(loss_d, (real, fake))
    (grad_g,) = torch.autograd.grad(loss_g, fake)
    for value in (loss_d, loss_g, grad_r, grad_f, grad_g):
        assert torch.isfinite(value).all(), (name, value)


# --- why the non-saturating loss exists -------------------------------------------------


def test_saturating_loss_vanishes_when_d_rejects_fakes():
    fake = torch.tensor([-10.0], requires_grad=True)  # D is sure the fake is fake
    (grad_minimax,) = torch.autograd.grad(g_loss("minimax", fake), fake)
    (grad_ns,) = torch.autograd.grad(g_loss("non_saturating", fake), fake)
    assert grad_minimax.abs().item() < 1e-4  # -sigmoid(-10) ~ -4.5e-5: G barely moves
    assert grad_ns.abs().item() > 0.99  # -(1 - sigmoid(-10)): G gets a full-size push
    assert_close(grad_minimax, -torch.sigmoid(fake.detach()))
    assert_close(grad_ns, -torch.sigmoid(-fake.detach()))
    # Both push the fake logit up (descent on a negative gradient increases it).
    assert grad_minimax.item() < 0 and grad_ns.item() < 0


# --- gradient penalty and R1 ------------------------------------------------------------


def linear_critic(w: torch.Tensor):
    """D(x) = w . flatten(x): its input gradient is w everywhere, so penalties are known."""
    return lambda x: x.flatten(1) @ w


def unit_vector(n: int, seed: int) -> torch.Tensor:
    w = torch.randn(n, generator=torch.Generator().manual_seed(seed))
    return w / w.norm()


def images(seed: int) -> torch.Tensor:
    return torch.randn(5, 1, 4, 4, generator=torch.Generator().manual_seed(seed))


def test_gradient_penalty_zero_for_1_lipschitz_linear_critic():
    D = linear_critic(unit_vector(16, seed=1))
    assert_close(gradient_penalty(D, images(2), images(3)), scalar(0.0), atol=1e-6, rtol=0)


@pytest.mark.parametrize("k", [0.0, 3.0, 0.5])
def test_gradient_penalty_for_steeper_linear_critic(k):
    D = linear_critic(k * unit_vector(16, seed=1))
    assert_close(gradient_penalty(D, images(2), images(3)), scalar((k - 1) ** 2))


def test_gradient_penalty_samples_one_eps_per_sample_on_the_line():
    # D(x) = 0.5 * ||x||^2 has gradient x, so the penalty is mean((||x_hat|| - 1)^2).
    real, fake = images(4), images(5)
    torch.manual_seed(7)
    eps = torch.rand(5, 1, 1, 1)
    x_hat = eps * real + (1 - eps) * fake
    expected = (x_hat.flatten(1).norm(dim=1) - 1).pow(2).mean()
    torch.manual_seed(7)
    got = gradient_penalty(lambda x: 0.5 * x.flatten(1).pow(2).sum(1), real, fake)
    assert_close(got, expected)


def test_gradient_penalty_trains_the_critic():
    # D(x) = W x with ||W|| = 2: penalty (||W|| - 1)^2, dP/dW = 2 (||W|| - 1) W / ||W||.
    D = torch.nn.Linear(16, 1, bias=False)
    with torch.no_grad():
        D.weight.copy_(2 * unit_vector(16, seed=1))
    penalty = gradient_penalty(lambda x: D(x.flatten(1)).squeeze(1), images(2), images(3))
    penalty.backward()
    assert_close(penalty, scalar(1.0))
    assert_close(D.weight.grad, 2 * (2 - 1) * D.weight.detach() / 2)


def test_penalties_pass_labels_to_conditional_critic():
    seen = []

    def D(x, labels):
        seen.append(labels)
        return x.flatten(1) @ unit_vector(16, seed=1) + labels.float()  # shift, same gradient

    labels = torch.arange(5)
    assert_close(gradient_penalty(D, images(2), images(3), labels), scalar(0.0), atol=1e-6, rtol=0)
    assert_close(r1_penalty(D, images(2), labels), scalar(1.0))
    assert len(seen) == 2 and all(s is labels for s in seen)


def test_gradient_penalty_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="fake.shape"):
        gradient_penalty(linear_critic(unit_vector(16, 1)), images(2), images(3)[:4])


@pytest.mark.parametrize("k", [1.0, 3.0])
def test_r1_is_squared_weight_norm_for_linear_critic(k):
    w = k * unit_vector(16, seed=1)
    assert_close(r1_penalty(linear_critic(w), images(2)), w.pow(2).sum())
    assert_close(r1_penalty(linear_critic(w), images(2)), scalar(k**2))


def test_r1_gives_the_critic_a_gradient():
    # R1 = ||W||^2 for D(x) = W x, so dR1/dW = 2 W.
    D = torch.nn.Linear(16, 1, bias=False)
    r1_penalty(lambda x: D(x.flatten(1)).squeeze(1), images(2)).backward()
    assert_close(D.weight.grad, 2 * D.weight.detach())


@pytest.mark.parametrize(
    "name, probability, boundary, midpoint",
    [
        ("minimax", True, 0.0, 0.5),
        ("non_saturating", True, 0.0, 0.5),
        ("least_squares", False, 0.5, 0.5),  # halfway between the targets 0 and 1
        ("wasserstein", False, 0.0, 0.0),
        ("hinge", False, 0.0, 0.0),
    ],
)
def test_each_loss_says_how_to_read_d(name, probability, boundary, midpoint):
    loss = LOSSES[name]
    assert (loss.probability, loss.boundary, loss.midpoint) == (probability, boundary, midpoint)
    logits = torch.tensor([-2.0, 0.0, 3.0])
    expected = torch.sigmoid(logits) if probability else logits
    torch.testing.assert_close(loss.score(logits), expected)
    # at the boundary D is undecided: its score sits exactly at the midpoint
    assert loss.score(torch.tensor([boundary])).item() == midpoint


def test_the_penalty_mix_comes_from_the_generator_it_is_given():
    critic = lambda x: x.pow(3).sum(1)  # noqa: E731 (its gradient 3 x^2 depends on the mix)
    real, fake = torch.randn(8, 2), torch.randn(8, 2)
    a = gradient_penalty(critic, real, fake, generator=torch.Generator().manual_seed(3))
    torch.manual_seed(0)  # the global RNG plays no part
    b = gradient_penalty(critic, real, fake, generator=torch.Generator().manual_seed(3))
    torch.testing.assert_close(a, b, rtol=0, atol=0)
