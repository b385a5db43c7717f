"""The HTML editions in a real headless Chromium, 360 px wide: what a reader on a small phone sees.

Each page is laid out once (in a frame of a phone's width; ``conftest.measure_in_chromium``),
and the layout is checked: nothing wider than the screen, every image inside it and decoded,
every in-page link landing on an element, right-to-left text set from the right.
"""

from __future__ import annotations

import pytest

from tests.html.conftest import PHONE_WIDTH, measure_in_chromium


@pytest.fixture(scope="module")
def measured(all_html, tmp_path_factory) -> dict[str, dict]:
    """(dossier, format) -> Chromium's measurement of that page."""
    found = {}
    for editions in all_html:
        for name, path in editions.paths.items():
            found[f"{editions.name} {name}"] = measure_in_chromium(path, tmp_path_factory.mktemp("chromium"))
    return found


def test_laid_out_at_phone_width_without_horizontal_scrolling(measured):
    for page, layout in measured.items():
        assert layout["width"] == PHONE_WIDTH, page
        assert layout["scrollWidth"] <= layout["width"], page
        assert layout["overflowing"] == [], page


def test_every_image_is_decoded_and_within_the_screen(measured):
    counted = 0
    for page, layout in measured.items():
        for image in layout["images"]:
            assert image["complete"] and image["natural"] > 0, page
            assert 0 <= image["left"] and image["right"] <= layout["width"], (page, image)
            counted += 1
        if page.endswith("html-text"):
            assert layout["images"] == [], page
    assert counted == 3  # two in the kitchen sink, one in the bilingual sample


def test_every_internal_link_lands_on_an_element(measured):
    for page, layout in measured.items():
        assert layout["unresolved"] == [], page


def test_right_to_left_text_starts_at_the_right(measured):
    layout = measured["bilingual-sample html"]
    assert layout["bodyDirection"] == "rtl"
    rtl = [p for p in layout["paragraphs"] if p["direction"] == "rtl"]
    ltr = [p for p in layout["paragraphs"] if p["direction"] == "ltr"]
    assert len(rtl) > 10 and len(ltr) > 3  # the English piece inside the Arabic dossier keeps its own direction
    for paragraph in rtl:
        assert abs(paragraph["gapRight"]) < 1, paragraph
    for paragraph in ltr:
        assert abs(paragraph["gapLeft"]) < 1, paragraph
    # short lines show the alignment: their free space is on the left
    assert sum(p["gapLeft"] > 40 for p in rtl) >= 3
    assert measured["aleppo-2016 html"]["bodyDirection"] == "ltr"
