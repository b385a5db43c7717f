"""A damaged cache never ships: every entry is checked against its own checksum when read.

The collection is built once without a cache (the reference) and once with one; then entries
of every kind under ``.cache/`` are truncated, zeroed or garbled in place, as a full disk, a
crash or a failing USB stick leaves them, and the collection is built again through the real
CLI. The build must report each damaged entry (W701), discard it, rebuild it, and write the
same bytes as the build without a cache.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.faults.conftest import make_collection, run_cli

FORMATS = "epub,pdf"


def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def zero(path: Path) -> None:
    path.write_bytes(bytes(path.stat().st_size))


def garble(path: Path) -> None:
    """Flip 64 bytes in the middle: same size, same beginning (a file type check would not notice)."""
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    for index in range(max(0, middle - 32), min(len(data), middle + 32)):
        data[index] ^= 0xFF
    path.write_bytes(bytes(data))


DAMAGES: dict[str, Callable[[Path], None]] = {"truncated": truncate, "zeroed": zero, "garbled": garble}


def entries_of_every_kind(cache: Path) -> dict[str, Path]:
    """One cache file of each kind: editions, PDF parts and their records, font subsets, prepared images, imported pieces and photos."""
    values = sorted(p for p in (cache / "values").rglob("*") if p.is_file() and not p.name.endswith(".sha256"))
    editions = [p for p in values if p.suffix == ".out"]
    chosen = {
        "epub edition": next(p for p in editions if p.read_bytes()[:2] == b"PK"),
        "pdf edition": next(p for p in editions if p.read_bytes()[:5] == b"%PDF-"),
        "PDF part": next(p for p in values if p.suffix == ".pdf"),
        "PDF part record": next(p for p in values if p.suffix == ".json" and p.with_suffix(".pdf").exists()),
        "font subset": next(p for p in values if p.suffix == ".ttf"),
        "prepared image": sorted((cache / "images").glob("*.jpg"))[0],
    }
    pieces = sorted((cache / "imports").glob("*/piece.json"))
    with_photos = [p.parent for p in pieces if (p.parent / "media").is_dir()]
    chosen["imported piece"] = next(p for p in pieces if p.parent not in with_photos)
    chosen["cached photo"] = sorted((with_photos[0] / "media").glob("*"))[0]
    return chosen


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> dict[str, bytes]:
    """The editions built with ``--no-cache``: what every build after any damage must reproduce."""
    folder = tmp_path_factory.mktemp("reference")
    collection = make_collection(folder / "notebook")
    result = run_cli("build", str(collection), "--format", FORMATS, "--out", str(folder / "dist"), "--no-cache")
    assert result.returncode == 0, result.stderr
    return {path.suffix: path.read_bytes() for path in (folder / "dist" / "notebook").glob("notebook.*")}


@pytest.fixture(scope="module")
def _filled(tmp_path_factory, reference) -> tuple[Path, Path]:
    """A collection built once with its cache, and a copy of that cache as it was."""
    folder = tmp_path_factory.mktemp("warm")
    collection = make_collection(folder / "notebook")
    result = run_cli("build", str(collection), "--format", FORMATS, "--out", str(folder / "dist"))
    assert result.returncode == 0, result.stderr
    assert "damaged" not in result.stderr
    pristine = folder / "pristine-cache"
    shutil.copytree(collection / ".cache", pristine, copy_function=shutil.copy2)
    return collection, pristine


@pytest.fixture
def warm(_filled) -> Path:
    """The collection with its full cache restored (same place: edition keys name the collection's folder)."""
    collection, pristine = _filled
    shutil.rmtree(collection / ".cache")
    shutil.copytree(pristine, collection / ".cache", copy_function=shutil.copy2)
    return collection


def built(collection: Path) -> tuple[dict[str, bytes], str]:
    out = collection.parent / "dist"
    shutil.rmtree(out, ignore_errors=True)
    result = run_cli("build", str(collection), "--format", FORMATS, "--out", str(out), "--verbose")
    assert result.returncode == 0, result.stderr
    return {path.suffix: path.read_bytes() for path in (out / "notebook").glob("notebook.*")}, result.stderr


@pytest.mark.parametrize("damage", DAMAGES)
def test_damaged_entries_of_every_kind_are_rebuilt_with_a_warning(damage, warm, reference):
    collection = warm
    victims = entries_of_every_kind(collection / ".cache")
    for path in victims.values():
        DAMAGES[damage](path)

    editions, stderr = built(collection)

    assert editions == reference, "a build after damage to the cache must equal a build without a cache"
    for kind, path in victims.items():
        assert f"{path}: damaged {kind} in the cache" in stderr, f"no warning for the damaged {kind}:\n{stderr}"
    assert stderr.count("discarded and rebuilt") == len(victims)

    editions, stderr = built(collection)  # the rebuilt entries are whole again
    assert editions == reference
    assert "damaged" not in stderr


def test_a_damaged_checksum_record_discards_its_entry(warm, reference):
    """Built in a fresh process (as a user runs it), so no subset or image another test left in memory spares the cache read."""
    collection = warm
    victims = entries_of_every_kind(collection / ".cache")
    kinds = ("epub edition", "pdf edition", "font subset", "prepared image")
    for kind in kinds:
        garble(victims[kind].with_name(victims[kind].name + ".sha256"))

    editions, stderr = built(collection)

    assert editions == reference
    for kind in kinds:
        line = f"warning: W701 {victims[kind]}: damaged {kind} in the cache (its checksum record is damaged); discarded and rebuilt"
        assert line in stderr, f"no W701 for the {kind}:\n{stderr}"
    assert stderr.count("checksum record is damaged") == len(kinds)


def test_a_photo_in_the_cache_media_folder_is_checked_before_a_new_import_reuses_it(warm, reference):
    """The importer stores photos by content name; a damaged copy already there is rewritten, not reused."""
    collection = warm
    shutil.rmtree(collection / ".cache" / "imports")  # every piece is imported again
    shutil.rmtree(collection / ".cache" / "images")
    for photo in (collection / ".cache" / "media").glob("*"):
        truncate(photo)
    for value in (collection / ".cache" / "values").rglob("*.out"):
        value.unlink()

    editions, stderr = built(collection)

    assert editions == reference
    assert "damaged imported photo in the cache" in stderr
