"""A small library on disk and a real server for it, built once per session.

The library holds the example dossier (a real ``bundler build``), a synthetic Arabic
dossier (sidecar + small fake editions, one of them unlisted, and an EPUB whose cover
photo carries GPS EXIF), a folder with no sidecar at all, and traps: symlinks out of the
library, hidden files, and a secret file beside the library that must never be served.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.kitchen_sink import make_photo

SECRET = b"TOP-SECRET: nothing outside dist may be served\n"
ARABIC_TITLE = "حلب تحت الحصار"
ARABIC_SLUG = "halab-ar"


@dataclass(frozen=True)
class Library:
    """The library folder, the secret beside it, and the expected content of each edition."""

    dist: Path
    secret: Path
    editions: dict[str, bytes]  # library-relative path -> bytes
    slugs: tuple[str, ...]


@pytest.fixture(scope="session")
def library(aleppo_build, tmp_path_factory) -> Library:
    """A dist/ folder with three dossiers and a written catalogue."""
    from bundler.catalog import write_catalog

    root = tmp_path_factory.mktemp("library")
    dist = root / "dist"
    dist.mkdir()
    secret_dir = root / "secret"
    secret_dir.mkdir()
    secret = secret_dir / "secret.txt"
    secret.write_bytes(SECRET)

    built = next(iter(aleppo_build.outputs.values())).parent
    shutil.copytree(built, dist / "aleppo-2016")
    _write_arabic_dossier(dist / ARABIC_SLUG, tmp_path_factory.mktemp("photos"))
    (dist / "field-notes").mkdir()
    (dist / "field-notes" / "field-notes.zip").write_bytes(_pseudo_random_bytes(70_000, seed=3))
    (dist / "empty-folder").mkdir()

    os.symlink(secret, dist / "passwd-link")
    os.symlink(secret_dir, dist / "outside-dir")
    os.symlink(secret, dist / "aleppo-2016" / "outside.pdf")
    (dist / ".secret").write_bytes(SECRET)
    (dist / "aleppo-2016" / ".aleppo-2016.epub.x.part").write_bytes(SECRET)
    for relative in EVIDENCE:  # a bag, sources and provenance left in dist/: never served
        (dist / relative).parent.mkdir(parents=True, exist_ok=True)
        (dist / relative).write_bytes(SECRET)

    write_catalog(dist)
    editions = {}
    for folder in sorted(p for p in dist.iterdir() if p.is_dir() and not p.is_symlink()):
        for path in sorted(folder.iterdir()):
            if path.suffix in (".epub", ".pdf", ".zip") and not path.is_symlink() and not path.name.startswith("."):
                editions[f"{folder.name}/{path.name}"] = path.read_bytes()
    for stale in STALE_EDITIONS:
        del editions[stale]
    return Library(dist=dist, secret=secret, editions=editions, slugs=("aleppo-2016", ARABIC_SLUG, "field-notes"))


#: Files in dist/ that are not publications: a bag (folder and archive), sources, provenance records.
EVIDENCE = (
    "aleppo-2016-bag/bagit.txt",
    "aleppo-2016-bag/bag-info.txt",
    "aleppo-2016-bag/data/provenance.json",
    "aleppo-2016-bag/data/editions/aleppo-2016.epub",
    "aleppo-2016-bag.zip",
    "aleppo-2016/provenance.json",
    "aleppo-2016/bag-info.txt",
    "aleppo-2016/sources/aleppo-is-burning.txt",
    "aleppo-2016/aleppo-2016-bag.zip",
    "field-notes/provenance.json",
)
#: Edition files of an older build that the dossier's sidecar no longer names.
STALE_EDITIONS = (f"{ARABIC_SLUG}/{ARABIC_SLUG}-phone.pdf", "aleppo-2016/aleppo-2016-bag.zip")


@pytest.fixture(scope="session")
def server(library):
    """The real library server (uvicorn + Starlette) on 127.0.0.1 and a free port."""
    from bundler.catalog.server import LibraryServer

    with LibraryServer(library.dist, host="127.0.0.1", port=0) as running:
        yield running


def _write_arabic_dossier(folder: Path, scratch: Path) -> None:
    """An Arabic dossier: a sidecar listing an EPUB (with a cover) and a PDF; a phone PDF it does not list."""
    folder.mkdir()
    photo = make_photo(scratch / "cover.jpg", size=(800, 1200), seed=7, gps=True)
    epub = folder / f"{ARABIC_SLUG}.epub"
    _write_minimal_epub(epub, photo.read_bytes())
    pdf = folder / f"{ARABIC_SLUG}.pdf"
    pdf.write_bytes(b"%PDF-1.7\n" + _pseudo_random_bytes(300_000, seed=1) + b"\n%%EOF\n")
    (folder / f"{ARABIC_SLUG}-phone.pdf").write_bytes(b"%PDF-1.7\n" + _pseudo_random_bytes(120_000, seed=2) + b"\n%%EOF\n")
    sidecar = {
        "format": "bundler-dossier/1",
        "slug": ARABIC_SLUG,
        "title": ARABIC_TITLE,
        "subtitle": "شهادات من المدينة",
        "description": "ملف صغير عن حصار حلب في ربيع ٢٠١٦.",
        "language": "ar",
        "direction": "rtl",
        "editors": ["محررو المثال"],
        "publisher": "",
        "date": "2016-06-01",
        "modified": "2016-06-01T00:00:00Z",
        "identifier": "urn:uuid:7f1d9a52-4c8e-4b8a-9d55-2f4c9b1e0a11",
        "subjects": ["سوريا", "حلب"],
        "rights": "",
        "editions": {
            "epub": _record(epub, "application/epub+zip"),
            "pdf": _record(pdf, "application/pdf"),
        },
        "cover": None,
    }
    (folder / "dossier.json").write_text(json.dumps(sidecar, ensure_ascii=False, indent=2), encoding="utf-8")


def _record(path: Path, media_type: str) -> dict:
    data = path.read_bytes()
    return {"file": path.name, "media_type": media_type, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def _write_minimal_epub(path: Path, cover: bytes) -> None:
    """Just enough EPUB for the catalogue: container, an OPF with a cover-image item, the image."""
    container = (
        '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
        '<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>'
    )
    opf = (
        '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier id="id">x</dc:identifier>'
        f"<dc:title>{ARABIC_TITLE}</dc:title><dc:language>ar</dc:language></metadata>"
        '<manifest><item id="c" href="images/cover%20photo.jpg" media-type="image/jpeg" properties="cover-image"/></manifest>'
        "<spine/></package>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype", (1980, 1, 1, 0, 0, 0)), "application/epub+zip")
        archive.writestr(zipfile.ZipInfo("META-INF/container.xml", (1980, 1, 1, 0, 0, 0)), container)
        archive.writestr(zipfile.ZipInfo("OEBPS/content.opf", (1980, 1, 1, 0, 0, 0)), opf)
        archive.writestr(zipfile.ZipInfo("OEBPS/images/cover photo.jpg", (1980, 1, 1, 0, 0, 0)), cover)


def _pseudo_random_bytes(size: int, seed: int) -> bytes:
    """Incompressible, deterministic bytes, so a range mix-up cannot go unnoticed."""
    out = bytearray()
    counter = 0
    while len(out) < size:
        out += hashlib.sha256(f"{seed}:{counter}".encode()).digest()
        counter += 1
    return bytes(out[:size])


def fetch(url: str, headers: dict | None = None, method: str = "GET"):
    """One real HTTP request with urllib; returns (status, headers, body) and never raises on 4xx/5xx."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()
