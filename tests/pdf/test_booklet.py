"""Booklet imposition: saddle-stitch order, padding to a multiple of four, each half of each sheet."""

from __future__ import annotations

import re

import pikepdf
import pytest
import weasyprint
from pypdf import PdfReader

from bundler.exporters import context_for
from bundler.exporters.pdf.booklet import render_booklet_pages
from bundler.exporters.pdf.imposition import BLANK, impose_booklet, padded_page_count, saddle_stitch_order
from bundler.model import Edition
from tests.pdf.conftest import pdftotext


def words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def halves(path, side: int) -> tuple[str, str]:
    """The text on the left and right half of one sheet side (1-based)."""
    box = PdfReader(path).pages[side - 1].mediabox
    width, height = float(box.width), float(box.height)
    left = pdftotext(path, side, (0, 0, width / 2, height))
    right = pdftotext(path, side, (width / 2, 0, width / 2, height))
    return words(left), words(right)


def test_saddle_stitch_order_of_eight_pages():
    assert saddle_stitch_order(8) == [(8, 1), (2, 7), (6, 3), (4, 5)]


def test_short_documents_are_padded_with_blank_pages_at_the_end():
    assert [padded_page_count(n) for n in (1, 4, 5, 8, 9)] == [4, 4, 8, 8, 12]
    assert saddle_stitch_order(5) == [(BLANK, 1), (2, BLANK), (BLANK, 3), (4, 5)]


def test_right_to_left_booklets_are_bound_on_the_right():
    assert saddle_stitch_order(8, right_to_left=True) == [(1, 8), (7, 2), (3, 6), (5, 4)]


def test_imposed_sheets_carry_the_right_pages(tmp_path):
    pages = "".join(f'<p style="break-after: page">Page {n}</p>' for n in range(1, 7))
    source = weasyprint.HTML(string=f"<html><body>{pages}</body></html>").write_pdf(
        stylesheets=[weasyprint.CSS(string="@page { size: A5; margin: 20mm }")]
    )
    path = tmp_path / "booklet.pdf"
    path.write_bytes(impose_booklet(source))
    with pikepdf.open(path) as pdf:
        assert len(pdf.pages) == 4  # 6 pages padded to 8, two per sheet side
    expected = [("" if n == BLANK else f"Page {n}" for n in pair) for pair in saddle_stitch_order(6)]
    assert [halves(path, side) for side in range(1, 5)] == [tuple(pair) for pair in expected]


def test_dossier_booklet_is_a_multiple_of_four_pages_in_sheet_order(english):
    booklet = english.paths["pdf-booklet"]
    pages_path = booklet.with_name("pages-a5.pdf")
    pages_path.write_bytes(render_booklet_pages(english.dossier, Edition("pdf-booklet"), context_for(Edition("pdf-booklet"))))
    page_count = len(PdfReader(pages_path).pages)
    sides = len(PdfReader(booklet).pages)
    assert (sides * 2) % 4 == 0 and sides * 2 == padded_page_count(page_count)
    page_text = {n: words(pdftotext(pages_path, n)) for n in range(1, page_count + 1)}
    for side, pair in enumerate(saddle_stitch_order(page_count), start=1):
        expected = tuple("" if n == BLANK else page_text[n] for n in pair)
        assert halves(booklet, side) == expected, f"sheet side {side} should carry pages {pair}"
    assert any(text for text in page_text.values()), "no text to compare"


@pytest.mark.parametrize("sheet, size", [("A4", (841.89, 595.28)), ("letter", (792, 612))])
def test_sheet_size_follows_the_page_size_option(english, tmp_path, sheet, size):
    if sheet == "A4":
        path = english.paths["pdf-booklet"]
    else:
        from tests.pdf.conftest import build_editions

        path = build_editions(english.dossier, tmp_path, ["pdf-booklet"], {"page_size": sheet}).paths["pdf-booklet"]
    box = PdfReader(path).pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(size, abs=0.5)
