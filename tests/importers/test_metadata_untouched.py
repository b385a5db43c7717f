"""The date and metadata readers leave the page tree as they found it.

``cleaning.metadata`` hands the page itself (no copy) to htmldate and to trafilatura's metadata
reader, because both copy the tree before they prune it and a second copy cost as much again
on every import. The rest of the import reads the same tree afterwards, so if a new version of
either library pruned the caller's tree in place, text would be lost without a sound: these
tests serialise the tree before and after every path those readers take (a date in the head,
a date only in the running text so the extensive search runs, an author found by pruning the
page, no date at all) and require the same bytes.
"""

from __future__ import annotations

import pytest
from htmldate import find_date
from lxml import etree
from trafilatura import extract_metadata

from bundler.cleaning.metadata import read_metadata
from bundler.importers.html import parse_page

PARAGRAPHS = "".join(
    f"<p>The ferry from the island ran twice a day that summer, and the harbour master kept a ledger of every crossing ({n}).</p>"
    for n in range(8)
)
NAV = "<nav><ul><li><a href='/'>Home</a></li><li><a href='/news'>News</a></li></ul></nav>"
ASIDE = "<aside class='related'><h2>Related</h2><ul><li><a href='/x'>Another story</a></li></ul></aside>"

PAGES = {
    "date in the head": f"""<html lang="en"><head><title>Ferry ledger | Harbour Post</title>
        <meta property="article:published_time" content="2021-03-12T08:00:00Z"></head>
        <body>{NAV}<article><h1>Ferry ledger</h1>{PARAGRAPHS}</article>{ASIDE}</body></html>""",
    "date only in the text": f"""<html><head><title>Ferry ledger</title></head>
        <body>{NAV}<div class="content"><h1>Ferry ledger</h1><p>Posted on 12 March 2021, late in the evening.</p>
        {PARAGRAPHS}<svg><text>chart</text></svg><iframe src="https://example.org/map"></iframe></div>
        <footer><small>Updated 2022-01-05</small></footer>{ASIDE}</body></html>""",
    "author by pruning": f"""<html><head><title>Ferry ledger</title></head>
        <body>{NAV}<div class="byline"><span class="author">By Layla Haddad</span> <span class="date">12/03/2021</span></div>
        <div class="comments"><div class="author">A commenter</div></div><div>{PARAGRAPHS}</div>{ASIDE}</body></html>""",
    "no date at all": f"""<html><head><title>Ferry ledger</title><script>var x = 1;</script><style>p {{}}</style></head>
        <body>{NAV}<main>{PARAGRAPHS}<figure><img src="a.jpg" alt=""><figcaption>The quay</figcaption></figure></main></body></html>""",
}


def _bytes(tree) -> bytes:
    return etree.tostring(tree, encoding="utf-8")


@pytest.mark.parametrize("name", sorted(PAGES))
def test_htmldate_and_trafilatura_leave_the_tree_alone(name):
    tree = parse_page(PAGES[name])
    before = _bytes(tree)
    for extensive in (True, False):
        find_date(tree.getroot(), extensive_search=extensive, original_date=True, max_date="2026-01-01")
        assert _bytes(tree) == before, f"htmldate (extensive={extensive}) changed the page tree"
    for extensive in (True, False):
        extract_metadata(tree.getroot(), default_url="https://example.org/ferry", extensive=extensive)
        assert _bytes(tree) == before, f"trafilatura's extract_metadata (extensive={extensive}) changed the page tree"


@pytest.mark.parametrize("name", sorted(PAGES))
def test_read_metadata_changes_only_its_dek_mark(name):
    """read_metadata itself marks the standfirst it found (data-bundler-dek) and nothing else."""
    tree = parse_page(PAGES[name])
    before = _bytes(tree)
    meta = read_metadata(tree)
    after = _bytes(tree)
    assert after.replace(b' data-bundler-dek="1"', b"") == before
    assert meta.title.startswith("Ferry ledger")
    if name != "no date at all":
        assert meta.date[:4] in {"2021", "2022"}
