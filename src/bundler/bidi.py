"""Give every run of the other script its own element with ``lang`` and ``dir``.

An English name inside an Arabic sentence (or the reverse) is laid out by the Unicode
bidi algorithm from its neighbours' direction; punctuation and numbers next to it then
land on the wrong side, and screen readers read it with the wrong voice. Markup fixes
both: each minority-script run is wrapped in ``<span lang dir>`` (OUTPUT-QUALITY E4.2),
which HTML isolates. Embedding and override controls (U+202A–202E) leak as visible junk
in some readers and are stripped (E4.5); marks and isolates are kept.
"""

from __future__ import annotations

import re

from lxml import etree

from bundler.text import direction_of

XHTML = "http://www.w3.org/1999/xhtml"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_AR = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
_LA = "A-Za-z\u00c0-\u024f"
_JOINERS = r"\s\d.,:;!?'’‘\"“”()&/%\-–«»\u200c\u200d"
#: A run starts and ends on a letter of its script; spaces, digits and punctuation inside it belong to it.
_ARABIC_RUN = re.compile(f"[{_AR}](?:[{_AR}{_JOINERS}]*[{_AR}])?")
_LATIN_RUN = re.compile(f"[{_LA}](?:[{_LA}{_JOINERS}]*[{_LA}\\d])?")
_CONTROLS = re.compile("[\u202a-\u202e]")
_SKIP = {f"{{{XHTML}}}{name}" for name in ("head", "title", "style", "script")}


def strip_controls(text: str) -> str:
    """Remove bidi embedding/override controls (U+202A–202E)."""
    return _CONTROLS.sub("", text)


def wrap_mixed_runs(root: etree._Element, latin_language: str = "en") -> None:
    """Wrap minority-script runs of every text node under ``root`` (in place)."""
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue
        for name, value in element.attrib.items():
            if _CONTROLS.search(value):
                element.set(name, strip_controls(value))
        if element.tag in _SKIP or any(a.tag in _SKIP for a in element.iterancestors()):
            continue
        if element.text:
            element.text = strip_controls(element.text)
            _wrap_text(element, None, _direction(element), latin_language)
        parent = element.getparent()
        if element.tail and parent is not None:
            element.tail = strip_controls(element.tail)
            _wrap_text(parent, element, _direction(parent), latin_language)


def wrap_document(xhtml: bytes, latin_language: str = "en") -> bytes:
    """Parse a whole XHTML document, wrap its mixed runs and serialise it again."""
    parser = etree.XMLParser(resolve_entities=False, remove_blank_text=False)
    tree = etree.fromstring(xhtml, parser).getroottree()
    wrap_mixed_runs(tree.getroot(), latin_language)
    return etree.tostring(tree, encoding="utf-8", xml_declaration=True, doctype="<!DOCTYPE html>")


def _direction(element: etree._Element) -> str:
    for node in (element, *element.iterancestors()):
        value = node.get("dir")
        if value in {"ltr", "rtl"}:
            return value
    return "ltr"


def _runs(text: str, direction: str) -> list[tuple[int, int]]:
    """(start, end) of each run; a run keeps the closing bracket of a bracket it opened."""
    spans = []
    for match in (_LATIN_RUN if direction == "rtl" else _ARABIC_RUN).finditer(text):
        start, end = match.span()
        if text[end : end + 1] == ")" and match.group(0).count("(") > match.group(0).count(")"):
            end += 1
        spans.append((start, end))
    return spans


def _wrap_text(parent: etree._Element, before: etree._Element | None, direction: str, latin_language: str) -> None:
    """Split ``parent.text`` (before is None) or ``before.tail`` into text and wrapped runs."""
    text = parent.text if before is None else before.tail
    runs = _runs(text or "", direction)
    if not runs:
        return
    language = latin_language if direction == "rtl" else "ar"
    pieces, last = [], 0
    for start, end in runs:
        pieces.append((text[last:start], text[start:end]))
        last = end
    index = 0 if before is None else parent.index(before) + 1
    if before is None:
        parent.text = pieces[0][0]
    else:
        before.tail = pieces[0][0]
    for number, (_, run) in enumerate(pieces):
        span = etree.Element(f"{{{XHTML}}}span", {"lang": language, _XML_LANG: language, "dir": direction_of(language)})
        span.text = run
        following = pieces[number + 1][0] if number + 1 < len(pieces) else text[last:]
        span.tail = following
        parent.insert(index + number, span)
