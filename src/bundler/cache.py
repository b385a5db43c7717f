"""A content-addressed on-disk cache, so a rebuild redoes only what changed.

A key is the SHA-256 of (kind, bundler version, the inputs' hashes, the options that matter),
so a changed source, option or release simply misses. Values are written to a temporary file
and renamed into place, so a crash never leaves half a value, and two processes storing the
same key both leave a whole one. The folder only ever holds derived data: deleting it (or
building with ``--no-cache``) costs time, never correctness.

Every value carries its own checksum (``<value>.sha256`` beside it) and is verified when it is
read: a truncated, zeroed or garbled entry (a full disk, a crash, a bad USB stick) is discarded
and rebuilt with a W701 warning, never used. A value without a checksum (a crash between the
two renames, or an older bundler) is simply a miss.

The findings go to a ``DamageLog`` passed in by whoever reads the cache (the build's, or a
worker's, which travels back with the worker's result), never to a hidden context variable.

Location: ``$BUNDLER_CACHE_DIR`` when set, else ``<collection>/.cache/``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bundler.errors import Problem
from bundler.files import write_atomically
from bundler.version import __version__

CACHE_ENV = "BUNDLER_CACHE_DIR"
CACHE_FOLDER = ".cache"
VALUES_FOLDER = "values"
CHECKSUM_SUFFIX = ".sha256"
#: Temporary files and folders of a cache write start with this and the writer's process id.
PART_PREFIX = ".part-"
DAMAGE_CODE = "W701"


def cache_root(collection_root: str | Path | None, *parts: str) -> Path:
    """Where a cache lives, the one rule for every cache: ``$BUNDLER_CACHE_DIR``, else ``<collection>/.cache``,
    else (no collection: a direct call) ``$XDG_CACHE_HOME/bundler``; ``parts`` name a folder inside it."""
    override = os.environ.get(CACHE_ENV)
    if override:
        base = Path(override)
    elif collection_root is not None:
        base = Path(collection_root) / CACHE_FOLDER
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "bundler"
    return base.joinpath(*parts)


def make_key(kind: str, *parts: Any) -> str:
    """A stable key for ``kind`` of value made from ``parts`` (JSON-able) and bundler's version."""
    text = json.dumps([kind, __version__, *parts], sort_keys=True, ensure_ascii=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def hash_bytes(data: bytes) -> str:
    """SHA-256 of bytes, as the cache keys spell it."""
    return hashlib.sha256(data).hexdigest()


def read_sealed_json(path: Path) -> Any:
    """A value ``store_sealed_json`` wrote, or None when the file is missing, unreadable or not what was sealed.

    For tables derived from installed libraries and kept once a machine (dateparser's languages,
    jusText's stop words): a damaged copy is no error, the caller builds the value again."""
    try:
        digest, _, text = path.read_text(encoding="utf-8").partition("\n")
        if hashlib.sha256(text.encode("utf-8")).hexdigest() != digest:
            return None
        return json.loads(text)
    except (OSError, ValueError):
        return None


def store_sealed_json(path: Path, value: Any) -> None:
    """Write ``value`` as JSON after the SHA-256 of its text, atomically; a read-only cache is left as it is."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, lambda temporary: temporary.write_text(f"{digest}\n{text}", encoding="utf-8"))
    except OSError:  # built again by the next process
        pass


@dataclass
class DamageLog:
    """The W701 findings of one build (or one worker's job): damaged cache entries, discarded and rebuilt.

    Passed explicitly to everything that verifies a cache entry; a worker fills its own and
    hands ``problems`` back with its result, and the build adds them to its report.
    """

    problems: list[Problem] = field(default_factory=list)

    def report(self, path: Path, kind: str, what: str) -> None:
        """Record a damaged cache entry (a W701 warning, once per entry and reason); never raises."""
        self.add(
            [
                Problem(
                    f"damaged {kind} in the cache ({what}); discarded and rebuilt",
                    code=DAMAGE_CODE,
                    file=str(path),
                    hint="the cache's disk may be failing or full; the edition was built without the damaged entry",
                )
            ]
        )

    def add(self, problems: Iterable[Problem]) -> None:
        """Record findings made elsewhere (a worker's), each once."""
        self.problems.extend(p for p in problems if p not in self.problems)


@dataclass(frozen=True)
class ContentCache:
    """Values by key under ``root/values/ab/abcdef...``; ``enabled=False`` stores and finds nothing.

    Damaged values it meets are reported to ``damage`` (the build's log).
    """

    root: Path
    enabled: bool = True
    damage: DamageLog = field(default_factory=DamageLog, compare=False, repr=False)

    def path_for(self, key: str, suffix: str = "") -> Path:
        """Where the value of ``key`` lives (it may not exist)."""
        return self.root / VALUES_FOLDER / key[:2] / f"{key}{suffix}"

    def find(self, key: str, suffix: str = "", kind: str = "cache entry") -> Path | None:
        """The stored file for ``key`` once its checksum is verified, or None on a miss (or when disabled).

        A damaged value is deleted and reported (``W701``), so the caller rebuilds it.
        """
        if not self.enabled:
            return None
        path = self.path_for(key, suffix)
        return path if path.is_file() and verify_file(path, kind, self.damage) else None

    def read_bytes(self, key: str, suffix: str = "", kind: str = "cache entry") -> bytes | None:
        """The verified bytes of ``key``'s value (one read), or None on a miss or a damaged entry."""
        if not self.enabled:
            return None
        path = self.path_for(key, suffix)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        return data if verify_bytes(path, data, kind, self.damage) else None

    def store_bytes(self, key: str, data: bytes, suffix: str = "") -> Path | None:
        """Store ``data`` under ``key`` atomically; returns its path (None when disabled)."""
        return self.store_with(key, lambda path: path.write_bytes(data), suffix)

    def store_file(self, key: str, source: Path, suffix: str = "") -> Path | None:
        """Copy the file ``source`` into the cache under ``key``."""
        return self.store_with(key, lambda path: shutil.copyfile(source, path), suffix)

    def store_with(self, key: str, write: Callable[[Path], Any], suffix: str = "") -> Path | None:
        """Call ``write(tmp)`` and move the result and its checksum into place; a failed write stores nothing."""
        if not self.enabled:
            return None
        final = self.path_for(key, suffix)
        store_checked(final, write)
        return final

    def load_json(self, key: str, kind: str = "cache entry") -> Any | None:
        """The JSON value of ``key``, or None on a miss or a damaged entry (which is dropped)."""
        data = self.read_bytes(key, ".json", kind)
        if data is None:
            return None
        try:
            return json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):  # verified, so written so by a bug: drop it all the same
            discard(self.path_for(key, ".json"))
            return None

    def store_json(self, key: str, value: Any) -> Path | None:
        """Store a JSON-able value under ``key``."""
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
        return self.store_bytes(key, text.encode("utf-8"), ".json")


def checksum_path(path: Path) -> Path:
    """Where the checksum of the cached file ``path`` lives."""
    return path.with_name(path.name + CHECKSUM_SUFFIX)


def part_name(prefix: str = PART_PREFIX) -> str:
    """A temporary name's prefix carrying this process's id, so a sweep can tell a live writer's file from litter."""
    return f"{prefix}{os.getpid()}-"


def store_checked(final: Path, write: Callable[[Path], Any]) -> None:
    """Write a cache file through a temporary one, then its checksum: a value is never seen without being whole."""
    digest: list[str] = []

    def write_and_hash(temporary: Path) -> None:
        write(temporary)
        digest.append(sha256_of_file(temporary))

    write_atomically(final, write_and_hash, prefix=part_name(), suffix="")
    write_checksum(final, digest[0])


def holds_content(path: Path, data: bytes, kind: str, damage: DamageLog) -> bool:
    """Whether the content-named file ``path`` holds exactly ``data``; a damaged copy is reported (W701) for rewriting."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return True
    except FileNotFoundError:
        return False
    except OSError:
        pass
    damage.report(path, kind, "its content does not match its name")
    return False


def write_checksum(path: Path, digest: str) -> None:
    """Record ``digest`` as the checksum of ``path`` (atomically, in the ``sha256sum`` format)."""
    record = f"{digest}  {path.name}\n".encode("ascii")
    write_atomically(checksum_path(path), lambda temporary: temporary.write_bytes(record), prefix=part_name(), suffix="")


def recorded_checksum(path: Path) -> str | None:
    """The checksum recorded for ``path``: None when there is none, "" when the record itself is damaged."""
    try:
        text = checksum_path(path).read_bytes()
    except FileNotFoundError:
        return None
    except OSError:
        return ""
    digest, _, name = text.decode("ascii", "replace").strip().partition("  ")
    valid = len(digest) == 64 and all(c in "0123456789abcdef" for c in digest) and name == path.name
    return digest if valid else ""


def sha256_of_file(path: Path) -> str:
    """SHA-256 of a file, read in blocks (cached editions can be large)."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while block := stream.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def verify_file(path: Path, kind: str, damage: DamageLog) -> bool:
    """Whether the cached file ``path`` matches its checksum; a damaged one is deleted and reported."""
    expected = recorded_checksum(path)
    if expected is None:
        return False
    try:
        actual = sha256_of_file(path)
    except OSError:
        actual = ""
    return _judge(path, expected, actual, kind, damage)


def verify_bytes(path: Path, data: bytes, kind: str, damage: DamageLog, actual: str = "") -> bool:
    """Whether ``data``, read from the cached file ``path``, matches its checksum (``actual``: its hash, if known)."""
    expected = recorded_checksum(path)
    if expected is None:
        return False
    return _judge(path, expected, actual or hash_bytes(data), kind, damage)


def _judge(path: Path, expected: str, actual: str, kind: str, damage: DamageLog) -> bool:
    if expected and expected == actual:
        return True
    what = "its checksum record is damaged" if not expected else "its content does not match its checksum"
    damage.report(path, kind, what)
    discard(path)
    return False


def discard(path: Path) -> None:
    """Delete a cached file and its checksum (a read-only cache keeps them: it is never read unverified)."""
    for file in (path, checksum_path(path)):
        try:
            file.unlink(missing_ok=True)
        except OSError:
            pass


def open_cache(collection_root: str | Path, enabled: bool = True, damage: DamageLog | None = None) -> ContentCache:
    """The cache of a collection (``enabled=False`` for ``--no-cache``), reporting damage to ``damage``."""
    return ContentCache(cache_root(collection_root), enabled, damage if damage is not None else DamageLog())
