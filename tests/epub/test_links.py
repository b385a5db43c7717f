"""A link to another piece of the dossier (by its source URL) becomes a link inside the book, in EPUB and PDF."""

from __future__ import annotations

from bundler.render.xhtml import Target, build_link_map, render_piece
from tests.epub.conftest import NS
from tests.kitchen_sink import make_kitchen_sink


def test_links_between_pieces_stay_inside_the_epub(kitchen_sink):
    queues = kitchen_sink.documents["bread-queues.xhtml"]
    hrefs = [a.get("href") for a in queues.iterfind(".//h:a", NS)]
    assert "night-shift.xhtml" in hrefs, "trailing slash and all, the source URL maps to the piece"
    assert "https://video.example.org/watch/123" in hrefs, "links to the web stay links to the web"
    night = kitchen_sink.documents["night-shift.xhtml"]
    assert "bread-queues.xhtml" in [a.get("href") for a in night.iterfind(".//h:a", NS)]


def test_links_between_pieces_stay_inside_the_pdf(tmp_path):
    dossier = make_kitchen_sink(tmp_path)
    target = Target(href_for=lambda slug: f"#{slug}", media_href=lambda figure: None, link_map=build_link_map(dossier))
    html = render_piece(dossier.pieces[0], dossier, target)
    assert 'href="#night-shift"' in html
    assert 'href="https://video.example.org/watch/123"' in html
