"""Incremental editions: an edition whose inputs did not change is copied from the cache.

The key of an edition is everything its bytes depend on: the dossier (``model.to_data``,
which includes every piece, override and option), the edition and its options, the image
policy in force (a size budget rewrites with degraded images: each attempt has its own
key), the bytes of every image, the build clock (``SOURCE_DATE_EPOCH``), and the code that
renders it (bundler's sources, templates, styles and fonts, and the rendering libraries'
versions). Warnings the exporter reported are stored with the file and replayed on a hit,
so a warm build reports what a cold one does.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from dataclasses import asdict
from functools import cache
from importlib import metadata
from pathlib import Path

from bundler.cache import ContentCache, hash_bytes, make_key, using_cache
from bundler.clock import build_time
from bundler.errors import Problem, Report
from bundler.model import Dossier, Edition, to_data
from bundler.resources import styles_dir

Writer = Callable[[Dossier, Edition, Path, Report], None]
_LIBRARIES = ("weasyprint", "ebooklib", "Pillow", "pikepdf", "pydyf", "fonttools", "Jinja2", "lxml")


@cache
def code_digest() -> str:
    """A digest of the code and assets that shape an edition (bundler's package and styles)."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for root in (package, styles_dir()):
        for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for name in _LIBRARIES:
        try:
            digest.update(f"{name}={metadata.version(name)};".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name}=none;".encode())
    return digest.hexdigest()


def image_digests(dossier: Dossier) -> list[str]:
    """The content hash of every image the dossier uses (from the importer, or read from disk)."""
    found = []
    for piece in dossier.pieces:
        for figure in piece.figures:
            image = figure.image
            if image is None or not image.path:
                continue
            path = Path(image.path)
            found.append(image.sha256 or (hash_bytes(path.read_bytes()) if path.is_file() else f"missing:{image.path}"))
    return found


def edition_key(format_name: str, dossier: Dossier, edition: Edition) -> str:
    """Everything an edition's bytes depend on, as one key."""
    from bundler.images.session import active_session

    policy = active_session(format_name).policy
    return make_key(
        "edition",
        format_name,
        to_data(dossier),
        to_data(edition),
        repr(policy),
        image_digests(dossier),
        build_time(dossier.date).isoformat(),
        code_digest(),
    )


def cached_writer(format_name: str, write: Writer, cache: ContentCache) -> Writer:
    """``write``, but reusing (and filling) the cache: same signature, same file, same warnings."""
    if not cache.enabled:
        return write

    def write_cached(dossier: Dossier, edition: Edition, out: Path, report: Report) -> None:
        with using_cache(cache):
            _write_or_copy(format_name, write, cache, dossier, edition, out, report)

    return write_cached


def _write_or_copy(
    format_name: str, write: Writer, cache: ContentCache, dossier: Dossier, edition: Edition, out: Path, report: Report
) -> None:
    """Copy the stored edition and replay its warnings, or write it and store both."""
    key = edition_key(format_name, dossier, edition)
    stored = cache.find(key, ".out")
    warnings = cache.load_json(key)
    if stored is not None and isinstance(warnings, list):
        shutil.copyfile(stored, out)
        report.warnings.extend(Problem(**w) for w in warnings)
        return
    before = len(report.warnings)
    write(dossier, edition, out, report)
    cache.store_file(key, out, ".out")
    cache.store_json(key, [_problem_data(p) for p in report.warnings[before:]])


def _problem_data(problem: Problem) -> dict:
    return json.loads(json.dumps(asdict(problem), default=str))
