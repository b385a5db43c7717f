"""Raw sources named by the manifest are imported once and kept under ``<collection>/.cache/``.

The key is the source's SHA-256, the importer's name and version, the import options and a
digest of the code that imports (``import_code_digest``: the importers, the cleaning rules and
code, the text helpers, and the extraction libraries' versions), so an edited source, a changed
rule or importer, a new trafilatura or a changed override all import afresh. The local files the
source can read (a saved page's photos) are not in the key, since they are only known by
reading the page: each entry records them with their SHA-256 in ``source-files.json`` and is
imported afresh when one changed, disappeared or (a named photo) appeared. Cached pieces use
the ``piece.json`` storage format; a damaged or stale entry is ignored and rewritten.

Each entry carries ``entry.json``: the SHA-256 of its ``piece.json`` and ``source-files.json``
and the size and modification time of each photo (whose name is its own SHA-256), itself
checksummed. An entry is verified before it is used; a damaged one (truncated, zeroed,
garbled) is discarded and imported again with a W701 warning. A photo whose size or time
changed is hashed and must still match its name.

A copied or checked-out collection (or a copied cache) gives every file new times, so each
source's photos, and the entry's own, are hashed to confirm them; the entry's stat records (in
``source-files.json`` and ``entry.json``, with the record's hashes and checksum) are then
rewritten (``_refresh_entry``), so only the first build after the copy pays for those hashes.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from functools import cache
from pathlib import Path

from bundler import __version__
from bundler.cache import DamageLog, checksum_path, hash_bytes, part_name, sha256_of_file, verify_file, write_checksum
from bundler.cleaning.stored import passes_unchanged
from bundler.errors import BundlerError, naming
from bundler.files import plain_mode, write_atomically
from bundler.importers import ImportOptions, find_source, read_piece
from bundler.importers.piece import MEDIA_FOLDER, PIECE_FILE, read_stored_piece, write_piece
from bundler.manifest.source_files import FileStats, Fingerprint, confirm_source_files, fingerprint_source_files
from bundler.model import Piece, piece_from_data
from bundler.resources import installed_versions
from bundler.text.plain import sha256_file

IMPORTS_FOLDER = "imports"
SOURCE_FILES = "source-files.json"
SOURCE_FILES_FORMAT = "bundler-source-files"
ENTRY_RECORD = "entry.json"
ENTRY_FORMAT = "bundler-import-entry"
_KIND = "imported piece"


#: bundler's sources that decide what an import produces (relative to the package), rules files included.
IMPORT_CODE = (
    "importers",
    "cleaning",
    "cleaning/blocks.py",
    "text/encoding.py",
    "text/plain.py",
    "text/language.py",
    "text/typography.py",
    "text/dates.py",
    "model.py",
    "text/bidi.py",
)
#: Libraries whose version can change an imported piece (extraction, parsing, repair, image probing).
IMPORT_LIBRARIES = (
    "trafilatura",
    "py3langid",
    "jusText",
    "htmldate",
    "dateparser",
    "courlan",
    "lxml",
    "lxml_html_clean",
    "beautifulsoup4",
    "soupsieve",
    "charset-normalizer",
    "ftfy",
    "markdown-it-py",
    "mdit-py-plugins",
    "warcio",
    "Pillow",
    "PyYAML",
)


def cache_key(path: Path, options: ImportOptions) -> str:
    """Source bytes + importer + version + options + the importing code: the same key means the same imported piece."""
    name, source = find_source(path)
    version = str(source.extra.get("version") or __version__)
    parts = [sha256_file(path), name, version, options.language, options.source_label, options.base_url, import_code_digest()]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:40]


@cache
def import_code_digest() -> str:
    """A digest of everything but the source that shapes an imported piece; computed once per process.

    Without it a changed cleaning rule (``cleaning/rules/*.yaml``) or importer kept serving the
    pieces the old code made, while ``--no-cache`` made new ones.
    """
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for name in IMPORT_CODE:
        root = package / name
        files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".py", ".yaml")) if root.is_dir() else [root]
        for file in files:
            digest.update(file.relative_to(package).as_posix().encode() + b"\0" + file.read_bytes() + b"\0")
    for library, installed in installed_versions(IMPORT_LIBRARIES).items():
        digest.update(f"{library}={installed or 'none'};".encode())
    return digest.hexdigest()


def read_cached_piece(path: Path, options: ImportOptions, cache_root: Path) -> Piece:
    """Import ``path`` or reuse the cached result; stored pieces are read directly.

    A damaged entry is reported to ``options.damage`` (W701) and imported again.
    """
    if path.name.lower().endswith(PIECE_FILE) or not path.is_file():
        return read_piece(path, options)  # a stored piece is read directly; a missing file raises a located "file not found"
    folder = cache_root / IMPORTS_FOLDER / cache_key(path, options)
    cached = _cached_entry(path, folder, options)
    if cached is not None:
        return cached
    # fingerprint before importing: a photo replaced meanwhile then fails the next check instead of hiding
    stats: FileStats = {}
    fingerprint = fingerprint_source_files(path, find_source(path)[0], stats)
    piece = read_piece(path, options)
    _store(piece, fingerprint, stats, folder)
    return piece


def find_cached_piece(path: Path, options: ImportOptions, cache_root: Path) -> Piece | None:
    """The cached import of ``path``, or None when it must be imported (a miss, a stale or damaged entry).

    Cheap (the source hashed, the entry verified, one JSON file read), so the build asks this
    in its own process first and starts import workers only for the misses: a warm build of
    200 pieces then starts none. A damaged entry is reported to ``options.damage`` (W701).
    """
    if path.name.lower().endswith(PIECE_FILE) or not path.is_file():
        return None
    try:
        folder = cache_root / IMPORTS_FOLDER / cache_key(path, options)
    except (BundlerError, OSError):  # not a source bundler reads, or unreadable: the import reports it
        return None
    return _cached_entry(path, folder, options)


def _cached_entry(path: Path, folder: Path, options: ImportOptions) -> Piece | None:
    """The piece stored in ``folder`` when the entry is intact and the source's files unchanged; a bad entry is removed."""
    if not (folder / PIECE_FILE).is_file():
        if folder.exists():  # a stored entry always has its piece: this is what a refresh cut short by another build left
            shutil.rmtree(folder, ignore_errors=True)
        return None
    intact = _intact_record(folder, options.damage)
    sources = _confirmed_source_files(path, folder) if intact is not None else None
    if intact is not None and sources is not None:
        record, media = intact
        checked = record.get("checked") is True and PIECE_FILE in record["files"]  # its hash was just verified
        try:  # "checked": these bytes passed the sanitiser unchanged when they were stored
            piece = read_stored_piece(folder / PIECE_FILE, ImportOptions(), checked=checked)
        except BundlerError:
            pass
        else:
            _refresh_entry(folder, record, media, *sources)
            return piece
    shutil.rmtree(folder, ignore_errors=True)
    return None


def _confirmed_source_files(path: Path, folder: Path) -> tuple[dict, FileStats] | None:
    """The entry's record of local files, and the stats that now vouch for it, when the files still match; else None.

    An entry without a record (older bundler) is stale; a record whose stats are malformed is
    checked by hashing every file.
    """
    try:
        document = json.loads((folder / SOURCE_FILES).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    files = document.get("files") if isinstance(document, dict) and document.get("format") == SOURCE_FILES_FORMAT else None
    if not isinstance(files, dict):
        return None
    stats = document.get("stats")
    valid = isinstance(stats, dict) and all(isinstance(v, list) and len(v) == 5 and all(type(n) is int for n in v) for v in stats.values())
    confirmed = confirm_source_files(path, files, stats if valid else None)
    return None if confirmed is None else (document, confirmed)


def _refresh_entry(folder: Path, record: dict, media: dict[str, list[int]], document: dict, stats: FileStats) -> None:
    """Store the stat records that hashes just confirmed, so the next build compares stats instead of hashing.

    Only when some changed (a copied or checked-out collection, a copied cache). The record's
    checksum is removed first: until the new one is in place the entry reads as an older
    bundler's (a miss, imported again), so a refresh cut short is never taken for damage (W701).
    A refresh that cannot write (a read-only cache) leaves the entry as it was, still valid.
    """
    if media == record["media"] and stats == document.get("stats"):
        return
    try:
        checksum_path(folder / ENTRY_RECORD).unlink()
        sources = _json_bytes({**document, "stats": stats})
        write_atomically(folder / SOURCE_FILES, lambda temporary: temporary.write_bytes(sources), prefix=part_name(), suffix="")
        _write_record(folder, {**record, "files": {**record["files"], SOURCE_FILES: hash_bytes(sources)}, "media": media})
    except OSError:
        pass


def _intact_record(folder: Path, damage: DamageLog) -> tuple[dict, dict[str, list[int]]] | None:
    """The entry's record, and its photos' stats now, when every file of the entry is as it was stored, else None.

    A damaged entry is reported (W701).
    """
    record_path = folder / ENTRY_RECORD
    if not record_path.is_file() or not verify_file(record_path, _KIND, damage):
        return None  # no record: an entry of an older bundler (a miss); a damaged one was reported
    try:
        record = json.loads(record_path.read_text(encoding="utf-8"))
        files, media = record["files"], record["media"]
        if not isinstance(files, dict) or not isinstance(media, dict):
            return None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    for name, expected in files.items():
        if _file_sha256(folder / name) != expected:
            damage.report(folder / name, _KIND, "its content does not match the entry's record")
            return None
    stats: dict[str, list[int]] = {}
    for name, stat in media.items():
        stats[name] = _photo_intact(folder / name, stat)
        if not stats[name]:
            damage.report(folder / name, "cached photo", "its content does not match its name")
            return None
    return record, stats


def _stored_piece_clean(path: Path) -> bool:
    """Whether the ``piece.json`` just written reads back as a piece the sanitiser leaves unchanged."""
    try:
        return passes_unchanged(piece_from_data(json.loads(path.read_text(encoding="utf-8"))["piece"]))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False


def _file_sha256(path: Path) -> str:
    try:
        return sha256_of_file(path)
    except OSError:
        return ""


def _photo_stat(path: Path) -> list[int]:
    status = path.stat()
    return [status.st_size, status.st_mtime_ns]


def _photo_intact(path: Path, recorded: list[int]) -> list[int]:
    """The photo's stat when it is intact, else ``[]``.

    A photo untouched since it was stored is trusted; one that was touched is hashed (its name
    starts with its hash).
    """
    try:
        now = _photo_stat(path)
    except OSError:
        return []
    if now == recorded or _file_sha256(path).startswith(path.stem):
        return now
    return []


def _record_entry(staging: Path) -> None:
    """Write ``entry.json`` (and its checksum): what the entry's files must still be when it is read.

    ``checked`` says the stored ``piece.json`` passes the sanitiser unchanged (``write_piece`` has
    checked it is well-formed): a build reading these bytes back, verified against ``files``, skips both.
    """
    files = {name: sha256_of_file(staging / name) for name in (PIECE_FILE, SOURCE_FILES)}
    photos = sorted((staging / MEDIA_FOLDER).glob("*")) if (staging / MEDIA_FOLDER).is_dir() else []
    media = {photo.relative_to(staging).as_posix(): _photo_stat(photo) for photo in photos}
    checked = _stored_piece_clean(staging / PIECE_FILE)
    _write_record(staging, {"format": ENTRY_FORMAT, "version": 1, "files": files, "media": media, "checked": checked})


def _write_record(folder: Path, record: dict) -> None:
    """``entry.json`` written whole, then its checksum."""
    data = (json.dumps(record, indent=1, sort_keys=True) + "\n").encode("utf-8")
    write_atomically(folder / ENTRY_RECORD, lambda temporary: temporary.write_bytes(data), prefix=part_name(), suffix="")
    write_checksum(folder / ENTRY_RECORD, hash_bytes(data))


def _json_bytes(document: dict) -> bytes:
    """``source-files.json``'s bytes: the one spelling used when an entry is stored and when it is refreshed."""
    return (json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def _store(piece: Piece, fingerprint: Fingerprint, stats: FileStats, folder: Path) -> None:
    """Write the entry beside its final place, then rename, so a crash never leaves half an entry."""
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=part_name(), dir=folder.parent))
    except OSError as exc:
        raise naming(exc, folder.parent) from exc
    staging.chmod(plain_mode(folder=True))
    try:
        write_piece(piece, staging, link_within=folder.parent.parent)  # photos in the cache's media/: linked
        record = {"format": SOURCE_FILES_FORMAT, "version": 1, "files": fingerprint, "stats": stats}
        (staging / SOURCE_FILES).write_bytes(_json_bytes(record))
        _record_entry(staging)
        try:
            staging.rename(folder)
        except OSError:  # another build stored it first
            pass
    except OSError as exc:
        raise naming(exc, folder) from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
