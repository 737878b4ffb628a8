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
    b = pair.changed(a, "cfg.lr_d", 5e-4)
    assert b.train.lr_d == 5e-4
    assert {k: v for k, v in b.to_dict()["train"].items() if k != "lr_d"} == {
        k: v for k, v in a.to_dict()["train"].items() if k != "lr_d"
    }
    assert pair.run_names(a, b) == (f"A: lr_d = {a.train.lr_d:g}", "B: lr_d = 0.0005")
    assert pair.run_names(a, b, named=str.upper)[1] == "B: CFG.LR_D = 0.0005"


def test_an_invalid_b_raises_the_configs_message():
    with pytest.raises(ValueError, match="train.n_critic = 0 is not allowed"):
        pair.changed(preset("ring8"), "cfg.n_critic", 0)
