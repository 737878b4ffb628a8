"""The article's Keras networks, rebuilt correctly in PyTorch (the `article` preset).

The article (shared/reference, in Chinese) trains a 64x64x3 DCGAN-like pair on MNIST.
Its architecture is reasonable; its training code is not. What is wrong, and what this
rebuild does instead, is listed in `ArticleDiscriminator`'s docstring and taught in
notebook 03.
"""

from __future__ import annotations

from itertools import pairwise

from torch import Tensor, nn

from ganlab.checks import check_labels


class ArticleGenerator(nn.Module):
    """The article's Keras generator, rebuilt: z (B, 100) -> image (B, 3, 64, 64) in [-1, 1].

    Dense 100 -> 128 -> 128 -> 1024 -> 1024, each followed (in the article's order) by
    LeakyReLU(0.2) then BatchNorm; Dense -> 4*4*256 with ReLU; reshape to (256, 4, 4);
    ConvTranspose(k4, s2, 'same' = p1) to 128 (8 px), 128 (16), 64 (32), each + BN +
    LeakyReLU(0.2), and to 3 (64 px) + tanh. The article's bugs are listed in
    `ArticleDiscriminator`.
    """

    def __init__(self) -> None:
        super().__init__()

        # Keras updates running = 0.8 * running + 0.2 * batch; torch's `momentum` is the
        # weight of the *batch*, so Keras momentum=0.8 is torch momentum=0.2. Keras eps=1e-3.
        def bn(c: int, cls: type[nn.Module]) -> nn.Module:
            return cls(c, momentum=0.2, eps=1e-3)

        dims = [100, 128, 128, 1024, 1024]
        layers: list[nn.Module] = []
        for d_in, d_out in pairwise(dims):
            layers += [nn.Linear(d_in, d_out), nn.LeakyReLU(0.2), bn(d_out, nn.BatchNorm1d)]
        layers += [nn.Linear(1024, 4 * 4 * 256), nn.ReLU(), nn.Unflatten(1, (256, 4, 4))]
        chans = [256, 128, 128, 64]  # at 4, 8, 16, 32 px
        for c_in, c_out in pairwise(chans):  # (B, c_out, 2s, 2s)
            layers += [
                nn.ConvTranspose2d(c_in, c_out, 4, 2, 1),
                bn(c_out, nn.BatchNorm2d),
                nn.LeakyReLU(0.2),
            ]
        layers += [nn.ConvTranspose2d(64, 3, 4, 2, 1), nn.Tanh()]  # (B, 3, 64, 64)
        self.net = nn.Sequential(*layers)

    def forward(self, z: Tensor, labels: Tensor | None = None) -> Tensor:
        check_labels(labels, 0, z.shape[0])
        return self.net(z)


class ArticleDiscriminator(nn.Module):
    """The article's Keras discriminator, rebuilt: image (B, 3, 64, 64) -> logit (B,).

    Conv(k4, s2, 'same' = p1) to 64 (32 px), 128 (16), 128 (8), each + LeakyReLU(0.2);
    flatten (B, 8192); Linear -> ONE LOGIT. The article ends in a sigmoid and feeds the
    probability to squared-error losses: a saturated sigmoid passes almost no gradient,
    and log(sigmoid(x)) taken afterwards is unstable. Our losses take logits and apply the
    sigmoid inside softplus, so the sigmoid is gone here.

    The article's code (section 4) also does not run or does not learn, because:
    - MNIST (N, 28, 28) grey is reshaped to (N, 64, 64, 3): 784 values cannot become
      12,288 (resize and repeat channels instead); and it scales pixels to [0, 1] while
      G's tanh outputs [-1, 1], so D could tell fakes apart by their sign alone;
    - `LeakyReLU`, `BatchNormalization` and `np` are never imported; `z` is undefined
      in `__main__`;
    - one Adam optimizer is shared by G and D (one step counter, no separate learning
      rates); each net needs its own;
    - D's loss mean((D(x) - D(G(z)))^2) is minimised when D scores real and fake the
      SAME: it trains D not to discriminate; it is not a GAN objective;
    - G's loss is computed after its GradientTape closed, so G gets no gradient at all;
    - the formulas of section 3.1 disagree in sign: as losses to minimise, L_D makes D
      worse; as objectives to maximise, L_G makes G worse (and L_G's E[log D(x)] term,
      sign-flipped relative to the value function, does not depend on G).
    """

    def __init__(self) -> None:
        super().__init__()
        chans = [3, 64, 128, 128]  # at 64, 32, 16, 8 px
        layers: list[nn.Module] = []
        for c_in, c_out in pairwise(chans):  # (B, c_out, s/2, s/2)
            layers += [nn.Conv2d(c_in, c_out, 4, 2, 1), nn.LeakyReLU(0.2)]
        layers += [nn.Flatten(), nn.Linear(128 * 8 * 8, 1)]  # (B, 8192) -> (B, 1)
        self.net = nn.Sequential(*layers)

    def forward(self, x: Tensor, labels: Tensor | None = None) -> Tensor:
        check_labels(labels, 0, x.shape[0])
        return self.net(x).squeeze(1)
