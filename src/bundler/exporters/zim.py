"""ZIM edition for Kiwix and Internet-in-a-Box: the dossier as a small offline web site in one file.

Offline libraries in low-connectivity places already run Kiwix; a ZIM file drops into them.
It is written with ``libzim`` (openZIM's own writer), an optional extra: ``pip install
'bundler[zim]'``. libzim is GPL-3.0-or-later, so it stays out of bundler's default (MIT)
install; without it the ``zim`` format is an error that names the extra (E450).

The file holds the metadata Kiwix requires (Name, Title of at most 30 characters, Description
of at most 80, Language in ISO 639-3, Creator, Publisher, Date, a 48x48 PNG illustration
made from the cover), the dossier's title page and contents as the main page, one article
per piece (and per section opener, front and back page, and the sources), rendered by the
same XHTML renderer as the EPUB, the images under the edition's image policy, and a
full-text index. Links out of the dossier are turned into plain text that shows their
address: a Kiwix reader is offline, and a live external link only fails.

libzim gives each file a random UUID (and each of its two Xapian indexes another), and Python
cannot set them; ``zim_identity.pin_identifiers`` replaces them afterwards by UUIDs derived from
the file's content and rewrites the checksum, so two builds of the same dossier write the
same bytes.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import regex
from lxml import etree

from bundler.clock import build_time
from bundler.errors import ExportError, Report
from bundler.exporters import Format
from bundler.exporters.context import BuildContext
from bundler.exporters.zim_identity import pin_identifiers
from bundler.images.session import ImageSession
from bundler.model import Dossier, Edition, Figure
from bundler.render.cover import cover_jpeg
from bundler.render.fonts import keep_font_faces
from bundler.render.reading_order import reading_order, table_of_contents
from bundler.render.xhtml import (
    Target,
    build_link_map,
    labels_for,
    render_colophon,
    render_document,
    render_template,
    render_title_page,
)
from bundler.resources import styles_dir
from bundler.text.bidi import wrap_document
from bundler.text.plain import direction_of

XHTML = "http://www.w3.org/1999/xhtml"
CSS_PATH = "styles/book.css"
MAIN_PATH = "index"
_SOURCES = "sources"
TITLE_LIMIT, DESCRIPTION_LIMIT = 30, 80  # Kiwix's limits, in characters (zimcheck enforces them)


@dataclass(frozen=True)
class Article:
    """One HTML page of the ZIM: its path (no extension), title and document."""

    path: str
    title: str
    html: bytes
    front: bool = True  # listed and searchable as an article in Kiwix


def write_zim(dossier: Dossier, edition: Edition, out: Path, ctx: BuildContext) -> None:
    """Write the dossier as a ZIM file at ``out``."""
    libzim = _libzim()
    report = ctx.report
    media = _Media(ctx.images)
    articles = _articles(dossier, media, report)
    language = zim_languages(dossier)
    try:
        with (
            _quiet_stdout(),
            libzim.Creator(str(out)).config_verbose(False).config_nbworkers(1).config_indexing(True, language.split(",")[0]) as creator,
        ):
            creator.set_mainpath(articles[0].path)
            for name, value in zim_metadata(dossier).items():
                creator.add_metadata(name, value)
            creator.add_metadata("Language", language)
            creator.add_illustration(48, illustration(cover_jpeg(dossier, report)))
            creator.add_item(_item(libzim, CSS_PATH, "", "text/css", _stylesheet().encode("utf-8"), front=False))
            for article in articles:
                creator.add_item(_item(libzim, article.path, article.title, "text/html", article.html, front=article.front))
            for path, (media_type, data) in media.files.items():
                creator.add_item(_item(libzim, path, "", media_type, data, front=False))
        pin_identifiers(out)  # libzim's random UUIDs, replaced by content-derived ones: same dossier, same bytes
    except (RuntimeError, ValueError, OSError) as exc:  # libzim reports its failures as these
        raise ExportError(
            f"libzim could not write the ZIM file: {exc}", code="E451", hint="check the free space where the build writes"
        ) from exc


@contextlib.contextmanager
def _quiet_stdout() -> Iterator[None]:
    """Send file descriptor 1 to /dev/null while libzim writes: its C++ writer prints progress lines
    ("Resolve redirect", "set index") to standard output whatever ``config_verbose`` says, and
    library code must not print (the CLI draws its own progress)."""
    sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:  # no standard output at all: nothing to protect
        yield
        return
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def _libzim():
    """libzim's writer module, or the error that says how to install it."""
    try:
        import libzim.writer as writer
    except ImportError as exc:
        raise ExportError(
            "the zim edition needs the optional 'libzim' package, which is not installed",
            code="E450",
            hint="install it with: pip install 'bundler[zim]' (libzim is GPL-3.0-or-later, so it is not installed by default)",
        ) from exc
    return writer


def zim_metadata(dossier: Dossier) -> dict[str, str]:
    """Kiwix's mandatory metadata (but Language and the illustration) and a few it shows in its library."""
    description = dossier.description or dossier.subtitle or dossier.title
    metadata = {
        "Name": f"bundler_{dossier.slug}",
        "Title": shorten(dossier.title, TITLE_LIMIT),
        "Description": shorten(description, DESCRIPTION_LIMIT),
        "Creator": ", ".join(dossier.editors) or dossier.publisher or "bundler",
        "Publisher": dossier.publisher or "bundler",
        "Date": build_time(dossier.date).date().isoformat(),
        "Tags": ";".join(dossier.subjects) or "dossier",
        "Scraper": "bundler",
    }
    if len(description) > DESCRIPTION_LIMIT:
        metadata["LongDescription"] = shorten(description, 4000)
    return metadata


def zim_languages(dossier: Dossier) -> str:
    """ISO 639-3 codes of the dossier's language and then its pieces' others, comma-separated (Kiwix's form)."""
    import langcodes

    tags = [dossier.language, *(p.language for p in dossier.pieces if p.language)]
    codes = []
    for tag in tags:
        try:
            codes.append(langcodes.Language.get(tag).to_alpha3())
        except (LookupError, ValueError):
            continue
    return ",".join(dict.fromkeys(codes)) or "eng"


def shorten(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` code points, cut at a word with an ellipsis when longer.

    Kiwix counts graphemes; counting code points is stricter, and the cut never splits a
    grapheme (an Arabic letter keeps its vowel marks).
    """
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = ""
    for grapheme in regex.findall(r"\X", text):
        if len(cut) + len(grapheme) > limit - 1:
            break
        cut += grapheme
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,.;:،") + "…"


def illustration(cover: bytes) -> bytes:
    """The 48x48 PNG Kiwix shows in its library: the middle square of the cover."""
    from PIL import Image

    with Image.open(io.BytesIO(cover)) as image:
        side = min(image.size)
        left, top = (image.width - side) // 2, (image.height - side) // 2
        square = image.convert("RGB").crop((left, top, left + side, top + side)).resize((48, 48), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    square.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _articles(dossier: Dossier, media: _Media, report: Report) -> list[Article]:
    """Main page (first), then every page in reading order, each an HTML document in its own language."""
    target = Target(href_for=lambda slug: slug, media_href=media.href, link_map=build_link_map(dossier))
    labels = labels_for(dossier.language)
    pages = [(entry.slug, entry.title, entry.language(dossier), entry.render(dossier, target)) for entry in reading_order(dossier)]
    toc = [
        {"href": line.slug, "title": line.title, "children": [{"href": c.slug, "title": c.title} for c in line.children]}
        for line in table_of_contents(dossier)
    ]
    sources = _SOURCES if _SOURCES not in {path for path, *_ in pages} else f"{_SOURCES}_"
    pages.append(
        (sources, labels["sources"], dossier.language, render_colophon(dossier, target, build_time(dossier.date).date().isoformat()))
    )
    toc.append({"href": sources, "title": labels["sources"], "children": []})
    main = render_title_page(dossier, target) + render_template("zim-contents.xhtml.j2", toc=toc, labels=labels)
    main_path = MAIN_PATH if MAIN_PATH not in {path for path, *_ in pages} else f"{MAIN_PATH}_"  # a piece may be called "index"
    articles = [Article(main_path, dossier.title, html_document(main, dossier.title, dossier.language, dossier), front=False)]
    articles += [Article(path, title, html_document(body, title, language, dossier)) for path, title, language, body in pages]
    return articles


def html_document(body: str, title: str, language: str, dossier: Dossier) -> bytes:
    """A complete HTML5 page: bidi runs wrapped as in the EPUB, links out of the dossier made plain text."""
    latin = dossier.language if direction_of(dossier.language) == "ltr" else "en"
    try:
        root = etree.fromstring(wrap_document(render_document(body, title, language, (CSS_PATH,)).encode("utf-8"), latin))
    except etree.XMLSyntaxError as exc:
        raise ExportError(f"page {title!r} is not well-formed XHTML: {exc.msg}", code="E405", hint="fix the text of that page") from exc
    unlink_external(root)
    return b"<!DOCTYPE html>\n" + etree.tostring(_as_html(root), method="html", encoding="utf-8")


def _as_html(root: etree._Element) -> etree._Element:
    """The same tree without the XHTML namespace, so the HTML serialiser writes void elements as HTML (``<meta ...>``)."""
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.startswith(f"{{{XHTML}}}"):
            element.tag = element.tag[len(XHTML) + 2 :]
        for name in [n for n in element.attrib if n.startswith("{")]:  # xml:lang -> lang already set; epub:type has no place
            value = element.attrib.pop(name)
            if name.endswith("}lang"):
                element.set("lang", value)
    etree.cleanup_namespaces(root)
    return root


def unlink_external(root: etree._Element) -> None:
    """``<a href="https://…">text</a>`` becomes ``<span class="offline-link" title="https://…">text</span>`` (+ the address)."""
    for link in list(root.iter(f"{{{XHTML}}}a")):
        href = (link.get("href") or "").strip()
        if not _is_external(href):
            continue
        text = "".join(link.itertext()).strip()
        link.tag = f"{{{XHTML}}}span"
        for name in list(link.attrib):
            del link.attrib[name]
        link.set("class", "offline-link")
        link.set("title", href)
        if href.split("://", 1)[-1].rstrip("/") not in text:
            address = etree.SubElement(link, f"{{{XHTML}}}span", {"class": "offline-address", "dir": "ltr"})
            address.text = f" ({href})"


def _is_external(href: str) -> bool:
    return href.startswith("//") or bool(regex.match(r"[\p{L}][\p{L}\p{N}+.-]*:", href))


def _stylesheet() -> str:
    """common.css without @font-face (Kiwix readers use the system's fonts) and epub.css (reader-friendly)."""
    common = (styles_dir() / "common.css").read_text(encoding="utf-8")
    return keep_font_faces(common, ()) + "\n" + (styles_dir() / "epub.css").read_text(encoding="utf-8")


class _Media:
    """Each figure's image prepared under the edition's policy, stored once by content hash."""

    def __init__(self, images: ImageSession) -> None:
        self.images = images
        self.files: dict[str, tuple[str, bytes]] = {}

    def href(self, figure: Figure) -> str | None:
        prepared = self.images.prepare(figure)
        if prepared is None:
            return None
        path = f"media/{prepared.sha256[:16]}{prepared.suffix}"
        self.files.setdefault(path, (prepared.media_type, prepared.data))
        return path


def _item(libzim, path: str, title: str, mimetype: str, data: bytes, front: bool):
    """A libzim item holding ``data`` (defined here so libzim is imported only when a ZIM is written)."""

    class _Item(libzim.Item):
        def get_path(self) -> str:
            return path

        def get_title(self) -> str:
            return title

        def get_mimetype(self) -> str:
            return mimetype

        def get_contentprovider(self):
            return libzim.StringProvider(data)

        def get_hints(self) -> dict:
            return {libzim.Hint.FRONT_ARTICLE: front, libzim.Hint.COMPRESS: not mimetype.startswith("image/")}

    return _Item()


FORMATS = {
    "zim": Format(
        write=write_zim,
        suffix=".zim",
        media_type="application/x-zim",
        description="ZIM file for Kiwix and Internet-in-a-Box (needs the optional 'bundler[zim]' extra)",
    ),
}
