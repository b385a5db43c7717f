"""Remove metadata from JPEG and PNG files without re-encoding their pixels.

Used when an edition keeps original images, and for JPEGs already within an edition's limits:
the entropy-coded scan data stays byte for byte, but EXIF (GPS position, camera serial
numbers, embedded thumbnails), XMP, IPTC/Photoshop, comments, every other APPn segment and
anything after the end-of-image marker (MPF secondary images, trailers) are dropped. The
parser is strict: a file it does not fully understand gives ``None``, never a half-cleaned file.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass

_SOI, _EOI, _SOS = 0xD8, 0xD9, 0xDA
#: Segments that draw the image: SOFn, DHT, DAC, DQT, DRI, DNL. Everything else is dropped or refused.
_JPEG_STRUCTURE = {*range(0xC0, 0xD0), 0xDB, 0xDD, 0xDC}
_JFIF = b"JFIF\x00"
_ICC = b"ICC_PROFILE\x00"
_ADOBE = b"Adobe"
#: The next marker inside entropy-coded data: 0xFF (plus fill bytes) not followed by a stuffed 0x00 or RSTn.
_NEXT_MARKER = re.compile(rb"\xff+([^\x00\xd0-\xd7\xff])")
#: PNG chunks kept: everything needed to draw the image, nothing that describes it.
_PNG_KEEP = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"sBIT", b"bKGD", b"pHYs"}


@dataclass(frozen=True)
class CleanJpeg:
    """A JPEG with its metadata removed, and the frame types (SOFn markers) it declares."""

    data: bytes
    frames: tuple[int, ...]

    @property
    def baseline(self) -> bool:
        """One baseline (SOF0) frame: what every e-reader decodes."""
        return self.frames == (0xC0,)


def clean_jpeg(data: bytes, keep_icc: bool = False) -> CleanJpeg | None:
    """Keep JFIF APP0 (without thumbnail), Adobe APP14, optionally ICC APP2, and the image; None if malformed."""
    if not data.startswith(b"\xff\xd8"):
        return None
    out = bytearray(b"\xff\xd8")
    frames: list[int] = []
    position = 2
    while True:
        marker, position = _read_marker(data, position)
        if marker is None or marker in (_SOI, 0x01) or 0xD0 <= marker <= 0xD7:
            return None  # no marker where one must be, a second SOI, or RSTn outside a scan
        if marker == _EOI:
            out += b"\xff\xd9"  # everything after the end of the image is dropped
            return CleanJpeg(bytes(out), tuple(frames)) if frames else None
        if position + 2 > len(data):
            return None
        (length,) = struct.unpack(">H", data[position : position + 2])
        end = position + length
        if length < 2 or end > len(data):
            return None
        payload = data[position + 2 : end]
        if marker == _SOS:
            found = _NEXT_MARKER.search(data, end)
            if found is None:
                return None  # truncated scan: no end-of-image marker
            out += data[position - 2 : found.start()]
            position = found.start()
            continue
        if marker in _JPEG_STRUCTURE:
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                frames.append(marker)
            out += data[position - 2 : end]
        elif marker == 0xE0 and payload.startswith(_JFIF) and len(payload) >= 14:
            out += b"\xff\xe0\x00\x10" + payload[:12] + b"\x00\x00"  # JFIF header, thumbnail removed
        elif (marker == 0xEE and payload.startswith(_ADOBE)) or (marker == 0xE2 and keep_icc and payload.startswith(_ICC)):
            out += data[position - 2 : end]
        elif not (0xE0 <= marker <= 0xEF or marker == 0xFE):
            return None  # a marker this parser does not know: do not guess
        position = end


def _read_marker(data: bytes, position: int) -> tuple[int | None, int]:
    """The marker at ``position`` (after any fill bytes) and the position after it."""
    if position + 2 > len(data) or data[position] != 0xFF:
        return None, position
    while position + 1 < len(data) and data[position + 1] == 0xFF:
        position += 1
    if position + 2 > len(data):
        return None, position
    return data[position + 1], position + 2


def strip_jpeg_metadata(data: bytes) -> bytes | None:
    """The JPEG without any metadata segment (colour profile included), or None if malformed."""
    cleaned = clean_jpeg(data)
    return cleaned.data if cleaned else None


def strip_png_metadata(data: bytes) -> bytes:
    """Keep only the chunks that draw the image (no tEXt/iTXt/zTXt/eXIf/iCCP/tIME)."""
    out = bytearray(data[:8])
    position = 8
    while position + 8 <= len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        end = position + 12 + length
        if kind in _PNG_KEEP:
            out += data[position:end]
        position = end
        if kind == b"IEND":
            break
    return bytes(out)
