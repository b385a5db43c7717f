"""Pieces read back from disk pass the same safety boundary as imported pages.

A ``piece.json`` may come from someone else (a shared collection, the ``data/collection/``
of a bag, an import cache copied from another machine) and may have been edited by hand.
Its inline HTML is run through ``blocks.sanitise_inline`` (the importers' own sanitiser),
its links through ``blocks.clean_url``, and the values that end up in file names, ids and
``lang``/``dir`` attributes are reduced to what the importers themselves write. What was
taken out is named in the piece's warnings, so nothing disappears without a word.
"""

from __future__ import annotations

import html
import re
from dataclasses import replace

from bundler.cleaning.blocks import clean_url, sanitise_inline_reporting
from bundler.codes import coded
from bundler.model import Block, Embed, Figure, FigureBlock, Heading, ListBlock, Note, Paragraph, Piece, Preformatted, Quote, Table
from bundler.text.plain import direction_of, slugify
from bundler.text.typography import strip_controls

_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")
_SLUG = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")  # what text.slugify writes: an XML name
_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,100}$")


class _Sanitiser:
    """Walks one piece, cleaning each field and noting what was removed."""

    def __init__(self) -> None:
        self.removed: dict[str, None] = {}
        self.renamed: list[str] = []

    def inline(self, fragment: str) -> str:
        if not isinstance(fragment, str):
            raise TypeError(f"expected text (inline HTML), found {type(fragment).__name__} {str(fragment)[:40]!r}")
        cleaned, removed = sanitise_inline_reporting(fragment)
        for item in removed:
            self.removed[item] = None
        return cleaned

    def url(self, value: str) -> str:
        """``value`` unchanged when its scheme is safe (the importers store addresses as found), else ""."""
        if value and not clean_url(value):
            self.removed[f"{value.split(':', 1)[0].strip().lower() or 'unsafe'}: link"] = None
            return ""
        return value

    def identifier(self, value: str, what: str) -> str:
        if not value or _ID.match(value):
            return value
        safe = re.sub(r"[^A-Za-z0-9_.:-]+", "-", value).strip("-")[:100] or "x"
        self.renamed.append(f"{what} {value[:40]!r} became {safe!r}")
        return safe

    def language(self, value: str | None, fallback: str | None) -> str | None:
        if not value or _LANGUAGE_TAG.match(value):
            return value
        self.renamed.append(f"language tag {value[:40]!r} is not a language tag; {fallback or 'none'!r} is used")
        return fallback

    def figure(self, figure: Figure) -> Figure:
        image = figure.image
        if image is not None:
            image = replace(image, url=self.url(image.url))
        return replace(
            figure,
            image=image,
            caption=self.inline(figure.caption),
            alt=strip_controls(figure.alt),
            credit=strip_controls(figure.credit),
            id=self.identifier(figure.id, "figure id"),
        )

    def blocks(self, blocks: tuple[Block, ...]) -> tuple[Block, ...]:
        return tuple(cleaned for cleaned in (self.block(block) for block in blocks) if cleaned is not None)

    def block(self, block: Block) -> Block | None:
        if isinstance(block, Paragraph):
            return Paragraph(self.inline(block.html), self.language(block.lang, None))
        if isinstance(block, Heading):
            return Heading(min(6, max(2, int(block.level))), self.inline(block.html))
        if isinstance(block, Quote):
            return Quote(self.blocks(block.blocks), self.inline(block.attribution))
        if isinstance(block, ListBlock):
            return ListBlock(bool(block.ordered), tuple(self.blocks(item) for item in block.items))
        if isinstance(block, Table):
            return Table(
                tuple(tuple(self.inline(c) for c in row) for row in block.header),
                tuple(tuple(self.inline(c) for c in row) for row in block.rows),
                self.inline(block.caption),
            )
        if isinstance(block, FigureBlock):
            return FigureBlock(self.figure(block.figure))
        if isinstance(block, Embed):
            url, title = self.url(block.url), strip_controls(block.title)
            if url:
                return Embed(url, title)
            return Paragraph(html.escape(title, quote=False)) if title.strip() else None  # the link went; its words stay
        if isinstance(block, Preformatted):  # no markup (the templates escape it), but no XML-illegal characters either
            return replace(block, text=strip_controls(block.text))
        return block  # a Rule holds nothing

    def warnings(self, name: str) -> list[str]:
        found = []
        if self.removed:
            found.append(f"{name}: removed markup that bundler never writes: {', '.join(self.removed)}")
        found += [f"{name}: {change}" for change in self.renamed]
        return [coded("W151", warning) for warning in found]


def sanitise_stored_piece(piece: Piece, name: str = "piece.json") -> Piece:
    """``piece`` with every field reduced to what an importer could have written; changes become warnings."""
    walker = _Sanitiser()
    language = walker.language(piece.language, "en") or "en"
    slug = piece.slug if not piece.slug or _SLUG.match(piece.slug) else slugify(piece.slug, "piece")
    if slug != piece.slug:
        walker.renamed.append(f"slug {piece.slug[:40]!r} became {slug!r}")
    cleaned = replace(
        piece,
        title=strip_controls(piece.title),
        body=walker.blocks(piece.body),
        standfirst=walker.blocks(piece.standfirst),
        notes=tuple(Note(walker.identifier(n.id, "note id"), walker.inline(n.html), strip_controls(n.label)) for n in piece.notes),
        source_url=walker.url(piece.source_url),
        language=language,
        direction=piece.direction if piece.direction in ("ltr", "rtl") else direction_of(language),
        slug=slug,
    )
    warnings = walker.warnings(name)
    if warnings:
        cleaned = replace(cleaned, provenance=replace(cleaned.provenance, warnings=(*cleaned.provenance.warnings, *warnings)))
    return cleaned


def passes_unchanged(piece: Piece) -> bool:
    """Whether ``sanitise_stored_piece`` leaves ``piece`` as it is (nothing removed, renamed or warned about).

    The import cache asks this once, when it stores a piece, and records the answer beside the
    piece's hash: a piece read back with those very bytes need not be walked again.
    """
    return sanitise_stored_piece(piece) == piece
