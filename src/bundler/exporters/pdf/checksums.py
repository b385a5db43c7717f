"""The print PDF's last page(s): the full SHA-256 of every original file, one per line.

The colophon lists each source with its provenance; in the PDF editions it leaves out the
source's hash (``render_colophon(hashes_apart=True)``) and this page prints it in full, beside
the file's path, as ``sha256sum`` prints it, so an archivist can check an original against the
book line by line (the colophon printed the first 16 hex digits only, which proves nothing).

Why a page of its own: every edit of a source changes its hash. Inside the colophon's entries
that laid the whole colophon out again after every edit (14 pages of dense entries for 200
pieces, the longest layout job of a one-changed rebuild); starting on a fresh page, the
checksums are a part of their own (``parts.group_into_parts``), short lines in one font that
lay out in a fraction of the colophon's time, and the colophon keeps its cached layout.
"""

from __future__ import annotations

from bundler.model import Dossier
from bundler.render.xhtml import labels_for, render_template


def hashed_files(dossier: Dossier) -> list[tuple[str, str]]:
    """(SHA-256, path) of every piece's original file whose hash is known, in reading order."""
    return [(piece.provenance.source_sha256, piece.provenance.source_path) for piece in dossier.pieces if piece.provenance.source_sha256]


def checksums_heading(dossier: Dossier) -> str:
    """The page's title, as the contents and the outline show it."""
    return labels_for(dossier.language)["checksums"]


def render_checksums(dossier: Dossier) -> str:
    """The checksums page's markup ("" when no original's hash is known: no page)."""
    files = hashed_files(dossier)
    if not files:
        return ""
    labels = labels_for(dossier.language)
    return render_template("pdf-checksums.xhtml.j2", heading=labels["checksums"], note=labels["checksums_note"], files=files)
