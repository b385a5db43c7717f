"""Text-only EPUB: the smallest edition, for the slowest links.

The same EPUB writer with every figure's image removed before rendering, so captions and
credits stay in the text (as a figure without an image) and the accessibility metadata
honestly says there are no images.
"""

from __future__ import annotations

from pathlib import Path

from bundler.exporters import Format
from bundler.exporters.context import BuildContext
from bundler.exporters.epub import write_epub
from bundler.images import without_images
from bundler.images.policy import TEXT_ONLY_POLICY
from bundler.model import Dossier, Edition


def write_epub_text(dossier: Dossier, edition: Edition, out: Path, ctx: BuildContext) -> None:
    """Write the dossier as an EPUB 3 with no images at all: no cover, no figure's image, wherever it is."""
    write_epub(without_images(dossier), edition, out, ctx)


FORMATS = {
    "epub-text": Format(
        write=write_epub_text,
        suffix="-text.epub",
        media_type="application/epub+zip",
        description="text-only EPUB 3 (captions and credits kept, no images) for the slowest links",
        image_policy=TEXT_ONLY_POLICY,
    ),
}
