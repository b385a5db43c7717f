"""PDF editions with WeasyPrint, from the same XHTML the EPUB uses.

One combined document (title page, contents, sections, pieces, colophon) is rendered
with ``styles/common.css`` plus ``styles/pdf.css``. WeasyPrint only *logs* many problems;
its log is captured and errors are raised rather than lost.
"""

from __future__ import annotations

import logging
from pathlib import Path

from bundler.clock import build_time
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
    render_template,
    render_text_page,
    render_title_page,
)
from bundler.resources import styles_dir


def combined_html(dossier: Dossier) -> str:
    """The whole dossier as one XHTML document, as WeasyPrint will lay it out."""
    target = Target(href_for=lambda slug: f"#{slug}", media_href=_media_href, epub=False, link_map=build_link_map(dossier))
    labels = labels_for(dossier.language)
    parts = [render_title_page(dossier, target), render_template("toc.xhtml.j2", dossier=dossier, t=target, labels=labels)]
    parts += [render_text_page(page, dossier, target) for page in dossier.front_matter]
    for section in dossier.sections:
        parts.append(render_section(section, dossier, target))
        parts += [render_piece(piece, dossier, target) for piece in section.pieces]
    parts += [render_text_page(page, dossier, target) for page in dossier.back_matter]
    parts.append(render_colophon(dossier, target, build_time(dossier.date).date().isoformat()))
    return render_document("\n".join(parts), dossier.title, dossier.language)


def _media_href(figure: Figure) -> str | None:
    image = figure.image
    if image is None or not image.path or not Path(image.path).is_file():
        return None
    return Path(image.path).resolve().as_uri()


class _LogCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def write_pdf(dossier: Dossier, edition: Edition, out: Path, report: Report) -> None:
    """Render the print PDF."""
    import weasyprint

    html = combined_html(dossier)
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    stylesheets = [weasyprint.CSS(filename=str(styles_dir() / name), font_config=fonts) for name in ("common.css", "pdf.css")]
    collector = _LogCollector()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    try:
        document = weasyprint.HTML(string=html, base_url=str(styles_dir()) + "/")
        pdf = document.write_pdf(
            stylesheets=stylesheets,
            font_config=fonts,
            pdf_identifier=dossier.identifier.encode("utf-8"),
            custom_metadata=False,
            uncompressed_pdf=False,
        )
    finally:
        logger.removeHandler(collector)
    errors = [r.getMessage() for r in collector.records if r.levelno >= logging.ERROR]
    if errors:
        raise ExportError("WeasyPrint reported errors: " + "; ".join(errors[:5]))
    for record in collector.records:
        report.warn(record.getMessage(), "W300")
    out.write_bytes(pdf)


FORMATS = {
    "pdf": Format(write=write_pdf, suffix=".pdf", media_type="application/pdf", description="A4 print PDF"),
}
