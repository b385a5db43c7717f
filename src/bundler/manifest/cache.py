"""Raw sources named by the manifest are imported once and kept under ``<collection>/.cache/``.

The key is the source's SHA-256, the importer's name and version, the language detector's
version (its model decides a piece's language) and the import options, so an edited source, a
new importer or detector, or a changed override all import afresh. The local files the
source can read (a saved page's photos) are not in the key, since they are only known by
reading the page: each entry records them with their SHA-256 in ``source-files.json`` and is
imported afresh when one changed, disappeared or (a named photo) appeared. Cached pieces use
the ``piece.json`` storage format; a damaged or stale entry is ignored and rewritten.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from functools import cache
from pathlib import Path

from bundler import __version__
from bundler.errors import BundlerError
from bundler.importers import FINISH_VERSION, ImportOptions, find_source, read_piece
from bundler.importers.piece import PIECE_FILE, read_stored_piece, write_piece
from bundler.manifest.source_files import FileStats, Fingerprint, fingerprint_source_files, source_files_unchanged
from bundler.model import Piece
from bundler.resources import installed_versions
from bundler.text import sha256_file

IMPORT_LIBRARIES = ("py3langid",)  # libraries whose upgrade changes what an import gives
IMPORTS_FOLDER = "imports"
SOURCE_FILES = "source-files.json"
SOURCE_FILES_FORMAT = "bundler-source-files"


def cache_key(path: Path, options: ImportOptions) -> str:
    """Source bytes + importer + version + options: the same key means the same imported piece."""
    name, source = find_source(path)
    version = str(source.extra.get("version") or __version__)
    parts = [
        sha256_file(path),
        name,
        version,
        FINISH_VERSION,
        options.language,
        options.source_label,
        options.base_url,
        _import_libraries(),
    ]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:40]


@cache
def _import_libraries() -> dict[str, str | None]:
    """The versions of IMPORT_LIBRARIES, looked up once per process (a lookup scans site-packages)."""
    return installed_versions(IMPORT_LIBRARIES)


def read_cached_piece(path: Path, options: ImportOptions, cache_root: Path) -> Piece:
    """Import ``path`` or reuse the cached result; stored pieces are read directly."""
    if path.name.lower().endswith(PIECE_FILE):
        return read_piece(path, options)
    if not path.is_file():
        return read_piece(path, options)  # raises a located "file not found"
    folder = cache_root / IMPORTS_FOLDER / cache_key(path, options)
    if (folder / PIECE_FILE).is_file():
        if _source_files_unchanged(path, folder):
            try:
                return read_stored_piece(folder / PIECE_FILE, ImportOptions())
            except BundlerError:
                pass
        shutil.rmtree(folder, ignore_errors=True)
    # fingerprint before importing: a photo replaced meanwhile then fails the next check instead of hiding
    stats: FileStats = {}
    fingerprint = fingerprint_source_files(path, find_source(path)[0], stats)
    piece = read_piece(path, options)
    _store(piece, fingerprint, stats, folder)
    return piece


def _source_files_unchanged(path: Path, folder: Path) -> bool:
    """The entry's recorded local files still match; an entry without a record (older bundler) is stale."""
    try:
        document = json.loads((folder / SOURCE_FILES).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    files = document.get("files") if isinstance(document, dict) and document.get("format") == SOURCE_FILES_FORMAT else None
    if not isinstance(files, dict):
        return False
    stats = document.get("stats")
    valid = isinstance(stats, dict) and all(isinstance(v, list) and len(v) == 5 and all(type(n) is int for n in v) for v in stats.values())
    return source_files_unchanged(path, files, stats if valid else None)


def _store(piece: Piece, fingerprint: Fingerprint, stats: FileStats, folder: Path) -> None:
    """Write the entry beside its final place, then rename, so a crash never leaves half an entry."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".part-", dir=folder.parent))
    staging.chmod(0o755)
    try:
        write_piece(piece, staging, link_within=folder.parent.parent)  # photos in the cache's media/: linked
        record = {"format": SOURCE_FILES_FORMAT, "version": 1, "files": fingerprint, "stats": stats}
        (staging / SOURCE_FILES).write_text(json.dumps(record, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        try:
            staging.rename(folder)
        except OSError:  # another build stored it first
            pass
    finally:
        shutil.rmtree(staging, ignore_errors=True)
