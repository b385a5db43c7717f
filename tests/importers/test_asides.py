"""Author cards and repeated calls to action inside an article's container are left out (cleaning.asides).

Fixture pages are written here, in the shapes real pages take: a bio box named only by layout
classes, a WordPress-style box with the author's latest posts, a brief whose byline box is the
article (kept), and a link repeated under every item of a list article.
"""

from __future__ import annotations

import pytest

from bundler.cleaning.asides import drop_repeated_links, is_author_link
from bundler.commands.extract import piece_text
from bundler.importers import read_piece
from bundler.model import Embed, ListBlock, Paragraph, Quote
from tests.importers.conftest import norm

_STORY = [
    "The river authority opened the northern sluice gates on Tuesday morning after three days of steady rain upstream.",
    "Farmers along the lower valley had asked for the release a week earlier, fearing that their winter crops would rot.",
    "Engineers said the reservoir stood at ninety-four percent of its capacity, the highest level recorded in a decade.",
    "The regional council met in an emergency session and agreed to compensate families whose fields were flooded.",
    "Residents of the old quarter moved furniture to upper floors while volunteers filled sandbags near the market.",
    "Officials expect the water to recede by the weekend if the forecast of dry weather across the hills holds.",
    "The last comparable flood, eleven years ago, closed the valley road for a month and cut off two villages.",
    "Since then the authority has widened the spillway and installed gauges that report the level every hour.",
    "Schools in the lower valley will stay closed until Thursday, the education office said in a short statement.",
    "Bus services were diverted over the eastern bridge, adding some forty minutes to the journey into town.",
    "A hotline for residents who need help moving belongings or livestock has been set up at the town hall.",
    "Insurance assessors are expected to visit the worst affected farms once the water has drained away.",
]
_BIO = "Mara Quill is a senior correspondent who has reported on water, farming and rural politics for twelve years."


def _page(body: str, title: str = "Sluice gates opened") -> str:
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title></head><body>"
        f"<header><a href='/'>The Valley Post</a></header>{body}<footer>About us · Contact</footer></body></html>"
    )


def _article(extra: str = "") -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in _STORY)
    return (
        "<article><h1>Sluice gates opened</h1>"
        "<div class='meta-line'><a href='/author/mara-quill/'>Mara Quill</a></div>"
        f"<div class='prose'>{paragraphs}</div>{extra}</article>"
    )


def _import(tmp_path, html: str):
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    piece = read_piece(path)
    return piece, norm(piece_text(piece))


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("/author/mara-quill/", True),
        ("https://news.example/autores/maria-gil", True),
        ("https://news.example/auteur/jean-dupont/", True),
        ("https://news.example/%D8%A7%D9%84%D9%83%D8%A7%D8%AA%D8%A8/salma", True),
        ("/author/", False),  # the index of authors names nobody
        ("/authority/report", False),
        ("https://news.example/2025/06/story", False),
    ],
)
def test_author_links_are_links_to_a_persons_page(href, expected):
    assert is_author_link(href) is expected


def test_a_bio_box_named_only_by_layout_classes_is_left_out(tmp_path):
    box = (
        "<div class='bg-blue-50 px-4 mt-8'><h2>About the Author</h2><div class='flex'>"
        "<img src='mara.jpg' alt='photo of Mara Quill'><div class='w-4/5'>"
        f"<p><span>Mara Quill</span>, Senior Correspondent</p><div>{_BIO}"
        "<a href='/author/mara-quill/'>See full bio</a></div>"
        "<a href='/author/mara-quill/'>View all posts by Mara Quill</a></div></div></div>"
    )
    piece, text = _import(tmp_path, _page(_article(box)))
    assert all(norm(p) in text for p in _STORY)
    assert "senior correspondent" not in text
    assert "About the Author" not in text and "View all posts" not in text


def test_a_bio_box_with_the_authors_latest_posts_goes_whole(tmp_path):
    box = (
        "<div class='abx_box'><section class='abx_tab'><div class='abx_text'>"
        f"<div class='abx_name'>Mara Quill</div><div class='abx_job'>Correspondent</div><p>{_BIO}</p></div></section>"
        "<section class='abx_tab'><div class='abx_text'><div>Latest posts by Mara Quill "
        "(<a href='/author/mara-quill/'>see all</a>)</div><ul>"
        "<li><a href='/2025/a'>Dry summer ahead for the valley</a> - June 3, 2025</li>"
        "<li><a href='/2025/b'>New bridge opens over the canal</a> - May 20, 2025</li>"
        "<li><a href='/2025/c'>Orchard growers try drip irrigation</a> - May 2, 2025</li></ul></div></section></div>"
    )
    _, text = _import(tmp_path, _page(_article(box)))
    assert all(norm(p) in text for p in _STORY)
    assert "twelve years" not in text and "Latest posts" not in text and "Dry summer ahead" not in text


def test_a_brief_whose_only_box_is_the_article_is_kept(tmp_path):
    """A short news item in one small box with a link to its author is the article, not a card."""
    brief = (
        "<div class='item'><h1>Gates opened</h1>"
        "<p>By <a href='/author/mara-quill/'>Mara Quill</a></p>"
        f"<p>{_STORY[0]} {_STORY[1]} Mara Quill reports that {_STORY[2].lower()}</p></div>"
    )
    _, text = _import(tmp_path, _page(brief, "Gates opened"))
    assert norm(_STORY[1]) in text and "ninety-four percent" in text


def test_a_link_repeated_under_every_item_is_left_out(tmp_path):
    items = "".join(
        f"<h2>Model {n}</h2><p>{_STORY[n]}</p>"
        f"<p><a href='/reviews/model-{n}'>Read the full Model {n} review</a></p>"
        f"<p><a href='https://deals.example/?m={n}'>Compare prices at Deals Example</a></p>"
        for n in range(1, 5)
    )
    _, text = _import(tmp_path, _page(f"<article><h1>Four models tested</h1>{items}</article>", "Four models tested"))
    assert "Compare prices at Deals Example" not in text
    assert all(norm(_STORY[n]) in text for n in range(1, 5))


def test_repeated_links_inside_lists_go_and_emptied_items_with_them():
    link = Paragraph("<a href='https://deals.example/'>Compare prices</a>")
    keep = Paragraph("A paragraph of the article.")
    blocks = [keep, ListBlock(False, ((link,), (keep, link), (link,))), link]
    result = drop_repeated_links(blocks)
    assert result == [keep, ListBlock(False, ((keep,),))]


def test_a_link_that_comes_twice_is_kept():
    link = Paragraph("<a href='https://example.org/'>The full report</a>")
    blocks = [link, Paragraph("Text."), link]
    assert drop_repeated_links(blocks) == blocks


def test_a_quotes_attribution_link_stays_however_often_the_same_writer_is_quoted():
    said = Paragraph("<a href='https://forum.example/goto/post?id=16'>Jane said:</a>")
    quotes = [Quote((said, Paragraph(f"Quoted words number {n}."))) for n in range(3)]
    blocks = [quotes[0], Paragraph("A reply."), quotes[1], Paragraph("Another."), ListBlock(False, ((quotes[2],),))]
    assert drop_repeated_links(blocks) == blocks
    # the same link three times on its own (not opening a quote, or a quote of nothing else) is still a call to action
    alone = [Paragraph("Text."), said, Quote((said,)), said]
    assert drop_repeated_links(alone) == [Paragraph("Text.")]


def test_a_thread_keeps_every_quote_header_of_a_writer_quoted_three_times(tmp_path):
    def quote(n: int) -> str:
        return (
            f"<blockquote class='bbCodeBlock bbCodeBlock--quote'><div class='bbCodeBlock-title'>"
            f"<a href='/goto/post?id={n}' class='bbCodeBlock-sourceJump'>Jane said:</a></div>"
            f"<div class='bbCodeBlock-content'>{_STORY[n]}</div></blockquote>"
        )

    posts = "".join(
        f"<article class='message'><div class='message-userContent'>{quote(n)}<p>Reply {n}: {_STORY[n + 1]}</p></div></article>"
        for n in range(1, 4)
    )
    _, text = _import(tmp_path, _page(f"<div class='thread'><h1>Quotes</h1>{posts}</div>", "Quotes"))
    assert text.count("Jane said:") == 3, text
    assert all(norm(_STORY[n]) in text for n in range(1, 5))


def test_a_box_naming_a_writer_between_paragraphs_is_part_of_the_article(tmp_path):
    """A round-up item that quotes a staff writer, with a link to her page, sits inside the article."""
    item = (
        "<div class='item-card'><h2>The folding chair</h2>"
        "<p>Our reporter <a href='/author/mara-quill/'>Mara Quill</a> has used this chair at every market day for "
        "two summers, and Mara says the canvas has not faded or torn once in that time.</p></div>"
    )
    paragraphs = [f"<p>{a} {b}</p>" for a, b in zip(_STORY[::2], _STORY[1::2], strict=True)]  # running text
    body = "<article><h1>Sluice gates opened</h1>" + "".join(paragraphs[:3]) + item + "".join(paragraphs[3:]) + "</article>"
    _, text = _import(tmp_path, _page(body))
    assert "has used this chair at every market day" in text


def test_an_instagram_placeholder_becomes_a_link_to_the_post(tmp_path):
    placeholder = (
        "<blockquote class='instagram-media' data-instgrm-permalink='https://www.instagram.com/p/AbC123/?utm_source=ig_embed'>"
        "<div><a href='https://www.instagram.com/p/AbC123/?utm_source=ig_embed'><div>View this post on Instagram</div></a>"
        "<p><a href='https://www.instagram.com/p/AbC123/'>A post shared by Valley Post (@valleypost)</a></p></div></blockquote>"
    )
    paragraphs = [f"<p>{p}</p>" for p in _STORY]
    body = "".join(paragraphs[:4]) + placeholder + "".join(paragraphs[4:])
    piece, text = _import(tmp_path, _page(f"<article><h1>Sluice gates opened</h1>{body}</article>"))
    assert "View this post" not in text and "A post shared by" not in text
    embeds = [b for b in piece.body if isinstance(b, Embed)]
    assert [e.url for e in embeds] == ["https://www.instagram.com/p/AbC123/"]
    assert all(norm(p) in text for p in _STORY)


def test_a_bio_that_opens_with_the_linked_name_is_left_out(tmp_path):
    """The name is the link itself and the prose never repeats it: the text opening with it says whose bio it is."""
    bio = (
        "<div class='body-text'><p><em><a href='https://news.example/author/mara.quill'>Mara Quill</a> "
        "is the rivers editor. She has spent twelve years reporting on floods, farming and water rights "
        "across the region.</em></p></div>"
    )
    running = "".join(f"<p>{a} {b}</p>" for a, b in zip(_STORY[::2], _STORY[1::2], strict=True))
    _, text = _import(tmp_path, _page(f"<article><h1>Sluice gates opened</h1>{running}{bio}</article>"))
    assert all(norm(p) in text for p in _STORY)
    assert "rivers editor" not in text


def test_a_lead_paragraph_opening_with_the_linked_name_is_kept(tmp_path):
    lead = (
        "<p><a href='/author/mara-quill/'>Mara Quill</a> reports from the lower valley, where the river authority "
        "opened the northern sluice gates before dawn on Tuesday.</p>"
    )
    paragraphs = "".join(f"<p>{p}</p>" for p in _STORY)
    _, text = _import(tmp_path, _page(f"<article><h1>Sluice gates opened</h1>{lead}{paragraphs}</article>"))
    assert "reports from the lower valley" in text
