"""Every inline fragment of a piece is well-formed XHTML: repaired on import, checked on reading.

A piece's fragments (paragraphs, headings, table cells, captions, notes, the standfirst) are
pasted into the XHTML of every edition. One unbalanced tag there made lxml fail deep inside
the EPUB writer, after other editions were written, naming no piece. Importers build
fragments from a tree, so they are balanced by construction; ``repair_piece`` is the last
guard before a piece is stored, and ``fragment_problems`` lets a stored ``piece.json`` that
was edited by hand be rejected with the place of the fault.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace

from bundler.cleaning.blocks import fragment_problem, repair_fragment
from bundler.model import Block, FigureBlock, Heading, ListBlock, Paragraph, Piece, Quote, Table

Change = Callable[[str], str]


def repair_piece(piece: Piece) -> Piece:
    """``piece`` with every malformed fragment re-serialised from a lenient parse (well-formed ones untouched)."""
    return map_fragments(piece, repair_fragment)


def fragment_problems(piece: Piece) -> list[str]:
    """``"body[3] (Paragraph): <why>"`` for each fragment that is not well-formed XHTML."""
    return [f"{where}: {problem}" for where, fragment in iter_fragments(piece) if (problem := fragment_problem(fragment))]


def map_fragments(piece: Piece, change: Change) -> Piece:
    """Rebuild ``piece`` with ``change`` applied to every inline fragment."""
    return replace(
        piece,
        body=_map_blocks(piece.body, change),
        standfirst=tuple(replace(p, html=change(p.html)) for p in piece.standfirst),
        notes=tuple(replace(n, html=change(n.html)) for n in piece.notes),
    )


def iter_fragments(piece: Piece) -> Iterator[tuple[str, str]]:
    """Every inline fragment of ``piece`` with where it sits, e.g. ``body[4].items[1][0]``."""
    yield from _block_fragments(piece.body, "body")
    for index, paragraph in enumerate(piece.standfirst):
        yield f"standfirst[{index}]", paragraph.html
    for note in piece.notes:
        yield f"notes[{note.id}]", note.html


def _map_blocks(blocks: tuple[Block, ...], change: Change) -> tuple[Block, ...]:
    return tuple(_map_block(block, change) for block in blocks)


def _map_block(block: Block, change: Change) -> Block:
    if isinstance(block, (Paragraph, Heading)):
        return replace(block, html=change(block.html))
    if isinstance(block, Quote):
        return replace(block, blocks=_map_blocks(block.blocks, change), attribution=change(block.attribution))
    if isinstance(block, ListBlock):
        return replace(block, items=tuple(_map_blocks(item, change) for item in block.items))
    if isinstance(block, Table):
        return replace(
            block,
            header=tuple(tuple(change(c) for c in row) for row in block.header),
            rows=tuple(tuple(change(c) for c in row) for row in block.rows),
            caption=change(block.caption),
        )
    if isinstance(block, FigureBlock):
        return FigureBlock(replace(block.figure, caption=change(block.figure.caption)))
    return block


def _block_fragments(blocks: tuple[Block, ...], path: str) -> Iterator[tuple[str, str]]:
    for index, block in enumerate(blocks):
        where = f"{path}[{index}]"
        kind = type(block).__name__
        if isinstance(block, (Paragraph, Heading)):
            yield f"{where} ({kind})", block.html
        elif isinstance(block, Quote):
            yield from _block_fragments(block.blocks, f"{where}.blocks")
            yield f"{where}.attribution", block.attribution
        elif isinstance(block, ListBlock):
            for number, item in enumerate(block.items):
                yield from _block_fragments(item, f"{where}.items[{number}]")
        elif isinstance(block, Table):
            for name, rows in (("header", block.header), ("rows", block.rows)):
                for r, row in enumerate(rows):
                    for c, cell in enumerate(row):
                        yield f"{where}.{name}[{r}][{c}]", cell
            yield f"{where}.caption", block.caption
        elif isinstance(block, FigureBlock):
            yield f"{where}.figure.caption", block.figure.caption
