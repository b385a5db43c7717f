"""The mistakes an editor makes in a hand-written ``collection.yaml``, each refused with the line and the fix.

One small mixed Arabic/English collection (written for this test: a Markdown report with two
photos, an Arabic note, a cover) is checked with the real ``bundler check`` after one mistake
at a time. Each must exit 1 with ``collection.yaml:LINE: KEY: message`` and a hint that says
what to write instead, never a traceback, and never a second message about the same mistake.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from PIL import Image

from tests.test_cli import assert_user_error, run_cli

MANIFEST = """\
title: Rebuilding the market
language: en
editors: [Dana Reporter, سلمى ناصر]
date: 2024-03
subjects: [Markets, أسواق]
rights: Free to copy with credit.
cover: notes/cover.jpg
front:
  - notes/introduction.md
sections:
  - title: Markets
    intro: {file: notes/markets.md}
    pieces:
      - source: sources/report.md
        title: The market reopens
        figures: [2]
      - sources/souq.md
  - title: Notes
    pieces:
      - sources/desk.md
back:
  - {file: notes/glossary.md, kind: glossary}
editions:
  - format: epub
  - format: epub
    name: ar
    language: ar
  - format: pdf
    page_size: A5
"""

REPORT = """\
---
title: Stalls open again
authors: [Dana Reporter]
date: 2024-03-12
language: en
---

The stalls of the old market opened again on Tuesday, after three months shut.

![The spice stall](stall.png "The spice stall at eight (Photo: Dana Reporter)")

Traders share one generator and pay for its fuel together.

![The bread queue](queue.png "The bread queue at noon (Photo: Dana Reporter)")

By noon the queue for bread reached the corner of the square.
"""

SOUQ = """\
---
title: السوق يفتح من جديد
language: ar
---

عاد الباعة إلى السوق القديم صباح يوم الثلاثاء بعد ثلاثة أشهر من الإغلاق، ورتّبوا بضاعتهم على الرفوف.
"""


EDITIONS = MANIFEST[MANIFEST.index("editions:") :]


def _page(title: str, text: str) -> str:
    return f"---\ntitle: {title}\n---\n\n{text}\n"


@pytest.fixture(scope="module")
def collection(tmp_path_factory) -> Path:
    """The valid collection the mistakes are made in."""
    root = tmp_path_factory.mktemp("mistakes") / "market"
    (root / "sources").mkdir(parents=True)
    (root / "notes").mkdir()
    (root / "sources" / "report.md").write_text(REPORT, encoding="utf-8")
    (root / "sources" / "souq.md").write_text(SOUQ, encoding="utf-8")
    (root / "sources" / "desk.md").write_text(_page("Desk notes", "How the desk chose the pieces."), encoding="utf-8")
    for name, colour in (("stall.png", (200, 120, 40)), ("queue.png", (40, 90, 160))):
        Image.new("RGB", (320, 200), colour).save(root / "sources" / name)
    Image.new("RGB", (600, 900), (20, 40, 60)).save(root / "notes" / "cover.jpg")
    (root / "notes" / "not-a-photo.jpg").write_text("a text file with a photo's name\n", encoding="utf-8")
    (root / "notes" / "introduction.md").write_text(_page("Introduction", "Why this dossier."), encoding="utf-8")
    (root / "notes" / "markets.md").write_text(_page("Markets", "The market, in two languages."), encoding="utf-8")
    (root / "notes" / "glossary.md").write_text(_page("Glossary", "Souq\n: a market."), encoding="utf-8")
    (root / "collection.yaml").write_text(MANIFEST, encoding="utf-8")
    return root


def with_mistake(collection: Path, tmp_path: Path, old: str, new: str) -> Path:
    """A copy of the collection whose manifest has ``old`` replaced by ``new``."""
    copy = tmp_path / "market"
    shutil.copytree(collection, copy, ignore=shutil.ignore_patterns(".cache"))
    assert old in MANIFEST, old
    (copy / "collection.yaml").write_text(MANIFEST.replace(old, new, 1), encoding="utf-8")
    return copy


def test_the_collection_itself_is_valid(collection):
    result = run_cli("check", str(collection))
    assert result.returncode == 0, result.stderr
    assert "3 piece(s) in 2 section(s)" in result.stdout


# (what the editor did, text replaced, replacement, "LINE: KEY: message" expected, the fix the hint must give)
MISTAKES = [
    ("misspelt top-level key", "rights:", "rigths:", "6: rigths: unknown key 'rigths'", "did you mean 'rights'?"),
    (
        "misspelt required key",
        "    pieces:\n      - source",
        "    peices:\n      - source",
        "13: sections[0].peices: unknown key",
        "did you mean 'pieces'?",
    ),
    (
        "author for authors",
        "        title: The market",
        "        author: Dana\n        title: The market",
        "15: sections[0].pieces[0].author: unknown key",
        "did you mean 'authors'?",
    ),
    (
        "key indented too far",
        "        figures: [2]",
        "          figures: [2]",
        "16: not valid YAML: this line is indented more than line 15",
        "line it up with line 15 (start its key at column 9",
    ),
    (
        "key not indented enough",
        "        title: The market",
        "       title: The market",
        "15: not valid YAML: this line does not line up with line 14",
        "column 9 (8 spaces)",
    ),
    ("tab in indentation", "        figures: [2]", "\tfigures: [2]", "16: tab in indentation", "spaces only"),
    (
        "a piece never imported",
        "      - sources/souq.md",
        "      - sources/souk.md",
        "17: sections[0].pieces[1]: file not found: 'sources/souk.md'",
        "did you mean 'sources/souq.md'?",
    ),
    (
        "a section with no pieces",
        "    pieces:\n      - sources/desk.md",
        "    pieces: []",
        "19: sections[1].pieces: this section has no pieces",
        "or remove the section",
    ),
    (
        "the same piece in two sections",
        "      - sources/desk.md",
        "      - sources/souq.md",
        "20: sections[1].pieces[0]: duplicate piece 'sources/souq.md' (also at sections[0].pieces[1])",
        "list each file once",
    ),
    (
        "a day-first date",
        "date: 2024-03",
        "date: 12/03/2024",
        "4: date: date '12/03/2024' does not parse",
        "did you mean '2024-03-12' (day first) or '2024-12-03' (month first)?",
    ),
    ("a month that does not exist", "date: 2024-03", "date: 2024-13-01", "4: date: '2024-13-01' is not a real date", "YYYY-MM-DD"),
    ("a language name", "language: en", "language: English", "2: language: invalid language tag 'English'", "did you mean 'en'?"),
    (
        "an edition's language name",
        "    language: ar",
        "    language: Arabic",
        "27: editions[1].language: invalid language tag 'Arabic'",
        "did you mean 'ar'?",
    ),
    (
        "editions as one string",
        EDITIONS,
        "editions: epub, pdf\n",
        "23: editions: expected a mapping or a list, got text",
        "editions: {epub: {}, pdf: {}}",
    ),
    (
        "a missing colon",
        "rights: Free to copy with credit.",
        "rights Free to copy with credit.",
        "6: not valid YAML: no ':' after the key in 'rights Free to copy with credit.'",
        "write 'rights: Free to copy with credit.'",
    ),
    (
        "a missing colon in a list item",
        "  - title: Notes",
        "  - title Notes",
        "18: not valid YAML: no ':' after the key in '- title Notes'",
        "write '- title: Notes'",
    ),
    (
        "': ' inside a value",
        "  - title: Notes",
        "  - title: Notes: the desk",
        "18: not valid YAML: the value on this line contains ': '",
        'quote the value: - title: "Notes: the desk"',
    ),
    (
        "a bracket left open",
        "editors: [Dana Reporter, سلمى ناصر]",
        "editors: [Dana Reporter, سلمى ناصر",
        "3: not valid YAML: '[' opened on line 3 is not closed",
        "close it with ']' on line 3",
    ),
    (
        "a list item without its dash",
        "      - sources/souq.md",
        "      - sources/souq.md\n        source: sources/desk.md",
        "18: not valid YAML: this line is indented under line 17, a list item that is already complete",
        "begin it with '- '",
    ),
    (
        "a front page that is not there",
        "  - notes/introduction.md",
        "  - notes/intro.md",
        "9: front[0]: file not found: 'notes/intro.md'",
        "did you mean 'notes/introduction.md'?",
    ),
    (
        "an intro file that is not there",
        "{file: notes/markets.md}",
        "{file: notes/market.md}",
        "12: sections[0].intro.file: file not found",
        "did you mean 'notes/markets.md'?",
    ),
    (
        "a cover that is not an image",
        "cover: notes/cover.jpg",
        "cover: notes/not-a-photo.jpg",
        "7: cover: cover 'notes/not-a-photo.jpg' cannot be read as an image",
        "a JPEG or PNG",
    ),
    (
        "a front page given as one string",
        "front:\n  - notes/introduction.md",
        "front: notes/introduction.md",
        "8: front: expected a list, got text",
        "write a list: front: [notes/introduction.md]",
    ),
    (
        "subjects as one string",
        "subjects: [Markets, أسواق]",
        "subjects: Markets, أسواق",
        "5: subjects: expected a list, got text",
        "write a list: subjects: [Markets, أسواق]",
    ),
    (
        "figures as a mapping",
        "figures: [2]",
        "figures: {exclude: [1]}",
        "16: sections[0].pieces[0].figures: expected text or a list, got a mapping",
        "'exclude' (none)",
    ),
    (
        "a figure the piece does not have",
        "figures: [2]",
        "figures: [3]",
        "16: sections[0].pieces[0].figures: no figure 3: 'The market reopens' has 2 figures",
        "number them 1 to 2",
    ),
    (
        "a title with no value",
        "title: Rebuilding the market",
        "title:",
        "1: title: 'title' has no value",
        "write it on the same line: title: ...",
    ),
    (
        "an edition listed as a word",
        "  - format: pdf\n    page_size: A5\n",
        "  - pdf\n",
        "28: editions[2]: an edition must be a mapping, got text",
        "- format: pdf",
    ),
    (
        "page_size on the EPUB",
        "    name: ar\n",
        "    name: ar\n    page_size: A5\n",
        "27: editions[1].page_size: the epub edition does not take 'page_size'",
        "page_size is for: pdf",
    ),
    (
        "an edition language no piece is in",
        "    language: ar",
        "    language: fr",
        "27: editions[1].language: no piece is in 'fr'",
        "the pieces are in: ar, en",
    ),
    (
        "a date without zero padding",
        "date: 2024-03",
        "date: 2024-3-5",
        "4: date: date '2024-3-5' does not parse",
        "did you mean '2024-03-05'?",
    ),
    (
        "a date with its time",
        "date: 2024-03",
        "date: 2024-03-12T10:00",
        "4: date: date '2024-03-12T10:00' does not parse",
        "did you mean '2024-03-12'?",
    ),
    ("a date in words", "date: 2024-03", "date: March 2024", "4: date: date 'March 2024' does not parse", "did you mean '2024-03'?"),
    ("a tag with an underscore", "language: en", "language: EN_us", "2: language: invalid language tag 'EN_us'", "did you mean 'en-US'?"),
    (
        "an intro naming a file as text",
        "intro: {file: notes/markets.md}",
        "intro: notes/markets.md",
        "12: sections[0].intro: the intro is the text 'notes/markets.md'",
        "intro: {file: notes/markets.md}",
    ),
    (
        "the mapping form inside the list form",
        "  - format: pdf\n    page_size: A5\n",
        "  - pdf: {page_size: A5}\n",
        "28: editions[2]: missing required key 'format'",
        "- {format: pdf, page_size: A5}",
    ),
    (
        "a title YAML reads as true",
        "  - title: Notes",
        "  - title: yes",
        "18: sections[1].title: expected text, got true or false",
        'put it in quotes, e.g. title: "yes"',
    ),
    (
        "a title YAML reads as a number",
        "  - title: Notes",
        "  - title: 2024",
        "18: sections[1].title: expected text, got a whole number",
        'put it in quotes: title: "2024"',
    ),
    (
        "an empty override",
        "        title: The market reopens",
        "        title: ''",
        "15: sections[0].pieces[0].title: the override 'title' is empty, so it would be ignored",
        "remove 'title:' to keep the piece's own",
    ),
    (
        "a glossary kind misspelt",
        "kind: glossary}",
        "kind: glosary}",
        "22: back[0].kind: unknown page kind 'glosary'",
        "did you mean 'glossary'?",
    ),
]


def test_there_are_at_least_25_mistakes():
    assert len(MISTAKES) >= 25


@pytest.mark.parametrize(("old", "new", "expected", "fix"), [m[1:] for m in MISTAKES], ids=[m[0] for m in MISTAKES])
def test_mistake_is_refused_with_line_and_fix(collection, tmp_path, old, new, expected, fix):
    copy = with_mistake(collection, tmp_path, old, new)
    result = run_cli("check", str(copy))
    assert_user_error(result, f"{copy / 'collection.yaml'}:{expected}", fix)
    errors = [line for line in result.stderr.splitlines() if re.match(r"error: [EM]\d{3} ", line)]
    assert len(errors) == 1, "one mistake, one message:\n" + result.stderr


def test_one_article_listed_twice_is_a_located_warning(collection, tmp_path):
    """A page listed as two files (its original and a copy, or a page and its piece.json) builds, but says so (W060)."""
    copy = with_mistake(collection, tmp_path, "      - sources/desk.md", "      - sources/desk.md\n      - sources/desk-again.md")
    (copy / "sources" / "desk-again.md").write_bytes((copy / "sources" / "desk.md").read_bytes())
    result = run_cli("check", str(copy))
    assert result.returncode == 0, result.stderr
    expected = f"warning: W060 {copy / 'collection.yaml'}:21: sections[1].pieces[1]: the same article as sections[1].pieces[0]"
    assert expected in result.stderr and "(sources/desk.md and sources/desk-again.md hold the same bytes)" in result.stderr
    assert_user_error(run_cli("check", "--strict", str(copy)), "W060", "--strict")
