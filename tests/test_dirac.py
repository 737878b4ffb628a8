"""The Dirac-GAN against Mescheder, Geiger & Nowozin (2018): its predictions, asserted."""

import pytest
import torch
from torch.testing import assert_close

from ganlab.dirac import Game

GANS = ("minimax", "non_saturating")  # f(t) = -log(1 + exp(-t)): f'(0) = 1/2
LINEAR = ("wasserstein", "hinge")  # near the equilibrium, f(t) = t: f'(0) = 1
START = (1.0, 1.0)


def end_distance(game: Game, update: str, steps: int = 1000) -> float:
    return float(game.trajectory(START, lr=0.1, steps=steps, update=update)[-1].norm())


def test_the_field_is_the_papers_closed_form():
    # non-saturating: L_D = softplus(-psi*0) + softplus(psi*theta), L_G = softplus(-psi*theta)
    theta, psi = torch.tensor(0.7, dtype=torch.float64), torch.tensor(-1.3, dtype=torch.float64)
    v_theta, v_psi = Game("non_saturating").field(theta, psi)
    assert_close(v_theta, psi * torch.sigmoid(-psi * theta))
    assert_close(v_psi, -theta * torch.sigmoid(psi * theta))


@pytest.mark.parametrize("loss, f_prime", [*((n, 0.5) for n in GANS), *((n, 1.0) for n in LINEAR)])
def test_unregularised_training_has_imaginary_eigenvalues(loss, f_prime):
    # Lemma 2.2: the Jacobian at (0, 0) has eigenvalues +-f'(0) i -- no linear convergence.
    eig = Game(loss).eigenvalues()
    assert_close(eig.real, torch.zeros(2, dtype=torch.float64))
    assert_close(eig.imag.abs(), torch.full((2,), f_prime, dtype=torch.float64))


def test_least_squares_has_zero_eigenvalues():
    assert_close(Game("least_squares").eigenvalues().abs(), torch.zeros(2, dtype=torch.float64))


@pytest.mark.parametrize("loss", GANS + LINEAR)
def test_r1_gives_every_eigenvalue_a_negative_real_part_and_converges(loss):
    game = Game(loss, r1=1.0)
    assert game.eigenvalues().real.max() < -0.1
    for update in ("simultaneous", "alternating"):
        assert end_distance(game, update) < 1e-3


@pytest.mark.parametrize("loss", GANS)
def test_instance_noise_converges_for_the_gan_losses(loss):
    game = Game(loss, noise=0.5)
    assert game.eigenvalues().real.max() < -0.01
    for update in ("simultaneous", "alternating"):
        assert end_distance(game, update) < 0.05


def test_simultaneous_steps_spiral_out_and_alternating_ones_circle():
    game = Game("minimax")  # no damping beyond the linear terms: the pure rotation
    start = torch.tensor(START).norm().item()
    assert end_distance(game, "simultaneous") > 1.3 * start
    assert 0.9 * start < end_distance(game, "alternating") < 1.1 * start


def test_the_non_saturating_drift_inward_is_too_slow_to_count():
    # Its nonlinear terms pull inward (d r^2/dt = -psi^2 theta^2 / 2), but far from
    # linearly: after 1000 steps the alternating walk is still a sizeable distance away.
    assert end_distance(Game("non_saturating"), "alternating") > 0.1


@pytest.mark.parametrize("loss", ("wasserstein", "non_saturating"))
def test_wgan_gp_does_not_converge_to_the_point_mass(loss):
    game = Game(loss, gp=1.0)
    for update in ("simultaneous", "alternating"):
        assert end_distance(game, update) > 0.5
    with pytest.raises(ValueError, match="gp"):
        game.eigenvalues()


@pytest.mark.parametrize(
    "kwargs, named", [({"loss": "wgan"}, "loss"), ({"r1": -1.0}, "r1"), ({"noise": "a"}, "noise")]
)
def test_bad_settings_raise_naming_the_field(kwargs, named):
    with pytest.raises(ValueError, match=named):
        Game(**kwargs)


def test_bad_trajectory_arguments_raise():
    with pytest.raises(ValueError, match="update"):
        Game().trajectory(update="both")
    with pytest.raises(ValueError, match="steps"):
        Game().trajectory(steps=2.5)


def test_the_game_is_played_in_float64():
    # The samples must not drag the losses down to float32 (float32 noise quantiles once
    # did): one alternating WGAN step from (1, 1) is exactly (1 + h - h^2, 1 - h).
    theta, psi = (torch.tensor(v, dtype=torch.float64) for v in (0.3, 0.7))
    for loss in Game(noise=0.5).d_and_g_loss(theta, psi):
        assert loss.dtype == torch.float64
    step = Game("wasserstein").trajectory(START, lr=0.1, steps=1, update="alternating")[1]
    assert_close(step, torch.tensor([1.09, 0.9], dtype=torch.float64), rtol=1e-15, atol=1e-15)


@pytest.mark.parametrize(
    "game, verdict",
    [
        (Game("non_saturating"), "circles"),
        (Game("wasserstein"), "circles"),
        (Game("least_squares"), "stalls"),
        (Game("minimax", r1=1.0), "converges"),
        (Game("non_saturating", noise=0.5), "converges"),
        (Game("wasserstein", gp=1.0), "no fixed point"),
    ],
)
def test_stability_names_what_the_eigenvalues_predict(game, verdict):
    assert game.stability() == verdict


def test_the_field_grid_is_the_field_at_each_point():
    game = Game("hinge", r1=0.5)
    thetas, psis = torch.tensor([-1.0, 0.0, 0.5]), torch.tensor([0.25, 2.0])
    v_theta, v_psi = game.field_grid(thetas, psis)
    assert v_theta.shape == v_psi.shape == (2, 3)
    expected = game.field(0.5, 0.25)  # column 2, row 0
    assert_close((v_theta[0, 2], v_psi[0, 2]), tuple(v.float() for v in expected))
