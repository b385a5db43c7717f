"""The cover kept in the build's cache: the same bytes and warnings as drawing it, and drawn again when its inputs change.

Real covers (Pillow draws them), a real ``ContentCache`` in a temporary folder. The hit is shown
by the warnings it files again (a small named picture gives W410, kept beside the JPEG), the
damaged entry by the W701 the cache reports and the fresh bytes that replace it.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from PIL import Image

from bundler.cache import ContentCache, DamageLog
from bundler.errors import Report
from bundler.render import cover_cache
from bundler.render.cover import cover_jpeg
from bundler.render.cover_cache import SUFFIX, cached_cover_jpeg, cover_key
from tests.kitchen_sink import make_kitchen_sink


@pytest.fixture(scope="module")
def dossier(tmp_path_factory):
    return make_kitchen_sink(tmp_path_factory.mktemp("cover"))


def _cache(tmp_path) -> ContentCache:
    return ContentCache(tmp_path / "cache", damage=DamageLog())


def test_a_cached_cover_is_the_drawn_cover(dossier, tmp_path):
    cache = _cache(tmp_path)
    drawn = cover_jpeg(dossier, Report())

    first, again = cached_cover_jpeg(dossier, Report(), cache), cached_cover_jpeg(dossier, Report(), cache)

    assert first == drawn and again == drawn
    assert cache.path_for(cover_key(dossier), SUFFIX).read_bytes() == drawn
    assert cached_cover_jpeg(dossier, Report(), None) == drawn  # no cache: drawn, nothing stored


@pytest.mark.expect_warnings(r"^W410 the cover image is only 400×600 pixels")
def test_a_named_pictures_warning_is_filed_again_on_a_hit_and_a_new_picture_misses(dossier, tmp_path):
    picture = tmp_path / "small.png"
    Image.new("RGB", (400, 600), (120, 40, 40)).save(picture)
    named = replace(dossier, cover=str(picture))
    cache = _cache(tmp_path)
    cold, warm = Report(), Report()

    cached_cover_jpeg(named, cold, cache)
    data = cached_cover_jpeg(named, warm, cache)

    assert [w.code for w in cold.warnings] == ["W410"] and warm.warnings == cold.warnings
    assert data == cover_jpeg(named, Report())
    key = cover_key(named)
    Image.new("RGB", (400, 600), (40, 120, 40)).save(picture)  # the same file name, another picture
    assert cover_key(named) != key
    assert cached_cover_jpeg(named, Report(), cache) == cover_jpeg(named, Report()) != data


@pytest.mark.parametrize(
    "change",
    [
        {"title": "Another title"},
        {"subtitle": "Another subtitle"},
        {"editors": ("Someone Else",)},
        {"date": "2019-03-02"},
        {"language": "ar"},
        {"identifier": "urn:uuid:11111111-2222-4333-8444-555555555555"},
    ],
    ids=lambda change: next(iter(change)),
)
def test_every_input_of_the_generated_cover_is_in_its_key(dossier, change):
    assert cover_key(replace(dossier, **change)) != cover_key(dossier)


def test_changed_code_fonts_or_pillow_change_the_key(dossier, monkeypatch):
    """``code_digest`` covers bundler's code, styles/fonts and Pillow's version (``tests/test_cache_versions.py``)."""
    key = cover_key(dossier)
    monkeypatch.setattr(cover_cache, "code_digest", lambda: "another release")
    assert cover_key(dossier) != key


def test_a_damaged_cover_entry_is_reported_and_drawn_again(dossier, tmp_path):
    cache = _cache(tmp_path)
    drawn = cached_cover_jpeg(dossier, Report(), cache)
    stored = cache.path_for(cover_key(dossier), SUFFIX)
    stored.write_bytes(stored.read_bytes()[: stored.stat().st_size // 2])

    again = cached_cover_jpeg(dossier, Report(), cache)

    assert again == drawn
    assert [p.code for p in cache.damage.problems] == ["W701"]
    assert f"{stored}: damaged cover in the cache" in cache.damage.problems[0].render_coded()
    assert stored.read_bytes() == drawn  # stored whole again
