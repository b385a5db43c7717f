"""Same inputs and SOURCE_DATE_EPOCH give the same bytes: every edition and the bag.

Each example collection is copied to two different folders and built in separate processes:
the second run has every source's modification time moved a day on, another time zone,
another working directory and another output folder. The clock cannot be changed from a
test, so everything that reads the wall clock (mtimes, TZ, cwd) is changed instead.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import COLLECTIONS

EXAMPLES = sorted(p.name for p in COLLECTIONS.iterdir() if (p / "collection.yaml").is_file())


def run_bundler(args: list[str], cwd: Path, tz: str) -> None:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1462838400", "TZ": tz}
    done = subprocess.run(
        [sys.executable, "-m", "bundler", "--quiet", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr


def build_everything(name: str, place: Path, tz: str, touch: bool) -> dict[str, str]:
    """Copy the collection into ``place``, build the bag (all declared editions) and epub-text; hash every output."""
    collection = place / "in" / name
    shutil.copytree(COLLECTIONS / name, collection, ignore=shutil.ignore_patterns(".cache", "dist"))
    if touch:
        later = time.time() + 86_400
        for path in collection.rglob("*"):
            os.utime(path, (later, later))
    work = place / "cwd"
    work.mkdir()
    run_bundler(["bag", str(collection), "--out", str(place / "bags")], work, tz)
    run_bundler(["build", str(collection), "--format", "epub-text", "--out", str(place / "dist")], work, tz)
    outputs = [p for p in (place / "bags").rglob("*") if p.is_file()] + [p for p in (place / "dist").rglob("*.epub")]
    base = place
    return {p.relative_to(base).as_posix().split("/", 1)[1]: hashlib.sha256(p.read_bytes()).hexdigest() for p in outputs}


@pytest.mark.slow
@pytest.mark.parametrize("name", EXAMPLES)
def test_editions_and_bag_are_byte_identical_across_runs(name, tmp_path):
    first = build_everything(name, tmp_path / "one", "UTC", touch=False)
    second = build_everything(name, tmp_path / "two", "Asia/Damascus", touch=True)
    editions = [k for k in first if "/data/editions/" in k or k.endswith("-text.epub")]
    assert len(editions) >= 3, sorted(first)  # epub, pdf and epub-text at least
    assert any(k.endswith("manifest-sha256.txt") for k in first)
    assert first.keys() == second.keys()
    differing = sorted(k for k in first if first[k] != second[k])
    assert not differing, differing
