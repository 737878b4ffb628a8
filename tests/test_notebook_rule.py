"""The course's testing rule, checked on the notebook files themselves.

pytest runs the notebooks with ``--nbval-lax``: only cells marked ``# NBVAL_CHECK_OUTPUT`` have
their output compared, and such a cell must say on the next line why its output is the same on
every machine. Every other cell must run, and asserts what the prose claims of its result. The
stored outputs are what students read on the repository page, so every code cell is stored
executed, in order, without an error. (The README's "Testing the course" gives the rule.)
"""

from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).parent.parent / "notebooks").glob("[0-9][0-9]_*.ipynb"))
CHECK = "# NBVAL_CHECK_OUTPUT"
REASON = "# (same on every machine"
ALLOWED = (CHECK, "# NBVAL_RAISES_EXCEPTION")


def _code_cells(path: Path):
    nb = nbformat.read(path, as_version=4)
    return [cell for cell in nb.cells if cell.cell_type == "code"]


def test_the_course_is_there():
    assert len(NOTEBOOKS) >= 9, [p.name for p in NOTEBOOKS]


def test_pytest_runs_the_notebooks_in_lax_mode():
    pyproject = (Path(__file__).parent.parent / "pyproject.toml").read_text()
    assert "--nbval-lax" in pyproject
    assert "--nbval " not in pyproject  # strict mode would compare trained numbers verbatim


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_checked_cell_says_why_its_output_is_portable(path):
    for n, cell in enumerate(_code_cells(path)):
        lines = [line.strip() for line in cell.source.splitlines()]
        assert "# NBVAL_IGNORE_OUTPUT" not in lines, (
            f"{path.name} code cell {n}: under --nbval-lax an unmarked cell is already not "
            "compared; drop the marker and assert the cell's claims instead"
        )
        if CHECK in lines:
            after = lines[lines.index(CHECK) + 1] if lines.index(CHECK) + 1 < len(lines) else ""
            assert after.startswith(REASON), (
                f"{path.name} code cell {n}: {CHECK} must be followed by a line "
                f"'{REASON}: <why>)', got {after!r}"
            )
        other = [line for line in lines if "NBVAL_" in line and line not in ALLOWED]
        assert not other, (
            f"{path.name} code cell {n}: {other}: the allowed markers are {ALLOWED}, each alone "
            "on its line (nbval silently ignores a marker with text after it; NBVAL_SKIP would "
            "leave the cell unrun)"
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_some_output_is_compared_and_some_is_asserted(path):
    cells = _code_cells(path)
    checked = sum(CHECK in cell.source for cell in cells)
    asserting = sum("assert " in cell.source or "assert_close" in cell.source for cell in cells)
    assert checked >= 1, f"{path.name}: no cell's output is compared"
    assert asserting >= 1, f"{path.name}: no cell asserts a claim"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_stored_outputs_are_a_clean_run_in_order(path):
    counts = []
    for n, cell in enumerate(_code_cells(path)):
        if not cell.source.strip():
            continue
        assert cell.execution_count is not None, f"{path.name} code cell {n} is stored unrun"
        counts.append(cell.execution_count)
        errors = [o for o in cell.outputs if o.output_type == "error"]
        assert not errors, f"{path.name} code cell {n} is stored with an error"
    assert counts == sorted(counts) and len(set(counts)) == len(counts), (
        f"{path.name}: cells were not run top to bottom in one kernel: {counts}"
    )
