"""The content-addressed cache and the cached, parallel import stage."""

from __future__ import annotations

import json

import pytest

from bundler.cache import ContentCache, cache_root, make_key, open_cache
from bundler.errors import ManifestError
from bundler.executor import WorkOptions
from bundler.exporters import formats
from bundler.manifest import load_manifest, resolve_dossier
from bundler.model import to_data


def pieces_data(collection, work: WorkOptions) -> list:
    dossier = resolve_dossier(load_manifest(collection, formats=formats()), work=work)
    return [to_data(p) for p in dossier.pieces]


def imported_entries(collection) -> set[str]:
    folder = cache_root(collection) / "imports"
    return {p.name for p in folder.iterdir() if not p.name.startswith(".")} if folder.is_dir() else set()


def test_values_are_stored_found_and_missed_by_key(tmp_path):
    cache = ContentCache(tmp_path / "cache")
    key = make_key("part", "abc", {"width": 1600})
    assert cache.find(key) is None
    path = cache.store_bytes(key, b"rendered")
    assert path is not None and cache.find(key) == path and path.read_bytes() == b"rendered"
    assert make_key("part", "abc", {"width": 1200}) != key  # an option that matters changes the key
    assert not list((tmp_path / "cache").rglob(".part-*"))  # no temporary file left behind


def test_a_damaged_json_value_is_a_miss_and_is_dropped(tmp_path):
    cache = ContentCache(tmp_path / "cache")
    cache.store_json("k" * 64, {"title": "x"})
    assert cache.load_json("k" * 64) == {"title": "x"}
    cache.path_for("k" * 64, ".json").write_text("{not json", encoding="utf-8")
    assert cache.load_json("k" * 64) is None
    assert cache.find("k" * 64, ".json") is None


def test_a_disabled_cache_stores_and_finds_nothing(tmp_path):
    cache = open_cache(tmp_path, enabled=False)
    assert cache.store_bytes("a" * 64, b"x") is None
    assert cache.find("a" * 64) is None
    assert not (tmp_path / ".cache").exists()


def test_the_cache_folder_can_be_moved_with_an_environment_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("BUNDLER_CACHE_DIR", str(tmp_path / "elsewhere"))
    assert cache_root(tmp_path / "collection") == tmp_path / "elsewhere"


def test_a_warm_import_reuses_every_piece_and_one_edit_reimports_one(collection):
    serial = WorkOptions(executor="serial")
    cold = pieces_data(collection, serial)
    first = imported_entries(collection)
    assert len(first) == len(cold) == 8
    assert pieces_data(collection, serial) == cold
    assert imported_entries(collection) == first  # nothing re-imported
    edited = collection / "sources" / "piece-3.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace("Piece number 3", "Piece three, revised"), encoding="utf-8")
    warm = pieces_data(collection, serial)
    assert len(imported_entries(collection) - first) == 1
    assert warm[2]["title"] == "Piece three, revised"
    assert [p for i, p in enumerate(warm) if i != 2] == [p for i, p in enumerate(cold) if i != 2]


def test_no_cache_neither_reads_nor_writes_the_cache(collection):
    pieces_data(collection, WorkOptions(executor="serial", cache=False))
    assert imported_entries(collection) == set()


def test_deleting_the_cache_only_costs_time(collection):
    import shutil

    cold = pieces_data(collection, WorkOptions(executor="serial"))
    shutil.rmtree(cache_root(collection))
    assert pieces_data(collection, WorkOptions(executor="serial")) == cold


def test_a_process_pool_gives_the_same_pieces_in_the_same_order(collection):
    serial = pieces_data(collection, WorkOptions(executor="serial", cache=False))
    pooled = pieces_data(collection, WorkOptions(executor="local", jobs=2, cache=False))
    assert json.dumps(pooled, sort_keys=True) == json.dumps(serial, sort_keys=True)
    assert [p["title"] for p in pooled][:2] == ["Piece number 1", "Piece number 2"]


def test_import_failures_in_workers_are_all_reported_with_their_manifest_keys(collection):
    (collection / "sources" / "piece-2.txt").write_bytes(b"")
    (collection / "sources" / "piece-5.md").write_bytes(b"---\ntitle: [unclosed\n---\n\nbody\n")
    with pytest.raises(ManifestError) as caught:
        resolve_dossier(load_manifest(collection, formats=formats()), work=WorkOptions(jobs=2, cache=False))
    keys = sorted(p.key for p in caught.value.problems)
    assert keys == ["sections[0].pieces[1]", "sections[0].pieces[4]"], caught.value


def test_progress_counts_every_imported_piece(collection):
    seen = []
    resolve_dossier(load_manifest(collection, formats=formats()), work=WorkOptions(executor="serial"), progress=lambda *a: seen.append(a))
    assert seen[0] == ("import", 0, 8) and seen[-1] == ("import", 8, 8)
    assert [done for _stage, done, _total in seen] == list(range(9))
