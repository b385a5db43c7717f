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

import json
import shutil
from dataclasses import asdict, replace
from pathlib import Path

from bundler.cache import ContentCache, hash_bytes, make_key
from bundler.clock import build_time
from bundler.errors import Problem
from bundler.exporters.context import BuildContext
from bundler.images.policy import ImagePolicy
from bundler.model import Dossier, Edition, Figure, map_dossier_figures, to_data
from bundler.resources import code_digest

#: How a format writes (``bundler.exporters.Writer``): ``write(dossier, edition, out, ctx)``.
__all__ = ["cached_writer", "code_digest", "edition_key", "without_image_paths"]


def without_image_paths(dossier: Dossier) -> Dossier:
    """The dossier with each image named by its content hash, not by where the file happens to be.

    A fresh import and a cached one put the same image at different paths; the bytes of an
    edition depend only on the image's content, so the key must too.
    """

    def by_content(figure: Figure) -> Figure:
        image = figure.image
        if image is None or not image.path:
            return figure
        return replace(figure, image=replace(image, path=_image_digest(image.path, image.sha256)))

    cover = Path(dossier.root, dossier.cover) if dossier.root and dossier.cover else None
    named = map_dossier_figures(dossier, by_content)
    return replace(named, cover=_image_digest(str(cover), "") if cover and cover.is_file() else dossier.cover)


def _image_digest(path: str, known: str) -> str:
    if known:
        return known
    file = Path(path)
    return hash_bytes(file.read_bytes()) if file.is_file() else f"missing:{path}"


def edition_key(format_name: str, dossier: Dossier, edition: Edition, policy: ImagePolicy) -> str:
    """Everything an edition's bytes depend on, as one key."""
    return make_key(
        "edition",
        format_name,
        to_data(without_image_paths(dossier)),
        to_data(edition),
        repr(policy),
        build_time(dossier.date).isoformat(),
        code_digest(),
    )


def cached_writer(format_name: str, write, cache: ContentCache):
    """``write``, but reusing (and filling) the cache: same signature, same file, same warnings.

    The writer it wraps gets the context with ``cache`` in it, for its font subsets and PDF parts.
    """
    if not cache.enabled:
        return write

    def write_cached(dossier: Dossier, edition: Edition, out: Path, ctx: BuildContext) -> None:
        _write_or_copy(format_name, write, cache, dossier, edition, out, ctx.with_cache(cache))

    return write_cached


def _write_or_copy(format_name: str, write, cache: ContentCache, dossier: Dossier, edition: Edition, out: Path, ctx: BuildContext) -> None:
    """Copy the stored edition and replay its warnings, or write it and store both."""
    key = edition_key(format_name, dossier, edition, ctx.policy)
    stored = cache.find(key, ".out", f"{format_name} edition")
    warnings = cache.load_json(key, f"{format_name} edition's warnings")
    report = ctx.report
    if stored is not None and isinstance(warnings, list):
        shutil.copyfile(stored, out)
        report.warnings.extend(Problem(**w) for w in warnings)
        return
    before = len(report.warnings)
    write(dossier, edition, out, ctx)
    cache.store_file(key, out, ".out")
    cache.store_json(key, [_problem_data(p) for p in report.warnings[before:]])


def _problem_data(problem: Problem) -> dict:
    return json.loads(json.dumps(asdict(problem), default=str))
