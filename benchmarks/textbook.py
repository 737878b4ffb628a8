"""The loop every student has seen: pytorch/examples' dcgan/main.py, as the baseline.

Written the way that example writes it, on purpose, so the benchmark measures what a
student would otherwise run:

- a torch DataLoader over a TensorDataset (shuffle=True, batch B; drop_last=True so
  every step sees a full batch, as ganlab's does), each batch copied to the device;
- D ends in nn.Sigmoid and the loss is nn.BCELoss (ganlab's house style avoids this
  pair; here it is the thing being compared against);
- fake = G(noise) once, D sees fake.detach(), then G's step feeds `fake` through D again;
- .item() on the losses and on D's mean outputs every step (the example prints them);
- two plain Adam optimizers (no `fused`, default `foreach`).

The nets are ganlab's own (models.build, same seed), so only the loop differs.
"""

from __future__ import annotations

import torch
from torch import nn, optim
from torch.utils.data import DataLoader, TensorDataset

from ganlab import models
from ganlab.config import Config
from ganlab.data import Dataset
from ganlab.train import resolve_device

REAL_LABEL, FAKE_LABEL = 1.0, 0.0


class TextbookLoop:
    """pytorch/examples' DCGAN training loop; `step()` is one iteration of its inner loop."""

    def __init__(self, config: Config, data: Dataset) -> None:
        t = config.train
        self.device = resolve_device(t.device)
        torch.manual_seed(t.seed)  # the same initial weights as Trainer(config)
        G, D = models.build(config, data.to("cpu"))
        self.netG = G.to(self.device)
        self.netD = nn.Sequential(D, nn.Sigmoid()).to(self.device)  # logits -> probabilities
        self.criterion = nn.BCELoss()
        self.optimizerD = optim.Adam(self.netD.parameters(), lr=t.lr_d, betas=t.betas)
        self.optimizerG = optim.Adam(self.netG.parameters(), lr=t.lr_g, betas=t.betas)
        dataset = TensorDataset(data.x.cpu())
        self.dataloader = DataLoader(dataset, batch_size=t.batch_size, shuffle=True, drop_last=True)
        self.batches = iter(self.dataloader)
        self.nz = config.model.z_dim
        self.log: list[tuple[float, ...]] = []  # Loss_D, Loss_G, D(x), D(G(z)) before/after

    def _next_batch(self) -> torch.Tensor:
        try:
            return next(self.batches)[0]
        except StopIteration:  # the example's `for epoch in range(niter)` starts a new epoch
            self.batches = iter(self.dataloader)
            return next(self.batches)[0]

    def step(self) -> None:
        # (1) Update D network: maximize log(D(x)) + log(1 - D(G(z)))
        self.netD.zero_grad()
        real_cpu = self._next_batch().to(self.device)
        batch_size = real_cpu.size(0)
        label = torch.full((batch_size,), REAL_LABEL, dtype=real_cpu.dtype, device=self.device)
        output = self.netD(real_cpu).view(-1)
        errD_real = self.criterion(output, label)
        errD_real.backward()
        D_x = output.mean().item()

        noise = torch.randn(batch_size, self.nz, device=self.device)
        fake = self.netG(noise)
        label.fill_(FAKE_LABEL)
        output = self.netD(fake.detach()).view(-1)
        errD_fake = self.criterion(output, label)
        errD_fake.backward()
        D_G_z1 = output.mean().item()
        errD = errD_real + errD_fake
        self.optimizerD.step()

        # (2) Update G network: maximize log(D(G(z)))
        self.netG.zero_grad()
        label.fill_(REAL_LABEL)  # fake labels are real for generator cost
        output = self.netD(fake).view(-1)
        errG = self.criterion(output, label)
        errG.backward()
        D_G_z2 = output.mean().item()
        self.optimizerG.step()
        self.log.append((errD.item(), errG.item(), D_x, D_G_z1, D_G_z2))
