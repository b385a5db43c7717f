"""Shrinking JPEG photos with libvips: the heavy step of a cold build, about 2.5× faster than Pillow.

Preparing a camera photo for an edition is decode, resample, encode. Pillow's resampler is
plain C without vector instructions and took over half of each photo's time (39 of 67 ms
on the benchmark corpus); libvips decodes with the same libjpeg-turbo and resamples with
vector code: decode and resample drop from 54 to ~25 ms per photo, so a 200-piece dossier's
image stage halves. Only the common case comes here: a JPEG (YCbCr or gray) that must be
made smaller. Everything else (PNG, WebP, CMYK, line art, in-limit JPEGs) stays with Pillow,
and the encode stays with Pillow too, so every edition's JPEGs come from one encoder.

The kernel is bicubic, like Pillow's path (on the benchmark photos the two agree within
0.01 dB PSNR of a Lanczos reference after the q80 encode). libvips reads only the JPEG
loader's input here (``jpegload_buffer``, never format sniffing) and refuses truncated files,
so a broken photo becomes a placeholder exactly as with Pillow.

libvips runs worker threads and is not safe to use in a process forked after it started;
the image stage therefore starts its workers from a fork server (``image_stage.py``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import cache

from PIL import Image as PILImage

#: EXIF orientation → the Pillow transpose that makes the picture upright (as ImageOps.exif_transpose).
UPRIGHT = {
    2: PILImage.Transpose.FLIP_LEFT_RIGHT,
    3: PILImage.Transpose.ROTATE_180,
    4: PILImage.Transpose.FLIP_TOP_BOTTOM,
    5: PILImage.Transpose.TRANSPOSE,
    6: PILImage.Transpose.ROTATE_270,
    7: PILImage.Transpose.TRANSVERSE,
    8: PILImage.Transpose.ROTATE_90,
}
SWAPS_SIDES = (5, 6, 7, 8)  # the EXIF orientations that turn by 90°
_SHRINK_ON_LOAD = (8, 4, 2)  # what libjpeg can do while decoding


def shrinks_with_vips(opened: PILImage.Image, scale: float) -> bool:
    """True for the photos this path handles: a YCbCr or gray JPEG that must get smaller."""
    return opened.format == "JPEG" and opened.mode in ("RGB", "L") and scale < 1.0 and _vips() is not None


def jpeg_shrinker(data: bytes, opened: PILImage.Image, orientation: int) -> Callable[[tuple[int, int]], PILImage.Image]:
    """A function giving the photo at an upright ``(width, height)``, decoded and resampled by libvips.

    The result is a Pillow image, upright, carrying the source's colour profile in ``info`` so
    the caller converts it to sRGB like any other image.
    """
    icc = opened.info.get("icc_profile")
    mode = opened.mode
    source_size = opened.size

    def at_size(upright_size: tuple[int, int]) -> PILImage.Image:
        swapped = orientation in SWAPS_SIDES
        size = (upright_size[1], upright_size[0]) if swapped else upright_size
        image = _decode_resampled(data, source_size, size, mode)
        if orientation in UPRIGHT:
            image = image.transpose(UPRIGHT[orientation])
        if icc:
            image.info["icc_profile"] = icc
        return image

    return at_size


def _decode_resampled(data: bytes, source_size: tuple[int, int], size: tuple[int, int], mode: str) -> PILImage.Image:
    """Decode (shrinking by 2, 4 or 8 in libjpeg when that still leaves ``size`` or more) and resample to exactly ``size``."""
    vips = _vips()
    assert vips is not None
    shrink = next((s for s in _SHRINK_ON_LOAD if -(-source_size[0] // s) >= size[0] and -(-source_size[1] // s) >= size[1]), 1)
    try:
        loaded = vips.Image.jpegload_buffer(data, shrink=shrink, access="sequential", fail_on="truncated")
        if (loaded.width, loaded.height) != size:
            loaded = loaded.resize(size[0] / loaded.width, vscale=size[1] / loaded.height, kernel="cubic")
        if (loaded.width, loaded.height) != size:  # rounding: never hand back a size nobody asked for
            loaded = loaded.embed(0, 0, size[0], size[1], extend="copy")
        bands = 1 if mode == "L" else 3
        if loaded.bands != bands or loaded.format != "uchar":
            raise OSError(f"unexpected decoded layout ({loaded.bands} bands, {loaded.format})")
        pixels = loaded.write_to_memory()
    except vips.Error as exc:
        raise OSError(f"broken or truncated JPEG ({str(exc).strip().splitlines()[0] if str(exc).strip() else exc})") from exc
    return PILImage.frombytes(mode, size, pixels)


@cache
def _vips():
    """pyvips, set up for one core and no operation cache (each worker is one core; photos are used once); None if missing."""
    os.environ.setdefault("VIPS_CONCURRENCY", "1")
    try:
        import pyvips
    except (ImportError, OSError):
        return None
    pyvips.concurrency_set(1)
    pyvips.cache_set_max(0)
    pyvips.block_untrusted_set(True)
    return pyvips
