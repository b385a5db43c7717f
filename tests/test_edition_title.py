"""An edition's ``title:`` option is the book's title in every format, not only in the PDF and HTML.

Before, the option reached only the formats that asked ``edition_title()`` (PDF, HTML): the EPUB's
``dc:title`` and title page, the Kobo EPUB and the ZIM's metadata kept the dossier's title. The
bilingual example is built with a title per edition (the Arabic EPUB's in Arabic, kept whole), and
each file is read back with the real readers (the EPUB's OPF and pages, libzim, the HTML).
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from libzim.reader import Archive
from lxml import etree, html

from bundler.build.collection import build_collection
from tests.conftest import COLLECTIONS, epubcheck_messages, run_epubcheck

SLUG = "bilingual-sample"
TITLES = {
    "epub.ar": "كتاب الحي بالعربية",
    "epub.en": "The English book of the library",
    "kepub": "A Kobo book of the library",
    "zim": "Library for Kiwix",
    "html": "Library on a phone",
}
EDITIONS = """editions:
  - format: epub
  - {format: epub, name: ar, language: ar, title: كتاب الحي بالعربية}
  - {format: epub, name: en, language: en, title: The English book of the library}
  - {format: kepub, title: A Kobo book of the library}
  - {format: zim, title: Library for Kiwix}
  - {format: html, title: Library on a phone}
"""
DC = {"dc": "http://purl.org/dc/elements/1.1/"}


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[str, Path]:
    collection = tmp_path_factory.mktemp("titles") / SLUG
    shutil.copytree(COLLECTIONS / SLUG, collection, ignore=shutil.ignore_patterns(".cache"))
    manifest = collection / "collection.yaml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text[: text.index("editions:")] + EDITIONS, encoding="utf-8")
    return build_collection(collection, out_dir=collection.parent / "dist").outputs


def epub_titles(path: Path) -> tuple[str, str]:
    """The OPF's ``dc:title`` and the title page's heading."""
    with zipfile.ZipFile(path) as archive:
        opf = etree.fromstring(archive.read("EPUB/content.opf"))
        page = etree.fromstring(archive.read("EPUB/title-page.xhtml"))
    heading = page.xpath("//*[local-name()='h1']")[0]
    return opf.findtext(".//dc:title", namespaces=DC), "".join(heading.itertext()).strip()


@pytest.mark.parametrize("name", ["epub.ar", "epub.en", "kepub"])
def test_epub_metadata_and_title_page_carry_the_editions_title(outputs, name):
    assert epub_titles(outputs[name]) == (TITLES[name], TITLES[name])
    assert epubcheck_messages(run_epubcheck(outputs[name])) == []


def test_an_edition_without_a_title_keeps_the_dossiers(outputs):
    assert epub_titles(outputs["epub"])[0] == "مكتبة الحي"


def test_zim_metadata_and_main_page_carry_the_editions_title(outputs):
    archive = Archive(outputs["zim"])
    assert archive.get_metadata("Title").decode() == TITLES["zim"]
    main = html.fromstring(bytes(archive.main_entry.get_item().content))
    assert main.findtext(".//title") == TITLES["zim"]


def test_html_carries_the_editions_title(outputs):
    page = html.parse(str(outputs["html"])).getroot()
    assert page.findtext(".//title") == TITLES["html"]
