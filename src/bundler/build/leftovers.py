"""Leftovers of killed builds: temporary files and folders swept at the start of the next build.

Every temporary name a writer makes carries its process id (``.NAME.PID-xxxx.part`` beside an
edition or an imported original or piece, ``.part-PID-xxxx`` in the cache, ``bundler-pdf-PID-xxxx``
in the temporary folder, ``.bag-PID-xxxx`` beside bags),
so a build removes only what a dead process left: a live build's files, however old, are kept.
Names without a process id (from older bundlers) are removed once they are an hour old.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from pathlib import Path

#: A temporary name's writer: ``.NAME.PID-`` (editions), ``.part-PID-`` (cache), ``bundler-KIND-PID-`` (temporary folder).
_EDITION_PART = re.compile(r"^\..+\.(?:(\d+)-)?[^.]*\.part$")
_CACHE_PART = re.compile(r"^\.part-(?:(\d+)-)?")
_OLD_CACHE_PART = re.compile(r"^\.img\.|\.part$")
_TEMPORARY = re.compile(r"^bundler-(?:pdf|images|media)-(\d+)-")
#: The folder a build stages its editions in: ``.staging-PID-`` (``.staging-`` alone from older bundlers).
_STAGING = re.compile(r"^\.staging-(\d+)-")
_OLD_STAGING = re.compile(r"^\.staging-")
#: An original or piece an import was writing: ``.NAME.PID-xxxx.part`` (always with its writer's id: these
#: folders hold the user's own files, so nothing unattributed is touched there).
_IMPORT_PART = re.compile(r"^\..+\.(\d+)-[^.]*\.part$")
#: A bag being put together in its output folder: ``.bag-PID-`` (``.bag-`` alone from older bundlers).
_BAG_STAGING = re.compile(r"^\.bag-(\d+)-")
_OLD_BAG_STAGING = re.compile(r"^\.bag-")
#: Unattributed leftovers this old are an older bundler's; younger ones may belong to a running one.
UNATTRIBUTED_AGE = 3600.0
#: The cache's folders that writers put temporary files in.
_CACHE_FOLDERS = ("imports", "images", "images/by-content", "media")


def process_alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine (ours or another user's)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_output(folder: Path) -> list[Path]:
    """Remove what killed builds left beside the editions: ``.NAME.PID-xxxx.part`` files and ``.staging-PID-xxxx`` folders.

    A build killed while writing its editions left its staging folder, with the editions it had
    finished under their final names, in the output folder for good; returns what was removed.
    """
    return _sweep(folder, _EDITION_PART) + _sweep(folder, _STAGING, _OLD_STAGING)


def sweep_import_parts(folder: Path) -> list[Path]:
    """Remove the ``.NAME.PID-xxxx.part`` files and folders killed imports left in ``sources/`` or ``pieces/``; returns them."""
    return _sweep(folder, _IMPORT_PART)


def sweep_bag_staging(folder: Path) -> list[Path]:
    """Remove the ``.bag-PID-xxxx`` folders killed ``bag`` runs left in the bags' folder (a whole build each); returns them."""
    return _sweep(folder, _BAG_STAGING, _OLD_BAG_STAGING)


def sweep_cache(root: Path) -> list[Path]:
    """Remove the temporary files and folders killed builds left in the cache; returns them."""
    swept: list[Path] = []
    values = root / "values"
    buckets = [entry for entry in _entries(values) if entry.is_dir()]
    for folder in [*buckets, *(root / name for name in _CACHE_FOLDERS)]:
        swept += _sweep(folder, _CACHE_PART, _OLD_CACHE_PART)
    return swept


def sweep_temporary() -> list[Path]:
    """Remove the scratch folders killed builds left in the temporary folder (PDF parts, --no-cache images)."""
    return _sweep(Path(tempfile.gettempdir()), _TEMPORARY)


def _entries(folder: Path) -> list[os.DirEntry]:
    try:
        with os.scandir(folder) as found:
            return list(found)
    except OSError:  # missing, or unreadable: nothing to sweep there
        return []


def _sweep(folder: Path, attributed: re.Pattern[str], unattributed: re.Pattern[str] | None = None) -> list[Path]:
    swept = []
    now = time.time()
    for entry in _entries(folder):
        match = attributed.match(entry.name)
        old = match is None and unattributed is not None and unattributed.search(entry.name)
        if not match and not old:
            continue
        pid = match.group(1) if match else None
        if pid is not None and process_alive(int(pid)):
            continue
        if pid is None and not _older_than(entry, now - UNATTRIBUTED_AGE):
            continue
        if _remove(Path(entry.path)):
            swept.append(Path(entry.path))
    return swept


def _older_than(entry: os.DirEntry, moment: float) -> bool:
    try:
        return entry.stat(follow_symlinks=False).st_mtime < moment
    except OSError:
        return False


def _remove(path: Path) -> bool:
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    except OSError:  # read-only, or gone meanwhile: the next build tries again
        return False
    return True
