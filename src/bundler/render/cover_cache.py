"""The cover's JPEG kept in the build's cache, keyed by exactly what it is drawn from.

Drawing the generated cover (shaping the title, the motif, the JPEG's optimised encoding) or
fitting the manifest's own picture cost ~0.08 s of CPU in every EPUB written, including a rebuild
after one piece changed, which never changes the cover. The key holds everything the bytes come
from: the dossier's identifier, title, subtitle, editors, date and language (the generated cover),
or the picture's own bytes (a named cover), whether Pillow can shape Arabic (libraqm), and
``code_digest`` (bundler's code, its fonts, Pillow's version). The warnings drawing it gave
(W410, W411) are stored beside it and filed again on a hit, so a rebuild says what a cold build
does. A damaged entry is reported (W701) by the cache and the cover drawn again.
"""

from __future__ import annotations

from dataclasses import asdict

from bundler.cache import ContentCache, hash_bytes, make_key
from bundler.errors import Problem, Report
from bundler.model import Dossier
from bundler.render.cover import cover_jpeg, cover_picture_path
from bundler.resources import code_digest

SUFFIX = ".jpg"
KIND = "cover"


def cached_cover_jpeg(dossier: Dossier, report: Report, cache: ContentCache | None) -> bytes:
    """``cover_jpeg(dossier, report)``, from ``cache`` when it holds this very cover (None: no cache)."""
    key = cover_key(dossier) if cache is not None and cache.enabled else None
    if key is None:
        return cover_jpeg(dossier, report)
    found = cache.read_bytes(key, SUFFIX, KIND)
    warnings = cache.load_json(key, f"{KIND}'s warnings") if found is not None else None
    if found is not None and isinstance(warnings, list):
        report.warnings.extend(Problem(**warning) for warning in warnings)
        return found
    before = len(report.warnings)
    data = cover_jpeg(dossier, report)
    try:
        cache.store_bytes(key, data, SUFFIX)
        cache.store_json(key, [asdict(problem) for problem in report.warnings[before:]])
    except OSError:  # a read-only or full cache: the next build draws the cover again
        pass
    return data


def cover_key(dossier: Dossier) -> str | None:
    """The key of the dossier's cover; None when its named picture cannot be read (``cover_jpeg`` then says why)."""
    from PIL import features

    path = cover_picture_path(dossier)
    if path is not None:
        try:
            drawn_from: list = ["picture", hash_bytes(path.read_bytes())]
        except OSError:
            return None
    else:
        drawn_from = ["generated", dossier.identifier, dossier.title, dossier.subtitle, list(dossier.editors), dossier.date]
    return make_key(KIND, *drawn_from, dossier.language, features.check("raqm"), code_digest())
