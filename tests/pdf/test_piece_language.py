"""A detected language reaches the editions: the piece's ``lang`` in the EPUB and PDF, and hyphenation by its dictionary.

An English dossier holds a Portuguese and a German page that declare no language. WeasyPrint hyphenates
with Pyphen's patterns for the ``lang`` of the text; its automatic hyphen is U+2010, so every line that
ends in U+2010 in the phone PDF is a break WeasyPrint chose, and it must be one the piece's own dictionary
allows (several of them English patterns would not allow).
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pyphen
import pytest
from lxml import etree
from pypdf import PdfReader

from tests.conftest import epubcheck_messages, run_epubcheck

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "language"
XHTML = "{http://www.w3.org/1999/xhtml}"
AUTO_HYPHEN = "\u2010"


@pytest.fixture(scope="module")
def built(tmp_path_factory, monkeypatch_module):
    from bundler.build.collection import build_collection

    folder = tmp_path_factory.mktemp("languages")
    (folder / "sources").mkdir()
    for page in ("pt-no-lang.html", "de-no-lang.html"):
        shutil.copy(FIXTURES / page, folder / "sources" / page)
    (folder / "collection.yaml").write_text(
        "title: Pages in other languages\nlanguage: en\nsections:\n  - title: Pieces\n    pieces:\n"
        "      - sources/pt-no-lang.html\n      - sources/de-no-lang.html\n",
        encoding="utf-8",
    )
    return build_collection(folder, out_dir=folder / "dist", format_names=["epub", "pdf-phone"])


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1462838400")
        yield patch


def _article(epub: Path, name: str) -> etree._Element:
    with zipfile.ZipFile(epub) as book:
        root = etree.fromstring(book.read(f"EPUB/{name}.xhtml"))
    return root.find(f".//{XHTML}article")


def test_pieces_carry_their_detected_language(built):
    languages = {piece.slug: piece.language for section in built.dossier.sections for piece in section.pieces}
    assert languages == {"pt-no-lang": "pt", "de-no-lang": "de"}


def test_epub_articles_are_marked_with_the_pieces_language(built):
    for name, language in (("pt-no-lang", "pt"), ("de-no-lang", "de")):
        article = _article(built.outputs["epub"], name)
        assert (article.get("lang"), article.get("{http://www.w3.org/XML/1998/namespace}lang"), article.get("dir")) == (
            language,
            language,
            "ltr",
        )


def test_epub_with_detected_languages_passes_epubcheck(built):
    assert epubcheck_messages(run_epubcheck(built.outputs["epub"])) == []


def _breaks(pdf: Path, start: str, end: str) -> list[tuple[str, int]]:
    """(word, position) for every automatic hyphen at a line end from ``start`` to ``end``, page by page."""
    found: list[tuple[str, int]] = []
    inside = False
    for page in PdfReader(pdf).pages:
        text = page.extract_text()
        if not inside and start in text:
            inside, text = True, text[text.index(start) :]
        if not inside:
            continue
        done = end in text
        text = text[: text.index(end)] if done else text
        found += [(left + right, len(left)) for left, right in re.findall(rf"([^\W\d_]+){AUTO_HYPHEN}\s*\n([^\W\d_]+)", text)]
        if done:
            break
    return found


@pytest.mark.parametrize(("first_words", "language"), [("A prefeitura anunciou", "pt"), ("Die Stadtbibliothek wird", "de")])
def test_pdf_hyphenates_each_piece_by_its_own_dictionary(built, first_words, language):
    breaks = _breaks(built.outputs["pdf-phone"], first_words, "Source:")
    own, english = pyphen.Pyphen(lang=language), pyphen.Pyphen(lang="en_US")
    assert len(breaks) >= 2, breaks
    assert all(position in own.positions(word) for word, position in breaks), breaks
    assert any(position not in english.positions(word) for word, position in breaks), breaks
