"""EPUB 3 edition, written with ebooklib and then pinned down for reproducibility.

ebooklib's defaults fight reproducible output (random identifier, wall-clock times,
generator meta with its version, swallowed write errors, its own nav and cover page);
they are all pinned here and nowhere else (OUTPUT-QUALITY §1, §7). Every page is rendered
by ``render.py``, then mixed-direction runs are wrapped (``bidi.py``); the fonts are
subset to the book's text (``fonts.py``) and the cover comes from ``cover.py``.

File names are stable as a dossier grows: a piece's file is its slug, images are named
by content hash, and nothing is numbered by position, so readers keep their place.
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ebooklib import epub
from lxml import etree

from bundler.clock import build_time, iso_seconds, zip_date_time
from bundler.errors import ExportError, Report
from bundler.exporters import Format
from bundler.exporters.context import BuildContext
from bundler.exporters.epub_pages import PageMemo
from bundler.exporters.kindle import report_kindle_limits
from bundler.images.policy import EPUB_POLICY
from bundler.images.prepare import PreparedImage
from bundler.images.session import ImageSession
from bundler.model import Dossier, Edition, Figure
from bundler.render.assets import common_stylesheet
from bundler.render.cover import cover_alt
from bundler.render.cover_cache import cached_cover_jpeg
from bundler.render.fonts import EmbeddedFont, subset_fonts
from bundler.render.glyph_coverage import report_missing_glyphs
from bundler.render.printed_runs import replace_undrawable
from bundler.render.reading_order import reading_order, table_of_contents
from bundler.render.script_subsets import script_stylesheet, subset_script_faces
from bundler.render.xhtml import (
    Target,
    build_link_map,
    labels_for,
    render_colophon,
    render_cover_page,
    render_document,
    render_nav,
    render_title_page,
)
from bundler.resources import styles_dir
from bundler.text.bidi import wrap_document
from bundler.text.plain import direction_of

_OPF_NS = "http://www.idpf.org/2007/opf"
_NCX_NS = "http://www.daisy.org/z3986/2005/ncx/"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_CSS = "styles/book.css"
_CONTENT_DIR = "EPUB"  # where ebooklib puts the book's files inside the zip
#: Pages the exporter makes itself; a dossier slug that takes one of these names keeps it.
_GENERATED = ("cover", "title-page", "nav", "colophon")


@dataclass
class _Page:
    """One XHTML file of the book, in spine order."""

    name: str  # file name without .xhtml
    title: str
    language: str
    body: str
    body_class: str = ""
    stored: bytes | None = None  # the finished page, found in the build's cache (``epub_pages``)

    def render(self, latin_language: str) -> bytes:
        """The complete document, with lang/xml:lang/dir and mixed runs wrapped."""
        document = render_document(self.body, self.title, self.language, (_CSS,), self.body_class)
        try:
            return wrap_document(document.encode("utf-8"), latin_language)
        except etree.XMLSyntaxError as exc:  # pieces are checked before the build writes; this names any other page
            raise ExportError(
                f"page {self.name}.xhtml ({self.title!r}) is not well-formed XHTML: {exc.msg}",
                code="E405",
                hint="fix the text of that page",
            ) from exc


#: A transformation of one page's finished XHTML document: ``(file name without .xhtml, bytes) -> bytes``.
PageTransform = Callable[[str, bytes], bytes]


def write_epub(dossier: Dossier, edition: Edition, out: Path, ctx: BuildContext, transform_page: PageTransform | None = None) -> None:
    """Write the dossier as an EPUB 3 file at ``out``.

    ``transform_page`` is the seam for a format that changes the book's documents (a KEPUB's
    spans): it gets each spine page's complete XHTML, after rendering and before the fonts are
    subset to the text, and returns the document to ship. The navigation document is not passed.
    """
    report_missing_glyphs(dossier, ctx.report, ctx.glyphs)
    moment = build_time(dossier.date)
    names = _generated_names(dossier)
    book = _new_book(dossier)
    media = _MediaFiles(book, ctx.images)
    target = Target(href_for=lambda slug: f"{slug}.xhtml", media_href=media.href, epub=True, link_map=build_link_map(dossier))

    with_cover = ctx.policy.include  # the image policy "none" (epub-text): not even a cover image ships
    if with_cover:
        book.set_cover("cover.jpg", cached_cover_jpeg(dossier, ctx.report, ctx.cache), create_page=False)
    latin = dossier.language if direction_of(dossier.language) == "ltr" else "en"
    memo = PageMemo(ctx.cache, dossier, latin)  # pieces' pages unchanged since the last build come from the cache
    pages = _pages(dossier, target, names, moment.date().isoformat(), with_cover, memo)
    toc, landmarks = _navigation(dossier, names, with_cover)
    nav = _Page(names["nav"], labels_for(dossier.language)["contents"], dossier.language, render_nav(toc, landmarks, dossier))
    documents = {page.name: page.stored if page.stored is not None else _drawable(page.render(latin)) for page in pages}
    for name, document in documents.items():
        memo.store(name, document)
    if transform_page is not None:
        documents = {name: transform_page(name, document) for name, document in documents.items()}
    nav_document = nav.render(latin)

    text = "".join(d.decode("utf-8") for d in documents.values()) + nav_document.decode("utf-8")
    fonts = subset_fonts(text, ctx.cache)
    script_fonts = subset_script_faces([*documents.values(), nav_document], ctx.cache)
    stylesheet = script_stylesheet(_stylesheet(fonts), script_fonts)
    book.add_item(epub.EpubItem(uid="style", file_name=_CSS, media_type="text/css", content=stylesheet.encode("utf-8")))
    for font in fonts:
        stem = font.face.file_name.rsplit(".", 1)[0]
        book.add_item(
            epub.EpubItem(uid=f"font-{stem}", file_name=f"styles/fonts/{font.face.file_name}", media_type="font/ttf", content=font.data)
        )
    for font in script_fonts:  # CJK and other scripts the project's fonts lack
        stem = font.face.file_name.rsplit(".", 1)[0]
        book.add_item(
            epub.EpubItem(
                uid=f"font-{stem}", file_name=f"styles/fonts/{font.face.file_name}", media_type=font.face.media_type, content=font.data
            )
        )

    spine: list = []
    for page in pages:
        item = epub.EpubItem(
            uid=f"doc-{page.name}", file_name=f"{page.name}.xhtml", media_type="application/xhtml+xml", content=documents[page.name]
        )
        book.add_item(item)
        spine.append(item)
        if page.name == names["title-page"]:
            nav_item = epub.EpubNav(uid="nav", file_name=f"{names['nav']}.xhtml")
            book.add_item(nav_item)
            spine.append(nav_item)
    book.spine = spine
    book.toc = _ncx_toc(toc)
    book.add_item(epub.EpubNcx())
    book.guide = [{"type": m["guide"], "href": m["href"], "title": m["title"]} for m in landmarks if m.get("guide")]
    _add_accessibility_metadata(book, dossier, ctx.report, visual=with_cover or bool(media.names))
    repack(_write(book, nav_document), dossier, moment, out, media.images)
    report_kindle_limits(dossier, edition, out, ctx.report)  # Send-to-Kindle: language and e-mail size (exporters/kindle.py)


def _generated_names(dossier: Dossier) -> dict[str, str]:
    """File names of the exporter's own pages; a clash with a dossier slug gets a suffix a slug cannot have."""
    taken = {p.slug for p in dossier.pieces} | {s.slug for s in dossier.sections}
    taken |= {p.slug for p in (*dossier.front_matter, *dossier.back_matter)}
    return {name: (f"{name}_" if name in taken else name) for name in _GENERATED}


def _new_book(dossier: Dossier) -> epub.EpubBook:
    """An ebooklib book with the dossier's metadata; identifier and direction pinned."""
    book = epub.EpubBook()
    book.set_identifier(dossier.identifier)
    book.set_title(dossier.title)
    book.set_language(dossier.language)
    book.set_direction("rtl" if _all_rtl(dossier) else "ltr")
    for number, editor in enumerate(dossier.editors, start=1):
        book.add_author(editor, uid=f"creator-{number}")  # ebooklib's default uid repeats (duplicate id)
    for name, value in (("publisher", dossier.publisher), ("description", dossier.description), ("rights", dossier.rights)):
        if value:
            book.add_metadata("DC", name, value)
    for subject in dossier.subjects:
        book.add_metadata("DC", "subject", subject)
    if dossier.date:
        book.add_metadata("DC", "date", dossier.date.split("/")[0])  # a range: its start (OPF-053)
    return book


def _pages(
    dossier: Dossier, target: Target, names: dict[str, str], build_date: str, with_cover: bool = True, memo: PageMemo | None = None
) -> list[_Page]:
    """Every XHTML page in reading order, each in its own language (a piece's from ``memo`` when it is there)."""
    language, labels = dossier.language, labels_for(dossier.language)
    pages = [_Page(names["cover"], labels["cover"], language, render_cover_page("cover.jpg", cover_alt(dossier)), "cover-page")]
    pages = pages if with_cover else []
    pages.append(_Page(names["title-page"], dossier.title, language, render_title_page(dossier, target)))
    for entry in reading_order(dossier):
        stored, scoped = memo.find(entry, target) if memo is not None else (None, target)
        body = "" if stored is not None else entry.render(dossier, scoped)
        pages.append(_Page(entry.slug, entry.title, entry.language(dossier), body, stored=stored))
    pages.append(_Page(names["colophon"], labels["sources"], language, render_colophon(dossier, target, build_date)))
    return pages


def _navigation(dossier: Dossier, names: dict[str, str], with_cover: bool = True) -> tuple[list[dict], list[dict]]:
    """The table of contents (sections with their pieces) and the landmarks, in spine order."""
    labels = labels_for(dossier.language)
    toc = [
        {"href": f"{e.slug}.xhtml", "title": e.title, "children": [{"href": f"{c.slug}.xhtml", "title": c.title} for c in e.children]}
        for e in table_of_contents(dossier)
    ]
    toc.append({"href": f"{names['colophon']}.xhtml", "title": labels["sources"], "children": []})
    if dossier.pieces:
        start = {"href": f"{dossier.pieces[0].slug}.xhtml", "title": dossier.pieces[0].title}
    else:
        start = {"href": toc[0]["href"], "title": toc[0]["title"]}
    cover = [{"type": "cover", "guide": "cover", "href": f"{names['cover']}.xhtml", "title": labels["cover"]}] if with_cover else []
    landmarks = cover + [
        {"type": "titlepage", "guide": "title-page", "href": f"{names['title-page']}.xhtml", "title": labels["title_page"]},
        {"type": "toc", "guide": "toc", "href": f"{names['nav']}.xhtml", "title": labels["contents"]},
        {"type": "bodymatter", "guide": "text", **start},
    ]
    return toc, landmarks


def _ncx_toc(toc: list[dict]) -> list:
    """The same table of contents for ebooklib's NCX (EPUB 2 readers); no empty sections (E1.10)."""
    entries: list = []
    for entry in toc:
        uid = entry["href"].removesuffix(".xhtml")
        if entry["children"]:
            links = [epub.Link(c["href"], c["title"], c["href"].removesuffix(".xhtml")) for c in entry["children"]]
            entries.append((epub.Section(entry["title"], entry["href"]), links))
        else:
            entries.append(epub.Link(entry["href"], entry["title"], uid))
    return entries


def _all_rtl(dossier: Dossier) -> bool:
    """RTL page progression only when the dossier and every piece are right-to-left (E4.4)."""
    return dossier.direction == "rtl" and all(p.direction == "rtl" for p in dossier.pieces)


def _drawable(document: bytes) -> bytes:
    """A page with each character no face has shown as U+FFFD, not an empty box (reported as W310)."""
    return replace_undrawable(document.decode("utf-8")).encode("utf-8")


def _stylesheet(fonts: tuple[EmbeddedFont, ...]) -> str:
    """common.css (with @font-face only for the fonts shipped) followed by epub.css."""
    return common_stylesheet(fonts) + "\n" + (styles_dir() / "epub.css").read_text(encoding="utf-8")


def _missing_alt(dossier: Dossier) -> list[str]:
    """Figures whose image will be shown but which have neither alt text nor a caption to stand in."""
    return [f"{p.slug}: {f.image.path}" for p in dossier.pieces for f in p.figures if f.image and f.image.path and not (f.alt or f.caption)]


def _add_accessibility_metadata(book: epub.EpubBook, dossier: Dossier, report: Report, visual: bool = True) -> None:
    """Schema.org accessibility metadata (E3.1, E3.2); no conformance claim, since nobody audited it (E3.3)."""
    missing = _missing_alt(dossier)
    for figure in missing:
        report.warn(f"image without alt text or caption: {figure}", "W420", hint="add alt text to the figure")
    for mode in ("textual", "visual") if visual else ("textual",):  # a cover or any figure makes the book visual
        book.add_metadata(None, "meta", mode, {"property": "schema:accessMode"})
    for sufficient in (["textual,visual"] if visual else []) + ([] if missing else ["textual"]):
        book.add_metadata(None, "meta", sufficient, {"property": "schema:accessModeSufficient"})
    features = ["structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability"]
    features += ["alternativeText"] if visual and not missing else []
    for feature in features:
        book.add_metadata(None, "meta", feature, {"property": "schema:accessibilityFeature"})
    book.add_metadata(None, "meta", "none", {"property": "schema:accessibilityHazard"})
    summary = "Articles with headings, a table of contents, footnotes linked both ways and a list of sources; text can be resized. " + (
        "Every image has a text alternative." if not missing else "Some images lack a text alternative."
    )
    book.add_metadata(None, "meta", summary, {"property": "schema:accessibilitySummary"})


class _Writer(epub.EpubWriter):
    """ebooklib's writer with our own navigation document instead of its generated one."""

    def __init__(self, out: io.BytesIO, book: epub.EpubBook, nav: bytes) -> None:
        # compresslevel 0: this zip is only read back by repack(), which compresses each entry as it should be
        super().__init__(out, book, {"raise_exceptions": True, "epub3_pages": False, "epub3_landmark": False, "compresslevel": 0})
        self.nav = nav

    def _get_nav(self, item: epub.EpubNav) -> bytes:
        return self.nav


def _write(book: epub.EpubBook, nav: bytes) -> bytes:
    """Run ebooklib's writer into memory; its errors become ExportError, never a silent False."""
    buffer = io.BytesIO()
    writer = _Writer(buffer, book, nav)
    try:
        writer.process()
        writer.write()
    except Exception as exc:  # ebooklib raises bare exceptions; give them context
        raise ExportError(f"ebooklib could not write the EPUB: {exc}", code="E400") from exc
    return buffer.getvalue()


class _MediaFiles:
    """Adds each figure's image to the book once, by content hash.

    ebooklib gets an empty placeholder for each image; ``repack`` puts the prepared bytes in
    the final zip, streamed from the image cache. A 200-piece book's 72 MB of photos are no
    longer held and copied in memory four times over (ebooklib's item, its zip, the repack's
    entries and its output).
    """

    def __init__(self, book: epub.EpubBook, images: ImageSession) -> None:
        self.book = book
        self.session = images
        self.names: dict[str, str] = {}
        self.images: dict[str, ImagePayload] = {}  # zip entry name -> what fills it

    def href(self, figure: Figure) -> str | None:
        """Run the image through the edition's image policy (size, format, no metadata); None omits it."""
        prepared = self.session.prepare(figure)
        if prepared is None:
            return None
        digest = prepared.sha256  # identical images across pieces are stored once
        if digest not in self.names:
            name = f"media/{digest[:16]}{prepared.suffix}"
            self.book.add_item(epub.EpubItem(uid=f"img-{digest[:16]}", file_name=name, media_type=prepared.media_type, content=b""))
            self.names[digest] = name
            self.images[f"{_CONTENT_DIR}/{name}"] = ImagePayload.of(prepared)
        return self.names[digest]


@dataclass(frozen=True)
class ImagePayload:
    """An image's bytes for the zip: its cache file (nothing held in memory) or, without one, the bytes."""

    path: Path | None
    size: int
    data: bytes = b""

    @classmethod
    def of(cls, prepared: PreparedImage) -> ImagePayload:
        return cls(prepared.path, len(prepared.data)) if prepared.path else cls(None, len(prepared.data), prepared.data)


def repack(data: bytes, dossier: Dossier, moment, out: Path, images: Mapping[str, ImagePayload] | None = None) -> None:
    """Write the final zip at ``out`` reproducibly: mimetype first and stored, fixed order and times.

    ``data`` is ebooklib's zip; ``images`` fill its empty image placeholders (streamed from
    their files when they have one). Also fixes the OPF: drops ebooklib's generator meta (it
    embeds a version), sets ``dcterms:modified`` from the build time and adds
    ``package/@xml:lang`` (Ace's epub-lang rule; ebooklib never writes it); and gives the NCX
    its language.
    """
    images = images or {}
    source = zipfile.ZipFile(io.BytesIO(data))
    entries = {info.filename: source.read(info.filename) for info in source.infolist()}
    if len(entries) != len(source.infolist()):
        raise ExportError("the EPUB would contain two files with the same name", code="E401")  # E1.11
    if set(images) - set(entries):
        raise ExportError(f"images without a place in the EPUB: {sorted(set(images) - set(entries))[:3]}", code="E402")
    entries.pop("mimetype", None)
    for name in list(entries):
        if name.endswith(".opf"):
            entries[name] = _fix_opf(entries[name], dossier, moment)
        elif name.endswith(".ncx"):
            entries[name] = _fix_ncx(entries[name], dossier)
    stamp = zip_date_time(moment)
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(_zipinfo("mimetype", stamp, zipfile.ZIP_STORED), b"application/epub+zip")
        order = sorted(entries, key=lambda n: (n != "META-INF/container.xml", not n.endswith(".opf"), n))
        for name in order:
            info = _zipinfo(name, stamp, _compression_for(name))
            if name in images:
                _write_image(archive, info, images[name])
            else:
                archive.writestr(info, entries[name])


def _write_image(archive: zipfile.ZipFile, info: zipfile.ZipInfo, image: ImagePayload) -> None:
    """One prepared image into the zip, from its cache file in chunks when it has one."""
    if image.path is None:
        archive.writestr(info, image.data)
        return
    info.file_size = image.size
    with image.path.open("rb") as stream, archive.open(info, "w") as entry:
        shutil.copyfileobj(stream, entry, 1 << 20)
        if stream.tell() != image.size:  # the cache file was changed under us: never ship a wrong image
            raise ExportError(f"prepared image {image.path} changed while the EPUB was written", code="E403", hint="build again")


def _compression_for(name: str) -> int:
    """Photos are already compressed: deflating them again costs seconds per rebuild and saves ~1%."""
    return zipfile.ZIP_STORED if name.lower().endswith((".jpg", ".jpeg", ".png", ".gif", ".webp")) else zipfile.ZIP_DEFLATED


def _zipinfo(name: str, stamp, compression: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=stamp)
    info.compress_type = compression
    info.external_attr = 0o644 << 16
    info.create_system = 3
    return info


def _fix_opf(raw: bytes, dossier: Dossier, moment) -> bytes:
    root = etree.fromstring(raw)
    root.set(_XML_LANG, dossier.language)
    if _all_rtl(dossier):
        root.set("dir", "rtl")
    for meta in root.iter(f"{{{_OPF_NS}}}meta"):
        if meta.get("name") == "generator":
            meta.getparent().remove(meta)
        elif meta.get("property") == "dcterms:modified":
            meta.text = iso_seconds(moment)
    text = etree.tostring(root, encoding="utf-8", xml_declaration=True, pretty_print=True)
    return re.sub(rb"\n\s*\n", b"\n", text)


def _fix_ncx(raw: bytes, dossier: Dossier) -> bytes:
    """The NCX with its language, a ``playOrder`` on every entry and its real ``dtb:depth``.

    ebooklib writes neither (depth 0): Send-to-Kindle reads its table of contents from the NCX and
    rejects or flattens one without them (``tests/epub/kindle_rules.py`` checks every EPUB).
    """
    tree = etree.fromstring(raw).getroottree()
    tree.getroot().set(_XML_LANG, dossier.language)
    points = list(tree.iter(f"{{{_NCX_NS}}}navPoint"))
    for order, point in enumerate(points, start=1):
        point.set("playOrder", str(order))
    depth = max((sum(1 for a in point.iterancestors(f"{{{_NCX_NS}}}navPoint")) + 1 for point in points), default=1)
    for meta in tree.iter(f"{{{_NCX_NS}}}meta"):
        if meta.get("name") == "dtb:depth":
            meta.set("content", str(depth))
    return etree.tostring(tree, encoding="utf-8", xml_declaration=True, pretty_print=True)


FORMATS = {
    "epub": Format(
        write=write_epub,
        suffix=".epub",
        media_type="application/epub+zip",
        description="EPUB 3 for e-readers and phones",
        image_policy=EPUB_POLICY,
    ),
}
