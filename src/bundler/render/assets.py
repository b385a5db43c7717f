"""What every edition's renderer needs beyond the markup: inlined media, the cover, the shared stylesheet.

A single-file format (the PDF through WeasyPrint, a single-file HTML) carries its images as
``data:`` URIs: a file path would make its bytes depend on the folder it was built in. The
shared stylesheet keeps ``@font-face`` rules only for the fonts the edition ships, so no
reader looks for a font that is not there. These were private to one exporter each.
"""

from __future__ import annotations

import base64
import mimetypes
from collections.abc import Mapping
from pathlib import Path

from bundler.images.session import ImageSession
from bundler.model import Dossier
from bundler.render.fonts import EmbeddedFont, keep_font_faces
from bundler.render.xhtml import Target, build_link_map
from bundler.resources import styles_dir


def data_uri(data: bytes, media_type: str) -> str:
    """``data:<type>;base64,...``: the same bytes give the same URI wherever the build runs."""
    return f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}"


def inline_target(dossier: Dossier, images: ImageSession, page_numbers: Mapping[str, int] | None = None) -> Target:
    """One document: pieces as in-document anchors, images as ``data:`` URIs prepared by ``images``, notes inline."""
    return Target(
        href_for=lambda slug: f"#{slug}",
        media_href=images.data_uri,
        epub=False,
        link_map=build_link_map(dossier),
        inline_notes=True,
        page_numbers=page_numbers,
    )


def cover_data_uri(dossier: Dossier) -> str | None:
    """The cover image the manifest names, as a ``data:`` URI; None for "auto" (typeset) or no cover."""
    if not dossier.cover or dossier.cover == "auto":
        return None
    path = Path(dossier.root or ".") / dossier.cover
    if not path.is_file():
        return None
    return data_uri(path.read_bytes(), mimetypes.guess_type(path.name)[0] or "application/octet-stream")


def common_stylesheet(fonts: tuple[EmbeddedFont, ...]) -> str:
    """``styles/common.css`` with ``@font-face`` rules only for ``fonts``, the faces the edition ships."""
    return keep_font_faces((styles_dir() / "common.css").read_text(encoding="utf-8"), fonts)
