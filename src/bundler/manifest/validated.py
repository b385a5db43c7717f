"""A manifest found valid is not validated again until it, a file it names, or bundler changes.

Validating a 200-piece manifest cost a warm build about a quarter of a second: each named file
resolved inside the collection and sniffed, and every language tag checked against the BCP 47
registry (``langcodes`` loads its tables for that, ~0.15 s). A clean result is remembered in the
collection's cache under a key made of the manifest's text, the formats its editions may name,
bundler's code (``code_digest``) and the state of every file it names (device, inode and type,
read through symlinks, so a removed or replaced file or a retargeted link misses; see
``_file_state`` for edits in place). Only "no problems" is remembered: a manifest with problems
is validated each time, so its messages are always the validator's own.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from bundler.cache import make_key, open_cache
from bundler.errors import Problem
from bundler.importers import sources
from bundler.manifest.document import Manifest
from bundler.manifest.editions import FormatTable
from bundler.manifest.schema import named_files, validate_manifest
from bundler.resources import code_digest


def validate_remembered(manifest: Manifest, formats: FormatTable) -> list[Problem]:
    """``validate_manifest``, skipped when this very manifest, with these files, was found valid before."""
    cache = open_cache(manifest.root)
    key = validation_key(manifest, formats)
    if cache.find(key, ".valid", "manifest validation") is not None:
        return []
    problems = validate_manifest(manifest, formats)
    if not problems:
        try:
            cache.store_bytes(key, b"valid\n", ".valid")
        except OSError:  # a read-only collection still builds, validated every time
            pass
    return problems


def validation_key(manifest: Manifest, formats: FormatTable) -> str:
    """Everything the validator's verdict depends on, as one cache key."""
    files = [(key, path, _file_state(manifest.root, path)) for key, path, _ in named_files(manifest)]
    cover = manifest.data.get("cover")
    if isinstance(cover, str):
        files.append(("cover", cover, _file_state(manifest.root, cover)))
    return make_key("manifest-valid", manifest.text, str(manifest.root.resolve()), sorted(formats), code_digest(), files)


def _file_state(root: Path, name: str) -> list[int] | str:
    """What a change to the named file (or to a link on its way) changes; a missing or odd path by its error.

    A file whose name tells its importer keeps its state when its text is edited in place (the
    validator never reads it), so a one-piece edit is not validated again; a file the importer
    is chosen for by sniffing its first bytes counts its size and modification time too.
    """
    path = root / name
    try:
        status = os.stat(path)
        link = os.path.islink(path)
    except (OSError, ValueError) as exc:
        return type(exc).__name__
    state = [status.st_dev, status.st_ino, stat.S_IFMT(status.st_mode), int(link)]
    lowered = name.lower()
    if not any(lowered.endswith(suffix) for source in sources().values() for suffix in source.suffixes):
        state += [status.st_size, status.st_mtime_ns]
    return state
