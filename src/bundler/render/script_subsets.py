"""The CJK and other script faces an EPUB carries: one subset a face, holding the characters it draws.

An e-reader without a Japanese or Korean font shows boxes where the book names "Noto Serif CJK
JP"; so the book carries the face, cut to the characters the reader will take from it. Which
characters those are follows the font stacks of common.css: text in a CJK language takes
every character its language's face has (the face is first in the stack); text in any other
language takes from the CJK face (Japanese's, the stacks' default) only what the project's
faces lack; what neither has goes to the installed face ``script_faces`` chooses for it. Only
faces some character needs are shipped, so a Latin book carries none. HarfBuzz subsets with
the settings of ``render/fonts.py`` (no hinting, every name record, default shaping features):
the same text gives the same bytes.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lxml import etree

from bundler.cache import ContentCache, make_key
from bundler.render.fonts import SUBSET_RECIPE_VERSION, subset_font
from bundler.render.glyph_coverage import is_drawn, project_codepoints
from bundler.render.script_faces import (
    DEFAULT_CJK_FACE,
    ScriptFace,
    choose_script_faces,
    cjk_face_for,
    face_codepoints,
    font_face_rules,
    name_families,
)

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_SKIPPED = frozenset({"style", "script", "head"})
#: A ``lang`` or ``xml:lang`` attribute's value in serialised XHTML, either quote.
_LANG_VALUE = re.compile(rb"""lang\s*=\s*(?:"([^"]*)"|'([^']*)')""")


@dataclass(frozen=True)
class ScriptSubset:
    """A subset of an installed face, ready to be added to the book."""

    face: ScriptFace
    data: bytes


def characters_by_language(documents: Iterable[bytes]) -> dict[str, set[str]]:
    """The drawn characters of XHTML documents by the language they are in (``lang``/``xml:lang``, inherited)."""
    found: dict[str, set[str]] = defaultdict(set)
    for document in documents:
        root = etree.fromstring(document, etree.XMLParser(resolve_entities=False, huge_tree=True))
        _collect(root, "", found)
    return found


def _collect(element, language: str, found: dict[str, set[str]]) -> None:
    if not isinstance(element.tag, str):
        return
    local = etree.QName(element).localname
    language = element.get(_XML_LANG) or element.get("lang") or language
    if local not in _SKIPPED:
        found[language].update(element.text or "")
        for child in element:
            _collect(child, language, found)
    # the tail is in the parent's language; the caller adds it
    for child in element:
        if child.tail:
            found[language].update(child.tail)


def drawn_by_project_faces(documents: list[bytes]) -> bool:
    """True when the documents need no script face, known without parsing them (~0.07 s for a 200-piece book).

    Every drawn character of their bytes (markup included, a superset of their text) is one the
    project's faces have, and no ``lang`` names a CJK language: ``codepoints_by_face`` would then
    find nothing. A character reference (``&#...;``) or an entity in a ``lang`` value could hide
    a character or a language from this look, so such a document is parsed as before.
    """
    own = project_codepoints()
    for document in documents:
        if b"&#" in document:
            return False
        if any(ord(ch) not in own and is_drawn(ch) for ch in set(document.decode("utf-8"))):
            return False
        for double, single in _LANG_VALUE.findall(document):
            value = double or single
            if b"&" in value or cjk_face_for(value.decode("utf-8")) is not None:
                return False
    return True


def codepoints_by_face(by_language: dict[str, set[str]]) -> dict[ScriptFace, frozenset[int]]:
    """Each face the text takes characters from, with those characters (see the module's docstring)."""
    wanted: dict[ScriptFace, set[int]] = defaultdict(set)
    leftover: set[int] = set()
    own = project_codepoints()
    for language, characters in sorted(by_language.items()):
        codepoints = {ord(ch) for ch in characters if is_drawn(ch)}
        first = cjk_face_for(language)
        if first is not None:
            taken = codepoints & face_codepoints(first.path, first.index)
            wanted[first] |= taken
            codepoints -= taken
        codepoints -= own
        if not codepoints:  # the project's faces draw it all: the CJK face's map (~45,000 code points) is not built
            continue
        default = codepoints & face_codepoints(DEFAULT_CJK_FACE.path, DEFAULT_CJK_FACE.index)
        if default:
            wanted[DEFAULT_CJK_FACE] |= default
        leftover |= codepoints - default
    for face in choose_script_faces(frozenset(leftover)) if leftover else ():  # nothing left: no installed face's map is read
        wanted[face] |= leftover & face_codepoints(face.path, face.index)
    return {face: frozenset(points) for face, points in sorted(wanted.items(), key=lambda item: item[0].file_name) if points}


def subset_script_faces(documents: Iterable[bytes], store: ContentCache | None = None) -> tuple[ScriptSubset, ...]:
    """One subset a face the book's documents need beyond the project's fonts, in file-name order."""
    documents = list(documents)
    if drawn_by_project_faces(documents):
        return ()
    wanted = codepoints_by_face(characters_by_language(documents))
    return tuple(ScriptSubset(face, _subset(face, points, store)) for face, points in wanted.items())


def script_stylesheet(css: str, subsets: tuple[ScriptSubset, ...]) -> str:
    """``css`` (the book's, in ``styles/``) with an ``@font-face`` rule a subset and the script faces in every stack."""
    if not subsets:
        return css
    faces = tuple(subset.face for subset in subsets)
    named = tuple(face.family for face in faces if face.family not in css)  # CJK faces are in the stacks already
    return font_face_rules(faces, lambda face: f"fonts/{face.file_name}") + name_families(css, named)


def _subset(face: ScriptFace, codepoints: frozenset[int], store: ContentCache | None) -> bytes:
    key = make_key("script-subset", face.path, face.index, _file_size(face.path), sorted(codepoints), SUBSET_RECIPE_VERSION)
    found = store.read_bytes(key, ".font", "font subset") if store else None
    if found:
        return found
    data = _subset_now(face.path, face.index, codepoints)
    if store:
        store.store_bytes(key, data, ".font")
    return data


def _file_size(path: str) -> int:
    return Path(path).stat().st_size


@cache
def _subset_now(path: str, index: int, codepoints: frozenset[int]) -> bytes:
    """The subset of an installed face (one face of a collection when ``index`` says so)."""
    return subset_font(Path(path).read_bytes(), codepoints, path, index)
