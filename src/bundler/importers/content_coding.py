"""HTTP bodies as the page or image they hold: chunked framing removed, gzip/deflate/brotli coding unpacked, bounded.

A WARC keeps a response as the server sent it, and a capture reads one as it comes; either may
be framed in chunks (``Transfer-Encoding: chunked``) and packed (``Content-Encoding``). Both are
undone here a piece at a time, so a caller that counts what it gets stops a decompression bomb
(brotli turns a few hundred bytes into gigabytes) before it is held, and damage (a chunk size
that is not a number, a body cut inside a chunk, a packed body that does not unpack) is told
as what it is rather than passed on as a shorter page.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Iterator

#: The content codings unpacked here (``x-gzip`` is gzip's old name).
CODINGS = ("gzip", "x-gzip", "deflate", "br")
#: The most bytes one step hands back (brotli may give up to about twice this).
PIECE = 2**20
_CHUNK_SIZE = re.compile(rb"[0-9A-Fa-f]{1,16}")


class BodyDamaged(ValueError):
    """A body whose framing or coding is broken: the message says where and how."""


def unpacked(chunks: Iterable[bytes], coding: str) -> Iterator[bytes]:
    """The body in ``coding`` (one of CODINGS) unpacked, in pieces of about PIECE bytes at most."""
    coding = coding.strip().lower()
    if coding == "br":
        yield from _unbrotli(chunks)
    else:
        yield from _unzip(chunks, deflate=coding == "deflate")


def _unzip(chunks: Iterable[bytes], deflate: bool) -> Iterator[bytes]:
    """gzip, or deflate (zlib-wrapped, as HTTP says; raw deflate, as many servers send it, when the wrapper is missing)."""
    decompressor = zlib.decompressobj(wbits=15 if deflate else 47)
    started = False
    try:
        for chunk in chunks:
            if deflate and not started and chunk:
                try:
                    first = decompressor.decompress(chunk, PIECE)
                except zlib.error:
                    decompressor = zlib.decompressobj(wbits=-15)
                    first = decompressor.decompress(chunk, PIECE)
                started = True
                yield first
            else:
                yield decompressor.decompress(chunk, PIECE)
            while decompressor.unconsumed_tail:
                yield decompressor.decompress(decompressor.unconsumed_tail, PIECE)
    except zlib.error as exc:
        raise BodyDamaged(f"its {'deflate' if deflate else 'gzip'} coding is damaged ({exc})") from exc
    if started or not deflate:
        if not decompressor.eof:
            raise BodyDamaged(f"its {'deflate' if deflate else 'gzip'} coding is cut short")


def _unbrotli(chunks: Iterable[bytes]) -> Iterator[bytes]:
    import brotli  # in the lock (fonttools' WOFF2); warcio's own brotli hook fails on brotli 1.2

    decompressor = brotli.Decompressor()
    try:
        for chunk in chunks:
            yield decompressor.process(chunk, output_buffer_limit=PIECE)
            while not decompressor.can_accept_more_data():
                yield decompressor.process(b"", output_buffer_limit=PIECE)
        while not decompressor.is_finished():  # the input is all in; what it still holds comes out a piece at a time
            rest = decompressor.process(b"", output_buffer_limit=PIECE)
            if not rest:
                break
            yield rest
    except brotli.error as exc:
        raise BodyDamaged(f"its br (brotli) coding is damaged ({exc})") from exc
    if not decompressor.is_finished():
        raise BodyDamaged("its br (brotli) coding is cut short")


def dechunked(stream, piece: int = PIECE) -> Iterator[bytes]:
    """The body of a ``Transfer-Encoding: chunked`` answer without its framing, from a stream with ``readline``/``read``.

    A body whose first line is not a chunk size was stored already unframed (some crawlers keep
    the header but not the framing): it is handed back as it is. Framing that breaks later, a
    chunk cut short, or a body that ends before its last (empty) chunk, is ``BodyDamaged``.
    """
    done = 0
    first = True
    while True:
        line = stream.readline(64)
        size_text = line.split(b";", 1)[0].strip()
        if not line.endswith(b"\n") or not _CHUNK_SIZE.fullmatch(size_text):
            if first:
                yield line
                while data := stream.read(piece):
                    yield data
                return
            if not line:
                raise BodyDamaged(f"its chunked body ends after {done:,} bytes without its last chunk (cut short)")
            raise BodyDamaged(f"its chunked body breaks after {done:,} bytes: {line[:20]!r} is not a chunk size")
        first = False
        size = int(size_text, 16)
        if size == 0:  # the last chunk: what follows (trailer fields, the closing line) is not the body
            while stream.read(piece):
                pass
            return
        while size:
            data = stream.read(min(size, piece))
            if not data:
                raise BodyDamaged(f"its chunked body is cut short inside a chunk, after {done:,} bytes")
            size -= len(data)
            done += len(data)
            yield data
        if stream.read(2) != b"\r\n":
            raise BodyDamaged(f"its chunked body breaks after {done:,} bytes: a chunk does not end where its size says")
