"""The import cache notices a page's photos: replacing one beside the page re-imports the piece.

Everything goes through the real CLI (``bundler build``, in a subprocess) and the real EPUB it
writes; a photo is recognised in the EPUB by its colour, since the image stage re-encodes it.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from PIL import Image as PILImage

RED, BLUE, GREEN, YELLOW = (210, 30, 30), (30, 40, 210), (30, 170, 60), (230, 200, 20)

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Bread queues in the eastern districts</title>
<meta name="author" content="Field Reporter"></head>
<body><article>
<h1>Bread queues in the eastern districts</h1>
<p>Before dawn the queue outside the last working bakery in the district already reaches the corner.
Families send one member each, and the line moves slowly while the ovens wait for flour.</p>
<figure><img src="report_files/market.jpg" alt="A queue outside a bakery before dawn" width="640" height="400">
<figcaption>The queue at first light. Photo: Field Reporter</figcaption></figure>
<p>Volunteers hand out numbered cards so that nobody loses a place when the shelling starts and the
street empties. When it is quiet again, people return to the same spot and the queue closes up.</p>
<figure><img src="https://example.org/media/street.jpg" alt="An empty street after shelling" width="640" height="400">
<figcaption>The same street an hour later. Photo: Field Reporter</figcaption></figure>
<p>By midday the bakery closes. The volunteers count what is left and write the number on a board,
so that tomorrow's queue knows what to expect.</p>
</article></body></html>
"""

NOTES = """---
title: Where the river used to be
author: Field Reporter
date: 2016-05-09
---

The canal that crosses the old city has been dry since the spring. Children walk along its bed
on their way to the school that still opens in the mornings.

![The dry canal bed at noon](photos/river.png "The canal at noon")

Residents say the water will come back when the pumping station is repaired, but nobody has
seen an engineer in the district for months.
"""

MANIFEST = """title: Photo cache dossier
language: en
sections:
  - title: Reports
    pieces:
      - sources/report.html
      - sources/notes.md
"""


def write_photo(path: Path, colour: tuple[int, int, int]) -> None:
    """A 640x400 photo of one dominant colour with a little texture, so JPEG keeps it recognisable."""
    path.parent.mkdir(parents=True, exist_ok=True)
    image = PILImage.new("RGB", (640, 400), colour)
    for x in range(0, 640, 40):
        for y in range(0, 400, 40):
            shade = tuple(min(255, c + (x + y) % 25) for c in colour)
            image.paste(shade, (x, y, x + 20, y + 20))
    image.save(path, "PNG" if path.suffix == ".png" else "JPEG", quality=90)


@pytest.fixture
def collection(tmp_path, monkeypatch) -> Path:
    monkeypatch.delenv("BUNDLER_CACHE_DIR", raising=False)  # the cache lives in <collection>/.cache
    return write_collection(tmp_path / "photos-dossier")


def write_collection(root: Path) -> Path:
    """The dossier these tests build: a page with two photos beside it and a Markdown note with one."""
    (root / "sources").mkdir(parents=True)
    (root / "collection.yaml").write_text(MANIFEST, encoding="utf-8")
    (root / "sources" / "report.html").write_text(PAGE, encoding="utf-8")
    (root / "sources" / "notes.md").write_text(NOTES, encoding="utf-8")
    write_photo(root / "sources" / "report_files" / "market.jpg", RED)
    write_photo(root / "sources" / "report_files" / "street.jpg", GREEN)
    write_photo(root / "sources" / "photos" / "river.png", YELLOW)
    return root


def build_epub(collection: Path) -> tuple[Path, str]:
    """Run ``bundler build`` for the EPUB; returns it and the CLI's stderr (warnings)."""
    out = collection.parent / "dist"
    result = subprocess.run(
        [sys.executable, "-m", "bundler", "build", str(collection), "--format", "epub", "--out", str(out), "--executor", "serial"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    (epub,) = out.rglob("*.epub")
    return epub, result.stderr


def photo_colours(epub: Path) -> list[tuple[int, int, int]]:
    """The average colour of every raster image in the EPUB."""
    colours = []
    with zipfile.ZipFile(epub) as archive:
        for name in archive.namelist():
            if name.lower().endswith((".jpg", ".jpeg", ".png", ".webp", ".gif")):
                with PILImage.open(io.BytesIO(archive.read(name))) as image:
                    colours.append(image.convert("RGB").resize((1, 1), PILImage.Resampling.BOX).getpixel((0, 0)))
    return colours


def shows(colours: list[tuple[int, int, int]], colour: tuple[int, int, int]) -> bool:
    return any(sum(abs(a - b) for a, b in zip(seen, colour, strict=True)) < 60 for seen in colours)


def cache_entries(collection: Path) -> set[str]:
    folder = collection / ".cache" / "imports"
    return {p.name for p in folder.iterdir() if not p.name.startswith(".")}


def stored_pieces(collection: Path) -> dict[str, tuple[int, int]]:
    """Each cache entry's stored piece by inode and time: an entry imported again has a new one."""
    folder = collection / ".cache" / "imports"
    return {
        name: ((folder / name / "piece.json").stat().st_ino, (folder / name / "piece.json").stat().st_mtime_ns)
        for name in cache_entries(collection)
    }


def test_replacing_a_photo_beside_a_saved_page_reimports_it(collection):
    epub, _ = build_epub(collection)
    first = photo_colours(epub)
    assert shows(first, RED) and shows(first, GREEN) and not shows(first, BLUE)
    entries = cache_entries(collection)
    stamps = stored_pieces(collection)
    assert len(entries) == 2

    epub, _ = build_epub(collection)  # nothing changed: both pieces come from the cache
    assert stored_pieces(collection) == stamps  # (their stat records may be refreshed: photos no longer racy)
    assert sorted(photo_colours(epub)) == sorted(first)

    write_photo(collection / "sources" / "report_files" / "market.jpg", BLUE)  # the page itself is untouched
    epub, _ = build_epub(collection)
    colours = photo_colours(epub)
    assert shows(colours, BLUE) and not shows(colours, RED)
    assert shows(colours, GREEN) and shows(colours, YELLOW)

    # a remote address whose copy the browser saved in report_files/ is a local file too
    write_photo(collection / "sources" / "report_files" / "street.jpg", RED)
    colours = photo_colours(build_epub(collection)[0])
    assert shows(colours, RED) and not shows(colours, GREEN)


def test_a_markdown_photo_replaced_then_removed_is_noticed(collection):
    build_epub(collection)
    write_photo(collection / "sources" / "photos" / "river.png", BLUE)
    colours = photo_colours(build_epub(collection)[0])
    assert shows(colours, BLUE) and not shows(colours, YELLOW)

    (collection / "sources" / "photos" / "river.png").unlink()
    epub, warnings = build_epub(collection)
    assert "photos/river.png" in warnings and "missing" in warnings
    assert not shows(photo_colours(epub), BLUE)

    write_photo(collection / "sources" / "photos" / "river.png", YELLOW)  # a named photo that appears again
    epub, warnings = build_epub(collection)
    assert "photos/river.png" not in warnings
    assert shows(photo_colours(epub), YELLOW)


@pytest.mark.parametrize("page", ["saved-files-bakery.html", "saved-files-schools.html"])
def test_every_photo_the_importer_reads_is_fingerprinted(page):
    from bundler.importers import read_piece
    from bundler.manifest.source_files import fingerprint_source_files

    path = Path(__file__).parent / "fixtures" / "pages" / "saved-files" / page
    digests = set(fingerprint_source_files(path, "html").values())
    used = {figure.image.sha256 for figure in read_piece(path).figures if figure.image and figure.image.path}
    assert used and used <= digests
    assert all(name.startswith(page.removesuffix(".html") + "_files/") for name in fingerprint_source_files(path, "html"))


def test_markdown_reference_definitions_and_targets_are_fingerprinted_and_a_page_without_them_still_is(tmp_path):
    """Each address pattern is skipped when the text lacks the characters every match of it has ("]:", "](", "=")."""
    from bundler.manifest.source_files import fingerprint_source_files

    for name in ("defined.png", "inline.png", "attribute.png", "linked.png"):
        write_photo(tmp_path / "photos" / name, BLUE)
    markdown = tmp_path / "notes.md"
    markdown.write_text("# Notes\n\n![River][river]\n\n![Inline](photos/inline.png)\n\n  [river]: <photos/defined.png>\n", encoding="utf-8")
    assert set(fingerprint_source_files(markdown, "markdown")) == {"photos/defined.png", "photos/inline.png"}
    definition_only = tmp_path / "definition.md"
    definition_only.write_text("![River][river]\n\n[river]: photos/defined.png\n", encoding="utf-8")
    assert set(fingerprint_source_files(definition_only, "markdown")) == {"photos/defined.png"}
    page = tmp_path / "page.html"
    page.write_text('<p><img src="photos/attribute.png" alt=""> <a href=photos/linked.png>big</a></p>', encoding="utf-8")
    assert set(fingerprint_source_files(page, "html")) == {"photos/attribute.png", "photos/linked.png"}


def test_the_import_cache_holds_each_photo_once_and_never_links_the_collections_own_files(collection):
    """Cached pieces hard-link the photos the import stored in the cache's media folder (one copy on disk);
    the collection's own photos are never linked into the cache, so editing them cannot reach it."""
    build_epub(collection)
    cache = collection / ".cache"
    cached_media = [p for p in (cache / "imports").rglob("media/*") if p.is_file()]
    assert cached_media, "the cached pieces have their photos"
    originals = {p.stat().st_ino for p in (collection / "sources").rglob("*") if p.is_file()}
    stored = {p.stat().st_ino for p in (cache / "media").glob("*")}
    for photo in cached_media:
        assert photo.stat().st_ino not in originals, photo
    linked = [p for p in cached_media if p.stat().st_ino in stored]
    assert linked and all(p.stat().st_nlink == 2 for p in linked)


@pytest.fixture
def settled(monkeypatch):
    """Files written by the test count as settled (not racy), as a photo saved minutes ago would."""
    from bundler.manifest import source_files

    monkeypatch.setattr(source_files, "RACY_SECONDS", 0.0)
    return source_files


def fingerprinted(collection: Path, source_files) -> tuple[Path, dict, dict]:
    page = collection / "sources" / "report.html"
    stats: dict = {}
    return page, source_files.fingerprint_source_files(page, "html", stats), stats


def test_a_photo_untouched_since_it_was_hashed_is_not_read_again(collection, settled):
    page, recorded, stats = fingerprinted(collection, settled)
    assert set(stats) == {name for name, digest in recorded.items() if digest}
    assert settled.source_files_unchanged(page, recorded, stats)
    wrong = {name: ("0" * 64 if digest else digest) for name, digest in recorded.items()}
    assert settled.source_files_unchanged(page, wrong, stats), "stat matched: the (tampered) digest was not re-checked"
    assert not settled.source_files_unchanged(page, wrong), "without stats every photo is hashed"


def test_a_photo_rewritten_in_place_or_replaced_with_its_old_times_is_noticed(collection, settled):
    page, recorded, stats = fingerprinted(collection, settled)
    photo = collection / "sources" / "report_files" / "market.jpg"
    before = photo.stat()
    data = bytearray(photo.read_bytes())
    data[-3] ^= 0xFF  # same size, other bytes (in the last scan bytes)
    photo.write_bytes(bytes(data))
    os.utime(photo, ns=(before.st_atime_ns, before.st_mtime_ns))  # as exiftool -P or cp -p would leave it
    assert photo.stat().st_size == before.st_size and photo.stat().st_mtime_ns == before.st_mtime_ns
    assert not settled.source_files_unchanged(page, recorded, stats)  # the ctime moved
    spare = photo.with_name("spare.jpg")
    write_photo(spare, BLUE)
    os.utime(spare, ns=(before.st_atime_ns, before.st_mtime_ns))
    spare.replace(photo)  # a different file renamed into place: new inode
    assert not settled.source_files_unchanged(page, recorded, stats)


def test_a_file_that_had_just_changed_gets_no_stat_record(collection):
    from bundler.manifest import source_files

    page = collection / "sources" / "report.html"
    stats: dict = {}
    recorded = source_files.fingerprint_source_files(page, "html", stats)
    assert any(recorded.values()) and stats == {}  # the photos were written a moment ago: always hashed


def test_cache_key_changes_with_the_language_detector(tmp_path, monkeypatch):
    """A piece imported with another detector model may have another language: it is not reused."""
    from bundler.importers import ImportOptions
    from bundler.manifest import cache

    page = tmp_path / "report.html"
    page.write_text(PAGE, encoding="utf-8")
    key = cache.cache_key(page, ImportOptions())
    assert "py3langid" in cache.IMPORT_LIBRARIES
    assert cache.installed_versions(["py3langid"])["py3langid"]  # installed, so its version is in the key
    assert cache.cache_key(page, ImportOptions()) == key
    real = cache.installed_versions
    monkeypatch.setattr(cache, "installed_versions", lambda names: {**real(names), "py3langid": "0.0.1"})
    cache.import_code_digest.cache_clear()
    monkeypatch.setattr(cache, "import_code_digest", cache.import_code_digest)
    assert cache.cache_key(page, ImportOptions()) != key
    cache.import_code_digest.cache_clear()
