"""The DOM pipeline's fast text measures give exactly what the slow Python walks gave.

The importer measures element text thousands of times per page; those measures now run in
libxml2 (XPath) instead of walking lxml proxies in Python. Output must not change, so each
fast form is checked here against the plain form it replaced, on a page written to hold the
awkward cases: comments between text, nested invisible elements, tails, non-ASCII white
space, a huge container, and subtrees taken out of the page.
"""

from __future__ import annotations

import copy

from lxml import etree
from lxml import html as lxml_html

from bundler.cleaning import blocks
from bundler.cleaning.completeness import _VISIBLE_TEXT, visible_words
from bundler.cleaning.content import _NODES, trafilatura_text
from bundler.cleaning.dom import drop_boilerplate_text, drop_furniture, drop_invisible, remove
from bundler.cleaning.treetext import all_text, is_detached, short_text, spaced_text
from bundler.importers.html import parse_page
from bundler.text.plain import word_count
from bundler.text.typography import normalise_space

PARAGRAPH = "The ferry left at noon with the mail, three goats and a crate of oranges for the clinic on the island."
PAGE = f"""<!DOCTYPE html><html lang="en"><head><title>Ferry</title><style>p {{ color: red }}</style></head>
<body>
  <nav class="site-nav"><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav>
  <article>
    <h1>The noon ferry</h1>
    <p>Before<!-- a comment between words -->after, and <b>bold</b> tail\u00a0with\u2003spaces.</p>
    {"".join(f"<p>{PARAGRAPH} ({n})</p>" for n in range(40))}
    <div class="share-bar"><span>Share</span><div class="share-inner"><a href="#">Post</a></div></div>
    <p>Advertisement</p>
    <noscript><p>Enable scripts <script>var nested = "hidden words here";</script> please</p></noscript>
    <template><p>template words never shown</p></template>
    <script>var words = "many script words that nobody reads at all";</script>
  </article>
  <aside class="related"><p>Related stories</p></aside>
</body></html>"""


def _page():
    return parse_page(PAGE, "ferry.html")


def test_all_and_spaced_text_match_itertext_on_every_element():
    tree = _page()
    elements = [e for e in tree.iter() if isinstance(e.tag, str)]
    assert len(elements) > 50
    for element in elements:
        assert all_text(element) == "".join(element.itertext())
        assert spaced_text(element) == " ".join(element.itertext())


def test_short_text_is_the_normalised_text_below_the_limit_only():
    tree = _page()
    for element in (e for e in tree.iter() if isinstance(e.tag, str)):
        full = normalise_space("".join(element.itertext()))
        for limit in (5, 40, 300):
            assert short_text(element, limit) == (full if len(full) < limit else None)
    spaces = etree.fromstring("<div>" + " " * 5000 + "short" + "\u00a0" * 3000 + "</div>")
    assert short_text(spaces, 300) == "short"  # a long prefix of white space still collapses


def test_is_detached_follows_removal():
    tree = _page()
    nav = tree.find(".//nav")
    link = nav.find(".//a")
    assert not is_detached(nav) and not is_detached(link) and not is_detached(tree.getroot())
    remove(nav)
    assert is_detached(nav) and is_detached(link)
    assert not is_detached(tree.find(".//article"))


def test_visible_words_match_the_xpath_that_tests_every_ancestor():
    tree = _page()
    expected = word_count(" ".join(tree.xpath(_VISIBLE_TEXT)))
    assert visible_words(tree) == expected
    assert expected > 40 * len(PARAGRAPH.split())
    hidden = ("nested", "template", "nobody", "color")
    assert not any(word in " ".join(tree.xpath(_VISIBLE_TEXT)) for word in hidden)


def test_node_count_matches_iteration():
    tree = _page()
    tree.find(".//h1").append(etree.Comment("comments and processing instructions count too"))
    tree.find(".//h1").append(etree.ProcessingInstruction("pi", "x"))
    for root in (tree.getroot(), tree.find(".//article"), tree.find(".//h1")):
        assert _NODES(root) == sum(1 for _ in root.iter())


def test_trafilatura_text_leaves_the_given_tree_untouched():
    """The second opinion no longer copies the page first: trafilatura works on its own copy."""
    tree = _page()
    before = etree.tostring(tree, encoding="unicode")
    text = trafilatura_text(tree)
    assert PARAGRAPH in text
    assert etree.tostring(tree, encoding="unicode") == before


def test_furniture_and_boilerplate_removal_skip_removed_subtrees():
    """Nested furniture inside removed furniture is not counted twice; the article stays whole."""
    tree = _page()
    drop_invisible(tree)
    reference = copy.deepcopy(tree)
    removed = drop_furniture(tree)
    names = {e.get("class") for e in reference.iter() if isinstance(e.tag, str)}
    assert {"site-nav", "share-bar", "share-inner", "related"} <= names
    kept = {e.get("class") for e in tree.iter() if isinstance(e.tag, str)}
    assert not kept & {"site-nav", "share-bar", "share-inner", "related"}
    assert removed == 3  # the nav, the share bar (its inner bar went with it) and the aside
    assert drop_boilerplate_text(tree.find(".//body")) == 1  # "Advertisement"
    assert sum(PARAGRAPH in all_text(p) for p in tree.iter("p")) == 40


def test_parsed_pages_keep_lxml_html_element_classes():
    """The page's element classes are chosen in C now, but they are still lxml.html's (trafilatura,
    htmldate and the figure code call ``text_content()``), copies included."""
    tree = _page()
    for page in (tree, copy.deepcopy(tree)):
        elements = [e for e in page.iter() if isinstance(e.tag, str)]
        assert all(isinstance(e, lxml_html.HtmlElement) for e in elements)
        article = page.find(".//article")
        assert article.text_content() == "".join(article.itertext())
        made = etree.SubElement(article, "form")
        assert isinstance(made, lxml_html.HtmlElement)


def test_boolean_structure_tests_match_the_lists_they_replaced():
    """``_holds_blocks``, ``holds_running_text``'s and ``is_layout_table``'s tests, by libxml2, agree with ``bool(xpath(...))``."""
    fragment = lxml_html.fragment_fromstring(
        "<div><span><a href='/x'><img src='a.jpg'></a></span><span><b>plain</b></span>"
        "<c-wiz><p>para</p></c-wiz><figure><table><tr><td>cell</td></tr></table></figure>"
        "<table><tr><td><p>layout</p></td></tr></table><table><tr><td>1</td><td>2</td></tr></table></div>"
    )
    for element in fragment.iter():
        assert blocks._HOLDS_STRUCTURE(element) == bool(element.xpath(blocks._STRUCTURE))
        assert blocks._HOLDS_MEDIA(element) == bool(element.xpath(blocks._MEDIA))
        assert blocks._HOLDS_LAYOUT(element) == bool(element.xpath(blocks._LAYOUT_INSIDE))
        assert blocks._HOLDS_IMAGE(element) == (element.find(".//img") is not None or element.find(".//picture") is not None)
        figure = element.find(".//img") is not None or element.find(".//picture") is not None or element.find(".//figure") is not None
        assert blocks._HOLDS_FIGURE(element) == figure
    assert sum(blocks._HOLDS_STRUCTURE(e) for e in fragment.iter()) >= 3
    assert sum(blocks._HOLDS_IMAGE(e) for e in fragment.iter()) >= 2
