"""A forum thread is its posts, in order; a second opinion that found its text elsewhere cannot empty it.

The fixture thread is written here: five posts, each an ``<article class="message">`` side by
side under one parent, with a site's terms of use below them (the block trafilatura sometimes
takes for a thread's text when the posts are short).
"""

from __future__ import annotations

from lxml import html as lxml_html

from bundler.cleaning.content import Support, find_root, select_blocks
from bundler.importers import ImportOptions, read_piece
from bundler.model import Paragraph

POSTS = [
    (
        "Amal",
        "Has anyone tried walking the old souk route since the market reopened last spring? We are four adults and two "
        "children, and I would like to know whether the covered streets are safe to walk through and where we can rest.",
    ),
    (
        "Rami",
        "I walked it in May; the covered section is open as far as the spice sellers, then it is fenced off. The "
        "traders there were glad of visitors and several offered us tea, but bring cash because nobody takes cards.",
    ),
    (
        "Dana",
        "The fence came down in September, you can reach the citadel gate now if you go early in the morning. After "
        "ten the tour groups arrive and the narrow lanes near the soap makers fill up, so plan your return for midday.",
    ),
    (
        "Amal",
        "Thank you both, we will try it on Friday and bring water, the cafes along the way are still closed. I will "
        "post again afterwards with photographs of the restored gate and a note on which lanes the children managed.",
    ),
    (
        "Yusuf",
        "Take the east stairs back down, the west ones are being rebuilt and the scaffolding blocks half the steps. "
        "The workers said the new stairs should open in the spring, with a ramp for prams and wheelchairs beside them.",
    ),
]
TERMS = (
    "The content we make available on this service was compiled and arranged by us and is protected by these terms, "
    "by copyright law and by other laws and treaties; you may not copy, reproduce or redistribute any of it without "
    "our written permission, and you agree that we may end your access at any time for any reason whatsoever."
)


def thread_page() -> str:
    posts = "".join(
        f'<article class="message message--post"><div class="user"><a href="/u/{name}">{name}</a></div>'
        f'<div class="message-body"><p>{text}</p></div><div class="signature">Member since 2012, Aleppo, 1,204 posts</div></article>'
        for name, text in POSTS
    )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Walking the old souk</title></head><body>'
        '<nav><ul><li><a href="/">Forums</a></li><li><a href="/new">New posts</a></li></ul></nav>'
        f'<main><h1>Walking the old souk</h1><div class="thread">{posts}</div></main>'
        f'<footer><div class="terms"><p>{TERMS}</p></div></footer></body></html>'
    )


def test_sibling_posts_make_the_thread_the_root_when_the_second_opinion_is_elsewhere():
    tree = lxml_html.document_fromstring(thread_page()).getroottree()
    root = find_root(tree, "", Support(TERMS))
    assert root.element.get("class") == "thread", "the posts' parent, not the first post alone"


def test_a_second_opinion_that_agrees_with_no_block_does_not_empty_the_root():
    blocks = [Paragraph(text) for _name, text in POSTS]
    assert select_blocks(blocks, Support(TERMS), trusted=False) == blocks
    assert select_blocks(blocks, Support(POSTS[0][1] + " " + POSTS[1][1]), trusted=False) == blocks[:2]


def test_every_post_is_imported_in_order(tmp_path):
    page = tmp_path / "thread.html"
    page.write_text(thread_page(), encoding="utf-8")
    piece = read_piece(page, ImportOptions())
    text = " ".join(block.html for block in piece.body if isinstance(block, Paragraph))
    positions = [text.find(post) for _name, post in POSTS]
    assert -1 not in positions and positions == sorted(positions), text
    assert TERMS[:40] not in text
