"""Right-to-left dossiers (mirrored page sides, Arabic contents) and byte-identical rebuilds."""

from __future__ import annotations

import hashlib

import pytest
from pypdf import PdfReader

from tests.pdf.conftest import build_editions, pdftotext
from tests.pdf.pdf_checks import contents_entry, expected_outline, outline, page_texts, shows_title

HEAD_STRIP_PT = 50  # the running heads sit in the top margin (22 mm = 62 pt)


def running_heads(path, text: str) -> dict[int, str]:
    """Pages (1-based) whose top margin shows ``text``, and on which half of the page."""
    found = {}
    for number, page in enumerate(PdfReader(path).pages, start=1):
        width = float(page.mediabox.width)
        for half, x in (("left", 0), ("right", width / 2)):
            if text in pdftotext(path, number, (x, 0, width / 2, HEAD_STRIP_PT)):
                found[number] = half
    return found


def test_left_to_right_dossier_title_heads_the_left_pages(english):
    heads = running_heads(english.paths["pdf"], english.dossier.title)
    # an opening page shows no head (test_page_design); where a verso continues a piece, the dossier title heads it on the left
    assert all(number % 2 == 0 and half == "left" for number, half in heads.items()), heads


@pytest.mark.parametrize("fixture", ["arabic", "bilingual"])
def test_right_to_left_dossier_mirrors_the_page_sides(request, fixture):
    # Page 1 of an RTL book is a left page, so the versos (dossier title) are the even, right-hand pages.
    built = request.getfixturevalue(fixture)
    heads = running_heads(built.paths["pdf"], built.dossier.title)
    assert all(number % 2 == 0 and half == "right" for number, half in heads.items()), heads


@pytest.mark.parametrize("fixture", ["arabic", "bilingual"])
def test_right_to_left_contents_and_outline(request, fixture):
    built = request.getfixturevalue(fixture)
    assert outline(built.paths["pdf"]) == expected_outline(built.dossier)
    texts = page_texts(built.paths["pdf"])
    toc_index = next(i for i, text in enumerate(texts) if text.startswith("المحتويات"))
    for title in [t for entry in expected_outline(built.dossier) for t in (entry[0], *entry[1])]:
        printed = contents_entry(texts[toc_index], title)
        first_page = next(i + 1 for i, text in enumerate(texts) if i > toc_index and shows_title(text, title))
        assert printed == first_page, f"contents says {title!r} is on page {printed}, it starts on {first_page}"


def test_arabic_root_text_is_in_logical_order(arabic):
    text = "\n".join(page_texts(arabic.paths["pdf"]))
    assert "اصطف الناس قبل الفجر أمام آخر مخبز يعمل في الحي" in text
    assert "المصادر" in text  # the sources list's heading, in the dossier's language


@pytest.mark.parametrize("name", ["pdf", "pdf-phone", "pdf-booklet", "pdf-archive"])
def test_two_builds_give_identical_bytes(english, tmp_path, name):
    again = build_editions(english.dossier, tmp_path, [name]).paths[name]
    first = hashlib.sha256(english.paths[name].read_bytes()).hexdigest()
    assert hashlib.sha256(again.read_bytes()).hexdigest() == first


def test_the_build_date_comes_from_source_date_epoch(english, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1500000000")  # 2017-07-14
    again = build_editions(english.dossier, tmp_path, ["pdf-phone"]).paths["pdf-phone"]
    assert str(PdfReader(again).metadata["/CreationDate"]).startswith("D:20170714")
