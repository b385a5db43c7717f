"""Find what sits inside an article's container but is not the article: author cards, repeated calls to action.

Class and id words (``rules/dom.yaml``) catch most furniture, but many sites name their boxes
after a layout ("bg-blue-50 px-4", "description note") or a plugin. These rules read the
structure instead, so they carry over to sites and languages never seen:

- an *author card* is a small box that links to the author's page (``/author/<name>/``) and
  carries a few sentences of prose about that person (the name, or the first name, appears
  in the prose), often with links to their other posts beside it;
- a *repeated call to action* is a paragraph that is one link and nothing else, whose text
  comes back three or more times in the body ("Compare deals", "Get the app").

The thresholds live in ``rules/asides.yaml``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from functools import cache, lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bundler.cleaning import read_rules
from bundler.cleaning.blocks import text_of
from bundler.cleaning.measure import WORD, is_unspaced
from bundler.model import Block, ListBlock, Paragraph, Quote, map_blocks
from bundler.text.typography import normalise_space

_RULES = Path(__file__).with_name("rules") / "asides.yaml"
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_LINK = re.compile(r"^\s*<a\b[^>]*>(.*?)</a>\s*$", re.S)


@cache
def _rules() -> dict:
    return read_rules(_RULES)


@lru_cache(maxsize=16384)  # every link of a page is asked, and menus repeat the same addresses
def is_author_link(href: str) -> bool:
    """Whether ``href`` points at a person's page on the site (``/author/jane-doe/``, ``/autores/x``)."""
    words = _author_segments()
    if not _may_name_segment(href or "", words):
        return False
    parts = urlsplit(href or "")
    segments = [unquote(s).lower() for s in parts.path.split("/") if s]
    # the segment names a person only when something follows it (the person's slug)
    return any(segment in words for segment in segments[:-1])


@cache
def _author_segments() -> frozenset[str]:
    return frozenset(_rules()["author_path_segments"])


def _may_name_segment(href: str, words: frozenset[str]) -> bool:
    """False only when no path segment of ``href`` can be one of ``words``: none of them is in its
    lower-cased text, which nothing rewrites (no %-escape to decode, no tab or line break for
    ``urlsplit`` to take out). Most links of a page are ruled out so, without being parsed."""
    if "%" in href or "\t" in href or "\r" in href or "\n" in href:
        return True
    lowered = href.lower()
    return any(word in lowered for word in words)


def author_names(root) -> dict[str, set[str]]:
    """The words naming each person whose page ``root`` links to, by address.

    Read before bylines are removed as furniture: a card's "see all" link names nobody, the
    byline's link to the same page does.
    """
    names: dict[str, set[str]] = {}
    for link in root.iter("a"):
        if is_author_link(link.get("href") or ""):
            names.setdefault(link.get("href"), set()).update(_name_words(link))
    return names


def drop_author_cards(root, names: dict[str, set[str]], holds_main_text: Callable[[object], bool] | None = None) -> int:
    """Remove author cards under ``root``; returns how many went.

    ``names`` comes from ``author_names`` on the page before furniture went. ``holds_main_text``
    answers whether an element holds much of the article another extractor found: such an
    element is never a card, however small (a short news brief with a byline). A card sits at an
    edge of the article, before its first paragraph or after its last; a box with a person's
    link between two paragraphs of running text is part of the article (a product round-up
    quoting a staff writer).
    """
    if holds_main_text is None:  # without a second opinion a short article could pass for a card
        return 0
    removed = 0
    for link in [a for a in root.iter("a") if a.get("href") in names]:
        if link.getparent() is None or _detached(link, root):
            continue
        card = _card_around(link, names[link.get("href")], root)
        if card is None or holds_main_text(card) or _between_paragraphs(card, root):
            continue
        card.getparent().remove(card)
        removed += 1
    return removed


def _between_paragraphs(card, root) -> bool:
    """Whether ``card`` sits inside running text: a paragraph of ``prose_paragraph_words`` words or more
    before it, and more such text after it than twice its own prose (a disclaimer after a bio is not
    the article going on)."""
    before, after = _running_text_around(card, root)
    return before and after > 2 * len(_prose_words(card))


def _running_text_around(card, root) -> tuple[bool, int]:
    """Whether a paragraph of running text comes before ``card``, and how many words of it come after."""
    least = _rules()["prose_paragraph_words"]
    inside = set(card.iter())
    before, after, passed = False, 0, False
    for element in root.iter():
        if element is card:
            passed = True
        if element.tag != "p" or element in inside:
            continue
        words = len(WORD.findall(" ".join(element.itertext())))
        if words < least:
            continue
        if passed:
            after += words
        else:
            before = True
    return before, after


def _detached(element, root) -> bool:
    return not any(a is root for a in element.iterancestors())


def _card_around(link, name: set[str], root):
    """The smallest box around ``link`` that holds prose about the person (``name``: the words of
    every link to their page; or the prose opens with the linked name), widened over
    the person's other links beside it; None when there is no such box."""
    rules = _rules()
    card = link
    while True:
        parent = card.getparent()
        if parent is None or parent.tag in {"body", "html", "article", "main"}:
            return None
        card = parent
        text = _text(card)
        if len(text) > rules["card_max_chars"]:
            return None
        prose = _prose_words(card)
        if len(prose) >= rules["card_min_prose_words"]:
            break
    if not name:
        return None
    # a paragraph opening with the linked name is a bio only after the article's text: at the
    # top it is the lead ("<a>Jane Doe</a>, Kyiv: the first ...")
    if not (name & set(prose) or (_opens_with(card, link) and _running_text_around(card, root)[0])):
        return None
    return _widen_over_links(card, name)


def _opens_with(card, link) -> bool:
    """Whether ``card``'s text begins with ``link``'s ("<a>Jane Doe</a> is a reporter who ...")."""
    name = _text(link)
    return bool(name) and _text(card).startswith(name)


def _widen_over_links(card, name: set[str]):
    """Take in the card's parent while what it adds is the card's own furniture: links and headings
    (the author's other posts, "see all", an "About the author" heading) or one short line naming
    the person (their job title)."""
    limit = _rules()["card_max_chars"]
    while True:
        parent = card.getparent()
        if parent is None or parent.tag in {"body", "html", "article", "main"}:
            return card
        total = len(_text(parent))
        added = total - len(_text(card))
        if total > limit:
            return card
        if added > 0 and not _adds_card_furniture(parent, card, added, name):
            return card
        card = parent


def _adds_card_furniture(parent, card, added: int, name: set[str]) -> bool:
    """Whether the ``added`` characters ``parent`` holds beyond ``card`` are the card's own furniture."""
    outside = [e for e in parent.iter("a", *_HEADINGS) if e is not card and not any(x is card for x in e.iterancestors())]
    furniture = sum(len(_text(e)) for e in _outermost(outside))
    if furniture >= 0.5 * added:
        return True
    rest = added - furniture
    return rest <= _rules()["card_name_line_chars"] and _names_in_rest(parent, card, name)


def _names_in_rest(parent, card, name: set[str]) -> bool:
    """Whether the text ``parent`` adds to ``card`` mentions the person."""
    for child in parent:
        if child is card or not isinstance(child.tag, str) or any(x is child for x in card.iterancestors()):
            continue
        if name & set(WORD.findall(_text(child).lower())):
            return True
    return False


def _outermost(elements: list) -> list:
    chosen = set(elements)
    return [e for e in elements if not any(a in chosen for a in e.iterancestors())]


def _name_words(link) -> set[str]:
    """The words of the person's name: the link's text, or its image's alt text.

    Short words ("de", "Li") are left out, except a Chinese or Japanese name's characters, each a word."""
    text = _text(link) or " ".join(img.get("alt") or "" for img in link.iter("img"))
    return {w for w in WORD.findall(text.lower()) if len(w) > 2 or is_unspaced(w)}


def _prose_words(element) -> list[str]:
    """Lower-case words of ``element``'s text outside links."""
    parts: list[str] = []
    for node in element.iter():
        if not isinstance(node.tag, str):
            continue
        in_link = any(a.tag == "a" for a in node.iterancestors())
        if node.tag != "a" and not in_link:
            parts.append(node.text or "")
        if node is not element and not in_link:  # a tail lies outside its own element
            parts.append(node.tail or "")
    return WORD.findall(" ".join(parts).lower())


def _text(element) -> str:
    return normalise_space("".join(element.itertext()))


def drop_repeated_links(blocks: list[Block]) -> list[Block]:
    """Drop paragraphs that are a single link whose text the body repeats ``link_repeats`` times or more.

    A quote's title line is not one of them: a forum reply quoting a post opens the quote with a
    link to it ("Jane said:", "Zitat von Jane", "Quote from: Jane"), which repeats as often as
    Jane is quoted; it says who wrote the quoted text, as readers and the WCXB truth keep it."""
    counts: Counter[str] = Counter()
    titles = _quote_titles(blocks)

    def key_of(block: Block) -> str:
        return "" if id(block) in titles else _lone_link_key(block)

    def count(block: Block) -> Block:
        key = key_of(block)
        if key:
            counts[key] += 1
        return block

    map_blocks(tuple(blocks), count)
    repeated = {key for key, n in counts.items() if n >= _rules()["link_repeats"]}
    if not repeated:
        return blocks
    kept = map_blocks(tuple(blocks), lambda block: None if key_of(block) in repeated else block)
    return [b for b in (_without_empty_items(b) for b in kept) if b is not None]


def _quote_titles(blocks) -> set[int]:
    """The ids of the paragraphs that open a quote holding more after them (its attribution line), however deeply nested."""
    found: set[int] = set()
    for block in blocks:
        if isinstance(block, Quote):
            if len(block.blocks) > 1 and isinstance(block.blocks[0], Paragraph):
                found.add(id(block.blocks[0]))
            found |= _quote_titles(block.blocks)
        elif isinstance(block, ListBlock):
            for item in block.items:
                found |= _quote_titles(item)
    return found


def _lone_link_key(block: Block) -> str:
    if not isinstance(block, Paragraph):
        return ""
    match = _LINK.match(block.html)
    if not match or "<a " in match.group(1):
        return ""
    return " ".join(WORD.findall(text_of(match.group(1)).lower()))


def _without_empty_items(block: Block) -> Block | None:
    """``block`` with list items that lost all their blocks taken out (None when nothing is left)."""
    if isinstance(block, Quote):
        inner = tuple(b for b in (_without_empty_items(x) for x in block.blocks) if b is not None)
        return replace(block, blocks=inner) if inner else None
    if not isinstance(block, ListBlock):
        return block
    items = []
    for item in block.items:
        kept = tuple(b for b in (_without_empty_items(x) for x in item) if b is not None)
        if kept:
            items.append(kept)
    return replace(block, items=tuple(items)) if items else None


def replace_embed_placeholders(root) -> int:
    """Turn a social network's embed placeholder into the link to the post it stands for.

    An Instagram or TikTok embed is a ``<blockquote>`` that the network's script replaces with
    the post; offline, a reader only ever sees its placeholder ("View this post on Instagram",
    "A post shared by ..."). It becomes an ``<iframe>`` of the post's address, which the importer
    keeps as an embed link like any other. Tweets are left alone: their blockquote holds the
    tweet's own text.
    """
    classes = set(_rules()["embed_placeholder_classes"])
    replaced = 0
    for quote in list(root.iter("blockquote")):
        if not classes & set((quote.get("class") or "").split()):
            continue
        url = (
            quote.get("data-instgrm-permalink") or quote.get("cite") or next((a.get("href") for a in quote.iter("a") if a.get("href")), "")
        )
        tail = quote.tail
        quote.clear()
        quote.tag = "iframe"
        quote.tail = tail
        if url:
            quote.set("src", url)
        replaced += 1
    return replaced
