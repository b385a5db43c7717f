"""Where prepared images are cached, through the real command line: ``--no-cache`` and ``$BUNDLER_CACHE_DIR``."""

from __future__ import annotations

import io
import shutil
import tempfile
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from bundler.build.image_stage import image_jobs
from bundler.cache import hash_bytes, write_checksum
from bundler.cli import main
from bundler.exporters import edition_policy, formats
from bundler.manifest import load_manifest, resolve_dossier
from bundler.model import Edition
from tests.speed.test_image_stage import write_photo_collection


@pytest.fixture
def collection(tmp_path, monkeypatch) -> Path:
    monkeypatch.delenv("BUNDLER_CACHE_DIR", raising=False)
    return write_photo_collection(tmp_path / "photo-dossier")


@pytest.fixture
def private_tmp(tmp_path, monkeypatch) -> Path:
    """The folder ``tempfile`` hands out for this test, to see what a build leaves behind there."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def build(collection: Path, out: Path, *flags: str) -> bytes:
    assert main(["-q", "build", str(collection), "--format", "epub", "--out", str(out), *flags]) == 0
    return (out / collection.name / f"{collection.name}.epub").read_bytes()


def photos_in(epub: bytes) -> list[bytes]:
    with zipfile.ZipFile(io.BytesIO(epub)) as book:
        return sorted(book.read(name) for name in book.namelist() if name.endswith(".jpg"))


def decoy_jpeg() -> bytes:
    """What a poisoned cache entry holds: if a build reads the cache, this lands in the book."""
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 255, 0)).save(buffer, "JPEG")
    return buffer.getvalue()


def poison(folder: Path) -> int:
    entries = list(folder.glob("*.jpg"))
    for entry in entries:
        entry.write_bytes(decoy_jpeg())
        write_checksum(entry, hash_bytes(decoy_jpeg()))  # recorded as whole: a damaged entry would be discarded
    return len(entries)


def test_no_cache_neither_reads_nor_writes_the_image_cache(collection, tmp_path, private_tmp):
    cached = build(collection, tmp_path / "cached")
    images = collection / ".cache" / "images"
    assert poison(images) == 2
    shutil.rmtree(collection / ".cache" / "values")  # so the edition itself is not simply copied back
    before = sorted(p.relative_to(images) for p in images.rglob("*"))
    clean = build(collection, tmp_path / "clean", "--no-cache")
    assert decoy_jpeg() not in photos_in(clean)  # not read
    assert photos_in(clean) == photos_in(cached)  # prepared afresh, same bytes
    assert sorted(p.relative_to(images) for p in images.rglob("*")) == before  # not written
    # its temporary image cache is gone (pymp-*: the image workers' fork server socket, Python's own, removed at exit)
    assert [p for p in private_tmp.iterdir() if not p.name.startswith("pymp-")] == []
    poisoned = build(collection, tmp_path / "poisoned")  # and a normal build does read it
    assert decoy_jpeg() in photos_in(poisoned)


def test_the_image_cache_follows_bundler_cache_dir(collection, tmp_path, monkeypatch):
    elsewhere = tmp_path / "cache-home"
    monkeypatch.setenv("BUNDLER_CACHE_DIR", str(elsewhere))
    first = build(collection, tmp_path / "first")
    assert not (collection / ".cache" / "images").exists()
    assert poison(elsewhere / "images") == 2
    shutil.rmtree(elsewhere / "values")
    assert decoy_jpeg() in photos_in(build(collection, tmp_path / "second"))  # read from there
    assert decoy_jpeg() not in photos_in(first)


def test_editions_with_the_same_effective_policy_prepare_each_image_once(collection):
    dossier = resolve_dossier(load_manifest(collection, formats=formats()))
    same = [Edition("pdf"), Edition("pdf-booklet", (("images", {"max_megapixels": 3.0}),))]
    assert len({edition_policy(e) for e in same}) == 2  # 3 Mpx cannot bind when a photo fits the print box
    assert len(image_jobs(dossier, same)) == 2  # two photos, once each
    assert len(image_jobs(dossier, [*same, Edition("epub")])) == 4
    assert len(image_jobs(dossier, [*same, Edition("pdf-archive")])) == 4  # the archive keeps larger photos than print
