"""Scripts and styles leave the page before it is copied for trafilatura's second opinion.

Nothing after the metadata reads them, and trafilatura deletes them unread after copying them,
so dropping them first must change neither trafilatura's text nor the import, only its cost.
"""

from __future__ import annotations

import copy

from lxml import etree

from bundler.cleaning.content import drop_code, trafilatura_text
from bundler.importers.html import parse_page

PARAGRAPH = "The lighthouse keeper logged every ship that passed the headland, with its flag and the hour."
JSON_LD = '{"@context": "https://schema.org", "@type": "DiscussionForumPosting", "headline": "Keeper"}'
PAGE = f"""<!DOCTYPE html><html lang="en"><head><title>Keeper</title>
<style>p {{ color: navy }}</style><script>var head = "head script words";</script>
<script type="application/ld+json">{JSON_LD}</script></head><body>
<nav><a href="/">Home</a> <a href="/log">Log</a></nav>
<article><h1>The keeper's log</h1>
<p>Before<script>document.write("inline words")</script> after the script, its tail kept.</p>
{"".join(f"<p>{PARAGRAPH} ({n})</p><script>track({n})</script>" for n in range(30))}
<noscript><p>Read without scripts <script>var kept = 1;</script>here.</p></noscript>
<style>.x {{ display: none }}</style></article>
<footer><p>Contact the harbour office</p></footer><script>var tail = "trailing script words";</script></body></html>"""


def test_scripts_and_styles_go_json_ld_tails_and_noscript_stay():
    tree = parse_page(PAGE, "keeper.html")
    drop_code(tree)
    scripts = tree.findall(".//script")
    assert [s.get("type") for s in scripts] == ["application/ld+json", None]
    assert scripts[1].getparent().tag == "p" and scripts[1].getparent().getparent().tag == "noscript"
    assert tree.find(".//style") is None
    first = tree.find(".//article/p")
    assert "".join(first.itertext()) == "Before after the script, its tail kept."


def test_trafilatura_reads_the_same_text_without_the_code():
    tree = parse_page(PAGE, "keeper.html")
    slim = copy.deepcopy(tree)
    drop_code(slim)
    before = etree.tostring(slim, encoding="unicode")
    text = trafilatura_text(slim)
    assert text == trafilatura_text(tree)
    assert text.count(PARAGRAPH) == 30
    assert "script words" not in text
    assert etree.tostring(slim, encoding="unicode") == before  # trafilatura reads its own copy
