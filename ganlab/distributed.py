"""Data-parallel training with torch.distributed: one process per device.

    torchrun --nproc_per_node=4 -m ganlab train --preset folder64 --batch-size 256

`torchrun` starts N copies of the program and tells each its RANK and the WORLD_SIZE
through environment variables. Every process builds the same Trainer (same seed, same
weights) and draws the same *global* batch indices and noise from the same generator;
each then keeps only its own shard, 1/N of the batch. DistributedDataParallel (DDP)
averages the gradients over the processes during `backward()`, so every optimizer step
sees the gradient of the whole global batch and the weights stay identical everywhere.
Only rank 0 logs, writes samples and checkpoints; the statistics it logs are averaged
over all ranks.

Batch norm is the one place where N processes differ from one: each process
normalises over its own shard. `TrainConfig.sync_batch_norm` (CUDA only) computes the
statistics over the global batch instead, at the cost of one all-reduce per layer.
"""

from __future__ import annotations

import gc
import os
from dataclasses import dataclass

import torch
import torch.distributed as dist
from torch import nn


@dataclass(frozen=True)
class Group:
    """Where this process stands: rank r of world_size, on local device local_rank."""

    rank: int = 0
    world_size: int = 1
    local_rank: int = 0

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    @property
    def active(self) -> bool:
        return self.world_size > 1


def init_from_env() -> Group:
    """Join the process group torchrun describes (NCCL on GPUs, gloo on CPUs); no-op alone."""
    if int(os.environ.get("WORLD_SIZE", "1")) > 1 and not dist.is_initialized():
        backend = "nccl" if torch.cuda.is_available() else "gloo"
        if backend == "nccl":
            torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", "0")))
        dist.init_process_group(backend)
    return current()


def current() -> Group:
    """This process's place in the initialised group, or a group of one."""
    if not (dist.is_available() and dist.is_initialized()):
        return Group()
    local = int(os.environ.get("LOCAL_RANK", dist.get_rank()))
    return Group(dist.get_rank(), dist.get_world_size(), local)


def shard(x: torch.Tensor, group: Group) -> torch.Tensor:
    """This rank's 1/world_size slice of a global batch (the whole batch when alone)."""
    size = len(x) // group.world_size
    return x[group.rank * size : (group.rank + 1) * size]


def check_batch(batch_size: int, group: Group) -> None:
    if batch_size % group.world_size:
        raise ValueError(
            f"train.batch_size = {batch_size} does not split evenly over "
            f"{group.world_size} processes: choose a multiple of {group.world_size} "
            "(it is the global batch; each process takes an equal shard)"
        )


def wrap(net: nn.Module, group: Group, device: torch.device) -> nn.Module:
    """`net` in DDP when there is more than one process, else `net` itself."""
    if not group.active:
        return net
    ids = [device.index] if device.type == "cuda" else None
    return nn.parallel.DistributedDataParallel(net, device_ids=ids)


def average(t: torch.Tensor, group: Group) -> torch.Tensor:
    """The mean of `t` over all processes (in place); `t` unchanged when alone."""
    if group.active:
        dist.all_reduce(t, op=dist.ReduceOp.SUM)
        t /= group.world_size
    return t


def agree(flag: bool, group: Group, device: torch.device) -> bool:
    """Rank 0's `flag` on every process (e.g. "stop now": all must stop together)."""
    if not group.active:
        return flag
    t = torch.tensor([float(flag)], device=device)
    dist.broadcast(t, src=0)
    return bool(t.item())


def sync_batch_norm(net: nn.Module, device: torch.device) -> nn.Module:
    if device.type != "cuda":
        raise ValueError(
            "train.sync_batch_norm = True needs CUDA devices: SyncBatchNorm has no CPU "
            "kernel. On CPUs each process normalises over its own shard."
        )
    return nn.SyncBatchNorm.convert_sync_batchnorm(net)


def finish(trainer=None) -> int:
    """Leave the process group (after the last collective); returns 0 for the CLI.

    Pass the trainer: its DDP wrappers are dropped first. DDP's reducer holds a reference
    to the process group, and if it holds the last one the group is destroyed when the
    wrapper is garbage-collected, with the GIL held, which can deadlock against gloo's
    worker threads (pytorch/pytorch#56297; seen here as a rare hang at exit). Dropped
    first, the wrappers leave the group to `destroy_process_group`, which releases the GIL.
    """
    if dist.is_available() and dist.is_initialized():
        dist.barrier()  # rank 0 may still be writing its checkpoint
        if trainer is not None:
            trainer.unwrap()
        gc.collect()  # DDP wrappers sit in reference cycles (hooks): free them now
        dist.destroy_process_group()
    return 0
