"""The two configs of a comparison (ganlab/dashboard/pair.py)."""

import pytest

from ganlab.config import preset
from ganlab.dashboard import pair


@pytest.mark.parametrize(
    "old, new", [(True, False), ("hinge", "minimax"), (1, 2), (2e-4, 4e-4), (0.0, 1.0)]
)
def test_the_suggested_value_differs_from_a_and_has_its_kind(old, new):
    assert pair.suggested(old) == new and type(pair.suggested(old)) is type(old)


def test_b_differs_from_a_in_the_chosen_setting_only():
    a = preset("ring8")
    a2, b = pair.configs(a, "cfg.lr_d", 5e-4)
    assert a2 is a and b.train.lr_d == 5e-4
    assert {k: v for k, v in b.to_dict()["train"].items() if k != "lr_d"} == {
        k: v for k, v in a.to_dict()["train"].items() if k != "lr_d"
    }
    assert pair.run_names(a, b) == (f"A: lr_d = {a.train.lr_d:g}", "B: lr_d = 0.0005")


def test_no_comparison_when_b_equals_a_or_is_invalid():
    a = preset("ring8")
    assert "equals A's" in pair.configs(a, "cfg.loss", a.train.loss)
    assert "train.n_critic = 0 is not allowed" in pair.configs(a, "cfg.n_critic", 0)
