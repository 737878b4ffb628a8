"""The Chinese twins (notebooks/zh/) stay in step with the English course.

nbval does not run the twins (notebooks/conftest.py leaves zh/ out): a twin's code cells and
outputs are copies of the English notebook's, which nbval runs, so proving the copies equal
is the test, and the course's CI time does not double. notebooks/zh/twins.py explains the
translation files and the commands.
"""

import importlib.util
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).parent.parent
_spec = importlib.util.spec_from_file_location("twins", ROOT / "notebooks" / "zh" / "twins.py")
twins = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(twins)

TRANSLATED = sorted(twins.translated_stems())
README_ZH = ROOT / "README.zh.md"
# A quoted variant is allowed: notebook 03 quotes the article's own wording.
QUOTED = re.compile(r"“[^”]*”|「[^」]*」|`[^`]*`")


def test_every_english_notebook_has_a_twin_or_is_listed_untranslated():
    english = {p.stem for p in twins.english_notebooks()}
    missing = sorted(english - set(TRANSLATED) - twins.UNTRANSLATED)
    assert not missing, f"no Chinese translation: {missing} (translate, or add to UNTRANSLATED)"
    assert not set(TRANSLATED) & twins.UNTRANSLATED, "translated, yet listed in UNTRANSLATED"
    assert set(TRANSLATED) <= english, "a translation file for no English notebook"


@pytest.mark.parametrize("stem", TRANSLATED)
def test_every_markdown_cell_has_a_current_translation(stem):
    found = twins.translation_problems(twins.NOTEBOOKS / f"{stem}.ipynb")
    assert not found, "\n".join([*found, f"see: python notebooks/zh/twins.py todo {stem[:2]}"])


@pytest.mark.parametrize("stem", TRANSLATED)
def test_the_twin_on_disk_is_what_build_writes(stem):
    built = twins.build_twin(twins.NOTEBOOKS / f"{stem}.ipynb", set(TRANSLATED))
    on_disk = (twins.ZH / f"{stem}.ipynb").read_text(encoding="utf-8")
    assert on_disk == built, (
        f"notebooks/zh/{stem}.ipynb is stale: python notebooks/zh/twins.py build"
    )


@pytest.mark.parametrize("stem", TRANSLATED)
def test_the_twin_has_the_english_code_and_outputs(stem):
    english = nbformat.read(twins.NOTEBOOKS / f"{stem}.ipynb", as_version=4)
    twin = nbformat.read(twins.ZH / f"{stem}.ipynb", as_version=4)
    assert [(c.id, c.cell_type) for c in twin.cells] == [(c.id, c.cell_type) for c in english.cells]
    for en, zh in zip(english.cells, twin.cells):
        if en.cell_type == "markdown":
            assert zh.get("attachments") == en.get("attachments"), f"{stem} cell {en.id}"
        else:
            assert zh == en, f"{stem} cell {en.id}: code, outputs or metadata differ from English"
    assert twin.metadata["kernelspec"] == english.metadata["kernelspec"]


def _relative_links(markdown: str) -> list[str]:
    targets = [m[2] or m[5] for m in twins.LINK.finditer(markdown)]
    return [t for t in targets if not re.match(r"[A-Za-z][A-Za-z0-9+.-]*:|#|/", t)]


def _unresolved(links: list[str], folder: Path) -> list[str]:
    """Links to files that do not exist, except English notebooks other branches bring."""
    bad = []
    for link in links:
        path = (folder / link.partition("#")[0]).resolve()
        pending = path.parent == twins.NOTEBOOKS and path.stem in twins.UNTRANSLATED
        if not path.exists() and not pending:
            bad.append(link)
    return bad


@pytest.mark.parametrize("stem", TRANSLATED)
def test_links_in_the_twin_resolve_from_notebooks_zh(stem):
    twin = nbformat.read(twins.ZH / f"{stem}.ipynb", as_version=4)
    links = [t for c in twin.cells if c.cell_type == "markdown" for t in _relative_links(c.source)]
    assert not _unresolved(links, twins.ZH), f"{stem}: links that lead nowhere"


def test_rewrite_links_points_at_twins_and_one_folder_up():
    md = (
        "[a](03_building_blocks.ipynb#x) [b](04_dcgan_on_digits.ipynb) ![c](../docs/i.png) "
        '[d](https://pytorch.org) [e](#top) <img src="../docs/j.png">'
    )
    assert twins.rewrite_links(md, {"03_building_blocks"}) == (
        "[a](03_building_blocks.ipynb#x) [b](../04_dcgan_on_digits.ipynb) "
        '![c](../../docs/i.png) [d](https://pytorch.org) [e](#top) <img src="../../docs/j.png">'
    )


def test_a_changed_or_removed_english_cell_is_reported(tmp_path, monkeypatch):
    """The drift guard itself: edit an English cell, drop one, and read what problems() says."""
    zh = tmp_path / "zh"
    (zh / "translations").mkdir(parents=True)
    for name, value in {
        "NOTEBOOKS": tmp_path,
        "ZH": zh,
        "TRANSLATIONS": zh / "translations",
    }.items():
        monkeypatch.setattr(twins, name, value)
    monkeypatch.setattr(twins, "UNTRANSLATED", frozenset())
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("Mode collapse, made and measured.", id="aa"),
        nbformat.v4.new_code_cell("print(1)", id="bb"),
        nbformat.v4.new_markdown_cell("What to take away.", id="cc"),
    ]
    nbformat.write(nb, tmp_path / "05_dyn.ipynb")
    blocks = "".join(
        f"<!-- cell {c.id} en {twins.en_hash(c.source)} -->\n中文 {n}\n\n"
        for n, c in enumerate(nb.cells)
        if c.cell_type == "markdown"
    )
    (zh / "translations" / "05_dyn.md").write_text(blocks, encoding="utf-8")
    assert twins.problems() == ["05_dyn: the twin on disk is not what build writes now (run build)"]
    assert twins.main(["build"]) == 0 and twins.problems() == []

    nb.cells[0].source = "Mode collapse, made, measured and cured."
    del nb.cells[2]
    nbformat.write(nb, tmp_path / "05_dyn.ipynb")
    found = twins.problems()
    assert "05_dyn cell aa ('Mode collapse, made, measured and cured.' ...): stale" in found[0]
    assert "translation of cell cc, which no longer exists" in found[1]
    assert "aa en" in twins.todo(["05_dyn"]) and "中文 0" in twins.todo(["05_dyn"])

    # The English edit needs no change in Chinese: stamp the block, drop the vanished one, build.
    assert twins.main(["stamp", "05", "aa"]) == 0
    path = zh / "translations" / "05_dyn.md"
    path.write_text(path.read_text(encoding="utf-8").split("<!-- cell cc")[0], encoding="utf-8")
    assert twins.main(["build"]) == 0 and twins.problems() == []
    assert twins.read_blocks(path)["aa"].text == "中文 0"


MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$", re.S)


def _stray_stars(markdown: str, render) -> int:
    """Asterisks left in the rendered text (math and code aside): emphasis that did not parse."""
    html = re.sub(
        r"<code>.*?</code>|<pre>.*?</pre>", "", render(MATH.sub("M", markdown)), flags=re.S
    )
    return html.count("*")


@pytest.mark.parametrize("stem", TRANSLATED)
def test_emphasis_renders_next_to_chinese_punctuation(stem):
    """CommonMark's flanking rules: `**学习目标。**学完` stays literal; `**学习目标。** 学完` is bold."""
    mistune = pytest.importorskip("mistune")  # nbconvert's Markdown parser, installed with Jupyter
    render = mistune.create_markdown()
    english = nbformat.read(twins.NOTEBOOKS / f"{stem}.ipynb", as_version=4)
    blocks = twins.read_blocks(twins.TRANSLATIONS / f"{stem}.md")
    bad = [
        cell.id
        for cell in english.cells
        if cell.id in blocks
        and _stray_stars(blocks[cell.id].text, render) > _stray_stars(cell.source, render)
    ]
    assert not bad, f"{stem}: cells whose ** or * shows literally in Chinese: {bad}"


def _glossary_rows() -> list[list[str]]:
    """docs/glossary.md's table: [English, 中文, 避免, 注] per term."""
    rows = []
    for line in (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8").splitlines():
        cols = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| ") and len(cols) == 4 and cols[0] != "English":
            rows.append(cols)
    return rows


def _glossary_avoid() -> dict[str, str]:
    """{variant to avoid: the glossary's term}."""
    return {
        variant.strip(): row[1]
        for row in _glossary_rows()
        for variant in row[2].split(",")
        if variant.strip()
    }


def _glossary_terms() -> list[str]:
    """The terms to use, longest first (价值函数 holds the variant 值函数, and is right)."""
    terms = {
        re.sub(r"（[^）]*）", "", t).strip() for row in _glossary_rows() for t in row[1].split("、")
    }
    return sorted(filter(None, terms), key=len, reverse=True)


def test_the_glossary_has_about_sixty_terms_with_avoid_variants():
    assert len(_glossary_rows()) >= 55
    assert _glossary_avoid()["鉴别器"] == "判别器"
    assert "非饱和损失" in _glossary_terms()


@pytest.mark.parametrize(
    "path", [*sorted(twins.TRANSLATIONS.glob("*.md")), README_ZH], ids=lambda p: p.name
)
def test_the_chinese_text_uses_the_glossarys_terms(path):
    text = QUOTED.sub("", path.read_text(encoding="utf-8"))
    for term in _glossary_terms():
        text = text.replace(term, "")
    used = {v: term for v, term in _glossary_avoid().items() if v in text}
    assert not used, f"{path.name}: use the glossary's term instead of {used}"


def test_readme_zh_maps_the_whole_course():
    text = README_ZH.read_text(encoding="utf-8")
    links = _relative_links(text)
    assert not _unresolved(links, ROOT), "README.zh.md: links that lead nowhere"
    for stem in TRANSLATED:
        assert f"notebooks/zh/{stem}.ipynb" in links, f"README.zh.md does not link the twin {stem}"
    for stem in sorted(twins.UNTRANSLATED):
        assert f"notebooks/{stem}.ipynb" in links, f"README.zh.md does not link {stem} (English)"
