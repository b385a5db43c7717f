"""An import that fails while writing leaves the collection as it was, and the next import gives what a clean one gives.

The writes are cut by the process's file-size limit (``RLIMIT_FSIZE``: a write past it fails with
EFBIG, as a full disk fails with ENOSPC), set so that the small page's files fit and the large
page's original does not. Before the fix a truncated original stayed under its final name
(``sources/big.html``) with exit 1 and "nothing half-written was kept", and the next import
kept the page as ``sources/big-2.html``; the small page imported in the same run stayed
in ``pieces/`` with no entry naming it.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

from tests.faults.conftest import EPOCH

LIMIT = 128 * 1024
ARTICLE = "".join(f"<p>Paragraph {n}: the water trucks came before dawn and the queue reached the school gate.</p>" for n in range(12))
MANIFEST = "title: Trucks\nidentifier: urn:uuid:5b0d6a52-3f57-4d0c-9d55-0c2a4c4b8e11\nlanguage: en\nsections:\n  - title: Reports\n    pieces: []\n"


def _page(title: str, filler: int) -> str:
    """An article page; ``filler`` bytes of script in its head make the original large and leave the piece small."""
    script = "<script>" + "var queue = 1;\n" * (filler // 15) + "</script>"
    return f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>{script}</head><body><article><h1>{title}</h1>{ARTICLE}</article></body></html>"


def _import(collection: Path, *pages: Path, limit: int | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "BUNDLER_CACHE_DIR"} | {"SOURCE_DATE_EPOCH": EPOCH}

    def limit_size() -> None:
        if limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    command = [sys.executable, "-m", "bundler", "import", str(collection), *map(str, pages)]
    return subprocess.run(command, capture_output=True, text=True, env=env, preexec_fn=limit_size)


def _tree(folder: Path) -> dict[str, bytes | None]:
    """Every path under ``folder`` (temporary files included) with its bytes; None for a folder."""
    return {p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else None) for p in sorted(folder.rglob("*"))}


def test_an_import_cut_by_a_full_disk_leaves_nothing_and_the_next_import_is_as_clean(tmp_path):
    pages = tmp_path / "saved"
    pages.mkdir()
    small, big = pages / "small.html", pages / "big.html"
    small.write_text(_page("Trucks at the school", 0), encoding="utf-8")
    big.write_text(_page("Trucks on the ring road", 3 * LIMIT), encoding="utf-8")
    clean, cut = tmp_path / "clean" / "trucks", tmp_path / "cut" / "trucks"
    for collection in (clean, cut):
        collection.mkdir(parents=True)
        (collection / "collection.yaml").write_text(MANIFEST, encoding="utf-8")
    before = _tree(cut)
    done = _import(clean, small, big)  # first: it also unpacks the language model into the user's cache, unlimited
    assert done.returncode == 0, done.stderr

    failed = _import(cut, small, big, limit=LIMIT)
    assert failed.returncode == 1, failed.stderr
    assert "Traceback" not in failed.stderr
    assert "E701" in failed.stderr and str(cut / "sources" / "big.html") in failed.stderr, failed.stderr
    assert _tree(cut) == before, "the failed import left files in the collection"

    assert _import(cut, small, big).returncode == 0
    assert _tree(cut) == _tree(clean)
    assert (cut / "sources" / "big.html").read_bytes() == big.read_bytes()


def test_a_saved_page_folder_is_copied_whole_or_not_at_all(tmp_path):
    """A saved page's photos folder (``page_files/``) that does not fit is not left half-copied beside the page."""
    pages = tmp_path / "saved"
    (pages / "page_files").mkdir(parents=True)
    (pages / "page.html").write_text(_page("Trucks at the school", 0).replace(ARTICLE, ARTICLE + ARTICLE), encoding="utf-8")
    (pages / "page_files" / "a-style.css").write_text("p { margin: 0 }\n", encoding="utf-8")
    (pages / "page_files" / "b-script.js").write_bytes(b"var queue = 1;\n" * (2 * LIMIT // 15))
    collection = tmp_path / "trucks"
    collection.mkdir()
    (collection / "collection.yaml").write_text(MANIFEST, encoding="utf-8")
    before = _tree(collection)
    _import(tmp_path / "trucks-unlimited", pages / "page.html")  # the language model unpacked into the user's cache, unlimited

    failed = _import(collection, pages / "page.html", limit=LIMIT)
    assert failed.returncode == 1, failed.stderr
    assert "E701" in failed.stderr and "Traceback" not in failed.stderr, failed.stderr
    assert str(collection / "sources" / "page_files" / "b-script.js") in failed.stderr, failed.stderr
    assert _tree(collection) == before

    assert _import(collection, pages / "page.html").returncode == 0
    copied = collection / "sources" / "page_files"
    assert sorted(p.name for p in copied.iterdir()) == ["a-style.css", "b-script.js"]
    shutil.rmtree(copied)
