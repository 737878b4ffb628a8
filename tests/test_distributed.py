"""Data-parallel training: 2 CPU processes with gloo behave like 1 on the global batch."""

import json
import os
import socket
import subprocess
import sys

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from ganlab import distributed
from ganlab.config import Config
from ganlab.train import Trainer

STEPS = 6


def config() -> Config:
    return Config.from_dict(
        {
            "data": {"name": "ring8", "n_samples": 512},
            "model": {"hidden": 32, "depth": 2, "z_dim": 4},
            "train": {"batch_size": 64, "log_every": 3, "eval_every": 0, "seed": 5},
        }
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def flat(net) -> torch.Tensor:
    return torch.cat([p.detach().flatten() for p in net.parameters()])


def _worker(rank: int, world: int, port: int, out: str) -> None:
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
    torch.set_num_threads(1)
    dist.init_process_group("gloo", rank=rank, world_size=world)
    trainer = Trainer(config())
    assert trainer.group == distributed.Group(rank, world, rank)
    for _ in range(STEPS):
        trainer.step()
        for net in (trainer.G, trainer.D):  # identical on every rank after each step
            mine = flat(net)
            everyone = [torch.empty_like(mine) for _ in range(world)]
            dist.all_gather(everyone, mine)
            assert all(torch.equal(mine, other) for other in everyone)
    if rank == 0:
        trainer.save(out)
    # As the CLI does. (An exception above ends this process; mp.spawn then stops the other.)
    distributed.finish(trainer)


@pytest.fixture(scope="module")
def two_process_checkpoint(tmp_path_factory):
    out = tmp_path_factory.mktemp("ddp") / "ckpt.pt"
    mp.spawn(_worker, args=(2, free_port(), str(out)), nprocs=2, join=True)
    return out


def test_two_processes_match_one_process_on_the_global_batch(two_process_checkpoint):
    single = Trainer(config())
    for _ in range(STEPS):
        single.step()
    both = Trainer.load(two_process_checkpoint)
    assert both.step_count == STEPS
    for net in ("G", "D"):
        torch.testing.assert_close(
            flat(getattr(both, net)), flat(getattr(single, net)), rtol=1e-4, atol=1e-5
        )
    # The logged statistics are the average over the ranks: the global batch's.
    for a, b in zip(both.history, single.history, strict=True):
        assert a["d_loss"] == pytest.approx(b["d_loss"], rel=1e-4)


def test_a_two_process_checkpoint_continues_in_one_process(two_process_checkpoint):
    trainer = Trainer.load(two_process_checkpoint)
    trainer.run(3)
    assert trainer.step_count == STEPS + 3 and len(trainer.history) == 3


def test_torchrun_cli_trains_and_resumes_alone(tmp_path):
    out = tmp_path / "run"
    common = [
        "--preset",
        "ring8",
        "--batch-size",
        "64",
        "--log-every",
        "5",
        "--eval-every",
        "10",
        "--out",
        str(out),
    ]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "torch.distributed.run",
            "--standalone",
            "--nproc_per_node=2",
            "-m",
            "ganlab",
            "train",
            "--steps",
            "20",
            *common,
        ],
        check=True,
        env=env,
        capture_output=True,
        timeout=300,
    )
    assert json.loads((out / "summary.json").read_text())["steps"] == 20
    subprocess.run(
        [sys.executable, "-m", "ganlab", "train", "--resume", "--steps", "30", "--out", str(out)],
        check=True,
        env=env,
        capture_output=True,
        timeout=300,
    )
    steps = [json.loads(line)["step"] for line in (out / "metrics.jsonl").read_text().splitlines()]
    assert steps == [5, 10, 15, 20, 25, 30]  # only rank 0 wrote, and nothing twice


def test_a_batch_that_does_not_split_over_the_processes_is_refused():
    with pytest.raises(ValueError, match="batch_size = 63 does not split evenly over 2"):
        distributed.check_batch(63, distributed.Group(rank=0, world_size=2))
    distributed.check_batch(64, distributed.Group(rank=1, world_size=2))


def test_sync_batch_norm_explains_it_needs_cuda():
    with pytest.raises(ValueError, match="sync_batch_norm.*CUDA"):
        Trainer(config().replace(train={"sync_batch_norm": True}))


def test_shards_tile_the_global_batch():
    x = torch.arange(12)
    parts = [distributed.shard(x, distributed.Group(r, 3)) for r in range(3)]
    assert torch.equal(torch.cat(parts), x)
