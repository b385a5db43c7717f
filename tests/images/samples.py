"""Images the image tests generate (never downloaded): photos, line art, odd formats, broken files."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

from PIL import Image, ImageDraw


def noisy_photo(size: tuple[int, int] = (4000, 3000), seed: int = 0, noise: float = 0.35) -> Image.Image:
    """A photo-like RGB image: gradients plus sensor-like noise (compresses like a real photo)."""
    width, height = size
    channels = [Image.effect_noise(size, 40 + 10 * ((seed + i) % 3)) for i in range(3)]
    gradient = Image.linear_gradient("L").resize(size).rotate(90 * (seed % 4), expand=False)
    base = Image.merge(
        "RGB", (gradient, gradient.transpose(Image.Transpose.FLIP_LEFT_RIGHT), gradient.transpose(Image.Transpose.FLIP_TOP_BOTTOM))
    )
    ImageDraw.Draw(base).ellipse((width // 4, height // 4, width // 2, height // 2), fill=(200, 60 + seed * 20, 40))
    return Image.blend(base, Image.merge("RGB", channels), noise)


def jpeg_bytes(image: Image.Image, quality: int = 95, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, **options)
    return buffer.getvalue()


def encoded(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def line_art(size: tuple[int, int] = (2400, 1200)) -> Image.Image:
    """A chart-like drawing with four flat colours."""
    image = Image.new("RGB", size, (255, 255, 255))
    draw = ImageDraw.Draw(image)
    for i, colour in enumerate([(200, 30, 30), (30, 120, 200), (20, 20, 20)]):
        draw.rectangle((100 + i * 700, 300, 600 + i * 700, 1100), fill=colour)
    draw.line((0, 1150, size[0], 1150), fill=(20, 20, 20), width=8)
    return image


def transparent_logo() -> Image.Image:
    """RGBA with a fully transparent background and an opaque red square."""
    image = Image.new("RGBA", (400, 300), (0, 0, 0, 0))
    ImageDraw.Draw(image).rectangle((150, 100, 250, 200), fill=(220, 0, 0, 255))
    return image


def animated_gif() -> bytes:
    """Three frames: red, green, blue."""
    frames = [Image.new("RGB", (120, 80), colour) for colour in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return buffer.getvalue()


def bomb_png(side: int = 40_000) -> bytes:
    """A PNG header claiming side×side pixels (1.6 Gpx) with almost no data: a decompression bomb."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def gps_fingerprints() -> list[bytes]:
    """What tests/kitchen_sink.py's GPS photo leaks if its EXIF survives: the coordinates as
    EXIF rational triples (either byte order), the camera make and its serial number."""
    latitude, longitude = ((36, 1), (12, 1), (7, 2)), ((37, 1), (9, 1), (165, 4))
    found = [b"ExampleCam", b"SERIAL-0042-KS"]
    for order in "<>":
        for triple in (latitude, longitude):
            found.append(b"".join(struct.pack(order + "LL", n, d) for n, d in triple))
    return found
