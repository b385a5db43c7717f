"""JPEGs already within an edition's limits are kept as they are, minus their metadata.

Decoding, resizing and re-encoding a photo that already fits (long side, megapixels, bytes)
costs time and a generation of JPEG loss for nothing. Such a file keeps its scan data byte
for byte; its metadata segments go (``strip.clean_jpeg``). Anything the fast path cannot
promise is left to the full re-encode: a photo that must be turned upright, a progressive or
CMYK file, a colour profile other than sRGB, rights fields the edition keeps, or a file whose
structure or scan data does not check out.
"""

from __future__ import annotations

import io

from PIL import Image as PILImage
from PIL import ImageCms

from bundler.images.policy import ImagePolicy
from bundler.images.strip import clean_jpeg

ORIENTATION = 0x0112
RIGHTS_TAGS = (0x013B, 0x8298)  # EXIF Artist, Copyright


def keep_losslessly(data: bytes, opened: PILImage.Image, policy: ImagePolicy) -> bytes | None:
    """``data`` without metadata when it already meets ``policy`` as a baseline sRGB/gray JPEG; else None."""
    if opened.format != "JPEG" or opened.mode not in ("RGB", "L") or (policy.grayscale and opened.mode != "L"):
        return None
    if policy.scale_for(opened.size) < 1.0:
        return None
    exif = opened.getexif()  # Pillow folds an XMP tiff:Orientation in here too
    if exif.get(ORIENTATION, 1) != 1:
        return None  # shown sideways without its EXIF: re-encoded upright instead
    if policy.keep_rights_metadata and any(exif.get(tag) for tag in RIGHTS_TAGS):
        return None
    icc = opened.info.get("icc_profile")
    if icc and not _is_srgb(icc):
        return None  # Adobe RGB, Display P3...: converted to sRGB by the re-encode
    cleaned = clean_jpeg(data)
    if cleaned is None or not cleaned.baseline or len(cleaned.data) > policy.max_bytes:
        return None
    _check_scan(cleaned.data)
    return cleaned.data


def _is_srgb(icc: bytes) -> bool:
    """An sRGB profile can be dropped without changing a colour: untagged means sRGB."""
    try:
        description = ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(io.BytesIO(icc)))
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return False
    return description.strip().lower().startswith("srgb")


def _check_scan(data: bytes) -> None:
    """Decode every scan (at 1/8 scale: cheap, but all entropy-coded data is read); raises if broken."""
    with PILImage.open(io.BytesIO(data)) as check:
        check.draft(check.mode, (max(1, check.width // 8), max(1, check.height // 8)))
        check.load()
