"""Hostile inputs, round 18: each test reproduces one failure found by hand and checks the outcome a user needs.

Exit 0 with a valid book and the words kept, or exit 1 with a coded message naming the file; never a
traceback, never an invalid EPUB.
"""

from __future__ import annotations

import gzip
import zipfile

from bundler.importers import ImportOptions, read_piece
from bundler.model import Embed, ListBlock
from tests.conftest import epubcheck_messages, run_epubcheck
from tests.test_cli import assert_user_error, run_cli

PROSE = (
    "The ferry ran late all week because the river was high, and the crossing keepers wrote each delay in "
    "a ledger that the harbour office later printed for the town. "
)


def article(body: str, title: str = "A page with embeds") -> str:
    """A saved article with enough prose to be kept, and ``body`` inside it."""
    paragraphs = "".join(f"<p>{PROSE * 2} Paragraph {i}.</p>" for i in range(4))
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>'
        f"<body><article><h1>{title}</h1>{paragraphs}{body}<p>Closing words.</p></article></body></html>"
    )


EMBEDS = (
    '<object data="clip.swf"><p>fallback</p></object><video src="media/v.mp4" title="The harbour map"></video>'
    '<ul><li><p>An item</p><embed src="inside-a-list.swf"></li></ul>'
    '<iframe src="https://www.youtube.com/embed/crossing" title="The crossing on video"></iframe>'
)


def test_embeds_with_a_relative_address_point_nowhere_in_the_book(tmp_path):
    """A saved page's ``<object data="clip.swf">`` became a link to a file the EPUB lacks (EPUBCheck RSC-007)."""
    page = tmp_path / "embeds.html"
    page.write_text(article(EMBEDS), encoding="utf-8")
    piece = read_piece(page, ImportOptions())
    embeds = [b for b in piece.body if isinstance(b, Embed)]
    embeds += [b for block in piece.body if isinstance(block, ListBlock) for item in block.items for b in item if isinstance(b, Embed)]
    assert [e.url for e in embeds] == ["https://www.youtube.com/embed/crossing"]
    words = " ".join(getattr(b, "html", "") for b in piece.body)
    assert "The harbour map" in words  # an embed's title stays as words

    collection = tmp_path / "col"
    assert run_cli("new", str(collection), "--title", "Embeds").returncode == 0
    imported = run_cli("import", str(collection), str(page))
    assert imported.returncode == 0, imported.stderr
    built = run_cli("build", str(collection), "--format", "epub,epub-text", "--out", str(tmp_path / "dist"))
    assert built.returncode == 0, built.stderr
    for epub in sorted((tmp_path / "dist").rglob("*.epub")):
        assert [m for m in epubcheck_messages(run_epubcheck(epub)) if m.startswith(("FATAL", "ERROR"))] == [], epub.name
        with zipfile.ZipFile(epub) as archive:
            text = " ".join(archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xhtml"))
        assert "https://www.youtube.com/embed/crossing" in text and "The harbour map" in text and "An item" in text
        assert "clip.swf" not in text and "v.mp4" not in text and "inside-a-list.swf" not in text


def test_an_edition_name_too_long_for_a_file_name_is_refused_by_check(tmp_path):
    """A 300-letter ``name:`` passed ``check`` and failed ``build`` at its temporary file (E704)."""
    (tmp_path / "one.md").write_text("---\ntitle: One\n---\n\n" + PROSE * 4, encoding="utf-8")
    (tmp_path / "collection.yaml").write_text(
        "title: T\nsections:\n  - title: S\n    pieces: [one.md]\neditions:\n  - {format: epub, name: " + "a" * 300 + "}\n",
        encoding="utf-8",
    )
    result = run_cli("check", str(tmp_path))
    assert_user_error(result, "M067", "collection.yaml:6: editions[0].name:", "300 characters", "at most 64")


def test_a_section_intro_with_a_relative_link_builds_a_valid_epub(tmp_path):
    """A section's intro (inline Markdown, or its own file) skipped the importers' finishing: ``[the map](map.html)``
    stayed a link to a file the EPUB lacks (EPUBCheck RSC-007)."""
    (tmp_path / "one.md").write_text("---\ntitle: One\n---\n\n" + PROSE * 4, encoding="utf-8")
    (tmp_path / "intro.md").write_text("Read [the second map](maps/two.html) and [the register](https://example.org/r).\n")
    (tmp_path / "collection.yaml").write_text(
        "title: T\nsections:\n"
        "  - title: S\n    intro: 'See [the harbour map](map.html) first.'\n    pieces: [one.md]\n"
        "  - title: U\n    intro: {file: intro.md}\n    pieces: [two.md]\n"
        "editions: {epub: {}}\n",
        encoding="utf-8",
    )
    (tmp_path / "two.md").write_text("---\ntitle: Two\n---\n\n" + PROSE * 4, encoding="utf-8")
    built = run_cli("build", str(tmp_path), "--out", str(tmp_path / "dist"))
    assert built.returncode == 0, built.stderr
    epub = next((tmp_path / "dist").rglob("*.epub"))
    assert [m for m in epubcheck_messages(run_epubcheck(epub)) if m.startswith(("FATAL", "ERROR"))] == []
    with zipfile.ZipFile(epub) as archive:
        text = " ".join(archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xhtml"))
    assert "the harbour map" in text and "the second map" in text  # the words stay
    assert 'href="map.html"' not in text and 'href="maps/two.html"' not in text
    assert 'href="https://example.org/r"' in text


def test_a_text_or_markdown_file_with_only_a_title_is_refused_not_imported_empty(tmp_path):
    """A ``.txt`` of one line or a ``.md`` of one heading was imported as a piece with a title and no text, silently."""
    collection = tmp_path / "col"
    assert run_cli("new", str(collection), "--title", "Titles").returncode == 0
    (tmp_path / "title-only.txt").write_text("The ferry timetable\n", encoding="utf-8")
    (tmp_path / "heading-only.md").write_text("# The ferry ledger\n", encoding="utf-8")
    for name, kind in (("title-only.txt", "text"), ("heading-only.md", "Markdown")):
        result = run_cli("import", str(collection), str(tmp_path / name))
        assert_user_error(result, "E115", name, f"the {kind} file holds a title and nothing under it", "--allow-empty")
        assert "open the page in a browser" not in result.stderr  # a file written by hand has no browser view
    assert not list((collection / "pieces").glob("*/piece.json"))
    kept = run_cli("import", str(collection), str(tmp_path / "title-only.txt"), "--allow-empty")
    assert kept.returncode == 0 and "W130" in kept.stderr, kept.stderr
    (tmp_path / "two-lines.txt").write_text("The ferry timetable\n\nIt ran late all week.\n", encoding="utf-8")
    assert run_cli("import", str(collection), str(tmp_path / "two-lines.txt")).returncode == 0  # one line of text is an article


def warc_response(url: str, body: bytes, headers: str) -> bytes:
    """One WARC response record holding ``HTTP/1.1 200 OK``, ``headers`` and ``body``."""
    http = f"HTTP/1.1 200 OK\r\n{headers}\r\n".encode() + body
    head = (
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:12345678-1234-1234-1234-123456789abc>\r\n"
        f"WARC-Date: 2016-05-02T10:00:00Z\r\nWARC-Target-URI: {url}\r\n"
        f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(http)}\r\n\r\n"
    )
    return head.encode() + http + b"\r\n\r\n"


def test_a_warc_page_whose_content_is_binary_is_refused_not_imported_as_garbage(tmp_path):
    """A body whose gzip Content-Encoding is damaged (warcio hands back the compressed bytes) or a PNG served as
    text/html became a piece whose text was replacement characters, imported without a word."""
    packed = gzip.compress(article("").encode())
    damaged = packed[:200] + bytes(b ^ 0x55 for b in packed[200:400]) + packed[400:]
    cases = {
        "broken-gzip.warc": warc_response("https://x.example/broken", damaged, "Content-Type: text/html\r\nContent-Encoding: gzip\r\n"),
        "png-as-html.warc": warc_response("https://x.example/photo", b"\x89PNG\r\n\x1a\n" + b"\0" * 400, "Content-Type: text/html\r\n"),
    }
    collection = tmp_path / "col"
    assert run_cli("new", str(collection), "--title", "Archives").returncode == 0
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        result = run_cli("import", str(collection), str(tmp_path / name))
        assert_user_error(result, "E112", name, "holds binary data, not a web page", "x.example/")
    assert not list((collection / "pieces").glob("*/piece.json"))
    fine = warc_response("https://x.example/fine", article("").encode(), "Content-Type: text/html; charset=utf-8\r\n")
    (tmp_path / "fine.warc").write_bytes(fine)
    assert run_cli("import", str(collection), str(tmp_path / "fine.warc")).returncode == 0
