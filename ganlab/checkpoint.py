"""Checkpoint files: written atomically, read safely.

A checkpoint is a plain dict of tensors, numbers, strings, lists and dicts, so it can be
read back with `torch.load(weights_only=True)`, which refuses to run arbitrary pickled
code (a checkpoint downloaded from a classmate cannot take over your laptop).

Writing goes to a temporary file in the same folder, then `os.replace` renames it over
the target: a crash mid-write leaves the previous checkpoint intact, never half a file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import torch

FORMAT = "ganlab-checkpoint"
VERSION = 1


class CheckpointError(ValueError):
    """A file that is missing, truncated, or not a ganlab checkpoint."""


def save(state: dict[str, Any], path: str | os.PathLike) -> Path:
    """Write `state` to `path` atomically; returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            torch.save({"format": FORMAT, "version": VERSION, **state}, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def load(path: str | os.PathLike, map_location: str | torch.device = "cpu") -> dict[str, Any]:
    """Read a checkpoint written by `save`, with clear errors for anything else."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"no checkpoint at {path}")
    try:
        state = torch.load(path, map_location=map_location, weights_only=True)
    except Exception as e:  # truncated zip, foreign pickle, random bytes, ...
        raise CheckpointError(
            f"{path} is not a readable ganlab checkpoint ({type(e).__name__}); "
            "was it truncated or written by another program?"
        ) from e
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        raise CheckpointError(f"{path} is a torch file but not a ganlab checkpoint")
    if state.get("version") != VERSION:
        raise CheckpointError(
            f"{path} has checkpoint version {state.get('version')}; "
            f"this ganlab reads version {VERSION}"
        )
    return state
