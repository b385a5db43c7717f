"""``header_size`` gives Pillow's size for the JPEGs and PNGs bundler prepares, and None where unsure."""

from __future__ import annotations

from io import BytesIO

import pytest
from PIL import Image

from bundler.images.dimensions import header_size


def _encoded(size: tuple[int, int], fmt: str, **options) -> bytes:
    out = BytesIO()
    Image.new("RGB", size, (120, 30, 200)).save(out, fmt, **options)
    return out.getvalue()


@pytest.mark.parametrize(
    ("fmt", "options"),
    [("JPEG", {}), ("JPEG", {"progressive": True, "optimize": True}), ("JPEG", {"exif": b"Exif\x00\x00MM\x00*"}), ("PNG", {})],
)
@pytest.mark.parametrize("size", [(1, 1), (1600, 900), (333, 2500)])
def test_same_size_as_pillow(fmt, options, size):
    data = _encoded(size, fmt, **options)
    with Image.open(BytesIO(data)) as opened:
        assert header_size(data) == opened.size == size


def test_a_grayscale_jpeg_and_fill_bytes_before_a_marker():
    out = BytesIO()
    Image.new("L", (40, 30), 90).save(out, "JPEG")
    data = out.getvalue()
    assert header_size(data) == (40, 30)
    assert header_size(data[:2] + b"\xff" + data[2:]) == (40, 30)


@pytest.mark.parametrize("data", [b"", b"GIF89a", b"\xff\xd8", b"\xff\xd8\xff\xe0\x00", b"\xff\xd8\x00\x00\x00\x00"])
def test_unknown_or_cut_headers_give_none(data):
    assert header_size(data) is None


def test_a_jpeg_cut_before_its_frame_header_gives_none():
    data = _encoded((64, 48), "JPEG")
    frame = data.index(b"\xff\xc0")
    assert header_size(data[:frame]) is None
