"""Photos go into the EPUB's zip straight from the image cache, never held in memory with the whole book."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

import pytest

from bundler.errors import ExportError
from bundler.exporters.epub import ImagePayload, repack
from bundler.model import Dossier

DOSSIER = Dossier(title="Streamed", identifier="urn:uuid:00000000-0000-4000-8000-000000000001", slug="streamed", sections=())
MOMENT = datetime(2016, 5, 10, tzinfo=UTC)
PHOTO = "EPUB/media/0123456789abcdef.jpg"


def ebooklib_zip(*placeholders: str) -> bytes:
    """What ebooklib writes for us: documents, and an empty entry where each photo goes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/epub+zip")
        archive.writestr("EPUB/piece.xhtml", "<html/>")
        for name in placeholders:
            archive.writestr(name, b"")
    return buffer.getvalue()


def test_a_photo_is_copied_from_its_cache_file_into_the_zip(tmp_path):
    photo = tmp_path / "prepared.jpg"
    photo.write_bytes(b"\xff\xd8" + bytes(range(256)) * 9000 + b"\xff\xd9")  # ~2 MB, several copy chunks
    out = tmp_path / "book.epub"
    repack(ebooklib_zip(PHOTO), DOSSIER, MOMENT, out, {PHOTO: ImagePayload(photo, photo.stat().st_size)})
    with zipfile.ZipFile(out) as book:
        assert book.testzip() is None  # every CRC checks out
        assert book.read(PHOTO) == photo.read_bytes()
        assert book.getinfo(PHOTO).compress_type == zipfile.ZIP_STORED
        assert book.namelist()[0] == "mimetype"


def test_streamed_and_in_memory_photos_give_the_same_bytes(tmp_path):
    photo = tmp_path / "prepared.jpg"
    photo.write_bytes(b"\xff\xd8photo\xff\xd9" * 1000)
    streamed, held = tmp_path / "streamed.epub", tmp_path / "held.epub"
    repack(ebooklib_zip(PHOTO), DOSSIER, MOMENT, streamed, {PHOTO: ImagePayload(photo, photo.stat().st_size)})
    repack(ebooklib_zip(PHOTO), DOSSIER, MOMENT, held, {PHOTO: ImagePayload(None, photo.stat().st_size, photo.read_bytes())})
    assert streamed.read_bytes() == held.read_bytes()


def test_a_cache_file_that_changed_size_stops_the_book(tmp_path):
    photo = tmp_path / "prepared.jpg"
    photo.write_bytes(b"\xff\xd8short\xff\xd9")
    with pytest.raises(ExportError, match="changed while the EPUB was written"):
        repack(ebooklib_zip(PHOTO), DOSSIER, MOMENT, tmp_path / "book.epub", {PHOTO: ImagePayload(photo, 10_000)})


def test_an_image_without_a_placeholder_is_an_error(tmp_path):
    with pytest.raises(ExportError, match="without a place"):
        repack(ebooklib_zip(), DOSSIER, MOMENT, tmp_path / "book.epub", {PHOTO: ImagePayload(None, 3, b"abc")})
