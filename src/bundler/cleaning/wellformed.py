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
    """Rebuild ``piece`` with ``change`` applied to every inline fragment.

    A block whose fragments ``change`` leaves as they were is kept, not rebuilt: most are (a fragment
    made from a tree is well-formed already), and rebuilding every block of every piece twice an import
    (the repair, then the relative links) cost more than looking at the fragments."""
    body = _map_blocks(piece.body, change)
    standfirst = tuple(_with_html(p, change) for p in piece.standfirst)
    notes = tuple(_with_html(n, change) for n in piece.notes)
    if body == piece.body and standfirst == piece.standfirst and notes == piece.notes:
        return piece
    return replace(piece, body=body, standfirst=standfirst, notes=notes)


def _with_html(holder, change: Change):
    """``holder`` (a paragraph, heading or note) with ``change`` applied to its ``html``; itself when that stays."""
    html = change(holder.html)
    return holder if html == holder.html else replace(holder, html=html)


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
    """``block`` with ``change`` applied to its fragments; ``block`` itself when none of them changes."""
    if isinstance(block, (Paragraph, Heading)):
        return _with_html(block, change)
    if isinstance(block, Quote):
        blocks, attribution = _map_blocks(block.blocks, change), change(block.attribution)
        same = blocks == block.blocks and attribution == block.attribution
        return block if same else replace(block, blocks=blocks, attribution=attribution)
    if isinstance(block, ListBlock):
        items = tuple(_map_blocks(item, change) for item in block.items)
        return block if items == block.items else replace(block, items=items)
    if isinstance(block, Table):
        header = tuple(tuple(change(c) for c in row) for row in block.header)
        rows = tuple(tuple(change(c) for c in row) for row in block.rows)
        caption = change(block.caption)
        same = header == block.header and rows == block.rows and caption == block.caption
        return block if same else replace(block, header=header, rows=rows, caption=caption)
    if isinstance(block, FigureBlock):
        caption = change(block.figure.caption)
        return block if caption == block.figure.caption else FigureBlock(replace(block.figure, caption=caption))
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
