"""The server hands out only what the catalogue lists: over real HTTP on 127.0.0.1.

The library fixture's dist/ also holds a bag (folder and .zip), sources, provenance records,
``bag-info.txt`` and an edition of an older build; none of them may be downloaded or listed.
"""

from __future__ import annotations

from urllib.parse import quote, urljoin

from tests.distribution.conftest import EVIDENCE, SECRET, STALE_EDITIONS, fetch


def test_evidence_and_stale_editions_are_404(server):
    for relative in (*EVIDENCE, *STALE_EDITIONS, "aleppo-2016-bag/dossier.json", "empty-folder/dossier.json"):
        status, _headers, body = fetch(urljoin(server.url, quote(relative)))
        assert status == 404, relative
        assert SECRET not in body


def test_listed_editions_covers_and_feeds_are_served(server, library):
    for relative, data in library.editions.items():
        status, _headers, body = fetch(urljoin(server.url, quote(relative)))
        assert status == 200 and body == data, relative
    for name in ("", "index.html", "opds.xml", "opds-all.xml", "opds-lang-ar.xml", "aleppo-2016/cover-thumb.jpg"):
        assert fetch(urljoin(server.url, name))[0] == 200, name


def test_catalogue_names_no_evidence_and_no_stale_edition(library):
    feeds = "".join((library.dist / name).read_text(encoding="utf-8") for name in ("opds-all.xml", "index.html"))
    for relative in (*EVIDENCE, *STALE_EDITIONS):
        assert f'"{relative}"' not in feeds, relative
    assert "aleppo-2016-bag" not in feeds
