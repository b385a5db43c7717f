"""A copied collection hashes its photos once: the import cache refreshes its stat records when a hash confirms them.

A copy or a checkout gives every file new times (and a copy new inodes), so the cached import's
stat records no longer match and each photo beside a page, and each photo inside a cached entry,
is hashed to confirm it. Before this, nothing stored the new stats, so every later build of the
copy hashed them all again (~0.5 s a build of 200 pieces). Each build here runs in a fresh
interpreter that watches its own file opens (``sys.addaudithook``), so "hashed nothing" is seen
as "opened none of the photos".
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_import_cache import BLUE, GREEN, RED, YELLOW, photo_colours, shows, write_collection, write_photo

_BUILD = """
import json, os, sys
opened = []

def watch(event, args):
    if event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
        opened.append(os.path.realpath(os.fsdecode(args[0])))

from bundler.manifest import source_files
source_files.RACY_SECONDS = 0.0  # the test's files count as settled, as photos saved minutes ago would
from bundler.build.collection import build_collection
sys.addaudithook(watch)
result = build_collection(sys.argv[1], format_names=["epub"], out_dir=sys.argv[2])
codes = [problem.code for problem in result.report.warnings]
print("RESULT=" + json.dumps({"opened": opened, "codes": codes}))
"""


def build(collection: Path) -> dict:
    """Build the EPUB in a fresh interpreter: the files it opened and its warnings' codes."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1462838400"}
    env.pop("BUNDLER_CACHE_DIR", None)
    out = collection.parent / f"{collection.name}-dist"
    result = subprocess.run([sys.executable, "-c", _BUILD, str(collection), str(out)], capture_output=True, text=True, env=env, timeout=600)
    lines = [line for line in result.stdout.splitlines() if line.startswith("RESULT=")]
    assert result.returncode == 0 and lines, result.stderr[-3000:]
    return json.loads(lines[0].removeprefix("RESULT="))


@pytest.fixture
def original(tmp_path) -> Path:
    """A page with two photos beside it and a Markdown note with one, built once (its import cache filled)."""
    root = write_collection(tmp_path / "original")
    build(root)
    return root


def copied(original: Path) -> Path:
    """The collection and its cache copied as ``cp -r`` copies: new inodes, new times, hard links undone."""
    copy = original.parent / "copy"
    shutil.copytree(original, copy, copy_function=shutil.copy)
    return copy


def photos(collection: Path) -> set[str]:
    """The photos beside the sources and those held in the import cache's entries."""
    beside = [p for p in (collection / "sources").rglob("*") if p.suffix in (".jpg", ".png")]
    cached = [p for p in (collection / ".cache" / "imports").rglob("media/*") if p.is_file()]
    assert len(beside) == 3 and cached
    return {os.path.realpath(p) for p in beside + cached}


def entry_records(collection: Path) -> dict[str, bytes]:
    """Each cached import's records, by file."""
    folder = collection / ".cache" / "imports"
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.glob("*/*.json*"))}


def test_a_copied_collection_hashes_its_photos_on_the_first_build_only(original):
    copy = copied(original)
    watched = photos(copy)

    first = build(copy)
    assert watched & set(first["opened"]), "the first build of the copy confirms the photos by their hashes"
    assert "W701" not in first["codes"]
    records = entry_records(copy)

    second = build(copy)
    assert not watched & set(second["opened"]), sorted(watched & set(second["opened"]))
    assert "W701" not in second["codes"], "the refreshed records verify: the entries were used, not discarded"
    assert entry_records(copy) == records, "nothing left to refresh"


def test_refreshed_records_still_notice_a_replaced_photo(original):
    copy = copied(original)
    build(copy)
    write_photo(copy / "sources" / "report_files" / "market.jpg", BLUE)  # the page itself is untouched
    build(copy)
    colours = photo_colours(next((copy.parent / "copy-dist").rglob("*.epub")))
    assert shows(colours, BLUE) and not shows(colours, RED)
    assert shows(colours, GREEN) and shows(colours, YELLOW)


def test_a_refreshed_entry_is_still_verified_by_its_record(original):
    """The stats were rewritten with the record's hash and checksum: altering them afterwards is damage (W701)."""
    copy = copied(original)
    build(copy)
    (sources,) = [p for p in (copy / ".cache" / "imports").glob("*/source-files.json") if "report_files" in p.read_text()]
    document = json.loads(sources.read_text(encoding="utf-8"))
    assert document["stats"], "the first build of the copy recorded the photos' new stats"
    document["stats"] = {name: [0, 0, 0, 0, 0] for name in document["stats"]}
    sources.write_text(json.dumps(document), encoding="utf-8")
    assert "W701" in build(copy)["codes"]
    assert "W701" not in build(copy)["codes"], "imported again and stored whole"
