"""PDF editions with WeasyPrint, from the same XHTML the EPUB uses: print and phone.

Every PDF edition (print and phone here, booklet and archive in their own modules) goes
through ``render_pdf``: a small dossier in one WeasyPrint pass (``pdf_base.render_whole``),
a large one in parts on all cores (``pdf_parts``). What the PDF editions share lives in
``pdf_base``; its names are re-exported here for the callers that knew them from this module.
"""

from __future__ import annotations

from pathlib import Path

from bundler.exporters import Format
from bundler.exporters.context import BuildContext
from bundler.exporters.pdf.base import (
    PAGE_SIZES,
    Fragment,
    LogMessage,
    PdfLayout,
    collecting_weasyprint_log,
    combined_html,
    document_markup,
    edition_title,
    foreign_fonts,
    load_stylesheets,
    mark_right_to_left,
    page_size_option,
    pdf_font_names,
    pdf_fragments,
    pdf_target,
    render_whole,
    report_weasyprint_log,
    right_to_left,
    shipped_font_names,
    stylesheet_names,
)
from bundler.exporters.pdf.layout import load_weasyprint
from bundler.exporters.pdf.parts import render_in_parts, renders_in_parts
from bundler.exporters.pdf.resolution import PRINTED_LAYOUTS, ImagePlacement, report_low_resolution
from bundler.images.policy import PHONE_POLICY, PRINT_POLICY
from bundler.model import Dossier, Edition
from bundler.render.glyph_coverage import find_missing_glyphs, refuse_missing_glyphs, report_missing_glyphs

__all__ = [
    "PAGE_SIZES",
    "Fragment",
    "LogMessage",
    "PdfLayout",
    "collecting_weasyprint_log",
    "combined_html",
    "document_markup",
    "edition_title",
    "foreign_fonts",
    "load_stylesheets",
    "mark_right_to_left",
    "page_size_option",
    "pdf_font_names",
    "pdf_fragments",
    "pdf_target",
    "render_pdf",
    "render_whole",
    "report_weasyprint_log",
    "right_to_left",
    "shipped_font_names",
    "stylesheet_names",
    "write_phone_pdf",
    "write_print_pdf",
]


def render_pdf(dossier: Dossier, edition: Edition, layout: PdfLayout, ctx: BuildContext, attachments: tuple = ()) -> bytes:
    """Lay out the dossier with WeasyPrint; raise on any logged error, report warnings.

    A large dossier is laid out in parts on all cores and assembled (``pdf_parts``); a small
    one, and the tagged PDF/A archive whose structure tree cannot be merged, in one pass.
    """
    if layout.variant and layout.variant.startswith("pdf/a"):
        refuse_missing_glyphs(find_missing_glyphs(dossier, ctx.glyphs), f"PDF ({layout.name})")
    else:
        report_missing_glyphs(dossier, ctx.report, ctx.glyphs)
    placements: list[ImagePlacement] = []
    if not attachments and renders_in_parts(dossier, layout):
        pdf, messages = render_in_parts(dossier, edition, layout, ctx, placements)
    else:
        pdf, messages = render_whole(dossier, edition, layout, ctx.images, attachments, placements)
    report_weasyprint_log(messages, layout.name, ctx.report)
    if layout.name in PRINTED_LAYOUTS:
        report_low_resolution(tuple(placements), dossier, layout.name, ctx.report)
    if right_to_left(dossier):
        pdf = mark_right_to_left(pdf)
    for font in foreign_fonts(pdf):
        ctx.report.warn(f"PDF ({layout.name}): some characters fell back to the system font {font}", "W302")
    return pdf


def write_print_pdf(dossier: Dossier, edition: Edition, out: Path, ctx: BuildContext) -> None:
    """Facing pages with running heads and footnotes: A4, or US Letter by option."""
    layout = PdfLayout("print", ("pdf.css",), page_size=page_size_option(edition, "A4"), dpi=200)
    out.write_bytes(render_pdf(dossier, edition, layout, ctx))


def write_phone_pdf(dossier: Dossier, edition: Edition, out: Path, ctx: BuildContext) -> None:
    """A 90 × 150 mm single column with large text, readable on a 5-inch screen without zooming."""
    layout = PdfLayout("phone", ("pdf.css", "pdf-phone.css"), dpi=150)
    out.write_bytes(render_pdf(dossier, edition, layout, ctx))


FORMATS = {
    "pdf": Format(
        write=write_print_pdf,
        suffix=".pdf",
        media_type="application/pdf",
        description="print PDF: A4 (or letter), facing pages",
        options=("page_size",),
        image_policy=PRINT_POLICY,
        warm_up=load_weasyprint,
    ),
    "pdf-phone": Format(
        write=write_phone_pdf,
        suffix="-phone.pdf",
        media_type="application/pdf",
        description="phone PDF: 90 × 150 mm, large text",
        image_policy=PHONE_POLICY,
        warm_up=load_weasyprint,
    ),
}
