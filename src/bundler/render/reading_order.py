"""The one reading order every edition follows: front matter, each section with its pieces, back matter.

Formats add their own pages around it (the EPUB its cover, title page and navigation; the PDF
its cover and contents; every edition a colophon), but the dossier's own content comes in
this order everywhere, and its table of contents is built from the same list. It was written
twice (the EPUB's pages and navigation, the PDF's fragments); an HTML or KEPUB edition reads
it here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from bundler.model import Dossier, Piece, Section, TextPage
from bundler.render.xhtml import Target, render_piece, render_section, render_text_page


@dataclass(frozen=True)
class Entry:
    """One page of the dossier's own content, in reading order."""

    kind: str  # "text-page" (front or back matter), "section" or "piece"
    content: TextPage | Section | Piece
    section: str = ""  # a piece's section slug

    @property
    def slug(self) -> str:
        """Its file name or anchor: stable as the dossier grows."""
        return self.content.slug

    @property
    def title(self) -> str:
        return self.content.title

    def language(self, dossier: Dossier) -> str:
        """Its own language (a piece's or a text page's), else the dossier's."""
        own = "" if isinstance(self.content, Section) else self.content.language
        return own or dossier.language

    def render(self, dossier: Dossier, target: Target) -> str:
        """Its XHTML body fragment, addressed as ``target`` says."""
        if isinstance(self.content, Piece):
            return render_piece(self.content, dossier, target)
        if isinstance(self.content, Section):
            return render_section(self.content, dossier, target)
        return render_text_page(self.content, dossier, target)


def reading_order(dossier: Dossier) -> Iterator[Entry]:
    """Front matter, sections each followed by its pieces, back matter."""
    for page in dossier.front_matter:
        yield Entry("text-page", page)
    for section in dossier.sections:
        yield Entry("section", section)
        for piece in section.pieces:
            yield Entry("piece", piece, section.slug)
    for page in dossier.back_matter:
        yield Entry("text-page", page)


@dataclass(frozen=True)
class TocEntry:
    """A line of the table of contents: a text page, or a section with its pieces."""

    slug: str
    title: str
    children: tuple[TocEntry, ...] = ()


def table_of_contents(dossier: Dossier) -> list[TocEntry]:
    """The contents in reading order: text pages and sections at the top, each section's pieces under it."""
    toc: list[TocEntry] = []
    for entry in reading_order(dossier):
        if entry.kind == "piece":
            parent = toc[-1]
            toc[-1] = TocEntry(parent.slug, parent.title, (*parent.children, TocEntry(entry.slug, entry.title)))
        else:
            toc.append(TocEntry(entry.slug, entry.title))
    return toc
