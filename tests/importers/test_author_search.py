"""``author_search.read_author`` answers as trafilatura's ``extract_author`` does, without its copy.

It reads the page's attribute values first and skips the author expressions that cannot match,
then runs them on the page itself instead of a pruned copy (see the module's docstring). The
answer must be the library's on every page: the fixture corpus (41 pages, English and Arabic)
and pages written here for each path (a byline in the comments, a byline holding a date that
the copy prunes, every attribute the expressions test, ``<author>`` and ``<rel>`` elements).
On the 997 real pages of ``../shared/realpages`` it was checked to give the same author as
``extract_author`` on every page (and to be 2.3x faster there); that check is too slow for the suite.
"""

from __future__ import annotations

import pytest
from lxml import etree
from trafilatura.metadata import extract_author
from trafilatura.xpaths import AUTHOR_DISCARD_XPATHS, AUTHOR_XPATHS

from bundler.cleaning import author_search
from bundler.cleaning.author_search import AUTHOR_TESTS, NO_MATCH, could_match_author, read_author
from bundler.cleaning.page_attributes import PageAttributes
from bundler.importers.html import parse_page
from bundler.text.encoding import decode_bytes
from tests.importers.conftest import PAGES
from tests.importers.test_metadata_untouched import PAGES as WRITTEN

TEXT = "<p>Crossings were logged twice a day, by hand, in a ledger kept under the counter.</p>"
BYLINES = {
    # (what the page holds, what trafilatura's expressions make of it)
    "rel author link": '<a rel="author" href="/p/1">Layla Haddad</a>',
    "author class": '<span class="author">Samir Aziz</span>',
    "author-name class": '<div class="post-author-name">Rana Khoury</div>',
    "AuthorName class": '<span class="AuthorName">Rana Khoury</span>',
    "byline class exact": '<p class="byline">By Omar Said</p>',
    "Byline in a class": '<div class="ArticleByline">By Omar Said</div>',
    "byl class": '<span class="byl">Omar Said</span>',
    "BBL class": '<span class="BBL">Omar Said</span>',
    "username class": '<span class="username">omar_said</span>',
    "screenname class": '<b class="user-screenname">omarsaid</b>',
    "writer class": '<em class="writer-box">Dana Levi</em>',
    "journalist class": '<h4 class="journalist-name">Dana Levi</h4>',
    "posted-by class": '<div class="posted-by">Posted by Dana Levi</div>',
    "zuozhe id": '<span id="zuozhe">王小明</span>',
    "bianji class": '<p class="bianji">责任编辑：李华</p>',
    "Author id": '<section id="mainAuthor">Dana Levi</section>',
    "itemprop author": '<span itemprop="author">Dana Levi</span>',
    "itemprop author name": '<span itemprop="author name">Dana Levi</span>',
    "data-testid": '<div data-testid="AuthorCard">Dana Levi</div>',
    "data-component": '<div data-component="Byline">By Dana Levi</div>',
    "author element": "<author>Dana Levi</author>",
    "rel element": "<div><rel>me</rel>Dana Levi</div>",
    "byline in the comments": '<div id="comments"><p class="byline">Samir Aziz Khoury</p></div>',
    "byline in a figure": '<figure><figcaption><span class="author">Photo Desk</span></figcaption></figure>',
    "byline holding a date": '<div class="byline">By Layla Haddad <time datetime="2021-03-12">12 March</time></div>',
    "byline holding a pruned quote": '<div class="author">Layla <span class="quote">"Ledger"</span> Haddad</div>',
    "pruned first, kept second": '<div class="sidebar"><span class="author">Other Writer</span></div>'
    '<span class="author">Layla Haddad</span>',
    "too long a byline": f'<div class="byline">{"word " * 40}</div><span class="author">Layla Haddad</span>',
    "too short a byline": '<span class="author">AB</span>',
    "an author word elsewhere only": '<a href="/author/layla">Layla</a><p class="summary">authorities said</p>',
    "nothing author-like": '<div class="content"><p class="lead">Nothing here.</p></div>',
    "a word on an element no expression takes": '<ul><li class="byl">Omar Said</li></ul>',
}


def _page(byline: str) -> str:
    return f"<html><head><title>Ferry ledger</title></head><body><article><h1>Ferry ledger</h1>{byline}{TEXT}</article></body></html>"


def _pages():
    for path in sorted(PAGES.rglob("*.html")):
        yield str(path.relative_to(PAGES)), decode_bytes(path.read_bytes())[0]
    yield from WRITTEN.items()
    for name, byline in BYLINES.items():
        yield name, _page(byline)


def _library_answer(root):
    """What metadata_fallback did before: extract_author, asked only when an expression matches."""
    return extract_author(root) if any(len(expression(root)) for expression in AUTHOR_XPATHS) else NO_MATCH


def test_the_recorded_expressions_are_trafilaturas():
    """If trafilatura changes its expressions, the words read off them are stale: look at the seam again."""
    assert author_search._collapsed(AUTHOR_XPATHS) == author_search.AUTHOR_PATHS
    assert author_search._collapsed(AUTHOR_DISCARD_XPATHS) == author_search.DISCARD_PATHS
    assert len(AUTHOR_TESTS) == len(AUTHOR_XPATHS)


def test_same_author_as_trafilatura_on_every_page():
    found = 0
    for name, text in _pages():
        tree = parse_page(text)
        before = etree.tostring(tree)
        expected = _library_answer(tree.getroot())
        got = read_author(tree.getroot(), PageAttributes(tree))
        assert got == expected or (got is NO_MATCH and expected is NO_MATCH), name
        assert etree.tostring(tree) == before, f"{name}: the page was changed"
        found += isinstance(got, str)
    assert found >= 20


@pytest.mark.parametrize("name", sorted(BYLINES))
def test_each_expression_is_skipped_only_when_it_matches_nothing(name):
    """The word tests are necessary conditions: an expression that matches is never skipped."""
    root = parse_page(_page(BYLINES[name])).getroot()
    attributes = PageAttributes(root)
    for expression, tests in zip(AUTHOR_XPATHS, AUTHOR_TESTS, strict=True):
        if len(expression(root)):
            assert author_search._could_match(tests, attributes), f"{name}: {expression.path.split()[0]} skipped"
    if any(len(expression(root)) for expression in AUTHOR_XPATHS):
        assert could_match_author(attributes)


@pytest.mark.parametrize("name", ["nothing author-like", "an author word elsewhere only"])
def test_a_page_without_author_words_is_not_searched(name):
    root = parse_page(_page(BYLINES[name])).getroot()
    assert not could_match_author(PageAttributes(root))
    assert read_author(root, PageAttributes(root)) is NO_MATCH


def test_a_word_the_expressions_do_not_take_there_is_no_match():
    """The word tests may pass where no expression matches (an ``<li class="byl">``): the expressions decide."""
    root = parse_page(_page(BYLINES["a word on an element no expression takes"])).getroot()
    assert could_match_author(PageAttributes(root))
    assert read_author(root, PageAttributes(root)) is NO_MATCH


@pytest.mark.parametrize("name", sorted(BYLINES))
def test_each_expression_finds_the_same_elements_asked_of_likely_ones(name):
    """``_matches`` (likely elements found by plain comparisons, each asked the expression) is the expression's list."""
    root = parse_page(_page(BYLINES[name]) + BYLINES[name]).getroot()  # a second copy after the page: order counts
    attributes = PageAttributes(root)
    if attributes.has_element("rel"):  # ``rel='me'`` tests a child element: read_author leaves such pages to the library
        return
    for index, (expression, tests) in enumerate(zip(AUTHOR_XPATHS, AUTHOR_TESTS, strict=True)):
        assert author_search._matches(root, index, tests, attributes) == expression(root), f"{name}: expression {index}"


def test_the_self_paths_are_the_expressions_with_self_steps():
    for expression in AUTHOR_XPATHS:
        path = author_search.self_path(expression.path)
        assert "//" not in path and path.count("self::*[") == 1
