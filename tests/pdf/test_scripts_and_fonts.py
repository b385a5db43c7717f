"""Every character from a chosen face: emoji, minus and arrows from the shipped fallbacks, CJK
from the serif face of its language, and a character no face has reported by piece (W310) in
every format, and refused by the PDF/A edition (E310, nothing written).

The PDFs are real WeasyPrint builds, read back with pikepdf (which fonts each page uses) and
pdftotext; the EPUB is checked by EPUBCheck.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest

from bundler.errors import ExportError, Report
from bundler.exporters import context_for, formats
from bundler.model import Dossier, Edition, Paragraph, Piece, Section
from tests.pdf.conftest import EPOCH, poppler

SYMBOLS = Piece(
    title="Symbols",
    slug="symbols",
    body=(Paragraph("Temperature −5 °C, then → north ← south ⇒ done ✓ and a smile 🙂 at the end."),),
)
JAPANESE = Piece(
    title="日本語の記事",
    slug="japanese",
    language="ja",
    body=(Paragraph("「東京」では、雨が降った。市場は再開し、人々は戻ってきた。これは日本語の文章です。" * 3),),
)
KOREAN = Piece(
    title="한국어 기사",
    slug="korean",
    language="ko",
    body=(Paragraph("서울에서는 비가 내렸다. 시장은 다시 문을 열었고 사람들은 돌아왔다. 이것은 한국어 문장입니다. " * 3),),
)
KHITAN = Piece(title="Glyphs", slug="glyphs", body=(Paragraph("A Khitan character 𘬀 in a sentence."),))


def dossier_of(*pieces: Piece) -> Dossier:
    return Dossier(
        title="Scripts",
        identifier="urn:uuid:5c0c7a2e-0000-4000-8000-000000000310",
        slug="scripts",
        sections=(Section(title="Pieces", slug="pieces", pieces=pieces),),
        date="2016-05-10",
    )


def write(name: str, dossier: Dossier, folder: Path, report: Report) -> Path:
    fmt = formats()[name]
    path = folder / fmt.filename(dossier.slug)
    fmt.write(dossier, Edition(name), path, context_for(Edition(name), report))
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The three scripts' dossier as print PDF and EPUB, with its report."""
    folder = tmp_path_factory.mktemp("scripts")
    report = Report()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        dossier = dossier_of(SYMBOLS, JAPANESE, KOREAN)
        paths = {name: write(name, dossier, folder, report) for name in ("pdf", "epub")}
    return paths, report


def fonts_by_page(pdf: Path) -> list[set[str]]:
    """The fonts each page draws with, subset prefix removed."""
    with pikepdf.open(pdf) as document:
        return [
            {str(font.get("/BaseFont", "")).lstrip("/").split("+")[-1] for font in (page.resources.get("/Font") or {}).values()}
            for page in document.pages
        ]


def page_text(pdf: Path) -> list[str]:
    out = subprocess.run([poppler("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return out.split("\f")


def test_no_warning_for_characters_a_chosen_face_has(built):
    _, report = built
    assert [w.render_coded() for w in report.warnings] == []


def test_symbols_and_emoji_come_from_the_shipped_fallbacks(built):
    paths, _ = built
    texts, fonts = page_text(paths["pdf"]), fonts_by_page(paths["pdf"])
    (page,) = [n for n, text in enumerate(texts) if "Temperature" in text]
    assert "🙂" in texts[page] and "−5" in texts[page] and "→" in texts[page]
    used = " ".join(sorted(fonts[page]))
    assert "NotoEmoji" in used or "Noto-Emoji" in used, used
    assert "Math" in used, used
    assert not [f for f in fonts[page] if "DejaVu" in f], fonts[page]


def test_cjk_pages_use_the_serif_face_of_their_language(built):
    paths, _ = built
    texts, fonts = page_text(paths["pdf"]), fonts_by_page(paths["pdf"])
    (ja,) = [n for n, text in enumerate(texts) if "東京" in text and "日本語の文章" in text]
    (ko,) = [n for n, text in enumerate(texts) if "서울에서는" in text]
    assert any("SerifCJK" in f.replace("-", "") and "JP" in f.upper() for f in fonts[ja]), fonts[ja]
    assert any("SerifCJK" in f.replace("-", "") and "KR" in f.upper() for f in fonts[ko]), fonts[ko]
    assert not [f for f in fonts[ja] | fonts[ko] if "Sans" in f and "CJK" in f], "CJK punctuation fell back to a sans face"


def test_epub_ships_the_fallback_faces_it_needs(built):
    import zipfile

    paths, _ = built
    with zipfile.ZipFile(paths["epub"]) as book:
        names = set(book.namelist())
        css = book.read(
            "EPUB/styles/book.css" if "EPUB/styles/book.css" in names else next(n for n in names if n.endswith(".css"))
        ).decode()
    assert any(n.endswith("NotoEmoji-Regular.ttf") for n in names) and any(n.endswith("NotoSansMath-Regular.ttf") for n in names)
    assert "Noto Emoji" in css and "word-break: keep-all" in css


@pytest.mark.expect_warnings(r"^W310 ", r"^W301 PDF \(print\): \.notdef", r"^weasyprint WARNING: \.notdef")
def test_a_character_no_face_has_is_a_located_warning_in_every_format(tmp_path, _epoch):
    dossier = dossier_of(KHITAN)
    for name in ("pdf", "epub"):
        report = Report()
        write(name, dossier, tmp_path, report)
        located = [w for w in report.warnings if w.code == "W310"]
        assert len(located) == 1, [w.render_coded() for w in report.warnings]
        assert "'glyphs' ('Glyphs')" in located[0].message and "U+18B00" in located[0].message and "'𘬀'" in located[0].message


def test_the_pdfa_edition_refuses_a_character_no_face_has(tmp_path, _epoch):
    dossier = dossier_of(KHITAN)
    out = tmp_path / "scripts-archive.pdf"
    with pytest.raises(ExportError) as raised:
        formats()["pdf-archive"].write(dossier, Edition("pdf-archive"), out, context_for(Edition("pdf-archive")))
    assert raised.value.problems[0].code == "E310"
    assert "U+18B00" in str(raised.value) and "'glyphs'" in str(raised.value)
    assert not out.exists()


def test_the_cli_exits_1_and_writes_nothing_for_the_pdfa_edition(tmp_path):
    collection = tmp_path / "c"
    collection.mkdir()
    (collection / "glyphs.txt").write_text("Glyphs\n\nA Khitan character 𘬀 in a sentence.\n", encoding="utf-8")
    (collection / "collection.yaml").write_text(
        "title: Glyphs\nlanguage: en\nsections:\n  - title: One\n    pieces:\n      - source: glyphs.txt\n", encoding="utf-8"
    )
    out = tmp_path / "dist"
    done = subprocess.run(
        [sys.executable, "-m", "bundler", "build", str(collection), "--format", "pdf-archive", "--out", str(out), "--no-cache"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1, done.stderr
    assert "E310" in done.stderr and "U+18B00" in done.stderr
    assert not list(out.rglob("*.pdf"))


@pytest.fixture
def _epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
