"""A cached piece checked clean when stored is not sanitised again; anything altered since still is.

The import cache records, beside the hash of each ``piece.json`` it writes, whether those bytes
pass the stored-piece sanitiser unchanged (``checked``). A build reading the entry back verifies
the hash and then skips the sanitiser. These tests use the real importer and the real cache on a
page written here: the checked piece equals what the sanitiser makes of it; a ``piece.json`` given
a script after the fact is reported as damaged (W701) and imported again, never handed on; and an
entry whose record does not say ``checked`` (an older bundler's, or one forged consistently) is
still sanitised on reading.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from bundler.cache import DamageLog, hash_bytes, write_checksum
from bundler.cleaning.stored import passes_unchanged
from bundler.importers import ImportOptions
from bundler.importers.piece import read_stored_piece
from bundler.manifest.cache import ENTRY_RECORD, IMPORTS_FOLDER, find_cached_piece, read_cached_piece
from bundler.model import Paragraph, Piece

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Water trucks on the ring road</title>
<meta name="author" content="Desk Writer"></head>
<body><article>
<h1>Water trucks on the ring road</h1>
<p>Three tankers came along the ring road on Tuesday, the first in a fortnight, and the queue of
jerrycans outside the mosque reached the petrol station before the first one had parked.</p>
<p>The drivers said the pumping station had run for six hours on borrowed diesel, and that they
would come back on Thursday if the generator held. Nobody in the queue believed them entirely.</p>
<p>By the afternoon the tankers were empty and the <a href="https://example.org/water">council's
notice</a> about rationing had been pasted over twice by people who disagreed with it.</p>
</article></body></html>
"""

UNSAFE = '<a href="javascript:alert(1)">click</a><script>alert(2)</script> the queue'


@pytest.fixture
def stored(tmp_path) -> tuple[Path, Path, Path]:
    """A page imported once through the cache: (page, cache root, the entry's folder)."""
    page = tmp_path / "water.html"
    page.write_text(PAGE, encoding="utf-8")
    cache_root = tmp_path / "cache"
    read_cached_piece(page, ImportOptions(damage=DamageLog()), cache_root)
    (entry,) = (cache_root / IMPORTS_FOLDER).iterdir()
    return page, cache_root, entry


def _record(entry: Path) -> dict:
    return json.loads((entry / ENTRY_RECORD).read_text(encoding="utf-8"))


def _slip_in(entry: Path, fragment: str) -> None:
    """Put ``fragment`` into the first paragraph of the stored piece, as a hand (or a tool) editing the cache would."""
    path = entry / "piece.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    first = next(block for block in document["piece"]["body"] if block.get("type") == "Paragraph")
    first["html"] = fragment + " " + first["html"]
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def _reseal(entry: Path, checked: bool | None, hashed: bool = True) -> None:
    """Make the entry's record agree with its files again (checksum, and ``piece.json``'s hash unless not
    ``hashed``: then the record names no hash for it), saying ``checked`` or not."""
    record = _record(entry)
    record["files"]["piece.json"] = hash_bytes((entry / "piece.json").read_bytes())
    if not hashed:
        del record["files"]["piece.json"]
    if checked is None:
        record.pop("checked", None)
    else:
        record["checked"] = checked
    data = (json.dumps(record, indent=1, sort_keys=True) + "\n").encode("utf-8")
    (entry / ENTRY_RECORD).write_bytes(data)
    write_checksum(entry / ENTRY_RECORD, hash_bytes(data))


def test_a_clean_import_is_recorded_as_checked_and_read_back_as_the_sanitiser_makes_it(stored):
    page, cache_root, entry = stored
    assert _record(entry)["checked"] is True

    damage = DamageLog()
    piece = find_cached_piece(page, ImportOptions(damage=damage), cache_root)

    assert piece is not None and not damage.problems
    full = read_stored_piece(entry / "piece.json", ImportOptions())  # the sanitiser and the well-formedness check run
    assert piece == full
    assert passes_unchanged(piece)


def test_a_script_slipped_into_a_checked_entry_is_reported_and_never_handed_on(stored):
    page, cache_root, entry = stored
    _slip_in(entry, UNSAFE)

    damage = DamageLog()
    assert find_cached_piece(page, ImportOptions(damage=damage), cache_root) is None

    (problem,) = damage.problems
    assert problem.code == "W701"
    assert "piece.json: damaged imported piece in the cache (its content does not match the entry's record)" in problem.render_coded()
    piece = read_cached_piece(page, ImportOptions(damage=DamageLog()), cache_root)  # imported afresh
    text = " ".join(block.html for block in piece.body if isinstance(block, Paragraph))
    assert "script" not in text and "javascript:" not in text and "alert" not in text


def test_a_record_altered_to_match_without_its_checksum_is_reported(stored):
    page, cache_root, entry = stored
    _slip_in(entry, UNSAFE)
    checksum = (entry / (ENTRY_RECORD + ".sha256")).read_bytes()
    _reseal(entry, checked=True)
    (entry / (ENTRY_RECORD + ".sha256")).write_bytes(checksum)  # the record's own checksum left as it was

    damage = DamageLog()
    assert find_cached_piece(page, ImportOptions(damage=damage), cache_root) is None
    assert [p.code for p in damage.problems] == ["W701"]
    assert "entry.json: damaged imported piece in the cache" in damage.problems[0].render_coded()


@pytest.mark.parametrize(
    ("checked", "hashed"), [(None, True), (False, True), (True, False)], ids=["older record", "not checked", "checked, no hash"]
)
def test_an_entry_not_recorded_as_checked_is_sanitised_on_reading(stored, checked, hashed):
    page, cache_root, entry = stored
    _slip_in(entry, UNSAFE)
    _reseal(entry, checked, hashed)

    damage = DamageLog()
    piece = find_cached_piece(page, ImportOptions(damage=damage), cache_root)

    assert piece is not None and not damage.problems
    first = next(block for block in piece.body if isinstance(block, Paragraph))
    assert "<script" not in first.html and "javascript:" not in first.html
    assert first.html.startswith("click")
    assert any(w.startswith("W151") or "W151" in w for w in piece.provenance.warnings), piece.provenance.warnings


def test_a_piece_the_sanitiser_would_change_is_not_recorded_as_checked():
    clean = Paragraph("the queue reached the corner")
    piece = Piece(title="Queue", slug="queue", body=(clean,))
    assert passes_unchanged(piece)
    assert not passes_unchanged(replace(piece, body=(Paragraph(UNSAFE),)))
    assert not passes_unchanged(replace(piece, slug="Not A Slug!"))
