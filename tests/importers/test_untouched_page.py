"""The untouched page, rebuilt from its text when a rare step asks for it, is the page the rules found.

The HTML importer used to copy the whole tree on every import for two steps that read the page
again after the furniture rules changed it: the recovery of a lost article and the completeness
check's count of visible words. ``UntouchedPage`` parses the text again instead, only on the pages
that ask (branch dom8). The rebuilt page must be, byte for byte, the page the importer had just
before its rules ran: streamed parts moved in, footnotes taken out, scripts and styles dropped.
The metadata pass is not repeated: it changes nothing in the page but its standfirst marker.
"""

from __future__ import annotations

from lxml import etree

from bundler.cleaning.completeness import check_body
from bundler.cleaning.content import drop_code
from bundler.cleaning.metadata import read_metadata
from bundler.cleaning.notes import extract_notes
from bundler.cleaning.streamed import reassemble_streamed
from bundler.importers import ImportOptions, read_piece
from bundler.importers.html import UntouchedPage, parse_page
from bundler.model import Paragraph

LINE = "The lighthouse keeper wrote the weather into the log at dawn and again at dusk, every day of the year."
PAGE = f"""<!DOCTYPE html><html lang="en"><head><title>The keeper's log</title>
<meta name="description" content="A year at the lighthouse"><style>p {{ color: red }}</style>
<script>var tracking = 1;</script><script type="application/ld+json">{{"@type": "NewsArticle"}}</script></head>
<body><nav><a href="/">Home</a></nav>
<h1>The keeper's log</h1><p class="article-dek">A year of weather at the lighthouse, written down twice a day.</p>
<article><p>{LINE}<sup><a href="#fn1" id="r1">1</a></sup></p>
<template id="P:0"></template><noscript><p>Turn on scripts</p></noscript>
{"".join(f"<p>{LINE} ({n})</p>" for n in "abcdef")}<script>late()</script></article>
<div hidden id="S:0"><p>The streamed paragraph arrived after the page had started to show.</p></div>
<ol class="footnotes"><li id="fn1">The log is kept in the harbour office. <a href="#r1">↩</a></li></ol>
</body></html>"""


def _page_before_the_rules(text: str):
    """The steps ``read_html_bytes`` takes before its furniture rules, metadata included."""
    tree = parse_page(text, "log.html")
    reassemble_streamed(tree)
    read_metadata(tree)
    notes, _containers = extract_notes(tree.find(".//body"), "en", "https://example.org/log")
    drop_code(tree)
    return tree, notes


def _markup(tree) -> str:
    return etree.tostring(tree, encoding="unicode").replace(' data-bundler-dek="1"', "")


def test_the_rebuilt_page_is_the_page_before_the_rules():
    before, notes = _page_before_the_rules(PAGE)
    assert notes and "streamed paragraph" in _markup(before) and "tracking" not in _markup(before)
    untouched = UntouchedPage(PAGE, "log.html", "en", "https://example.org/log")
    assert _markup(untouched.tree()) == _markup(before)
    assert untouched.tree() is untouched.tree()  # built once, however many steps ask


def test_the_completeness_check_builds_the_page_only_when_it_counts_it():
    untouched = UntouchedPage(PAGE, "log.html", "en", "https://example.org/log")
    article = " ".join(f"{LINE} ({n})" for n in "abcdef")
    kept_all = [Paragraph(f"{LINE} ({n})") for n in "abcdef"]
    assert check_body(kept_all, untouched.tree, article) == []
    assert untouched._tree is None  # no warning was possible: the page was not rebuilt
    [problem] = check_body([], untouched.tree, article)
    assert problem.startswith("W130: ") and untouched._tree is not None


def test_an_import_keeps_the_article_notes_and_streamed_part(tmp_path):
    page = tmp_path / "log.html"
    page.write_text(PAGE, encoding="utf-8")
    piece = read_piece(page, ImportOptions(media_dir=tmp_path / "media"))
    text = " ".join(b.html for b in piece.body if isinstance(b, Paragraph))
    assert text.count("lighthouse keeper") == 7 and "streamed paragraph" in text
    assert [n.html for n in piece.notes] == ["The log is kept in the harbour office."]
