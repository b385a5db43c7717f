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

#: Chinese and Japanese characters (Han, kana): scripts written without spaces between words.
_UNSPACED = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"


class _Words:
    """Runs of letters or digits, except that each Chinese or Japanese character is a word of its own.

    A Chinese paragraph has no spaces: read as ``\\w+`` runs it is a handful of "words" (one a
    clause), so it was judged short by every threshold counted in words, a byline's name never
    matched the start of a bio paragraph, and trafilatura's agreement with a block was a match of
    whole clauses. One character a word is the usual unit for these scripts (a word is one to
    three of them). Text without such characters (every real page of the dev set) is split as
    before, by the plain expression: the check costs a scan, the split with the wider one half as
    much again.
    """

    _plain = re.compile(r"\w+")
    _split = re.compile(rf"[^\W{_UNSPACED}]+|[{_UNSPACED}]")
    _unspaced = re.compile(f"[{_UNSPACED}]")

    def findall(self, text: str) -> list[str]:
        """The words of ``text`` in order (``re.Pattern.findall``'s interface)."""
        if text.isascii() or not self._unspaced.search(text):
            return self._plain.findall(text)
        return self._split.findall(text)


def is_unspaced(word: str) -> bool:
    """Whether ``word`` is a Chinese or Japanese character (``WORD`` makes each one a word)."""
    return _Words._unspaced.fullmatch(word) is not None


#: The words ``content.Support`` compares, and the furniture rules count (lower-cased by the caller).
WORD = _Words()


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
