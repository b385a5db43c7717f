"""A thread's posts are never traded for a summary box that trafilatura took for the article.

``tests/fixtures/threads/forum-summary-box.html`` (written for this test): a forum thread whose posts
(``article.message--post``, their text in ``<br>``-broken ``div.bbWrapper``s) sit under a generated
"Discussion overview" box of paragraphs and list items. trafilatura, which reads replies as
comments, takes the box for the article. The root finder finds the thread by structure, but the wider
root (the page's main element filtered by trafilatura) and then the recovery of a lost article
(the untouched page filtered by trafilatura) each replaced the six posts with the box alone: the
piece was a summary of the thread, not the thread. Both may still add to a thread, never replace it
with fewer words. The importer and trafilatura run for real.
"""

from __future__ import annotations

from pathlib import Path

from bundler.cleaning.content import trafilatura_text
from bundler.commands.extract import piece_text
from bundler.importers import ImportOptions, read_piece
from bundler.importers.html import parse_page

PAGE = Path(__file__).parent.parent / "fixtures" / "threads" / "forum-summary-box.html"
POSTS = [
    "I am thinking of buying a second-hand tent",
    "Check the seams first",
    "Thanks, I will ask him to pitch it.",
    "Count the pegs and the poles",
    "Smell it as well, seriously.",
    "If the zips stick, walk away",
]
SUMMARY = "The discussion is about what to check before buying a used tent"


def _in_order(text: str, starts: list[str]) -> bool:
    positions = [text.find(start) for start in starts]
    return -1 not in positions and positions == sorted(positions)


def test_trafilatura_reads_the_summary_box_not_the_posts():
    """The page's premise: the second opinion has the box and none of the replies."""
    second_opinion = trafilatura_text(parse_page(PAGE.read_text(encoding="utf-8")))
    assert SUMMARY in second_opinion
    assert not any(start in second_opinion for start in POSTS[1:])


def test_every_post_is_imported_in_order_and_the_box_is_not_the_piece():
    text = piece_text(read_piece(PAGE, ImportOptions()))
    assert _in_order(text, POSTS), text
    assert SUMMARY not in text
    assert "Click for summary" not in text


def test_the_posts_keep_their_writers():
    text = piece_text(read_piece(PAGE, ImportOptions()))
    for writer in ("ridgewalker", "m_okafor", "old_bivvy"):
        assert writer in text, writer
