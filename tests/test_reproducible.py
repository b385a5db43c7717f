"""Same inputs and SOURCE_DATE_EPOCH give the same bytes: every edition and the bag.

Each example collection is copied to two different folders and built in separate processes:
the second run has every source's modification time moved a day on, another time zone,
another working directory and another output folder, a collection path with spaces and Arabic
letters, its files created in reverse order (another directory listing order), another locale
(``tr_TR.UTF-8``, whose dotless i breaks case-insensitive comparisons, where the machine has it),
another ``PYTHONHASHSEED``, ``umask 077`` and one worker instead of one per core. The clock
cannot be changed from a test, so everything that reads the wall clock (mtimes, TZ, cwd) is
changed instead. ``bench/reproducibility.py`` measures each of these alone.

The files written follow the umask as a plain write would (0644 under 022, 0600 under 077),
while the modes stored inside the EPUB, zip and tar archives are fixed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import COLLECTIONS
from tests.faults.conftest import make_collection

EXAMPLES = sorted(p.name for p in COLLECTIONS.iterdir() if (p / "collection.yaml").is_file())


@dataclass(frozen=True)
class Conditions:
    """What one run's machine looks like: the things a build must not let into its bytes."""

    tz: str = "UTC"
    locale: str = "C.UTF-8"
    hash_seed: str = "0"
    umask: int = 0o022
    jobs: str = "2"
    folder: str = "in"
    touch: bool = False  # every source's modification time a day on
    reverse_order: bool = False  # files created in reverse name order


def other_locale() -> str:
    """``tr_TR.UTF-8`` where the machine has it (its dotless i trips case-insensitive code), else ``C``."""
    listed = subprocess.run(["locale", "-a"], capture_output=True, text=True).stdout.lower().split()
    return "tr_TR.UTF-8" if "tr_tr.utf8" in listed else "C"


SECOND = Conditions(
    tz="Asia/Damascus",
    locale=other_locale(),
    hash_seed="4242",
    umask=0o077,
    jobs="1",
    folder="مجلد التجربة/with spaces",
    touch=True,
    reverse_order=True,
)


def run_bundler(args: list[str], cwd: Path, conditions: Conditions) -> None:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1462838400", "TZ": conditions.tz, "PYTHONHASHSEED": conditions.hash_seed}
    env |= {"LC_ALL": conditions.locale, "LANG": conditions.locale}
    done = subprocess.run(
        [sys.executable, "-m", "bundler", "--quiet", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        preexec_fn=lambda: os.umask(conditions.umask),
    )
    assert done.returncode == 0, done.stderr


def copy_collection(source: Path, target: Path, reverse_order: bool) -> None:
    """Copy ``source`` (without its cache and outputs) to ``target``, every file and folder created in name order or reversed."""
    entries = sorted(p for p in source.rglob("*") if not {".cache", "dist"} & set(p.relative_to(source).parts))
    if reverse_order:
        entries.reverse()
    for path in entries:
        if path.is_dir():
            (target / path.relative_to(source)).mkdir(parents=True, exist_ok=True)
    for path in entries:
        if path.is_file():
            (target / path.relative_to(source)).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target / path.relative_to(source))


def build_everything(name: str, place: Path, conditions: Conditions) -> dict[str, tuple[str, int]]:
    """Copy the collection into ``place``, build the bag (all declared editions) and epub-text; every output's hash and mode."""
    collection = place / conditions.folder / name
    copy_collection(COLLECTIONS / name, collection, conditions.reverse_order)
    if conditions.touch:
        later = time.time() + 86_400
        for path in collection.rglob("*"):
            os.utime(path, (later, later))
    work = place / "cwd"
    work.mkdir()
    run_bundler(["bag", str(collection), "--out", str(place / "bags")], work, conditions)
    run_bundler(["bag", str(collection), "--out", str(place / "bags"), "--archive", "zip"], work, conditions)
    run_bundler(
        ["build", str(collection), "--format", "epub-text", "--out", str(place / "dist"), "--jobs", conditions.jobs], work, conditions
    )
    outputs = [p for p in (place / "bags").rglob("*") if p.is_file()] + [p for p in (place / "dist").rglob("*.epub")]
    return {p.relative_to(place).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest(), stat.S_IMODE(p.stat().st_mode)) for p in outputs}


@pytest.mark.slow
@pytest.mark.parametrize("name", EXAMPLES)
def test_editions_and_bag_are_byte_identical_across_runs(name, tmp_path):
    first = build_everything(name, tmp_path / "one", Conditions())
    second = build_everything(name, tmp_path / "two", SECOND)
    editions = [k for k in first if "/data/editions/" in k or k.endswith("-text.epub")]
    assert len(editions) >= 3, sorted(first)  # epub, pdf and epub-text at least
    assert any(k.endswith("manifest-sha256.txt") for k in first)
    assert any(k.endswith("-bag.zip") for k in first)
    assert first.keys() == second.keys()
    differing = sorted(k for k in first if first[k][0] != second[k][0])
    assert not differing, differing
    # on disk, every file follows the umask as a plain write would; inside the archives, modes are fixed
    assert {mode for _digest, mode in first.values()} == {0o644}
    assert {mode for _digest, mode in second.values()} == {0o600}
    zipped = [k for k in first if k.endswith((".epub", ".zip"))]
    assert [_stored_modes(tmp_path / "one" / k) for k in zipped] == [_stored_modes(tmp_path / "two" / k) for k in zipped]


def _stored_modes(path: Path) -> list[tuple[str, int, tuple]]:
    with zipfile.ZipFile(path) as archive:
        return [(info.filename, info.external_attr >> 16, info.date_time) for info in archive.infolist()]


@pytest.mark.slow
def test_a_pdf_laid_out_in_parts_is_the_same_on_one_worker_and_on_three(tmp_path):
    """The parts a large PDF is cut into depend on the dossier, never on the worker count (a 1-core or 4-core machine)."""
    collection = make_collection(tmp_path / "notebook")
    digests = []
    for jobs in ("1", "3"):
        out = tmp_path / f"dist-{jobs}"
        shutil.rmtree(collection / ".cache", ignore_errors=True)
        run_bundler(["build", str(collection), "--format", "pdf,pdf-phone", "--out", str(out), "--jobs", jobs], tmp_path, Conditions())
        digests.append({p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.rglob("*.pdf"))})
    assert len(digests[0]) == 2
    assert digests[0] == digests[1]
