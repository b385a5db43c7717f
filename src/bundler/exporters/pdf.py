"""PDF editions with WeasyPrint, from the same XHTML the EPUB uses: print and phone.

Every PDF edition (print and phone here, booklet and archive in their own modules) goes
through ``render_pdf``: one combined document (cover, contents, sections, pieces, colophon)
styled by ``styles/common.css`` plus the edition's own stylesheets. WeasyPrint only *logs*
many problems; its log is captured, errors are raised and warnings reach the build report.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bundler.clock import build_time, iso_seconds
from bundler.errors import ExportError, Report
from bundler.exporters import Format
from bundler.model import Dossier, Edition, Figure
from bundler.render import (
    Target,
    build_link_map,
    labels_for,
    render_colophon,
    render_piece,
    render_section,
    render_template,
    render_text_page,
)
from bundler.resources import styles_dir
from bundler.text import direction_of

#: CSS page sizes for the manifest's ``page_size`` option.
PAGE_SIZES = {"a4": "A4", "a5": "A5", "letter": "letter"}


@dataclass(frozen=True)
class PdfLayout:
    """What differs between PDF editions: stylesheets, page size, image resolution, PDF variant."""

    name: str  # print, phone, booklet, archive: also the body class "pdf-<name>"
    stylesheets: tuple[str, ...]  # files in styles/, after common.css
    page_size: str = ""  # CSS page size overriding the stylesheets ("" keeps theirs)
    dpi: int = 200  # largest image resolution kept; WeasyPrint downsamples above it
    jpeg_quality: int = 80
    variant: str | None = None  # WeasyPrint pdf_variant, e.g. "pdf/a-3u"
    tags: bool = False


def page_size_option(edition: Edition, default: str) -> str:
    """The CSS page size the manifest asks for (``editions: {pdf: {page_size: letter}}``)."""
    value = str(edition.option("page_size", default))
    size = PAGE_SIZES.get(value.lower())
    if size is None:
        raise ExportError(
            f"unknown page size {value!r} for the {edition.format} edition",
            code="E060",
            key=f"editions.{edition.format}.page_size",
            hint="use one of: " + ", ".join(PAGE_SIZES.values()),
        )
    return size


def combined_html(dossier: Dossier, edition: Edition | None = None, layout_name: str = "print") -> str:
    """The whole dossier as one XHTML document, as WeasyPrint will lay it out."""
    target = Target(
        href_for=lambda slug: f"#{slug}",
        media_href=_media_href,
        epub=False,
        link_map=build_link_map(dossier),
        inline_notes=True,
    )
    labels = labels_for(dossier.language)
    title = str(edition.option("title", dossier.title)) if edition else dossier.title
    parts = [
        render_template("pdf-cover.xhtml.j2", dossier=dossier, title=title, labels=labels, cover=_cover_href(dossier)),
        render_template("toc.xhtml.j2", dossier=dossier, t=target, labels=labels),
    ]
    parts += [render_text_page(page, dossier, target) for page in dossier.front_matter]
    for section in dossier.sections:
        parts.append(render_section(section, dossier, target))
        parts += [render_piece(piece, dossier, target) for piece in section.pieces]
    parts += [render_text_page(page, dossier, target) for page in dossier.back_matter]
    parts.append(render_colophon(dossier, target, build_time(dossier.date).date().isoformat()))
    authors = dossier.editors or tuple(dict.fromkeys(a for p in dossier.pieces for a in p.authors))
    return render_template(
        "pdf-document.xhtml.j2",
        body=_markup("\n".join(parts)),
        title=title,
        lang=dossier.language,
        dir=direction_of(dossier.language),
        authors=authors,
        description=dossier.description or dossier.subtitle,
        keywords=dossier.subjects,
        created=iso_seconds(build_time(dossier.date)),
        edition=layout_name,
    )


def _markup(text: str):
    from markupsafe import Markup

    return Markup(text)


def _media_href(figure: Figure) -> str | None:
    """The figure's image as a ``data:`` URI (resized for print, metadata stripped), or None to omit it.

    Not a file URI: WeasyPrint names each image by a hash of its URL, so a path would make the
    PDF's bytes depend on the folder it was built in.
    """
    from bundler.images import active_session

    return active_session("pdf").data_uri(figure)


def _cover_href(dossier: Dossier) -> str | None:
    """The cover image the manifest names as a ``data:`` URI (a path would leak into the bytes); "auto" is typeset."""
    import base64
    import mimetypes

    if not dossier.cover or dossier.cover == "auto":
        return None
    path = Path(dossier.root or ".") / dossier.cover
    if not path.is_file():
        return None
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{media_type};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


class _LogCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def render_pdf(dossier: Dossier, edition: Edition, layout: PdfLayout, report: Report, attachments: tuple = ()) -> bytes:
    """Lay out the dossier with WeasyPrint; raise on any logged error, report warnings."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    names = ("common.css", *layout.stylesheets)
    if dossier.direction == "rtl" or direction_of(dossier.language) == "rtl":
        names += ("pdf-rtl.css",)
    stylesheets = [weasyprint.CSS(filename=str(styles_dir() / name), font_config=fonts) for name in names]
    if layout.page_size:
        stylesheets.append(weasyprint.CSS(string=f"@page {{ size: {layout.page_size}; }}", font_config=fonts))
    collector = _LogCollector()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    try:
        document = weasyprint.HTML(string=combined_html(dossier, edition, layout.name), base_url=str(styles_dir()) + "/")
        pdf = document.write_pdf(
            stylesheets=stylesheets,
            font_config=fonts,
            pdf_identifier=dossier.identifier.encode("utf-8"),
            pdf_variant=layout.variant,
            pdf_tags=layout.tags,
            attachments=list(attachments) or None,
            optimize_images=True,
            jpeg_quality=layout.jpeg_quality,
            dpi=layout.dpi,
        )
    finally:
        logger.removeHandler(collector)
    errors = [r.getMessage() for r in collector.records if r.levelno >= logging.ERROR]
    if errors:
        raise ExportError("WeasyPrint reported errors: " + "; ".join(errors[:5]), code="E061")
    for record in collector.records:
        report.warn(f"PDF ({layout.name}): {record.getMessage()}", "W301" if "glyph" in record.getMessage().lower() else "W300")
    for font in foreign_fonts(pdf):
        report.warn(f"PDF ({layout.name}): some characters fell back to the system font {font}", "W302")
    return pdf


@cache
def shipped_font_names() -> frozenset[str]:
    """PostScript-style family names of the fonts in styles/fonts, as WeasyPrint names them in a PDF."""
    from fontTools.ttLib import TTFont

    names = set()
    for path in sorted((styles_dir() / "fonts").glob("*.[ot]tf")):
        with TTFont(path, lazy=True) as font:
            names.add(font["name"].getDebugName(1).replace(" ", "-"))
    return frozenset(names)


def pdf_font_names(pdf: bytes) -> set[str]:
    """Every font a PDF uses, without its subset prefix (``ABCDEF+``)."""
    import pikepdf

    found = set()
    with pikepdf.open(io.BytesIO(pdf)) as document:
        for page in document.pages:
            for font in (page.resources.get("/Font") or {}).values():
                found.add(str(font.get("/BaseFont", "")).lstrip("/").split("+")[-1])
    return found


def foreign_fonts(pdf: bytes) -> list[str]:
    """Fonts in the PDF that bundler does not ship (a system fallback: missing glyphs in ours)."""
    shipped = shipped_font_names()
    return sorted(name for name in pdf_font_names(pdf) if not any(name.startswith(family) for family in shipped))


def write_print_pdf(dossier: Dossier, edition: Edition, out: Path, report: Report) -> None:
    """Facing pages with running heads and footnotes: A4, or US Letter by option."""
    layout = PdfLayout("print", ("pdf.css",), page_size=page_size_option(edition, "A4"), dpi=200)
    out.write_bytes(render_pdf(dossier, edition, layout, report))


def write_phone_pdf(dossier: Dossier, edition: Edition, out: Path, report: Report) -> None:
    """A 90 × 150 mm single column with large text, readable on a 5-inch screen without zooming."""
    layout = PdfLayout("phone", ("pdf.css", "pdf-phone.css"), dpi=150)
    out.write_bytes(render_pdf(dossier, edition, layout, report))


FORMATS = {
    "pdf": Format(
        write=write_print_pdf, suffix=".pdf", media_type="application/pdf", description="print PDF: A4 (or letter), facing pages"
    ),
    "pdf-phone": Format(
        write=write_phone_pdf, suffix="-phone.pdf", media_type="application/pdf", description="phone PDF: 90 × 150 mm, large text"
    ),
}
