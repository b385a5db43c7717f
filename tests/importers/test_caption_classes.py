"""The caption-classed elements of a page, found without XPath, are the ones XPath found (branch text7)."""

from __future__ import annotations


def test_caption_classed_elements_are_the_ones_the_xpath_found() -> None:
    from lxml import etree
    from lxml import html as lxml_html

    from bundler.cleaning.figures import _caption_classed

    page = (
        '<html class="Caption-page"><body><!-- a caption comment --><div class="wp-caption"><img src="a.jpg">'
        '<p class="wp-caption-text">A</p></div><span class="CAPTION">no</span><p class="x Caption">B</p>'
        '<figure><figcaption class="caption">C</figcaption></figure><p class="capt ion">no</p></body></html>'
    )
    tree = etree.ElementTree(lxml_html.document_fromstring(page))
    expected = tree.xpath("//*[contains(@class, 'caption') or contains(@class, 'Caption')]")
    assert [e.tag for e in expected] == ["html", "div", "p", "p", "figcaption"]
    assert _caption_classed(tree) == expected
    assert _caption_classed(tree.getroot().find(".//figure")) == expected  # the whole document, as "//" reads it
