"""Hostile bytes and links found by ``bench/hostile.py``: encodings without a mark, stray NULs,
damaged UTF-8, and symbolic links that loop or lead out of a saved page's folder.

Each reproduces one failure the generator found: a UTF-16/32 page refused as "binary" or read
as UTF-16 when it was UTF-32, a page refused for one NUL byte, a whole UTF-8 page decoded as
another charset for one bad byte, and a traceback for an image that is a symbolic-link loop.
"""

from __future__ import annotations

import codecs
import errno
import gzip
import os
import zlib

import pytest

from bundler.errors import environment_problem
from bundler.importers import read_piece
from bundler.model import FigureBlock
from bundler.text.encoding import decode_bytes, looks_binary
from tests.test_cli import assert_user_error, run_cli

ARABIC = "كانت المدينة هادئة في الصباح، ثم بدأ القصف على الأحياء الشرقية. "
PROSE = "The river rose through the night and the market moved to the school yard, where the stall holders set out their tables. "
PAGE = (
    '<!DOCTYPE html><html lang="ar"><head><meta charset="utf-8"><title>صفحة عربية 😀</title></head><body><article>'
    "<h1>صفحة عربية</h1>" + "".join(f"<p>{ARABIC * 3} {PROSE} {i}</p>" for i in range(5)) + "</article></body></html>"
)
BOMS = {
    "utf-16-le": codecs.BOM_UTF16_LE,
    "utf-16-be": codecs.BOM_UTF16_BE,
    "utf-32-le": codecs.BOM_UTF32_LE,
    "utf-32-be": codecs.BOM_UTF32_BE,
}


@pytest.mark.parametrize("bom", [True, False], ids=["bom", "no-bom"])
@pytest.mark.parametrize("codec", sorted(BOMS))
def test_utf16_and_utf32_pages_decode_whole_with_or_without_a_byte_order_mark(codec, bom):
    raw = (BOMS[codec] if bom else b"") + PAGE.encode(codec)
    assert not looks_binary(raw)
    text, warnings = decode_bytes(raw)
    assert text == PAGE  # the emoji outside the BMP too: UTF-32 is not read as UTF-16
    assert bom or any(w.startswith("N111") and codec in w for w in warnings)


def test_stray_nul_bytes_and_controls_no_font_draws_are_removed_not_a_reason_to_refuse_the_page():
    """DEL and C1 controls in a title passed into a PDF/A build, which refused it naming no source file."""
    raw = PAGE.replace("<p>", "<p>\x00", 2).replace("<title>", "<title>\x7f\x85\x9f").encode("utf-8")
    assert not looks_binary(raw)
    text, _ = decode_bytes(raw)
    assert not any(c in text for c in "\x00\x7f\x85\x9f") and text.count(ARABIC) == 15


@pytest.mark.parametrize(
    "raw",
    [gzip.compress(os.urandom(20_000)), b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 2000, bytes(range(256)) * 40],
    ids=["gzip", "png", "all-bytes"],
)
def test_binary_files_are_still_binary(raw):
    assert looks_binary(raw)


def test_a_few_bad_bytes_in_utf8_are_replaced_not_a_guess_of_another_charset():
    raw = PAGE.encode("utf-8").replace(b"<h1>", b"<h1>\xed\xa0\x80\xff")  # a lone surrogate and a byte UTF-8 never has
    text, warnings = decode_bytes(raw, declared="utf-8")
    assert text.count(ARABIC) == 15 and "\ufffd" in text
    assert any(w.startswith("W650") and "not valid UTF-8" in w for w in warnings)


def test_arabic_in_a_single_byte_charset_is_still_detected():
    raw = PAGE.replace(" 😀", "").encode("cp1256")
    text, warnings = decode_bytes(raw, declared="utf-8")
    assert text.count(ARABIC) == 15
    assert not any(w.startswith("W650") for w in warnings)


def test_extract_reads_a_utf16_page_without_a_byte_order_mark(tmp_path):
    page = tmp_path / "page.html"
    page.write_bytes(PAGE.encode("utf-16-le"))
    result = run_cli("extract", str(page), "--format", "text")
    assert result.returncode == 0, result.stderr
    assert ARABIC.strip() in result.stdout


# --- symbolic links in a saved page's folder ------------------------------------------------


def test_an_image_that_is_a_symlink_loop_or_leads_outside_is_a_warning_not_a_traceback(tmp_path):
    files = tmp_path / "page_files"
    files.mkdir()
    os.symlink("loop.jpg", files / "loop.jpg")
    os.symlink("/etc/passwd", files / "passwd.jpg")
    figures = "".join(
        f'<figure><img src="page_files/{n}" alt="{n}"><figcaption>Caption {n}</figcaption></figure>' for n in ("loop.jpg", "passwd.jpg")
    )
    (tmp_path / "page.html").write_text(PAGE.replace("</article>", figures + "</article>"), encoding="utf-8")
    piece = read_piece(tmp_path / "page.html")
    warnings = "\n".join(piece.provenance.warnings)
    assert "'page_files/loop.jpg' is a symbolic link that loops back on itself" in warnings
    assert "'page_files/passwd.jpg' is missing next to the page (a file outside the page's folder is never read)" in warnings
    assert not any(isinstance(b, FigureBlock) and b.figure.image.path for b in piece.body)
    assert sum(ARABIC.strip() in getattr(b, "html", "") for b in piece.body) == 5


@pytest.mark.parametrize(
    "exc",
    [RuntimeError("Symlink loop from '/c/loop.md'"), OSError(errno.ELOOP, "Too many levels of symbolic links", "/c/loop.md")],
    ids=["python-3.11", "python-3.13"],
)
def test_a_symlink_loop_anywhere_is_a_user_error_naming_the_link(exc):
    problem = environment_problem(exc)
    assert problem is not None and problem.code == "E830"
    assert "/c/loop.md" in problem.render()


def test_other_runtime_errors_stay_internal():
    assert environment_problem(RuntimeError("something else")) is None


# --- sizes ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["huge.txt", "huge.md"])
def test_a_text_or_markdown_file_too_large_is_refused_by_its_size_before_it_is_read(tmp_path, name):
    """A 200 MB one-line text took over 3 GB and ended in a MemoryError traceback; a sparse file shows
    the refusal comes from the size alone (its bytes are never read)."""
    from bundler.importers.limits import MAX_TEXT_BYTES

    huge = tmp_path / name
    with huge.open("wb") as out:
        out.truncate(MAX_TEXT_BYTES + 1)
    result = run_cli("extract", str(huge))
    assert_user_error(result, "E831", name, "files over 16 MB are not imported", "split it")


# --- Markdown front matter --------------------------------------------------------------------

ALIAS_BOMB = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{','.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(8)
)


def test_front_matter_with_an_impossible_date_imports_with_a_warning_not_a_traceback(tmp_path):
    page = tmp_path / "note.md"
    page.write_text(f"---\ntitle: A note\ndate: 2016-02-30\nslug: ../../outside\n---\n\n{PROSE}\n", encoding="utf-8")
    piece = read_piece(page)
    assert piece.title == "A note" and piece.date == "" and piece.slug == "outside"
    assert any(w.startswith("W651") and "'2016-02-30' is not a date" in w for w in piece.provenance.warnings)


def test_an_alias_bomb_in_front_matter_is_a_located_error(tmp_path):
    page = tmp_path / "bomb.md"
    page.write_text(f"---\n{ALIAS_BOMB}title: *i\n---\n\n{PROSE}\n", encoding="utf-8")
    assert_user_error(run_cli("extract", str(page)), "E120", "bomb.md:2", "aliases expand the front matter")


# --- web archives that expand without bound -------------------------------------------------


def warc_member(url: str, content_type: str, payload_size: int = 0, payload: bytes = b"") -> bytes:
    """One gzip member holding a response record; ``payload_size`` zeros compress ~1000:1 (a bomb)."""
    body_size = payload_size or len(payload)
    http = f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\n\r\n".encode()
    head = (
        f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:{zlib.crc32(url.encode()):032x}>\r\nWARC-Date: 2016-05-02T10:00:00Z\r\n"
        f"WARC-Target-URI: {url}\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: {len(http) + body_size}\r\n\r\n"
    ).encode()
    member = zlib.compressobj(6, zlib.DEFLATED, 31)
    out = [member.compress(head + http + payload)]
    zeros = b"\0" * 2**20
    for start in range(0, payload_size, len(zeros)):
        out.append(member.compress(zeros[: payload_size - start]))
    return b"".join(out) + member.compress(b"\r\n\r\n") + member.flush()


def archive_page(n: int) -> bytes:
    return PAGE.replace("صفحة عربية", f"Page {n}").encode("utf-8")


def test_a_huge_record_that_is_no_page_is_passed_over_and_a_huge_page_is_named(tmp_path):
    """A 65 MB record of zeros is 65 KB compressed: warcio read it whole into memory (a 2 GB one ended in a
    MemoryError). A video bundler never uses is passed over; a page that large is named, as the HTML importer
    would refuse it, and the pages read whole can still be asked for."""
    from bundler.errors import ImportError_
    from bundler.importers import ImportOptions
    from bundler.importers.warc import MAX_RECORD_BYTES, read_warc

    big = MAX_RECORD_BYTES + 2**20
    first, last = (warc_member(f"https://x.example/{n}", "text/html; charset=utf-8", payload=archive_page(n)) for n in (0, 1))
    video = tmp_path / "video.warc.gz"
    video.write_bytes(first + warc_member("https://x.example/v.mp4", "video/mp4", big) + last)
    assert [p.title for p in read_warc(video, ImportOptions())] == ["Page 0", "Page 1"]

    bomb = tmp_path / "bomb.warc.gz"
    bomb.write_bytes(first + warc_member("https://x.example/bomb", "text/html", big) + last)
    with pytest.raises(ImportError_, match=r"bomb.warc.gz is damaged: the page https://x.example/bomb holds more than 64 MB") as caught:
        read_warc(bomb, ImportOptions())
    assert caught.value.problems[0].code == "E133"
    assert [p.title for p in read_warc(bomb, ImportOptions(), urls=["https://x.example/1"])] == ["Page 1"]


# --- names and manifests --------------------------------------------------------------------


def test_a_file_name_that_is_not_utf8_is_refused_by_import_not_a_traceback(tmp_path):
    (tmp_path / "col").mkdir()
    (tmp_path / "col" / "collection.yaml").write_text("title: T\nsections:\n  - title: S\n    pieces: []\n", encoding="utf-8")
    latin1 = os.path.join(os.fsencode(tmp_path), b"caf\xe9.md")
    with open(latin1, "wb") as out:
        out.write(f"# Café\n\n{PROSE}\n".encode())
    result = run_cli("import", str(tmp_path / "col"), os.fsdecode(latin1))
    assert_user_error(result, "E832", "caf\ufffd.md", "is not valid UTF-8", "rename the file")
    assert not (tmp_path / "col" / "pieces").exists()


def test_control_characters_in_the_manifest_are_located_by_check_not_found_by_build(tmp_path):
    (tmp_path / "one.md").write_text(f"# One\n\n{PROSE}\n", encoding="utf-8")
    (tmp_path / "collection.yaml").write_text(
        'title: "Title\\0 \u202eok"\nsections:\n  - title: "S\\x1b"\n    pieces: [one.md]\n', encoding="utf-8"
    )
    result = run_cli("check", str(tmp_path))
    assert_user_error(
        result, "E833", "collection.yaml:1: title: holds the control character U+0000", "collection.yaml:3: sections[0].title"
    )


def test_markdown_nested_past_markdown_its_limit_keeps_its_text_or_is_refused(tmp_path):
    """markdown-it's default stops at 20 levels and drops the rest of the document without a word."""
    outline = tmp_path / "outline.md"
    items = "".join("  " * i + f"- item {i}\n" for i in range(15))  # 30 levels: lists and their items
    outline.write_text(f"# Outline\n\n{PROSE}\n\n{items}\nThe paragraph after the outline.\n", encoding="utf-8")
    text = repr(read_piece(outline).body)
    assert "item 14" in text and "The paragraph after the outline." in text
    deep = tmp_path / "deep.md"
    deep.write_text(f"# Deep\n\n{PROSE}\n\n{'>' * 500} deep words\n", encoding="utf-8")
    assert_user_error(run_cli("extract", str(deep)), "E834", "deep.md", "more than 100 levels deep", "flatten the nesting")


def test_import_copies_a_saved_pages_folder_without_links_that_loop_or_lead_out(tmp_path):
    """copytree followed the links: /etc/passwd was copied into sources/, and a loop was a shutil.Error traceback."""
    files = tmp_path / "saved" / "page_files"
    files.mkdir(parents=True)
    (files / "style.css").write_text("p {}", encoding="utf-8")
    os.symlink("style.css", files / "inside.css")
    os.symlink("loop.jpg", files / "loop.jpg")
    os.symlink("/etc/passwd", files / "passwd.jpg")
    (tmp_path / "saved" / "page.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "col").mkdir()
    (tmp_path / "col" / "collection.yaml").write_text("title: T\nsections:\n  - title: S\n    pieces: []\n", encoding="utf-8")
    result = run_cli("import", str(tmp_path / "col"), str(tmp_path / "saved" / "page.html"))
    assert result.returncode == 0, result.stderr
    kept = tmp_path / "col" / "sources" / "page_files"
    assert sorted(p.name for p in kept.iterdir()) == ["inside.css", "style.css"]
