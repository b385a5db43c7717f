"""The one document model in the middle: importers produce it, exporters consume it.

Everything here is a frozen dataclass so that a piece cannot be changed behind an
exporter's back, and so that two builds from the same inputs see the same values.

Body content is a small, closed vocabulary of blocks. Inline content inside a block is
kept as a *sanitised XHTML fragment* (``InlineHTML``) restricted to the inline
vocabulary in ``INLINE_TAGS``; importers guarantee that restriction (see
``bundler.sanitize``), exporters may rely on it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field, fields, is_dataclass, replace
from typing import Any

#: Inline elements allowed inside ``InlineHTML`` fragments, with their allowed attributes.
INLINE_TAGS: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "title"}),
    "em": frozenset(),
    "strong": frozenset(),
    "i": frozenset(),
    "b": frozenset(),
    "u": frozenset(),
    "s": frozenset(),
    "sub": frozenset(),
    "sup": frozenset(),
    "small": frozenset(),
    "code": frozenset(),
    "kbd": frozenset(),
    "q": frozenset(),
    "abbr": frozenset({"title"}),
    "cite": frozenset(),
    "mark": frozenset(),
    "br": frozenset(),
    "span": frozenset({"lang", "dir"}),
    "bdi": frozenset({"lang", "dir"}),
}

InlineHTML = str  # a sanitised XHTML fragment, see INLINE_TAGS


#: The file a stored piece lives in, ``pieces/<slug>/piece.json`` (what an import writes and a build reads).
PIECE_FILE = "piece.json"


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of running text."""

    html: InlineHTML
    lang: str | None = None  # set only when it differs from the piece's language


@dataclass(frozen=True)
class Heading:
    """A heading inside a piece; level 2..6 (level 1 is the piece title)."""

    level: int
    html: InlineHTML


@dataclass(frozen=True)
class ListBlock:
    """An ordered or unordered list; each item is a sequence of blocks."""

    ordered: bool
    items: tuple[tuple[Block, ...], ...]


@dataclass(frozen=True)
class Quote:
    """A block quotation, optionally attributed."""

    blocks: tuple[Block, ...]
    attribution: InlineHTML = ""


@dataclass(frozen=True)
class Preformatted:
    """Preformatted text (code, poetry laid out by spaces); plain text, not HTML."""

    text: str


@dataclass(frozen=True)
class Table:
    """A table; cells hold inline HTML. ``header`` rows render as ``th`` cells."""

    header: tuple[tuple[InlineHTML, ...], ...]
    rows: tuple[tuple[InlineHTML, ...], ...]
    caption: InlineHTML = ""


@dataclass(frozen=True)
class Rule:
    """A thematic break (``hr``, "* * *")."""


@dataclass(frozen=True)
class Image:
    """An image resource: where it lives and what it is.

    ``path`` is a local file (absolute, or relative to the piece's media folder) when the
    image was available; ``None`` when only a remote ``url`` was known (nothing is fetched).
    """

    path: str | None
    url: str = ""
    media_type: str = ""
    width: int = 0
    height: int = 0
    sha256: str = ""


@dataclass(frozen=True)
class Figure:
    """A figure: image plus alt text, caption and credit as *separate* fields."""

    image: Image | None
    alt: str = ""
    caption: InlineHTML = ""
    credit: str = ""
    id: str = ""


@dataclass(frozen=True)
class FigureBlock:
    """A figure placed in the flow of the body."""

    figure: Figure


@dataclass(frozen=True)
class Embed:
    """A third-party embed (video, tweet, map) turned into a plain link."""

    url: str
    title: str = ""


Block = Paragraph | Heading | ListBlock | Quote | Preformatted | Table | Rule | FigureBlock | Embed

#: The closed set of block types; exporters must handle every one of them.
BLOCK_TYPES: tuple[type, ...] = (
    Paragraph,
    Heading,
    ListBlock,
    Quote,
    Preformatted,
    Table,
    Rule,
    FigureBlock,
    Embed,
)


@dataclass(frozen=True)
class Note:
    """A footnote or endnote. ``ref`` is the marker's id in the body (``<sup>`` link)."""

    id: str
    html: InlineHTML
    label: str = ""


@dataclass(frozen=True)
class Provenance:
    """Where a piece came from, so an archive can prove it."""

    source_path: str = ""  # path of the original file, relative to the collection
    source_sha256: str = ""
    source_url: str = ""
    retrieved: str = ""  # ISO date or datetime of retrieval
    importer: str = ""  # e.g. "html", "text", "markdown", "warc"
    importer_version: str = ""
    warc_record_ids: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    # set when bundler captured the page itself (``bundler import COLL URL``)
    requested_url: str = ""  # the address asked for
    final_url: str = ""  # where the redirects ended
    http_status: int = 0  # the final response's status
    redirects: tuple[str, ...] = ()  # "301 http://a -> http://b", in order
    screenshot: str = ""  # the dated full-page screenshot (--render), relative to the collection


@dataclass(frozen=True)
class Piece:
    """One article, cleaned: metadata, body blocks, figures, notes and provenance."""

    title: str
    body: tuple[Block, ...] = ()
    standfirst: tuple[Paragraph, ...] = ()
    authors: tuple[str, ...] = ()
    date: str = ""  # ISO 8601 date (YYYY-MM-DD) or "" when unknown
    source_url: str = ""
    site: str = ""
    language: str = "en"
    direction: str = "ltr"  # "ltr" or "rtl"
    notes: tuple[Note, ...] = ()
    provenance: Provenance = field(default_factory=Provenance)
    slug: str = ""  # stable id used for file names and anchors; set by the importer
    note: str = ""  # the editors' note from the manifest, shown under the title (plain text)

    @property
    def figures(self) -> tuple[Figure, ...]:
        """Every figure in body order, including figures nested in lists and quotes."""
        return tuple(_walk_figures(self.body))


def _walk_figures(blocks: tuple[Block, ...]):
    for block in blocks:
        if isinstance(block, FigureBlock):
            yield block.figure
        elif isinstance(block, Quote):
            yield from _walk_figures(block.blocks)
        elif isinstance(block, ListBlock):
            for item in block.items:
                yield from _walk_figures(item)


def map_blocks(blocks: tuple[Block, ...], change: Callable[[Block], Block | None]) -> tuple[Block, ...]:
    """Rebuild ``blocks`` with ``change`` applied to every block but quotes and lists, which are walked into.

    The one block walker: a block ``change`` returns None for is dropped. Rewriting figures,
    leaving some out and renumbering headings all go through here, so a new place blocks can
    nest is handled once, in reading order.
    """
    result: list[Block] = []
    for block in blocks:
        if isinstance(block, Quote):
            result.append(replace(block, blocks=map_blocks(block.blocks, change)))
        elif isinstance(block, ListBlock):
            result.append(replace(block, items=tuple(map_blocks(item, change) for item in block.items)))
        elif (changed := change(block)) is not None:
            result.append(changed)
    return tuple(result)


def map_figures(blocks: tuple[Block, ...], change) -> tuple[Block, ...]:
    """Rebuild ``blocks`` with ``change(figure)`` applied to every figure, however deeply nested.

    Everything that rewrites figures (storing a piece, leaving images out, naming images by
    content) goes through here.
    """
    return map_blocks(blocks, lambda block: FigureBlock(change(block.figure)) if isinstance(block, FigureBlock) else block)


def keep_figures(blocks: tuple[Block, ...], keep: Callable[[int], bool]) -> tuple[Block, ...]:
    """``blocks`` without the figures ``keep(number)`` rejects, numbered from 1 in reading order however deeply nested.

    The numbers are those of ``Piece.figures`` (and of ``bundler list``), so a manifest's
    ``figures: [1, 3]`` means the same figures a reader counts, inside quotes and lists too.
    """
    numbers = itertools.count(1)
    return map_blocks(blocks, lambda block: block if not isinstance(block, FigureBlock) or keep(next(numbers)) else None)


def map_dossier_figures(dossier: Dossier, change) -> Dossier:
    """The dossier with ``change(figure)`` applied to every figure: pieces, section introductions, front and back matter."""
    sections = tuple(
        replace(
            section,
            intro=map_figures(section.intro, change),
            pieces=tuple(replace(piece, body=map_figures(piece.body, change)) for piece in section.pieces),
        )
        for section in dossier.sections
    )
    return replace(
        dossier,
        sections=sections,
        front_matter=tuple(replace(page, body=map_figures(page.body, change)) for page in dossier.front_matter),
        back_matter=tuple(replace(page, body=map_figures(page.body, change)) for page in dossier.back_matter),
    )


@dataclass(frozen=True)
class TextPage:
    """Front or back matter written by the editors (introduction, timeline, glossary)."""

    title: str
    body: tuple[Block, ...]
    slug: str
    kind: str = "text"  # introduction, timeline, glossary, colophon, text
    language: str = ""
    direction: str = ""


@dataclass(frozen=True)
class Section:
    """A titled group of pieces with an optional introduction."""

    title: str
    pieces: tuple[Piece, ...]
    intro: tuple[Block, ...] = ()
    slug: str = ""


@dataclass(frozen=True)
class Edition:
    """One output to build and its options (format name plus free-form options)."""

    format: str
    options: tuple[tuple[str, Any], ...] = ()
    name: str = ""  # its own name when a collection has several of one format: the 'ar' of aleppo.ar.epub
    key: str = ""  # where the manifest declares it ("editions.epub", "editions[1]"), for located messages

    def option(self, name: str, default: Any = None) -> Any:
        """Return the value of one option, or ``default``."""
        return dict(self.options).get(name, default)

    @property
    def id(self) -> str:
        """What tells it apart from the build's other editions: ``epub``, or ``epub.ar`` when named."""
        return f"{self.format}.{self.name}" if self.name else self.format

    def file_name(self, slug: str, suffix: str) -> str:
        """Its file name, given its format's suffix: ``slug.epub``, or ``slug.ar.epub`` when it is named ar."""
        return f"{slug}.{self.name}{suffix}" if self.name else f"{slug}{suffix}"

    @property
    def where(self) -> str:
        """The manifest key of its options, for messages that point at them."""
        return self.key or f"editions.{self.format}"


@dataclass(frozen=True)
class Dossier:
    """A curated collection of pieces: the thing every edition is made from."""

    title: str
    identifier: str  # stable, e.g. "urn:uuid:…"; never changes between rebuilds
    slug: str
    sections: tuple[Section, ...]
    subtitle: str = ""
    description: str = ""
    language: str = "en"
    direction: str = "ltr"
    editors: tuple[str, ...] = ()
    publisher: str = ""
    date: str = ""
    subjects: tuple[str, ...] = ()
    rights: str = ""
    cover: str = "auto"  # "auto" or a path to an image
    front_matter: tuple[TextPage, ...] = ()
    back_matter: tuple[TextPage, ...] = ()
    editions: tuple[Edition, ...] = ()
    root: str = ""  # the collection folder (absolute)

    @property
    def pieces(self) -> tuple[Piece, ...]:
        """Every piece in reading order."""
        return tuple(p for s in self.sections for p in s.pieces)

    @property
    def credited(self) -> tuple[str, ...]:
        """Who a document's metadata names as its authors: the editors, else every piece's authors once, in order."""
        return self.editors or tuple(dict.fromkeys(a for p in self.pieces for a in p.authors))


def to_data(value: Any) -> Any:
    """Turn a model value into plain JSON-able data, tagging blocks with their type."""
    if is_dataclass(value):
        data = {f.name: to_data(getattr(value, f.name)) for f in fields(value)}
        if type(value) in BLOCK_TYPES:
            data = {"type": type(value).__name__, **data}
        return data
    if isinstance(value, (tuple, list)):
        return [to_data(v) for v in value]
    return value


_BLOCKS_BY_NAME = {t.__name__: t for t in BLOCK_TYPES}


def block_from_data(data: dict) -> Block:
    """Rebuild one block from ``to_data`` output."""
    data = dict(data)
    kind = _BLOCKS_BY_NAME[data.pop("type")]
    if kind is ListBlock:
        items = tuple(tuple(block_from_data(b) for b in item) for item in data["items"])
        return ListBlock(ordered=data["ordered"], items=items)
    if kind is Quote:
        return Quote(tuple(block_from_data(b) for b in data["blocks"]), data.get("attribution", ""))
    if kind is Table:
        return Table(
            header=tuple(tuple(r) for r in data["header"]),
            rows=tuple(tuple(r) for r in data["rows"]),
            caption=data.get("caption", ""),
        )
    if kind is FigureBlock:
        return FigureBlock(figure_from_data(data["figure"]))
    return kind(**data)


def figure_from_data(data: dict) -> Figure:
    """Rebuild a figure from ``to_data`` output."""
    image = Image(**data["image"]) if data.get("image") else None
    return Figure(image=image, **{k: v for k, v in data.items() if k != "image"})


def piece_from_data(data: dict) -> Piece:
    """Rebuild a piece from ``to_data`` output (the ``piece.json`` format)."""
    prov = dict(data.get("provenance") or {})
    for key in ("warc_record_ids", "warnings", "redirects"):
        prov[key] = tuple(prov.get(key, ()))
    return Piece(
        title=data["title"],
        body=tuple(block_from_data(b) for b in data.get("body", ())),
        standfirst=tuple(Paragraph(**p) if "type" not in p else block_from_data(p) for p in data.get("standfirst", ())),
        authors=tuple(data.get("authors", ())),
        date=data.get("date", ""),
        source_url=data.get("source_url", ""),
        site=data.get("site", ""),
        language=data.get("language", "en"),
        direction=data.get("direction", "ltr"),
        notes=tuple(Note(**n) for n in data.get("notes", ())),
        provenance=Provenance(**prov),
        slug=data.get("slug", ""),
        note=data.get("note", ""),
    )
