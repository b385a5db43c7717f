"""The furniture pass measures each element once (``cleaning.measure``) and decides as before.

``Measures`` remembers an element's text length, words and link density for one pass of
``drop_furniture``; the answers must be the ones the rules computed each time before, and the
furniture pass must remove exactly what it removed when every rule measured the tree again.
"""

from __future__ import annotations

import copy

from bundler.cleaning.content import _WORD, Support, ancestor_shares
from bundler.cleaning.dom import drop_furniture, drop_invisible, is_link_dense, text_length
from bundler.cleaning.measure import Measures
from bundler.cleaning.treetext import spaced_text
from bundler.importers.html import _holder_of, parse_page

STORY = "The night train to the coast stopped at every village, and the guard knew each stationmaster by name."
PAGE = f"""<!DOCTYPE html><html lang="en"><head><title>Train</title></head><body>
<div class="sidebar-wrap"><ul class="menu"><li><a href="/a">Timetables</a></li><li><a href="/b">Fares and tickets</a></li></ul></div>
<div class="widget-area promo">
  <div itemprop="articleBody">{"".join(f"<p>{STORY} ({n}) <a href='/x{n}'>more</a></p>" for n in range(12))}</div>
</div>
<div class="comments"><p>First!</p><div class="share"><a href="#">Post</a> <a href="#">Mail</a></div></div>
<div class="elementor-widget-wrap">{"".join(f"<p>{STORY} [{n}]</p>" for n in range(8))}</div>
<aside class="related"><p>More trains\u00a0and   stations</p><a href="/c">Harbour line</a></aside>
</body></html>"""


def _page():
    tree = parse_page(PAGE, "train.html")
    drop_invisible(tree)
    return tree


def test_measures_give_what_the_rules_measured_each_time():
    tree = _page()
    measures = Measures()
    elements = [e for e in tree.iter() if isinstance(e.tag, str)]
    for element in elements * 2:  # the second round is answered from memory
        assert measures.text_length(element) == text_length(element)
        assert measures.words(element) == _WORD.findall(spaced_text(element).lower())
        assert measures.is_link_dense(element) == is_link_dense(element)


def test_support_reads_split_words_as_it_reads_text():
    support = Support(" ".join(f"{STORY} ({n})" for n in range(12)))
    tree = _page()
    for element in (e for e in tree.iter() if isinstance(e.tag, str)):
        text = spaced_text(element)
        words = _WORD.findall(text.lower())
        assert support.share_of_words(words) == support.share_in(text)
        assert support.of_words(words) == support.of(text)


def test_furniture_pass_spares_the_article_and_removes_the_rest():
    """The wrapper of ``itemprop=articleBody`` and the element holding trafilatura's text survive
    their furniture classes; the menus, comments and related box go."""
    tree = _page()
    support = Support(" ".join(f"{STORY} [{n}]" for n in range(8)))
    plain = copy.deepcopy(tree)
    measures = Measures()
    removed = drop_furniture(tree, holds_main_text=_holder_of(support, measures), measures=measures)
    classes = {e.get("class") for e in tree.iter() if isinstance(e.tag, str)}
    assert {"widget-area promo", "elementor-widget-wrap"} <= classes
    assert not classes & {"sidebar-wrap", "comments", "related"}
    assert removed == 3
    assert sum(STORY in (p.text or "") for p in tree.iter("p")) == 20
    # without a second opinion the widget holding the story is furniture by its class
    assert drop_furniture(plain) == 4
    assert "elementor-widget-wrap" not in {e.get("class") for e in plain.iter() if isinstance(e.tag, str)}


def test_ancestor_shares_are_each_ancestors_share_in():
    """Built level by level from the text each ancestor adds, the shares are ``share_in`` of every
    ancestor's whole text: children of no word or one word, tails, words split by markup."""
    page = parse_page(
        "<html><body><div>Lead <b>in</b><section><p>tail-end</p> words here <i>x</i>"
        "<div><span><em>one</em></span><span></span></div> the night train to the coast</section>"
        f"<p>{STORY}</p> stopped at every<!-- c --> village</div><p>and the guard</p></body></html>"
    )
    support = Support(f"lead in tail end words here x one the night train to the coast {STORY} and the guard")
    for element in (e for e in page.iter() if isinstance(e.tag, str)):
        shares = ancestor_shares(element, support)
        assert [a for a, _ in shares] == list(element.iterancestors())
        assert [share for _, share in shares] == [support.share_in(spaced_text(a)) for a in element.iterancestors()]


def test_elements_without_attributes_are_judged_by_their_tag_alone():
    """Most elements have no attribute, and the furniture pass does not ask them for a role, a style
    or a class (branch dom7): bare ``<nav>``, ``<form>`` and ``<iframe>`` still go, a bare
    ``<header>``/``<aside>`` goes outside an article and stays in one, a bare ``<div>`` stays."""
    page = f"""<html><head><title>Bare</title></head><body><nav><a href="/">Home</a></nav><header><p>Site name</p></header>
    <form><p>Search the line</p></form><iframe></iframe><div><p>{STORY}</p></div><aside><p>Elsewhere</p></aside>
    <article><header><h1>The night train</h1></header><p>{STORY}</p><aside><p>Timetable note</p></aside></article>
    <div role="navigation"><a href="/b">Back</a></div><p style="display:none">Hidden line</p></body></html>"""
    tree = parse_page(page, "bare.html")
    assert drop_furniture(tree) == 7
    body = tree.find(".//body")
    assert [e.tag for e in body] == ["div", "article"]
    assert [e.tag for e in body.find("article")] == ["header", "p", "aside"]


def test_a_body_share_from_its_blocks_words_is_share_in_of_the_joined_text():
    """``_recover_lost_article`` takes the body's share of trafilatura's article from each block's
    remembered words (branch dom7); it must be ``share_in`` of the blocks' text joined by spaces,
    whatever the letters at the blocks' edges (a final sigma, a dotted capital I, an apostrophe)."""
    support = Support(" ".join(f"{STORY} ({n}) ΟΔΟΣ İstanbul l'été" for n in range(6)))
    texts = [STORY, "", "ΟΔΟΣ", "İstanbul l'", "été — (3)", STORY.upper(), "…", "ΟΔΟΣ'", "Σ", STORY]
    for start in range(len(texts)):
        for end in range(start, len(texts) + 1):
            part = texts[start:end]
            assert support.share_of_texts(part) == support.share_in(" ".join(part)), part
    assert 0 < support.share_of_texts(texts) < 1
    assert support.of(STORY) == support.of_words(_WORD.findall(STORY.lower())) == support.of(STORY)  # remembered, same
