"""The HTML editions of both example collections and of the kitchen sink, built once per session.

The examples go through the real build (``build_collection``); the kitchen sink (notes,
tables, code, figures with and without images, links out and between pieces) gets one extra
piece of content too wide for a phone, and is written by the exporters directly under the
image policy the build would use.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass, replace
from html import unescape
from pathlib import Path

import pytest

from bundler.build.collection import build_collection
from bundler.errors import Report
from bundler.exporters import context_for, formats
from bundler.model import Edition, Paragraph, Piece, Preformatted, Provenance, Table
from tests import warnings_guard
from tests.chromium import run_chromium
from tests.conftest import ALEPPO_WARNINGS, COLLECTIONS
from tests.kitchen_sink import make_kitchen_sink

FORMATS = ["html", "html-text"]
PHONE_WIDTH = 360
MEASURE = Path(__file__).with_name("measure.js")
LONG_URL = "https://archive.example.org/" + "very-long-path-segment-" * 8 + "end?query=" + "x" * 60


@dataclass(frozen=True)
class Editions:
    """One dossier's HTML editions: format name -> path (the examples' folders also hold an EPUB and dossier.json)."""

    name: str
    paths: dict[str, Path]

    def text(self, format_name: str = "html") -> str:
        return self.paths[format_name].read_text(encoding="utf-8")


def _build_example(folder: str, out: Path, warnings: tuple[str, ...]) -> Editions:
    with warnings_guard.expected_warnings(*warnings):
        result = build_collection(COLLECTIONS / folder, out_dir=out, format_names=[*FORMATS, "epub"])  # the EPUB: the library's cover
    return Editions(folder, {name: result.outputs[name] for name in FORMATS})


@pytest.fixture(scope="session")
def aleppo_html(tmp_path_factory) -> Editions:
    return _build_example("aleppo-2016", tmp_path_factory.mktemp("html-aleppo"), (ALEPPO_WARNINGS,))


@pytest.fixture(scope="session")
def bilingual_html(tmp_path_factory) -> Editions:
    return _build_example("bilingual-sample", tmp_path_factory.mktemp("html-bilingual"), ())


def wide_piece() -> Piece:
    """A piece no phone can show at its natural width: a long URL, a wide table, a long code line."""
    return Piece(
        title="Too wide for a phone",
        slug="too-wide",
        language="en",
        direction="ltr",
        source_url=LONG_URL,
        body=(
            Paragraph(f'The whole record is at <a href="{LONG_URL}">{LONG_URL}</a>, and unbroken: {"ab" * 60}.'),
            Table(header=(tuple(f"Column {n}" for n in range(12)),), rows=(tuple(f"value-{n}-{n * 7}" for n in range(12)),)),
            Preformatted("queue_length = " + " + ".join(f"district_{n}" for n in range(30))),
        ),
        provenance=Provenance(source_path="sources/too-wide.html", importer="html", importer_version="0.1.0"),
    )


@pytest.fixture(scope="session")
def kitchen_html(tmp_path_factory) -> Editions:
    """The kitchen sink plus the wide piece, in both HTML editions."""
    folder = tmp_path_factory.mktemp("html-kitchen")
    dossier = make_kitchen_sink(folder / "collection")
    first = dossier.sections[0]
    dossier = replace(dossier, sections=(replace(first, pieces=(*first.pieces, wide_piece())), *dossier.sections[1:]))
    paths = {}
    for name in FORMATS:
        fmt, edition = formats()[name], Edition(name)
        paths[name] = folder / fmt.filename(dossier.slug)
        fmt.write(dossier, edition, paths[name], context_for(edition, Report()))
    return Editions("kitchen-sink", paths)


@pytest.fixture(scope="session")
def all_html(aleppo_html, bilingual_html, kitchen_html) -> list[Editions]:
    return [aleppo_html, bilingual_html, kitchen_html]


def measure_in_chromium(page: Path, scratch: Path) -> dict:
    """Lay ``page`` out in headless Chromium in a frame 360 px wide and return what ``measure.js`` found there.

    The measuring script goes into a copy of the page (the edition itself has none).
    """
    scratch.mkdir(parents=True, exist_ok=True)
    measured = scratch / "page.html"
    measured.write_text(page.read_text(encoding="utf-8").replace("</body>", f"<script>{MEASURE.read_text()}</script></body>"))
    frame = scratch / "frame.html"
    frame.write_text(
        '<!DOCTYPE html><html><body style="margin:0">'
        f'<iframe src="page.html" style="border:0;width:{PHONE_WIDTH}px;height:800px"></iframe>'
        '<script>addEventListener("message", (e) => document.documentElement.setAttribute("data-measure", e.data));</script>'
        "</body></html>"
    )
    result = run_chromium(scratch / "profile", "--window-size=500,900", "--virtual-time-budget=10000", "--dump-dom", frame.as_uri())
    found = re.search(r'data-measure="([^"]*)"', result.stdout)
    assert found, f"Chromium gave no measurement (exit {result.returncode}): {result.stderr[-2000:]}"
    shutil.rmtree(scratch / "profile", ignore_errors=True)
    return json.loads(unescape(found.group(1)))
