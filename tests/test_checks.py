"""The validation vocabulary: one sentence, naming the field, the value and what is allowed."""

import numpy as np
import pytest
import torch

from ganlab import checks


@pytest.mark.parametrize(
    "check, args, message",
    [
        (
            checks.check_int,
            ("train.steps", 2.5, 1),
            "train.steps = 2.5 is not allowed: it must be a positive integer.",
        ),
        (
            checks.check_int,
            ("n", -1, 0),
            "n = -1 is not allowed: it must be zero or a positive integer.",
        ),
        (checks.check_int, ("rows", 1, 2), "rows = 1 is not allowed: it must be an integer >= 2."),
        (checks.check_int, ("seed", True), "seed = True is not allowed: it must be an integer."),
        (checks.check_positive, ("lr", 0), "lr = 0 is not allowed: it must be a positive number."),
        (
            checks.check_non_negative,
            ("w", float("inf")),
            "w = inf is not allowed: it must be zero or a positive number.",
        ),
        (
            checks.check_choice,
            ("loss", "bce", ("hinge", "ns")),
            "loss = 'bce' is not allowed: choose one of 'hinge', 'ns'.",
        ),
        (
            checks.check_interval,
            ("ema", 1.0, 0, 1),
            "ema = 1.0 is not allowed: it must be in [0, 1).",
        ),
        (
            checks.check_interval,
            ("acc", 1.5, 0, 1, True),
            "acc = 1.5 is not allowed: it must be in [0, 1].",
        ),
    ],
)
def test_every_check_speaks_the_same_sentence(check, args, message):
    with pytest.raises(ValueError) as info:
        check(*args)
    assert str(info.value) == message


def test_good_values_pass_including_numpy_integers():
    checks.check_int("n", np.int64(3), 1)
    checks.check_interval("acc", 1.0, 0, 1, closed=True)
    checks.check_labels(torch.zeros(4, dtype=torch.long), 10, 4)
    checks.check_labels(None, 0, 4)


@pytest.mark.parametrize(
    "labels, n_classes, words",
    [
        (torch.zeros(4, dtype=torch.long), 0, "unconditional"),
        (None, 3, "0..2"),
        (torch.zeros(4), 3, "integers of shape (4,), not torch.float32"),
        (torch.zeros(5, dtype=torch.long), 3, "labels.shape = (5,)"),
    ],
)
def test_labels_are_checked_against_the_model(labels, n_classes, words):
    with pytest.raises(ValueError) as info:
        checks.check_labels(labels, n_classes, 4)
    assert words in str(info.value)
