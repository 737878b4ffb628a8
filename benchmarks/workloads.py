"""The networks the benchmarks time: the presets' G/D pairs at the batch a student uses.

    ring8      MLP G/D of the `ring8` preset, batch 256
    dcgan16    DCGAN of the `digits` preset (spectral norm in D), 16 px digits, batch 64
    dcgan32    DCGAN of the `digits32` preset (batch norm), 32 px digits, batch 64
    dcgan64    DCGAN of the `folder64` preset (width 64: pytorch/examples' size), digits
               at 64 px turned into RGB (data.channels = 3), batch 64

`--smoke` runs the image workloads at batch 16. Throughput runs the textbook recipe on these nets: the non-saturating loss with no
R1 and no EMA, since the textbook loop does neither; the quality benchmark runs the
presets whole. Evaluation is off: metric time is not training time.
"""

from __future__ import annotations

from typing import Any

from ganlab.config import Config, preset

_WORKLOADS: dict[str, tuple[str, dict[str, dict[str, Any]]]] = {
    "ring8": ("ring8", {"train": {"batch_size": 256}}),
    "dcgan16": ("digits", {"train": {"batch_size": 64}}),
    "dcgan32": ("digits32", {"train": {"batch_size": 64}}),
    "dcgan64": (
        "folder64",
        {"data": {"name": "digits", "image_size": 64, "channels": 3}, "train": {"batch_size": 64}},
    ),
}
NAMES = tuple(_WORKLOADS)
SMOKE_BATCH = 16  # --smoke: image workloads at a small batch, so a check takes seconds


def workload(
    name: str, device: str = "auto", smoke: bool = False, **parts: dict[str, Any]
) -> Config:
    """The named workload's config with the textbook recipe; `parts` override further."""
    if name not in _WORKLOADS:
        raise ValueError(f"workload = {name!r} is not allowed: choose one of {', '.join(NAMES)}")
    preset_name, overrides = _WORKLOADS[name]
    train = {"r1_weight": 0.0, "ema": 0.0, "eval_every": 0, "device": device}
    if smoke and name != "ring8":
        train["batch_size"] = SMOKE_BATCH
    config = preset(preset_name, data=overrides.get("data", {}))
    config = config.replace(train={**overrides["train"], **train})
    return config.replace(**parts) if parts else config


def label(config: Config) -> str:
    """A row name: 'ring8 MLP, B=256' or 'DCGAN 64 px RGB, B=64'."""
    batch = config.train.batch_size
    if not config.data.is_image:
        return f"{config.data.name} MLP, B={batch}"
    rgb = " RGB" if config.data.channels == 3 else ""
    return f"DCGAN {config.data.image_size} px{rgb}, B={batch}"
