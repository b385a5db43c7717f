"""Fixture pages that broke real builds now import to clean pieces and build to an EPUB that EPUBCheck passes."""

from __future__ import annotations

import re
import zipfile

import pytest
from lxml import etree

from bundler import read_piece
from bundler.build.collection import build_collection
from bundler.model import Heading, Paragraph
from bundler.text.plain import slugify
from tests.conftest import epubcheck_messages, run_epubcheck
from tests.warnings_guard import expected_warnings
from tests.wellformed.pages import write_pages

XML_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9._-]*$")
H = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    return write_pages(tmp_path_factory.mktemp("pages"))


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("10 things in tech you missed", "piece-10-things-in-tech-you-missed"),
        ("حلب تحت الحصار", "hlb-tht-lhsr"),
        ("北京的冬天", "bei-jing-de-dong-tian"),
        ("Москва слезам не верит", "moskva-slezam-ne-verit"),
        ("Budget Traveler’s Guide", "budget-travelers-guide"),
        ("", "piece"),
    ],
)
def test_slugs_are_readable_xml_names_in_any_script(title, slug):
    assert slugify(title) == slug
    assert XML_NAME.match(slugify(title))


def test_slug_fallbacks_start_with_a_letter():
    assert slugify("2016", "section") == "section-2016"
    assert slugify("!!!", "2016") == "piece-2016"


def test_imported_titles_decode_entities_once_and_slugs_are_names(pages):
    piece = read_piece(pages["entities"])
    assert piece.title == "Tutoring results ‘sobering’ & R&D cut"
    for name in ("10-things", "arabic", "chinese", "russian"):
        assert XML_NAME.match(read_piece(pages[name]).slug), name


def test_read_later_heading_is_dropped_and_levels_do_not_jump(pages):
    piece = read_piece(pages["headings"])
    headings = [(b.level, b.html) for b in piece.body if isinstance(b, Heading)]
    assert headings == [(2, "Upstream"), (3, "A jump down"), (2, "Downstream")]
    assert "Read Later" not in str(piece.body)


def test_credit_line_inside_a_span_stays_balanced(pages):
    piece = read_piece(pages["figure-in-link"])
    texts = [b.html for b in piece.body if isinstance(b, Paragraph)]
    assert any("full size" in t for t in texts)
    for fragment in texts:
        etree.fromstring(f"<div>{fragment}</div>")  # raises if unbalanced


@pytest.fixture(scope="module")
def book(pages, tmp_path_factory):
    folder = pages["arabic"].parent
    entries = "".join(f"      - {path.name}\n" for path in pages.values())
    (folder / "collection.yaml").write_text(
        "title: Pages that broke the build\nidentifier: urn:uuid:0b8a1f8e-5d0c-4d5b-9a43-7d4c8e2b9f10\nlanguage: en\n"
        f"sections:\n  - title: 2016 and after\n    pieces:\n{entries}editions:\n  epub: {{}}\n",
        encoding="utf-8",
    )
    out = tmp_path_factory.mktemp("dist")
    # One fixture page declares Arabic over English text: three Arabic lines over English filler.
    with expected_warnings(r"^W161 page declares language 'ar', but its text is 'en'; used 'en'$"):
        return build_collection(folder, out_dir=out, format_names=["epub"]).outputs["epub"]


@pytest.mark.slow
def test_fixture_pages_build_to_an_epub_that_passes_epubcheck(book):
    assert epubcheck_messages(run_epubcheck(book)) == []


def test_every_id_in_the_book_is_an_xml_name_and_no_entity_shows(book):
    with zipfile.ZipFile(book) as archive:
        names = archive.namelist()
        documents = {n: archive.read(n) for n in names if n.endswith((".xhtml", ".ncx", ".opf"))}
    ids = [i for data in documents.values() for i in etree.fromstring(data).xpath("//@id")]
    assert ids and all(XML_NAME.match(i) for i in ids), [i for i in ids if not XML_NAME.match(i)]
    assert "EPUB/piece-10-things.xhtml" in names  # the file's name starts with a digit; its id must not
    assert all(XML_NAME.match(n.rsplit("/", 1)[-1].removesuffix(".xhtml")) for n in names if n.endswith(".xhtml"))
    text = b"".join(documents.values()).decode("utf-8")
    assert "&amp;#" not in text and "&#8216;" not in text
    assert "‘sobering’" in text


def test_headings_in_the_book_never_jump(book):
    with zipfile.ZipFile(book) as archive:
        for name in archive.namelist():
            if not name.endswith(".xhtml"):
                continue
            root = etree.fromstring(archive.read(name))
            levels = [int(e.tag[-1]) for e in root.iter() if isinstance(e.tag, str) and re.fullmatch(rf"{re.escape(H)}h[1-6]", e.tag)]
            assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), (name, levels)
