"""Right-to-left dossiers (mirrored page sides, Arabic contents) and byte-identical rebuilds."""

from __future__ import annotations

import hashlib
import re

import pytest
from pypdf import PdfReader

from tests.pdf.conftest import build_editions, pdftotext
from tests.pdf.pdf_checks import clean, expected_outline, outline, page_texts

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
    assert heads and all(number % 2 == 0 and half == "left" for number, half in heads.items()), heads


def test_right_to_left_dossier_mirrors_the_page_sides(arabic):
    # Page 1 of an RTL book is a left page, so the versos (dossier title) are the even, right-hand pages.
    heads = running_heads(arabic.paths["pdf"], arabic.dossier.title)
    assert heads and all(number % 2 == 0 and half == "right" for number, half in heads.items()), heads


def test_right_to_left_contents_and_outline(arabic):
    assert outline(arabic.paths["pdf"]) == expected_outline(arabic.dossier)
    texts = page_texts(arabic.paths["pdf"])
    toc_index = next(i for i, text in enumerate(texts) if text.startswith("المحتويات"))
    for title in [t for entry in expected_outline(arabic.dossier) for t in (entry[0], *entry[1])]:
        line = next(line for line in texts[toc_index].splitlines() if clean(title) in line)
        printed = int(re.sub(r"\D", "", line.replace(clean(title), "")))
        assert clean(title) in texts[printed - 1], f"{title!r} is not on page {printed}"


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
