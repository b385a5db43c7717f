"""The provenance record: where every piece of a dossier came from, as plain sorted data.

One record serves every archival output (the PDF/A attachment, the BagIt bag), so an archive
can prove its sources the same way whichever file survives. It holds no build time and no
random ids: the same dossier always gives the same record.
"""

from __future__ import annotations

import json
from dataclasses import asdict

from bundler import __version__
from bundler.model import Dossier, Piece


def piece_record(piece: Piece) -> dict:
    """One piece's origin: source file and hash, URL, retrieval, importer, warnings, images."""
    provenance = asdict(piece.provenance)
    provenance["warc_record_ids"] = list(piece.provenance.warc_record_ids)
    provenance["warnings"] = list(piece.provenance.warnings)
    provenance["redirects"] = list(piece.provenance.redirects)
    return {
        "slug": piece.slug,
        "title": piece.title,
        "authors": list(piece.authors),
        "site": piece.site,
        "date": piece.date,
        "language": piece.language,
        "source_url": piece.source_url,
        "provenance": provenance,
        "images": [
            {"url": f.image.url, "sha256": f.image.sha256, "media_type": f.image.media_type, "credit": f.credit}
            for f in piece.figures
            if f.image is not None
        ],
    }


def provenance_record(dossier: Dossier) -> dict:
    """The whole dossier's provenance, pieces in reading order."""
    return {
        "format": "bundler-provenance/1",
        "generator": f"bundler {__version__}",
        "dossier": {
            "identifier": dossier.identifier,
            "title": dossier.title,
            "slug": dossier.slug,
            "date": dossier.date,
            "rights": dossier.rights,
        },
        "pieces": [piece_record(piece) for piece in dossier.pieces],
    }


def provenance_json(dossier: Dossier) -> bytes:
    """The record as UTF-8 JSON with sorted keys, byte-identical across builds."""
    return (json.dumps(provenance_record(dossier), ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")
