"""Every character from a chosen face: emoji, minus and arrows from the shipped fallbacks, CJK
from the serif face of its language, other scripts from the installed face chosen for them,
and a character no face has reported by piece (W310) in every format and printed as U+FFFD,
never as .notdef; the PDF/A edition refuses it (E310, nothing written). The EPUB carries a
subset of each CJK and script face it needs; Korean lines in the PDF end between words.

The PDFs are real WeasyPrint builds, read back with pikepdf (fonts each page uses, glyphs
drawn), pdftotext and pdfplumber; the EPUB is checked by EPUBCheck, its fonts by fontTools.
"""

from __future__ import annotations

import subprocess
import sys
from itertools import accumulate
from pathlib import Path

import pikepdf
import pytest
from fontTools.ttLib import TTFont

from bundler.errors import ExportError, Report
from bundler.exporters import context_for, formats
from bundler.model import Dossier, Edition, Paragraph, Piece, Section
from tests.conftest import epubcheck_messages, run_epubcheck
from tests.pdf.conftest import EPOCH, poppler
from tests.pdf.notdef import notdef_pages

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
SYLLABICS = Piece(
    title="Scripts the project does not ship",
    slug="syllabics",
    body=(Paragraph("Next ᐅ and back ᐊ, Hebrew שלום, Hindi नमस्ते, Tamil digit ௪, Ethiopic ሰላም."),),
)
#: U+10570 VITHKUQI CAPITAL LETTER A is in no free face of 2020 Noto; U+F0C1 is a site's icon-font glyph (private use).
HIEROGLYPH = Piece(title="Glyphs", slug="glyphs", body=(Paragraph("A Vithkuqi letter 𐕰 and an icon \uf0c1 in a sentence."),))


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
        dossier = dossier_of(SYMBOLS, JAPANESE, KOREAN, SYLLABICS)
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


@pytest.mark.expect_warnings(r"^W310 ")
def test_a_character_no_face_has_is_a_located_warning_and_prints_as_the_replacement_character(tmp_path, _epoch):
    import zipfile

    dossier = dossier_of(HIEROGLYPH)
    for name in ("pdf", "epub"):
        report = Report()
        write(name, dossier, tmp_path, report)
        assert [w.code for w in report.warnings] == ["W310"], [w.render_coded() for w in report.warnings]  # no .notdef (W301)
        located = report.warnings[0].message
        assert "'glyphs' ('Glyphs')" in located and "U+10570" in located and "'𐕰'" in located and "U+F0C1" in located
    assert notdef_pages(tmp_path / "scripts.pdf") == []
    assert any("Vithkuqi letter \ufffd and an icon \ufffd in" in text for text in page_text(tmp_path / "scripts.pdf"))
    with zipfile.ZipFile(tmp_path / "scripts.epub") as book:
        page = next(book.read(n).decode() for n in book.namelist() if n.endswith(".xhtml") and b"Vithkuqi" in book.read(n))
    assert "Vithkuqi letter \ufffd and an icon \ufffd in" in page


def test_the_pdfa_edition_refuses_a_character_no_face_has(tmp_path, _epoch):
    dossier = dossier_of(HIEROGLYPH)
    out = tmp_path / "scripts-archive.pdf"
    with pytest.raises(ExportError) as raised:
        formats()["pdf-archive"].write(dossier, Edition("pdf-archive"), out, context_for(Edition("pdf-archive")))
    assert raised.value.problems[0].code == "E310"
    assert "U+10570" in str(raised.value) and "'glyphs'" in str(raised.value)
    assert not out.exists()


def test_the_cli_exits_1_and_writes_nothing_for_the_pdfa_edition(tmp_path):
    collection = tmp_path / "c"
    collection.mkdir()
    (collection / "glyphs.txt").write_text("Glyphs\n\nA Vithkuqi letter 𐕰 in a sentence.\n", encoding="utf-8")
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
    assert "E310" in done.stderr and "U+10570" in done.stderr
    assert not list(out.rglob("*.pdf"))


@pytest.fixture
def _epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def test_other_scripts_come_from_the_installed_face_named_for_them(built):
    """Canadian syllabics, Hebrew, Devanagari, a Tamil digit and Ethiopic: each from its script's Noto face, no .notdef."""
    paths, _ = built
    texts, fonts = page_text(paths["pdf"]), fonts_by_page(paths["pdf"])
    (page,) = [n for n, text in enumerate(texts) if "Next" in text and "back" in text]
    assert "ᐅ" in texts[page] and "ᐊ" in texts[page] and "௪" in texts[page]
    for family in (
        "Noto-Sans-Canadian-Aboriginal",
        "Noto-Serif-Hebrew",
        "Noto-Serif-Devanagari",
        "Noto-Serif-Tamil",
        "Noto-Serif-Ethiopic",
    ):
        assert family in fonts[page], (family, fonts[page])
    assert notdef_pages(paths["pdf"]) == []


def epub_fonts(path: Path) -> dict[str, TTFont]:
    """The fonts an EPUB carries, by file name, opened with fontTools."""
    import io
    import zipfile

    with zipfile.ZipFile(path) as book:
        return {Path(n).name: TTFont(io.BytesIO(book.read(n))) for n in book.namelist() if n.endswith((".ttf", ".otf"))}


def test_epub_carries_one_subset_per_cjk_and_script_face_holding_its_characters(built):
    paths, _ = built
    fonts = epub_fonts(paths["epub"])
    japanese = {ord(ch) for ch in "東京日本語の文章「」、。"}
    korean = {ord(ch) for ch in "서울에서는한국어문장입니다"}
    jp, kr = fonts["NotoSerifCJKJP-Regular.otf"].getBestCmap(), fonts["NotoSerifCJKKR-Regular.otf"].getBestCmap()
    assert japanese <= set(jp) and korean <= set(kr)
    # Korean text takes from the Korean face only; Japanese text (and CJK outside a CJK language, the stacks' default) from the Japanese
    assert not japanese & set(kr)
    assert {0x1405, 0x140A} <= set(fonts["NotoSansCanadianAboriginal-Regular.ttf"].getBestCmap())
    assert not [n for n in fonts if "CJKSC" in n or "CJKTC" in n or "Sans-Regular" in n]  # only the faces some text needs
    assert sum(len(f.getBestCmap()) for n, f in fonts.items() if "CJK" in n) < 300  # subsets, not 65,000-glyph faces


def test_the_epub_with_cjk_and_script_subsets_passes_epubcheck_and_is_reproducible(built, tmp_path, _epoch):
    import zipfile

    paths, _ = built
    assert epubcheck_messages(run_epubcheck(paths["epub"])) == []
    with zipfile.ZipFile(paths["epub"]) as book:
        opf = book.read("EPUB/content.opf").decode()
        css = book.read(next(n for n in book.namelist() if n.endswith(".css"))).decode()
    assert 'href="styles/fonts/NotoSerifCJKJP-Regular.otf"' in opf and 'media-type="font/otf"' in opf
    assert 'src: url("fonts/NotoSerifCJKKR-Regular.otf")' in css
    body_stack = next(line for line in css.splitlines() if line.startswith("body {"))
    assert '"Noto Serif CJK JP", "Noto Sans Canadian Aboriginal",' in body_stack and body_stack.endswith('"Noto Serif Tamil", serif; }')
    again = write("epub", dossier_of(SYMBOLS, JAPANESE, KOREAN, SYLLABICS), tmp_path, Report())
    assert again.read_bytes() == paths["epub"].read_bytes()


def test_korean_lines_in_a_narrow_pdf_column_end_between_words(tmp_path, _epoch):
    """The phone PDF's 90 mm column: every line holds whole Korean words (pdfplumber reads the lines back)."""
    import pdfplumber

    text = "대한민국의 수도 서울에서는 어제 오후부터 많은 비가 내렸고 시장 상인들은 가게 문을 일찍 닫았다. " * 4
    piece = Piece(title="서울의 비", slug="seoul", language="ko", body=(Paragraph(text.strip()),))
    path = write("pdf-phone", dossier_of(piece), tmp_path, Report())
    with pdfplumber.open(path) as pdf:
        lines = [line["text"] for page in pdf.pages for line in page.extract_text_lines() if "대한민국의" in page.extract_text()]
    body = ["".join(line.split()) for line in lines if any("\uac00" <= ch <= "\ud7a3" for ch in line) and "서울의 비" not in line]
    assert len(body) >= 8, body  # the paragraph takes many lines of the narrow column
    assert "".join(body) == "".join(text.split())  # every word, in order, nothing added (no joiners in the copied text)
    word_ends = set(accumulate(len(word) for word in text.split()))
    line_ends = list(accumulate(len(line) for line in body))
    assert [end for end in line_ends if end not in word_ends] == [], body


def test_japanese_lines_are_justified_between_characters_in_the_serif_face(built):
    """Every line of the Japanese paragraph but its last ends at the measure (the spare width goes between
    characters, as Japanese books set it), punctuation included in Noto Serif CJK JP, and the text layer
    holds the characters as written (no spaces added)."""
    import pdfplumber

    paths, _ = built
    with pdfplumber.open(paths["pdf"]) as pdf:
        page = next(p for p in pdf.pages if "日本語の文章" in p.extract_text() and "東京" in p.extract_text())
        lines = [line for line in page.extract_text_lines() if "東京" in line["text"] or "市場" in line["text"] or "文章" in line["text"]]
    body = [line for line in lines if not line["text"].startswith("日本語の記事")]
    assert len(body) >= 3, [line["text"] for line in body]
    *full, last = body
    ends = [line["x1"] for line in full]
    assert max(ends) - min(ends) < 0.5, ends  # justified: one right edge
    assert last["x1"] < min(ends) - 5  # the last line is not stretched
    assert {c["fontname"].split("+")[-1] for line in body for c in line["chars"]} == {"Noto-Serif-CJK-JP"}
    assert "".join(line["text"] for line in body) == JAPANESE.body[0].html


#: What fell back to a system font in the real-page gauntlet (W302): code set in DejaVu Sans Mono with a
#: ligature (U+FB03), a braille blank (U+2800, a log's spacer) and CJK, which prose gets from Noto Serif,
#: the symbol fallback and the CJK serif; and prose with circled digits and block elements.
CODE_AND_SYMBOLS = Piece(
    title="Code and symbols",
    slug="code-symbols",
    body=(
        Paragraph("Case folding maps <code>\u201c\ufb03\u201d</code> to three letters; a log line <code>6:52 AM: \u2800 info</code>."),
        Paragraph(
            'Printed <code>print("\u6771\u4eac")</code>; steps \u2460 \u2461 \u2462 \u2465 and a bar \u2581\u2588\u2593 \u250c\u2500\u2510 in prose.'
        ),
    ),
)


def test_code_and_symbols_never_fall_back_to_a_system_font(tmp_path, _epoch):
    from bundler.exporters.pdf.base import foreign_fonts, pdf_font_names

    report = Report()
    pdf = write("pdf", dossier_of(CODE_AND_SYMBOLS), tmp_path, report)
    assert [w.render_coded() for w in report.warnings] == []  # no W302 (nor W310)
    assert foreign_fonts(pdf.read_bytes()) == []
    used = pdf_font_names(pdf.read_bytes())
    assert "Noto-Sans-Symbols2" in used and "Noto-Serif-CJK-JP" in used, used
    assert not [name for name in used if "Sans-CJK" in name], used  # the serif CJK in code too, not the system's sans
    assert notdef_pages(pdf) == []


def test_a_system_face_whose_name_begins_with_a_chosen_family_is_still_foreign(monkeypatch):
    """``Noto-Sans-CJK-JP`` (the system's fallback for CJK) once passed as the chosen ``Noto Sans`` face."""
    from bundler.exporters.pdf import base

    monkeypatch.setattr(base, "shipped_font_names", lambda: frozenset({"Noto-Serif", "Noto-Sans", "Noto-Serif-CJK-JP"}))
    names = {"Noto-Serif-Bold-Italic", "Noto-Serif-Small-Caps", "Noto-Serif-CJK-JP-Oblique", "Noto-Sans", "Noto-Sans-CJK-JP", "DejaVu-Sans"}
    monkeypatch.setattr(base, "pdf_font_names", lambda pdf: names)
    assert base.foreign_fonts(b"") == ["DejaVu-Sans", "Noto-Sans-CJK-JP"]
