"""Pieces are well-formed by construction: fragments built from trees, repaired on import, checked on reading."""

from __future__ import annotations

import pytest
from lxml import etree

from bundler.cleaning.blocks import fragment_problem, html_to_blocks, parse_fragment, repair_fragment, split_at_breaks
from bundler.cleaning.wellformed import fragment_problems, repair_piece
from bundler.model import Figure, FigureBlock, Heading, ListBlock, Note, Paragraph, Piece, Quote, Table


def well_formed(fragment: str) -> bool:
    try:
        etree.fromstring(f"<div>{fragment}</div>")
    except etree.XMLSyntaxError:
        return False
    return True


@pytest.mark.parametrize(
    ("fragment", "run", "parts"),
    [
        ("a<br/>b<br/>c", 1, ["a", "b", "c"]),
        ("a<br/>b<br/>c", 2, ["a<br/>b<br/>c"]),
        ("a <br/> <br/> <em>b</em> c<br/>d", 2, ["a ", " <em>b</em> c<br/>d"]),
        ("<span>Image credit: Someone<br/></span>", 1, ["<span>Image credit: Someone<br/></span>"]),
        ("<span>x<br/><br/>y</span>", 2, ["<span>x<br/><br/>y</span>"]),
        ("Q &amp; A<br/><br/>R &lt; S", 2, ["Q &amp; A", "R &lt; S"]),
    ],
)
def test_split_at_breaks_never_cuts_through_an_element(fragment, run, parts):
    assert split_at_breaks(fragment, run) == parts
    assert all(well_formed(part) for part in parts)


def test_breaks_inside_an_inline_element_keep_the_paragraph_balanced():
    """The real-page case: a credit line whose ``<br>`` sits inside its ``<span>``."""
    markup = '<p><span style="font-size:8px">Image credit: Someone<br></span></p><p>Text<br><br><b>bold<br><br>still bold</b></p>'
    blocks = html_to_blocks(parse_fragment(markup))
    assert all(isinstance(b, Paragraph) and well_formed(b.html) for b in blocks)
    assert [b.html for b in blocks][0] == "<span>Image credit: Someone<br/></span>"


def test_figure_cut_out_of_a_link_leaves_balanced_markup():
    """A figure inside ``<a>`` becomes a FigureBlock; the link's remaining text stays balanced."""
    markup = (
        "<p>Before <a href='https://example.org/full'><em>see <figure><img src='a.jpg' alt='A photo'>"
        "<figcaption>The <b>caption</b></figcaption></figure> the full size</em></a> after.</p>"
    )

    def hook(element):
        return [FigureBlock(Figure(image=None, alt=element.findtext(".//figcaption") or "", caption="cap"))]

    blocks = html_to_blocks(parse_fragment(markup), figure_hook=hook)
    fragments = [b.html for b in blocks if isinstance(b, Paragraph)]
    assert fragments and all(well_formed(f) for f in fragments)
    assert any(isinstance(b, FigureBlock) for b in blocks) or "caption" in " ".join(fragments)
    assert "full size" in " ".join(fragments) and "after." in " ".join(fragments)


@pytest.mark.parametrize(
    ("broken", "repaired"),
    [
        ("<em>open", "<em>open</em>"),
        ("stray</b> end", "stray end"),
        ("<span>a<em>b</span>c</em>", None),
        ("x &nbsp; y &copy; 2026", "x y © 2026"),
        ("<b>one</b><i>two", "<b>one</b><i>two</i>"),
    ],
)
def test_repair_gives_well_formed_fragments(broken, repaired):
    assert fragment_problem(broken)
    fixed = repair_fragment(broken)
    assert well_formed(fixed) and not fragment_problem(fixed)
    if repaired is not None:
        assert fixed == repaired


def test_well_formed_fragments_are_left_alone():
    fragment = 'It’s <a href="https://example.org/?a=1&amp;b=2">here</a> &amp; <code>x &lt; y</code>'
    assert repair_fragment(fragment) == fragment


def piece_with_every_fragment(bad: str) -> Piece:
    return Piece(
        title="Every field",
        body=(
            Paragraph(bad),
            Heading(2, bad),
            ListBlock(False, ((Paragraph(bad),),)),
            Quote((Paragraph(bad),), attribution=bad),
            Table(((bad,),), ((bad,),), caption=bad),
            FigureBlock(Figure(image=None, alt="x", caption=bad)),
        ),
        standfirst=(Paragraph(bad),),
        notes=(Note("1", bad),),
    )


def test_every_fragment_of_a_piece_is_checked_and_repaired():
    piece = piece_with_every_fragment("<em>open")
    problems = fragment_problems(piece)
    assert len(problems) == 11
    assert problems[0].startswith("body[0] (Paragraph): ")
    assert any(p.startswith("body[4].caption") for p in problems) and any(p.startswith("notes[1]") for p in problems)
    assert fragment_problems(repair_piece(piece)) == []


def test_links_with_characters_a_url_may_not_hold_are_percent_encoded():
    from bundler.cleaning.blocks import clean_url

    assert clean_url("https://example.org/blog/[category]/[uid]") == "https://example.org/blog/%5Bcategory%5D/%5Buid%5D"
    assert clean_url("https://example.org/a b#x y") == "https://example.org/a%20b#x%20y"
    assert clean_url("https://ar.wikipedia.org/wiki/حلب") == "https://ar.wikipedia.org/wiki/حلب"


@pytest.mark.parametrize("inline_notes", [False, True])
def test_a_note_called_twice_gets_two_distinct_ids(inline_notes):
    from bundler.model import Dossier, Section
    from bundler.render.xhtml import Target, render_piece

    call = '<a href="#note-citations">[1]</a>'
    piece = Piece(
        title="Cited twice",
        slug="cited-twice",
        body=(Paragraph(f"First {call}."), Paragraph(f"Again {call} and {call}.")),
        notes=(Note("citations", "The sources."),),
    )
    dossier = Dossier(title="D", identifier="urn:x", slug="d", sections=(Section("S", (piece,), slug="s"),))
    target = Target(href_for=lambda slug: f"{slug}.xhtml", media_href=lambda f: None, epub=True, inline_notes=inline_notes)
    article = render_piece(piece, dossier, target)
    root = etree.fromstring(f'<div xmlns:epub="http://www.idpf.org/2007/ops">{article}</div>')
    ids = root.xpath("//@id")
    assert len(ids) == len(set(ids))
    if not inline_notes:
        assert {"cited-twice-nref-citations", "cited-twice-nref-citations-2", "cited-twice-nref-citations-3"} <= set(ids)
        assert root.xpath("//*[@role='doc-backlink']/@href") == ["#cited-twice-nref-citations"]
