"""Hostile and broken input: a clear error or a cleaned piece with warnings, never a crash or a hang."""

from __future__ import annotations

import base64
import io
import json
import re
import subprocess
import sys

import pytest
from PIL import Image as PILImage

from bundler.errors import ImportError_
from bundler.importers import ImportOptions, read_piece
from bundler.importers.html import MAX_BLOCKS, MAX_MARKUP_CHARS
from bundler.model import to_data


def run_extract(path, *extra):
    return subprocess.run([sys.executable, "-m", "bundler", "extract", str(path), *extra], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.html", b"", "is empty"),
        ("blank.html", b"  \n\t ", "is empty"),
        ("binary.html", bytes(range(256)) * 64, "binary"),
    ],
)
def test_unusable_pages_are_clear_user_errors(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportError_, match=message):
        read_piece(path)
    result = run_extract(path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and message in result.stderr


def nested_page(depth: int) -> str:
    """A page whose one word sits ``depth`` elements deep (a div and a span per level)."""
    return (
        "<html><body><p>Before the nest, a paragraph of real text.</p>"
        + "<div><span>" * (depth // 2)
        + "deepest words"
        + "</span></div>" * (depth // 2)
        + "</body></html>"
    )


def test_deep_nesting_is_refused_rather_than_cut(tmp_path):
    """libxml2 drops text below 256 levels; the import says so and stops instead of losing it unseen."""
    path = tmp_path / "deep.html"
    path.write_text(nested_page(100_000))
    result = run_extract(path)
    assert result.returncode == 1, result.stdout[-500:] + result.stderr
    assert "Traceback" not in result.stderr
    assert "deep.html" in result.stderr and "nested too deeply to read" in result.stderr and "would be lost" in result.stderr


def test_nesting_within_the_parser_limit_keeps_every_word(tmp_path):
    path = tmp_path / "nested.html"
    path.write_text(nested_page(200))
    assert "deepest words" in str(to_data(read_piece(path)))


#: What reading a 50 MB page may cost: its peak memory measured 300 MB (Nov 2026).
HUGE_PAGE_PEAK_MB = 900
# The peak is this process's own (VmHWM of its memory since exec): ru_maxrss carries the peak of the
# process it was forked from across exec, so a pytest-xdist worker grown past 900 MB by earlier tests
# made this page look as if it held 1.1 GB.
_MEASURE = """
import json, re, sys
from pathlib import Path
from bundler.importers import read_piece
from bundler.model import to_data
piece = read_piece(sys.argv[1])
peak_kb = int(re.search(r"VmHWM:\\s+(\\d+) kB", Path("/proc/self/status").read_text()).group(1))
print(json.dumps({"peak_mb": peak_kb // 1024, "piece": to_data(piece)}))
"""


def test_fifty_megabyte_page_is_imported_with_bounded_work(tmp_path):
    """Bounds on work, not on the clock: what is read, kept and held in memory is capped, and the cap is reported."""
    sentence = "Residents queue for water at the last well in the district every morning. " * 4
    path = tmp_path / "huge.html"
    with path.open("w") as handle:
        handle.write("<html><head><title>A very long page</title></head><body><article><h1>A very long page</h1>")
        number = 0
        while handle.tell() < 50 * 1024 * 1024:  # each paragraph its own: repeated blocks are dropped
            number += 1
            handle.write(f"<p>Day {number}. {sentence}</p>\n")
        handle.write("</article></body></html>")
    assert path.stat().st_size >= 50 * 1024 * 1024
    result = subprocess.run([sys.executable, "-c", _MEASURE, str(path)], capture_output=True, text=True, check=True)
    measured = json.loads(result.stdout)
    piece = measured["piece"]
    assert piece["title"] == "A very long page"
    markup, blocks = piece["provenance"]["warnings"]
    assert markup == "W120: page has 50 MB of markup; only the first 6 MB were read"
    assert re.fullmatch(rf"W121: page has 2\d{{4}} blocks; kept the first {MAX_BLOCKS}", blocks), blocks
    assert MAX_BLOCKS - 10 < len(piece["body"]) <= MAX_BLOCKS
    assert sum(len(block.get("html", "")) for block in piece["body"]) <= MAX_MARKUP_CHARS
    assert measured["peak_mb"] < HUGE_PAGE_PEAK_MB, f"reading the page held {measured['peak_mb']} MB"


def test_oversized_page_is_refused_with_a_hint(tmp_path):
    path = tmp_path / "giant.html"
    with path.open("wb") as handle:
        handle.truncate(65 * 1024 * 1024)
    with pytest.raises(ImportError_, match="not imported"):
        read_piece(path)


def _png() -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (200, 120), (10, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def test_scripts_handlers_and_svg_never_pass(tmp_path):
    svg = base64.b64encode(b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>').decode()
    png = base64.b64encode(_png()).decode()
    page = f"""<html><head><title>Safety check page</title></head><body><article><h1>Safety check page</h1>
    <p onclick="steal()">A paragraph that is long enough to be an article, with <a href="javascript:alert(3)">a bad link</a>,
    <a href="data:text/html,boom">a data link</a>, <a href="https://example.org/x?utm_source=mail&amp;id=7" onmouseover="x()">a good link</a>
    and <a href="/relative/path">a relative one</a>. More words follow so that the text counts as running text here.</p>
    <figure><img src="data:image/png;base64,{png}" alt="A blue rectangle"><figcaption>Caption text<script>alert(4)</script> (Jane Doe)</figcaption></figure>
    <figure><img src="data:image/svg+xml;base64,{svg}" alt="vector"><figcaption>An SVG drawing</figcaption></figure>
    <svg><script>alert(5)</script><text>svg text</text></svg>
    <iframe src="https://www.youtube.com/embed/abc" title="A video of the well"></iframe>
    <iframe src="https://ads.example.net/slot"></iframe>
    <form><input value="x"><p>Form text</p></form><style>p{{color:red}}</style>
    <p>Another paragraph of ordinary article text to make sure the body has more than one paragraph in it.</p>
    </article></body></html>"""
    path = tmp_path / "hostile.html"
    path.write_text(page, encoding="utf-8")
    piece = read_piece(path, ImportOptions(base_url="https://news.example.com/2016/a/", media_dir=tmp_path / "media"))
    dump = str(to_data(piece))
    for bad in (
        "alert",
        "javascript:",
        "data:text",
        "onclick",
        "onmouseover",
        "steal",
        "utm_source",
        "<script",
        "color:red",
        "Form text",
        "ads.example.net",
    ):
        assert bad not in dump, bad
    assert "https://example.org/x?id=7" in dump
    assert "https://news.example.com/relative/path" in dump
    captions = [f.caption for f in piece.figures]
    assert "Caption text" in captions and piece.figures[0].credit == "Jane Doe"
    assert piece.figures[0].image.path and piece.figures[0].image.media_type == "image/png"
    svg_figure = piece.figures[1]
    assert svg_figure.image is None and svg_figure.caption == "An SVG drawing"
    assert any("SVG" in w for w in piece.provenance.warnings)
    embeds = [b for b in piece.body if type(b).__name__ == "Embed"]
    assert [e.url for e in embeds] == ["https://www.youtube.com/embed/abc"] and embeds[0].title == "A video of the well"


def test_wrong_declared_charset_is_detected(tmp_path):
    text = "انقطاع المياه في الأحياء الشرقية. " * 20
    page = (
        f'<html><head><meta charset="iso-8859-1"><title>خبر</title></head><body><article><p>{text}</p><p>{text}</p></article></body></html>'
    )
    path = tmp_path / "legacy.html"
    path.write_bytes(page.encode("cp1256"))
    piece = read_piece(path)
    assert piece.language == "ar" and piece.direction == "rtl"
    assert "انقطاع المياه" in piece.body[0].html
    assert any("does not fit" in w for w in piece.provenance.warnings)


def test_right_declared_latin_charset_is_kept_without_a_warning(tmp_path):
    text = "Les habitants du quartier réclament l’eau coupée depuis trois semaines, à côté du marché. " * 20
    page = f'<html><head><meta charset="windows-1252"><title>Quartier</title></head><body><article><p>{text}</p></article></body></html>'
    path = tmp_path / "legacy-fr.html"
    path.write_bytes(page.encode("cp1252"))
    piece = read_piece(path)
    assert "réclament l’eau coupée" in piece.body[0].html.replace("&#8217;", "’")
    assert not any("W110" in w or "does not fit" in w for w in piece.provenance.warnings)


def test_mojibake_is_repaired(tmp_path):
    text = "The café’s owner said “we stay” — and they did. " * 10
    broken = text.encode("utf-8").decode("cp1252", errors="replace")
    path = tmp_path / "mojibake.html"
    path.write_text(f"<html><body><article><h1>Café</h1><p>{broken}</p></article></body></html>", encoding="utf-8")
    piece = read_piece(path)
    assert "café’s owner" in piece.body[0].html
