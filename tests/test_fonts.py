"""Font subsets: cut to the book's text, shaping exactly as the full fonts do, deterministic and cached.

Real HarfBuzz subsetting of the project's own fonts, read back with fontTools and shaped
with HarfBuzz (the shaper e-readers and browsers use).
"""

from __future__ import annotations

import io

import pytest
import uharfbuzz as hb
from fontTools.ttLib import TTFont

from bundler.cache import ContentCache, hash_bytes, write_checksum
from bundler.render import fonts
from bundler.resources import styles_dir

#: Latin (accents, typographic quotes, a ligature pair) and Arabic (joining letters, Arabic-Indic digits): all six faces.
TEXT = "Aleppo, 3 August — the market reopened. «حلب تحترق» قالت الصحفية، ٣ آب ٢٠١٦. Œuvre, naïve café, office."
ARABIC_WORDS = ["حلب", "تحترق", "الصحفية", "٢٠١٦"]
LATIN_WORDS = ["office", "naïve", "Œuvre", "—"]


def subset_cold(store: ContentCache | None = None) -> dict[str, bytes]:
    """TEXT's subsets with nothing in memory, by face file (through ``store`` when given)."""
    fonts.forget_subsets()
    return {font.face.file_name: font.data for font in fonts.subset_fonts(TEXT, store)}


@pytest.fixture(scope="module")
def subsets() -> dict[str, bytes]:
    return subset_cold()


def shaped(font_data: bytes, text: str, features: dict[str, bool] | None = None) -> list[tuple]:
    """HarfBuzz's shaping of ``text``: per glyph its cluster, advance, offsets and outline extents.

    Glyph ids and names differ between a subset and its font; what a reader sees does not.
    """
    font = hb.Font(hb.Face(hb.Blob(font_data)))
    buffer = hb.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    hb.shape(font, buffer, features or {})
    result = []
    for info, position in zip(buffer.glyph_infos, buffer.glyph_positions, strict=True):
        extents = font.get_glyph_extents(info.codepoint)
        outline = (extents.x_bearing, extents.y_bearing, extents.width, extents.height) if extents else None
        result.append((info.cluster, position.x_advance, position.x_offset, position.y_offset, outline))
    return result


def test_all_six_faces_for_a_bilingual_book_and_latin_only_without_arabic(subsets):
    assert list(subsets) == [face.file_name for face in fonts.FACES if not face.fallback]
    latin_only = [font.face.file_name for font in fonts.subset_fonts("Plain English text only.")]
    assert latin_only == [face.file_name for face in fonts.FACES if not face.arabic and not face.fallback]


def test_a_fallback_face_only_for_the_characters_the_faces_before_it_lack():
    """U+2212 and arrows from Noto Sans Math, a check mark from Symbols2, 🙂 from Noto Emoji; a hyphen needs none."""

    def fallbacks(text: str) -> list[str]:
        return [face.file_name for face in fonts.faces_for(text) if face.fallback]

    assert fallbacks("a - b, 1-2") == []
    assert fallbacks("−5 → north") == ["NotoSansMath-Regular.ttf"]
    assert fallbacks("done ✓") == ["NotoSansSymbols2-Regular.ttf"]
    assert fallbacks("a smile 🙂") == ["NotoEmoji-Regular.ttf"]


def test_subsets_are_small_and_cover_every_character_of_the_text(subsets):
    for name, data in subsets.items():
        assert len(data) < 40_000, name  # whole faces are 170-610 KB
    covered = fonts.covered_codepoints(
        tuple(fonts.EmbeddedFont(face, subsets[face.file_name]) for face in fonts.FACES if not face.fallback)
    )
    assert {ord(ch) for ch in TEXT} <= covered


@pytest.mark.parametrize(("face", "words"), [("NotoNaskhArabic-Regular.ttf", ARABIC_WORDS), ("NotoSerif-Regular.ttf", LATIN_WORDS)])
def test_a_subset_shapes_like_the_full_font(subsets, face, words):
    """Joining forms, ligatures and kerning survive: the same glyphs at the same advances."""
    full = (styles_dir() / "fonts" / face).read_bytes()
    for word in words:
        assert shaped(subsets[face], word) == shaped(full, word), word


def test_small_capitals_for_credits_survive_and_unused_alternates_go(subsets):
    """common.css sets credits in small-caps: the subset has the real small capitals, shaped as the full font shapes them."""
    face = "NotoSerif-Regular.ttf"
    full = (styles_dir() / "fonts" / face).read_bytes()
    assert shaped(subsets[face], "Field Reporter", {"smcp": True}) == shaped(full, "Field Reporter", {"smcp": True})
    assert shaped(subsets[face], "Field Reporter", {"smcp": True}) != shaped(subsets[face], "Field Reporter")
    with TTFont(io.BytesIO(subsets[face])) as latin:
        features = {record.FeatureTag for record in latin["GSUB"].table.FeatureList.FeatureRecord}
    assert "smcp" in features and not {"aalt", "c2sc", "onum", "ss03", "tnum", "zero"} & features  # all in the full face


def test_arabic_joining_features_licence_names_and_no_hinting_are_kept(subsets):
    with TTFont(io.BytesIO(subsets["NotoNaskhArabic-Regular.ttf"])) as arabic:
        features = {record.FeatureTag for record in arabic["GSUB"].table.FeatureList.FeatureRecord}
        assert {"init", "medi", "fina", "rlig"} <= features
        names = {record.nameID for record in arabic["name"].names}
        assert {0, 1, 2, 13, 14} <= names  # copyright, family, style, licence and its URL (OFL)
        assert not {"fpgm", "prep", "cvt "} & set(arabic.keys())  # unhinted


def test_subsetting_is_deterministic_and_fills_the_build_cache(subsets, tmp_path):
    store = ContentCache(tmp_path / "cache")
    assert subset_cold(store) == subsets
    stored = {path.read_bytes() for path in store.root.rglob("*.ttf")}
    assert stored == set(subsets.values())


def test_a_cold_process_reads_subsets_back_from_the_build_cache(subsets, tmp_path):
    store = ContentCache(tmp_path / "cache")
    subset_cold(store)
    for path in store.root.rglob("*.ttf"):
        path.write_bytes(path.read_bytes() + b"\0")  # marked: only a read of the cache returns this
        write_checksum(path, hash_bytes(path.read_bytes()))  # ... and recorded as whole (else it is discarded as damaged)
    assert all(data.endswith(b"\0") for data in subset_cold(store).values())


def test_a_changed_recipe_does_not_reuse_cached_subsets(subsets, tmp_path, monkeypatch):
    """Subsets cut to another feature list are other fonts: the build cache must not hand back the old ones."""
    store = ContentCache(tmp_path / "cache")
    assert subset_cold(store) == subsets
    monkeypatch.setattr(fonts, "STYLESHEET_FEATURES", ())  # as if the stylesheets stopped asking for small capitals
    without_small_caps = subset_cold(store)
    assert without_small_caps["NotoSerif-Regular.ttf"] != subsets["NotoSerif-Regular.ttf"]
    assert len(without_small_caps["NotoSerif-Regular.ttf"]) < len(subsets["NotoSerif-Regular.ttf"])
