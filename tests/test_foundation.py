"""End-to-end: the example dossier builds, validates, and reads as it should."""

from __future__ import annotations

import zipfile

import pikepdf
from pypdf import PdfReader

from tests.conftest import epubcheck_messages, run_epubcheck


def test_build_writes_both_editions_where_documented(aleppo_build):
    epub, pdf = aleppo_build.outputs["epub"], aleppo_build.outputs["pdf"]
    assert epub.name == "aleppo-2016.epub" and epub.parent.name == "aleppo-2016"
    assert pdf.name == "aleppo-2016.pdf"
    assert not list(epub.parent.glob("*.part")), "temporary files must not be left behind"


def test_epub_passes_epubcheck_without_errors_or_warnings(aleppo_build):
    report = run_epubcheck(aleppo_build.outputs["epub"])
    assert epubcheck_messages(report) == []
    assert report["publication"]["language"] == "en"


def test_epub_mimetype_first_and_stored(aleppo_build):
    with zipfile.ZipFile(aleppo_build.outputs["epub"]) as archive:
        first = archive.infolist()[0]
        assert first.filename == "mimetype"
        assert first.compress_type == zipfile.ZIP_STORED
        assert archive.read("mimetype") == b"application/epub+zip"


def test_pdf_text_has_article_and_no_boilerplate(aleppo_build):
    path = aleppo_build.outputs["pdf"]
    with pikepdf.open(path) as pdf:
        assert len(pdf.pages) >= 3
    text = "\n".join(page.extract_text() for page in PdfReader(path).pages)
    flat = " ".join(text.split())
    assert "Aleppo is burning" in flat
    assert "Free Aleppo is the 21st century Paris Commune, and it is being crushed." in flat
    assert "Children walking home from school in Aleppo" in flat
    for junk in ("First published at", "Further Reading", "From the archives"):
        assert junk not in flat
