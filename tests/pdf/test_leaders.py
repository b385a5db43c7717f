"""Contents leaders drawn as one run of dots per entry must give the same pages as one box per dot.

The contents page is rendered twice by the real WeasyPrint with the edition's stylesheets, with
the dots placed as boxes of their own (``leaders.place_leader`` and ``indent_right_to_left``,
WeasyPrint's way with the indent and span fixed) and merged into runs (``leaders.install``): the same
dots on the same lines, each within a fifth of a 300 dpi pixel of where it was, the same
pixels at 100 dpi but for anti-aliasing, the same text, and far fewer glyph runs drawn.
"""

from __future__ import annotations

import re
import subprocess
from html import escape
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from PIL import Image, ImageChops

from bundler.exporters.pdf import leaders
from bundler.exporters.pdf.base import load_stylesheets
from bundler.resources import styles_dir
from tests.pdf.conftest import poppler
from tests.pdf.pdf_checks import page_texts

TITLES = [
    "A short one",
    "Contents entries with a title long enough to wrap onto a second line of the contents page, as real titles do",
    "Numbers: 10 things in tech",
    "Émigré café — naïve façade",
    "W",
]


def contents_markup(direction: str = "ltr", lang: str = "en") -> str:
    """A contents like the edition's: sections and pieces, titles of every length, page numbers written in."""
    entries = []
    for n in range(48):
        kind = "toc-section" if n % 8 == 0 else "toc-piece"
        title = escape(TITLES[n % len(TITLES)]) if lang == "en" else "مقالة عن المكتبات الرقمية " * (1 + n % 3)
        entries.append(f'<li class="{kind}"><a href="#p{n}" data-page="{7 + n * 37}">{title}</a></li>')
    targets = "".join(f'<p id="p{n}">{n}</p>' for n in range(48))
    return (
        f'<html lang="{lang}" dir="{direction}"><body><nav class="toc" id="toc"><h1>Contents</h1><ol>'
        + "".join(entries)
        + f"</ol></nav>{targets}</body></html>"
    )


#: How far a dot may move (PDF points): Pango's run and the PDF's glyph widths round a dot's advance
#: slightly differently from WeasyPrint's stepping (measured ≤ 0.046 pt, a fifth of a pixel at 300 dpi).
DOT_DRIFT_PT = 0.1
#: At 100 dpi that drift shades the edge of a dot differently, never more than this (of 255).
PIXEL_SHADES = 96


def _dots(path: Path) -> list[list[tuple[float, float]]]:
    """Every leader dot of every page: (top, left) in PDF points, in reading order."""
    with pdfplumber.open(path) as pdf:
        return [sorted((round(c["top"], 2), c["x0"]) for c in page.chars if c["text"] == ".") for page in pdf.pages]


def render(markup: str, out: Path) -> None:
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    sheets = load_stylesheets(("common.css", "pdf.css"), "A4", "", fonts)
    weasyprint.HTML(string=markup, base_url=str(styles_dir()) + "/").write_pdf(out, stylesheets=sheets, font_config=fonts)


def text_runs(path: Path) -> int:
    """How many runs of glyphs (``Tj`` and ``TJ`` operators) the first page draws."""
    with pikepdf.open(path) as pdf:
        return sum(str(operator) in ("Tj", "TJ") for _, operator in pikepdf.parse_content_stream(pdf.pages[0]))


@pytest.mark.parametrize(("direction", "lang"), [("ltr", "en"), ("rtl", "ar")])
def test_leaders_as_one_run_draw_the_same_pages(tmp_path, monkeypatch, direction, lang):
    from weasyprint.layout import inline

    markup = contents_markup(direction, lang)
    assert leaders.install()
    render(markup, tmp_path / "runs.pdf")
    monkeypatch.setattr(inline, "handle_leader", _placed_as_boxes)  # the same places, one box per dot
    monkeypatch.setattr(leaders, "install", lambda: False)
    render(markup, tmp_path / "dots.pdf")
    monkeypatch.undo()

    runs, dots = _dots(tmp_path / "runs.pdf"), _dots(tmp_path / "dots.pdf")
    assert [len(page) for page in runs] == [len(page) for page in dots] and len(runs[0]) > 500
    for one, other in zip(runs, dots, strict=True):
        for (top, x), (other_top, other_x) in zip(one, other, strict=True):
            assert top == other_top and abs(x - other_x) < DOT_DRIFT_PT, (top, x, other_x)
    pdftoppm = poppler("pdftoppm")
    for name in ("runs", "dots"):
        subprocess.run([pdftoppm, "-r", "100", "-gray", str(tmp_path / f"{name}.pdf"), str(tmp_path / name)], check=True)
    pages = zip(sorted(tmp_path.glob("runs-*.pgm")), sorted(tmp_path.glob("dots-*.pgm")), strict=True)
    for one, other in pages:
        with Image.open(one) as a, Image.open(other) as b:
            assert a.size == b.size
            faint = sum(ImageChops.difference(a, b).histogram()[PIXEL_SHADES:])
            assert faint == 0, f"{one.name}: {faint} pixels differ by more than anti-aliasing from one box per dot"
    assert [_without_dots(text) for text in page_texts(tmp_path / "runs.pdf")] == [
        _without_dots(text) for text in page_texts(tmp_path / "dots.pdf")
    ]
    assert text_runs(tmp_path / "runs.pdf") * 5 < text_runs(tmp_path / "dots.pdf")


def _placed_as_boxes(context, line, containing_block) -> None:
    """``leaders.install``'s placement without the merge: dots and right-to-left first lines placed, one box per dot."""
    leaders.place_leader(context, line, containing_block)
    leaders.indent_right_to_left(line, containing_block)


def _without_dots(text: str) -> str:
    """A page's text with the leaders taken out (extraction may space single dots apart)."""
    return re.sub(r"[.\s]+", " ", text).strip()


def test_a_font_that_would_move_the_dots_keeps_them_as_boxes():
    """When the shaped run is not exactly the dots' span, the copies stay (no dot moves)."""

    class Dot:
        def __init__(self, x: float, width: float = 2.0, text: str = ".") -> None:
            self.position_x, self.position_y, self.width, self.text = x, 0.0, width, text

        def copy_with_text(self, text: str) -> Dot:
            return Dot(self.position_x, self.width, text)

    class Leader:
        children = (Dot(10.0), Dot(8.0), Dot(6.0))

    def kerned(context, box, width, skip):  # a font that tightens dot pairs
        return Dot(box.position_x, 5.5, box.text), None, False

    box = Leader()
    leaders.merge_dots(None, box, kerned)
    assert len(box.children) == 3

    def exact(context, box, width, skip):
        return Dot(box.position_x, 6.0, box.text), None, False

    leaders.merge_dots(None, box, exact)
    assert len(box.children) == 1 and box.children[0].text == "..." and box.children[0].position_x == 6.0
