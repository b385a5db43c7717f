"""Heading levels inside a piece: start at h2 under the title, no jumps, no buttons as headings."""

from __future__ import annotations

from bundler.cleaning.headings import normalise_headings
from bundler.model import Heading, ListBlock, Paragraph, Quote


def outline(blocks) -> list[tuple[int, str]]:
    return [(b.level, b.html) for b in blocks if isinstance(b, Heading)]


def test_jumps_are_closed_and_levels_start_under_the_title():
    blocks = (
        Heading(4, "First"),
        Paragraph("a"),
        Heading(5, "Deeper"),
        Paragraph("b"),
        Heading(4, "Second"),
        Paragraph("c"),
        Heading(2, "Top again"),
        Paragraph("d"),
        Heading(5, "Jump"),
        Paragraph("e"),
    )
    assert outline(normalise_headings(blocks)) == [(2, "First"), (3, "Deeper"), (2, "Second"), (2, "Top again"), (3, "Jump")]


def test_no_heading_is_ever_more_than_one_level_below_the_previous():
    levels = [2, 6, 3, 6, 6, 2, 4, 5, 6, 3]
    blocks = tuple(block for level in levels for block in (Heading(level, f"h{level}"), Paragraph("text")))
    result = [level for level, _ in outline(normalise_headings(blocks))]
    assert result[0] == 2
    assert all(b <= a + 1 for a, b in zip(result, result[1:], strict=False))


def test_buttons_are_dropped_and_link_only_or_empty_headings_become_paragraphs():
    blocks = (
        Heading(2, "Intro"),
        Paragraph("a"),
        Heading(6, "Read Later"),
        Heading(6, "Share this"),
        Heading(3, '<a href="https://example.org/other">Another story</a>'),
        Paragraph("b"),
        Heading(3, "Nothing under me"),
        Heading(2, "Share the road: a cycling plan"),
        Paragraph("c"),
        Heading(2, "Last"),
    )
    result = normalise_headings(blocks)
    texts = [getattr(b, "html", "") for b in result]
    assert "Read Later" not in texts and "Share this" not in texts
    assert Paragraph('<a href="https://example.org/other">Another story</a>') in result
    assert Paragraph("Nothing under me") in result and Paragraph("Last") in result
    assert outline(result) == [(2, "Intro"), (2, "Share the road: a cycling plan")]


def test_headings_nested_in_quotes_and_lists_share_the_outline():
    blocks = (
        Heading(3, "Outer"),
        Quote((Heading(6, "Quoted"), Paragraph("q"))),
        ListBlock(False, ((Heading(6, "In list"), Paragraph("l")),)),
    )
    result = normalise_headings(blocks)
    assert result[0] == Heading(2, "Outer")
    assert result[1].blocks[0] == Heading(3, "Quoted")
    assert result[2].items[0][0] == Heading(3, "In list")


def test_normalising_twice_changes_nothing():
    blocks = (Heading(5, "A"), Paragraph("x"), Heading(6, "B"), Paragraph("y"), Heading(6, "Menu"))
    once = normalise_headings(blocks)
    assert normalise_headings(once) == once
