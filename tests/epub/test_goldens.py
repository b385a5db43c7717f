"""The kitchen-sink EPUB, unzipped and pretty-printed, against reviewed golden files.

Regenerate with ``BUNDLER_UPDATE_GOLDENS=1 pytest tests/epub/test_goldens.py`` and review the diff.
Binary entries (fonts, images) are listed by name and media type only: their bytes depend on
library versions, and the reproducibility test already checks them build to build.
"""

from __future__ import annotations

import os
from pathlib import Path

from lxml import etree

from tests.epub.conftest import NS

GOLDENS = Path(__file__).resolve().parent.parent / "goldens" / "epub" / "kitchen-sink"
TEXT_SUFFIXES = (".xhtml", ".opf", ".ncx", ".xml", ".css")


def _pretty(name: str, data: bytes) -> str:
    if name.endswith((".opf", ".ncx", ".xml")):
        parser = etree.XMLParser(remove_blank_text=True)
        return etree.tostring(etree.fromstring(data, parser), encoding="unicode", pretty_print=True)
    return data.decode("utf-8").rstrip("\n") + "\n"  # XHTML is written one block per line; keep inline whitespace intact


def _rendered(book) -> dict[str, str]:
    files = {name: _pretty(name, data) for name, data in book.entries.items() if name.endswith(TEXT_SUFFIXES)}
    media_types = {i.get("href"): i.get("media-type") for i in book.opf.iterfind(".//opf:item", NS)}
    binaries = sorted(n for n in book.entries if not n.endswith(TEXT_SUFFIXES) and n != "mimetype")
    files["_binaries.txt"] = "".join(f"{n}\t{media_types.get(n.removeprefix('EPUB/'), '')}\n" for n in binaries)
    files["_zip-order.txt"] = "".join(f"{info.filename}\t{info.compress_type}\n" for info in book.infos)
    return files


def test_kitchen_sink_epub_matches_goldens(kitchen_sink):
    rendered = _rendered(kitchen_sink)
    if os.environ.get("BUNDLER_UPDATE_GOLDENS") == "1":
        for old in GOLDENS.rglob("*"):
            if old.is_file():
                old.unlink()
        for name, text in rendered.items():
            path = GOLDENS / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    stored = {str(p.relative_to(GOLDENS)): p.read_text(encoding="utf-8") for p in GOLDENS.rglob("*") if p.is_file()}
    assert sorted(stored) == sorted(rendered), "files added or removed; regenerate with BUNDLER_UPDATE_GOLDENS=1 and review"
    for name, text in rendered.items():
        assert text == stored[name], f"{name} differs from its golden; regenerate with BUNDLER_UPDATE_GOLDENS=1 and review"
