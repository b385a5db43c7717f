"""The fonts an EPUB ships: subsets of the project's fonts, cut to the text of the book.

Readers on cheap phones often lack an Arabic font, so the book carries its own; whole
fonts would add ~1.3 MB, so each face is subset to the code points the book uses (plus
printable ASCII), and the Arabic faces are shipped only when the book has Arabic text
(OUTPUT-QUALITY E5.3). The subsetter is HarfBuzz's (uharfbuzz), the one browsers' font
services and WeasyPrint use: under a millisecond a face, where fontTools took ~0.15 s.
Kept: the layout features text shaping applies by default (HarfBuzz's list: Arabic joining
forms, ligatures, kerning, marks, localised forms) plus those the stylesheets ask for (small
capitals for credits); every name record (the OFL licence); no hinting (e-readers hint
themselves). Alternates no stylesheet asks for (stylistic sets, old-style and tabular figures,
fractions) are dropped: a third of each Latin face. Subsets are kept in memory and in the
build's cache by (face, code points).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import cache

from bundler.cache import ContentCache, make_key
from bundler.render.script_faces import face_codepoints
from bundler.resources import font_path
from bundler.text.plain import has_arabic

#: Always kept, so readers' own insertions (page numbers, "1/12") have glyphs.
_BASE_CODEPOINTS = frozenset(range(0x20, 0x7F)) | {0xA0, 0x2019, 0x201C, 0x201D, 0x2014, 0x2013, 0x2026}


@dataclass(frozen=True)
class FontFace:
    """One font file of the project and the @font-face it fills."""

    file_name: str  # in styles/fonts, and the name inside the EPUB
    family: str
    style: str  # normal | italic
    weight: str  # normal | bold
    arabic: bool  # shipped only when the book has Arabic text
    fallback: bool = False  # symbols and emoji: shipped only when the book uses a character only they have


FACES: tuple[FontFace, ...] = (
    FontFace("NotoSerif-Regular.ttf", "Noto Serif", "normal", "normal", False),
    FontFace("NotoSerif-Bold.ttf", "Noto Serif", "normal", "bold", False),
    FontFace("NotoSerif-Italic.ttf", "Noto Serif", "italic", "normal", False),
    FontFace("NotoSerif-BoldItalic.ttf", "Noto Serif", "italic", "bold", False),
    FontFace("NotoNaskhArabic-Regular.ttf", "Noto Naskh Arabic", "normal", "normal", True),
    FontFace("NotoNaskhArabic-Bold.ttf", "Noto Naskh Arabic", "normal", "bold", True),
    # The fallbacks, in the order the stylesheets name them: minus, arrows and mathematical
    # operators; dingbats and other symbols; emoji, drawn in one colour (print and e-ink).
    FontFace("NotoSansMath-Regular.ttf", "Noto Sans Math", "normal", "normal", False, fallback=True),
    FontFace("NotoSansSymbols2-Regular.ttf", "Noto Sans Symbols2", "normal", "normal", False, fallback=True),
    FontFace("NotoEmoji-Regular.ttf", "Noto Emoji", "normal", "normal", False, fallback=True),
)


@dataclass(frozen=True)
class EmbeddedFont:
    """A subset font ready to be added to the book."""

    face: FontFace
    data: bytes


def faces_for(text: str, needed: frozenset[int] | None = None) -> tuple[FontFace, ...]:
    """The faces a book with this text needs: Latin always, Arabic only for Arabic text, a fallback
    only for the characters the faces before it lack (most books carry none). ``needed``: the
    text's code points when the caller has them (a 200-piece book's text is megabytes)."""
    arabic = has_arabic(text)
    needed = frozenset(ord(ch) for ch in set(text)) if needed is None else needed
    chosen: list[FontFace] = []
    for face in FACES:
        if face.fallback:
            uncovered = needed - frozenset().union(*(face_cmap(f.file_name) for f in chosen))
            if not uncovered & face_cmap(face.file_name):
                continue
        elif face.arabic and not arabic:
            continue
        chosen.append(face)
    return tuple(chosen)


def subset_fonts(text: str, store: ContentCache | None = None) -> tuple[EmbeddedFont, ...]:
    """Subset every needed face to the code points of ``text`` (kept in ``store``, the build's cache, when given)."""
    used = frozenset(ord(ch) for ch in set(text))
    codepoints = used | _BASE_CODEPOINTS
    faces = faces_for(text, used)
    subsets = subset_faces([(face.file_name, codepoints) for face in faces], store)
    return tuple(EmbeddedFont(face, data) for face, data in zip(faces, subsets, strict=True))


#: (face file, code points it has) -> subset bytes, made or loaded in this process.
_SUBSETS: dict[tuple[str, frozenset[int]], bytes] = {}


def forget_subsets() -> None:
    """Drop the in-memory subsets (tests use it to make HarfBuzz subset again)."""
    _SUBSETS.clear()


def subset_faces(requests: list[tuple[str, frozenset[int]]], store: ContentCache | None = None) -> list[bytes]:
    """Each (face file, code points) cut to the code points the face has, in request order.

    A subset comes from memory, else from ``store`` (the build's on-disk cache), else from HarfBuzz.
    """
    jobs = [(file_name, codepoints & face_cmap(file_name)) for file_name, codepoints in requests]
    for job in dict.fromkeys(jobs):
        if job in _SUBSETS:
            continue
        found = store.read_bytes(_store_key(*job), ".ttf", "font subset") if store else None
        if found:
            _SUBSETS[job] = found
            continue
        _SUBSETS[job] = _subset_face_now(*job)
        if store:
            store.store_bytes(_store_key(*job), _SUBSETS[job], ".ttf")
    return [_SUBSETS[job] for job in jobs]


@cache
def face_cmap(file_name: str) -> frozenset[int]:
    """The code points a shipped face has, kept across builds like the installed faces' (its file's path, size and time)."""
    return face_codepoints(str(font_path(file_name)))


def _store_key(file_name: str, codepoints: frozenset[int]) -> str:
    recipe = [SUBSET_RECIPE_VERSION, *STYLESHEET_FEATURES]  # what the subset keeps: a change must miss the cache
    return make_key("font-subset", file_name, _font_sha256(file_name), sorted(codepoints), _subsetter_version(), recipe)


@cache
def _font_bytes(file_name: str) -> bytes:
    return font_path(file_name).read_bytes()


@cache
def _font_sha256(file_name: str) -> str:
    import hashlib

    return hashlib.sha256(_font_bytes(file_name)).hexdigest()


def _subsetter_version() -> str:
    import uharfbuzz

    return f"uharfbuzz {uharfbuzz.__version__} harfbuzz {uharfbuzz.version_string()}"


#: OpenType features the stylesheets turn on (``font-variant: small-caps`` on credits, common.css).
STYLESHEET_FEATURES = ("smcp",)
#: Bump when ``_subset_face_now`` keeps something else, so cached subsets of the old recipe are not reused.
SUBSET_RECIPE_VERSION = 2  # 1: every feature; 2: HarfBuzz's default features plus the stylesheets'


def _tag(name: str) -> int:
    return int.from_bytes(name.encode("ascii"), "big")


def _subset_face_now(file_name: str, codepoints: frozenset[int]) -> bytes:
    """The subset of a shipped face (``styles/fonts``)."""
    return subset_font(_font_bytes(file_name), codepoints, file_name)


def subset_font(data: bytes, codepoints: frozenset[int], label: str, index: int = 0) -> bytes:
    """HarfBuzz's subset of the face ``index`` in ``data`` (deterministic: same font and code points, same bytes).

    Shared by the shipped faces and the installed script faces an EPUB carries
    (``render.script_subsets``), so every embedded subset keeps the same features and names.
    """
    import uharfbuzz as hb

    face = hb.Face(hb.Blob(data), index)
    request = hb.SubsetInput()
    request.unicode_set.update(sorted(codepoints))
    request.layout_feature_tag_set.update(_tag(name) for name in STYLESHEET_FEATURES)  # beside HarfBuzz's defaults
    # every script and every name record (copyright, licence): an emptied set, inverted, means "all"
    for kept_whole in (request.layout_script_tag_set, request.name_id_set):
        kept_whole.clear()
        kept_whole.invert()
    request.flags = hb.SubsetFlags.NO_HINTING | hb.SubsetFlags.NOTDEF_OUTLINE
    subset = hb.subset(face, request)
    if subset is None:
        raise ValueError(f"HarfBuzz could not subset {label}")
    return subset.blob.data


def covered_codepoints(fonts: tuple[EmbeddedFont, ...]) -> frozenset[int]:
    """Every code point some embedded font has a glyph for (for the E5.3 check)."""
    from fontTools.ttLib import TTFont  # tests and checks only: a build never reads a font with fontTools

    covered: set[int] = set()
    for font in fonts:
        with TTFont(io.BytesIO(font.data)) as opened:
            covered |= set(opened.getBestCmap())
    return frozenset(covered)


_FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}\s*")
_URL = re.compile(r"""url\(\s*["']?(?:[^"')]*/)?([^/"')]+)["']?\s*\)""")


def keep_font_faces(css: str, embedded: tuple[EmbeddedFont, ...]) -> str:
    """Drop the @font-face rules of fonts the book does not ship (no dangling URLs)."""
    names = {font.face.file_name for font in embedded}

    def keep(match: re.Match[str]) -> str:
        url = _URL.search(match.group(0))
        return match.group(0) if url and url.group(1) in names else ""

    return _FONT_FACE.sub(keep, css)
