"""Markup a screen reader can name: links with nothing to read lose their link, empty header cells are cells.

Both were found by the accessibility check (axe-core as DAISY Ace runs it) on real pages: an
icon link whose picture the page drew in CSS arrives as ``<a href="…"> </a>``, and comparison
tables leave their corner header cell empty.
"""

from __future__ import annotations

from bundler.model import Dossier, Paragraph, Piece, Section, Table
from bundler.render.xhtml import Target, render_piece, rewrite_inline


def target() -> Target:
    return Target(href_for=lambda slug: f"{slug}.xhtml", media_href=lambda figure: None)


def test_a_link_with_nothing_to_read_is_unwrapped_and_a_named_one_kept():
    fragment = (
        'See <a href="https://a.example/"> </a>the chart, <a href="https://b.example/"><br/></a>'
        'the <a href="https://c.example/">report</a> and <a href="https://d.example/"><img src="x.png" alt="map"/></a>.'
    )
    rewritten = rewrite_inline(fragment, target())
    assert "a.example" not in rewritten and "b.example" not in rewritten
    assert 'See  the chart, <br/>the <a href="https://c.example/">report</a>' in rewritten
    assert '<a href="https://d.example/"><img src="x.png" alt="map"/></a>' in rewritten


def test_an_empty_header_cell_is_rendered_as_a_plain_cell():
    table = Table(header=(("", "Price", "Speed"),), rows=(("Plan A", "$5", "fast"),))
    piece = Piece(title="Plans", body=(Paragraph("Three plans compared."), table), slug="plans")
    dossier = Dossier(title="Plans", identifier="urn:x", slug="plans", sections=(Section("Plans", (piece,), slug="s"),))
    markup = render_piece(piece, dossier, target())
    assert '<thead><tr><td></td><th scope="col">Price</th><th scope="col">Speed</th></tr></thead>' in markup
