"""Each piece's finished EPUB page kept in the build's cache, so one changed piece re-renders one page.

When one piece of a 200-piece dossier changes, its edition is written again, and rendering every
piece's page (the Jinja templates, then the mixed-direction wrapping and the undrawable-character
pass) was most of that write. A piece's page depends only on the piece, the dossier's language,
the names its images get in the book, the links to other pieces (``link_map``) and the code: that
is the key. The names of the piece's images are asked of the book before the key is made, in
body order, as rendering asks them, so a page read from the cache adds its images to the book in
the same order and the EPUB is byte for byte the one a cold build writes.

A page whose rendering asked for an image the key did not name (a figure outside the body
walk) is not kept: its images would be missing when it is read back.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from bundler.cache import ContentCache, make_key
from bundler.model import Dossier, Figure, Piece, map_figures, to_data
from bundler.render.reading_order import Entry
from bundler.render.xhtml import Target
from bundler.resources import code_digest

SUFFIX = ".xhtml"
KIND = "EPUB page"


@dataclass
class PageMemo:
    """The pages of one EPUB being written: found in the cache, or rendered and stored after."""

    cache: ContentCache | None
    dossier: Dossier
    latin: str  # the language mixed Latin runs are marked with (part of the page)
    _links: str = ""
    _pending: dict[str, str] = field(default_factory=dict)  # page name -> key, for pages rendered now

    def __post_init__(self) -> None:
        self.enabled = self.cache is not None and self.cache.enabled

    def find(self, entry: Entry, target: Target) -> tuple[bytes | None, Target]:
        """The stored page of a piece entry (its images added to the book first), and the target to render it with."""
        if not isinstance(entry.content, Piece):
            return None, target
        piece = entry.content
        names = [target.media_href(figure) for figure in piece.figures]  # the book's names, in the order rendering asks
        if not self.enabled:  # --no-cache: the images were still added in the same order, so the bytes are the same
            return None, target
        key = make_key(
            "epub-page", piece_content(piece), self.dossier.language, self.latin, names, self._link_digest(target), code_digest()
        )
        found = self.cache.read_bytes(key, SUFFIX, KIND)
        if found is not None:
            return found, target
        self._pending[entry.slug] = key
        return None, replace(target, media_href=self._watching(entry.slug, piece, target.media_href))

    def store(self, name: str, document: bytes) -> None:
        """Keep a page rendered now (no-op for pages not found missing by ``find``, or not safe to keep)."""
        key = self._pending.pop(name, "")
        if key:
            try:
                self.cache.store_bytes(key, document, SUFFIX)
            except OSError:  # a read-only or full cache: the next build renders the page again
                pass

    def _watching(self, name: str, piece: Piece, media_href: Callable[[Figure], str | None]) -> Callable[[Figure], str | None]:
        """``media_href``, forgetting the page's key if it is asked for an image outside the piece's figures."""
        known = {id(figure) for figure in piece.figures}

        def href(figure: Figure) -> str | None:
            if id(figure) not in known:
                self._pending.pop(name, None)
            return media_href(figure)

        return href

    def _link_digest(self, target: Target) -> str:
        if not self._links:
            self._links = link_map_digest(target.link_map)
        return self._links


def link_map_digest(link_map: dict[str, str]) -> str:
    """A digest of the book's links between pieces: a cached page's links depend on every piece's address."""
    text = json.dumps(sorted(link_map.items()), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def piece_content(piece: Piece) -> dict:
    """The piece as data with its images' paths left out: the same photo lies elsewhere after a fresh import,
    and the page names it by the content hash the book gives it (part of the key), never by its path."""

    def unplaced(figure: Figure) -> Figure:
        return replace(figure, image=replace(figure.image, path="")) if figure.image is not None else figure

    return to_data(replace(piece, body=map_figures(piece.body, unplaced)))
