"""Every value a few attributes take on a page, read once, so a search that cannot match is skipped.

The metadata readers look for elements by attribute over the whole page: trafilatura's author
expressions (``re:test(@class, ...)`` on every element, three times), ``rel="author"``,
``itemprop="author"``, a "byline" class. On most real pages nothing matches, and
walking the page to find that out is the whole cost: libxml2 evaluates each predicate on every
element (a few milliseconds a page for each expression). Listing the values of one attribute
(``//@class``) is a single cheaper walk, and a reader that first asks whether any value could
satisfy it skips its search on the pages where none does. Each check is a necessary condition
for a match (a value equal to, or containing, the words the expression tests), so a skipped
search is one that would have found nothing: answers never change, only the time.

Values are read lazily, per attribute, the first time a reader asks, from the untouched page.
"""

from __future__ import annotations

from lxml import etree


class PageAttributes:
    """The values of attributes anywhere on one page, each attribute read when first asked for."""

    def __init__(self, tree) -> None:
        self._tree = tree
        self._values: dict[str, list[str]] = {}
        self._sets: dict[str, frozenset[str]] = {}
        self._joined: dict[str, str] = {}
        self._elements: dict[str, bool] = {}

    def values(self, name: str) -> list[str]:
        """Every value of attribute ``name`` on the page, in document order."""
        found = self._values.get(name)
        if found is None:
            found = self._values[name] = _attribute_values(name)(self._tree)
        return found

    def distinct(self, name: str) -> frozenset[str]:
        """The different values of ``name`` on the page (a class list repeats on many elements)."""
        found = self._sets.get(name)
        if found is None:
            found = self._sets[name] = frozenset(self.values(name))
        return found

    def has(self, name: str, value: str) -> bool:
        """Whether some element's ``name`` attribute is exactly ``value`` (XPath's ``@name='value'``)."""
        return value in self.distinct(name)

    def joined(self, name: str) -> str:
        """All values of ``name``, one a line: a value containing a word means this text contains it."""
        found = self._joined.get(name)
        if found is None:
            found = self._joined[name] = "\n".join(self.values(name))
        return found

    def contains(self, name: str, *words: str) -> bool:
        """Whether some ``name`` value contains one of ``words`` (XPath's ``contains(@name, word)``)."""
        text = self.joined(name)
        return any(word in text for word in words)

    def has_element(self, tag: str) -> bool:
        """Whether the page has an element named ``tag`` anywhere."""
        found = self._elements.get(tag)
        if found is None:
            found = self._elements[tag] = next(iter_page(self._tree, tag), None) is not None
        return found


def iter_page(tree, *tags):
    """The page's elements named ``tags`` (all, without), in page order, as ``//tag`` finds them.

    Like ``tree.iter``, but over the whole document: a page can hold elements beside its root
    element (a second ``<html>`` after the first, as a saved page does), which XPath's ``//``
    reaches and the root's ``iter`` does not.
    """
    root = _root(tree)
    tags = tags or (etree.Element,)  # elements only, as ``//*``: no comments or processing instructions
    for top in (*reversed(list(root.itersiblings(preceding=True))), root, *root.itersiblings()):
        if isinstance(top.tag, str):
            yield from top.iter(*tags)


_VALUE_PATHS: dict[str, etree.XPath] = {}


def _attribute_values(name: str) -> etree.XPath:
    """``//@name`` as plain strings (lxml's "smart" strings cost four times as much to make)."""
    path = _VALUE_PATHS.get(name)
    if path is None:
        path = _VALUE_PATHS[name] = etree.XPath(f"//@{name}", smart_strings=False)
    return path


def _root(tree):
    return tree.getroot() if hasattr(tree, "getroot") else tree
