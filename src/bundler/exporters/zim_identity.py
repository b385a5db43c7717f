"""Pins the identifiers libzim draws at random, so the same dossier gives the same ``.zim`` bytes.

libzim (python-libzim 3.6, libzim 9) writes three random 16-byte identifiers into every file:
the archive's UUID in the header, and the UUID of each Xapian database it embeds (the
full-text and the title index, stored uncompressed so readers open them in place). Python
cannot set any of them (``Creator`` has no ``set_uuid``), and everything else libzim writes is
already a function of what it was given. So after libzim has written the file, each
identifier is replaced by one derived from the file's own content with the identifiers zeroed
(a SHA-256, shaped as an RFC 9562 version-8 UUID), and the MD5 checksum at the end, which
covers every byte before it, is computed again. Two builds of the same dossier with the same
``SOURCE_DATE_EPOCH`` then write identical files, and a changed dossier gets another UUID, as
Kiwix's library expects of a new file.

Only documented structure is touched: the header (openZIM's format: the UUID at byte 8, the
checksum's position at byte 72) and the first bytes of blobs in uncompressed clusters that
start with Xapian's Glass version record (magic, two version bytes, then the UUID). A file
not laid out that way is refused rather than patched blindly.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from bundler.errors import ExportError

ZIM_MAGIC = 72173914
UUID_AT = 8
UUID_SIZE = 16
#: magic, versions, uuid, entry and cluster counts, path/title/cluster/mime pointer positions, main and layout page, checksum position
_HEADER = struct.Struct("<IHH16sIIQQQQIIQ")
_UNCOMPRESSED = (0, 1)  # a cluster's compression: 0 and 1 mean none; 4 is xz, 5 is zstd
_EXTENDED = 0x10  # a cluster whose blob offsets are 64-bit
XAPIAN_GLASS = b"\x0f\rXapian Glass"
_XAPIAN_UUID_AFTER = len(XAPIAN_GLASS) + 2  # the magic, then the two bytes of the format version
_BLOCK = 1 << 20


def pin_identifiers(path: Path) -> str:
    """Replace the ZIM file's random UUIDs by content-derived ones and rewrite its checksum; returns the new UUID."""
    with path.open("r+b") as stream:
        header = _read_header(stream, path)
        checksum_at = header[-1]
        places = [UUID_AT, *_xapian_uuid_places(stream, header)]
        for place in places:
            _write_at(stream, place, bytes(UUID_SIZE))
        content = _digest(stream, checksum_at, hashlib.sha256())
        for index, place in enumerate(places):
            _write_at(stream, place, _derived_uuid(content, index))
        _write_at(stream, checksum_at, _digest(stream, checksum_at, hashlib.md5(usedforsecurity=False)))
    return _derived_uuid(content, 0).hex()


def _read_header(stream: BinaryIO, path: Path) -> tuple:
    data = stream.read(_HEADER.size)
    size = stream.seek(0, 2)
    header = _HEADER.unpack(data) if len(data) == _HEADER.size else None
    if header is None or header[0] != ZIM_MAGIC or header[-1] + UUID_SIZE != size:
        raise ExportError(
            f"libzim wrote {path.name} in a layout bundler does not know (no ZIM header, or the checksum is not at the end)",
            code="E451",
            hint="use the libzim version bundler is tested with (see requirements.lock), or report the libzim version",
        )
    return header


def _xapian_uuid_places(stream: BinaryIO, header: tuple) -> Iterator[int]:
    """Where each embedded Xapian database keeps its UUID: blobs of uncompressed clusters that open with its magic."""
    cluster_count, cluster_pointers = header[5], header[8]
    stream.seek(cluster_pointers)
    clusters = struct.unpack(f"<{cluster_count}Q", stream.read(8 * cluster_count))
    for cluster in clusters:
        stream.seek(cluster)
        info = stream.read(1)[0]
        if info & 0x0F not in _UNCOMPRESSED:
            continue
        width = 8 if info & _EXTENDED else 4
        kind = "<Q" if width == 8 else "<I"
        first = struct.unpack(kind, stream.read(width))[0]  # the offset list's own size: (blobs + 1) offsets
        offsets = (first, *struct.unpack(f"<{first // width - 1}{kind[1]}", stream.read(first - width)))
        for start in offsets[:-1]:
            stream.seek(cluster + 1 + start)
            if stream.read(len(XAPIAN_GLASS)) == XAPIAN_GLASS:
                yield cluster + 1 + start + _XAPIAN_UUID_AFTER


def _write_at(stream: BinaryIO, place: int, data: bytes) -> None:
    stream.seek(place)
    stream.write(data)


def _digest(stream: BinaryIO, end: int, digest) -> bytes:
    """The digest of the file's bytes before ``end`` (read in blocks: a ZIM can be large)."""
    stream.flush()
    stream.seek(0)
    left = end
    while left:
        block = stream.read(min(_BLOCK, left))
        if not block:
            break
        digest.update(block)
        left -= len(block)
    return digest.digest()


def _derived_uuid(content: bytes, index: int) -> bytes:
    """The ``index``-th identifier of a file whose content hashes to ``content``: an RFC 9562 version-8 UUID."""
    raw = bytearray(hashlib.sha256(content + index.to_bytes(4, "big")).digest()[:UUID_SIZE])
    raw[6] = (raw[6] & 0x0F) | 0x80  # version 8: custom
    raw[8] = (raw[8] & 0x3F) | 0x80  # RFC variant
    return bytes(raw)
