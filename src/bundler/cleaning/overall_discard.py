"""trafilatura's ``OVERALL_DISCARD_XPATH`` answered in Python in bundler's own call: the same elements, in the same order.

trafilatura prunes every candidate body with the two expressions of ``OVERALL_DISCARD_XPATH``
(``prune_unwanted_sections``, trafilatura 2.3.1). Their ``re:test`` predicates are EXSLT calls that
libxml2 makes back into Python for every element the path visits (several a visited element), and
that evaluation was ~8% of an import's CPU (the bench's 200 real pages: ~3.0 s against ~1.2 s here).

Here libxml2 first lists the elements that carry any attribute the predicates read (a plain XPath,
no callbacks: an element without one of them satisfies neither expression), and the predicates are
asked of those in Python with the expressions' own regular expressions, read from their source.
XPath 1.0 and lxml's EXSLT give each predicate a plain meaning:

- ``@a`` alone: the attribute is present (even empty); ``contains(@a, s)``, ``starts-with(@a, s)``,
  ``@a='v'``: on its value, an absent attribute being the empty string (``=`` false);
- ``translate(@role, 'N', 'n')``: the value with each N made n;
- ``re:test(@a, p)``: lxml's ``re.search(p, value)`` (``re.compile(p)``, no flags), "" when absent;
- ``@id|@class`` as a string: the value of whichever of the two comes first on the element (a
  node-set's string value is its first node's, attributes in document order: their order on the
  element, which ``element.keys()`` gives).

Both lists come out in document order, the first expression's then the second's, as
``prune_unwanted_nodes`` gathers them, so the same elements are deleted in the same order. Only
in bundler's marked call (``readability_gate.is_marked``) and only on trafilatura 2.3.1, whose
expressions' source is checked against the form read here before the rule is installed.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml import etree

#: The first expression's shape (trafilatura 2.3.1, ``xpaths.OVERALL_DISCARD_XPATH[0]``), its three patterns left out.
FIRST = re.compile(
    r"\s*\.//\*\[self::div or self::item or self::list or self::p or self::section or self::span\]\[\s*"
    r"@data-lp-replacement-content or\s*"
    r"contains\(translate\(@role, 'N', 'n'\), 'nav'\) or\s*"
    r"contains\(@data-component, 'MostPopularStories'\) or\s*"
    r"re:test\(@id\|@class, '(?P<id_or_class>[^']*)'\) or\s*"
    r"re:test\(@id, '(?P<id>[^']*)'\) or\s*"
    r"re:test\(@class, '(?P<class_>[^']*)'\)\]\s*"
)
#: The second's (``OVERALL_DISCARD_XPATH[1]``), its two patterns left out.
SECOND = re.compile(
    r"\s*\.//\*\[@class='comments-title' or\s*"
    r"starts-with\(@id\|@class, 'reply-'\) or\s*"
    r"re:test\(@id\|@style, 'hidden'\) or\s*"
    r"contains\(@style, 'display:none'\) or contains\(@style, 'display: none'\) or\s*"
    r"re:test\(@id, '(?P<id>[^']*)'\) or\s*"
    r"re:test\(@class, '(?P<class_>[^']*)'\) or @aria-hidden='true'\]\s*"
)
_FIRST_TAGS = frozenset({"div", "item", "list", "p", "section", "span"})
#: The elements either expression can select: those with an attribute one of their predicates reads.
_CANDIDATES = etree.XPath(".//*[@id or @class or @style or @role or @aria-hidden or @data-lp-replacement-content or @data-component]")


class OverallDiscard:
    """The two expressions of ``OVERALL_DISCARD_XPATH`` as Python predicates (built from their source)."""

    def __init__(self, first: str, second: str) -> None:
        one, two = FIRST.fullmatch(first), SECOND.fullmatch(second)
        if one is None or two is None:
            raise ValueError("trafilatura's OVERALL_DISCARD_XPATH is not the one read here")
        self._id_or_class = re.compile(one["id_or_class"])
        self._id = re.compile(one["id"])
        self._class = re.compile(one["class_"])
        self._id_2 = re.compile(two["id"])
        self._class_2 = re.compile(two["class_"])
        self._hidden = re.compile("hidden")

    def __call__(self, tree) -> list:
        """What ``[e for x in OVERALL_DISCARD_XPATH for e in x(tree)]`` lists, in its order."""
        candidates = _CANDIDATES(tree)
        return [e for e in candidates if self._first(e)] + [e for e in candidates if self._second(e)]

    def _first(self, element) -> bool:
        if element.tag not in _FIRST_TAGS:
            return False
        get = element.get
        return (
            get("data-lp-replacement-content") is not None
            or "nav" in (get("role") or "").replace("N", "n")
            or "MostPopularStories" in (get("data-component") or "")
            or self._id_or_class.search(_first_of(element, "id", "class")) is not None
            or self._id.search(get("id") or "") is not None
            or self._class.search(get("class") or "") is not None
        )

    def _second(self, element) -> bool:
        get = element.get
        classes, style = get("class"), get("style") or ""
        return (
            classes == "comments-title"
            or _first_of(element, "id", "class").startswith("reply-")
            or self._hidden.search(_first_of(element, "id", "style")) is not None
            or "display:none" in style
            or "display: none" in style
            or self._id_2.search(get("id") or "") is not None
            or self._class_2.search(classes or "") is not None
            or get("aria-hidden") == "true"
        )


def _first_of(element, one: str, other: str) -> str:
    """The string value of ``@one|@other``: the value of whichever comes first on the element, "" for neither."""
    for name in element.keys():  # noqa: SIM118 (an lxml element: its attribute names in document order)
        if name == one or name == other:
            return element.get(name)
    return ""


def pruned_sections(original, main_extractor, discard: OverallDiscard, is_marked: Callable[[object], bool]):
    """trafilatura's ``prune_unwanted_sections`` (2.3.1) for bundler's marked call, its first prune by ``discard``.

    ``is_marked(options)`` tells bundler's call from anyone else's (``readability_gate.is_marked``, passed in:
    the gate installs this module, so this module does not import the gate)."""
    m = main_extractor

    def prune_unwanted_sections(tree, potential_tags, options, keep_teasers=False):
        if not is_marked(options):
            return original(tree, potential_tags, options, keep_teasers)
        favor_precision = options.focus == "precision"
        tree = _prune_with_backup(m, tree, discard(tree))
        if "graphic" not in potential_tags:
            tree = m.prune_unwanted_nodes(tree, m.DISCARD_IMAGE_ELEMENTS)
        if options.focus != "recall":
            if not keep_teasers:
                tree = m.prune_unwanted_nodes(tree, m.TEASER_DISCARD_XPATH)
            if favor_precision:
                tree = m.prune_unwanted_nodes(tree, m.PRECISION_DISCARD_XPATH)
        for _ in range(2):
            tree = m.delete_by_link_density(tree, "div", backtracking=True, favor_precision=favor_precision)
            tree = m.delete_by_link_density(tree, "list", backtracking=False, favor_precision=favor_precision)
            tree = m.delete_by_link_density(tree, "p", backtracking=False, favor_precision=favor_precision)
        if "table" in potential_tags or favor_precision:
            boilerplate_tables = [elem for elem in tree.iter("table") if m.link_density_test_tables(elem) is True]
            for elem in boilerplate_tables:
                m.delete_element(elem, keep_tail=False)
        if favor_precision:
            while len(tree) > 0 and (tree[-1].tag == "head"):
                m.delete_element(tree[-1], keep_tail=False)
            tree = m.delete_by_link_density(tree, "head", backtracking=False, favor_precision=True)
            tree = m.delete_by_link_density(tree, "quote", backtracking=False, favor_precision=True)
        m.strip_tags(tree, "span", *(() if "ref" in potential_tags else ("ref",)))
        return tree

    prune_unwanted_sections.bundler_gate = True
    return prune_unwanted_sections


def _prune_with_backup(m, tree, found: list):
    """``prune_unwanted_nodes(tree, OVERALL_DISCARD_XPATH, with_backup=True)`` (2.3.1) given what its expressions select."""
    matches = dict.fromkeys(found)
    outer = [elem for elem in matches if not any(a in matches for a in elem.iterancestors())]
    old_len = len(tree.text_content())
    if old_len - sum(len(elem.text_content()) for elem in outer) > old_len / 7:
        for elem in outer:
            m.delete_element(elem)
    return tree


def install(main_extractor, xpaths, is_marked: Callable[[object], bool]) -> bool:
    """Put ``pruned_sections`` in front of trafilatura's ``prune_unwanted_sections``; False (nothing changed) if its
    expressions or names are not the ones read here."""
    original = getattr(main_extractor, "prune_unwanted_sections", None)
    if getattr(original, "bundler_gate", False):
        return True
    names = ("prune_unwanted_nodes", "delete_by_link_density", "link_density_test_tables", "delete_element", "strip_tags")
    constants = ("DISCARD_IMAGE_ELEMENTS", "TEASER_DISCARD_XPATH", "PRECISION_DISCARD_XPATH", "OVERALL_DISCARD_XPATH")
    if not callable(original) or not all(callable(getattr(main_extractor, n, None)) for n in names):
        return False
    if not all(hasattr(main_extractor, n) for n in constants) or main_extractor.OVERALL_DISCARD_XPATH is not xpaths.OVERALL_DISCARD_XPATH:
        return False
    try:
        first, second = (expression.path for expression in xpaths.OVERALL_DISCARD_XPATH)
        discard = OverallDiscard(first, second)
    except (ValueError, AttributeError):
        return False
    main_extractor.prune_unwanted_sections = pruned_sections(original, main_extractor, discard, is_marked)
    return True
