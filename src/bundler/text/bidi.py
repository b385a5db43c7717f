"""Give every run of the other direction its own element with ``lang`` and ``dir``.

An English sentence inside an Arabic paragraph (or the reverse) is laid out by the
Unicode bidi algorithm (UAX #9) from its neighbours' direction: punctuation, numbers and
URL slashes next to it land on the wrong side, two English runs separated by a comma swap
places, and screen readers use the wrong voice. Markup fixes all of it: each run of the
other direction is wrapped in ``<span lang dir>``, which HTML isolates (``unicode-bidi:
isolate``), and which WeasyPrint lays out as one unit in its own direction. The wrapping is
done on the rendered XHTML of every edition (EPUB, PDF, HTML), so they cannot disagree.

How a run is found, per paragraph (a block element, or an element that carries ``dir``),
across its inline elements (``<a>``, ``<em>``, ``<span class="source-title">``…):

1. Characters are classed by their Unicode bidi class: strong left-to-right (``L``),
   strong right-to-left (``R``, ``AL``), and everything else (spaces, digits, punctuation),
   which is neutral here. URLs, e-mail addresses, file names and hashes are strong
   left-to-right as a whole, so a URL is always one left-to-right unit, slashes and all.
2. A run is a maximal stretch from one strong character of the other direction to the
   last one, with only neutrals between (UAX #9 rule N1: neutrals between two strong
   characters of one direction take that direction). So adjacent runs of one direction
   separated by a comma or an element boundary become one unit ("Reading circles, bundler
   example editors" keeps its order in an Arabic colophon).
3. A bracket or quote opened inside the run keeps its closing partner; a quote or bracket
   just before the run whose partner closes it joins it (“Reading & Writing”).
4. Sentence punctuation (``. ! ? …``) right after a run belongs to the run when the run is
   a sentence of its own: it starts with a capital letter where a sentence starts (at the
   paragraph's start or after ``. ! ? ؟ :``). A foreign word or name inside a sentence
   ("… محررو bundler.", "الصور: bundler example editors.") leaves the full stop to the
   sentence around it, which is how an Arabic writer's full stop after an English name reads.
   European digits take the direction of the letter before them (UAX #9 W2, W7), so
   "bundler 0.1.0" is one run and "في 2016" is not split; the Arabic comma ``،`` counts as
   Arabic, so "bundler 0.1.0، 10 مايو" keeps the day with its month.
5. A paragraph whose strong characters are all of the other direction (an English title in
   an Arabic contents page) is wrapped whole, quotes and final punctuation included.

Embedding and override controls (U+202A–202E) leak as visible junk in some readers and
are stripped (E4.5); marks and isolates are kept.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from lxml import etree

from bundler.text.plain import direction_of

XHTML = "http://www.w3.org/1999/xhtml"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_CONTROLS = re.compile("[\u202a-\u202e]")
_SKIP = {f"{{{XHTML}}}{name}" for name in ("head", "title", "style", "script", "pre")}
#: Inline elements take part in their paragraph's text; everything else is a paragraph of its own.
_INLINE = {
    f"{{{XHTML}}}{name}"
    for name in "a abbr b bdi cite code data dfn em i kbd mark q s samp small span strong sub sup time u var wbr".split()
}
_OBJECT = "\ufffc"  # stands for a nested paragraph or an element with its own dir: a neutral, like an isolate
#: Always one left-to-right unit: URLs, e-mail addresses, file names, hashes (a reader types them back).
_TECHNICAL = re.compile(
    r"(?:[a-z][a-z0-9+.-]*://|www\.)[^\s<>\"«»]*[^\s<>\"«».,;:!?)\]’”'،؛؟]"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|(?<![\w/])[\w-]+(?:/[\w.-]+)*\.[A-Za-z][A-Za-z0-9]{0,4}\b"
    r"|\b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*[0-9])[0-9a-f]{7,64}\b",
    re.IGNORECASE | re.ASCII,
)
_SENTENCE_END = ".!?…"
_OPENERS = {"(": ")", "[": "]", "{": "}", "“": "”", "‘": "’", '"': '"', "'": "'", "«": "»"}


#: Separators editors put between the two halves of a bilingual title.
_HALVES = re.compile(r"\s+[—–/|]\s+")


def bilingual_halves(text: str) -> list[str]:
    """The halves of a title written in both directions ("مكتبة الحي — The neighbourhood library"), or ``[text]``.

    A cover or title page sets each half on its own line, isolated: one line holding both
    would break inside one half and put the dash on the wrong side of the other.
    """
    halves = _HALVES.split(text.strip())
    if len(halves) == 2 and {first_strong_direction(half) for half in halves} == {"ltr", "rtl"}:
        return halves
    return [text]


def first_strong_direction(text: str) -> str:
    """The direction of the first strong character (UAX #9 rules P2–P3), or "" when there is none."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return "ltr"
        if kind in {"R", "AL"}:
            return "rtl"
    return ""


def strip_controls(text: str) -> str:
    """Remove bidi embedding/override controls (U+202A–202E)."""
    return _CONTROLS.sub("", text)


def wrap_mixed_runs(root: etree._Element, latin_language: str = "en") -> None:
    """Wrap every run of the other direction under ``root`` (in place)."""
    markup = etree.tostring(root, encoding="unicode")  # every text, tail and attribute under root, for the checks below
    if _CONTROLS.search(markup):
        _strip_all_controls(root)
    if not _may_hold_runs(root, markup):
        return
    for container in [e for e in root.iter() if _is_paragraph(e, root) and not _skipped(e)]:
        _wrap_paragraph(container, latin_language)


def _strip_all_controls(root: etree._Element) -> None:
    """Remove bidi embedding and override controls from every attribute, text and tail under ``root``."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in element.attrib.items():
            if _CONTROLS.search(value):
                element.set(name, strip_controls(value))
        if element.text:
            element.text = strip_controls(element.text)
        if element.tail:
            element.tail = strip_controls(element.tail)


def _may_hold_runs(root: etree._Element, markup: str) -> bool:
    """False when no paragraph under ``root`` can hold a run to wrap, known without walking each paragraph.

    Every paragraph is left-to-right unless some element (``root``, one inside it or above it)
    says ``dir="rtl"``, and a left-to-right paragraph is wrapped only where it has a right-to-left
    letter (``_wrap_paragraph``); its text is part of ``markup``, ``root`` serialised by lxml in one
    pass (tags and attributes too, which can only make this answer True more often). A dossier in
    Latin script alone is the common case: walking its ~6,000 paragraphs in Python, and every
    element for controls, only to find nothing was ~0.25 s of a 200-piece HTML edition's write.
    """
    if root.xpath('boolean(ancestor-or-self::*[@dir="rtl"] | descendant::*[@dir="rtl"])'):
        return True
    return _RTL_LETTER.search(markup) is not None


def wrap_document(xhtml: bytes, latin_language: str = "en") -> bytes:
    """Parse a whole XHTML document, wrap its mixed runs and serialise it again."""
    parser = etree.XMLParser(resolve_entities=False, remove_blank_text=False)
    tree = etree.fromstring(xhtml, parser).getroottree()
    wrap_mixed_runs(tree.getroot(), latin_language)
    return etree.tostring(tree, encoding="utf-8", xml_declaration=True, doctype="<!DOCTYPE html>")


_VOID = {f"{{{XHTML}}}{name}" for name in "area base br col embed hr img input link meta source track wbr".split()}


def wrap_markup(xhtml: str, latin_language: str = "en") -> str:
    """``wrap_document`` for a document WeasyPrint will read (the PDF editions): text in, text out.

    WeasyPrint parses HTML, where ``<div/>`` opens a div that never closes, so every empty
    element other than a void one is written with its end tag.
    """
    parser = etree.XMLParser(resolve_entities=False, remove_blank_text=False)
    tree = etree.fromstring(xhtml.encode("utf-8"), parser).getroottree()
    wrap_mixed_runs(tree.getroot(), latin_language)
    for element in tree.iter():
        if isinstance(element.tag, str) and element.text is None and len(element) == 0 and element.tag not in _VOID:
            element.text = ""
    serialised = etree.tostring(tree, encoding="utf-8", xml_declaration=True, doctype="<!DOCTYPE html>")
    return serialised.decode("utf-8")


def _is_paragraph(element: etree._Element, root: etree._Element) -> bool:
    """True for an element whose text is laid out as its own bidi paragraph (or isolate)."""
    if not isinstance(element.tag, str):
        return False
    return (
        element is root
        or element.tag not in _INLINE
        or element.get("dir") in {"ltr", "rtl"}
        or "footnote-inline" in element.get("class", "")
    )


def _skipped(element: etree._Element) -> bool:
    return any(node.tag in _SKIP for node in (element, *element.iterancestors()))


def _direction(element: etree._Element) -> str:
    for node in (element, *element.iterancestors()):
        value = node.get("dir")
        if value in {"ltr", "rtl"}:
            return value
    return "ltr"


@dataclass(frozen=True)
class _Slot:
    """A piece of a paragraph's text: ``node.text`` or ``node.tail``, starting at ``start`` in the paragraph."""

    node: etree._Element
    tail: bool
    start: int


def _flow(container: etree._Element) -> tuple[str, list[_Slot]]:
    """The paragraph's text across its inline elements, nested paragraphs as one neutral character."""
    parts: list[str] = []
    slots: list[_Slot] = []
    length = 0

    def add(node: etree._Element, tail: bool) -> None:
        nonlocal length
        text = (node.tail if tail else node.text) or ""
        slots.append(_Slot(node, tail, length))
        parts.append(text)
        length += len(text)

    def walk(element: etree._Element) -> None:
        nonlocal length
        add(element, False)
        for child in element:
            if not isinstance(child.tag, str):
                pass
            elif _is_paragraph(child, container) or child.tag in _SKIP:
                parts.append(_OBJECT)
                length += 1
            else:
                walk(child)
            add(child, True)

    walk(container)
    return "".join(parts), slots


_WORD = re.compile(r"(?P<word>[^\W\d_]+)|(?P<number>\d+)|،")


def _classes(text: str) -> list[str]:
    """'L', 'R' or 'N' (neutral) per character; technical tokens are 'L' throughout.

    Words are classed whole (a word is in one script; one that mixes them is classed letter by
    letter), so a paragraph costs a regular-expression pass, not a Python step per character.
    """
    classes = ["N"] * len(text)
    strong = "N"
    for match in _WORD.finditer(text):
        start, end = match.span()
        if match.lastgroup == "number":
            kind = unicodedata.bidirectional(text[start])
            if kind == "EN":  # European digits take the direction of the letter before them (UAX #9 W2, W7)
                classes[start:end] = [strong] * (end - start)
            continue
        if match.lastgroup is None:  # the Arabic comma belongs to Arabic text (it is CS in UAX #9)
            strong = classes[start] = "R"
            continue
        first, last = _letter_class(text[start]), _letter_class(text[end - 1])
        if first == last != "N":
            strong = first
            classes[start:end] = [first] * (end - start)
            continue
        for index in range(start, end):  # a word mixing scripts (or starting with a mark): letter by letter
            if (kind := _letter_class(text[index])) != "N":
                strong = classes[index] = kind
    for match in _TECHNICAL.finditer(text):
        classes[match.start() : match.end()] = ["L"] * (match.end() - match.start())
    return classes


@functools.lru_cache(maxsize=4096)
def _letter_class(char: str) -> str:
    kind = unicodedata.bidirectional(char)
    return "L" if kind == "L" else "R" if kind in {"R", "AL"} else "N"


def find_runs(text: str, direction: str) -> list[tuple[int, int]]:
    """(start, end) of each run of the other direction in a paragraph's text (rules in the module docstring).

    A nested paragraph (a list inside a list item) separates the text around it: runs are
    found in each stretch between them.
    """
    runs: list[tuple[int, int]] = []
    offset = 0
    for stretch in text.split(_OBJECT):
        runs += [(offset + start, offset + end) for start, end in _stretch_runs(stretch, direction)]
        offset += len(stretch) + 1
    return runs


def _stretch_runs(text: str, direction: str) -> list[tuple[int, int]]:
    classes = _classes(text)
    other, own = ("L", "R") if direction == "rtl" else ("R", "L")
    if other not in classes:
        return []
    if own not in classes:  # all of it in the other direction: wrap it whole
        return [(len(text) - len(text.lstrip()), len(text.rstrip()))]
    runs: list[tuple[int, int]] = []
    for match in re.finditer(f"{other}[^{own}]*", "".join(classes)):
        start = match.start()
        if runs and start < runs[-1][1]:
            continue
        runs.append(_extend(text, start, start + match.group(0).rfind(other) + 1))
    return runs


def _extend(text: str, start: int, end: int) -> tuple[int, int]:
    """A run with its brackets and quotes balanced and, for a sentence, its final punctuation."""
    while end < len(text) and text[end] in _SENTENCE_END and _is_sentence(text, start, end):
        end += 1
    if start > 0 and text[start - 1] in _OPENERS:  # “Books & Bread”: the quote opened just before joins
        with_opener = _close_brackets(text, start - 1, end)
        if with_opener is not None:
            return start - 1, with_opener
    closed = _close_brackets(text, start, end)
    return start, end if closed is None else closed


def _close_brackets(text: str, start: int, end: int) -> int | None:
    """``end`` moved past the closers of brackets and quotes opened in ``text[start:end]``, or None if one stays open."""
    stack: list[str] = []
    for char in text[start:end]:
        if stack and char == _OPENERS[stack[-1]]:
            stack.pop()
        elif char in _OPENERS:
            stack.append(char)
    while stack:  # the closer, perhaps after a mark or two ("(SHA-256 48fe…)")
        closer = end
        while closer < min(len(text), end + 3) and text[closer] != _OPENERS[stack[-1]] and _is_mark(text[closer]):
            closer += 1
        if closer >= len(text) or text[closer] != _OPENERS[stack[-1]]:
            return None
        stack.pop()
        end = closer + 1
    return end


def _is_mark(char: str) -> bool:
    return not (char.isspace() or char.isalnum())


def _is_sentence(text: str, start: int, end: int) -> bool:
    """Rule 4: the run starts with a capital letter where a sentence starts."""
    before = text[:start].rstrip()
    return text[start].isupper() and (not before or before[-1] in ".!?؟:")


#: Right-to-left letters (Hebrew to Arabic, N'Ko, Syriac, Thaana, their presentation forms) and left-to-right ones.
_RTL_LETTER = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
_LTR_LETTER = re.compile("(?![\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc])[^\\W\\d_]")


def _wrap_paragraph(container: etree._Element, latin_language: str) -> None:
    direction = _direction(container)
    text, slots = _flow(container)
    if not (_RTL_LETTER if direction == "ltr" else _LTR_LETTER).search(text):
        return  # nothing of the other direction: most paragraphs, skipped without classing each character
    language = latin_language if direction == "rtl" else "ar"
    for start, end in reversed(find_runs(text, direction)):
        _wrap_run(slots, start, end, language)


def _locate(slots: list[_Slot], position: int) -> tuple[_Slot, int]:
    """The slot holding the character at ``position`` and its offset there."""
    for slot in slots:
        length = len((slot.node.tail if slot.tail else slot.node.text) or "")
        if slot.start <= position < slot.start + length:
            return slot, position - slot.start
    raise ValueError(f"no text at {position}")


def _point(slot: _Slot, offset: int) -> tuple[etree._Element, int, int]:
    """(parent, index, offset): the place in the text slot before child ``index`` of ``parent``."""
    if slot.tail:
        parent = slot.node.getparent()
        return parent, parent.index(slot.node) + 1, offset
    return slot.node, 0, offset


def _slot_text(parent: etree._Element, index: int) -> str:
    return (parent.text if index == 0 else parent[index - 1].tail) or ""


def _set_slot_text(parent: etree._Element, index: int, text: str) -> None:
    if index == 0:
        parent.text = text
    else:
        parent[index - 1].tail = text


def _wrap_run(slots: list[_Slot], start: int, end: int, language: str) -> None:
    """Wrap the paragraph text from ``start`` to ``end`` in one span, or per slot where elements cross it.

    The span goes in the innermost element holding the whole run (a contents entry's ``<a>``
    keeps its leader and page number outside the span); it takes in whole inline elements
    the run covers from their start or to their end.
    """
    first_slot, first_offset = _locate(slots, start)
    last_slot, last_offset = _locate(slots, end - 1)
    first = _point(first_slot, first_offset)
    last = _point(last_slot, last_offset + 1)
    common = _common_ancestor(first[0], last[0])
    first, last = _climb_start(*first, common), _climb_end(*last, common)
    if first[0] is common and last[0] is common and first[1:] < last[1:]:
        _wrap_range(common, *first[1:], *last[1:], language)
        return
    for slot in reversed(slots):  # the run crosses element boundaries unevenly: wrap its part of each text
        text = (slot.node.tail if slot.tail else slot.node.text) or ""
        low, high = max(start, slot.start) - slot.start, min(end, slot.start + len(text)) - slot.start
        if low < high and text[low:high].strip():
            low += len(text[low:high]) - len(text[low:high].lstrip())
            high -= len(text[low:high]) - len(text[low:high].rstrip())
            parent, index, _ = _point(slot, low)
            _wrap_range(parent, index, low, index, high, language)


def _common_ancestor(first: etree._Element, second: etree._Element) -> etree._Element:
    chain = {id(node) for node in (second, *second.iterancestors())}
    return next(node for node in (first, *first.iterancestors()) if id(node) in chain)


def _climb_start(parent: etree._Element, index: int, offset: int, up_to: etree._Element) -> tuple[etree._Element, int, int]:
    """Move a run's start out of inline elements it begins at the very start of, up to ``up_to``."""
    while parent is not up_to and index == 0 and offset == 0:
        grand = parent.getparent()
        index = grand.index(parent)
        parent, offset = grand, len(_slot_text(grand, index))
    return parent, index, offset


def _climb_end(parent: etree._Element, index: int, offset: int, up_to: etree._Element) -> tuple[etree._Element, int, int]:
    """Move a run's end out of inline elements it ends at the very end of, up to ``up_to``."""
    while parent is not up_to and index == len(parent) and offset == len(_slot_text(parent, index)):
        grand = parent.getparent()
        parent, index, offset = grand, grand.index(parent) + 1, 0
    return parent, index, offset


def _wrap_range(parent: etree._Element, first: int, first_offset: int, last: int, last_offset: int, language: str) -> None:
    """Put the content of ``parent`` between two slot positions into a new ``<span lang dir>``."""
    span = etree.Element(f"{{{XHTML}}}span", {"lang": language, _XML_LANG: language, "dir": direction_of(language)})
    opening = _slot_text(parent, first)
    if first == last:
        span.text = opening[first_offset:last_offset]
        span.tail = opening[last_offset:]
    else:
        span.text = opening[first_offset:]
        closing = _slot_text(parent, last)
        for child in list(parent)[first:last]:
            span.append(child)  # moves the child with its tail
        span[-1].tail = closing[:last_offset]
        span.tail = closing[last_offset:]
    _set_slot_text(parent, first, opening[:first_offset])
    parent.insert(first, span)
