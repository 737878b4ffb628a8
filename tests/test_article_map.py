"""The article map (ganlab.article_map): every section of the article has a verdict, and
every place it links to exists in the course."""

from pathlib import Path

import nbformat
import pytest

from ganlab import article_map
from ganlab.article_map import CLAIMS, COURSE, HEADINGS, VERDICTS

NOTEBOOKS = Path(__file__).parent.parent / "notebooks"
# Written on other branches at the time of this map; checked in full once they are here.
IN_PROGRESS = {"06_convergence_dirac_gan.ipynb", "10_scaling_up.ipynb"}
LINKED = sorted({w.notebook for c in CLAIMS for w in c.tested_in})


def _headings(notebook: str) -> list[str]:
    nb = nbformat.read(NOTEBOOKS / notebook, as_version=4)
    lines = [line for c in nb.cells if c.cell_type == "markdown" for line in c.source.splitlines()]
    return [line.lstrip("#").strip() for line in lines if line.startswith("#")]


def test_every_section_from_2_1_to_6_3_has_a_verdict():
    sections = [c.section for c in CLAIMS]
    assert list(dict.fromkeys(sections)) == list(HEADINGS), "one or more rows per section, in order"
    for claim in CLAIMS:
        assert claim.verdict in VERDICTS, claim.key
        assert claim.quote and claim.english and claim.why, claim.key
        if claim.verdict != "untested":
            assert claim.tested_in, f"{claim.key}: a verdict needs the notebook that tests it"


def test_items_of_a_section_are_numbered_one_by_one():
    for section in HEADINGS:
        items = [c.item for c in CLAIMS if c.section == section]
        assert items in ([None], list(range(1, len(items) + 1))), (section, items)


@pytest.mark.parametrize("notebook", LINKED)
def test_every_linked_notebook_and_section_exists(notebook):
    if notebook in IN_PROGRESS and not (NOTEBOOKS / notebook).exists():
        pytest.skip(f"{notebook} is being written on another branch")
    headings = _headings(notebook)
    assert headings[0].startswith(COURSE[notebook]), (
        f"{notebook}: its title {headings[0]!r} does not start with the map's {COURSE[notebook]!r}"
    )
    for claim in CLAIMS:
        for where in claim.tested_in:
            if where.notebook == notebook and where.section:
                assert where.section in headings, (
                    f"§{claim.key} links to {notebook}, section {where.section!r}, which it does "
                    "not have: the heading was renamed, update ganlab/article_map.py"
                )


def test_the_html_table_has_one_row_per_claim_and_links_every_notebook():
    table = article_map.html()
    assert table.count("<tr>") == len(CLAIMS) + 1
    for notebook in LINKED:
        assert f'href="{notebook}"' in table
    assert "<script" not in table and "`" not in table  # escaped, and code shown as <code>


def test_notebook_00_shows_the_map_from_the_package():
    nb = nbformat.read(NOTEBOOKS / "00_start_here.ipynb", as_version=4)
    (cell,) = [c for c in nb.cells if c.cell_type == "code" and "article_map.html()" in c.source]
    (shown,) = [o for o in cell.outputs if "text/html" in o.get("data", {})]
    assert shown["data"]["text/html"] == article_map.html()  # stored output = the package's map
