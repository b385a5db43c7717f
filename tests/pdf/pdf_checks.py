"""Reading PDFs back with real libraries (pypdf, pikepdf): text, outline, fonts."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pikepdf
from pypdf import PdfReader

from bundler.exporters.pdf.checksums import checksums_heading, hashed_files
from bundler.model import Dossier
from bundler.render.xhtml import labels_for

_BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """Extracted text in a comparable form: Arabic presentation forms folded, bidi controls dropped."""
    return _BIDI_CONTROLS.sub("", unicodedata.normalize("NFKC", text))


def page_texts(path: Path) -> list[str]:
    """The text of every page, in logical order as pypdf extracts it."""
    return [clean(page.extract_text()) for page in PdfReader(path).pages]


def outline(path: Path) -> list[tuple[str, list[str]]]:
    """Top-level bookmark titles, each with its children's titles."""
    with pikepdf.open(path) as pdf, pdf.open_outline() as tree:
        return [(item.title, [child.title for child in item.children]) for item in tree.root]


def expected_outline(dossier: Dossier) -> list[tuple[str, list[str]]]:
    """Front matter, sections with their pieces in order, back matter, the sources list, then the checksums page."""
    entries = [(page.title, []) for page in dossier.front_matter]
    entries += [(section.title, [piece.title for piece in section.pieces]) for section in dossier.sections]
    entries += [(page.title, []) for page in dossier.back_matter]
    entries.append((labels_for(dossier.language)["sources"], []))
    if hashed_files(dossier):  # each original's SHA-256 (exporters/pdf/checksums.py)
        entries.append((checksums_heading(dossier), []))
    return entries


def fonts(path: Path) -> list[pikepdf.Dictionary]:
    """Every font dictionary used by the pages, including inside form XObjects (imposed sheets)."""
    found: dict[tuple[int, int], pikepdf.Dictionary] = {}

    def visit(resources) -> None:
        for font in (resources.get("/Font") or {}).values():
            found[font.objgen] = font
        for xobject in (resources.get("/XObject") or {}).values():
            if xobject.get("/Subtype") == "/Form" and "/Resources" in xobject:
                visit(xobject.Resources)

    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            visit(page.resources)
        return [_font_summary(font) for font in found.values()]


def _font_summary(font: pikepdf.Dictionary) -> dict:
    descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
    descriptor = descendant.get("/FontDescriptor") or {}
    return {
        "name": str(font.get("/BaseFont", "")).lstrip("/"),
        "embedded": any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")),
        "unicode": "/ToUnicode" in font,
    }


_ARABIC = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"


def words_of(text: str) -> list[str]:
    """Words without punctuation, so a mixed-direction line matches whatever order extraction gives.

    A change of script ends a word too: an isolated English run is drawn apart from the Arabic
    beside it, and extraction may give the two without the space between them.
    """
    return re.findall(f"[{_ARABIC}]+|[^\\W\\d{_ARABIC}]+|\\d+", clean(text))


def contents_entry(toc_page: str, title: str) -> int:
    """The page number the contents page prints for ``title``."""
    wanted = words_of(title)
    for line in toc_page.splitlines():
        words = words_of(line)
        if all(word in words for word in wanted):
            numbers = [w for w in words if w.isdigit() and w not in wanted]
            if numbers:
                return int(numbers[-1] if len(numbers) == 1 else "".join(numbers))
    raise AssertionError(f"{title!r} is not on the contents page")


def shows_title(page: str, title: str) -> bool:
    """True when a line, or two, of ``page`` is the title (a heading or running head), in any word order."""
    wanted = sorted(words_of(title))
    lines = page.splitlines()
    candidates = lines + [f"{a} {b}" for a, b in zip(lines, lines[1:], strict=False)]
    return any(sorted(words_of(line)) == wanted for line in candidates)
