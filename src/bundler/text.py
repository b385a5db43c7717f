"""Plain-text helpers shared by importers and exporters: slugs, hashing, scripts.

Language tags and detection live in ``bundler.language``; their names are re-exported here for
existing callers.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path

from bundler.language import count_scripts, detect_language, direction_of

__all__ = ["count_scripts", "detect_language", "direction_of", "has_arabic", "sha256_bytes", "sha256_file", "slugify", "word_count"]

_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")


def slugify(text: str, fallback: str = "piece", limit: int = 60) -> str:
    """A file-name-safe, ASCII, lower-case slug; Arabic titles fall back to ``fallback``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:limit].rstrip("-") or fallback


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of bytes."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file, read in chunks so huge files do not fill memory."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def has_arabic(text: str) -> bool:
    """True when ``text`` contains Arabic-script letters."""
    return bool(_ARABIC.search(text))


def word_count(text: str) -> int:
    """Words in ``text`` (runs of letters or digits), script-neutral."""
    return len(re.findall(r"\w+", text))
