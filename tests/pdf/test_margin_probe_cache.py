"""The margin probe's result is kept in the build's cache, and only as long as what decides it holds.

A PDF rebuild after one piece changed used to lay the probe out again (WeasyPrint's import and
one small layout). These tests probe a real edition once, then check that a later build (a new
process: the in-process memo emptied) reads the same geometry back from the cache, that a
changed stylesheet set, page size, face, probe document or code misses, and that a damaged
entry is reported (W701) and probed again.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

import bundler.exporters.pdf.margin_probe as margin_probe
import bundler.exporters.pdf.parts as pdf_parts
from bundler.cache import ContentCache
from bundler.exporters.pdf.base import document_markup, pdf_script_faces, stylesheet_names
from bundler.exporters.pdf.document import PdfLayout
from bundler.exporters.pdf.layout import LayoutSettings
from bundler.exporters.pdf.margin_marks import MarginGeometry
from bundler.model import Edition
from bundler.render.script_faces import ScriptFace
from tests.kitchen_sink import make_kitchen_sink

PRINT = PdfLayout("print", ("pdf.css",), page_size="A4")


@pytest.fixture(scope="module")
def probed(tmp_path_factory) -> dict:
    """One real probe of the kitchen sink's print edition, stored in a cache."""
    folder = tmp_path_factory.mktemp("probe")
    dossier = make_kitchen_sink(folder / "collection")
    settings = LayoutSettings(
        stylesheet_names(dossier, PRINT), PRINT.page_size, 150, None, dossier.identifier, faces=pdf_script_faces(dossier)
    )
    body, css = margin_probe.probe_markup(False)
    html = document_markup(dossier, Edition("pdf"), PRINT.name, body)
    cache = ContentCache(folder / "cache")
    geometry = margin_probe.cached_probe_geometry(html, settings, pdf_parts.OVERLAY_CSS + css, False, cache)
    return {
        "dossier": dossier,
        "settings": settings,
        "html": html,
        "css": pdf_parts.OVERLAY_CSS + css,
        "cache": cache,
        "geometry": geometry,
    }


def test_the_probe_reads_the_print_edition(probed):
    geometry = probed["geometry"]
    assert isinstance(geometry, MarginGeometry)
    assert any(box.content == "page" for boxes in geometry.boxes.values() for box in boxes)


def test_a_later_build_reads_the_same_geometry_from_the_cache(probed):
    key = margin_probe.probe_key(probed["html"], probed["settings"], probed["css"], False)
    assert probed["cache"].find(key, ".json") is not None, "the probe was not stored"
    again = margin_probe.cached_probe_geometry(probed["html"], probed["settings"], probed["css"], False, probed["cache"])
    assert again == probed["geometry"]  # tuples restored from JSON lists: equal, box for box
    assert margin_probe.geometry_from_data(margin_probe.geometry_to_data(None)) is None


def test_a_stored_probe_is_used_without_laying_out_again(probed, tmp_path):
    """What is stored under the key is what comes back: proof the probe is not run on a hit."""
    cache = ContentCache(tmp_path / "cache")
    key = margin_probe.probe_key(probed["html"], probed["settings"], probed["css"], False)
    cache.store_json(key, {"format": margin_probe._FORMAT, "geometry": None})
    assert margin_probe.cached_probe_geometry(probed["html"], probed["settings"], probed["css"], False, cache) is None


def test_what_decides_the_probe_changes_its_key(probed, monkeypatch):
    html, settings, css = probed["html"], probed["settings"], probed["css"]
    key = margin_probe.probe_key(html, settings, css, False)
    face = ScriptFace("Noto Sans Symbols2", "/usr/share/fonts/truetype/noto/NotoSansSymbols2-Regular.ttf")
    changed = [
        margin_probe.probe_key(html, replace(settings, stylesheets=(*settings.stylesheets, "pdf-rtl.css")), css, False),
        margin_probe.probe_key(html, replace(settings, page_size="A5"), css, False),
        margin_probe.probe_key(html, replace(settings, faces=(*settings.faces, face)), css, False),
        margin_probe.probe_key(html.replace("<body", '<body data-x="1"'), settings, css, False),
        margin_probe.probe_key(html, settings, css + "@page { margin: 3cm; }", False),
        margin_probe.probe_key(html, settings, css, True),
    ]
    monkeypatch.setattr(margin_probe, "code_digest", lambda: "a stylesheet, font or WeasyPrint release changed")
    changed.append(margin_probe.probe_key(html, settings, css, False))
    assert key not in changed and len(set(changed)) == len(changed)


def test_a_damaged_probe_entry_is_reported_and_probed_again(probed, tmp_path):
    cache = ContentCache(tmp_path / "cache")
    html, settings, css = probed["html"], probed["settings"], probed["css"]
    key = margin_probe.probe_key(html, settings, css, False)
    stored = cache.store_json(key, margin_probe.geometry_to_data(probed["geometry"]) | {})
    stored.write_bytes(stored.read_bytes()[:-7] + b"garbage")  # a bad sector, not a bug: the checksum fails
    assert margin_probe.cached_probe_geometry(html, settings, css, False, cache) == probed["geometry"]
    assert [problem.code for problem in cache.damage.problems] == ["W701"]
    assert "margin probe" in cache.damage.problems[0].message
