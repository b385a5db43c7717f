"""Sizes past which a source is refused before it is read, so a hostile file cannot exhaust memory.

A saved web page has its own limit (``html.MAX_PAGE_BYTES``: pages carry markup and embedded
media); plain text and Markdown are words only, and a text of 16 MB is some ten novels. Reading
a 200 MB one-line text file took over 3 GB before it failed with a MemoryError; refusing it by
its size, with a message saying what to do, costs nothing.
"""

from __future__ import annotations

from pathlib import Path

from bundler.errors import ImportError_

MAX_TEXT_BYTES = 16 * 1024 * 1024
_MB = 1024 * 1024


def read_bounded(path: Path, limit: int, refusal: str, code: str, hint: str) -> bytes:
    """The bytes of ``path``, refused by its size before they are read (``refusal`` ends the message:
    "... MB; <refusal> over N MB are not imported"), so a hostile file never reaches memory."""
    size = path.stat().st_size
    if size > limit:
        raise ImportError_(
            f"{path.name} is {size / _MB:,.0f} MB; {refusal} over {limit // _MB} MB are not imported",
            code=code,
            file=str(path),
            hint=hint,
        )
    return path.read_bytes()


def read_text_source(path: Path, kind: str) -> bytes:
    """The bytes of a plain-text or Markdown source (``kind`` names it), refused by size before they are read."""
    return read_bounded(
        path, MAX_TEXT_BYTES, f"{kind} files", "E831", "split it into several files (one per article or chapter) and import those"
    )
