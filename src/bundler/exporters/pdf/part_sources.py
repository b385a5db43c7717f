"""A part's layout found in the cache by what its markup is made from, before any markup is written.

A rebuild after one piece changed rendered the part markup of every piece (the templates, the
bidi wrapping, the undrawable-character pass: about a second for 200 pieces) only to hash it
and find the one part whose layout was not cached. Here each part gets a *source key* of
everything its document depends on, and the cache maps that key to the layout key its markup
had the last time it was rendered; a part whose layout is still stored is not rendered at all.

What a part's document depends on, and so its source key:

- its fragments, each as stored: a piece as data (``model.to_data``) with each photo named by
  the hash of its source bytes instead of its path (a fresh import puts the same photo
  elsewhere); a section's title and introduction; a text page; the colophon lists every piece;
- what flows across pieces: links to another piece's source URL become links to that piece
  (the link map); nothing else is numbered or shared across pieces (notes and ids are per piece);
- the document shell: the dossier's own fields, what the document's head says (its authors
  are every piece's authors when the dossier names no editors), the edition and its options,
  the layout's name and the build's clock (``SOURCE_DATE_EPOCH``);
- the photos' preparation (the image policy), the characters no face has (printed as U+FFFD:
  a face installed since changes them), the layout settings (stylesheets, page size, faces),
  and the code (``code_digest``: bundler, styles, fonts, the rendering libraries' versions).

A part found this way is not rendered, so its photos are not asked for: what rendering would
have reported of them (a photo missing or unusable: W602, W601) is asked of the image session
for each photo not already prepared (``report_photos``), in reading order, as rendering would.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from bundler.cache import ContentCache, hash_bytes, make_key
from bundler.clock import build_time, iso_seconds
from bundler.exporters.pdf.base import FragmentSource
from bundler.exporters.pdf.layout import LaidOut, LayoutSettings, cached_layout
from bundler.images.session import ImageSession
from bundler.model import Block, Dossier, Edition, Figure, Piece, Section, TextPage, map_figures, to_data
from bundler.render.glyph_coverage import GlyphScan, find_missing_glyphs
from bundler.render.xhtml import build_link_map, document_fields
from bundler.resources import code_digest

KIND = "PDF part source record"


class PartSources:
    """The source keys of one book's parts, and the layouts they found last time."""

    def __init__(
        self,
        dossier: Dossier,
        edition: Edition,
        layout_name: str,
        images: ImageSession,
        glyphs: GlyphScan | None,
        cache: ContentCache | None,
    ) -> None:
        self.images = images
        self.cache = cache if cache is not None and cache.enabled else None
        self._pieces: dict[int, str] = {}
        if self.cache is None:
            return
        self.dossier = dossier
        self.shell = _digest(
            [
                shell_data(dossier, edition, layout_name),
                sorted(build_link_map(dossier).items()),
                sorted({ch for unit in find_missing_glyphs(dossier, glyphs) for ch in unit.characters}),
                images.policy.cache_key(),
                code_digest(),
            ]
        )

    def key(self, fragments: Iterable[FragmentSource], settings: LayoutSettings, lead: bool) -> str:
        """The source key of a part made of ``fragments``, laid out with ``settings``; "" without a cache."""
        if self.cache is None:
            return ""
        return make_key(
            "pdf-part-source", self.shell, [[f.kind, self._fragment_digest(f)] for f in fragments], dataclasses.asdict(settings), lead
        )

    def find(self, key: str) -> LaidOut | None:
        """The layout the part had when its sources last had ``key``, if it is still stored."""
        if not key:
            return None
        record = self.cache.load_json(key, KIND)
        layout_key = record.get("layout") if isinstance(record, dict) else None
        return cached_layout(self.cache, layout_key) if isinstance(layout_key, str) else None

    def remember(self, key: str, layout_key: str) -> None:
        """Keep which layout the part's sources gave (its layout is stored under ``layout_key`` once laid out)."""
        if key:
            self.cache.store_json(key, {"layout": layout_key})

    def report_photos(self, fragments: Iterable[FragmentSource]) -> None:
        """What rendering the fragments would have reported of their photos, for a part not rendered.

        A photo already prepared under this policy reports nothing when rendered; any other (its
        file gone, unusable, or not prepared) is asked of the image session as rendering asks it.
        """
        for fragment in fragments:
            for figure in figures_of(fragment.content):
                image = figure.image
                if image is None or not image.path or not self.images.policy.include:
                    continue
                known = image.sha256 or self.images.digests.get(image.path)
                if not (known and self.images.has_prepared(known) and Path(image.path).is_file()):
                    self.images.prepare(figure)

    def _fragment_digest(self, fragment: FragmentSource) -> str:
        content = fragment.content
        if fragment.kind in ("colophon", "checksums"):  # every piece's title, source, date, credits and provenance
            return _digest([self._piece_digest(piece) for piece in self.dossier.pieces])
        if isinstance(content, Piece):
            return self._piece_digest(content)
        if isinstance(content, Section):
            return _digest(to_data(replace(content, pieces=(), intro=self._by_content(content.intro))))
        if isinstance(content, TextPage):
            return _digest(to_data(replace(content, body=self._by_content(content.body))))
        return _digest(fragment.kind)  # the cover and contents are laid out apart, never in a part

    def _piece_digest(self, piece: Piece) -> str:
        found = self._pieces.get(id(piece))
        if found is None:
            found = self._pieces[id(piece)] = _digest(to_data(replace(piece, body=self._by_content(piece.body))))
        return found

    def _by_content(self, blocks: tuple[Block, ...]) -> tuple[Block, ...]:
        """``blocks`` with each photo named by the hash of its bytes, not by where it lies."""

        def by_content(figure: Figure) -> Figure:
            image = figure.image
            if image is None or not image.path:
                return figure
            return replace(figure, image=replace(image, path=self._image_digest(image.path, image.sha256)))

        return map_figures(blocks, by_content)

    def _image_digest(self, path: str, known: str) -> str:
        digest = known or self.images.digests.get(path)
        if digest:
            return digest
        file = Path(path)
        if not file.is_file():
            return f"missing:{path}"
        digest = self.images.digests[path] = hash_bytes(file.read_bytes())
        return digest


def shell_data(dossier: Dossier, edition: Edition, layout_name: str) -> list:
    """What every part's document shares: the dossier's own fields, its head, the edition, the clock."""
    own = replace(dossier, sections=(), front_matter=(), back_matter=(), editions=(), root="")
    return [to_data(own), document_fields(dossier, edition), to_data(edition), layout_name, iso_seconds(build_time(dossier.date))]


def figures_of(content: object) -> list[Figure]:
    """The figures a fragment's content renders, in body order."""
    blocks: tuple[Block, ...] = ()
    if isinstance(content, Piece):
        blocks = content.body
    elif isinstance(content, Section):
        blocks = content.intro
    elif isinstance(content, TextPage):
        blocks = content.body
    found: list[Figure] = []
    map_figures(blocks, lambda figure: found.append(figure) or figure)
    return found


def _digest(value: object) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
