"""Distinct generated covers per dossier, and dates in words on covers and the library page."""

from __future__ import annotations

import io
from dataclasses import replace

from PIL import Image

from bundler.errors import Report
from bundler.render.cover import _PALETTES, cover_design, cover_jpeg
from bundler.text.dates import date_in_words
from tests.kitchen_sink import make_kitchen_sink


def test_dates_in_words_localised():
    assert date_in_words("2016-05") == "May 2016"
    assert date_in_words("2016-05-01") == "1 May 2016"
    assert date_in_words("2016-05-01", "ar") == "1 مايو 2016"
    assert date_in_words("2016", "ar-SY") == "2016"
    assert date_in_words("2016-05/2016-06") == "May 2016 – June 2016"
    assert date_in_words("spring 2016") == "spring 2016" and date_in_words("2016-13") == "2016-13"


def test_cover_design_comes_from_the_identifier():
    designs = {cover_design(f"urn:uuid:dossier-{n}") for n in range(40)}
    assert len({d.background for d in designs}) == len(_PALETTES)  # every palette is reached
    assert len({d.motif for d in designs}) == 4
    assert cover_design("urn:x") == cover_design("urn:x")


def test_two_dossiers_get_different_covers_and_one_dossier_the_same_bytes(tmp_path):
    dossier = make_kitchen_sink(tmp_path)
    other = replace(dossier, identifier="urn:uuid:6f1c2a8e-4b7d-4c1e-9a55-2d3e8f0b7c41")
    assert cover_design(dossier.identifier).background != cover_design(other.identifier).background
    first, again, second = cover_jpeg(dossier, Report()), cover_jpeg(dossier, Report()), cover_jpeg(other, Report())
    assert first == again and first != second
    for data, identifier in ((first, dossier.identifier), (second, other.identifier)):
        with Image.open(io.BytesIO(data)) as image:
            pixel = image.convert("RGB").getpixel((20, 1200))  # the ground, away from any text
        assert all(abs(a - b) <= 6 for a, b in zip(pixel, cover_design(identifier).background, strict=True))
        assert len(data) <= 600 * 1024
