"""Booklet PDF: A5 pages imposed two-up on A4 sheets, so a photocopier makes a folded booklet.

The pages are laid out by WeasyPrint like the print edition (facing pages, footnotes, running
heads) at A5 (half-letter for a letter sheet), padded to a multiple of four and imposed in
saddle-stitch order by ``bundler.exporters.pdf.imposition``. Links inside pages do not survive imposition;
the outline does, pointing at the sheet side that carries each page.
"""

from __future__ import annotations

from pathlib import Path

from bundler.exporters import Format
from bundler.exporters.context import BuildContext
from bundler.exporters.pdf.base import PdfLayout, page_size_option
from bundler.exporters.pdf.document import render_pdf
from bundler.exporters.pdf.imposition import impose_booklet
from bundler.exporters.pdf.layout import load_weasyprint
from bundler.images.policy import PRINT_POLICY
from bundler.model import Dossier, Edition
from bundler.text.plain import direction_of

#: Page size for each sheet size: exactly half the sheet (A5 is 0.5 mm narrower than half an A4).
HALF_SHEET = {"A4": "148.5mm 210mm", "letter": "5.5in 8.5in", "A5": "105mm 148.5mm"}


def render_booklet_pages(dossier: Dossier, edition: Edition, ctx: BuildContext) -> bytes:
    """The booklet's pages in reading order, before imposition."""
    sheet = page_size_option(edition, "A4")
    layout = PdfLayout("booklet", ("pdf.css", "pdf-booklet.css"), page_size=HALF_SHEET[sheet], dpi=200)
    return render_pdf(dossier, edition, layout, ctx)


def write_booklet_pdf(dossier: Dossier, edition: Edition, out: Path, ctx: BuildContext) -> None:
    """Render the pages, then impose them on sheets (right-bound for a right-to-left dossier)."""
    pages = render_booklet_pages(dossier, edition, ctx)
    out.write_bytes(impose_booklet(pages, right_to_left=direction_of(dossier.language) == "rtl"))


FORMATS = {
    "pdf-booklet": Format(
        write=write_booklet_pdf,
        suffix="-booklet.pdf",
        media_type="application/pdf",
        description="booklet PDF: A5 pages two-up on A4 sheets in saddle-stitch order",
        options=("page_size",),
        image_policy=PRINT_POLICY,
        warm_up=load_weasyprint,
    ),
}
