"""Mixed Arabic and English read right in every edition: visual order read back from the PDF and the EPUB.

Two bilingual dossiers of one kind (``tests/bidi_dossiers.py``): the one the rules were
written against and a held-out one. Each is built as the Arabic book and, with the edition
option ``language: en``, as the English book of the same collection. The PDF's glyphs are
read left to right by position (pdfplumber); the EPUB's markup is laid out by the Unicode
bidi algorithm (python-bidi). Both must equal what the algorithm gives for the paragraph
with the units a reader expects isolated, written by hand in the fixture.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pytest

from bundler.build.collection import build_collection
from tests.bidi_dossiers import TEXTS, comparable, epub_visual_paragraphs, expected_visual, pdf_visual_lines, plain, write_collection
from tests.test_cli import run_cli

ARABIC_BOOK = "  epub: {}\n  pdf: {page_size: A4}\n"
ENGLISH_BOOK = "  epub: {language: en}\n  pdf: {page_size: A4, language: en}\n"


@dataclass
class Books:
    case: str
    arabic: dict[str, Path]
    english: dict[str, Path]


@pytest.fixture(scope="module", params=sorted(TEXTS))
def books(request, tmp_path_factory) -> Books:
    """The Arabic and the English book of one bilingual collection, EPUB and PDF each."""
    case = request.param
    outputs = []
    for name, editions in (("ar", ARABIC_BOOK), ("en", ENGLISH_BOOK)):
        folder = write_collection(tmp_path_factory.mktemp(f"bidi-{case}-{name}"), case, editions)
        result = build_collection(folder, out_dir=folder / "dist")
        assert not [w for w in result.report.warnings if w.code.startswith("W3")], result.report.warnings
        outputs.append({fmt: Path(path) for fmt, path in result.outputs.items()})
    return Books(case, *outputs)


def test_english_sentences_urls_and_names_inside_arabic_paragraphs_read_right_in_the_pdf(books):
    lines = pdf_visual_lines(books.arabic["pdf"])
    for paragraph in TEXTS[books.case]["arabic"]:
        wanted = expected_visual(paragraph, "rtl")
        assert wanted in lines, f"{plain(paragraph)!r} should read {wanted!r}; the PDF has {_nearest(lines, wanted)!r}"


def test_english_sentences_urls_and_names_inside_arabic_paragraphs_read_right_in_the_epub(books):
    paragraphs = epub_visual_paragraphs(books.arabic["epub"])
    for paragraph in TEXTS[books.case]["arabic"]:
        wanted = expected_visual(paragraph, "rtl")
        assert wanted in paragraphs, f"{plain(paragraph)!r} should read {wanted!r}; the EPUB has {_nearest(paragraphs, wanted)!r}"


def test_arabic_inside_an_english_piece_of_an_arabic_dossier_reads_right(books):
    pdf, epub = pdf_visual_lines(books.arabic["pdf"]), epub_visual_paragraphs(books.arabic["epub"])
    for paragraph in TEXTS[books.case]["english"]:
        wanted = expected_visual(paragraph, "ltr")
        assert wanted in pdf, f"PDF: {wanted!r} not in {_nearest(pdf, wanted)!r}"
        assert wanted in epub, f"EPUB: {wanted!r} not in {_nearest(epub, wanted)!r}"


def test_english_title_in_the_arabic_contents_keeps_its_quotes_and_ampersand(books):
    title = comparable(TEXTS[books.case]["english_title"])  # left to right as written, quotes round it
    assert any(title in line for line in pdf_visual_lines(books.arabic["pdf"])[:60])
    with zipfile.ZipFile(books.arabic["epub"]) as book:
        nav = next(n for n in book.namelist() if n.endswith("nav.xhtml"))
    assert title in epub_visual_paragraphs(books.arabic["epub"]), f"no contents entry reads {title!r} ({nav})"


def test_colophon_keeps_an_english_title_and_its_author_in_order_with_arabic_commas(books):
    entry = comparable(f"{TEXTS[books.case]['english_title']}, Reading Circle Editors")
    paragraphs = epub_visual_paragraphs(books.arabic["epub"])
    colophon = [p for p in paragraphs if entry in p]
    assert colophon, f"no sources entry reads {entry!r}"
    assert "،" in colophon[0], "generated Arabic text uses the Arabic comma"
    assert any(entry in line for line in pdf_visual_lines(books.arabic["pdf"]))


def test_bilingual_subtitle_is_two_lines_each_in_one_script(books):
    arabic_half, english_half = TEXTS[books.case]["subtitle"].split(" — ")
    lines = pdf_visual_lines(books.arabic["pdf"])
    assert expected_visual(arabic_half, "rtl") in lines
    assert comparable(english_half) in lines


def test_english_book_has_only_english_pieces_left_to_right_and_the_arabic_title_on_its_cover(books):
    title = TEXTS[books.case]["title"]
    lines = pdf_visual_lines(books.english["pdf"])
    assert lines[0] == expected_visual(title, "ltr"), "the Arabic title reads right on the English cover"
    english_half = TEXTS[books.case]["subtitle"].split(" — ")[1]
    assert comparable(english_half) in lines
    assert not any(expected_visual(p, "rtl") in lines for p in TEXTS[books.case]["arabic"]), "Arabic pieces left out"
    for paragraph in TEXTS[books.case]["english"]:
        assert expected_visual(paragraph, "ltr") in lines
    with zipfile.ZipFile(books.english["epub"]) as book:
        opf = book.read("EPUB/content.opf").decode("utf-8")
    assert 'page-progression-direction="ltr"' in opf and "<dc:language>en</dc:language>" in opf
    with pikepdf.open(books.english["pdf"]) as pdf:
        assert "/ViewerPreferences" not in pdf.Root


def test_arabic_book_turns_pages_right_to_left(books):
    with pikepdf.open(books.arabic["pdf"]) as pdf:
        assert pdf.Root.ViewerPreferences.Direction == "/R2L"


def test_arabic_only_book_of_a_mixed_collection_is_right_to_left_throughout(tmp_path):
    folder = write_collection(tmp_path / "c", "fixture", "  epub: {language: ar}\n  pdf: {language: ar}\n")
    result = build_collection(folder, out_dir=tmp_path / "dist")
    with zipfile.ZipFile(result.outputs["epub"]) as book:
        opf = book.read("EPUB/content.opf").decode("utf-8")
        names = book.namelist()
    assert 'page-progression-direction="rtl"' in opf and "<dc:language>ar</dc:language>" in opf
    assert not any("books-bread" in name for name in names), "the English piece is not in the Arabic book"
    with pikepdf.open(result.outputs["pdf"]) as pdf:
        assert pdf.Root.ViewerPreferences.Direction == "/R2L"


def test_edition_language_no_piece_is_written_in_is_a_manifest_error(tmp_path):
    folder = write_collection(tmp_path / "c", "fixture", "  epub: {language: fr}\n")
    result = run_cli("build", str(folder), "--out", str(tmp_path / "dist"))
    assert result.returncode == 1
    assert "collection.yaml:" in result.stderr and "editions.epub.language" in result.stderr, result.stderr
    assert "no piece is in 'fr'" in result.stderr and "ar, en" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "dist").exists() or not list((tmp_path / "dist").rglob("*.epub"))


def test_edition_language_that_is_not_a_tag_is_a_manifest_error(tmp_path):
    folder = write_collection(tmp_path / "c", "fixture", "  epub: {language: '12'}\n")
    result = run_cli("check", str(folder))
    assert result.returncode == 1
    assert "editions.epub.language" in result.stderr and "invalid language tag '12'" in result.stderr, result.stderr


def test_english_piece_in_an_arabic_dossier_is_hyphenated():
    """``:lang(ar) { hyphens: manual }`` on the root must not reach an English piece by inheritance."""
    import weasyprint

    from bundler.resources import styles_dir

    html = '<html lang="ar" dir="rtl"><body><p id="ar">نص</p><article lang="en" dir="ltr"><p id="en">Text</p></article></body></html>'
    styles = [weasyprint.CSS(filename=str(styles_dir() / name)) for name in ("common.css", "pdf.css", "pdf-rtl.css")]
    document = weasyprint.HTML(string=html).render(stylesheets=styles)
    found = {}

    def visit(box) -> None:
        if getattr(box, "element", None) is not None and box.element.get("id"):
            found[box.element.get("id")] = box.style["hyphens"]
        for child in getattr(box, "children", ()):
            visit(child)

    visit(document.pages[0]._page_box)
    assert found == {"ar": "manual", "en": "auto"}


def _nearest(candidates: list[str], wanted: str) -> str:
    """The candidate sharing most characters with ``wanted``, for a readable failure."""
    return max(candidates, key=lambda c: len(set(c) & set(wanted)) - abs(len(c) - len(wanted)) / 10, default="")


DOC = '<html xmlns="http://www.w3.org/1999/xhtml" lang="{lang}" dir="{dir}"><head><title>t</title></head><body>{body}</body></html>'


def _wrapped(body: str, lang: str = "ar", direction: str = "rtl") -> str:
    from lxml import etree

    from bundler.text.bidi import wrap_document

    out = wrap_document(DOC.format(lang=lang, dir=direction, body=body).encode("utf-8"))
    markup = etree.tostring(etree.fromstring(out).find(".//{*}body"), encoding="unicode").split(">", 1)[1].rsplit("<", 1)[0]
    return markup.replace(' xml:lang="en"', "").replace(' xml:lang="ar"', "")


@pytest.mark.parametrize(
    "body, wrapped",
    [
        # rule 4: a sentence keeps its full stop; a name inside an Arabic sentence leaves it to the sentence
        ("<p>بدأت الحلقة. The children read aloud.</p>", '<p>بدأت الحلقة. <span lang="en" dir="ltr">The children read aloud.</span></p>'),
        ("<p>استخدمنا bundler. ثم كتبنا</p>", '<p>استخدمنا <span lang="en" dir="ltr">bundler</span>. ثم كتبنا</p>'),
        # rule 1: a URL is one unit, its final slash included, the sentence's full stop not
        (
            "<p>انظر https://example.org/a/2016/ للمزيد.</p>",
            '<p>انظر <span lang="en" dir="ltr">https://example.org/a/2016/</span> للمزيد.</p>',
        ),
        # rule 2: two English items across an element boundary stay one unit, in order
        (
            '<p><span class="t">Reading circles</span>, bundler editors، نُشر</p>',
            '<p><span lang="en" dir="ltr"><span class="t">Reading circles</span>, bundler editors</span>، نُشر</p>',
        ),
        # rule 3 and 5: an English contents entry keeps its quotes; the span stays inside the link
        (
            '<ol><li><a href="#x">“Reading &amp; Writing”</a></li></ol>',
            '<ol><li><a href="#x"><span lang="en" dir="ltr">“Reading &amp; Writing”</span></a></li></ol>',
        ),
        # digits follow the letter before them; the Arabic comma ends the English run
        (
            "<p>أُنتج بواسطة bundler 0.1.0، 10 مايو 2016.</p>",
            '<p>أُنتج بواسطة <span lang="en" dir="ltr">bundler 0.1.0</span>، 10 مايو 2016.</p>',
        ),
        ("<p>ارتفعت بنسبة 140% في 2016</p>", "<p>ارتفعت بنسبة 140% في 2016</p>"),
    ],
)
def test_runs_are_isolated_by_the_documented_rules(body, wrapped):
    assert _wrapped(body) == wrapped


def test_arabic_in_english_text_and_a_bilingual_title_split_in_halves():
    from bundler.text.bidi import bilingual_halves

    assert _wrapped("<p>the phrase في الحي, twice.</p>", "en", "ltr") == (
        '<p>the phrase <span lang="ar" dir="rtl">في الحي</span>, twice.</p>'
    )
    assert bilingual_halves("ملف تجريبي — A sample dossier") == ["ملف تجريبي", "A sample dossier"]
    assert bilingual_halves("Reading — Writing") == ["Reading — Writing"]


def test_a_pdf_document_that_is_not_well_formed_is_an_error_that_names_the_dossier(tmp_path):
    from bundler.errors import ExportError
    from bundler.exporters.pdf.document import document_markup
    from tests.kitchen_sink import make_kitchen_sink

    dossier = make_kitchen_sink(tmp_path)
    with pytest.raises(ExportError) as caught:
        document_markup(dossier, None, "print", "<p>unclosed")
    assert caught.value.problems[0].code == "E470"
    assert dossier.title in str(caught.value) and "not well-formed" in str(caught.value)
