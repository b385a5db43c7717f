"""The local files a page or Markdown source can pull in (its photos), fingerprinted for the import cache.

The import cache is keyed by the source's bytes, but a saved page's photos live beside it: the
importer reads an image from a relative ``src`` inside the page's folder, or finds a remote one
by file name in a browser's ``*_files/`` folder (``bundler.cleaning.media``). Rather than re-run
the importer's rules, every address-like string in the source is tried the same two ways; the
result is a superset of what the importer can read, so a cached piece is never reused after one
of its photos changed. The price of the superset is at worst a spare re-import when a sibling
file that a page merely links to changes.

Files are compared by SHA-256, not size and mtime alone: a photo restored from a backup or
copied with ``cp -p``/``rsync -t`` keeps an old mtime, and a checkout or copy gives an unchanged
photo a new one. Hashing every photo on every build costs a warm build a tenth of a second per
200 MB, so, as git does, a file whose size, mtime, ctime, inode and device are all exactly as
recorded is taken as unchanged: nothing can write a file without moving its ctime, which no
tool can set back. A file that had just changed when it was recorded could change again within
the same timestamp tick ("racy" in git's words), so such files get no stat record and are
always hashed. A file hashed and found unchanged gets its current stat record (``confirm_source_files``),
which the import cache stores: a copied or checked-out collection hashes its photos once, not on every build.
"""

from __future__ import annotations

import html
import re
import time
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from bundler.importers import sources
from bundler.text.encoding import decode_bytes
from bundler.text.plain import sha256_file

# Importers that read files beside the source (text has no images; WARC carries its own).
LOCAL_FILE_SOURCES = frozenset({"html", "markdown"})
# A reference with one of these suffixes that names no file yet is recorded as absent, so a
# photo added later (after a build warned that it was missing) is noticed too.
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".tif", ".tiff", ".bmp", ".svg")
# attribute values only (after "="): quotes in the prose must not pair up with an attribute's quotes
_ATTRIBUTE = re.compile(r"=\s*(?:\"([^\"]{0,2048})\"|'([^']{0,2048})'|([^\s\"'<>=`]{1,2048}))")
_MARKDOWN_TARGET = re.compile(r"\]\(\s*(?:<([^>\n]{1,2048})>|([^\s)]{1,2048}))")
_MARKDOWN_DEFINITION = re.compile(r"^ {0,3}\[[^\]\n]+\]:\s*<?([^\s>]{1,2048})", re.MULTILINE)
#: Each pattern with a string every match of it contains. A pattern anchored at line starts has no literal
#: prefix for the regex engine to search for, so it is tried at every position of the text; a web page seldom
#: contains "]:" at all (a Markdown file with reference links always does), and then the scan is skipped.
_PATTERNS = ((_ATTRIBUTE, "="), (_MARKDOWN_TARGET, "]("), (_MARKDOWN_DEFINITION, "]:"))

Fingerprint = dict[str, str | None]  # path relative to the source's folder -> SHA-256, or None: absent
FileStats = dict[str, list[int]]  # path relative to the source's folder -> size, mtime_ns, ctime_ns, inode, device
#: A file changed less than this long before it was recorded is always hashed (see above).
RACY_SECONDS = 2.0


def fingerprint_source_files(path: Path, source_name: str, stats: FileStats | None = None) -> Fingerprint:
    """Every local file ``path`` may read, with its SHA-256 (None for a named photo that is missing).

    ``stats``, when given, receives each hashed file's stat record, if the file held still while
    it was hashed and is not racy.
    """
    if source_name not in LOCAL_FILE_SOURCES:
        return {}
    try:
        raw = path.read_bytes()
    except OSError:
        return {}  # the import that follows reports it, with the file's name
    folder = path.parent.resolve()
    saved_folders = [p for p in folder.glob("*_files") if p.is_dir()]
    other_sources = _source_suffixes()
    found: Fingerprint = {}
    for address in _addresses(_source_text(raw)):
        for candidate in _candidates(address, folder, saved_folders):
            relative = candidate.relative_to(folder).as_posix()
            if relative in found or candidate.name.lower().endswith(other_sources):
                continue  # a linked page is not read by the importer
            if _is_file(candidate):
                before = _stat_record(candidate)
                found[relative] = sha256_file(candidate)
                settled = _settled(candidate, before)
                if stats is not None and settled is not None:
                    stats[relative] = settled
            elif candidate.suffix.lower() in IMAGE_SUFFIXES:
                found[relative] = None
    return dict(sorted(found.items()))


def source_files_unchanged(path: Path, recorded: Fingerprint, stats: FileStats | None = None) -> bool:
    """True when every file in ``recorded`` still holds the same bytes (or is still absent).

    A file whose stat matches its record in ``stats`` exactly is not read again.
    """
    return confirm_source_files(path, recorded, stats) is not None


def confirm_source_files(path: Path, recorded: Fingerprint, stats: FileStats | None = None) -> FileStats | None:
    """The stat records that now vouch for ``recorded``, or None when a file changed (or is not this module's).

    A file whose stat matches its record in ``stats`` keeps it and is not read; one that had to be
    hashed (its times moved: a copy, a checkout, ``touch``) and still holds its bytes gets its
    current record, if it held still while hashed and is not racy, so storing the result spares
    the next check that hash.
    """
    folder = path.parent.resolve()
    stats = stats or {}
    confirmed: FileStats = {}
    for relative, digest in recorded.items():
        if not isinstance(relative, str) or PurePosixPath(relative).is_absolute() or ".." in PurePosixPath(relative).parts:
            return None  # not something this module wrote
        candidate = folder / PurePosixPath(relative)
        now = _stat_record(candidate) if digest is not None else None
        if now is not None and stats.get(relative) == now:
            confirmed[relative] = now  # untouched since it was hashed
            continue
        current = sha256_file(candidate) if _is_file(candidate) else None
        if current != digest:
            return None
        settled = _settled(candidate, now)
        if settled is not None:
            confirmed[relative] = settled
    return confirmed


def _is_file(path: Path) -> bool:
    """Like ``Path.is_file``, but an address no file system can hold (a name too long) is simply no file."""
    try:
        return path.is_file()
    except OSError:
        return False


def _stat_record(path: Path) -> list[int] | None:
    try:
        found = path.stat()
    except OSError:
        return None
    return [found.st_size, found.st_mtime_ns, found.st_ctime_ns, found.st_ino, found.st_dev]


def _settled(path: Path, before: list[int] | None) -> list[int] | None:
    """``before``, the stat taken before ``path`` was hashed, when the file held still and is not racy; else None."""
    if before is None or _racy(before) or _stat_record(path) != before:
        return None
    return before


def _racy(record: list[int]) -> bool:
    """Changed so recently that another change within the same timestamp tick would not show."""
    return time.time_ns() - max(record[1], record[2]) < RACY_SECONDS * 1_000_000_000


def _source_suffixes() -> tuple[str, ...]:

    return tuple(sorted({suffix for source in sources().values() for suffix in source.suffixes}))


def _source_text(raw: bytes) -> str:
    """The source as text: UTF-8 almost always; otherwise the importer's own detection."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return decode_bytes(raw)[0]


def _addresses(text: str) -> set[str]:
    """Every string that could be an image address: attribute values, Markdown targets, srcset parts."""
    found: set[str] = set()
    for pattern, needs in _PATTERNS:
        if needs not in text:  # the pattern cannot match (its scan of a 300 KB page costs ~3 ms)
            continue
        for match in pattern.finditer(text):
            value = html.unescape(next(group for group in match.groups() if group is not None)).strip()
            if not value:
                continue
            found.add(value)
            for part in value.split(","):  # srcset: "a.jpg 1x, b.jpg 2x"
                words = part.split()
                if words:
                    found.add(words[0])
    return found


def _candidates(address: str, folder: Path, saved_folders: list[Path]) -> list[Path]:
    """Where the importer looks for ``address``: a relative one inside the page's folder, a remote one by name in ``*_files/``."""
    try:
        parts = urlsplit(address)
    except ValueError:
        return []
    if parts.scheme not in {"", "file", "http", "https"}:
        return []
    local_path = unquote(parts.path)
    if not local_path:
        return []
    if parts.scheme in {"", "file"} and not address.startswith("//"):
        return _inside(folder, local_path)
    name = PurePosixPath(local_path).name  # a remote address: the browser's saved copy, by file name
    return [saved / name for saved in saved_folders if name and _is_file(saved / name)]


def _inside(folder: Path, local_path: str) -> list[Path]:
    """``local_path`` resolved against the page's folder, kept only if it stays inside it."""
    try:
        candidate = Path(local_path).resolve() if local_path.startswith("/") else (folder / local_path).resolve()
        candidate.relative_to(folder)
    except (ValueError, OSError, RuntimeError):
        return []
    return [candidate] if candidate != folder else []
