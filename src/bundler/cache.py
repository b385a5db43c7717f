"""A content-addressed on-disk cache, so a rebuild redoes only what changed.

A key is the SHA-256 of (kind, bundler version, the inputs' hashes, the options that matter),
so a changed source, option or release simply misses. Values are written to a temporary file
and renamed into place, so a crash never leaves half a value, and two processes storing the
same key both leave a whole one. The folder only ever holds derived data: deleting it (or
building with ``--no-cache``) costs time, never correctness.

Location: ``$BUNDLER_CACHE_DIR`` when set, else ``<collection>/.cache/``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bundler import __version__

CACHE_ENV = "BUNDLER_CACHE_DIR"
CACHE_FOLDER = ".cache"
VALUES_FOLDER = "values"


def cache_root(collection_root: str | Path) -> Path:
    """Where a collection's cache lives: ``$BUNDLER_CACHE_DIR`` or ``<collection>/.cache``."""
    override = os.environ.get(CACHE_ENV)
    return Path(override) if override else Path(collection_root) / CACHE_FOLDER


def make_key(kind: str, *parts: Any) -> str:
    """A stable key for ``kind`` of value made from ``parts`` (JSON-able) and bundler's version."""
    text = json.dumps([kind, __version__, *parts], sort_keys=True, ensure_ascii=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def hash_bytes(data: bytes) -> str:
    """SHA-256 of bytes, as the cache keys spell it."""
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class ContentCache:
    """Values by key under ``root/values/ab/abcdef...``; ``enabled=False`` stores and finds nothing."""

    root: Path
    enabled: bool = True

    def path_for(self, key: str, suffix: str = "") -> Path:
        """Where the value of ``key`` lives (it may not exist)."""
        return self.root / VALUES_FOLDER / key[:2] / f"{key}{suffix}"

    def find(self, key: str, suffix: str = "") -> Path | None:
        """The stored file for ``key``, or None on a miss (or when disabled)."""
        if not self.enabled:
            return None
        path = self.path_for(key, suffix)
        return path if path.is_file() else None

    def store_bytes(self, key: str, data: bytes, suffix: str = "") -> Path | None:
        """Store ``data`` under ``key`` atomically; returns its path (None when disabled)."""
        return self.store_with(key, lambda path: path.write_bytes(data), suffix)

    def store_file(self, key: str, source: Path, suffix: str = "") -> Path | None:
        """Copy the file ``source`` into the cache under ``key``."""
        return self.store_with(key, lambda path: shutil.copyfile(source, path), suffix)

    def store_with(self, key: str, write: Callable[[Path], Any], suffix: str = "") -> Path | None:
        """Call ``write(tmp)`` and move the result into place; a failed write stores nothing."""
        if not self.enabled:
            return None
        final = self.path_for(key, suffix)
        final.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=".part-", dir=final.parent)
        os.close(handle)
        try:
            write(Path(name))
            os.chmod(name, 0o644)
            os.replace(name, final)
        finally:
            if os.path.exists(name):
                os.unlink(name)
        return final

    def load_json(self, key: str) -> Any | None:
        """The JSON value of ``key``, or None on a miss or a damaged entry (which is dropped)."""
        path = self.find(key, ".json")
        if path is None:
            return None
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            path.unlink(missing_ok=True)
            return None

    def store_json(self, key: str, value: Any) -> Path | None:
        """Store a JSON-able value under ``key``."""
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
        return self.store_bytes(key, text.encode("utf-8"), ".json")


def open_cache(collection_root: str | Path, enabled: bool = True) -> ContentCache:
    """The cache of a collection (``enabled=False`` for ``--no-cache``)."""
    return ContentCache(cache_root(collection_root), enabled)


_ACTIVE: ContextVar[ContentCache | None] = ContextVar("bundler_active_cache", default=None)


@contextmanager
def using_cache(cache: ContentCache) -> Iterator[ContentCache]:
    """Make ``cache`` the one that exporters' helpers (font subsets, parts) read and fill."""
    token = _ACTIVE.set(cache)
    try:
        yield cache
    finally:
        _ACTIVE.reset(token)


def active_cache() -> ContentCache | None:
    """The cache of the edition being written, or None outside a build (and with --no-cache)."""
    cache = _ACTIVE.get()
    return cache if cache is not None and cache.enabled else None
