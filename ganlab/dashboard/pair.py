"""The two configs of a comparison: run A's, and run B's with one setting changed.

A setting is a key of the sidebar's FIELDS ("cfg.loss", ...), so the Compare page
offers exactly the Train page's settings, named as the config names them.
No Streamlit here: the page reads its widgets and calls these functions.
"""

from __future__ import annotations

from typing import Any

from ganlab.config import LOSSES, Config
from ganlab.dashboard.sidebar import FIELDS

# the sidebar settings a comparison may change (keys of FIELDS)
SETTINGS = (
    "cfg.loss",
    "cfg.r1_weight",
    "cfg.lr_g",
    "cfg.lr_d",
    "cfg.n_critic",
    "cfg.gp_weight",
    "cfg.instance_noise",
    "cfg.label_smoothing",
    "cfg.batch_size",
    "cfg.spectral_norm",
    "cfg.ema",
)


def name(key: str) -> str:
    """The config's name of a setting: "cfg.lr_g" -> "lr_g"."""
    return FIELDS[key][1]


def value(config: Config, key: str) -> Any:
    part, field = FIELDS[key]
    return config.to_dict()[part][field]


def changed(config: Config, key: str, new: Any) -> Config:
    """`config` with one setting changed (raises the config's ValueError if invalid)."""
    d = config.to_dict()
    part, field = FIELDS[key]
    d[part][field] = new
    return Config.from_dict(d)


def suggested(old: Any) -> Any:
    """B's first value: something other than A's."""
    if isinstance(old, bool):
        return not old
    if isinstance(old, str):  # the loss: the next one in the list
        return LOSSES[(LOSSES.index(old) + 1) % len(LOSSES)]
    if isinstance(old, int):
        return old + 1
    return old * 2 if old else 1.0


def _shown(v: Any) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def run_names(a: Config, b: Config, named=name) -> tuple[str, str]:
    """'A: loss = hinge', 'B: loss = wasserstein': each run named by what sets it apart
    (`named` turns a setting's key into the name shown, e.g. translated)."""
    keys = [key for key in FIELDS if value(a, key) != value(b, key)]

    def describe(config: Config) -> str:
        return ", ".join(f"{named(key)} = {_shown(value(config, key))}" for key in keys)

    return f"A: {describe(a)}", f"B: {describe(b)}"
