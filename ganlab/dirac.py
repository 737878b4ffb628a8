"""The Dirac-GAN (Mescheder, Geiger & Nowozin 2018): the smallest GAN there is.

The data is a point mass at 0. G has one parameter and generates the point theta; D has
one parameter and is linear, D(x) = psi * x. The equilibrium is (theta, psi) = (0, 0):
G sits on the data and D cannot tell. Training is a walk in the (theta, psi) plane
along the game's vector field

    v(theta, psi) = (-d g_loss / d theta,  -d d_loss / d psi),

and whether it reaches (0, 0) is read off the Jacobian of v there: the walk converges
locally when every eigenvalue has a negative real part. Unregularised training has
eigenvalues on the imaginary axis (it circles, or spirals out with simultaneous steps);
R1 and instance noise move them to the left half-plane. Every loss and penalty here is
the package's own (`ganlab.losses`), applied to this one-parameter D.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor

from ganlab import losses
from ganlab.checks import check_choice, check_int, check_non_negative, check_positive, fail

N_NOISE = 64  # instance noise as fixed normal quantiles: the same expectation every call
UPDATES = ("simultaneous", "alternating")
# What the linearisation at (0, 0) predicts (`Game.stability`), one word each:
VERDICTS = {
    "converges": "every eigenvalue has a negative real part: the walk spirals in",
    "circles": "the eigenvalues are purely imaginary: no linear convergence; the walk "
    "circles, spirals out, or creeps in only through slow nonlinear terms",
    "stalls": "the eigenvalues are zero: no pull towards (0, 0), not even a rotation",
    "diverges": "an eigenvalue has a positive real part: the walk is pushed away",
    "no fixed point": "the field is not differentiable at (0, 0), so it has no eigenvalues",
}
TOL = 1e-9  # |real part| below this counts as zero (autograd in float64)


@dataclass(frozen=True)
class Game:
    """One Dirac-GAN: a loss from `losses.LOSSES` and the regularisers on D."""

    loss: str = "non_saturating"
    r1: float = 0.0  # gamma: D's loss gains gamma/2 * E|grad_x D(x)|^2 on real data
    gp: float = 0.0  # lambda: WGAN-GP's lambda * E(|grad_x D(x_hat)| - 1)^2
    noise: float = 0.0  # instance noise sigma, on real and fake samples alike

    def __post_init__(self):
        check_choice("loss", self.loss, tuple(losses.LOSSES))
        for name in ("r1", "gp", "noise"):
            check_non_negative(name, getattr(self, name))

    def d_and_g_loss(self, theta: Tensor, psi: Tensor) -> tuple[Tensor, Tensor]:
        """D's and G's losses at (theta, psi), both differentiable in both."""
        loss = losses.LOSSES[self.loss]
        # float64 like theta and psi: float32 samples would make every loss below float32
        ranks = torch.arange(N_NOISE, dtype=torch.float64)
        eps = self.noise * torch.special.ndtri((ranks + 0.5) / N_NOISE)
        real, fake = eps[:, None], theta + eps[:, None]  # (N, 1): samples of x and G(z)

        def critic(x: Tensor, labels: Tensor | None = None) -> Tensor:
            return psi * x[:, 0]  # D(x) = psi * x, one logit per sample

        d_loss = loss.d_loss(critic(real), critic(fake))
        if self.r1:
            d_loss = d_loss + self.r1 / 2 * losses.r1_penalty(critic, real)
        if self.gp:  # D is linear, so the penalty is (|psi| - 1)^2 wherever it is taken
            d_loss = d_loss + self.gp * losses.gradient_penalty(critic, real, fake)
        return d_loss, loss.g_loss(critic(fake))

    def velocity(self, p: Tensor, create_graph: bool = False) -> Tensor:
        """v = (-dL_G/dtheta, -dL_D/dpsi) at p = (theta, psi): where gradient descent moves.
        p: (2,) float64 that requires grad; create_graph to differentiate v again."""
        d_loss, g_loss = self.d_and_g_loss(p[0], p[1])
        d_theta = torch.autograd.grad(g_loss, p, create_graph=create_graph)[0][0]
        d_psi = torch.autograd.grad(d_loss, p, create_graph=create_graph)[0][1]
        return -torch.stack([d_theta, d_psi])

    def field(self, theta: Tensor | float, psi: Tensor | float) -> tuple[Tensor, Tensor]:
        """The velocity at one point, as (v_theta, v_psi) without a graph."""
        p = torch.tensor([float(theta), float(psi)], dtype=torch.float64, requires_grad=True)
        v_theta, v_psi = self.velocity(p).detach()
        return v_theta, v_psi

    def field_grid(self, thetas: Tensor, psis: Tensor) -> tuple[Tensor, Tensor]:
        """The velocity on a grid: (v_theta, v_psi), each (len(psis), len(thetas)),
        entry [i, j] at (thetas[j], psis[i])."""
        rows = [[self.field(t, p) for t in thetas.tolist()] for p in psis.tolist()]
        v = torch.tensor([[[float(a), float(b)] for a, b in row] for row in rows])
        return v[..., 0], v[..., 1]

    def jacobian(self) -> Tensor:
        """The (2, 2) Jacobian of v at the equilibrium (0, 0), rows (theta, psi)."""
        p = torch.zeros(2, dtype=torch.float64, requires_grad=True)
        return torch.autograd.functional.jacobian(lambda q: self.velocity(q, True), p)

    def eigenvalues(self) -> Tensor:
        """The Jacobian's eigenvalues at the equilibrium (complex, shape (2,)).

        WGAN-GP has none: its penalty (|psi| - 1)^2 pulls D's slope towards +-1 and has a
        kink at psi = 0, so its field jumps there and (0, 0) is not even a fixed point.
        """
        if self.gp:
            fail(
                "gp",
                self.gp,
                "with a gradient penalty the field is not differentiable at "
                "the equilibrium, so it has no eigenvalues there; use trajectory()",
            )
        return torch.linalg.eigvals(self.jacobian())

    def stability(self) -> str:
        """What the Jacobian at (0, 0) predicts for small steps: a key of VERDICTS."""
        if self.gp:
            return "no fixed point"
        eig = self.eigenvalues()
        if eig.real.max() < -TOL:
            return "converges"
        if eig.real.max() > TOL:
            return "diverges"
        return "circles" if eig.imag.abs().max() > TOL else "stalls"

    def trajectory(
        self,
        start: tuple[float, float] = (1.0, 1.0),
        lr: float = 0.1,
        steps: int = 500,
        update: str = "simultaneous",
    ) -> Tensor:
        """Gradient descent from `start`: (steps + 1, 2) points (theta, psi).

        simultaneous: both players step from the same point. alternating: D steps
        first, then G steps against the new D (the order ganlab's Trainer uses).
        """
        check_positive("lr", lr)
        check_int("steps", steps, minimum=1)
        check_choice("update", update, UPDATES)
        theta, psi = (torch.tensor(v, dtype=torch.float64) for v in start)
        points = [torch.stack([theta, psi])]
        for _ in range(steps):
            v_theta, v_psi = self.field(theta, psi)
            psi = psi + lr * v_psi
            if update == "alternating":
                v_theta, _ = self.field(theta, psi)
            theta = theta + lr * v_theta
            points.append(torch.stack([theta, psi]))
        return torch.stack(points)
