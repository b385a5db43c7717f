"""Characters no font of the book can draw, found before layout and named by piece.

A character that no face has is drawn as .notdef, an empty box: the reader loses it without
being told, and a PDF/A file holding one breaks ISO 19005 (6.2.11.8). So every edition asks
first: which characters of each piece does no face of the book's have? The faces are the
project's own (``styles/fonts``: Latin, Arabic, and the symbol and emoji fallbacks), the
CJK serif faces named by language and one installed face a script (Debian's ``fonts-noto-cjk``
and ``fonts-noto-core``, installed by the README's set-up commands, chosen in
``script_faces``; when they are missing their characters are reported like any other).
Characters that are never drawn (spaces, joiners, direction marks, variation selectors) are
not asked about.

A build asks once: the editions share one ``GlyphScan`` (in the ``BuildContext``), which scans
each piece, page and section once however many editions print it, and the warning names the
piece, not the edition, so the build reports it once (``build.collection``).
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields, is_dataclass
from functools import cache

from bundler.errors import ExportError, Report
from bundler.model import Dossier
from bundler.render.fonts import FACES, face_cmap
from bundler.render.script_faces import CJK_COLLECTION, ScriptFace, choose_script_faces, face_codepoints, installed_codepoints

__all__ = ["CJK_COLLECTION", "MissingGlyphs", "find_missing_glyphs", "refuse_missing_glyphs", "report_missing_glyphs"]
#: Fields of the model that hold addresses, names and bookkeeping, never printed as text.
_NOT_PRINTED = frozenset(
    {"path", "url", "media_type", "slug", "id", "source_path", "importer", "importer_version", "warc_record_ids", "warnings"}
    | {"retrieved", "language", "direction", "lang", "kind", "root", "cover", "identifier", "editions", "level", "ordered"}
)
_TAG = re.compile(r"<[^>]*>")
#: Never drawn, so never missing: joiners, variation selectors, tag characters, bidi controls.
#: Private-use (Co) and unassigned (Cn) characters are drawn, as boxes: no free face has them.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp", "Cs"})
_INVISIBLE_RANGES = ((0xFE00, 0xFE0F), (0xE0100, 0xE01EF), (0x1F3FB, 0x1F3FF))


@dataclass(frozen=True)
class MissingGlyphs:
    """The characters of one piece (or page) that no face of the book has."""

    slug: str
    title: str
    characters: tuple[str, ...]

    def describe(self) -> str:
        """``'𓀀' U+13000 EGYPTIAN HIEROGLYPH A001, …`` for a message."""
        return ", ".join(f"{ch!r} U+{ord(ch):04X} {_name(ch)}" for ch in self.characters)


_UNNAMED = {"Cc": "a control character", "Co": "a private-use character", "Cn": "an unassigned code point"}


def _name(ch: str) -> str:
    return unicodedata.name(ch, "") or _UNNAMED.get(unicodedata.category(ch), "unnamed")


@cache
def project_codepoints() -> frozenset[int]:
    """Every code point the project's own faces (styles/fonts) can draw."""
    covered: set[int] = set()
    for face in FACES:
        covered |= face_cmap(face.file_name)
    return frozenset(covered)


@cache
def covered_codepoints() -> frozenset[int]:
    """Every code point some face of the book can draw: the shipped faces, the CJK serif faces, the installed script faces."""
    return project_codepoints() | installed_codepoints()


def script_faces_for(text: str) -> tuple[ScriptFace, ...]:
    """The installed one-script faces ``text`` needs: for drawn characters neither the project's faces nor CJK have."""
    needed = frozenset(ord(ch) for ch in set(text) if is_drawn(ch)) - project_codepoints() - face_codepoints(str(CJK_COLLECTION))
    return choose_script_faces(needed)


def dossier_text(dossier: Dossier) -> str:
    """All the printed text of a dossier, for choosing its faces."""
    return "".join(text for _, _, _, value in _units(dossier) for text in printed_text(value))


def is_drawn(ch: str) -> bool:
    """Whether a character puts ink on the page (and so needs a glyph).

    A control character other than the line ends and tab (U+0092 left by a cp1252 page read as
    Latin-1) is drawn by the layout engine (Pango) as a box whatever the face, so it counts as
    drawn, and as missing from every face (``never_drawable``).
    """
    code = ord(ch)
    if unicodedata.category(ch) == "Cc":
        return ch not in "\t\n\r"
    if unicodedata.category(ch) in _INVISIBLE_CATEGORIES:
        return False
    return not any(low <= code <= high for low, high in _INVISIBLE_RANGES)


def never_drawable(ch: str) -> bool:
    """A control character that is drawn as a box even by a face whose cmap lists it."""
    return unicodedata.category(ch) == "Cc" and ch not in "\t\n\r"


def missing_characters(text: str) -> tuple[str, ...]:
    """The drawn characters of ``text`` that no face has, in code point order.

    The project's own faces are asked first: only characters they lack need the installed
    faces' maps (``covered_codepoints``, some 190 faces, ~0.2 s to gather in a process that
    has not), which a rebuild of a dossier in the shipped faces' scripts then never loads.
    """
    own = project_codepoints()
    candidates = [ch for ch in set(text) if ord(ch) not in own or never_drawable(ch)]
    if not candidates:
        return ()
    covered = covered_codepoints()
    return tuple(sorted(ch for ch in candidates if (ord(ch) not in covered or never_drawable(ch)) and is_drawn(ch)))


def printed_text(value: object) -> Iterator[str]:
    """Every string of a model value that is printed (markup stripped, entities decoded)."""
    if isinstance(value, str):
        yield html.unescape(_TAG.sub("", value)) if "<" in value or "&" in value else value
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from printed_text(item)
    elif is_dataclass(value) and not isinstance(value, type):
        for field in fields(value):
            if field.name not in _NOT_PRINTED and field.name != "provenance":
                yield from printed_text(getattr(value, field.name))


@dataclass
class GlyphScan:
    """The missing characters of each unit of text, found once per build and reused by every edition.

    A unit is remembered by identity (the model is frozen, and the editions of one build share
    their pieces), with a reference kept so an identity is never reused by another object; an
    edition that changes a piece (the text-only EPUB drops its figures) has a new object, scanned
    on its own.
    """

    _found: dict[int, tuple[object, tuple[str, ...]]] = field(default_factory=dict)

    def missing(self, unit: object, text: Callable[[], str]) -> tuple[str, ...]:
        """The drawn characters of ``unit`` (whose printed text is ``text()``) that no face has."""
        known = self._found.get(id(unit))
        if known is not None and known[0] is unit:
            return known[1]
        missing = missing_characters(text())
        self._found[id(unit)] = (unit, missing)
        return missing


def find_missing_glyphs(dossier: Dossier, scan: GlyphScan | None = None) -> list[MissingGlyphs]:
    """Each piece, text page and the dossier's own text that has characters no face can draw.

    ``scan``: the build's memory of units already scanned (a fresh one scans everything).
    """
    scan = scan if scan is not None else GlyphScan()
    found = []
    for slug, title, unit, value in _units(dossier):
        missing = scan.missing(unit, lambda value=value: "".join(printed_text(value)))
        if missing:
            found.append(MissingGlyphs(slug, title, missing))
    return found


def _units(dossier: Dossier) -> list[tuple[str, str, object, object]]:
    """(slug, title, unit, printed value) of each part of a dossier: its own text, pages, sections, pieces."""
    units: list[tuple[str, str, object, object]] = [(dossier.slug, dossier.title, dossier, _dossier_own_text(dossier))]
    for page in (*dossier.front_matter, *dossier.back_matter):
        units.append((page.slug, page.title, page, page))
    for section in dossier.sections:
        units.append((section.slug, section.title, section, (section.title, section.intro)))
        units += [(piece.slug, piece.title, piece, piece) for piece in section.pieces]
    return units


def _dossier_own_text(dossier: Dossier) -> tuple[str, ...]:
    return (dossier.title, dossier.subtitle, dossier.description, *dossier.editors, dossier.publisher, dossier.rights, *dossier.subjects)


def report_missing_glyphs(dossier: Dossier, report: Report, scan: GlyphScan | None = None) -> list[MissingGlyphs]:
    """One located warning (W310) per piece with characters that would print as empty boxes.

    The message names the piece and not the edition: every edition embeds the same faces, so
    the build keeps one of the identical warnings its editions file.
    """
    found = find_missing_glyphs(dossier, scan)
    for unit in found:
        report.warn(
            f"{unit.slug!r} ({unit.title!r}) has characters no font of the book has: {unit.describe()}",
            "W310",
            hint="they are printed as \ufffd (U+FFFD) instead of empty boxes; replace them in the piece, or install a face that has them",
        )
    return found


def refuse_missing_glyphs(found: list[MissingGlyphs], edition: str) -> None:
    """A PDF/A file may not draw .notdef (ISO 19005-3, 6.2.11.8): raise rather than claim PDF/A falsely."""
    if found:
        unit = found[0]
        more = f" (and {len(found) - 1} more pieces)" if len(found) > 1 else ""
        raise ExportError(
            f"{edition}: {unit.slug!r} ({unit.title!r}) has characters no font of the book has: {unit.describe()}{more}",
            code="E310",
            hint="PDF/A forbids empty-box glyphs; replace those characters in the piece, or build the print PDF instead",
        )
