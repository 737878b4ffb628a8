"""The course's Chinese twins: notebooks/zh/NN_name.ipynb, generated, never edited by hand.

A twin is its English notebook with every markdown cell replaced by its Chinese translation;
code cells, their outputs, execution counts, cell ids and metadata are copied unchanged (code
comments stay English, so a twin's code is byte for byte the code that made its outputs, and
the twins need no run of their own under nbval).

The translations live in ``translations/NN_name.md``, one per notebook, in blocks::

    <!-- cell <English cell id> en <hash of the English source it translates> -->
    Chinese markdown of that cell

A block is *current* while its hash equals the English cell's; when the English cell changes,
the block goes *stale*. Links in a translation are written as in the English notebook
(relative to notebooks/); the build points them at the zh twin when there is one, else one
folder up. A link's ``#fragment`` that names an English heading must be written as the Chinese
heading it points to, since the twin's headings are Chinese. Commands (from the repository root)::

    python notebooks/zh/twins.py build [NN ...]  # (re)write the twins from English + translations
    python notebooks/zh/twins.py todo [NN ...]   # what needs translating, as blocks to paste
    python notebooks/zh/twins.py check           # every problem; exit 1 if there is one
    python notebooks/zh/twins.py stamp NN ID ...  # mark these blocks current, after review

``stamp`` is for an English edit that needs no change in Chinese (a typo, a reflowed line):
it records the English cell's new hash in the block's marker and touches nothing else.

tests/test_zh_twins.py runs ``problems()``: it fails on a missing or stale translation, a
block for a cell that no longer exists, and a twin on disk that differs from what ``build``
writes now. Notebooks not translated yet are listed in ``UNTRANSLATED``; every other English
notebook must have a translation file.
"""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path
from typing import NamedTuple

import nbformat

ZH = Path(__file__).resolve().parent
NOTEBOOKS = ZH.parent
TRANSLATIONS = ZH / "translations"

# English notebooks allowed to have no twin yet; README.zh.md links them in English.
UNTRANSLATED: frozenset[str] = frozenset()

MARKER = re.compile(r"^<!-- cell (?P<id>\S+) en (?P<hash>[0-9a-f]+) -->$", re.MULTILINE)
# A markdown link or image target, or an HTML src/href: (prefix, target, suffix).
LINK = re.compile(r'(\]\()([^)\s]+)((?:\s+"[^"]*")?\))|((?:src|href)=")([^"]+)(")')
CJK = re.compile(r"[\u4e00-\u9fff]")


class Block(NamedTuple):
    """One cell's translation: the English hash it was made from, and the Chinese text."""

    en_hash: str
    text: str


def en_hash(source: str) -> str:
    """The short hash a translation block records of the English cell source it translates."""
    return hashlib.sha256(source.encode()).hexdigest()[:10]


def english_notebooks() -> list[Path]:
    """The course: notebooks/NN_name.ipynb, in order."""
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def translated_stems() -> set[str]:
    """Notebooks with a translation file, i.e. with a twin."""
    return {p.stem for p in TRANSLATIONS.glob("[0-9][0-9]_*.md")}


def read_blocks(path: Path) -> dict[str, Block]:
    """Parse a translation file into {English cell id: Block}; a repeated id is an error."""
    text = path.read_text(encoding="utf-8")
    marks = list(MARKER.finditer(text))
    blocks: dict[str, Block] = {}
    for mark, after in zip(marks, [*marks[1:], None]):
        cell_id = mark["id"]
        if cell_id in blocks:
            raise ValueError(f"{path.name}: cell {cell_id} is translated twice")
        body = text[mark.end() : after.start() if after else len(text)]
        blocks[cell_id] = Block(mark["hash"], body.strip("\n"))
    return blocks


def rewrite_links(markdown: str, twins: set[str]) -> str:
    """Point links written relative to notebooks/ at their place seen from notebooks/zh/."""

    def target(t: str) -> str:
        if t.startswith(("#", "/")) or re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", t):
            return t  # an anchor, an absolute path or a URL (https:, attachment:, mailto:)
        path, hash_, fragment = t.partition("#")
        name = path.removeprefix("./")
        if re.fullmatch(r"\d\d_[\w-]+\.ipynb", name) and name[:-6] in twins:
            return name + hash_ + fragment  # the Chinese twin, beside this one
        return "../" + path + hash_ + fragment

    def replace(m: re.Match) -> str:
        if m[1]:
            return m[1] + target(m[2]) + m[3]
        return m[4] + target(m[5]) + m[6]

    return LINK.sub(replace, markdown)


def current_translation(cell, blocks: dict[str, Block]) -> str | None:
    """The Chinese text of a markdown cell, or None when it is missing or stale."""
    block = blocks.get(cell.id)
    if block is None or block.en_hash != en_hash(cell.source):
        return None
    return block.text


def build_twin(english: Path, twins: set[str]) -> str:
    """The twin's file text: markdown translated (English where not yet), the rest copied."""
    twin = nbformat.read(english, as_version=4)
    blocks = read_blocks(TRANSLATIONS / f"{english.stem}.md")
    for cell in twin.cells:
        if cell.cell_type == "markdown" and cell.source.strip():
            text = current_translation(cell, blocks)
            # Untranslated or stale: the English stays, so the twin never says what is no
            # longer true; problems() reports the cell until it is translated.
            cell.source = rewrite_links(text if text is not None else cell.source, twins)
    twin.metadata["ganlab_twin"] = {
        "of": f"../{english.name}",
        "generated_by": "notebooks/zh/twins.py build (edit translations/, not this file)",
    }
    return nbformat.writes(twin) + "\n"


def _first_words(source: str, n: int = 8) -> str:
    return " ".join(source.split()[:n])


def translation_problems(english: Path) -> list[str]:
    """Missing, stale, vanished or non-Chinese blocks of one notebook's translation file."""
    nb = nbformat.read(english, as_version=4)
    blocks = read_blocks(TRANSLATIONS / f"{english.stem}.md")
    found, ids = [], set()
    for cell in nb.cells:
        ids.add(cell.id)
        if cell.cell_type != "markdown" or not cell.source.strip():
            continue
        where = f"{english.stem} cell {cell.id} ({_first_words(cell.source)!r} ...)"
        block = blocks.get(cell.id)
        if block is None:
            found.append(f"{where}: no translation")
        elif block.en_hash != en_hash(cell.source):
            found.append(f"{where}: stale translation (the English changed)")
        elif not CJK.search(block.text):
            found.append(f"{where}: the translation has no Chinese in it")
    for cell_id in blocks.keys() - ids:
        found.append(
            f"{english.stem}: translation of cell {cell_id}, which no longer exists "
            f"(delete its block from translations/{english.stem}.md)"
        )
    return found


def problems() -> list[str]:
    """Everything that stands between the English course and current Chinese twins."""
    english = {p.stem: p for p in english_notebooks()}
    twins = translated_stems()
    found = []
    for stem in sorted(english.keys() - twins - UNTRANSLATED):
        found.append(
            f"{stem}: no translations/{stem}.md (translate it, or list it in UNTRANSLATED)"
        )
    for stem in sorted(twins & UNTRANSLATED):
        found.append(f"{stem}: translated, so remove it from UNTRANSLATED")
    for stem in sorted(twins - english.keys()):
        found.append(f"translations/{stem}.md: there is no English notebook {stem}.ipynb")
    for stem in sorted(twins & english.keys()):
        found += translation_problems(english[stem])
        twin = ZH / f"{stem}.ipynb"
        built = build_twin(english[stem], twins)
        if not twin.exists() or twin.read_text(encoding="utf-8") != built:
            found.append(f"{stem}: the twin on disk is not what build writes now (run build)")
    return found


def todo(stems: list[str]) -> str:
    """Blocks to paste into translation files: each missing or stale cell's marker and English."""
    out = []
    for stem in stems:
        path = TRANSLATIONS / f"{stem}.md"
        blocks = read_blocks(path) if path.exists() else {}
        cells = nbformat.read(NOTEBOOKS / f"{stem}.ipynb", as_version=4).cells
        todo_cells = [
            c
            for c in cells
            if c.cell_type == "markdown"
            and c.source.strip()
            and current_translation(c, blocks) is None
        ]
        if todo_cells:
            out.append(f"==== into notebooks/zh/translations/{stem}.md, in English cell order:\n")
        for cell in todo_cells:
            if cell.id in blocks:
                out.append(
                    f"(stale; its translation reads:)\n{blocks[cell.id].text}\n(English now:)"
                )
            out.append(f"<!-- cell {cell.id} en {en_hash(cell.source)} -->\n{cell.source}\n")
    return "\n".join(out)


def stamp(stem: str, cell_ids: list[str]) -> None:
    """Record the current English hash in these cells' markers: their Chinese was reviewed."""
    path = TRANSLATIONS / f"{stem}.md"
    blocks = read_blocks(path)
    sources = {
        c.id: c.source for c in nbformat.read(NOTEBOOKS / f"{stem}.ipynb", as_version=4).cells
    }
    for cell_id in cell_ids:
        if cell_id not in blocks or cell_id not in sources:
            raise SystemExit(
                f"cell = {cell_id!r} is not allowed: it needs a block in {path.name} "
                "and a cell in the English notebook"
            )
    text = path.read_text(encoding="utf-8")
    for cell_id in cell_ids:
        old = f"<!-- cell {cell_id} en {blocks[cell_id].en_hash} -->"
        text = text.replace(old, f"<!-- cell {cell_id} en {en_hash(sources[cell_id])} -->")
    path.write_text(text, encoding="utf-8")


def _stems(args: list[str], default: set[str]) -> list[str]:
    """Command-line names (``08`` or ``08_conditional_gan``) as notebook stems."""
    every = [p.stem for p in english_notebooks()]
    if not args:
        return sorted(default & set(every))
    chosen = []
    for arg in args:
        match = [s for s in every if s == arg or s.startswith(f"{arg}_")]
        if len(match) != 1:
            raise SystemExit(f"notebook = {arg!r} is not allowed: name one of {every}")
        chosen += match
    return chosen


def main(argv: list[str]) -> int:
    command, args = (argv[0], argv[1:]) if argv else ("", [])
    twins = translated_stems()
    if command == "build":
        for stem in _stems(args, twins):
            if stem not in twins:
                raise SystemExit(f"{stem}: no translations/{stem}.md yet (see: todo {stem})")
            (ZH / f"{stem}.ipynb").write_text(
                build_twin(NOTEBOOKS / f"{stem}.ipynb", twins), encoding="utf-8"
            )
            print(f"wrote notebooks/zh/{stem}.ipynb")
        return 0
    if command == "todo":
        every = {p.stem for p in english_notebooks()}
        print(todo(_stems(args, every - UNTRANSLATED)) or "nothing to translate")
        return 0
    if command == "stamp" and len(args) >= 2:
        stamp(_stems(args[:1], twins)[0], args[1:])
        return 0
    if command == "check":
        found = problems()
        print("\n".join(found) or "the twins are current")
        return 1 if found else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
