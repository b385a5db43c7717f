"""trafilatura's author search (``trafilatura.metadata.extract_author``), with the same answer at less cost.

``extract_author`` copies the whole page, prunes comments, dates and figures from the copy
(``AUTHOR_DISCARD_XPATHS``), then evaluates three expressions (``AUTHOR_XPATHS``) that test
every element's class and id with ``re:test``, and takes the first match whose text is a
plausible name. On real pages that was a fifth of the metadata reader's time, and most of it
was spent proving that nothing matches, or copying a page to read one short byline. Here:

1. the attribute values the expressions test are looked at first (:func:`could_match_author`):
   a page where no class, id, itemprop... holds any word the expressions look for cannot
   match, and is done (two pages in three that reach this step); on the others, an expression
   none of whose words is on the page is not evaluated;
2. the expressions run on the page itself, not a pruned copy: pruning only removes elements,
   and each expression tests an element's own name and attributes, so a match in the copy is
   a match in the page that is not inside a pruned element. The first such match whose text
   is a name is the answer, as in the copy, provided nothing inside it would have been pruned
   (its text would differ in the copy): then, and when the page has a ``<rel>`` element (one
   test reads a child's text), the library's own ``extract_author`` answers;
3. an expression is not evaluated over the whole page (a ``re:test`` call in Python on every
   element): libxml2 finds the elements holding one of its test values that the page holds
   (plain ``=`` and ``contains``), and each of those is asked the expression itself, its ``//``
   steps made ``self::`` (:func:`self_path`), so the elements found are the expression's, in order.

The words (``AUTHOR_TESTS``) and the pruned-element tests are read off trafilatura 2.3's expressions, recorded
below; if trafilatura's expressions differ from them, its own functions are used unchanged
(``tests/importers/test_author_search.py`` fails, so the seam is looked at).
"""

from __future__ import annotations

from bundler.cleaning.page_attributes import PageAttributes

#: trafilatura 2.3's ``AUTHOR_XPATHS``, white space collapsed: what the words below were read off.
AUTHOR_PATHS = (
    "//*[self::a or self::address or self::div or self::link or self::p or self::span or self::strong][ "
    "@rel='author' or @id='author' or @class='author' or @itemprop='author name' or rel='me' or "
    "@data-testid='AuthorCard' or @data-testid='AuthorURL' or "
    "re:test(@class, 'author-?name|AuthorName|authorName')]|//author",
    "//*[self::a or self::div or self::h3 or self::h4 or self::p or self::span][ "
    "@class='byline' or @class='username' or @class='byl' or @class='BBL' or "
    "contains(@itemprop, 'author') or "
    "re:test(@id, 'author|zuozhe|bianji|xiaobian') or "
    "re:test(@class, 'author|channel-name|zuozhe|bianji|xiaobian|submitted-by|posted-by|journalist-name')]",
    "//*[ contains(@data-component, 'Byline') or contains(@itemprop, 'author') or "
    "re:test(@id, '[Aa]uthor') or "
    "re:test(@class, '[Aa]uthor|screenname|writer|[Bb]yline')]",
)

#: trafilatura 2.3's ``AUTHOR_DISCARD_XPATHS``, white space collapsed: what ``extract_author`` prunes.
DISCARD_PATHS = (
    ".//*[self::a or self::div or self::section or self::span][ "
    "@id='comments' or @class='comments' or @class='title' or @class='date' or "
    "re:test(@id, '^comments|comment-?list|ProductReviews') or "
    "re:test(@class, '^[Cc]omments|commentlist|comments-list|sidebar|is-hidden|quote|embedly-instagram|"
    "article-(?:share|support)|print|category|meta-date|meta-reviewer') or "
    "contains(@data-component, 'Figure')]",
    "//time|//figure",
)

#: For each expression of ``AUTHOR_PATHS``, what some attribute value must be when it matches an
#: element: equal to one of ``equals`` or containing one of ``contains`` (every comparison in the
#: expression, ``=``, ``contains`` or ``re:test`` of an alternation of words, implies one), or the
#: page has one of the ``elements`` it matches by name (``//author``; ``rel='me'`` reads a child ``<rel>``).
AUTHOR_TESTS = (
    {
        "equals": {
            "rel": ("author",),
            "id": ("author",),
            "class": ("author",),
            "itemprop": ("author name",),
            "data-testid": ("AuthorCard", "AuthorURL"),
        },
        "contains": {"class": ("authorname", "author-name", "AuthorName", "authorName")},
        "elements": ("rel", "author"),
    },
    {
        "equals": {"class": ("byline", "username", "byl", "BBL")},
        "contains": {
            "itemprop": ("author",),
            "id": ("author", "zuozhe", "bianji", "xiaobian"),
            "class": ("author", "channel-name", "zuozhe", "bianji", "xiaobian", "submitted-by", "posted-by", "journalist-name"),
        },
    },
    {
        "contains": {
            "data-component": ("Byline",),
            "itemprop": ("author",),
            "id": ("Author", "author"),
            "class": ("Author", "author", "screenname", "writer", "Byline", "byline"),
        },
    },
)

#: ``extract_author`` keeps a match whose text is longer than 2 and shorter than this.
AUTHOR_MAX_CHARS = 120

#: No author expression matched the page (``extract_author`` is then not asked at all).
NO_MATCH = object()


def could_match_author(attributes: PageAttributes) -> bool:
    """False only when no author expression can match the page."""
    return any(_could_match(tests, attributes) for tests in AUTHOR_TESTS)


def _could_match(tests: dict, attributes: PageAttributes) -> bool:
    """False only when no value on the page passes any of one expression's ``tests``."""
    return (
        any(attributes.has(name, value) for name, values in tests.get("equals", {}).items() for value in values)
        or any(attributes.contains(name, *words) for name, words in tests.get("contains", {}).items())
        or any(attributes.has_element(tag) for tag in tests.get("elements", ()))
    )


def read_author(root, attributes: PageAttributes):
    """``extract_author(root)`` when some author expression matches the page, else :data:`NO_MATCH`."""
    from trafilatura.metadata import extract_author
    from trafilatura.xpaths import AUTHOR_DISCARD_XPATHS, AUTHOR_XPATHS

    if not (_collapsed(AUTHOR_XPATHS) == AUTHOR_PATHS and _collapsed(AUTHOR_DISCARD_XPATHS) == DISCARD_PATHS):
        return extract_author(root) if any(len(expression(root)) for expression in AUTHOR_XPATHS) else NO_MATCH
    if not could_match_author(attributes):
        return NO_MATCH
    if attributes.has_element("rel"):  # ``rel='me'`` reads a child's text, which pruning may change
        return extract_author(root) if any(len(expression(root)) for expression in AUTHOR_XPATHS) else NO_MATCH
    matched = False
    for index, tests in enumerate(AUTHOR_TESTS):
        if not _could_match(tests, attributes):
            continue  # it would find nothing
        for element in _matches(root, index, tests, attributes):
            matched = True
            if _pruned(element):
                continue
            if _holds_pruned(element):
                return extract_author(root)  # its text in the pruned copy differs: the library's way
            text = " ".join(" ".join(element.itertext()).split())
            if 2 < len(text) < AUTHOR_MAX_CHARS:
                return _normalised(text)
    return None if matched else NO_MATCH


def _matches(root, index: int, tests: dict, attributes: PageAttributes) -> list:
    """What ``AUTHOR_XPATHS[index]`` finds on the page, in page order, asking it only of likely elements.

    The expression tests every element's class and id with ``re:test`` (a Python call each, on
    every element of the page). The elements it can match hold one of its test values that the page
    holds somewhere (:func:`_terms`: a necessary condition, as in :func:`could_match_author`), and
    libxml2 finds those with plain comparisons; each is then asked the expression itself
    (:func:`_matches_element`), so the answer is the expression's.
    """
    terms = _terms(tests, attributes)
    parts = [f"//*[{' or '.join(terms)}]"] if terms else []
    parts += [f"//{tag}" for tag in tests.get("elements", ()) if attributes.has_element(tag)]
    if not parts:
        return []
    return [element for element in root.xpath(" | ".join(parts)) if _matches_element(index, element)]


def _terms(tests: dict, attributes: PageAttributes) -> list[str]:
    """XPath comparisons, one for each of ``tests``' values the page holds somewhere."""
    terms = [f"@{name}='{value}'" for name, values in tests.get("equals", {}).items() for value in values if attributes.has(name, value)]
    for name, words in tests.get("contains", {}).items():
        terms += [f"contains(@{name}, '{word}')" for word in words if attributes.contains(name, word)]
    return terms


_SELF_PATHS: dict[int, object] = {}


def _matches_element(index: int, element) -> bool:
    """Whether ``AUTHOR_XPATHS[index]`` finds ``element`` (the expression asked of the element itself)."""
    path = _SELF_PATHS.get(index)
    if path is None:
        from lxml.etree import XPath
        from trafilatura.xpaths import AUTHOR_XPATHS, REGEXP_NS

        path = _SELF_PATHS[index] = XPath(self_path(AUTHOR_XPATHS[index].path), namespaces={"re": REGEXP_NS})
    return bool(path(element))


def self_path(path: str) -> str:
    """One of :data:`AUTHOR_PATHS` as a test of its context element: each ``//`` step made ``self::``."""
    return path.replace("//*[", "self::*[").replace("|//author", "|self::author")


def _normalised(text: str) -> str | None:
    from trafilatura.metadata import normalize_authors

    return normalize_authors(None, text)


def _collapsed(expressions) -> tuple[str, ...]:
    return tuple(" ".join(getattr(expression, "path", "").split()) for expression in expressions)


_TESTS: dict[str, object] = {}


def _pruned_test(axis: str):
    """Whether an element on ``axis`` of the one asked about is one ``extract_author`` prunes."""
    test = _TESTS.get(axis)
    if test is None:
        from lxml.etree import XPath
        from trafilatura.xpaths import REGEXP_NS

        predicate = DISCARD_PATHS[0].removeprefix(".//*")
        path = f"boolean({axis}::*{predicate} | {axis}::time | {axis}::figure)"
        test = _TESTS[axis] = XPath(path, namespaces={"re": REGEXP_NS})
    return test


def _pruned(element) -> bool:
    """Whether ``element`` is gone from the pruned copy (it, or an element around it, is pruned)."""
    return bool(_pruned_test("ancestor-or-self")(element))


def _holds_pruned(element) -> bool:
    """Whether something inside ``element`` is pruned in the copy (so its text there is shorter)."""
    return bool(_pruned_test("descendant")(element))
