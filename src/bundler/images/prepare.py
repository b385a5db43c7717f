"""Turn one source image into the bytes an edition embeds, following an ``ImagePolicy``.

Output is always baseline JPEG (photos) or palette PNG (line art), sRGB or grayscale,
alpha flattened on white, with no EXIF, XMP, ICC or text chunks: a photo's GPS position or
camera serial number must never reach an edition. Same input and policy give the same bytes.
"""

from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass

from PIL import Image as PILImage
from PIL import ImageCms, ImageFile, ImageOps, UnidentifiedImageError

from bundler.images.policy import ImagePolicy
from bundler.images.strip import strip_jpeg_metadata, strip_png_metadata
from bundler.text import sha256_bytes

#: Refuse anything over 60 Mpx (a 4000×3000 photo is 12 Mpx): a tiny file that decodes to
#: gigabytes is an attack, not a photo.
MAX_PIXELS = 60_000_000
PILImage.MAX_IMAGE_PIXELS = MAX_PIXELS

_RIGHTS_TAGS = (0x013B, 0x8298)  # EXIF Artist, Copyright
_WHITE = (255, 255, 255)


class UnusableImage(Exception):
    """The source image cannot be used (broken, truncated, unknown format, too large)."""


@dataclass(frozen=True)
class PreparedImage:
    """Bytes ready to embed, with what an exporter needs to declare them."""

    data: bytes
    media_type: str
    width: int
    height: int
    sha256: str

    @property
    def suffix(self) -> str:
        """File name suffix for the media type."""
        return ".png" if self.media_type == "image/png" else ".jpg"


def prepare_image(data: bytes, policy: ImagePolicy) -> PreparedImage:
    """Re-encode ``data`` under ``policy``; raises ``UnusableImage`` for anything unreadable."""
    if policy.original:
        passed = _pass_through(data)
        if passed:
            return passed
    # WeasyPrint sets LOAD_TRUNCATED_IMAGES globally on import; a truncated photo must still
    # become a placeholder with a warning, not a grey smear, so it is switched off here.
    lenient, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            with PILImage.open(io.BytesIO(data)) as opened:
                return _convert(opened, policy)
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning) as exc:
        raise UnusableImage(f"image too large to decode safely ({exc})") from exc
    except UnidentifiedImageError as exc:
        raise UnusableImage("not an image Pillow can read") from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise UnusableImage(f"broken or truncated image ({exc})") from exc
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = lenient


def _pass_through(data: bytes) -> PreparedImage | None:
    """JPEG and PNG originals, byte for byte except for their metadata segments."""
    if data.startswith(b"\xff\xd8"):
        cleaned, media_type = strip_jpeg_metadata(data), "image/jpeg"
    elif data.startswith(b"\x89PNG\r\n\x1a\n"):
        cleaned, media_type = strip_png_metadata(data), "image/png"
    else:
        return None
    try:
        with PILImage.open(io.BytesIO(cleaned)) as opened:
            width, height = opened.size
            opened.verify()
    except Exception:
        return None
    return PreparedImage(cleaned, media_type, width, height, sha256_bytes(cleaned))


def _convert(opened: PILImage.Image, policy: ImagePolicy) -> PreparedImage:
    source_format = opened.format or ""
    rights = _rights_fields(opened) if policy.keep_rights_metadata else {}
    scale = _scale_for(opened.size, policy)
    if source_format == "JPEG" and scale < 0.5:
        opened.draft(opened.mode, (math.ceil(opened.width * scale), math.ceil(opened.height * scale)))
    opened.seek(0)  # animated GIF/WebP: the first frame only
    opened.load()
    image = ImageOps.exif_transpose(opened) or opened
    image = _to_srgb(image)
    line_art = source_format != "JPEG" and image.convert("RGB").getcolors(256) is not None
    image = _flatten(image)
    target = _target_size(image.size, policy)
    if target != image.size:
        image = image.resize(target, PILImage.Resampling.LANCZOS)
    if policy.grayscale and image.mode != "L":
        image = image.convert("L")
    if line_art:
        data = _encode_png(image)
        return PreparedImage(data, "image/png", image.width, image.height, sha256_bytes(data))
    image, data = _encode_jpeg_within(image, policy, rights)
    return PreparedImage(data, "image/jpeg", image.width, image.height, sha256_bytes(data))


def _scale_for(size: tuple[int, int], policy: ImagePolicy) -> float:
    width, height = size
    limits = [1.0, policy.max_side / max(width, height), math.sqrt(policy.max_megapixels * 1_000_000 / (width * height))]
    if policy.max_width:
        limits.append(policy.max_width / width)
    if policy.max_height:
        limits.append(policy.max_height / height)
    return min(limits)


def _target_size(size: tuple[int, int], policy: ImagePolicy) -> tuple[int, int]:
    scale = _scale_for(size, policy)
    if scale >= 1.0:
        return size
    return max(1, int(size[0] * scale)), max(1, int(size[1] * scale))


def _rights_fields(opened: PILImage.Image) -> dict[int, str]:
    exif = opened.getexif()
    return {tag: str(exif[tag]) for tag in _RIGHTS_TAGS if exif.get(tag)}


def _to_srgb(image: PILImage.Image) -> PILImage.Image:
    """Convert an embedded colour profile (e.g. Adobe RGB, CMYK) to sRGB; drop the profile."""
    icc = image.info.get("icc_profile")
    if icc and image.mode in ("RGB", "CMYK"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            converted = ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode="RGB")
            if converted is not None:
                image = converted
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass
    if image.mode == "CMYK":
        image = image.convert("RGB")
    return image


def _flatten(image: PILImage.Image) -> PILImage.Image:
    """Alpha and palette transparency composited on white; everything else to RGB or L."""
    if image.mode == "P" or "transparency" in image.info:
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = image.convert("RGBA")
        background = PILImage.new("RGB", rgba.size, _WHITE)
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    if image.mode in ("L", "RGB"):
        return image
    if image.mode in ("1", "I;16", "I;16B", "I;16L", "I", "F"):
        return image.convert("L") if image.mode == "1" else ImageOps.autocontrast(image.convert("F").convert("L"))
    return image.convert("RGB")


def _encode_png(image: PILImage.Image) -> bytes:
    """Palette PNG: line art has few colours, so this is small and lossless enough."""
    if image.mode == "RGB":
        colours = image.getcolors(256)
        count = len(colours) if colours else 256
        image = image.quantize(colors=count, method=PILImage.Quantize.MEDIANCUT, dither=PILImage.Dither.NONE)
    image.info = {}
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _encode_jpeg(image: PILImage.Image, quality: int, rights: dict[int, str]) -> bytes:
    image.info = {}
    options: dict = {"quality": quality, "optimize": True, "progressive": False}
    if rights:
        exif = PILImage.Exif()
        for tag, value in rights.items():
            exif[tag] = value
        options["exif"] = exif.tobytes()
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", **options)
    return buffer.getvalue()


def _encode_jpeg_within(image: PILImage.Image, policy: ImagePolicy, rights: dict[int, str]) -> tuple[PILImage.Image, bytes]:
    """Baseline JPEG at the policy quality; lower quality, then size, until under max_bytes."""
    qualities = [policy.jpeg_quality] + [q for q in (70, 60, 50, 40) if q < policy.jpeg_quality]
    for _attempt in range(4):
        for quality in qualities:
            data = _encode_jpeg(image, quality, rights)
            if len(data) <= policy.max_bytes:
                return image, data
        smaller = (max(1, int(image.width * 0.8)), max(1, int(image.height * 0.8)))
        image = image.resize(smaller, PILImage.Resampling.LANCZOS)
    return image, _encode_jpeg(image, qualities[-1], rights)
