"""A page's standfirst is the summary under its headline, not any element named "summary" or "excerpt".

Teasers of other stories, an author's description and newsletter pitches carry the same class
words; taking one of them printed text the article does not have above its first paragraph.
"""

from __future__ import annotations

from bundler.cleaning.blocks import text_of
from bundler.cleaning.metadata import read_metadata
from bundler.importers import read_piece
from bundler.importers.html import parse_page

_BODY = "".join(
    f"<p>Paragraph {n} of the report describes how the harbour cranes were moved along the quay during the night shift.</p>"
    for n in range(1, 9)
)
_DEK = "Dock workers moved four cranes overnight to make room for the new ferry berth."
_TEASER = "Another story entirely: the fish market reopens with longer hours and a new cold store."


def _page(header: str, aside: str = "") -> str:
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Cranes moved</title></head><body>"
        f"{aside}<article>{header}{_BODY}</article></body></html>"
    )


def test_the_summary_under_the_headline_is_the_standfirst(tmp_path):
    html = _page(f"<h1>Cranes moved</h1><p class='article-summary'>{_DEK}</p>")
    assert read_metadata(parse_page(html)).standfirst == _DEK
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    piece = read_piece(path)
    assert [text_of(p.html) for p in piece.standfirst] == [_DEK]
    assert sum(text_of(getattr(b, "html", "")).count("Dock workers moved") for b in piece.body) == 0  # not twice


def test_a_teaser_named_excerpt_elsewhere_on_the_page_is_not_the_standfirst(tmp_path):
    aside = f"<aside><div class='teaser'><h3>Market</h3><div class='post-excerpt'>{_TEASER}</div></div></aside>"
    html = _page("<h1>Cranes moved</h1><p class='byline'>By Ana Reyes</p>", aside)
    assert read_metadata(parse_page(html)).standfirst == ""
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    piece = read_piece(path)
    assert piece.standfirst == ()
    assert "fish market" not in " ".join(text_of(getattr(b, "html", "")) for b in piece.body)


def test_a_summary_far_below_the_headline_is_not_the_standfirst():
    html = _page(f"<h1>Cranes moved</h1>{_BODY}<div class='summary'>{_TEASER}</div>")
    assert read_metadata(parse_page(html)).standfirst == ""
