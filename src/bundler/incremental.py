"""Incremental editions: an edition whose inputs did not change is copied from the cache.

The key of an edition is everything its bytes depend on: the dossier (``model.to_data``,
which includes every piece, override and option), the edition and its options, the image
policy in force (a size budget rewrites with degraded images: each attempt has its own
key), every image by the hash of its bytes (never its path: a fresh import and a cached
one keep the same image in different places), the build clock (``SOURCE_DATE_EPOCH``),
and the code that renders it (bundler's sources, templates, styles and fonts, and the
rendering libraries' versions). Warnings the exporter reported are stored with the file
and replayed on a hit, so a warm build reports what a cold one does.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from dataclasses import asdict, replace
from functools import cache
from pathlib import Path

from bundler.cache import ContentCache, hash_bytes, make_key, using_cache
from bundler.clock import build_time
from bundler.errors import Problem, Report
from bundler.model import Dossier, Edition, Figure, Piece, TextPage, to_data
from bundler.resources import installed_versions, styles_dir

Writer = Callable[[Dossier, Edition, Path, Report], None]
_LIBRARIES = ("weasyprint", "ebooklib", "Pillow", "pyvips-binary", "uharfbuzz", "pikepdf", "pydyf", "fonttools", "Jinja2", "lxml")


@cache
def code_digest() -> str:
    """A digest of the code and assets that shape an edition (bundler's package and styles)."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for root in (package, styles_dir()):
        for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for name, version in installed_versions(_LIBRARIES).items():
        digest.update(f"{name}={version or 'none'};".encode())
    return digest.hexdigest()


def without_image_paths(dossier: Dossier) -> Dossier:
    """The dossier with each image named by its content hash, not by where the file happens to be.

    A fresh import and a cached one put the same image at different paths; the bytes of an
    edition depend only on the image's content, so the key must too.
    """
    from bundler.importers.piece import map_figures

    def by_content(figure: Figure) -> Figure:
        image = figure.image
        if image is None or not image.path:
            return figure
        return replace(figure, image=replace(image, path=_image_digest(image.path, image.sha256)))

    def piece_by_content(piece: Piece) -> Piece:
        return replace(piece, body=map_figures(piece.body, by_content))

    def page_by_content(page: TextPage) -> TextPage:
        return replace(page, body=map_figures(page.body, by_content))

    sections = tuple(
        replace(s, intro=map_figures(s.intro, by_content), pieces=tuple(piece_by_content(p) for p in s.pieces)) for s in dossier.sections
    )
    cover = Path(dossier.root, dossier.cover) if dossier.root and dossier.cover else None
    return replace(
        dossier,
        sections=sections,
        front_matter=tuple(page_by_content(p) for p in dossier.front_matter),
        back_matter=tuple(page_by_content(p) for p in dossier.back_matter),
        cover=_image_digest(str(cover), "") if cover and cover.is_file() else dossier.cover,
    )


def _image_digest(path: str, known: str) -> str:
    if known:
        return known
    file = Path(path)
    return hash_bytes(file.read_bytes()) if file.is_file() else f"missing:{path}"


def edition_key(format_name: str, dossier: Dossier, edition: Edition) -> str:
    """Everything an edition's bytes depend on, as one key."""
    from bundler.images.session import active_session

    policy = active_session(format_name).policy
    return make_key(
        "edition",
        format_name,
        to_data(without_image_paths(dossier)),
        to_data(edition),
        repr(policy),
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
    stored = cache.find(key, ".out", f"{format_name} edition")
    warnings = cache.load_json(key, f"{format_name} edition's warnings")
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
