"""A thread of classed posts is the article, post by post; comments under an article are not.

Fixture pages in ``tests/fixtures/threads/``: a forum thread whose posts are ``div.post`` side
by side, each with a ``postbody`` that the content rules find (one post alone, when the second
opinion read only one), and a story with three short comments below it.
"""

from __future__ import annotations

from pathlib import Path

from lxml import html as lxml_html

from bundler.cleaning.content import Support, find_root
from bundler.importers import ImportOptions, read_piece
from bundler.importers.html import parse_page

PAGES = Path(__file__).parent.parent / "fixtures" / "threads"
POST_STARTS = ["The floor of my wood-fired", "Fill it with a slurry", "I had the same crack", "Thank you both. The chimney"]


def _tree(name: str):
    return parse_page((PAGES / name).read_text(encoding="utf-8"), name, [])


def _body_text(piece) -> str:
    return "\n".join(block.html for block in piece.body if hasattr(block, "html"))


def test_one_post_found_by_the_rules_widens_to_its_thread():
    tree = _tree("forum-postbody.html")
    longest = max(tree.xpath("//div[@class='postbody']"), key=lambda e: len(e.text_content()))
    root = find_root(tree, "", Support(longest.text_content()))  # trafilatura read the longest post only
    assert root.element.get("class") == "topic-posts"
    assert root.posts


def test_every_post_of_the_thread_is_imported_in_order():
    piece = read_piece(PAGES / "forum-postbody.html", ImportOptions())
    text = _body_text(piece)
    positions = [text.find(start) for start in POST_STARTS]
    assert -1 not in positions and positions == sorted(positions), text
    assert "Forum index" not in text and "run by volunteers" not in text


def test_comments_under_an_article_do_not_become_its_root():
    tree = _tree("article-comments.html")
    story = tree.xpath("//div[@class='story']")[0]
    for support in (Support(story.text_content()), None):
        root = find_root(tree, "", support)
        assert root.element.tag == "main" and not root.posts
    text = _body_text(read_piece(PAGES / "article-comments.html", ImportOptions()))
    assert "cut back the brambles" in text and "gloves and a sharp knife" in text
    assert "my grandfather planted" not in text and "apples for sale" not in text


def test_a_broad_root_narrows_to_the_thread_that_is_the_page():
    page = lxml_html.document_fromstring(
        "<html><body><main><p>Latest topics</p><div class='replies'>"
        + "".join(f"<div class='reply'><p>{start} {'and more words of the post ' * 8}</p></div>" for start in POST_STARTS)
        + "</div></main></body></html>"
    ).getroottree()
    root = find_root(page, "", None)
    assert root.element.get("class") == "replies" and root.posts
