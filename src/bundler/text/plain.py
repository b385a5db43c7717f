"""Plain-text helpers shared by importers and exporters: slugs, hashing, scripts.

Language tags and detection live in ``bundler.text.language``; their names are re-exported here for
existing callers.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path

from bundler.text.language import count_scripts, detect_language, direction_of

__all__ = ["count_scripts", "detect_language", "direction_of", "has_arabic", "sha256_bytes", "sha256_file", "slugify", "word_count"]

_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
_IDEOGRAPH = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def slugify(text: str, fallback: str = "piece", limit: int = 60) -> str:
    """A lower-case ASCII slug that is also a valid XML name, for file names and ids (NCX, nav, XHTML).

    Any script is transliterated (anyascii: Arabic, Chinese, Cyrillic, ... become readable
    Latin letters; chosen over Unidecode for its ISC licence and wider coverage). A slug
    must start with a letter (EPUBCheck rejects an NCX id "10-things", RSC-005), so one that
    starts with a digit gets a word in front: ``fallback`` when it is a plain word (a caller's
    "section" or "dossier"), else "piece". Text with nothing to transliterate gives ``fallback``.
    """
    slug = _ascii_slug(text)[:limit].rstrip("-") or _ascii_slug(fallback)[:limit].rstrip("-") or "piece"
    if not slug[0].isalpha():
        slug = f"{fallback if re.fullmatch('[a-z]+', fallback) else 'piece'}-{slug}"
    return slug


def _ascii_slug(text: str) -> str:
    from anyascii import anyascii

    text = _IDEOGRAPH.sub(lambda m: f" {m.group(0)} ", unicodedata.normalize("NFKC", text))  # one word per syllable
    ascii_text = anyascii(text).replace("'", "")  # "Traveler’s" -> "travelers", not "traveler-s"
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


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


def site_host(host: str) -> str:
    """A URL's host (or ``netloc``) as the site it names: lower case, without a leading ``www.``.

    ``www.example.org`` and ``example.org`` are one site to a reader; the site rules, the
    teaser cards' same-site test and the in-book links between pieces all compare hosts so."""
    return host.lower().removeprefix("www.")


def has_arabic(text: str) -> bool:
    """True when ``text`` contains Arabic-script letters."""
    return bool(_ARABIC.search(text))


def word_count(text: str) -> int:
    """Words in ``text`` (runs of letters or digits), script-neutral."""
    return len(re.findall(r"\w+", text))
