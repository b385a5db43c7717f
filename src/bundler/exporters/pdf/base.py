"""What every PDF edition shares: its layout settings, its document, one WeasyPrint pass, its log.

Every PDF edition (print and phone in ``pdf``, booklet and archive in their own modules) is
one combined document (cover, contents, the dossier's reading order, colophon) styled by
``styles/common.css`` plus the edition's own stylesheets. WeasyPrint only *logs* many
problems; its log is captured, errors are raised and warnings reach the build report. This
is the base the parallel layout (``pdf_layout``, ``pdf_parts``, ``pdf_assembly``) and the
top (``pdf.render_pdf``) both stand on; it imports none of them.
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from functools import cache, partial
from pathlib import Path

from lxml import etree

from bundler.clock import build_time, iso_seconds
from bundler.errors import ExportError, Report
from bundler.exporters.pdf import leaders
from bundler.exporters.pdf.checksums import checksums_heading, hashed_files, render_checksums
from bundler.exporters.pdf.cjk_justify import enable_cjk_justification
from bundler.exporters.pdf.native import import_weasyprint
from bundler.exporters.pdf.resolution import image_placements
from bundler.exporters.pdf.urls import breakable_urls
from bundler.images.session import ImageSession
from bundler.manifest.editions import PAGE_SIZES as MANIFEST_PAGE_SIZES
from bundler.model import Dossier, Edition, Figure
from bundler.render.assets import cover_data_uri, inline_target
from bundler.render.glyph_coverage import CJK_COLLECTION, dossier_text, script_faces_for
from bundler.render.printed_runs import keep_korean_words, replace_undrawable
from bundler.render.reading_order import reading_order
from bundler.render.script_faces import ScriptFace, font_face_rules, name_families, system_script_faces
from bundler.render.xhtml import Target, document_fields, edition_title, labels_for, render_colophon, render_template
from bundler.resources import styles_dir
from bundler.text.bidi import wrap_markup
from bundler.text.plain import direction_of

#: CSS page sizes for the manifest's ``page_size`` option.
PAGE_SIZES = {size.lower(): size for size in MANIFEST_PAGE_SIZES}  # the manifest's list, by lower-case name


@dataclass(frozen=True)
class PdfLayout:
    """What differs between PDF editions: stylesheets, page size, image resolution, PDF variant."""

    name: str  # print, phone, booklet, archive: also the body class "pdf-<name>"
    stylesheets: tuple[str, ...]  # files in styles/, after common.css
    page_size: str = ""  # CSS page size overriding the stylesheets ("" keeps theirs)
    dpi: int = 200  # largest image resolution kept; WeasyPrint downsamples above it
    #: None: embed each prepared photo as it is (the image stage encoded it under the edition's
    #: policy); a number: WeasyPrint decodes and encodes every JPEG again at that quality.
    jpeg_quality: int | None = None
    variant: str | None = None  # WeasyPrint pdf_variant, e.g. "pdf/a-3u"
    tags: bool = False


def page_size_option(edition: Edition, default: str) -> str:
    """The CSS page size the manifest asks for (``editions: {pdf: {page_size: letter}}``)."""
    value = str(edition.option("page_size", default))
    size = PAGE_SIZES.get(value.lower())
    if size is None:
        raise ExportError(
            f"unknown page size {value!r} for the {edition.id} edition",
            code="E060",
            key=f"{edition.where}.page_size",
            hint="use one of: " + ", ".join(PAGE_SIZES.values()),
        )
    return size


@dataclass(frozen=True)
class Fragment:
    """One top-level block of the PDF document, in reading order.

    ``kind`` is "cover", "toc", "text-page", "section", "piece", "colophon" or "checksums"; the parallel
    renderer (``pdf_parts``) cuts the document into parts at these blocks.
    """

    kind: str
    markup: str


def pdf_target(
    dossier: Dossier,
    images: ImageSession,
    page_numbers: Mapping[str, int] | None = None,
    image_href: Callable[[Figure], str | None] | None = None,
) -> Target:
    """How the PDF addresses things: in-document anchors, images as data URIs (or ``image_href``'s), notes inline.

    Not file URIs for images: WeasyPrint names each image by a hash of its URL, so a path would
    make the PDF's bytes depend on the folder it was built in.
    """
    target = inline_target(dossier, images, page_numbers)
    return replace(target, media_href=image_href) if image_href else target


def pdf_fragments(
    dossier: Dossier,
    edition: Edition | None,
    images: ImageSession,
    page_numbers: Mapping[str, int] | None = None,
    image_href: Callable[[Figure], str | None] | None = None,
) -> Iterator[Fragment]:
    """Cover, contents, front matter, sections with their pieces, back matter and colophon, one at a time.

    A generator, so that a large dossier's markup (images inlined) need not be held at once.
    ``page_numbers`` (slug -> page) writes the contents' page numbers as text, for a contents
    rendered apart from the pages it lists; without it CSS ``target-counter()`` finds them.
    ``image_href`` addresses the photos otherwise than by ``data:`` URI (the parts: ``image_refs``).
    """
    for source in fragment_sources(dossier, edition, images, page_numbers, image_href):
        yield Fragment(source.kind, source.render())


@dataclass(frozen=True)
class FragmentSource:
    """A fragment not rendered yet: its kind, what it is made from, and how to render it.

    The parts (``pdf_parts``) find a part's layout in the cache by what its fragments are made
    from (``part_sources``), and render only the fragments of parts that must be laid out again.
    """

    kind: str
    content: object  # the Piece, Section or TextPage; the Dossier for the cover, contents and colophon
    render: Callable[[], str]


def fragment_sources(
    dossier: Dossier,
    edition: Edition | None,
    images: ImageSession,
    page_numbers: Mapping[str, int] | None = None,
    image_href: Callable[[Figure], str | None] | None = None,
) -> Iterator[FragmentSource]:
    """What ``pdf_fragments`` renders, in the same order, each rendered only when asked."""
    target = pdf_target(dossier, images, page_numbers, image_href)
    labels = labels_for(dossier.language)
    title = edition_title(dossier, edition)

    def cover() -> str:
        art = cover_data_uri(dossier)  # a path would leak into the bytes; "auto" is typeset
        return render_template("pdf-cover.xhtml.j2", dossier=dossier, title=title, labels=labels, cover=art)

    yield FragmentSource("cover", dossier, cover)
    checksums = checksums_heading(dossier) if hashed_files(dossier) else ""  # the PDF's own page (``checksums``)
    yield FragmentSource(
        "toc", dossier, lambda: render_template("toc.xhtml.j2", dossier=dossier, t=target, labels=labels, checksums=checksums)
    )
    for entry in reading_order(dossier):
        yield FragmentSource(entry.kind, entry.content, partial(entry.render, dossier, target))
    build_date = build_time(dossier.date).date().isoformat()
    yield FragmentSource("colophon", dossier, lambda: render_colophon(dossier, target, build_date, hashes_apart=True))
    if checksums:  # the sources' hashes on a page of their own, a part of their own (``checksums``)
        yield FragmentSource("checksums", dossier, lambda: render_checksums(dossier))


def document_markup(dossier: Dossier, edition: Edition | None, layout_name: str, body: str, root_style: str = "") -> str:
    """``body`` in the PDF document shell: language, direction, metadata, the edition's body class."""
    body = keep_korean_words(replace_undrawable(body))
    markup = render_template(
        "pdf-document.xhtml.j2",
        body=_markup(body),
        **document_fields(dossier, edition),
        keywords=dossier.subjects,
        created=iso_seconds(build_time(dossier.date)),
        edition=layout_name,
        root_style=root_style,
    )
    try:
        return breakable_urls(wrap_markup(markup))  # the EPUB's bidi isolation, so both editions order mixed text alike
    except etree.XMLSyntaxError as exc:  # pieces are checked before the build writes; this names any other fault
        raise ExportError(
            f"the PDF document of {dossier.title!r} is not well-formed XHTML: {exc.msg}",
            code="E470",
            hint="check the text of the front and back matter and the section introductions",
        ) from exc


def combined_html(dossier: Dossier, edition: Edition | None, layout_name: str, images: ImageSession) -> str:
    """The whole dossier as one XHTML document, as WeasyPrint will lay it out."""
    body = "\n".join(fragment.markup for fragment in pdf_fragments(dossier, edition, images))
    return document_markup(dossier, edition, layout_name, body)


def _markup(text: str):
    from markupsafe import Markup

    return Markup(text)


#: A WeasyPrint log message: (logging level, text). Plain data, so workers can return it.
LogMessage = tuple[int, str]


class _LogCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[LogMessage] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append((record.levelno, record.getMessage()))


@contextlib.contextmanager
def collecting_weasyprint_log() -> Iterator[list[LogMessage]]:
    """WeasyPrint's warnings and errors while the block runs: it logs problems instead of raising."""
    collector = _LogCollector()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    try:
        yield collector.messages
    finally:
        logger.removeHandler(collector)


def right_to_left(dossier: Dossier) -> bool:
    """True for a book read right to left: its pages turn and its spreads face the other way."""
    return dossier.direction == "rtl" or direction_of(dossier.language) == "rtl"


def mark_right_to_left(pdf: bytes) -> bytes:
    """Tell viewers to show spreads right to left (``/ViewerPreferences << /Direction /R2L >>``).

    WeasyPrint has no setting for it, so the finished PDF is re-saved with pikepdf; a PDF/A
    edition stays one (viewer preferences are allowed), and the ID is derived from the content,
    so the same input still gives the same bytes.
    """
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as document:
        preferences = document.Root.get("/ViewerPreferences", pikepdf.Dictionary())
        preferences.Direction = pikepdf.Name.R2L
        document.Root.ViewerPreferences = document.make_indirect(preferences)  # the booklet copies it across
        buffer = io.BytesIO()
        document.save(buffer, deterministic_id=True)
    return buffer.getvalue()


def stylesheet_names(dossier: Dossier, layout: PdfLayout) -> tuple[str, ...]:
    """The files in styles/ an edition is laid out with, in cascade order."""
    names = ("common.css", *layout.stylesheets)
    if right_to_left(dossier):
        names += ("pdf-rtl.css",)
    return names


_FIRST_EXCEPT = re.compile(r",\s*first-except\s*\)")


def load_stylesheets(
    names: tuple[str, ...],
    page_size: str,
    extra_css: str,
    fonts,
    plain_running_heads: bool = False,
    faces: tuple[ScriptFace, ...] = (),
) -> list:
    """WeasyPrint stylesheets: the named files, the page size override, then ``extra_css``.

    ``plain_running_heads`` reads ``string(name, first-except)`` as ``string(name)``: for the
    overlays of a book laid out in parts, whose every page sets its own head. ``faces``, the
    installed faces the text needs for scripts the project's fonts lack, are declared and named
    in every font stack (``script_faces``), so no character is left to the system's fallback.
    """
    import_weasyprint()
    import weasyprint

    enable_cjk_justification()  # every layout, in this process or a worker, loads its stylesheets here first
    leaders.install()  # contents numbers at the text block edge, dots up to them, one run of dots per entry
    stylesheets = []
    if faces:
        rules = font_face_rules(faces, lambda face: Path(face.path).as_uri())
        stylesheets.append(weasyprint.CSS(string=rules, font_config=fonts))
    families = tuple(dict.fromkeys(face.family for face in faces))
    for name in names:
        css = (styles_dir() / name).read_text(encoding="utf-8")
        if plain_running_heads:
            css = _FIRST_EXCEPT.sub(")", css)
        stylesheets.append(weasyprint.CSS(string=name_families(css, families), base_url=str(styles_dir() / name), font_config=fonts))
    if page_size:
        stylesheets.append(weasyprint.CSS(string=f"@page {{ size: {page_size}; }}", font_config=fonts))
    if extra_css:
        stylesheets.append(weasyprint.CSS(string=extra_css, font_config=fonts))
    return stylesheets


#: The titles a piece, an editors' page, the colophon or the checksums open with: its page carries no running head.
OPENING_TITLES = ".piece h1.piece-title, .text-page h1, .colophon h1, .checksums h1"


def opening_page_css(dossier: Dossier, edition: Edition | None) -> str:
    """Each opening title sets the dossier's running head again, so ``string(dossier, first-except)`` is empty on its page.

    The page a piece opens on carries no running head on either side: the piece's own is
    ``first-except`` already, and the dossier's title on a left page (a right one in an RTL
    book) would repeat above a title. WeasyPrint has no "page where X starts" selector for
    margin boxes, but ``first-except`` is empty on any page where its string is set: setting the
    dossier string to its own value there hides it on that page and changes nothing after.
    """
    title = edition_title(dossier, edition)
    escaped = title.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return f'{OPENING_TITLES} {{ string-set: piece content(text), dossier "{escaped}"; }}\n'


def render_whole(
    dossier: Dossier, edition: Edition, layout: PdfLayout, images: ImageSession, attachments: tuple = (), placements: list | None = None
) -> tuple[bytes, list[LogMessage]]:
    """The whole document in one WeasyPrint pass (one core); ``placements`` receives where each image was laid out."""
    import_weasyprint()
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    stylesheets = load_stylesheets(
        stylesheet_names(dossier, layout), layout.page_size, opening_page_css(dossier, edition), fonts, faces=pdf_script_faces(dossier)
    )
    with collecting_weasyprint_log() as messages:
        html = weasyprint.HTML(string=combined_html(dossier, edition, layout.name, images), base_url=str(styles_dir()) + "/")
        options = {
            "stylesheets": stylesheets,
            "pdf_identifier": dossier.identifier.encode("utf-8"),
            "pdf_variant": layout.variant,
            "pdf_tags": layout.tags,
            "attachments": list(attachments) or None,
            "optimize_images": layout.jpeg_quality is not None,  # None: photos embedded as the image stage prepared them
            "jpeg_quality": layout.jpeg_quality,
            "dpi": layout.dpi,
        }
        document = html.render(font_config=fonts, **options)  # what HTML.write_pdf does, with the layout kept to measure
        pdf = document.write_pdf(**options)
    if placements is not None:
        placements.extend(image_placements(document.pages))
    return pdf, messages


def report_weasyprint_log(messages: list[LogMessage], layout_name: str, report: Report) -> None:
    """Raise on WeasyPrint's errors (a broken document must not ship); its warnings go to the report once each."""
    errors = [text for level, text in messages if level >= logging.ERROR]
    if errors:
        raise ExportError("WeasyPrint reported errors: " + "; ".join(errors[:5]), code="E061")
    for text in dict.fromkeys(text for _, text in messages):
        report.warn(f"PDF ({layout_name}): {text}", "W301" if "glyph" in text.lower() else "W300")


def pdf_script_faces(dossier: Dossier) -> tuple[ScriptFace, ...]:
    """The installed faces the dossier's text needs beside the project's (named in every font stack)."""
    return script_faces_for(dossier_text(dossier))


@cache
def shipped_font_names() -> frozenset[str]:
    """PostScript-style family names of the fonts in styles/fonts, as WeasyPrint names them in a PDF."""
    from fontTools.ttLib import TTFont

    names = set()
    for path in sorted((styles_dir() / "fonts").glob("*.[ot]tf")):
        with TTFont(path, lazy=True) as font:
            names.add(font["name"].getDebugName(1).replace(" ", "-"))
    names |= {face.family.replace(" ", "-") for face in system_script_faces()}  # named by the CSS, never a fallback
    return frozenset(names | {f"Noto-Serif-CJK-{tag}" for tag in ("JP", "KR", "SC", "TC", "HK")} if CJK_COLLECTION.is_file() else names)


def pdf_font_names(pdf: bytes) -> set[str]:
    """Every font a PDF uses, without its subset prefix (``ABCDEF+``)."""
    import pikepdf

    found = set()
    with pikepdf.open(io.BytesIO(pdf)) as document:
        for page in document.pages:
            for font in (page.resources.get("/Font") or {}).values():
                found.add(str(font.get("/BaseFont", "")).lstrip("/").split("+")[-1])
    return found


#: What WeasyPrint adds to a family's name for a style it draws (``Noto-Serif-Bold-Italic``, ``Noto-Serif-Small-Caps``).
_STYLE_SUFFIX = re.compile(r"(?:-(?:Regular|Bold|Italic|Oblique|Small|Caps))*")


def foreign_fonts(pdf: bytes) -> list[str]:
    """Fonts in the PDF that bundler does not ship or name (a system fallback: missing glyphs in ours).

    A font is the book's when its name is a family's followed only by style words: a prefix alone took the
    system's ``Noto-Sans-CJK-JP`` (CJK in code) for the chosen ``Noto Sans`` face and hid its fallback.
    """
    shipped = shipped_font_names()
    return sorted(
        name
        for name in pdf_font_names(pdf)
        if not any(name.startswith(family) and _STYLE_SUFFIX.fullmatch(name[len(family) :]) for family in shipped)
    )
