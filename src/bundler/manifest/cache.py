"""Raw sources named by the manifest are imported once and kept under ``<collection>/.cache/``.

The key is the source's SHA-256, the importer's name and version, and the import options, so
an edited source, a new importer or a changed override all import afresh. Cached pieces use
the ``piece.json`` storage format; a damaged cache entry is ignored and rewritten.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from pathlib import Path

from bundler import __version__
from bundler.errors import BundlerError
from bundler.importers import ImportOptions, find_source, read_piece
from bundler.importers.piece import PIECE_FILE, read_stored_piece, write_piece
from bundler.model import Piece
from bundler.text import sha256_file

CACHE_FOLDER = ".cache"
IMPORTS_FOLDER = "imports"


def cache_key(path: Path, options: ImportOptions) -> str:
    """Source bytes + importer + version + options: the same key means the same imported piece."""
    name, source = find_source(path)
    version = str(source.extra.get("version") or __version__)
    parts = [sha256_file(path), name, version, options.language, options.source_label, options.base_url]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:40]


def read_cached_piece(path: Path, options: ImportOptions, cache_root: Path) -> Piece:
    """Import ``path`` or reuse the cached result; stored pieces are read directly."""
    if path.name.lower().endswith(PIECE_FILE):
        return read_piece(path, options)
    if not path.is_file():
        return read_piece(path, options)  # raises a located "file not found"
    folder = cache_root / IMPORTS_FOLDER / cache_key(path, options)
    if (folder / PIECE_FILE).is_file():
        try:
            return read_stored_piece(folder / PIECE_FILE, ImportOptions())
        except BundlerError:
            shutil.rmtree(folder, ignore_errors=True)
    piece = read_piece(path, options)
    _store(piece, folder)
    return piece


def _store(piece: Piece, folder: Path) -> None:
    """Write the entry beside its final place, then rename, so a crash never leaves half an entry."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".part-", dir=folder.parent))
    staging.chmod(0o755)
    try:
        write_piece(piece, staging)
        try:
            staging.rename(folder)
        except OSError:  # another build stored it first
            pass
    finally:
        shutil.rmtree(staging, ignore_errors=True)
