"""The shortcuts of the inline-fragment checks give what parsing gives (``cleaning.blocks``)."""

from __future__ import annotations

from lxml import etree

from bundler.cleaning.blocks import _PLAIN_XML_TEXT, clean_url, fragment_problem, parse_inline


def _parsed_problem(fragment: str) -> str:
    """``fragment_problem`` the long way: a fresh parser for every fragment, as before the shortcuts."""
    try:
        etree.fromstring(f"<div>{fragment}</div>", etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        return str(exc.msg or exc).replace("(<string>, line 1)", "").strip()
    return ""


def test_text_taken_as_plain_parses_for_every_character():
    """Each character the plain-text test lets through, alone and between words, is well-formed XML."""
    for code in [*range(0xD800), *range(0xE000, 0x10000), 0x10000, 0x1F600, 0x10FFFF]:
        char = chr(code)
        if _PLAIN_XML_TEXT.fullmatch(char):
            assert _parsed_problem(f"a{char}b") == "", hex(code)
        else:
            assert char in "<>&" or code < 0x20 or code in (0xFFFE, 0xFFFF), hex(code)


def test_problems_are_named_as_a_fresh_parser_names_them():
    fragments = ["plain", "", "a > b", "]]>", "<em>ok</em>", "<em>open", "stray</b>", "&nbsp;", "&amp; &#8217;", "a\x01b", "x<br/>y"]
    for _ in range(2):  # the second time through, the thread's parser has parsed all of them once
        assert [fragment_problem(f) for f in fragments] == [_parsed_problem(f) for f in fragments]
    assert fragment_problem("<em>open") and fragment_problem("a\x01b") and not fragment_problem("a > b")
    assert etree.tostring(parse_inline("a <em>b</em>")) == b"<div>a <em>b</em></div>"


def test_a_remembered_link_is_the_same_link():
    first = clean_url("../a b?utm_source=x&id=1#top", "https://example.org/news/story/")
    assert first == "https://example.org/news/a%20b?id=1#top"
    assert clean_url("../a b?utm_source=x&id=1#top", "https://example.org/news/story/") == first
    assert clean_url("../a", "https://example.com/x/y") == "https://example.com/a"  # another base, another answer
    assert clean_url("javascript:alert(1)") == ""
