"""Real pages (WCXB v1.0 dev split, CC-BY-4.0) read from ../shared/realpages at run time, built into one EPUB.

The pages are the kind that broke the build: a credit line whose break sits inside a span
(0006), headlines HTML-escaped in JSON-LD (0071, 0092, 0174), and file names that start with
a digit, so every slug needs a letter in front to be an NCX id.
"""

from __future__ import annotations

import gzip
import zipfile

import pytest
from lxml import etree

from bundler.build.collection import build_collection
from tests.conftest import ROOT, epubcheck_messages, run_epubcheck
from tests.warnings_guard import expected_warnings

REAL_PAGES = ROOT.parent / "shared" / "realpages" / "wcxb-dev" / "html"
PAGE_IDS = [f"{n:04d}" for n in range(1, 11)] + ["0071", "0092", "0174"]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not REAL_PAGES.is_dir(), reason="../shared/realpages is not beside the repository"),
]


@pytest.fixture(scope="module")
def real_book(tmp_path_factory):
    folder = tmp_path_factory.mktemp("realpages")
    for page in PAGE_IDS:
        (folder / f"{page}.html").write_bytes(gzip.decompress((REAL_PAGES / f"{page}.html.gz").read_bytes()))
    entries = "".join(f"      - {page}.html\n" for page in PAGE_IDS)
    (folder / "collection.yaml").write_text(
        "title: Real pages\nidentifier: urn:uuid:2c9d7e61-3f0a-4b8e-a5d2-8e1f6c4b7a90\nlanguage: en\n"
        f"sections:\n  - title: Pages\n    pieces:\n{entries}editions:\n  epub: {{}}\n",
        encoding="utf-8",
    )
    # Saved pages point at images on the web: each is reported, never fetched (offline), its caption kept.
    # (N142 and N144, remote images and filled-in alt text, are notes, not warnings.)
    # Page 0006 uses Canadian syllabics (U+1405, U+140A) as arrows: the book carries a subset of the
    # installed Noto Sans Canadian Aboriginal for them, so nothing is missing (no W310).
    with expected_warnings(r"^W141 figure .*: no image address; caption and credit kept$"):
        return build_collection(folder, out_dir=tmp_path_factory.mktemp("dist"), format_names=["epub"])


def test_real_pages_build_to_an_epub_that_passes_epubcheck(real_book):
    assert epubcheck_messages(run_epubcheck(real_book.outputs["epub"])) == []


def test_the_canadian_syllabics_of_page_0006_come_from_a_carried_subset(real_book):
    import io

    from fontTools.ttLib import TTFont

    with zipfile.ZipFile(real_book.outputs["epub"]) as archive:
        data = archive.read("EPUB/styles/fonts/NotoSansCanadianAboriginal-Regular.ttf")
    assert {0x1405, 0x140A} <= set(TTFont(io.BytesIO(data)).getBestCmap())


def test_real_page_titles_show_no_escaped_entities(real_book):
    titles = [piece.title for piece in real_book.dossier.pieces]
    assert not [t for t in titles if "&#" in t or "&amp;" in t]
    assert any("Traveler’s" in t for t in titles)
    with zipfile.ZipFile(real_book.outputs["epub"]) as archive:
        ncx = etree.fromstring(archive.read("EPUB/toc.ncx"))
    ids = ncx.xpath("//@id")
    assert ids and all(i[0].isalpha() for i in ids)
