"""The build context and the format declarations: what an exporter is given, in the open.

An exporter's inputs are its arguments (``write(dossier, edition, out, ctx)``); a format
declares its image policy and its options; every edition follows one reading order; the EPUB
writer has a seam between its pages and its package. Real EPUBs, checked by EPUBCheck.
"""

from __future__ import annotations

import ast
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree

from bundler.errors import Report
from bundler.exporters import context_for, edition_policy, formats
from bundler.exporters.epub import write_epub
from bundler.exporters.epub_text import write_epub_text
from bundler.exporters.pdf.base import pdf_fragments
from bundler.images.policy import EPUB_POLICY, PHONE_POLICY, PRINT_POLICY, TEXT_ONLY_POLICY
from bundler.model import Dossier, Edition, Figure, FigureBlock, Paragraph, TextPage
from bundler.render.reading_order import reading_order, table_of_contents
from tests.conftest import ROOT, epubcheck_messages, run_epubcheck
from tests.kitchen_sink import _image, make_kitchen_sink, make_photo

XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture(scope="module")
def illustrated(tmp_path_factory) -> Dossier:
    """The kitchen sink with a photo in its front matter and one in a section's introduction."""
    folder = tmp_path_factory.mktemp("illustrated")
    sink = make_kitchen_sink(folder)
    front_photo = _image(make_photo(folder / "front.jpg", size=(640, 480), seed=7))
    intro_photo = _image(make_photo(folder / "intro.jpg", size=(640, 480), seed=8))
    preface = TextPage(
        title="Preface",
        slug="preface",
        body=(Paragraph("Why these reports."), FigureBlock(Figure(front_photo, alt="The square", caption="The square at noon"))),
    )
    first = replace(sink.sections[0], intro=(FigureBlock(Figure(intro_photo, alt="A queue", caption="The queue")),))
    return replace(sink, front_matter=(preface, *sink.front_matter), sections=(first, *sink.sections[1:]))


@pytest.fixture(scope="module")
def books(illustrated, tmp_path_factory) -> dict[str, Path]:
    """The EPUB and the text-only EPUB, each written outside a build, as a script would."""
    folder = tmp_path_factory.mktemp("books")
    cache = folder / "image-cache"
    paths = {"epub": folder / "full.epub", "epub-text": folder / "text.epub"}
    write_epub(illustrated, Edition("epub"), paths["epub"], context_for(Edition("epub"), image_cache=cache))
    write_epub_text(illustrated, Edition("epub-text"), paths["epub-text"], context_for(Edition("epub-text"), image_cache=cache))
    return paths


def entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def images_in(path: Path) -> list[str]:
    return sorted(n for n in entries(path) if n.lower().endswith((".jpg", ".jpeg", ".png")))


def test_the_text_only_epub_written_outside_a_build_has_no_image_at_all(books):
    """The bug of issue 15: a front-matter photo reached the "text-only" EPUB when written outside a build."""
    assert images_in(books["epub-text"]) == []
    documents = {n: d for n, d in entries(books["epub-text"]).items() if n.endswith(".xhtml")}
    assert [d for d in documents.values() if list(etree.fromstring(d).iter(f"{XHTML}img"))] == []
    preface = etree.fromstring(documents["EPUB/preface.xhtml"])
    assert "The square at noon" in "".join(preface.itertext())  # the caption stays, as text


def test_the_full_epub_ships_the_front_matter_and_introduction_photos_and_a_cover(books):
    shipped = images_in(books["epub"])
    assert "EPUB/cover.jpg" in shipped
    for page in ("preface", "reports"):  # the front matter's photo, the section introduction's
        document = etree.fromstring(entries(books["epub"])[f"EPUB/{page}.xhtml"])
        sources = [img.get("src") for img in document.iter(f"{XHTML}img")]
        assert len(sources) == 1 and f"EPUB/{sources[0]}" in shipped


def test_both_epubs_pass_epubcheck(books):
    for path in books.values():
        assert epubcheck_messages(run_epubcheck(path)) == []


def test_formats_declare_their_image_policy_and_options():
    declared = {name: (fmt.image_policy, fmt.options) for name, fmt in formats().items()}
    assert declared["epub"] == (EPUB_POLICY, ())
    assert declared["epub-text"] == (TEXT_ONLY_POLICY, ())
    assert declared["pdf"] == (PRINT_POLICY, ("page_size",))
    assert declared["pdf-phone"] == (PHONE_POLICY, ())
    assert declared["pdf-booklet"][1] == declared["pdf-archive"][1] == ("page_size",)
    assert edition_policy(Edition("epub", (("images", "none"),))) == replace(EPUB_POLICY, include=False)


def test_the_policy_follows_the_declaration_not_the_name():
    """No policy is chosen by a substring of a format's name any more."""
    source = (ROOT / "src" / "bundler" / "images" / "policy.py").read_text(encoding="utf-8")
    assert '"text" in' not in source and '"pdf" in' not in source and '"phone" in' not in source


def test_every_edition_follows_one_reading_order(illustrated):
    order = [(entry.kind, entry.slug) for entry in reading_order(illustrated)]
    assert order[:2] == [("text-page", "preface"), ("text-page", "introduction")]
    assert order[-1] == ("text-page", "timeline")
    fragments = [f.kind for f in pdf_fragments(illustrated, Edition("pdf"), context_for(Edition("pdf")).images)]
    hashes = ["checksums"] if any(p.provenance.source_sha256 for p in illustrated.pieces) else []  # the PDF's own last page
    assert fragments == ["cover", "toc", *(kind for kind, _ in order), "colophon", *hashes]
    toc = table_of_contents(illustrated)
    assert [t.slug for t in toc] == ["preface", "introduction", "reports", "arabic", "timeline"]
    assert [c.slug for c in toc[2].children] == [p.slug for p in illustrated.sections[0].pieces]


def test_the_epub_spine_is_that_reading_order(books, illustrated):
    opf = etree.fromstring(entries(books["epub"])["EPUB/content.opf"])
    ns = {"opf": "http://www.idpf.org/2007/opf"}
    spine = [ref.get("idref").removeprefix("doc-") for ref in opf.findall("opf:spine/opf:itemref", ns)]
    assert spine == ["cover", "title-page", "nav", *(entry.slug for entry in reading_order(illustrated)), "colophon"]


def test_a_page_transform_changes_every_spine_document_and_nothing_else(illustrated, tmp_path):
    """The seam a KEPUB uses: one function over each page's finished XHTML."""
    seen: list[str] = []

    def mark(name: str, document: bytes) -> bytes:
        seen.append(name)
        root = etree.fromstring(document)
        root.find(f"{XHTML}body").set("data-marked", name)
        return etree.tostring(root, encoding="utf-8", xml_declaration=True)

    path = tmp_path / "marked.epub"
    write_epub(illustrated, Edition("epub"), path, context_for(Edition("epub"), Report(), tmp_path / "cache"), transform_page=mark)
    documents = {n.removeprefix("EPUB/").removesuffix(".xhtml"): d for n, d in entries(path).items() if n.endswith(".xhtml")}
    assert sorted(seen) == sorted(name for name in documents if name != "nav")
    for name in seen:
        assert etree.fromstring(documents[name]).find(f"{XHTML}body").get("data-marked") == name
    assert epubcheck_messages(run_epubcheck(path)) == []


def test_no_context_variable_carries_build_state():
    """No ``ContextVar`` at all: the damage log (W701) is passed explicitly too, like every other build state."""
    found = []
    for path in sorted((ROOT / "src" / "bundler").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            imported = [alias.name for alias in node.names] if isinstance(node, (ast.Import, ast.ImportFrom)) else []
            module = node.module if isinstance(node, ast.ImportFrom) else ""
            named = (isinstance(node, ast.Name) and node.id == "ContextVar") or (
                isinstance(node, ast.Attribute) and node.attr == "ContextVar"
            )
            if named or "contextvars" in (*imported, module):
                found.append((path.relative_to(ROOT / "src").as_posix(), node.lineno))
    assert found == []
