"""Where and how the networks run: device, DDP, torch.compile, autocast, channels-last.

None of this is the GAN algorithm; it is what makes the same algorithm fast on a GPU
and exact on a CPU. `Trainer` builds one `Runtime` and calls its forwards:

    rt = Runtime(cfg.train, image=True)
    G, D = rt.place(G), rt.place(D)          # on the device, NHWC for conv nets
    rt.wrap(G, D)                            # rt.g_forward, rt.d_forward, rt.d_judge
    with rt.autocast(): logits = rt.d_forward(x)

`seeded` builds a run's networks from its seed alone: under a process-wide lock, in a
fork of the global RNG that is restored afterwards, so two trainers built in two
threads (two dashboard sessions) cannot change each other's weights.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

import torch
from torch import nn

from ganlab import distributed
from ganlab.config import TrainConfig

_GLOBAL_RNG = threading.RLock()  # held while a trainer seeds and uses the global RNG


def resolve_device(name: str = "auto") -> torch.device:
    """'auto' picks cuda, then mps, then cpu."""
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    return torch.device(name)


@contextlib.contextmanager
def seeded(seed: int, device: torch.device) -> Iterator[None]:
    """Run the block with the global RNG seeded by `seed`, then restore the caller's RNG.

    Weight init (nn.init, spectral norm's first vector) draws from the global RNG, so a
    trainer's networks are built inside this block; the lock keeps another thread from
    reseeding or drawing in between.
    """
    devices = [device] if device.type == "cuda" else []
    with _GLOBAL_RNG, torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        yield


class Runtime:
    """The device, the process group and the speed options of one training run."""

    def __init__(self, cfg: TrainConfig, image: bool) -> None:
        self.cfg, self.image = cfg, image
        self.group = distributed.current()  # one process, or one of torchrun's N
        distributed.check_batch(cfg.batch_size, self.group)
        self.device = resolve_device(cfg.device)
        if self.device.type == "cuda" and self.group.active:
            self.device = torch.device("cuda", self.group.local_rank)
        on_cuda = self.device.type == "cuda"
        self.bf16 = cfg.precision == "bf16" or (cfg.precision == "auto" and on_cuda)

    def place(self, net: nn.Module) -> nn.Module:
        """`net` on the device; synced batch norm on request; NHWC weights for conv nets."""
        if self.cfg.sync_batch_norm:
            net = distributed.sync_batch_norm(net, self.device)
        net = net.to(self.device)
        if self.image:
            # NHWC weights: cuDNN's tensor-core kernels on a GPU, oneDNN's faster conv
            # kernels on a CPU (a training step 1.1-1.2x faster at 16-32 px, measured).
            net = net.to(memory_format=torch.channels_last)
        return net

    def wrap(self, G: nn.Module, D: nn.Module) -> None:
        """The forward passes, through DDP (several processes) and torch.compile, each
        only when asked for. G and D stay plain modules, so state dicts keep their names."""

        def wrapped(net: nn.Module, parallel: bool) -> nn.Module:
            net = distributed.wrap(net, self.group, self.device) if parallel else net
            return torch.compile(net) if self.cfg.compile else net

        self.g_forward = wrapped(G, parallel=True)
        self.d_forward = wrapped(D, parallel=True)
        # In the G step D's weights are fixed, so its gradients need no syncing: D is
        # called outside DDP there (DDP would wait for gradients that never come).
        self.d_judge = wrapped(D, parallel=False) if self.group.active else self.d_forward
        self._plain = (G, D)

    def unwrap(self) -> None:
        """Forward through the plain G and D again (before leaving the process group)."""
        G, D = self._plain
        self.g_forward, self.d_forward, self.d_judge = G, D, D

    def autocast(self) -> contextlib.AbstractContextManager:
        """bf16 autocast when the config asks for it (or 'auto' on CUDA), else nothing."""
        if not self.bf16:
            return contextlib.nullcontext()
        return torch.autocast(self.device.type, dtype=torch.bfloat16)

    def adam(self, net: nn.Module, lr: float) -> torch.optim.Adam:
        """One optimizer per network, built right beside it. The fused kernel updates all
        parameters in one go (CUDA and CPU); it is bitwise-deterministic on CPU."""
        cfg, fused = self.cfg, self.device.type in ("cuda", "cpu")
        return torch.optim.Adam(
            net.parameters(), lr=lr, betas=cfg.betas, weight_decay=cfg.weight_decay, fused=fused
        )


@contextlib.contextmanager
def held_still(net: nn.Module, still: bool) -> Iterator[None]:
    """When `still`, undo any change the block makes to `net`'s buffers (batch norm's
    running statistics, spectral norm's power-iteration vectors): a frozen D stays put."""
    if not still:
        yield
        return
    saved = [b.clone() for b in net.buffers()]
    try:
        yield
    finally:
        with torch.no_grad():
            for b, old in zip(net.buffers(), saved):
                b.copy_(old)
