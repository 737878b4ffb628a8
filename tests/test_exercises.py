"""The "build it" checks (ganlab.exercises): each passes the notebook's hidden solution,
reports the stored notebook's empty slot as not answered, and fails on wrong answers with a
message that names the mistake."""

import re
from pathlib import Path

import nbformat
import pytest
import torch
import torch.nn.functional as F

from ganlab import losses
from ganlab.exercises import check_hinge, check_spectral_norm, check_training_loop

NOTEBOOKS = Path(__file__).parent.parent / "notebooks"
EXERCISES = {  # notebook: (the check, the functions the student writes)
    "01_the_adversarial_game.ipynb": (check_training_loop, ("my_train",)),
    "02_losses.ipynb": (check_hinge, ("my_hinge_d_loss", "my_hinge_g_loss")),
    "03_building_blocks.ipynb": (check_spectral_norm, ("my_spectral_norm",)),
}


def _cells(notebook: str, kind: str, text: str) -> list[str]:
    nb = nbformat.read(NOTEBOOKS / notebook, as_version=4)
    return [c.source for c in nb.cells if c.cell_type == kind and text in c.source]


def _solution(notebook: str, names: tuple[str, ...]) -> list:
    """The functions of the solution hidden in the notebook's <details> block."""
    (block,) = [s for s in _cells(notebook, "markdown", "<details>") if f"def {names[0]}(" in s]
    (source,) = re.findall(r"```python\n(.*?)```", block, flags=re.S)
    namespace = {"torch": torch, "F": F}
    exec(source, namespace)
    return [namespace[name] for name in names]


@pytest.mark.parametrize("notebook", EXERCISES)
def test_the_hidden_solution_passes_its_check(notebook):
    check, names = EXERCISES[notebook]
    assert check(*_solution(notebook, names)).startswith("Correct:")


@pytest.mark.parametrize("notebook", EXERCISES)
def test_the_stored_slot_is_empty_and_reported_as_not_answered(notebook):
    check, names = EXERCISES[notebook]
    (slot,) = _cells(notebook, "code", f"def {names[0]}(")
    assert "raise NotImplementedError" in slot  # the notebook does not give the answer away
    namespace = {"torch": torch}
    exec(slot.split("\nprint(")[0], namespace)  # the definitions, without running the check
    assert check(*(namespace[name] for name in names)).startswith("Not answered yet:")


# --- the hinge loss -----------------------------------------------------------------------


def right_d(real, fake):
    return F.relu(1 - real).mean() + F.relu(1 + fake).mean()


def right_g(fake):
    return -fake.mean()


@pytest.mark.parametrize(
    ("d_loss", "g_loss", "says"),
    [
        (lambda r, f: F.relu(1 + r).mean() + F.relu(1 - f).mean(), right_g, "swapped"),
        (lambda r, f: (1 - r).mean() + (1 + f).mean(), right_g, "no margin"),
        (lambda r, f: F.relu(1 - r).sum() + F.relu(1 + f).sum(), right_g, "sum"),
        (lambda r, f: None, right_g, "forget `return`"),
        (
            lambda r, f: F.relu(1 - r.detach()).mean() + F.relu(1 + f.detach()).mean(),
            right_g,
            "differentiable",
        ),
        (right_d, lambda f: f.mean(), "sign is flipped"),
        (right_d, lambda f: F.relu(1 - f).mean(), "D's margin"),
    ],
)
def test_check_hinge_fails_on_a_wrong_answer_and_names_it(d_loss, g_loss, says):
    with pytest.raises(AssertionError, match=re.escape(says)):
        check_hinge(d_loss, g_loss)


# --- spectral normalisation ---------------------------------------------------------------


def right_sn(W, v, n_iter):
    for _ in range(n_iter):
        u = F.normalize(W @ v, dim=0)
        v = F.normalize(W.T @ u, dim=0)
    return W / (u @ W @ v), v


def sn_without_normalising(W, v, n_iter):
    for _ in range(n_iter):
        u = W @ v
        v = W.T @ u
    return W / (u @ W @ v), v


def sn_multiplied(W, v, n_iter):
    divided, v = right_sn(W, v, n_iter)
    return W * (W.norm() / divided.norm()), v


def sn_keeps_the_old_v(W, v, n_iter):
    return right_sn(W, v, n_iter)[0], v


def sn_one_iteration_always(W, v, n_iter):
    return right_sn(W, v, 1)


@pytest.mark.parametrize(
    ("fn", "says"),
    [
        (sn_without_normalising, "unit vectors"),
        (sn_multiplied, "multiplied by sigma"),
        (sn_keeps_the_old_v, "return the updated v"),
        (sn_one_iteration_always, "exactly n_iter iterations"),
    ],
)
def test_check_spectral_norm_fails_on_a_wrong_answer_and_names_it(fn, says):
    with pytest.raises(AssertionError, match=re.escape(says)):
        check_spectral_norm(fn)


# --- the training loop --------------------------------------------------------------------


def train(G, D, opt_g, opt_d, x, loss, *, steps, batch_size, z_dim, rng, bug=None):
    """A right loop, or one with the named bug."""
    for _ in range(steps):
        real = x[torch.randint(len(x), (batch_size,), generator=rng)]
        z = torch.randn(batch_size, z_dim, generator=rng)
        fake = G(z)
        if bug == "one D forward":  # right, in another order: real and fake in one batch
            logits = D(torch.cat([real, fake.detach()]))
            d_loss = loss.d_loss(logits[:batch_size], logits[batch_size:])
        else:
            d_input = {"no detach": fake, "no detach, fake made again": G(z)}.get(bug)
            d_loss = loss.d_loss(D(real), D(fake.detach() if d_input is None else d_input))
        if bug != "no zero_grad":
            opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()
        if bug == "fresh z for G":
            fake = G(torch.randn(batch_size, z_dim, generator=rng))
        if bug == "no detach, fake made again":
            fake = G(z)
        opt = opt_d if bug == "G stepped with opt_d" else opt_g
        if bug not in ("no zero_grad", "no detach, fake made again"):
            opt.zero_grad()
        loss.g_loss(D(fake)).backward()
        opt.step()


def _with(bug):
    def buggy(*args, **kwargs):
        train(*args, bug=bug, **kwargs)

    return buggy


def test_check_training_loop_accepts_a_right_loop_that_adds_in_another_order():
    assert check_training_loop(_with("one D forward")).startswith("Correct:")


@pytest.mark.parametrize(
    ("bug", "says"),
    [
        ("no detach", "fake.detach()"),
        ("no detach, fake made again", "fake.detach()"),
        ("G stepped with opt_d", "opt_g"),
        ("fresh z for G", "same fakes"),
        ("no zero_grad", "zero_grad"),
    ],
)
def test_check_training_loop_fails_on_a_wrong_loop_and_names_it(bug, says):
    with pytest.raises(AssertionError, match=re.escape(says)):
        check_training_loop(_with(bug))


def test_a_stub_is_not_answered_yet_and_not_an_error():
    def my_loss(real, fake):
        raise NotImplementedError

    assert check_hinge(my_loss, losses.hinge_g_loss).startswith("Not answered yet: my_loss")


@pytest.mark.parametrize(
    ("check", "answer"),
    [
        (check_hinge, (right_d, right_g)),
        (check_spectral_norm, (right_sn,)),
        (check_training_loop, (train,)),
    ],
    ids=["hinge", "spectral norm", "training loop"],
)
def test_a_check_leaves_the_global_rng_alone(check, answer):
    state = torch.get_rng_state()
    assert check(*answer).startswith("Correct:")
    assert torch.equal(torch.get_rng_state(), state)  # a student's notebook keeps its seed
