"""``PageAttributes`` lists what XPath would test: every value of an attribute, anywhere on the page."""

from __future__ import annotations

from bundler.cleaning.page_attributes import PageAttributes
from bundler.importers.html import parse_page

PAGE = """<html lang="ar"><head><link rel="author" href="/p/1"><meta itemprop="author" content="x"></head>
<body class="home"><div class="byline post-author-name" id="a1"><span rel="author">ليلى حداد</span></div>
<p class="lead">x</p><author>Dana</author></body></html>"""


def test_values_in_page_order_and_the_tests_xpath_would_make():
    tree = parse_page(PAGE)
    attributes = PageAttributes(tree)
    assert attributes.values("class") == ["home", "byline post-author-name", "lead"]
    assert attributes.values("rel") == ["author", "author"]
    assert attributes.has("rel", "author") and not attributes.has("class", "byline")  # equality, not containment
    assert attributes.contains("class", "author-name", "nothing") and not attributes.contains("class", "dek")
    assert attributes.values("data-testid") == [] and not attributes.contains("data-testid", "Author")
    assert attributes.has_element("author") and not attributes.has_element("rel")
    assert attributes.has_element("html")  # the root counts, as in ``//html``
    for name in ("class", "rel", "itemprop", "id"):
        assert set(attributes.values(name)) == {str(v) for v in tree.xpath(f"//@{name}")}


def test_an_element_root_reads_the_whole_document():
    tree = parse_page(PAGE)
    body = tree.getroot().find("body")
    assert PageAttributes(body).values("rel") == PageAttributes(tree).values("rel")
