"""A ``figures:`` override counts figures as a reader does: in reading order, inside quotes and lists too.

Before, only figures at the top of a piece's body were counted and filtered, so a photo inside a
quote or a list item escaped ``figures: exclude`` and shifted the numbers of ``figures: [1, 3]``.
"""

from __future__ import annotations

from bundler.manifest.resolve import _filter_figures
from bundler.model import Figure, FigureBlock, ListBlock, Paragraph, Piece, Quote


def photo(name: str) -> FigureBlock:
    return FigureBlock(Figure(image=None, alt=name, caption=name))


def piece() -> Piece:
    body = (
        photo("one"),
        Paragraph("A witness remembers the market."),
        Quote(blocks=(Paragraph("We ran."), photo("two"))),
        ListBlock(ordered=False, items=((Paragraph("First day"),), (photo("three"), Paragraph("Second day")))),
        photo("four"),
    )
    return Piece(title="Market", body=body)


def alts(blocks) -> list[str]:
    return [figure.alt for figure in Piece(title="x", body=blocks).figures]


def test_numbers_are_the_readers_count_however_deeply_nested():
    assert alts(piece().body) == ["one", "two", "three", "four"]
    assert alts(_filter_figures(piece(), [2, 3])) == ["two", "three"]


def test_exclude_leaves_out_nested_figures_and_keeps_the_text_around_them():
    body = _filter_figures(piece(), "exclude")
    assert alts(body) == []
    quote, listing = body[1], body[2]
    assert quote.blocks == (Paragraph("We ran."),) and listing.items[1] == (Paragraph("Second day"),)


def test_include_keeps_the_body_as_it_is():
    assert _filter_figures(piece(), "include") == piece().body
