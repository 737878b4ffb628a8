"""The speed options: bf16 autocast, channels_last and torch.compile, and what they cost.

For each mode, a Trainer is built with the same seed, trains a few steps, and draws
samples for its fixed z; the samples are compared with the first mode's (plain
float32):  max |a - b|  and the relative error  ||a - b|| / ||b||  (Frobenius norms).
Then all modes are timed in turns. The time of the first steps shows compilation.

On CUDA (DCGAN 32 px and 64 px RGB, B=64):
    fp32 NCHW | fp32 channels_last | bf16 channels_last (the default) | ... + compile
Trainer puts image nets in channels_last by itself (on CUDA and on the CPU); the NCHW
mode converts them back, which is what the other modes are compared against.

Without CUDA the GPU figures are not measured; what can run on a CPU still runs:
bf16 autocast and channels_last for the DCGAN at 16 and 32 px, and compile=True for
the ring8 MLP (compile time included). Their speed says little about a GPU: bf16 is
fast only on CPUs with bf16 units (AMX, AVX512-BF16); most laptops have none.
"""

from __future__ import annotations

import copy
import time

import torch

from benchmarks import workloads
from benchmarks.timing import Table, interleaved, load, median, median_ratio, sync
from ganlab.config import Config
from ganlab.train import Trainer

Mode = tuple[dict, torch.memory_format | None]  # train overrides, layout of G and D
GPU_MODES: dict[str, Mode] = {
    "fp32, NCHW": ({"precision": "fp32"}, torch.contiguous_format),  # undo Trainer's own
    "fp32, channels_last": ({"precision": "fp32"}, None),  # Trainer's own layout
    "bf16, channels_last": ({"precision": "bf16"}, None),
    "bf16, channels_last, compile": ({"precision": "bf16", "compile": True}, None),
}
CPU_IMAGE_MODES: dict[str, Mode] = {
    "fp32, NCHW": ({"precision": "fp32"}, torch.contiguous_format),  # undo Trainer's own
    "fp32, channels_last (default)": ({"precision": "fp32"}, None),
    "bf16 autocast, channels_last": ({"precision": "bf16"}, None),
}
CPU_MLP_MODES: dict[str, Mode] = {"eager": ({}, None), "compile=True": ({"compile": True}, None)}


def _trainer(config: Config, mode: Mode) -> Trainer:
    trainer = Trainer(config.replace(train=mode[0]))
    if mode[1] is not None:  # compiled wrappers share these modules, so this reaches them too
        trainer.G.to(memory_format=mode[1])
        trainer.D.to(memory_format=mode[1])
    return trainer


def compare_modes(
    config: Config, modes: dict[str, Mode], *, first_steps: int, repeats: int, smoke: bool
) -> Table:
    """One row per mode: first-steps time, speed, and distance of samples to the first mode's."""
    trainers, first_secs, samples = {}, {}, {}
    for name, mode in modes.items():
        trainer = trainers[name] = _trainer(config, mode)
        start = time.perf_counter()
        for _ in range(first_steps):
            trainer.step()
        sync(trainer.device)
        first_secs[name] = time.perf_counter() - start
        samples[name] = trainer.sample(trainer.fixed_z)  # (64, ...) on the CPU, float32
    steps = {name: t.step for name, t in trainers.items()}
    block = 0.05 if smoke else 1.0
    rates = interleaved(
        steps, repeats=repeats, warmup=1, block_seconds=block, device=trainer.device
    )
    base = next(iter(modes))
    table = Table(
        f"{workloads.label(config)} on {trainer.device.type}: speed options vs plain float32",
        [
            "mode",
            f"first {first_steps} steps s",
            "steps/s",
            "samples/s",
            "speed / first",
            "max |diff|",
            "rel. error",
        ],
    )
    for name in modes:
        diff = samples[name] - samples[base]
        table.add(
            name,
            first_secs[name],
            median(rates[name]),
            config.train.batch_size * median(rates[name]),
            median_ratio(rates[name], rates[base]),
            diff.abs().max().item(),
            (diff.norm() / samples[base].norm()).item(),
        )
    table.notes += [
        f"diff: G's samples for fixed z (same seed) after {first_steps} steps vs the first mode's",
        f"speed / first: median of per-turn ratios; {load()}",
    ]
    return table


def _not_measured(reason: str) -> Table:
    table = Table(f"GPU figures ({reason})", ["figure", "status"])
    for figure in (
        "images/s, fp32 vs bf16 autocast",
        "images/s, NCHW vs channels_last",
        "images/s and compile time with compile=True",
        "sample error of each mode",
    ):
        table.add(figure + " on a GPU", "NOT MEASURED")
    table.add("bf16 autocast and channels_last on this CPU (DCGAN)", "measured below")
    table.add("compile=True on this CPU (ring8 MLP), with compile time", "measured below")
    return table


def _per_call_us(fn, calls: int) -> float:
    for _ in range(10):  # the first calls compile (or fetch from inductor's cache)
        fn()
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - start) / calls * 1e6


def why_compile_loses(smoke: bool) -> Table:
    """Why compile=True is slower than eager on the ring8 MLP: the pieces, each timed.

    Inductor keeps LeakyReLU's mask (x > 0) for the backward pass as a bool tensor, and
    its C++ code stores a vector of bools through a generic, element-by-element path
    (at::vec::VecMask<bool>; py-spy puts two thirds of the compiled forward there). The
    same comparison stored as floats is as fast as eager. With ReLU, whose backward needs
    no mask, the compiled forward is still no faster: each call's wrapper costs about as
    much as fusing three small activations saves.
    """
    calls = 20 if smoke else 300
    x = torch.randn(512, 128)  # D's hidden activations: real and fake batch, hidden 128
    trainer = Trainer(workloads.workload("ring8", "cpu"))
    leaky = trainer.D
    relu = copy.deepcopy(leaky)
    for name, module in list(relu.named_modules()):
        if isinstance(module, torch.nn.LeakyReLU):
            parent = relu.get_submodule(name.rpartition(".")[0])
            setattr(parent, name.rpartition(".")[2], torch.nn.ReLU())
    points = torch.randn(512, 2)
    rows = {
        "x > 0 (a bool mask, 512x128)": lambda x: x > 0,
        "(x > 0).float() (the mask as floats)": lambda x: (x > 0).float(),
    }
    table = Table(
        "Why torch.compile loses on the ring8 MLP (CPU)",
        ["piece", "eager us", "compiled us", "compiled / eager"],
    )
    for name, fn in rows.items():
        eager = _per_call_us(lambda fn=fn: fn(x), calls)
        compiled_fn = torch.compile(fn)
        compiled = _per_call_us(lambda f=compiled_fn: f(x), calls)
        table.add(name, eager, compiled, compiled / eager)
    for name, net in (("D forward, LeakyReLU (ring8's)", leaky), ("D forward, ReLU", relu)):
        eager = _per_call_us(lambda net=net: net(points), calls)
        compiled_net = torch.compile(net)
        compiled = _per_call_us(lambda f=compiled_net: f(points), calls)
        table.add(name, eager, compiled, compiled / eager)
    table.notes += [
        "D forwards with gradients on (as in training): the compiled graph saves what its "
        "backward needs, LeakyReLU's bool masks among them",
        f"{calls} calls each after 10 warm-up calls, {torch.get_num_threads()} thread(s); {load()}",
    ]
    return table


def run(smoke: bool = False, device: str = "auto", repeats: int | None = None) -> list[Table]:
    repeats = repeats or (1 if smoke else 5)
    kwargs = {"first_steps": 3 if smoke else 10, "repeats": repeats, "smoke": smoke}
    if torch.cuda.is_available() and device in ("auto", "cuda"):
        configs = [workloads.workload(name, "cuda", smoke) for name in ("dcgan32", "dcgan64")]
        return [compare_modes(config, GPU_MODES, **kwargs) for config in configs]
    reason = "--device cpu" if torch.cuda.is_available() else "no CUDA device here"
    tables = [_not_measured(reason)]
    for name in ("dcgan16",) if smoke else ("dcgan16", "dcgan32"):
        config = workloads.workload(name, "cpu", smoke)
        tables.append(compare_modes(config, CPU_IMAGE_MODES, **kwargs))
    mlp = compare_modes(workloads.workload("ring8", "cpu"), CPU_MLP_MODES, **kwargs)
    compile_seconds = mlp.rows[1][1] - mlp.rows[0][1]
    mlp.notes.append(
        f"compile time ~ {compile_seconds:.1f} s (first steps, compiled minus eager; "
        "inductor's on-disk cache makes later runs faster)"
    )
    return tables + [mlp, why_compile_loses(smoke)]
