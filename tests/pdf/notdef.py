"""Where a PDF draws .notdef: glyph 0 shown by a text operator, read from the content streams with pikepdf.

WeasyPrint writes every font as a Type0 font with two-byte codes. A character no face had
gets an unused code of the first face, and that font's encoding is then a CMap (not
Identity-H) that maps such codes to CID 0, the .notdef glyph: the empty box a reader sees.
So a code is .notdef when it is 0 or when the font's CMap sends it to CID 0. Forms
(XObjects) are read too: a book laid out in parts draws its running heads in overlays.
"""

from __future__ import annotations

import re
from pathlib import Path

import pikepdf

_CID_CHAR = re.compile(rb"<([0-9a-fA-F]{4})>\s+(\d+)")


def notdef_pages(pdf: Path) -> list[int]:
    """The (1-based) pages on which some text operator shows glyph 0 of a two-byte font."""
    with pikepdf.open(pdf) as document:
        return [number for number, page in enumerate(document.pages, start=1) if _draws_notdef(page.obj, set())]


def _draws_notdef(container, seen: set) -> bool:
    resources = container.get("/Resources") or {}
    fonts = resources.get("/Font") or {}
    notdef: frozenset[int] = frozenset()
    for operands, operator in pikepdf.parse_content_stream(container):
        name = str(operator)
        if name == "Tf":
            notdef = _notdef_codes(fonts.get(str(operands[0])))
        elif name in {"Tj", "'", '"', "TJ"} and notdef:
            strings = operands[0] if name == "TJ" else [operands[-1]]
            for item in strings:
                if isinstance(item, pikepdf.String) and _codes(bytes(item)) & notdef:
                    return True
        elif name == "Do":
            xobject = (resources.get("/XObject") or {}).get(str(operands[0]))
            if xobject is not None and xobject.get("/Subtype") == "/Form" and xobject.objgen not in seen:
                seen.add(xobject.objgen)
                if _draws_notdef(xobject, seen):
                    return True
    return False


def _notdef_codes(font) -> frozenset[int]:
    """The codes of a two-byte font that show CID 0 (empty for a simple font)."""
    if font is None or font.get("/Subtype") != "/Type0":
        return frozenset()
    encoding = font.get("/Encoding")
    codes = {0}
    if isinstance(encoding, pikepdf.Stream):
        codes |= {int(code, 16) for code, cid in _CID_CHAR.findall(encoding.read_bytes()) if int(cid) == 0}
    return frozenset(codes)


def _codes(shown: bytes) -> set[int]:
    return {int.from_bytes(shown[i : i + 2], "big") for i in range(0, len(shown) - 1, 2)}
