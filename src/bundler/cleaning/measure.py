"""Text measures of a page's elements, each taken once per pass instead of by every rule that asks.

The furniture rules ask of an element how long its text is, how much of trafilatura's article
its words hold and how much of it is link text; the same element is asked again by the next
rule, and a link's length again for every named wrapper above it. A ``Measures`` remembers each
answer by element for one pass over a tree in which no measured subtree changes while it is in
use: ``drop_furniture`` visits elements in document order and removes only subtrees it has
already passed, so whenever an element (or anything inside it) is measured, its own subtree is
still as it was when the pass began. The answers are the ones the rules computed before, only
computed once.
"""

from __future__ import annotations

import re

from bundler.cleaning.treetext import all_text, spaced_text
from bundler.text.typography import normalise_space

#: The words ``content.Support`` compares (runs of letters or digits, lower-cased).
WORD = re.compile(r"\w+", re.UNICODE)


def text_length(element) -> int:
    """Characters of visible text (white space collapsed)."""
    return len(normalise_space(all_text(element)))


def is_link_dense(element, threshold: float = 0.5, length=text_length) -> bool:
    """True when most of an element's text is link text (lists of related stories, tag clouds).

    ``length`` measures an element's text (``Measures.text_length`` remembers it for a pass)."""
    total = length(element)
    if total == 0:
        return element.tag in {"ul", "ol"}
    linked = sum(length(a) for a in element.iter("a"))
    return linked / total >= threshold


class Measures:
    """Per-element measures for one pass; valid only while no measured subtree changes."""

    def __init__(self) -> None:
        self._lengths: dict = {}
        self._words: dict = {}

    def text_length(self, element) -> int:
        """``dom.text_length``: characters of visible text, white space collapsed."""
        length = self._lengths.get(element)
        if length is None:
            length = self._lengths[element] = text_length(element)
        return length

    def words(self, element) -> list[str]:
        """The lower-case words of ``spaced_text(element)``, as ``Support.share_in``/``of`` split them."""
        words = self._words.get(element)
        if words is None:
            words = self._words[element] = WORD.findall(spaced_text(element).lower())
        return words

    def is_link_dense(self, element, threshold: float = 0.5) -> bool:
        """``is_link_dense`` with this pass's remembered lengths."""
        return is_link_dense(element, threshold, self.text_length)
