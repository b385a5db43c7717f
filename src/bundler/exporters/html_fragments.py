"""Each piece's rendered fragment of the HTML edition kept in the build's cache, as the EPUB keeps its pages.

After one piece of a 200-piece dossier changed, the HTML edition is written again, and rendering
every piece's ``<article>`` (the Jinja templates and the well-formedness check of each) was the
largest part of that write (~0.4 s). A piece's fragment depends on the piece, the dossier's
language, which of its figures get an image, the links to other pieces (``link_map``) and the
code (``code_digest``): that is the key (``epub_pages`` keys its pages the same way).

The images are the one thing that differs between builds: the edition holds a short stand-in for
each ``data:`` URI, with a random token per build (``html._StandIns``). A fragment is therefore
rendered, and stored, with stand-ins of its own, ``bundler-image-<the key's first 24 digits>-<n>.``
for the piece's n-th figure (text cannot contain the hash of itself), and these are exchanged
for the build's stand-ins, asked of the edition in body order, whether the fragment was just
rendered or read from the cache. A fragment whose rendering asked for an image outside the
piece's figures is not kept. A damaged entry is reported (W701) by the cache and rendered again.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from bundler.cache import ContentCache, make_key
from bundler.exporters.epub_pages import link_map_digest, piece_content
from bundler.model import Dossier, Figure, Piece
from bundler.render.reading_order import Entry
from bundler.render.xhtml import Target
from bundler.resources import code_digest

SUFFIX = ".html"
KIND = "HTML fragment"


@dataclass
class FragmentMemo:
    """The piece fragments of one HTML edition being written: found in the cache, or rendered and stored."""

    cache: ContentCache | None
    dossier: Dossier
    _links: str = ""
    found: int = 0  # fragments read from the cache (tests count them)

    def render(self, entry: Entry, target: Target) -> str:
        """The entry's fragment as ``entry.render`` gives it, a piece's from the cache when it is there."""
        if not isinstance(entry.content, Piece) or self.cache is None or not self.cache.enabled:
            return entry.render(self.dossier, target)
        piece = entry.content
        figures = piece.figures
        stand_ins = [target.media_href(figure) for figure in figures]  # the edition's, in the order rendering asks
        key = make_key(
            "html-fragment",
            piece_content(piece),
            self.dossier.language,
            [stand_in is not None for stand_in in stand_ins],
            self._link_digest(target),
            code_digest(),
        )
        own = f"bundler-image-{key[:24]}-"
        found = self.cache.read_bytes(key, SUFFIX, KIND)
        if found is not None:
            self.found += 1
            fragment = found.decode("utf-8")
        else:
            fragment = self._rendered(entry, target, key, own, figures, stand_ins)
        return _exchanged(fragment, key[:24], stand_ins)

    def _rendered(self, entry: Entry, target: Target, key: str, own: str, figures: tuple[Figure, ...], stand_ins: list) -> str:
        """Render the piece with its own stand-ins and keep it, unless it asked for an image outside its figures."""
        local = {
            id(figure): (f"{own}{index}." if stand_in is not None else None)
            for index, (figure, stand_in) in enumerate(zip(figures, stand_ins, strict=True))
        }
        outside: list[Figure] = []

        def media_href(figure: Figure) -> str | None:
            if id(figure) in local:
                return local[id(figure)]
            outside.append(figure)
            return target.media_href(figure)

        fragment = entry.render(self.dossier, replace(target, media_href=media_href))
        if not outside:
            try:
                self.cache.store_bytes(key, fragment.encode("utf-8"), SUFFIX)
            except OSError:  # a read-only or full cache: the next build renders it again
                pass
        return fragment

    def _link_digest(self, target: Target) -> str:
        if not self._links:
            self._links = link_map_digest(target.link_map)
        return self._links


#: A fragment's own stand-in, ``bundler-image-<24 hex digits of its key>-<n>.`` (keys are SHA-256 hex digests).
_OWN_STAND_IN = re.compile(r"bundler-image-([0-9a-f]{24})-(\d+)\.")


def _exchanged(fragment: str, own: str, stand_ins: list) -> str:
    """``fragment`` with each of its own stand-ins (named by ``own``, the key's first 24 digits) exchanged for the build's.

    One pattern for every fragment: compiling one per piece (its key in the pattern) was ~0.3 ms a
    piece, 200 times in a rebuild. A stand-in of another key (text cannot hold the hash of itself,
    so only a copied stand-in could be one) is left as it is, as the per-key pattern left it.
    """

    def exchange(match: re.Match) -> str:
        if match.group(1) != own:
            return match.group(0)
        return stand_ins[int(match.group(2))] or ""

    return _OWN_STAND_IN.sub(exchange, fragment)


def fragment_renderer(cache: ContentCache | None, dossier: Dossier) -> Callable[[Entry, Target], str]:
    """``render(entry, target)`` for one edition: through a ``FragmentMemo`` on ``cache``."""
    return FragmentMemo(cache, dossier).render
