"""The writer's bio printed as plain paragraphs after the story, and doubled lines, are left out (cleaning.closing).

The fixture pages name the writer in their metadata only, the way many sites print a bio with no
link to an author page (so ``cleaning.asides`` cannot tell it).
"""

from __future__ import annotations

from bundler.cleaning.closing import drop_closing_bio, drop_closing_furniture, drop_doubled_blocks
from bundler.commands.extract import piece_text
from bundler.importers import read_piece
from bundler.model import Heading, Paragraph
from tests.importers.conftest import norm

_STORY = [
    "The harbour board voted on Monday to dredge the eastern channel before the autumn storms arrive.",
    "Fishing crews had complained for two seasons that their boats scraped the bottom at low tide.",
    "The work will cost less than the board feared, because the spoil can be used to rebuild the dunes.",
    "A survey vessel mapped the channel last month and found the silt deepest near the old lighthouse.",
    "Dredging will pause at night so that the ferry timetable is not disturbed during the busy weeks.",
    "The board expects the channel to be clear by the first week of October if the weather holds.",
]
_BIO = "Ilse Varga is the coastal affairs writer and has covered the harbour and its fleets for nine years."


def _page(body: str, author: str = "Ilse Varga") -> str:
    meta = f"<meta name='author' content='{author}'>" if author else ""
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Channel to be dredged</title>"
        f"{meta}</head><body><article><h1>Channel to be dredged</h1>{body}</article></body></html>"
    )


def _text(tmp_path, html: str) -> str:
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    return norm(piece_text(read_piece(path)))


_RUNNING = "".join(f"<p>{p}</p>" for p in _STORY)


def test_a_plain_bio_after_the_story_goes_with_its_heading_and_job_title(tmp_path):
    bio = f"<h2>About the author</h2><p>Ilse Varga</p><p>Coastal affairs writer</p><p>{_BIO}</p>"
    text = _text(tmp_path, _page(_RUNNING + bio))
    assert all(norm(p) in text for p in _STORY)
    assert "nine years" not in text and "About the author" not in text and "Coastal affairs writer" not in text


def test_a_bio_opening_with_the_first_name_under_the_name_line_goes(tmp_path):
    bio = "<p>Ilse Varga</p><p>Ilse has covered the harbour and its fleets for nine years, first for the radio.</p>"
    text = _text(tmp_path, _page(_RUNNING + bio))
    assert "nine years" not in text and all(norm(p) in text for p in _STORY)


def test_without_a_named_writer_the_closing_paragraph_is_kept(tmp_path):
    text = _text(tmp_path, _page(_RUNNING + f"<p>{_BIO}</p>", author=""))
    assert "nine years" in text


def test_a_paragraph_naming_the_writer_inside_the_story_is_kept(tmp_path):
    inside = "<p>Ilse Varga, who sailed with the survey vessel, counted eleven wrecks on the channel floor.</p>"
    body = "".join(f"<p>{p}</p>" for p in _STORY[:2]) + inside + "".join(f"<p>{p}</p>" for p in _STORY[2:])
    text = _text(tmp_path, _page(body))
    assert "eleven wrecks" in text


def test_a_short_briefs_lead_opening_with_the_writers_name_is_kept():
    lead = Paragraph("Ilse Varga reports from the harbour, where the board voted on Monday to dredge the channel.")
    blocks = [lead, Paragraph(_STORY[1]), Paragraph(_STORY[2])]
    assert drop_closing_bio(blocks, ["Ilse Varga"]) == blocks


def test_a_body_that_is_all_bio_is_kept():
    blocks = [Paragraph("Ilse Varga"), Paragraph(_BIO)]
    assert drop_closing_bio(blocks, ["Ilse Varga"]) == blocks


def test_a_line_printed_twice_in_a_row_is_kept_once():
    price = Paragraph("Save 15%")
    blocks = [Heading(2, "Annual plan"), price, price, Paragraph(_STORY[0]), price]
    assert drop_doubled_blocks(blocks) == [Heading(2, "Annual plan"), price, Paragraph(_STORY[0]), price]


def test_a_short_closing_disclaimer_section_goes(tmp_path):
    closing = (
        "<h2>Disclaimer:</h2><p>The harbour news service offers this page as a courtesy; check the date of "
        "the last review before acting on anything it says.</p>"
    )
    text = _text(tmp_path, _page(_RUNNING + closing, author=""))
    assert all(norm(p) in text for p in _STORY)
    assert "courtesy" not in text and "Disclaimer" not in text


def test_a_closing_heading_in_another_language_is_read_too(tmp_path):
    closing = "<h2>Über den Autor</h2><p>Er schreibt seit neun Jahren über den Hafen und seine Flotten.</p>"
    text = _text(tmp_path, _page(_RUNNING + closing, author=""))
    assert "neun Jahren" not in text and all(norm(p) in text for p in _STORY)


def test_a_long_last_section_under_a_furniture_heading_is_kept():
    """More than ``section_max_words`` after the heading is more than a disclaimer: the story goes on."""
    long = " ".join(_STORY * 4)
    blocks = [Paragraph(p) for p in _STORY] + [Heading(2, "Disclosures"), Paragraph(long)]
    assert drop_closing_furniture(blocks) == blocks


def test_closing_lines_go_at_the_end_only():
    plea = Paragraph("Please consider donating to keep the harbour news free for every reader on the coast.")
    stamp = Paragraph("Last updated: 4 October 2025")
    blocks = [plea] + [Paragraph(p) for p in _STORY] * 2 + [stamp, plea]
    kept = drop_closing_furniture(blocks)
    assert kept == blocks[:-2]  # the same plea at the top, outside the closing lines, stays


def test_a_story_that_ends_on_donations_is_kept():
    last = Paragraph("Blood donation at the harbour clinic rose by a third after the storms, the clinic said.")
    blocks = [Paragraph(p) for p in _STORY] + [last]
    assert drop_closing_furniture(blocks) == blocks


def test_a_disclaimer_section_the_story_goes_on_after_is_the_writers_own():
    blocks = [Paragraph(p) for p in _STORY[:3]] + [Heading(2, "Disclaimer"), Paragraph(_STORY[3])]
    blocks += [Heading(2, "Other approaches"), Paragraph(_STORY[4])]
    assert drop_closing_furniture(blocks) == blocks
