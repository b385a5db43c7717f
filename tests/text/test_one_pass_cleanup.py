"""The cheaper clean-ups of text and fragments give what the passes they replaced gave (branch text7).

Each shortcut is exact, not a new rule: one regular expression where several passes took out
characters, a substitution skipped only where it could change nothing, a block kept where
rebuilding it would have made an equal one.
"""

from __future__ import annotations

import re
import sys
from dataclasses import replace

from bundler.cleaning.blocks import _INLINE_SPACES, _has_space_runs, _tidy_inline, html_to_blocks, parse_fragment
from bundler.cleaning.wellformed import fragment_problems, map_fragments, repair_piece
from bundler.model import Figure, FigureBlock, Heading, ListBlock, Note, Paragraph, Piece, Quote, Table
from bundler.text.typography import remove_non_xml, smarten, strip_controls

_EVERY = "".join(chr(code) for code in range(sys.maxunicode + 1) if not 0xD800 <= code <= 0xDFFF)


def _three_passes(text: str) -> str:
    """``strip_controls`` as it stood: bidi embeddings, then soft hyphens, then what XML cannot hold."""
    return remove_non_xml(re.sub("[\u202a-\u202e]", "", text).replace("\u00ad", ""))


def test_strip_controls_takes_out_what_three_passes_took_out_for_every_character() -> None:
    assert strip_controls(_EVERY) == _three_passes(_EVERY)
    for text in ["plain", "", "co\u00adop\u202bera\u202ction\x0b", "\u0645\u200f\u202e\u0631\u00ad", "\ufffe\uffff\t\n\r"]:
        assert strip_controls(text) == _three_passes(text)
    assert smarten('\u202a"Hello" -- it\u00ads\x01 fine...') == "\u201cHello\u201d\u2014its fine\u2026"


def test_inline_tidy_skips_the_substitution_only_where_it_would_change_nothing() -> None:
    spaces = [" ", "\t", "\r", "\n", "\u00a0", "\u2003", "\x0b"]
    for first in spaces:
        for second in spaces:
            for text in [f"a{first}b", f"a{first}{second}b", f"{first}a b{second}", f"<em>x</em>{first}<br/>{second}y"]:
                assert _has_space_runs(text) or _INLINE_SPACES.sub(" ", text) == text, repr(text)
    assert _tidy_inline(" a \u00a0 b\n<br/>  c ") == "a b<br/>c"
    assert _tidy_inline("one two") == "one two"


def test_blocks_between_indentation_and_breaks_are_read_as_before() -> None:
    root = parse_fragment("\n  <p>One  para\u00a0graph</p>\n  \n<p>Two</p>  loose <b>text</b><br><br>after\n  <ul><li>item</li></ul>\n ")
    blocks = html_to_blocks(root, "en")
    assert blocks == [
        Paragraph("One para graph"),
        Paragraph("Two"),
        Paragraph("loose <b>text</b>"),
        Paragraph("after"),
        ListBlock(False, ((Paragraph("item"),),)),
    ]


def _piece(body: tuple, notes: tuple = ()) -> Piece:
    return Piece(title="t", body=body, standfirst=(Paragraph("<em>stand</em>"),), notes=notes)


def test_a_piece_whose_fragments_stay_is_kept_and_a_changed_one_is_rebuilt() -> None:
    body = (
        Paragraph("<em>fine</em>"),
        Heading(2, "Head"),
        Quote((Paragraph("q"),), "who"),
        ListBlock(True, ((Paragraph("i"),),)),
        Table((("h",),), (("c",),), "cap"),
        FigureBlock(Figure(image=None, alt="a", caption="<b>c</b>", credit="")),
    )
    piece = _piece(body, (Note("n1", "note"),))
    assert repair_piece(piece) is piece
    for index, block in enumerate(body):
        broken = list(body)
        if isinstance(block, (Paragraph, Heading)):
            broken[index] = replace(block, html="<em>open")
        elif isinstance(block, Quote):
            broken[index] = replace(block, attribution="<b>who")
        elif isinstance(block, ListBlock):
            broken[index] = replace(block, items=((Paragraph("<i>i"),),))
        elif isinstance(block, Table):
            broken[index] = replace(block, rows=(("<u>c",),))
        else:
            broken[index] = FigureBlock(replace(block.figure, caption="<b>c"))
        repaired = repair_piece(_piece(tuple(broken), piece.notes))
        assert repaired.body[:index] == body[:index] and repaired.body[index + 1 :] == body[index + 1 :]
        assert repaired.body[index] != broken[index] and not fragment_problems(repaired)
    upper = map_fragments(piece, str.upper)
    assert upper.notes == (Note("n1", "NOTE"),) and upper.standfirst == (Paragraph("<EM>STAND</EM>"),)
    assert upper.body[0] == Paragraph("<EM>FINE</EM>") and upper.body[2] == Quote((Paragraph("Q"),), "WHO")
