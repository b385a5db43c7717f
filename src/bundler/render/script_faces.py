"""Faces for every script the project's own fonts lack, chosen by coverage and named in the CSS.

The project ships Latin, Arabic and the symbol and emoji fallbacks (``styles/fonts``); the
rest of the world's scripts come from the machine's Noto faces, which the README's set-up
commands install: the CJK serif collection (Debian ``fonts-noto-cjk``), named by language,
and one face a script (Debian ``fonts-noto-core``: Canadian syllabics, Devanagari, Ethiopic,
Hebrew, Thai, ...). Leaving those to the system's font fallback would make the face depend on
the machine's font configuration (and a PDF viewer or e-reader on another machine has none of
it), so a build asks here instead: which characters of the book does no project face have,
and which installed faces cover them? Those faces are named in the edition's CSS, before the
generic family of every font stack, with an ``@font-face`` rule: the PDF loads them from the
system, the EPUB carries a subset of each.

The choice is greedy by coverage (the face with the most still-uncovered characters first,
serif before sans before the rest on a tie), so a page of Inuktitut gets Noto Sans Canadian
Aboriginal and not a face that happens to share its punctuation; the same text always gets
the same faces. Only regular weights are named: bold and italic are synthesised, as for CJK.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bundler.cache import cache_root, make_key
from bundler.files import write_atomically

#: The CJK serif faces (one collection holds JP, KR, SC, TC and HK; each has every CJK glyph).
CJK_COLLECTION = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")
#: Where Debian's fonts-noto-core puts one face a script.
SYSTEM_FACE_DIRS = (Path("/usr/share/fonts/truetype/noto"),)
#: Families the project ships itself (styles/fonts): never taken from the system under the same name.
_SHIPPED_FAMILIES = frozenset({"Noto Serif", "Noto Naskh Arabic", "Noto Sans Math", "Noto Sans Symbols2", "Noto Emoji", "DejaVu Sans Mono"})
#: Variants of a script's face that are a second choice: display, UI, looped, unjoined, or a style of a script.
_SECOND_CHOICE = re.compile(r"Display|UI|Looped|Unjoined|Mono|Kufi|Nastaliq|Rashi|Music|Indic Siyaq|Mayan")


@dataclass(frozen=True)
class ScriptFace:
    """An installed face the book names for some of its characters."""

    family: str
    path: str
    index: int = 0  # in a font collection (.ttc)

    @property
    def file_name(self) -> str:
        """Its name inside an EPUB: the file's own, or the collection member's PostScript-like name."""
        if self.index or self.path.endswith(".ttc"):
            return self.family.replace(" ", "") + "-Regular.otf"
        return Path(self.path).name

    @property
    def media_type(self) -> str:
        return "font/otf" if self.file_name.endswith(".otf") else "font/ttf"


#: The CJK face of each language (the CSS names the same ones, common.css); Japanese's is the default.
CJK_FACES = {
    "ja": ScriptFace("Noto Serif CJK JP", str(CJK_COLLECTION), 0),
    "ko": ScriptFace("Noto Serif CJK KR", str(CJK_COLLECTION), 1),
    "zh": ScriptFace("Noto Serif CJK SC", str(CJK_COLLECTION), 2),
    "zh-hans": ScriptFace("Noto Serif CJK SC", str(CJK_COLLECTION), 2),
    "zh-hant": ScriptFace("Noto Serif CJK TC", str(CJK_COLLECTION), 3),
    "zh-tw": ScriptFace("Noto Serif CJK TC", str(CJK_COLLECTION), 3),
    "zh-hk": ScriptFace("Noto Serif CJK HK", str(CJK_COLLECTION), 4),
}
DEFAULT_CJK_FACE = CJK_FACES["ja"]


def cjk_face_for(language: str) -> ScriptFace | None:
    """The CJK face text in ``language`` is set in (``zh-Hant-TW`` -> TC), None for other languages."""
    tag = language.lower().replace("_", "-")
    while tag:
        if tag in CJK_FACES:
            return CJK_FACES[tag]
        tag = tag.rpartition("-")[0]
    return None


@cache
def face_codepoints(path: str, index: int = 0) -> frozenset[int]:
    """The code points a face has glyphs for (nothing when the file is not installed)."""
    if not Path(path).is_file():
        return frozenset()
    return frozenset(_face_facts(path, index)[1])


@cache
def _face_facts(path: str, index: int) -> tuple[str, tuple[int, ...]]:
    """(family name, code points) of an installed face, read once per font file and kept across builds.

    Reading the character maps of the ~190 faces of ``fonts-noto-core`` costs about a second, paid
    by every build that asks which face covers a character; the answer only changes when the file
    does, so it is kept in the user's cache under the file's path, size and modification time. A
    damaged or unreadable entry is read from the font again.
    """
    stat = Path(path).stat()
    entry = cache_root(None, "fonts", make_key("installed-face", path, index, stat.st_size, stat.st_mtime_ns) + ".json")
    try:
        family, ranges = json.loads(entry.read_text(encoding="utf-8"))
        return str(family), tuple(code for first, last in ranges for code in range(first, last + 1))
    except (OSError, ValueError, TypeError):
        pass
    family, codepoints = _read_face(path, index)
    text = json.dumps([family, _ranges(codepoints)])
    try:
        write_atomically(entry, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    except OSError:
        pass  # a read-only or full cache only costs the next build the same second
    return family, codepoints


def _read_face(path: str, index: int) -> tuple[str, tuple[int, ...]]:
    from fontTools.ttLib import TTFont

    with TTFont(path, fontNumber=index, lazy=True) as font:
        family = font["name"].getDebugName(16) or font["name"].getDebugName(1) or Path(path).stem
        return family, tuple(sorted(font.getBestCmap() or {}))


def _ranges(codepoints: tuple[int, ...]) -> list[list[int]]:
    """Sorted code points as [first, last] runs (a face's map is mostly runs)."""
    runs: list[list[int]] = []
    for code in codepoints:
        if runs and runs[-1][1] == code - 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return runs


@cache
def system_script_faces() -> tuple[ScriptFace, ...]:
    """Every installed one-script face (regular weight), in order of preference: serif, sans, the rest."""
    faces = []
    for folder in SYSTEM_FACE_DIRS:
        for path in sorted(folder.glob("*-Regular.[ot]tf")) if folder.is_dir() else ():
            family = _face_facts(str(path), 0)[0]
            if family not in _SHIPPED_FAMILIES:
                faces.append(ScriptFace(family, str(path)))
    return tuple(sorted(faces, key=_preference))


def _preference(face: ScriptFace) -> tuple[int, str]:
    rank = 2 if _SECOND_CHOICE.search(face.family) else 0 if face.family.startswith("Noto Serif") else 1
    return rank, face.family


@cache
def installed_codepoints() -> frozenset[int]:
    """Every code point some installed script face or CJK face can draw."""
    covered: set[int] = set(face_codepoints(str(CJK_COLLECTION)))
    for face in system_script_faces():
        covered |= face_codepoints(face.path, face.index)
    return frozenset(covered)


def choose_script_faces(needed: frozenset[int]) -> tuple[ScriptFace, ...]:
    """Installed faces that cover ``needed`` (code points the project's faces lack), fewest first-choice faces."""
    remaining = set(needed) & installed_codepoints()
    chosen: list[ScriptFace] = []
    candidates = list(system_script_faces())
    while remaining and candidates:
        best = max(candidates, key=lambda face: _score(face, remaining, candidates.index(face)))
        hits = remaining & face_codepoints(best.path)
        if not hits:
            break
        chosen.append(best)
        candidates.remove(best)
        remaining -= hits
    return tuple(sorted(chosen, key=_preference))


def _score(face: ScriptFace, remaining: set[int], rank: int) -> tuple[int, int, int]:
    """More characters first; on a tie, the face named after their script (Tamil digits: Noto Serif Tamil, not Grantha)."""
    hits = remaining & face_codepoints(face.path)
    squeezed = face.family.replace(" ", "").lower()
    named = sum(unicodedata.name(chr(code), " ").split(" ")[0].lower() in squeezed for code in hits)
    return len(hits), named, -rank


_FONT_FAMILY = re.compile(r"(font-family\s*:\s*)([^;{}]*,[^;{}]*?)(\s*(?:!important\s*)?[;}])")
_GENERIC = re.compile(r",\s*(serif|sans-serif|monospace|cursive|fantasy|system-ui)\s*$")


def name_families(css: str, families: tuple[str, ...]) -> str:
    """Every font stack of ``css`` (a font-family with more than one name) with ``families`` before its generic family.

    ``@font-face`` rules name one family each, so they are left as they are.
    """
    if not families:
        return css
    quoted = ", ".join(f'"{family}"' for family in families)

    def extend(match: re.Match[str]) -> str:
        stack = match.group(2).rstrip()
        generic = _GENERIC.search(stack)
        if generic:
            stack = f"{stack[: generic.start()]}, {quoted}{stack[generic.start() :]}"
        else:
            stack = f"{stack}, {quoted}"
        return match.group(1) + stack + match.group(3)

    return _FONT_FAMILY.sub(extend, css)


def font_face_rules(faces: tuple[ScriptFace, ...], url_of) -> str:
    """One ``@font-face`` rule a face, its source given by ``url_of(face)``."""
    return "".join(
        f'@font-face {{ font-family: "{face.family}"; font-style: normal; font-weight: normal; src: url("{url_of(face)}"); }}\n'
        for face in faces
    )
