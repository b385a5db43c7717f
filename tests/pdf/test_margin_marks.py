"""Running heads shaped and placed by the assembler (``margin_marks``): bidi order, faces, and where it declines.

The whole-book comparison with one WeasyPrint pass is in ``test_pdf_parts``; these are the
rules a head goes through, on lines built by hand.
"""

from __future__ import annotations

import pytest

from bundler.exporters.pdf.margin_marks import DRAWN_FACES, MarkBox, _bidi_levels, page_side, place_line, shape_line

STACK = ("Noto Serif", "Noto Naskh Arabic", "Noto Sans Math", "Noto Sans Symbols2", "Noto Emoji", "Noto Serif CJK JP")
BOX = MarkBox(
    "piece", x=85.0, top=0.0, width=396.0, height=62.0, align="right", families=STACK, size=8.5, line_height=12.3, color=(0, 0, 0)
)
ARABIC = "طوابير الخبز"


def test_brackets_take_the_direction_of_what_they_hold():
    """Rule N0: '(8)' after Arabic in a left-to-right book sits inside the Arabic run, brackets mirrored."""
    levels = _bidi_levels(f"{ARABIC} (8)", right_to_left=False)
    assert levels[-4:] == [1, 1, 2, 1]  # space, "(", "8", ")"
    assert _bidi_levels("Bread (3)", right_to_left=True) == [2] * 9


def test_an_arabic_head_is_drawn_right_to_left_in_two_faces():
    line = shape_line(f"{ARABIC} (8)", BOX, right_to_left=True)
    assert line is not None
    faces = [glyph.face for glyph in line.glyphs]
    assert faces[0] == "Noto Serif" and faces[-1] == "Noto Naskh Arabic"  # the number (with its brackets) at the left end
    assert [glyph.text for glyph in line.glyphs[:3]] == ["(", "8", ")"]  # mirrored glyphs copy as what they show
    assert all(b.x >= a.x for a, b in zip(line.glyphs, line.glyphs[1:], strict=False))
    x, baseline = place_line(line, BOX)
    assert x == pytest.approx(BOX.x + BOX.width - line.width) and 0 < baseline < BOX.height


@pytest.mark.parametrize("text", ["Night shift ★", "夜班", "\u2067night\u2069", "Night ⟨shift⟩"])
def test_heads_needing_what_is_not_drawn_here_are_declined(text):
    """Another face, explicit bidi controls, an unpaired kind of bracket: the part keeps WeasyPrint's overlay."""
    assert shape_line(text, BOX, right_to_left=False) is None


def test_a_head_too_wide_for_one_line_is_declined():
    line = shape_line("A very long running head " * 12, BOX, right_to_left=False)
    assert line is not None and line.width > BOX.width
    assert place_line(line, BOX) is None


def test_sides_follow_the_page_number_and_the_book_direction():
    assert [page_side(n, False) for n in (1, 2)] == ["right", "left"]
    assert [page_side(n, True) for n in (1, 2)] == ["left", "right"]
    assert set(DRAWN_FACES) == {"Noto Serif", "Noto Naskh Arabic"}
