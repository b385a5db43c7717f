"""A saved page's relative links become text; absolute links and note anchors stay; the text stays well-formed."""

from __future__ import annotations

from bundler.cleaning.blocks import fragment_problem, unlink_relative
from bundler.importers import ImportOptions, read_piece

PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Markets &amp; mills</title></head>
<body><article><h1>Markets &amp; mills</h1>
<p>R&amp;D spending rose, says <a href="/reports/2016">the annual report</a> &amp; the
<a href="https://example.org/mills">mill owners' page</a>.</p>
<p>The council met on Tuesday evening to discuss the budget for the coming year, and the debate ran late into the night
as members argued over the cost of repairs to the old market hall and the library on the square.</p>
<p>Traders said the <a href="../index.html">market hall</a> needs a new roof before winter, and the library a new boiler
&lt;soon&gt;, according to the minutes of the meeting that the council published the next morning.</p>
</article></body></html>"""


def test_relative_links_become_text_and_absolute_links_stay(tmp_path):
    page = tmp_path / "markets.html"
    page.write_text(PAGE, encoding="utf-8")
    piece = read_piece(page, ImportOptions(media_dir=tmp_path / "media"))
    markup = " ".join(block.html for block in piece.body)
    assert 'href="/reports/2016"' not in markup and 'href="../index.html"' not in markup
    assert "the annual report" in markup and "market hall" in markup
    assert 'href="https://example.org/mills"' in markup
    assert all(fragment_problem(block.html) == "" for block in piece.body)


def test_unlinking_keeps_escaped_text_escaped():
    fragment = 'R&amp;D <a href="/x">a &amp; b</a> &lt;tag&gt; <em>e&amp;</em> <a href="#n1">1</a>'
    result = unlink_relative(fragment)
    assert result == 'R&amp;D a &amp; b &lt;tag&gt; <em>e&amp;</em> <a href="#n1">1</a>'
    assert fragment_problem(result) == ""


def test_links_without_a_followable_host_become_text():
    from bundler.cleaning.blocks import clean_url

    assert clean_url("http://") == ""
    assert clean_url("http://Technology Marketing Toolkit, Inc.") == ""
    assert clean_url("https://example.org/a b") == "https://example.org/a%20b"
    assert clean_url("https://user@example.org:8080/x") == "https://user@example.org:8080/x"
    assert clean_url("mailto:desk@example.org") == "mailto:desk@example.org"


def test_a_relative_canonical_address_is_not_the_source_url(tmp_path):
    page = tmp_path / "story.html"
    page.write_text(PAGE.replace("<title>", '<link rel="canonical" href="blog/markets"><title>'), encoding="utf-8")
    piece = read_piece(page, ImportOptions(media_dir=tmp_path / "media"))
    assert piece.source_url == ""
