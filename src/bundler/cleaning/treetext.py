"""An element's text, gathered by libxml2 instead of a Python walk.

``"".join(element.itertext())`` builds a Python proxy object for every element below (and,
with lxml.html's element classes, asks the class lookup for each one): measuring nested
containers over and over made it a large share of an import. The XPath forms below give the
same strings (text nodes in document order, comments and processing instructions left
out) without touching the elements.
"""

from __future__ import annotations

from lxml import etree

from bundler.text.typography import normalise_space

_STRING = etree.XPath("string()", smart_strings=False)
_TEXT_NODES = etree.XPath("descendant::text()", smart_strings=False)
#: How many times ``short_text``'s limit in characters is fetched before judging by a prefix.
_HEAD_SPAN = 4
_HEAD = etree.XPath("substring(string(), 1, $span)", smart_strings=False)
#: True for an element still in its document: the top of its ancestors is the document node,
#: not an element (a subtree taken out of the page keeps iterating in lxml, detached).
_ATTACHED = etree.XPath("boolean(ancestor-or-self::node()[last()][not(self::*)])")


def all_text(element) -> str:
    """``"".join(element.itertext())``: the element's text and its descendants' text and tails."""
    if not len(element):  # a leaf (most elements asked): its own text, without an XPath call
        return element.text or ""
    return _STRING(element)


def short_text(element, limit: int) -> str | None:
    """``normalise_space(all_text(element))`` when that is shorter than ``limit`` characters, else None.

    For the rules that judge short elements only (a boilerplate line, a heading): most elements
    asked are containers with the whole page's text, so only its first part is brought over
    from libxml2, and the whole only when that part could still collapse to under ``limit``.
    Normalising a prefix never gives more characters than normalising the whole text.
    """
    if not len(element):
        text = normalise_space(element.text or "")
        return text if len(text) < limit else None
    head = _HEAD(element, span=_HEAD_SPAN * limit)
    if len(head) == _HEAD_SPAN * limit and len(normalise_space(head)) >= limit:
        return None
    text = normalise_space(head if len(head) < _HEAD_SPAN * limit else _STRING(element))
    return text if len(text) < limit else None


def spaced_text(element) -> str:
    """``" ".join(element.itertext())``: the same text nodes joined by spaces (words never run together)."""
    return " ".join(_TEXT_NODES(element))


def is_detached(element) -> bool:
    """Whether ``element`` or one of its ancestors was taken out of the document."""
    return not _ATTACHED(element)
