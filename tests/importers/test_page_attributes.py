"""``PageAttributes`` lists what XPath would test: every value of an attribute, anywhere on the page."""

from __future__ import annotations

from bundler.cleaning.metadata import read_metadata
from bundler.cleaning.page_attributes import PageAttributes, iter_page
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


#: Text after ``</html>``, as saved pages have it. libxml2 alone puts it in a second ``<html>`` beside the root;
#: ``parse_page`` puts it in the body, where a browser shows it (``reopen_document``).
AFTER_THE_ROOT = (
    "<html><head><title>Ferry ledger kept by hand | Harbour News</title></head><body><nav>Home</nav></body></html>\n"
    "<div class='post'><h1>Ferry ledger kept by hand</h1>"
    "<p class='article-dek'>How the harbour office logged every crossing for forty years, one line each.</p>"
    "<time datetime='2021-03-12'>12 March</time><span class='author'>Layla Haddad</span></div>"
)


def test_elements_beside_the_root_are_found_as_xpath_finds_them():
    from lxml import html as lxml_html

    tree = lxml_html.document_fromstring(AFTER_THE_ROOT).getroottree()  # libxml2's own tree, a root beside the root
    assert [element.tag for element in tree.getroot().itersiblings()] == ["html"]
    for tags in (("h1",), ("time",), ("p", "div", "h2"), ("body",), ()):
        assert list(iter_page(tree, *tags)) == tree.xpath(" | ".join(f"//{tag}" for tag in tags) or "//*")
    attributes = PageAttributes(tree)
    assert attributes.has_element("h1") and attributes.has_element("time") and not attributes.has_element("rel")


def test_the_text_after_the_document_end_is_in_the_body():
    tree = parse_page(AFTER_THE_ROOT)
    assert [element.tag for element in tree.getroot().itersiblings()] == []
    assert "Ferry ledger kept by hand" in " ".join(tree.find(".//body").itertext())


def test_the_metadata_beside_the_root_is_read():
    meta = read_metadata(parse_page(AFTER_THE_ROOT))
    assert meta.title == "Ferry ledger kept by hand"
    assert meta.standfirst == "How the harbour office logged every crossing for forty years, one line each."
    assert meta.date == "2021-03-12"


HEADLINE_XPATH = "//body//*[self::h1 or self::h2 or self::span or self::b or self::strong or self::font or self::div or self::td]"


def test_headline_elements_are_the_xpaths_without_its_walk():
    """The title's short texts are read from the elements the XPath finds, in its order, with no element twice."""
    from lxml import etree

    from bundler.cleaning.metadata import _headline_elements

    nested = parse_page(PAGE)
    inner = etree.SubElement(nested.getroot().find("body").find("div"), "body")
    etree.SubElement(etree.SubElement(inner, "div"), "b").text = "inside a second body"
    for tree in (parse_page(PAGE), parse_page(AFTER_THE_ROOT), nested):
        assert list(_headline_elements(tree)) == tree.xpath(HEADLINE_XPATH)
    assert len(nested.xpath(HEADLINE_XPATH)) == 4


def test_the_headline_part_of_a_title_is_the_one_shown_on_the_page():
    page = (
        "<html><head><title>Harbour News - Ferry ledger kept by hand</title>"
        "<meta property='og:site_name' content='The Coast Gazette'></head>"
        "<body><div><span>Ferry ledger kept by hand</span></div><p>Ferry ledger kept by hand, one line a crossing.</p></body></html>"
    )
    assert read_metadata(parse_page(page)).title == "Ferry ledger kept by hand"
