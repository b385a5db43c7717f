"""Hostile inputs found by ``bench/hostile.py``'s twelfth round: raw controls and over-long numbers in YAML,
control characters and bidi overrides in file names and messages, and a cover title of thousands of words.

Each failed before: a NUL or ESC in ``collection.yaml`` or in front matter, and a 5,000-digit number
(past Python's limit on converting digit strings to int), were tracebacks from inside PyYAML; a file
named with ESC or a newline was recorded in the manifest, and its name (or one with U+202E) was printed
raw, colouring or reordering the terminal's line; a title of thousands of words ran down the cover.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bundler.errors import ImportError_, Report, shown
from bundler.importers.front_matter import load_front_matter
from bundler.model import Dossier
from bundler.render.cover import COVER_SIZE, draw_cover
from bundler.yaml_text import MAX_NUMBER_DIGITS, unconvertible_scalar, unreadable_character
from tests.faults.conftest import run_cli
from tests.test_cli import assert_user_error

PROSE = "The river rose through the night and the market moved to the school yard, where the stall holders set out their tables. "


def write_collection(folder, head: str) -> None:
    folder.mkdir()
    (folder / "one.md").write_text("# One\n\n" + PROSE * 3, encoding="utf-8")
    (folder / "collection.yaml").write_text(head + "sections:\n  - title: S\n    pieces: [one.md]\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("head", "line", "name"),
    [("title: T\x00x\n", 1, "NUL"), ("title: T\nsubtitle: red \x1b[31m\n", 2, "ESC"), ("title: T\x9bx\n", 1, "U+009B")],
    ids=["nul", "esc", "c1"],
)
def test_a_raw_control_character_in_the_manifest_is_a_located_error_not_a_traceback(tmp_path, head, line, name):
    write_collection(tmp_path / "c", head)
    for command in ("check", "build"):
        result = run_cli(command, str(tmp_path / "c"), *(["--out", str(tmp_path / "dist")] if command == "build" else []))
        assert_user_error(result, "M014", f"collection.yaml:{line}:", f"control character {name}")
    assert not (tmp_path / "dist").exists()


@pytest.mark.parametrize(
    ("value", "needle"),
    [
        ("9" * 5000, "a number of 5,000 digits"),
        ("-" + "9" * 5000, "a number of 5,000 digits"),
        ("!!int abc", "'abc' cannot be read as int"),
    ],
    ids=["digits", "negative", "bad-int-tag"],
)
def test_a_value_yaml_cannot_convert_is_a_located_manifest_error(tmp_path, value, needle):
    write_collection(tmp_path / "c", f"title: T\nsubtitle: {value}\n")
    assert_user_error(run_cli("check", str(tmp_path / "c")), "M015", "collection.yaml:2:", needle)


def test_a_quoted_long_number_is_text_and_accepted(tmp_path):
    write_collection(tmp_path / "c", f'title: T\nsubtitle: "{"9" * 5000}"\n')
    result = run_cli("check", str(tmp_path / "c"))
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("front", "line", "needle"),
    [
        ("title: T\ncount: !!int " + "9" * 5000 + "\n", 3, "a number of 5,000 digits"),  # plain, it is text (round 19)
        ("title: T\ndate: !!timestamp 2016-02-30\n", 3, "cannot be read as timestamp"),
    ],
    ids=["digits", "bad-timestamp-tag"],
)
def test_front_matter_yaml_cannot_read_is_a_located_import_error(tmp_path, front, line, needle):
    source = tmp_path / "piece.md"
    source.write_bytes(("---\n" + front + "---\n\n" + PROSE).encode("utf-8"))
    (tmp_path / "c").mkdir()
    assert run_cli("new", str(tmp_path / "c" / "col"), "--title", "C").returncode == 0
    before = (tmp_path / "c" / "col" / "collection.yaml").read_bytes()
    assert_user_error(run_cli("import", str(tmp_path / "c" / "col"), str(source)), "E120", f"piece.md:{line}:", needle)
    assert (tmp_path / "c" / "col" / "collection.yaml").read_bytes() == before  # nothing half-written
    assert not (tmp_path / "c" / "col" / "pieces").exists() or not any((tmp_path / "c" / "col" / "pieces").iterdir())


def test_front_matter_given_a_raw_control_is_a_located_error():
    """The Markdown importer removes NULs before the front matter is read; its loader does not rely on that."""
    with pytest.raises(ImportError_) as caught:
        load_front_matter("title: T\nauthor: A\x00B\n", Path("piece.md"))
    problem = caught.value.problems[0]
    assert (problem.code, problem.file, problem.line) == ("E120", "piece.md", 3) and "NUL" in problem.message


def test_the_checks_name_line_and_column_and_leave_good_yaml_alone():
    found = unreadable_character("a: 1\nb: x\x07y\n")
    assert (found.line, found.column) == (2, 5) and "U+0007" in found.message
    assert unreadable_character("title: عنوان \u200f😀\u0085 \t\n") is None  # YAML allows these
    text = f"a: {'1' * MAX_NUMBER_DIGITS}\nb: [1.5, true, null, 2016-05-02]\nc: '{'1' * 9000}'\n"
    assert unconvertible_scalar(yaml.compose(text, Loader=yaml.SafeLoader)) is None
    found = unconvertible_scalar(yaml.compose(f"a: [x, {'1' * (MAX_NUMBER_DIGITS + 1)}]\n", Loader=yaml.SafeLoader))
    assert found.line == 1 and "4,301 digits" in found.message


@pytest.mark.parametrize("name", ["red\x1b[31m.md", "two\nlines.md", "bell\x07.md", "del\x7f.md"], ids=["esc", "newline", "bell", "del"])
def test_a_file_name_with_a_control_character_is_refused_and_shown_escaped(tmp_path, name):
    source = tmp_path / name
    source.write_text("# Named\n\n" + PROSE * 3, encoding="utf-8")
    assert run_cli("new", str(tmp_path / "col"), "--title", "C").returncode == 0
    before = (tmp_path / "col" / "collection.yaml").read_bytes()
    result = run_cli("import", str(tmp_path / "col"), str(source))
    assert_user_error(result, "E835", shown(name, lines=False), "rename the file")
    assert not any(c in result.stderr for c in "\x1b\x07\x7f") and "two\nlines" not in result.stderr
    assert (tmp_path / "col" / "collection.yaml").read_bytes() == before
    assert not (tmp_path / "col" / "sources").exists() or not any((tmp_path / "col" / "sources").iterdir())


def test_a_bidi_override_in_a_file_name_is_imported_and_printed_escaped(tmp_path):
    """U+202E is a legal name (refusing it would refuse real Arabic file names' neighbours); it is only never printed raw."""
    source = tmp_path / "evil\u202egpj.md"
    source.write_text("# Evil \u202etitle\n\n" + PROSE * 3, encoding="utf-8")
    assert run_cli("new", str(tmp_path / "col"), "--title", "C").returncode == 0
    result = run_cli("import", str(tmp_path / "col"), str(source))
    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    assert "evil\\u202egpj.md" in output and "\u202e" not in output


def test_shown_escapes_what_reorders_or_colours_a_line_and_keeps_arabic_and_line_ends():
    assert shown("a\u202eb\u2066c\u2069\x1b[1m\x00\x9b\ud800") == "a\\u202eb\\u2066c\\u2069\\x1b[1m\\x00\\x9b\\ud800"
    assert shown("عنوان \u200f\ttab\nnext") == "عنوان \u200f\ttab\nnext"
    assert shown("a\nb\rc", lines=False) == "a\\x0ab\\x0dc"


@pytest.mark.parametrize(
    "title",
    ["Long title words " * 400, "x" * 5000, "عنوان طويل جدا " * 300],
    ids=["many-words", "one-word", "arabic"],
)
def test_a_huge_cover_title_is_cut_with_an_ellipsis_inside_the_cover_margins(title):
    dossier = Dossier(title=title, identifier="urn:x", slug="x", sections=(), editors=("Editor Name " * 40,), date="2016-05-02")
    image = draw_cover(dossier, Report())
    assert image.size == COVER_SIZE
    ink = image.convert("L").point(lambda v: 255 if v > 200 else 0)
    left, top, right, bottom = ink.crop((0, 400, COVER_SIZE[0], COVER_SIZE[1] - 400)).getbbox()
    assert left >= 140 and right <= COVER_SIZE[0] - 140  # the margin is 150: nothing runs off the sides
    assert bottom < 700  # five lines at the smallest size, not hundreds running into the foot


def png_declaring(width: int, height: int) -> bytes:
    """A PNG whose header declares ``width`` × ``height`` grey pixels, with one row of data (enough for a header read)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
    return b"\x89PNG\r\n\x1a\n" + header + chunk(b"IDAT", zlib.compress(b"\0" * (width + 1))) + chunk(b"IEND", b"")


@pytest.mark.parametrize(
    ("name", "data", "needle"),
    [
        ("cover.jpg", b"<!DOCTYPE html><html><body>a saved page</body></html>", "cannot be read as an image"),
        ("cover.png", b"", "cannot be read as an image"),
        ("cover.png", png_declaring(60_000, 60_000), "too large to decode safely"),
        ("cover.png", png_declaring(9_000, 9_000), "9,000×9,000 pixels, more than the 60,000,000"),
    ],
    ids=["html", "empty", "bomb", "over-60-mpx"],
)
def test_a_cover_that_is_no_usable_image_is_refused_by_check_and_by_build(tmp_path, name, data, needle):
    """An HTML page or an empty file passed ``check`` and failed ``build``; a bomb was a traceback in ``build``."""
    write_collection(tmp_path / "c", f"title: T\ncover: {name}\n")
    (tmp_path / "c" / name).write_bytes(data)
    assert_user_error(run_cli("check", str(tmp_path / "c")), "M037", "collection.yaml:2:", needle)
    assert_user_error(run_cli("build", str(tmp_path / "c"), "--format", "epub", "--out", str(tmp_path / "dist")), "M037", needle)
    assert not (tmp_path / "dist").exists() or not any((tmp_path / "dist").rglob("*.epub"))


@pytest.mark.parametrize(
    ("target", "code", "needle"), [("loop.html", "E830", "loops back on itself"), ("gone.html", "E101", "to a file that does not exist")]
)
def test_a_source_that_is_a_looping_or_dangling_link_says_so_not_file_not_found(tmp_path, target, code, needle):
    (tmp_path / "loop.html").symlink_to(target)
    assert_user_error(run_cli("extract", str(tmp_path / "loop.html")), code, "loop.html", needle)
    assert run_cli("new", str(tmp_path / "col"), "--title", "C").returncode == 0
    assert_user_error(run_cli("import", str(tmp_path / "col"), str(tmp_path / "loop.html")), code, "loop.html", needle)


def test_one_file_listed_twice_under_two_names_is_a_duplicate(tmp_path):
    """A symbolic link to a listed piece passed check and put the article in the book twice."""
    write_collection(tmp_path / "c", "title: T\n")
    (tmp_path / "c" / "same.md").symlink_to("one.md")
    manifest = tmp_path / "c" / "collection.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("[one.md]", "[one.md, same.md]"), encoding="utf-8")
    assert_user_error(run_cli("check", str(tmp_path / "c")), "M042", "collection.yaml:", "'same.md'", "as 'one.md', the same file")


def test_list_shows_a_bidi_override_in_a_section_title_escaped(tmp_path):
    write_collection(tmp_path / "c", "title: T\n")
    manifest = tmp_path / "c" / "collection.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("title: S", 'title: "S \u202e x"'), encoding="utf-8")
    result = run_cli("list", str(tmp_path / "c"))
    assert result.returncode == 0, result.stderr
    assert "S \\u202e x" in result.stdout and "\u202e" not in result.stdout
