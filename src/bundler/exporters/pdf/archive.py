"""Archive PDF: PDF/A-3u, tagged, carrying its own sources.

The print layout, written as PDF/A-3u with a structure tree, an sRGB output intent, and two
embedded files with their relationship to the document: the collection manifest (``Source``)
and the provenance record (``Data``), so the PDF alone says where every piece came from.
Attachment dates come from the build clock, never from the file system or the wall clock.
"""

from __future__ import annotations

from pathlib import Path

from bundler.clock import build_time
from bundler.exporters import Format
from bundler.exporters.context import BuildContext
from bundler.exporters.pdf.base import PdfLayout, page_size_option
from bundler.exporters.pdf.document import render_pdf
from bundler.exporters.pdf.layout import load_weasyprint
from bundler.images.policy import ARCHIVE_POLICY
from bundler.model import Dossier, Edition
from bundler.render.provenance import provenance_json

MANIFEST_NAME = "collection.yaml"
PROVENANCE_NAME = "provenance.json"


def archive_attachments(dossier: Dossier) -> tuple:
    """The embedded files: the collection manifest when there is one, and the provenance record."""
    from weasyprint import Attachment

    moment = build_time(dossier.date).replace(tzinfo=None)
    attachments = []
    manifest = Path(dossier.root) / MANIFEST_NAME if dossier.root else None
    if manifest is not None and manifest.is_file():
        attachments.append(
            Attachment(
                string=manifest.read_bytes(),
                name=MANIFEST_NAME,
                description="The collection manifest this dossier was built from",
                created=moment,
                modified=moment,
                relationship="Source",
            )
        )
    attachments.append(
        Attachment(
            string=provenance_json(dossier),
            name=PROVENANCE_NAME,
            description="Provenance of every piece: source file, SHA-256, URL, retrieval date, importer",
            created=moment,
            modified=moment,
            relationship="Data",
        )
    )
    return tuple(attachments)


def write_archive_pdf(dossier: Dossier, edition: Edition, out: Path, ctx: BuildContext) -> None:
    """PDF/A-3u with tags, an output intent and the dossier's sources attached."""
    layout = PdfLayout(
        "archive",
        ("pdf.css", "pdf-archive.css"),
        page_size=page_size_option(edition, "A4"),
        dpi=300,
        jpeg_quality=90,
        variant="pdf/a-3u",
        tags=True,
    )
    out.write_bytes(render_pdf(dossier, edition, layout, ctx, attachments=archive_attachments(dossier)))


FORMATS = {
    "pdf-archive": Format(
        write=write_archive_pdf,
        suffix="-archive.pdf",
        media_type="application/pdf",
        description="archival PDF/A-3u with the manifest and provenance record attached",
        options=("page_size",),
        image_policy=ARCHIVE_POLICY,
        warm_up=load_weasyprint,
    ),
}
