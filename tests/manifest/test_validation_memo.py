"""A clean validation is remembered in the collection's cache, and never hides a later problem."""

from __future__ import annotations

import pytest

from bundler.errors import ManifestError
from bundler.exporters import formats
from bundler.manifest import load_manifest
from tests.speed.conftest import write_collection


@pytest.fixture
def collection(tmp_path, monkeypatch):
    monkeypatch.delenv("BUNDLER_CACHE_DIR", raising=False)
    return write_collection(tmp_path / "memo", pieces=3)


def remembered(collection) -> list:
    return sorted((collection / ".cache" / "values").rglob("*.valid"))


def test_a_clean_validation_is_remembered_once(collection):
    first = load_manifest(collection, formats=formats(), remember=True)
    assert len(remembered(collection)) == 1
    second = load_manifest(collection, formats=formats(), remember=True)
    assert second.data == first.data and len(remembered(collection)) == 1
    load_manifest(collection, formats=formats())  # without remember: nothing stored
    assert len(remembered(collection)) == 1


def test_a_file_removed_after_a_clean_validation_is_still_reported(collection):
    load_manifest(collection, formats=formats(), remember=True)
    (collection / "sources" / "piece-2.txt").unlink()
    with pytest.raises(ManifestError) as caught:
        load_manifest(collection, formats=formats(), remember=True)
    assert [p.code for p in caught.value.problems] == ["M032"] and "piece-2.txt" in caught.value.problems[0].message


def test_a_file_replaced_by_a_folder_is_still_reported(collection):
    load_manifest(collection, formats=formats(), remember=True)
    (collection / "sources" / "piece-3.md").unlink()
    (collection / "sources" / "piece-3.md").mkdir()
    with pytest.raises(ManifestError) as caught:
        load_manifest(collection, formats=formats(), remember=True)
    assert [p.code for p in caught.value.problems] == ["M034"]


def test_an_edited_manifest_is_validated_again(collection):
    load_manifest(collection, formats=formats(), remember=True)
    manifest = collection / "collection.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("language: en", "language: english"), encoding="utf-8")
    with pytest.raises(ManifestError) as caught:
        load_manifest(collection, formats=formats(), remember=True)
    assert [p.code for p in caught.value.problems] == ["M020"]


def test_a_piece_edited_in_place_keeps_the_remembered_validation(collection):
    load_manifest(collection, formats=formats(), remember=True)
    piece = collection / "sources" / "piece-1.md"
    with piece.open("a", encoding="utf-8") as stream:  # an editor saving in place: same file, new text
        stream.write("\nOne more sentence.\n")
    load_manifest(collection, formats=formats(), remember=True)
    assert len(remembered(collection)) == 1  # the same key: not validated again
