"""Remove metadata from JPEG and PNG files without re-encoding their pixels.

Used when an edition keeps original images: the pixels stay byte for byte, but EXIF (GPS
position, camera serial numbers), XMP, IPTC, comments and colour profiles are dropped.
"""

from __future__ import annotations

import struct

#: JPEG markers kept: APP0 (JFIF) and APP14 (Adobe: needed to decode CMYK correctly).
_JPEG_KEEP_APP = {0xE0, 0xEE}
#: PNG chunks kept: everything needed to draw the image, nothing that describes it.
_PNG_KEEP = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"sBIT", b"bKGD", b"pHYs"}


def strip_jpeg_metadata(data: bytes) -> bytes:
    """Drop APP1–APP15 (except Adobe APP14) and COM segments; keep the scan data as is."""
    out = bytearray(data[:2])
    position = 2
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            return data  # not a marker where one must be: leave the file alone, Pillow decides
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker == 0xDA:  # start of scan: the rest is entropy-coded data and the end marker
            out += data[position:]
            return bytes(out)
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            out += data[position : position + 2]
            position += 2
            continue
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        segment = data[position : position + 2 + length]
        is_metadata = (0xE1 <= marker <= 0xEF and marker not in _JPEG_KEEP_APP) or marker == 0xFE
        if not is_metadata:
            out += segment
        position += 2 + length
    return bytes(out)


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
