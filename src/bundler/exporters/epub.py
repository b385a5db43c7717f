"""EPUB 3 edition, written with ebooklib and then pinned down for reproducibility.

ebooklib's defaults fight reproducible output (random identifier, wall-clock times,
generator meta with its version, swallowed write errors); they are all pinned here and
nowhere else (OUTPUT-QUALITY §1, §7).
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import ebooklib
from ebooklib import epub
from lxml import etree

from bundler.clock import build_time, iso_seconds, zip_date_time
from bundler.errors import ExportError, Report
from bundler.exporters import Format
from bundler.model import Dossier, Edition, Figure
from bundler.render import (
    Target,
    build_link_map,
    labels_for,
    render_colophon,
    render_document,
    render_piece,
    render_section,
    render_text_page,
    render_title_page,
)
from bundler.resources import styles_dir

_OPF_NS = "http://www.idpf.org/2007/opf"


def write_epub(dossier: Dossier, edition: Edition, out: Path, report: Report) -> None:
    """Write the dossier as an EPUB 3 file at ``out``."""
    moment = build_time(dossier.date)
    book = epub.EpubBook()
    book.set_identifier(dossier.identifier)
    book.set_title(dossier.title)
    book.set_language(dossier.language)
    book.set_direction(dossier.direction if _all_rtl(dossier) else "ltr")
    for editor in dossier.editors:
        book.add_author(editor)
    if dossier.publisher:
        book.add_metadata("DC", "publisher", dossier.publisher)
    if dossier.description:
        book.add_metadata("DC", "description", dossier.description)
    if dossier.rights:
        book.add_metadata("DC", "rights", dossier.rights)
    for subject in dossier.subjects:
        book.add_metadata("DC", "subject", subject)
    if dossier.date:
        book.add_metadata("DC", "date", dossier.date)
    _add_accessibility_metadata(book, dossier)

    css = epub.EpubItem(uid="style", file_name="styles/book.css", media_type="text/css", content=_stylesheet().encode())
    book.add_item(css)
    for font in sorted((styles_dir() / "fonts").glob("*.ttf")):
        book.add_item(
            epub.EpubItem(uid=f"font-{font.stem}", file_name=f"styles/fonts/{font.name}", media_type="font/ttf", content=font.read_bytes())
        )

    media = _MediaFiles(book)
    target = Target(
        href_for=lambda slug: f"{slug}.xhtml",
        media_href=media.href,
        epub=True,
        link_map=build_link_map(dossier),
    )
    spine: list = []
    toc: list = []

    def add_page(slug: str, title: str, body: str, language: str) -> epub.EpubItem:
        content = render_document(body, title, language, ("styles/book.css",))
        item = epub.EpubItem(
            uid=f"doc-{slug}", file_name=f"{slug}.xhtml", media_type="application/xhtml+xml", content=content.encode("utf-8")
        )
        book.add_item(item)
        spine.append(item)
        return item

    add_page("title-page", dossier.title, render_title_page(dossier, target), dossier.language)
    spine.insert(0, "nav")
    for page in dossier.front_matter:
        add_page(page.slug, page.title, render_text_page(page, dossier, target), dossier.language)
        toc.append(epub.Link(f"{page.slug}.xhtml", page.title, page.slug))
    for section in dossier.sections:
        add_page(section.slug, section.title, render_section(section, dossier, target), dossier.language)
        links = []
        for piece in section.pieces:
            add_page(piece.slug, piece.title, render_piece(piece, dossier, target), dossier.language)
            links.append(epub.Link(f"{piece.slug}.xhtml", piece.title, piece.slug))
        toc.append((epub.Section(section.title, f"{section.slug}.xhtml"), links))
    for page in dossier.back_matter:
        add_page(page.slug, page.title, render_text_page(page, dossier, target), dossier.language)
        toc.append(epub.Link(f"{page.slug}.xhtml", page.title, page.slug))
    add_page(
        "colophon", labels_for(dossier.language)["sources"], render_colophon(dossier, target, moment.date().isoformat()), dossier.language
    )
    toc.append(epub.Link("colophon.xhtml", labels_for(dossier.language)["sources"], "colophon"))

    book.toc = toc
    book.spine = spine
    book.add_item(epub.EpubNcx())
    nav = epub.EpubNav(direction=dossier.direction)
    nav.add_item(css)
    book.add_item(nav)
    first_piece = dossier.pieces[0].slug if dossier.pieces else "colophon"
    book.guide = [
        {"type": "toc", "href": "nav.xhtml", "title": labels_for(dossier.language)["contents"]},
        {"type": "text", "href": f"{first_piece}.xhtml", "title": dossier.pieces[0].title if dossier.pieces else dossier.title},
    ]

    buffer = io.BytesIO()
    try:
        ok = epub.write_epub(buffer, book, {"mtime": moment, "raise_exceptions": True, "epub3_pages": False})
    except Exception as exc:  # ebooklib raises bare exceptions; give them context
        raise ExportError(f"ebooklib could not write the EPUB: {exc}") from exc
    if ok is False:
        raise ExportError("ebooklib reported a failure writing the EPUB")
    out.write_bytes(repack(buffer.getvalue(), dossier, moment))


def _all_rtl(dossier: Dossier) -> bool:
    """RTL page progression only when the dossier and every piece are right-to-left."""
    return dossier.direction == "rtl" and all(p.direction == "rtl" for p in dossier.pieces)


def _stylesheet() -> str:
    common = (styles_dir() / "common.css").read_text(encoding="utf-8")
    return common + "\n" + (styles_dir() / "epub.css").read_text(encoding="utf-8")


def _add_accessibility_metadata(book: epub.EpubBook, dossier: Dossier) -> None:
    has_images = any(f.image for p in dossier.pieces for f in p.figures)
    modes = ["textual"] + (["visual"] if has_images else [])
    for mode in modes:
        book.add_metadata(None, "meta", mode, {"property": "schema:accessMode"})
    book.add_metadata(None, "meta", "textual", {"property": "schema:accessModeSufficient"})
    features = ["structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability"]
    if has_images:
        features.append("alternativeText")
    for feature in features:
        book.add_metadata(None, "meta", feature, {"property": "schema:accessibilityFeature"})
    book.add_metadata(None, "meta", "none", {"property": "schema:accessibilityHazard"})
    summary = "Articles with headings, a table of contents and a list of sources. " + (
        "Every image has a text alternative and a caption." if has_images else "No images."
    )
    book.add_metadata(None, "meta", summary, {"property": "schema:accessibilitySummary"})


class _MediaFiles:
    """Adds each figure's image to the book once, by content hash."""

    def __init__(self, book: epub.EpubBook) -> None:
        self.book = book
        self.names: dict[str, str] = {}

    def href(self, figure: Figure) -> str | None:
        """Run the image through the edition's image policy (size, format, no metadata); None omits it."""
        from bundler.images import active_session

        prepared = active_session("epub").prepare(figure)
        if prepared is None:
            return None
        digest = prepared.sha256  # identical images across pieces are stored once
        if digest not in self.names:
            name = f"media/{digest[:16]}{prepared.suffix}"
            self.book.add_item(
                epub.EpubItem(uid=f"img-{digest[:16]}", file_name=name, media_type=prepared.media_type, content=prepared.data)
            )
            self.names[digest] = name
        return self.names[digest]


def repack(data: bytes, dossier: Dossier, moment) -> bytes:
    """Rewrite the zip reproducibly: mimetype first and stored, fixed order and times.

    Also fixes the OPF: drops ebooklib's generator meta (it embeds a version) and adds
    ``package/@xml:lang`` (Ace's epub-lang rule; ebooklib never writes it).
    """
    source = zipfile.ZipFile(io.BytesIO(data))
    entries = {info.filename: source.read(info.filename) for info in source.infolist()}
    entries.pop("mimetype", None)
    for name in list(entries):
        if name.endswith(".opf"):
            entries[name] = _fix_opf(entries[name], dossier, moment)
    out = io.BytesIO()
    stamp = zip_date_time(moment)
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(_zipinfo("mimetype", stamp, zipfile.ZIP_STORED), b"application/epub+zip")
        order = sorted(entries, key=lambda n: (n != "META-INF/container.xml", not n.endswith(".opf"), n))
        for name in order:
            archive.writestr(_zipinfo(name, stamp, zipfile.ZIP_DEFLATED), entries[name])
    return out.getvalue()


def _zipinfo(name: str, stamp, compression: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=stamp)
    info.compress_type = compression
    info.external_attr = 0o644 << 16
    info.create_system = 3
    return info


def _fix_opf(raw: bytes, dossier: Dossier, moment) -> bytes:
    root = etree.fromstring(raw)
    root.set("{http://www.w3.org/XML/1998/namespace}lang", dossier.language)
    if dossier.direction == "rtl" and _all_rtl(dossier):
        root.set("dir", "rtl")
    for meta in root.iter(f"{{{_OPF_NS}}}meta"):
        if meta.get("name") == "generator":
            meta.getparent().remove(meta)
        elif meta.get("property") == "dcterms:modified":
            meta.text = iso_seconds(moment)
    text = etree.tostring(root, encoding="utf-8", xml_declaration=True, pretty_print=True)
    return re.sub(rb"\n\s*\n", b"\n", text)


FORMATS = {
    "epub": Format(write=write_epub, suffix=".epub", media_type="application/epub+zip", description="EPUB 3 for e-readers and phones"),
}

_ = ebooklib  # the package import keeps ebooklib's constants available to helpers
