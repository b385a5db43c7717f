"""What the library server may hand out: exactly what the catalogue lists, nothing else.

``dist/`` is a working folder: beside the editions it may hold a bag, sources, provenance
records, ``bag-info.txt`` or the editions of older builds. Those are evidence or stale
copies, not publications, and a library on a hotspot must not give them to anyone who
guesses a name. So the server serves a path only when it is the catalogue itself (its feeds
and page), a listed dossier's covers and ``dossier.json``, or an edition that sidecar names.
"""

from __future__ import annotations

import re
from pathlib import Path

from bundler.build.sidecar import SIDECAR_NAME
from bundler.catalog import ALL_FEED, INDEX_PAGE, ROOT_FEED
from bundler.catalog.covers import COVER_NAME, THUMBNAIL_NAME
from bundler.catalog.library import listed_edition_names

#: The per-language acquisition feeds ``write_catalog`` names ``opds-lang-<tag>.xml``.
_LANGUAGE_FEED = re.compile(r"^opds-lang-[A-Za-z0-9-]{1,35}\.xml$")
CATALOGUE_FILES = frozenset({INDEX_PAGE, ROOT_FEED, ALL_FEED})
#: Beside a dossier's editions: its covers, and its sidecar (metadata and checksums the catalogue is made from).
DOSSIER_FILES = frozenset({COVER_NAME, THUMBNAIL_NAME, SIDECAR_NAME})


def is_listed(dist: Path, segments: list[str]) -> bool:
    """Whether ``dist/segments`` is a file the catalogue lists (feeds, page, covers, listed editions)."""
    if len(segments) == 1:
        return segments[0] in CATALOGUE_FILES or bool(_LANGUAGE_FEED.match(segments[0]))
    if len(segments) != 2:
        return False
    folder, name = dist / segments[0], segments[1]
    editions = listed_edition_names(folder)
    return name in editions or (name in DOSSIER_FILES and bool(editions))
