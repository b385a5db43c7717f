"""The fonts an EPUB ships: subsets of the project's fonts, cut to the text of the book.

Readers on cheap phones often lack an Arabic font, so the book carries its own; whole
fonts would add ~1.3 MB, so each face is subset with fontTools to the code points the
book uses (plus printable ASCII), and the Arabic faces are shipped only when the book
has Arabic text (OUTPUT-QUALITY E5.3). Subsets are kept in memory and in the build's
cache by (face, code points): rebuilding the same dossier does not subset twice. On a cold
build the faces are subset side by side on local processes (fontTools is pure Python).
"""

from __future__ import annotations

import io
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache

from fontTools import subset
from fontTools.ttLib import TTFont

from bundler.resources import styles_dir
from bundler.text import has_arabic

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


FACES: tuple[FontFace, ...] = (
    FontFace("NotoSerif-Regular.ttf", "Noto Serif", "normal", "normal", False),
    FontFace("NotoSerif-Bold.ttf", "Noto Serif", "normal", "bold", False),
    FontFace("NotoSerif-Italic.ttf", "Noto Serif", "italic", "normal", False),
    FontFace("NotoSerif-BoldItalic.ttf", "Noto Serif", "italic", "bold", False),
    FontFace("NotoNaskhArabic-Regular.ttf", "Noto Naskh Arabic", "normal", "normal", True),
    FontFace("NotoNaskhArabic-Bold.ttf", "Noto Naskh Arabic", "normal", "bold", True),
)


@dataclass(frozen=True)
class EmbeddedFont:
    """A subset font ready to be added to the book."""

    face: FontFace
    data: bytes


def faces_for(text: str) -> tuple[FontFace, ...]:
    """The faces a book with this text needs: Latin always, Arabic only for Arabic text."""
    arabic = has_arabic(text)
    return tuple(face for face in FACES if arabic or not face.arabic)


def subset_fonts(text: str) -> tuple[EmbeddedFont, ...]:
    """Subset every needed face to the code points of ``text``."""
    codepoints = frozenset(ord(ch) for ch in set(text)) | _BASE_CODEPOINTS
    faces = faces_for(text)
    subsets = subset_faces([(face.file_name, codepoints) for face in faces])
    return tuple(EmbeddedFont(face, data) for face, data in zip(faces, subsets, strict=True))


#: (face file, code points it has) -> subset bytes, made or loaded in this process.
_SUBSETS: dict[tuple[str, frozenset[int]], bytes] = {}


def forget_subsets() -> None:
    """Drop the in-memory subsets (tests use it to make fontTools subset again)."""
    _SUBSETS.clear()


def subset_faces(requests: list[tuple[str, frozenset[int]]]) -> list[bytes]:
    """Each (face file, code points) cut to the code points the face has, in request order.

    A subset comes from memory, else from the build's on-disk cache (a rebuild does not
    subset again), else from fontTools; when several faces are missing they are subset side
    by side on a local process pool (fontTools is pure Python, ~0.1 s a face).
    """
    from bundler.cache import active_cache

    jobs = [(file_name, codepoints & _face_cmap(file_name)) for file_name, codepoints in requests]
    store = active_cache()
    missing: list[tuple[str, frozenset[int]]] = []
    for job in dict.fromkeys(jobs):
        if job in _SUBSETS:
            continue
        found = store.find(_store_key(*job), ".ttf") if store else None
        if found:
            _SUBSETS[job] = found.read_bytes()
        else:
            missing.append(job)
    for job, data in zip(missing, _subset_now(missing, _worker_count(len(missing))), strict=True):
        _SUBSETS[job] = data
        if store:
            store.store_bytes(_store_key(*job), data, ".ttf")
    return [_SUBSETS[job] for job in jobs]


def _worker_count(faces: int) -> int:
    """Processes for subsetting ``faces`` faces: the build's worker count, one per face at most; 1 means serial."""
    from bundler.executor import active_work

    work = active_work()  # never Dask: a face is ~0.1 s, less than shipping it to a cluster
    return 1 if work.executor == "serial" else max(1, min(work.worker_count, faces))


def _subset_now(jobs: list[tuple[str, frozenset[int]]], workers: int) -> list[bytes]:
    """Run fontTools for each job, on ``workers`` local processes (in this one when 1)."""
    if workers <= 1:
        return [_subset_face_now(file_name, codepoints) for file_name, codepoints in jobs]
    try:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(_subset_face_now, [name for name, _ in jobs], [points for _, points in jobs]))
    except Exception:
        # A face that fails in a worker fails again here, raising exactly what the serial path
        # raises (with this process's traceback); a pool that broke (a killed worker) costs the serial time.
        return [_subset_face_now(file_name, codepoints) for file_name, codepoints in jobs]


@cache
def _face_cmap(file_name: str) -> frozenset[int]:
    with TTFont(styles_dir() / "fonts" / file_name, lazy=True) as font:
        return frozenset(font.getBestCmap())


def _store_key(file_name: str, codepoints: frozenset[int]) -> str:
    from bundler.cache import make_key

    return make_key("font-subset", file_name, _font_sha256(file_name), sorted(codepoints), _fonttools_version())


@cache
def _font_sha256(file_name: str) -> str:
    import hashlib

    return hashlib.sha256((styles_dir() / "fonts" / file_name).read_bytes()).hexdigest()


def _fonttools_version() -> str:
    import fontTools

    return fontTools.version


def _subset_face_now(file_name: str, codepoints: frozenset[int]) -> bytes:
    """The subset itself (top level: it runs in pool workers too)."""
    options = subset.Options()
    options.layout_features = ["*"]  # Arabic joining forms, ligatures, kerning, mark positioning
    options.name_IDs = ["*"]  # keep copyright and licence (OFL) records
    options.hinting = False  # e-readers hint themselves; halves the size
    options.notdef_outline = True
    options.recalc_timestamp = False  # the font's own date, not the wall clock
    # lazy: layout subtables are decompiled only when the subsetter reads them, as pyftsubset
    # loads fonts; same bytes, ~35% less time (most lookups never match the book's glyphs)
    font = TTFont(styles_dir() / "fonts" / file_name, recalcTimestamp=False, lazy=True)
    subsetter = subset.Subsetter(options=options)
    subsetter.populate(unicodes=sorted(codepoints))
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def covered_codepoints(fonts: tuple[EmbeddedFont, ...]) -> frozenset[int]:
    """Every code point some embedded font has a glyph for (for the E5.3 check)."""
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
