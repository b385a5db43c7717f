"""``metadata_fallback.read_fields`` gives exactly what ``trafilatura.extract_metadata`` gives, field by field.

It skips the parts of trafilatura's reader whose fields bundler does not want (categories, tags,
licence, and the author, date or site when the page stated them), which halved the reader's
time; the fields it is asked for must not change. Checked on the fixture corpus (41 pages of
13 templates, English and Arabic) and on pages written here for each path of the reader.
"""

from __future__ import annotations

import pytest
from trafilatura import extract_metadata

from bundler.cleaning.metadata_fallback import FIELDS, read_fields
from bundler.importers.html import parse_page
from bundler.text.encoding import decode_bytes
from tests.importers.conftest import PAGES
from tests.importers.test_metadata_untouched import PAGES as WRITTEN

CORPUS = sorted(PAGES.rglob("*.html"))
SITE_IN_URL_ONLY = """<html><head><title>Ferry ledger</title></head><body><p>Crossings were logged twice a day, by hand,
    in a ledger the harbour master kept under the counter of the ticket office.</p></body></html>"""
# a byline only where trafilatura's author reader prunes (comments, a figure), and a page naming no author at all
AUTHOR_IN_COMMENTS = """<html><head><title>Ferry ledger</title></head><body><article><p>Crossings were logged twice a day.</p>
    <figure><img src="a.jpg"><figcaption><span class="author">Photo Desk Staff</span></figcaption></figure></article>
    <div id="comments"><p class="byline">Samir Aziz Khoury</p><p>Great piece.</p></div></body></html>"""
NO_AUTHOR = """<html><head><title>Ferry ledger</title></head><body><article><h1>Ferry ledger</h1>
    <p>Crossings were logged twice a day, by hand.</p></article></body></html>"""
TWITTER_SITE = """<html><head><meta name="twitter:site" content="@harbourpost"><meta name="author" content="Layla Haddad">
    <title>Ferry ledger</title></head><body><p>Crossings were logged twice a day.</p></body></html>"""


def _pages():
    for path in CORPUS:
        yield str(path.relative_to(PAGES)), decode_bytes(path.read_bytes())[0]
    yield from WRITTEN.items()
    yield "site in the address only", SITE_IN_URL_ONLY
    yield "site from a twitter handle", TWITTER_SITE
    yield "author only in pruned parts", AUTHOR_IN_COMMENTS
    yield "no author anywhere", NO_AUTHOR


def test_the_corpus_is_there():
    assert len(CORPUS) >= 40


@pytest.mark.parametrize("url", [None, "https://www.harbour-post.example/2021/03/12/ferry-ledger"])
def test_wanted_fields_are_trafilaturas(url):
    compared = 0
    for name, text in _pages():
        root = parse_page(text).getroot()
        full = extract_metadata(root, default_url=url, extensive=False)
        for wanted in [{field} for field in sorted(FIELDS)] + [set(FIELDS)]:
            got = read_fields(root, url, wanted)
            for field in wanted:
                assert getattr(got, field) == getattr(full, field), f"{name}: {field} with {sorted(wanted)} wanted"
                compared += 1
    assert compared >= 8 * (len(CORPUS) + len(WRITTEN) + 4)


def test_a_field_not_wanted_is_not_read():
    """The saving is real: the author (found by pruning a copy of the page) is not looked for unless wanted."""
    root = parse_page(TWITTER_SITE.replace('<meta name="author" content="Layla Haddad">', "")).getroot()
    assert read_fields(root, None, {"sitename"}).author is None
    assert read_fields(root, None, {"sitename"}).sitename == extract_metadata(root, extensive=False).sitename == "Harbourpost"
