"""Scripts and styles leave the page before it is copied for trafilatura's second opinion.

Nothing after the metadata reads them, and trafilatura deletes them unread after copying them,
so dropping them first must change neither trafilatura's text nor the import, only its cost.
"""

from __future__ import annotations

import copy
import gzip
from pathlib import Path

import trafilatura
from lxml import etree

from bundler.cleaning.content import _HEAD_UNREAD, drop_code, trafilatura_text
from bundler.importers.html import parse_page
from bundler.text.encoding import decode_bytes

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


# The head's meta and link tags are set aside while trafilatura reads the page (branch dom7): its
# text must be trafilatura.extract's on the whole page, and the page must come back unchanged.
META = "".join(f'<meta property="og:tag{n}" content="keeper {n}">\n<link rel="preload" href="/f{n}.woff">\n' for n in range(40))
REAL_PAGES = Path(__file__).resolve().parents[2].parent / "shared" / "realpages" / "wcxb-dev" / "html"
#: Two real pages whose text trafilatura weighs against the page's text, ``<title>`` included
#: (without the title they read differently), and three ordinary ones.
TITLE_SENSITIVE = ("0519", "0548")
ORDINARY = ("0001", "0367", "2865", "4613")


def _whole_page_text(root) -> str:
    return trafilatura.extract(copy.deepcopy(root), include_comments=False, include_tables=True, deduplicate=False) or ""


def _same_text_and_page_restored(tree) -> None:
    root = tree.getroot()
    before = etree.tostring(root, encoding="unicode")
    assert trafilatura_text(tree) == _whole_page_text(root)
    assert etree.tostring(root, encoding="unicode") == before, "the head is put back as it was, tails and order"


def test_the_head_set_aside_changes_neither_trafilatura_text_nor_the_page():
    page = PAGE.replace("<title>Keeper</title>", f"<title>Keeper</title>\n{META}<noscript>Keeper's log needs no script</noscript>")
    tree = parse_page(page, "keeper.html")
    drop_code(tree)
    assert len(tree.find(".//head")) > 80
    _same_text_and_page_restored(tree)
    assert {e.tag for e in _HEAD_UNREAD(tree.getroot())} == {"meta", "link"}, "title, JSON-LD and noscript stay"


def test_real_pages_read_the_same_with_the_head_set_aside():
    assert REAL_PAGES.is_dir(), f"the real pages are not at {REAL_PAGES} (../shared/realpages beside the repository)"
    for page_id in TITLE_SENSITIVE + ORDINARY:
        raw = gzip.open(REAL_PAGES / f"{page_id}.html.gz").read()
        tree = parse_page(decode_bytes(raw, "")[0], page_id)
        drop_code(tree)
        _same_text_and_page_restored(tree)
