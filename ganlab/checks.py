"""Checking arguments: one vocabulary for every bad value in ganlab.

Every check raises the same sentence,

    ValueError: train.steps = 2.5 is not allowed: it must be a positive integer.

naming the field (or argument), the value, and what is allowed. config, data, models,
latent and losses all speak it, so a student meets one kind of message everywhere.
This module imports nothing from ganlab: anything may use it.
"""

from __future__ import annotations

import math
import numbers
from typing import Any, NoReturn


def fail(where: str, value: Any, allowed: str) -> NoReturn:
    """Raise the one ValueError: `where = value is not allowed: allowed.`"""
    raise ValueError(f"{where} = {value!r} is not allowed: {allowed}.")


def check_choice(where: str, value: Any, choices: tuple) -> None:
    if value not in choices:
        fail(where, value, "choose one of " + ", ".join(repr(c) for c in choices))


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def check_positive(where: str, value: Any) -> None:
    """A finite number > 0 (an int or a float)."""
    if not (_is_number(value) and math.isfinite(value) and value > 0):
        fail(where, value, "it must be a positive number")


def check_non_negative(where: str, value: Any) -> None:
    """A finite number >= 0 (an int or a float)."""
    if not (_is_number(value) and math.isfinite(value) and value >= 0):
        fail(where, value, "it must be zero or a positive number")


def check_int(where: str, value: Any, minimum: int | None = None) -> None:
    """A whole number (an int or numpy int; not a float such as 2.0, nor a bool) >= `minimum`."""
    whole = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    if whole and (minimum is None or value >= minimum):
        return
    if minimum is None:
        fail(where, value, "it must be an integer")
    allowed = {0: "zero or a positive integer", 1: "a positive integer"}
    fail(where, value, "it must be " + allowed.get(minimum, f"an integer >= {minimum}"))


def check_interval(where: str, value: Any, low: float, high: float, closed: bool = False) -> None:
    """A number in [low, high) -- or in [low, high] when `closed`."""
    inside = _is_number(value) and low <= value and (value <= high if closed else value < high)
    if not inside:
        fail(where, value, f"it must be in [{low}, {high}{']' if closed else ')'}")


def check_labels(labels: Any, n_classes: int, batch: int) -> None:
    """Labels must be given exactly when a model is conditional (n_classes > 0), as (B,)
    integers. No range check: it would cost a host sync every step (nn.Embedding raises)."""
    if n_classes == 0:
        if labels is not None:
            fail(
                "labels",
                "a tensor",
                "this model is unconditional (n_classes = 0): call it "
                "without labels, or build it with n_classes > 0",
            )
        return
    if labels is None:
        fail(
            "labels",
            None,
            f"this model is conditional (n_classes = {n_classes}): pass "
            f"labels of shape (B,) with values in 0..{n_classes - 1}",
        )
    if tuple(labels.shape) != (batch,) or labels.is_floating_point():
        fail(
            "labels.shape", tuple(labels.shape), f"integers of shape ({batch},), not {labels.dtype}"
        )


def check_points(where: str, points: Any, minimum: int, min_span: float) -> tuple:
    """At least `minimum` finite 2-D points ((x, y), ...), not all in one spot: the two
    farthest apart at least `min_span` apart. Returns them as a tuple of float pairs."""
    try:
        pairs = tuple((float(x), float(y)) for x, y in points)
    except (TypeError, ValueError):
        fail(where, points, "it must be a list of (x, y) pairs of numbers")
    if not all(math.isfinite(v) for pair in pairs for v in pair):
        fail(where, pairs, "every coordinate must be a finite number")
    n = len(pairs)
    if n < minimum:
        raise ValueError(
            f"{where} = {n} point{'s' * (n != 1)} is not allowed: too few, "
            f"place at least {minimum}."
        )
    span = max(math.dist(a, b) for a in pairs for b in pairs)
    if span < min_span:
        raise ValueError(
            f"{where} = {n} points within {span:.2g} of each other is not allowed: they are "
            f"all in one spot, spread them at least {min_span:g} apart."
        )
    return pairs
