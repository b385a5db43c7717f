"""Every PDF edition, read back with pypdf/pikepdf: page size, outline, contents, fonts, metadata, text."""

from __future__ import annotations

import re

import pikepdf
import pytest
from pypdf import PdfReader

from bundler.errors import ExportError, Report
from bundler.exporters import context_for
from bundler.exporters.pdf.document import PdfLayout, foreign_fonts, pdf_font_names, render_pdf, shipped_font_names
from bundler.model import Edition
from tests.conftest import ALEPPO_WARNINGS
from tests.pdf.pdf_checks import contents_entry, expected_outline, fonts, outline, page_texts, shows_title

MM = 72 / 25.4
UNIMPOSED = ["pdf", "pdf-phone", "pdf-archive"]


def page_size(path, index: int = 0) -> tuple[float, float]:
    box = PdfReader(path).pages[index].mediabox
    return float(box.width), float(box.height)


def test_page_sizes(english):
    assert page_size(english.paths["pdf"]) == pytest.approx((210 * MM, 297 * MM), abs=0.5)
    assert page_size(english.paths["pdf-phone"]) == pytest.approx((90 * MM, 150 * MM), abs=0.5)
    assert page_size(english.paths["pdf-booklet"]) == pytest.approx((297 * MM, 210 * MM), abs=0.5)
    assert page_size(english.paths["pdf-archive"]) == pytest.approx((210 * MM, 297 * MM), abs=0.5)


def test_letter_option_gives_us_letter(english, tmp_path):
    from tests.pdf.conftest import build_editions

    built = build_editions(english.dossier, tmp_path, ["pdf"], {"page_size": "letter"})
    assert page_size(built.paths["pdf"]) == pytest.approx((612, 792), abs=0.5)


def test_unknown_page_size_is_a_user_error(english, tmp_path):
    from tests.pdf.conftest import build_editions

    with pytest.raises(ExportError, match="page size"):
        build_editions(english.dossier, tmp_path, ["pdf"], {"page_size": "B5"})


@pytest.mark.parametrize("name", ["pdf", "pdf-phone", "pdf-booklet", "pdf-archive"])
def test_outline_lists_sections_and_pieces_in_order(english, name):
    assert outline(english.paths[name]) == expected_outline(english.dossier)


@pytest.mark.parametrize("name", UNIMPOSED)
def test_contents_page_numbers_are_the_pages_where_titles_are(english, name):
    texts = page_texts(english.paths[name])
    toc_index = next(i for i, text in enumerate(texts) if text.startswith("Contents"))
    titles = [title for entry in expected_outline(english.dossier) for title in (entry[0], *entry[1])]
    for title in titles:
        printed = contents_entry(texts[toc_index], title)
        first_page = next(i + 1 for i, text in enumerate(texts) if i > toc_index and shows_title(text, title))
        assert printed == first_page, f"{name}: contents says {title!r} is on page {printed}, it starts on {first_page}"


@pytest.mark.parametrize("name", ["pdf", "pdf-phone", "pdf-booklet", "pdf-archive"])
def test_every_font_is_ours_embedded_and_subset(english, name):
    used = fonts(english.paths[name])
    families = shipped_font_names()
    assert {"Noto-Serif", "Noto-Naskh-Arabic"} <= {f["name"].split("+")[-1].split("-Bold")[0].split("-Italic")[0] for f in used}
    for font in used:
        subset, _, base = font["name"].partition("+")
        assert font["embedded"] and font["unicode"], font
        assert re.fullmatch(r"[A-Z]{6}", subset), f"not subset: {font['name']}"
        assert any(base.startswith(family) for family in families), f"{base} is a system fallback, not a shipped font"
        assert "Oblique" not in base, f"{base}: slant synthesised for a face we do not ship in italic"


def test_no_weasyprint_warnings_and_no_glyph_left_out(english, arabic):
    assert [w.render() for w in english.report.warnings + arabic.report.warnings] == []


@pytest.mark.expect_warnings(r"^weasyprint ERROR: Failed to load attachment: .*/nonexistent/bundler-missing\.json")
def test_a_weasyprint_error_fails_the_export(english):
    from weasyprint import Attachment

    broken = Attachment(url="file:///nonexistent/bundler-missing.json", name="missing.json")
    with pytest.raises(ExportError, match="WeasyPrint reported errors"):
        render_pdf(
            english.dossier,
            Edition("pdf"),
            PdfLayout("phone", ("pdf.css", "pdf-phone.css")),
            context_for(Edition("pdf")),
            attachments=(broken,),
        )


@pytest.mark.parametrize("name", UNIMPOSED)
def test_document_metadata(english, name):
    dossier = english.dossier
    with pikepdf.open(english.paths[name]) as pdf:
        info = pdf.docinfo
        assert str(info.Title) == dossier.title
        assert str(info.Author) == ", ".join(dossier.editors)
        assert str(info.Subject) == dossier.description
        assert str(info.Keywords) == ", ".join(dossier.subjects)
        assert str(info.CreationDate).startswith("D:20160510000000")
        assert str(pdf.Root.Lang) == "en"


def test_booklet_keeps_metadata(english):
    with pikepdf.open(english.paths["pdf-booklet"]) as pdf:
        assert str(pdf.docinfo.Title) == english.dossier.title
        assert str(pdf.Root.Lang) == "en"


@pytest.mark.parametrize("name", UNIMPOSED)
def test_english_and_arabic_text_extract_in_logical_order(english, name):
    text = re.sub(r"\s+", " ", "\n".join(page_texts(english.paths[name])).replace("\u2010\n", ""))
    assert "Queues formed before dawn outside the last working bakery." in text
    assert "اصطف الناس قبل الفجر أمام آخر مخبز يعمل في الحي" in text
    assert "طوابير الخبز في المدينة القديمة" in text


@pytest.mark.parametrize("name", ["pdf", "pdf-phone"])
def test_footnotes_sit_on_the_page_of_their_call(english, name):
    texts = page_texts(english.paths[name])
    for call, note in [
        ("Queues formed before dawn", "Interviews were held on 28 and 29 April."),
        ("اصطف الناس قبل الفجر", "أجريت المقابلات في أواخر نيسان"),
    ]:
        flat = [" ".join(t.split()) for t in texts]  # a phrase may wrap onto the next line
        call_page = next(i for i, t in enumerate(flat) if call in t)
        assert note in flat[call_page], f"{name}: note {note!r} is not on page {call_page + 1} with its call"


def test_links_are_clickable(english):
    with pikepdf.open(english.paths["pdf"]) as pdf:
        uris = {str(a.A.URI) for page in pdf.pages for a in page.get("/Annots", []) if "/A" in a and "/URI" in a.A}
        internal = [a for page in pdf.pages for a in page.get("/Annots", []) if "/Dest" in a or ("/A" in a and "/D" in a.A)]
    assert "https://news.example.org/2016/05/bread-queues" in uris
    assert internal, "no internal links (contents, note calls, links between pieces)"


def test_images_are_downsampled_to_the_edition_resolution(english):
    def widest_image(path) -> int:
        with pikepdf.open(path) as pdf:
            return max(int(image.Width) for page in pdf.pages for image in page.get_images().values())

    # The 1200 px photos are drawn 140 mm wide in print (the 70-character measure), where 200 dpi is
    # 1102 px: the print policy prepares them 1102 px wide, so they fit as prepared; 80 mm wide on the
    # phone, where 150 dpi allows 472 px (WeasyPrint downsamples the 900 px phone photos).
    assert widest_image(english.paths["pdf"]) == 1102
    assert widest_image(english.paths["pdf-phone"]) <= 480


def test_print_photos_are_embedded_as_prepared_not_encoded_again(english):
    """The image stage already encoded each photo for print: the PDF carries those very bytes."""
    session = context_for(Edition("pdf")).images
    prepared = {
        session.file_for(figure).read_bytes()
        for piece in english.dossier.pieces
        for figure in piece.figures
        if figure.image and figure.image.path and session.file_for(figure)
    }
    with pikepdf.open(english.paths["pdf"]) as pdf:
        photos = {
            bytes(image.read_raw_bytes())
            for page in pdf.pages
            for image in page.get_images().values()
            if image.get("/Filter") == "/DCTDecode"
        }
    assert prepared and photos, "the kitchen sink has no photo in print"
    assert photos <= prepared, "a photo in the print PDF was decoded and encoded again"


# the bilingual example's photo is 480 px wide: under 150 ppi across the booklet's and the archive's column
@pytest.mark.expect_warnings(
    ALEPPO_WARNINGS,
    r"^W320 PDF \(booklet\): '.*', photo 1 .* is 480 px wide: 102 ppi",
    r"^W320 PDF \(archive\): '.*', photo 1 .* is 480 px wide: 87 ppi",
)
def test_every_example_collection_builds_all_four_editions(tmp_path, _epoch):
    from bundler.build.collection import build_collection
    from tests.conftest import COLLECTIONS

    names = ["pdf", "pdf-phone", "pdf-booklet", "pdf-archive"]
    for collection in sorted(p.parent for p in COLLECTIONS.glob("*/collection.yaml")):
        result = build_collection(collection, out_dir=tmp_path, format_names=names)
        slug = result.dossier.slug
        assert {n: p.name for n, p in result.outputs.items()} == {
            "pdf": f"{slug}.pdf",
            "pdf-phone": f"{slug}-phone.pdf",
            "pdf-booklet": f"{slug}-booklet.pdf",
            "pdf-archive": f"{slug}-archive.pdf",
        }
        assert not [w for w in result.report.warnings if w.code.startswith("W30")]
        for path in result.outputs.values():
            assert outline(path) == expected_outline(result.dossier)


@pytest.mark.expect_warnings(r"^W310 'glyphs'")
def test_characters_without_a_shipped_glyph_are_reported(english):
    """The Vithkuqi letter is in no font: it is named by piece before layout (W310) and printed as U+FFFD, so
    WeasyPrint draws no .notdef (no W301). The check mark is in the shipped Noto Sans Symbols2 and the hieroglyph
    in the installed Noto Sans Egyptian Hieroglyphs the CSS names for it: nothing falls back to a system font."""
    from dataclasses import replace

    from bundler.model import Paragraph, Piece, Section

    piece = Piece(title="Glyphs", slug="glyphs", body=(Paragraph("A letter 𐕰, a hieroglyph 𓀀 and a check mark ✓ in a sentence."),))
    dossier = replace(
        english.dossier, sections=(Section(title="Odd characters", slug="odd", pieces=(piece,)),), front_matter=(), back_matter=()
    )
    report = Report()
    pdf = render_pdf(
        dossier, Edition("pdf-phone"), PdfLayout("phone", ("pdf.css", "pdf-phone.css")), context_for(Edition("pdf-phone"), report)
    )
    warnings = sorted((w.code, w.message) for w in report.warnings)
    assert [code for code, _ in warnings] == ["W310"], warnings
    ((_, located),) = warnings
    assert located.startswith("'glyphs' ('Glyphs') has characters no font of the book has: '𐕰' U+10570"), located
    assert "Noto-Sans-Egyptian-Hieroglyphs" in pdf_font_names(pdf)
    assert not foreign_fonts(pdf) and any("Symbols2" in name for name in pdf_font_names(pdf))
