"""Find footnotes and their references and turn them into model notes.

Handles the common markups: ``<sup><a href="#fn1" id="fnref1">1</a></sup>`` with an
``<ol class="footnotes">`` list, Markdown-it's ``footnote-ref``/``footnote-item``,
``<aside id="note-1">`` notes and old ``<a name="fn1">`` anchors. A reference becomes
``<a href="#note-ID">label</a>`` (the renderer makes two-way pop-up notes of those) and the
note's own element leaves the body.
"""

from __future__ import annotations

import re

from lxml import etree

from bundler.cleaning.blocks import inline_html
from bundler.cleaning.dom import compact_tokens, remove, text_length
from bundler.model import Note
from bundler.text.typography import normalise_space

_NOTE_WORDS = ("footnote", "endnote", "fn", "note", "notes", "footnotes", "endnotes", "reference", "references")
_BACKLINK_TEXT = re.compile(r"^\s*(↩︎?|↑|\^|\[?back\]?|return to text|\[?\d+\]?)\s*$", re.I)
_ID_SAFE = re.compile(r"[^A-Za-z0-9_-]+")
#: The elements with an ``id`` (``root`` too), in document order, found by libxml2 instead of a walk over every element.
_WITH_ID = etree.XPath("descendant-or-self::*[@id]")


def extract_notes(root, language: str, base_url: str = "") -> tuple[list[Note], set]:
    """Rewrite note references in place and return the notes plus the note containers.

    The containers are removed from the tree; callers pass nothing back. Returns the notes
    in order of first reference.
    """
    ids: dict = {}  # the page's anchors by id or name, gathered when a link first looks like a note marker
    notes: list[Note] = []
    seen: dict[str, str] = {}
    containers: set = set()
    for ref in _IN_PAGE_LINKS(root):
        href = ref.get("href")
        if len(href) < 2 or not _is_reference(ref):
            continue
        if not ids:  # before anything below has changed the page: the same anchors as gathered up front
            ids = _anchors(root)
        target = ids.get(href[1:])
        if target is None or _contains(target, ref):
            continue
        note_element = _note_element(target)
        if note_element is None:
            continue
        key = href[1:]
        if key not in seen:
            note_id = _ID_SAFE.sub("-", key).strip("-") or f"n{len(seen) + 1}"
            label = _label(ref) or str(len(seen) + 1)
            _drop_backlinks(note_element)
            body = inline_html(note_element, language, base_url)
            body = re.sub(r"^\s*\[?" + re.escape(label) + r"\]?[.):]?\s+", "", body)
            if not body:
                continue
            seen[key] = note_id
            notes.append(Note(id=note_id, html=body, label=label))
            containers.add(_container_of(note_element))
            remove(note_element)
        ref.attrib.clear()
        ref.set("href", f"#note-{seen[key]}")
        ref.text, ref[:] = _label(ref) or seen[key], []
    for container in containers:
        if container is not None and container.getparent() is not None and text_length(container) < 40:
            _remove_with_heading(container)
    return notes, containers


#: The links to a place in the page itself, the only ones that can mark a note, in document order.
_IN_PAGE_LINKS = etree.XPath("descendant-or-self::a[starts-with(@href, '#')]")


def _anchors(root) -> dict:
    """The elements a link inside the page can point to: by ``id``, then ``<a name>`` where no id has the name.

    Gathered only on pages with a link that looks like a note marker (a few in a hundred): most
    pages' in-page links are "skip to content" and "back to top", and every element with an id
    was collected for them."""
    ids = {element.get("id"): element for element in _WITH_ID(root) if element.get("id")}
    ids |= {element.get("name"): element for element in root.iter("a") if element.get("name") and element.get("name") not in ids}
    return ids


def _is_reference(ref) -> bool:
    """A link that looks like a note marker: short label, in ``<sup>`` or named as a note ref."""
    label = normalise_space(ref.text_content())
    if not label or len(label) > 6:
        return False
    tokens = " ".join(compact_tokens(ref))
    if "backref" in tokens or "backlink" in tokens or ref.get("role") == "doc-backlink" or "↩" in label:
        return False
    if ref.get("role") == "doc-noteref" or "footnote" in tokens or "noteref" in tokens or "fnref" in tokens:
        return True
    in_sup = any(a.tag == "sup" for a in ref.iterancestors()) or ref.find("sup") is not None
    return in_sup or bool(re.fullmatch(r"\[\d{1,3}\]|\(\d{1,3}\)|\*{1,3}|†|‡", label))


def _note_element(target):
    """The element that holds a note's text: the target itself, or the paragraph around an anchor."""
    element = target
    if element.tag == "a" and not normalise_space(element.text_content()).strip("[]().0123456789 "):
        element = element.getparent()
    if element is None or element.tag in {"body", "html", "article", "main", "sup", "a", "span", "em", "strong", "b", "i"}:
        return None
    length = text_length(element)
    if length == 0 or length > 3000:
        return None
    named = any(w in " ".join(compact_tokens(a)) for a in [element, *element.iterancestors()] for w in _NOTE_WORDS)
    if element.tag in {"li", "aside", "p", "div", "dd"} and (named or element.tag in {"li", "aside"}):
        return element
    return element if named else None


def _label(ref) -> str:
    return normalise_space(ref.text_content()).strip("[]() ")


def _drop_backlinks(note) -> None:
    for link in list(note.iter("a")):
        href = link.get("href") or ""
        tokens = " ".join(compact_tokens(link))
        if href.startswith("#") and (_BACKLINK_TEXT.match(link.text_content() or "") or "backref" in tokens or "backlink" in tokens):
            remove(link)


def _container_of(note):
    parent = note.getparent()
    while parent is not None and parent.tag in {"ol", "ul", "section", "div", "aside", "footer", "dl"}:
        if any(w in " ".join(compact_tokens(parent)) for w in _NOTE_WORDS) or parent.tag in {"ol", "ul"}:
            grand = parent.getparent()
            if grand is not None and grand.tag in {"section", "div", "aside", "footer"} and text_length(grand) <= text_length(parent) + 40:
                parent = grand
                continue
            return parent
        break
    return parent


def _remove_with_heading(container) -> None:
    previous = container.getprevious()
    if previous is not None and previous.tag in {"h2", "h3", "h4", "hr"} and len(normalise_space(previous.text_content())) < 30:
        remove(previous)
    remove(container)


def _contains(element, other) -> bool:
    return element is other or any(a is element for a in other.iterancestors())
