"""Incremental editions: unchanged inputs copy the cached edition; any change rebuilds it."""

from __future__ import annotations

from bundler.build.collection import build_collection
from bundler.cache import cache_root
from bundler.executor import WorkOptions

SERIAL = WorkOptions(executor="serial")


def edition_entries(collection) -> set[str]:
    folder = cache_root(collection) / "values"
    return {p.name for p in folder.rglob("*.out")} if folder.is_dir() else set()


def test_a_warm_build_gives_the_same_bytes_and_one_edit_rebuilds(collection, tmp_path):
    cold = build_collection(collection, format_names=["epub"], out_dir=tmp_path / "cold", work=SERIAL)
    first = edition_entries(collection)
    assert len(first) == 1
    warm = build_collection(collection, format_names=["epub"], out_dir=tmp_path / "warm", work=SERIAL)
    assert warm.outputs["epub"].read_bytes() == cold.outputs["epub"].read_bytes()
    assert edition_entries(collection) == first  # served from the cache, nothing new rendered
    assert [w.render() for w in warm.report.warnings] == [w.render() for w in cold.report.warnings]
    source = collection / "sources" / "piece-4.txt"
    source.write_text(source.read_text(encoding="utf-8") + "\nA late correction.\n", encoding="utf-8")
    changed = build_collection(collection, format_names=["epub"], out_dir=tmp_path / "changed", work=SERIAL)
    assert len(edition_entries(collection) - first) == 1
    assert changed.outputs["epub"].read_bytes() != cold.outputs["epub"].read_bytes()


def test_the_build_clock_is_part_of_the_key(collection, tmp_path, monkeypatch):
    build_collection(collection, format_names=["epub"], out_dir=tmp_path / "a", work=SERIAL)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1500000000")
    build_collection(collection, format_names=["epub"], out_dir=tmp_path / "b", work=SERIAL)
    assert len(edition_entries(collection)) == 2


def test_no_cache_builds_the_same_bytes_without_storing_anything(collection, tmp_path):
    cached = build_collection(collection, format_names=["epub"], out_dir=tmp_path / "a", work=SERIAL)
    before = edition_entries(collection)
    clean = build_collection(collection, format_names=["epub"], out_dir=tmp_path / "b", work=WorkOptions(executor="serial", cache=False))
    assert clean.outputs["epub"].read_bytes() == cached.outputs["epub"].read_bytes()
    assert edition_entries(collection) == before


def test_font_subsets_are_kept_in_the_build_cache(tmp_path):
    from bundler.cache import ContentCache
    from bundler.render import fonts

    store = ContentCache(tmp_path / "cache")
    fonts.forget_subsets()
    first = fonts.subset_fonts("A dossier, rebuilt the night before printing.", store)
    stored = sorted(p.name for p in (tmp_path / "cache").rglob("*.ttf"))
    assert len(stored) == len(first) == 4
    fonts.forget_subsets()
    again = fonts.subset_fonts("A dossier, rebuilt the night before printing.", store)
    assert again == first
    assert sorted(p.name for p in (tmp_path / "cache").rglob("*.ttf")) == stored
