"""Cover images for the catalogue, taken from inside each dossier's EPUB.

E-reader apps show the OPDS thumbnail in their library view and phone browsers load it on
a slow hotspot, so it is small. It is re-encoded from pixels only: no EXIF, GPS or other
metadata of the source image survives (a photo's metadata can endanger people).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from bundler.catalog.library import CoverSource
from bundler.errors import Report

COVER_SIZE = (600, 900)
THUMBNAIL_SIZE = (200, 300)
COVER_NAME = "cover.jpg"
THUMBNAIL_NAME = "cover-thumb.jpg"
#: Refuse to decode images larger than this (a decompression bomb in an EPUB should not stall a Pi).
MAX_SOURCE_PIXELS = 40_000_000
MAX_SOURCE_BYTES = 30_000_000


@dataclass(frozen=True)
class CoverImages:
    """The cover files written for one dossier, as paths relative to the library root."""

    image: str
    thumbnail: str
    thumbnail_width: int
    thumbnail_height: int


def load_cover(source: CoverSource, report: Report) -> Image.Image | None:
    """Decode the cover image from the EPUB as flat RGB pixels, or None (with a warning)."""
    try:
        with zipfile.ZipFile(source.epub) as archive:
            info = archive.getinfo(source.member)
            if info.file_size > MAX_SOURCE_BYTES:
                raise ValueError(f"cover image is too large ({info.file_size:,} bytes)")
            data = archive.read(info)
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_SOURCE_PIXELS:
                raise ValueError(f"cover image is too large ({image.width}×{image.height} pixels)")
            image = ImageOps.exif_transpose(image)
            return _flatten(image)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, UnidentifiedImageError, Image.DecompressionBombError) as exc:
        report.warn(f"cover image {source.member} could not be read ({exc}); no cover in the catalogue", code="W810", file=str(source.epub))
        return None


def encode_jpeg(image: Image.Image, box: tuple[int, int]) -> tuple[bytes, tuple[int, int]]:
    """A baseline JPEG no larger than ``box``, with no metadata; also returns its size."""
    copy = image.copy()
    copy.thumbnail(box, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    copy.save(out, "JPEG", quality=82, optimize=True, progressive=False)
    return out.getvalue(), copy.size


def write_cover_images(folder: Path, image: Image.Image, write) -> CoverImages:
    """Write ``cover.jpg`` and ``cover-thumb.jpg`` into a dossier folder with ``write(path, bytes)``."""
    cover, _ = encode_jpeg(image, COVER_SIZE)
    thumbnail, (width, height) = encode_jpeg(image, THUMBNAIL_SIZE)
    write(folder / COVER_NAME, cover)
    write(folder / THUMBNAIL_NAME, thumbnail)
    return CoverImages(f"{folder.name}/{COVER_NAME}", f"{folder.name}/{THUMBNAIL_NAME}", width, height)


def _flatten(image: Image.Image) -> Image.Image:
    """RGB on white: JPEG has no alpha, and palette or CMYK images would not save cleanly."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")
