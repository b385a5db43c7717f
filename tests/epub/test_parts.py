"""The EPUB's own parts: bidi wrapping, the generated cover, font subsetting, and speed at scale."""

from __future__ import annotations

from dataclasses import replace
from io import BytesIO

from lxml import etree
from PIL import Image, ImageChops, features

from bundler.errors import Report
from bundler.render.cover import cover_jpeg
from bundler.render.fonts import faces_for, keep_font_faces, subset_fonts
from bundler.text.bidi import wrap_document
from tests.epub.conftest import build_book
from tests.kitchen_sink import make_kitchen_sink, make_plain_dossier

DOC = '<html xmlns="http://www.w3.org/1999/xhtml" lang="{lang}" dir="{dir}"><head><title>t</title></head><body><p>{body}</p></body></html>'


def _wrapped(body: str, lang: str = "ar", direction: str = "rtl") -> str:
    out = wrap_document(DOC.format(lang=lang, dir=direction, body=body).encode("utf-8"))
    return etree.tostring(etree.fromstring(out).find(".//{*}p"), encoding="unicode").split(">", 1)[1].rsplit("<", 1)[0]


def test_latin_runs_in_arabic_text_get_their_own_direction():
    assert _wrapped("قالت منظمة Example Relief (ER) إن الأسعار ارتفعت") == (
        'قالت منظمة <span lang="en" xml:lang="en" dir="ltr">Example Relief (ER)</span> إن الأسعار ارتفعت'
    )


def test_arabic_runs_in_english_text_and_existing_marks_are_respected():
    body = 'The word <span lang="ar" dir="rtl">خبز</span> and the phrase في الحي, twice.'
    assert _wrapped(body, "en", "ltr") == (
        'The word <span lang="ar" dir="rtl">خبز</span> and the phrase <span lang="ar" xml:lang="ar" dir="rtl">في الحي</span>, twice.'
    )


def test_digits_alone_are_not_wrapped_and_override_controls_are_stripped():
    assert _wrapped("\u202bارتفعت بنسبة 140% في 2016\u202c") == "ارتفعت بنسبة 140% في 2016"


def test_generated_cover_is_deterministic_and_shows_the_title(tmp_path):
    dossier = make_kitchen_sink(tmp_path)
    first, second = cover_jpeg(dossier, Report()), cover_jpeg(dossier, Report())
    assert first == second
    other = cover_jpeg(replace(dossier, title="A different title"), Report())
    with Image.open(BytesIO(first)) as a, Image.open(BytesIO(other)) as b:
        assert ImageChops.difference(a, b).getbbox() is not None, "the title is drawn on the cover"


def test_arabic_cover_title_is_shaped(tmp_path):
    assert features.check("raqm"), "the locked Pillow shapes text with libraqm; this one cannot (reinstall from requirements.lock)"
    dossier = replace(make_kitchen_sink(tmp_path), title="ملف الخبز", subtitle="")
    report = Report()
    data = cover_jpeg(dossier, report)
    assert not report.warnings
    # Shaped (joined) Arabic is narrower than the same letters in isolated forms.
    from PIL import ImageFont

    from bundler.resources import styles_dir

    font = ImageFont.truetype(str(styles_dir() / "fonts" / "NotoNaskhArabic-Bold.ttf"), 100, layout_engine=ImageFont.Layout.RAQM)
    assert font.getlength("ملف", direction="rtl") < sum(font.getlength(ch) for ch in "ملف")
    assert len(data) < 600 * 1024


def test_manifest_cover_is_normalised_to_a_jpeg(tmp_path):
    png = tmp_path / "cover.png"
    Image.new("RGBA", (2000, 3000), (10, 200, 30, 128)).save(png)
    data = cover_jpeg(replace(make_kitchen_sink(tmp_path), cover=str(png)), Report())
    with Image.open(BytesIO(data)) as image:
        assert (image.format, image.mode) == ("JPEG", "RGB") and image.size == (1600, 2400)


def test_fonts_arabic_face_only_for_arabic_text():
    assert not any(face.arabic for face in faces_for("Only English here."))
    assert any(face.arabic for face in faces_for("English and خبز"))
    fonts = subset_fonts("Only English here.")
    css = keep_font_faces(
        '@font-face { src: url("fonts/NotoNaskhArabic-Regular.ttf"); }\n@font-face { src: url("fonts/NotoSerif-Regular.ttf"); }', fonts
    )
    assert "NotoNaskhArabic" not in css and "NotoSerif-Regular" in css


def test_a_200_piece_dossier_keeps_every_piece(tmp_path):
    """Every piece gets its own document with its title; speed is measured in bench/, not asserted on a shared machine."""
    dossier = make_plain_dossier(tmp_path / "input", pieces=200, paragraphs=8)
    book = build_book(dossier, tmp_path)
    assert sum(1 for n in book.entries if n.startswith("EPUB/report-")) == 200
    for piece in dossier.pieces:
        assert piece.title.encode("utf-8") in book.entries[f"EPUB/{piece.slug}.xhtml"], piece.slug


def test_a_piece_named_like_a_generated_page_keeps_its_name(tmp_path):
    dossier = make_plain_dossier(tmp_path / "input", pieces=2)
    section = dossier.sections[0]
    pieces = (replace(section.pieces[0], slug="cover"), replace(section.pieces[1], slug="nav"))
    book = build_book(replace(dossier, sections=(replace(section, pieces=pieces),)), tmp_path)
    names = set(book.entries)
    assert {"EPUB/cover.xhtml", "EPUB/nav.xhtml", "EPUB/cover_.xhtml", "EPUB/nav_.xhtml"} <= names
    assert b'properties="nav"' in book.entries["EPUB/content.opf"] and b'href="nav_.xhtml"' in book.entries["EPUB/content.opf"]
    assert b"Report number 1" in book.entries["EPUB/cover.xhtml"]


def test_cover_sets_every_character_in_a_face_that_has_its_glyph():
    """Mixed Arabic/English cover lines are split into runs, each in a face that covers it (no tofu boxes)."""
    from fontTools.ttLib import TTFont

    from bundler.render.cover import _runs
    from bundler.resources import styles_dir

    cmaps = {
        arabic: frozenset(TTFont(str(styles_dir() / "fonts" / name), lazy=True).getBestCmap())
        for arabic, name in ((True, "NotoNaskhArabic-Regular.ttf"), (False, "NotoSerif-Regular.ttf"))
    }
    line = "ملف تجريبي بالعربية والإنجليزية — A bilingual sample dossier, 2016"
    runs = _runs(line)
    assert "".join(text for text, _ in runs) == line
    assert {arabic for _, arabic in runs} == {True, False}
    for text, arabic in runs:
        missing = [c for c in text if ord(c) not in cmaps[arabic]]
        assert not missing, (text, missing)
