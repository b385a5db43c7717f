"""Same inputs, same bytes: two builds at different times in different folders (E1.4, E1.5)."""

from __future__ import annotations

import hashlib
import io
import time
import zipfile
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import time_machine

from bundler.render import fonts
from tests.epub.conftest import build_book
from tests.kitchen_sink import make_kitchen_sink


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


LATER = timedelta(days=400)


def assert_clock_moved(now: datetime) -> None:
    """The travel reaches every clock the build could read: datetime.now, time.time, and zipfile's entry times."""
    assert datetime.now(UTC) - now > LATER - timedelta(days=1)
    assert time.time() - now.timestamp() > (LATER - timedelta(days=1)).total_seconds()
    with zipfile.ZipFile(io.BytesIO(), "w") as archive:
        archive.writestr("stamped.txt", "a zip entry written by name takes the wall clock")
        assert archive.getinfo("stamped.txt").date_time[0] == (now + LATER).year


def test_two_builds_in_different_folders_and_times_are_identical(tmp_path):
    first = build_book(make_kitchen_sink(tmp_path / "one" / "input"), tmp_path / "one")
    fonts.forget_subsets()  # subset again: a cached font would hide a non-deterministic subsetter
    now = datetime.now(UTC)
    with time_machine.travel(now + LATER):  # the real clock a year later, down to C's gettimeofday callers in Python
        assert_clock_moved(now)
        second = build_book(make_kitchen_sink(tmp_path / "elsewhere" / "deeper" / "input"), tmp_path / "elsewhere")
    assert first.path.parent != second.path.parent
    assert _sha(first.path) == _sha(second.path)
    stamps = {info.date_time for info in second.infos}
    assert stamps == {(2016, 5, 10, 0, 0, 0)}, "zip times come from SOURCE_DATE_EPOCH, not the clock"


def test_source_date_epoch_sets_the_modified_date(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    book = build_book(make_kitchen_sink(tmp_path / "input"), tmp_path)
    assert b'<meta property="dcterms:modified">2023-11-14T22:13:20Z</meta>' in book.entries["EPUB/content.opf"]


def test_file_names_and_anchors_survive_added_and_reordered_pieces(tmp_path):
    dossier = make_kitchen_sink(tmp_path / "input")
    before = build_book(dossier, tmp_path / "before")
    reports, arabic = dossier.sections
    newcomer = replace(reports.pieces[1], title="A new report", slug="a-new-report", source_url="https://news.example.org/new")
    grown = replace(
        dossier,
        sections=(arabic, replace(reports, pieces=(newcomer, *reversed(reports.pieces)))),
    )
    after = build_book(grown, tmp_path / "after")
    for piece in dossier.pieces:
        name = f"{piece.slug}.xhtml"
        ids_before = [e.get("id") for e in before.documents[name].iter() if e.get("id")]
        ids_after = [e.get("id") for e in after.documents[name].iter() if e.get("id")]
        assert ids_before and ids_before == ids_after, name
    media_before = {n for n in before.entries if n.startswith("EPUB/media/")}
    assert media_before <= set(after.entries)
