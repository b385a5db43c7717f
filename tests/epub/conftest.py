"""EPUB fixtures: each fixture dossier built once per session, and a reader for the result."""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from lxml import etree

from bundler.errors import Report
from bundler.exporters import context_for
from bundler.exporters.epub import write_epub
from bundler.model import Dossier, Edition
from tests.kitchen_sink import make_arabic_dossier, make_kitchen_sink, make_plain_dossier

NS = {
    "h": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


@dataclass
class Book:
    """An EPUB opened for inspection: raw entries, the parsed OPF and every XHTML document."""

    path: Path
    dossier: Dossier
    report: Report
    entries: dict[str, bytes] = field(default_factory=dict)
    infos: list[zipfile.ZipInfo] = field(default_factory=list)

    @property
    def opf(self) -> etree._Element:
        return etree.fromstring(self.entries["EPUB/content.opf"])

    @property
    def documents(self) -> dict[str, etree._Element]:
        """Every XHTML file (including the nav), parsed, by name inside EPUB/."""
        return {name.removeprefix("EPUB/"): etree.fromstring(data) for name, data in self.entries.items() if name.endswith(".xhtml")}

    def text(self, name: str) -> str:
        return self.entries[name].decode("utf-8")


def build_book(dossier: Dossier, out: Path) -> Book:
    """Write the EPUB for ``dossier`` into ``out`` and open it."""
    report = Report()
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{dossier.slug}.epub"
    write_epub(dossier, Edition("epub"), path, context_for(Edition("epub"), report))
    return open_book(path, dossier, report)


def open_book(path: Path, dossier: Dossier, report: Report | None = None) -> Book:
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        entries = {info.filename: archive.read(info.filename) for info in infos}
    return Book(path=path, dossier=dossier, report=report or Report(), entries=entries, infos=infos)


FIXTURES = {
    "kitchen-sink": lambda folder: make_kitchen_sink(folder),
    "kitchen-sink-ar": lambda folder: make_kitchen_sink(folder, language="ar"),
    "arabic-only": make_arabic_dossier,
    "plain": make_plain_dossier,
}


@pytest.fixture(scope="session")
def books(tmp_path_factory) -> dict[str, Book]:
    """Every fixture dossier's EPUB, built once: English, bilingual (both ways), Arabic, plain."""
    os.environ["SOURCE_DATE_EPOCH"] = "1462838400"
    built = {}
    for name, make in FIXTURES.items():
        folder = tmp_path_factory.mktemp(name)
        built[name] = build_book(make(folder / "input"), folder)
    return built


@pytest.fixture(scope="session")
def kitchen_sink(books) -> Book:
    return books["kitchen-sink"]


@pytest.fixture(params=sorted(FIXTURES))
def book(request, books) -> Book:
    """Each fixture book in turn."""
    return books[request.param]
