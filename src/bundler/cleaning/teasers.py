"""Teaser cards after the article: "Read next", "Recent articles", more-from-the-site grids.

After a story, most sites print a grid or a list of other stories of their own: each a small
card with the story's title as a heading that links to it, perhaps a picture, a category, a
date and a line of its excerpt. They sit inside the element that holds the story, so they came
out as article text, and trafilatura keeps them too (an excerpt is a paragraph like any other).
They are found by structure, in any language, with no word of a heading read:

- a *teaser title* is an ``<h2>``–``<h6>`` whose text (three words or more) is a link, or sits
  inside one, to another page of the same site (not a fragment of this page, not another site:
  a product roundup links to the shops, a list of the article's own sections to ``#`` anchors);
- its *card* is the largest element around it that stays short and holds no other title;
- a *group* is three or more cards side by side in one parent;
- a group is *tail* when the text that follows it on the page, outside every group, is a small
  share of the text before it: the article has ended. A table of contents, a list of the books
  an article then discusses, an index page's cards stand before the text, and stay.

A tail group goes with the short frame around it (its "Read this next" heading, a "See all"
link) and a short heading standing right before it. The thresholds live in ``rules/teasers.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from lxml import etree

from bundler.cleaning import read_rules
from bundler.cleaning.dom import remove
from bundler.cleaning.measure import Measures
from bundler.cleaning.treetext import is_detached, short_text, spaced_text
from bundler.text.plain import site_host
from bundler.text.typography import normalise_space

_RULES = Path(__file__).with_name("rules") / "teasers.yaml"
_NAME_SPLIT = re.compile(r"[^a-z0-9]+")
_TITLE_TAGS = ("h2", "h3", "h4", "h5", "h6")
#: A group's frame never climbs into these: they hold the page or its article.
_NEVER_A_FRAME = {"html", "body", "article", "main"}


@cache
def _rules() -> dict:
    return read_rules(_RULES)


def drop_teaser_tails(body, page_url: str, root=None, article_share: Callable[[str], float] | None = None) -> list[str]:
    """Remove the groups of teaser cards that follow the article (see the module); returns the text that went.

    The text is the rules' judgement, not article text lost: the recovery step (which compares what
    was kept with trafilatura's article, teasers and all) counts it as kept. ``root``, the element
    found to hold the article, is never removed with a group's frame; nor is a frame that holds
    ``max_article_share`` or more of the second opinion's article (``article_share`` of its text):
    an index page's cards are its article, whatever menus stand before them.
    """
    if body is None:
        return []
    rules = _rules()
    measures = Measures()
    titles = _teaser_titles(body, page_url, rules)
    if len(titles) < rules["min_cards"]:
        return []
    holds: dict = {}  # the pages the titles inside each ancestor lead to (a card's picture and title: one page)
    for title, target in titles:
        for ancestor in title.iterancestors():
            holds.setdefault(ancestor, set()).add(target)
    groups: dict = {}
    named = {title: normalise_space(title.text_content()).lower() for title, _target in titles}
    for title, target in titles:
        card = title
        for ancestor in title.iterancestors():
            if len(holds[ancestor]) > 1 or measures.text_length(ancestor) > rules["card_chars"]:
                break
            card = ancestor
        parent = card.getparent()
        if card is not title and parent is not None:
            groups.setdefault(parent, []).append((card, named[title], target))
    # the titles differ (one "Read the review" under each of a comparison's entries is a button, not a
    # teaser) and lead to different pages (a section's links to the parts of one page are its own)
    groups = {
        parent: [c for c, _, _ in cards]
        for parent, cards in groups.items()
        if min(len({n for _, n, _ in cards}), len({t for _, _, t in cards})) >= rules["min_cards"]
    }
    if not groups:
        return []
    # a thread's replies, an article's comments: a name linked to a profile heads each, and other rules judge them
    groups = {parent: cards for parent, cards in groups.items() if not any(_named_a_reply(card, rules) for card in cards)}
    # a grid of teasers holds teasers only: a list whose other entries lead elsewhere (a roundup) is not one
    groups = {
        parent: cards
        for parent, cards in groups.items()
        if measures.text_length(parent) - sum(measures.text_length(card) for card in cards) <= rules["frame_chars"]
    }
    if not groups:
        return []
    tails = _tail_groups(body, groups, rules)
    # an article made of such groups (a tutorial's index, section by section): the second opinion read the
    # earlier ones as its text, and the last ones, of the same markup, are the article's end, not a tail
    article_kinds = set()
    if article_share is not None:
        article_kinds = {_kind(g) for g in groups if g not in tails and article_share(spaced_text(g)) >= rules["kin_article_share"]}
    removed: list[str] = []
    for group in tails:
        if is_detached(group) or _kind(group) in article_kinds:
            continue
        frame = _frame(group, measures, rules)
        if root is not None and (frame is root or root in frame.iterdescendants()):
            continue
        if article_share is not None and article_share(spaced_text(frame)) >= rules["max_article_share"]:
            continue
        heading = _heading_before(frame, rules)
        for element in (heading, frame):
            if element is not None:
                removed.append(spaced_text(element))
                remove(element)
    return removed


def _kind(group) -> tuple[str, str]:
    """A group's markup: its tag and class."""
    return group.tag, " ".join((group.get("class") or "").split())


def _named_a_reply(card, rules: dict) -> bool:
    """Whether the card's class or id names a post of a thread or a comment (``reply_words``)."""
    words = set(_NAME_SPLIT.split(f"{card.get('class') or ''} {card.get('id') or ''}".lower()))
    return not words.isdisjoint(rules["reply_words"])


def _teaser_titles(body, page_url: str, rules: dict) -> list:
    """The page's teaser titles, each once with the page it leads to: a link to another page of the site whose text is a title.

    Its text (``title_words`` words or more) fills the heading it stands in, or the element it
    stands in alone (``<span class="x"><a>Title</a></span>``), or the link wraps a heading.
    """
    titles: list = []
    seen: set = set()
    for link in body.iter("a"):
        href = link.get("href")
        if not href or href.startswith("#"):
            continue
        title = _title_of(link, rules)  # its text first: most links are not titles, and a URL costs more to read
        if title is None or title in seen or not _same_site_page(href, page_url):
            continue
        seen.add(title)
        titles.append((title, urljoin(page_url, href).split("#")[0]))
    return titles


def _title_of(link, rules: dict):
    """The element ``link`` makes a teaser title (itself, its heading), or None."""
    inner = next(link.iter(*_TITLE_TAGS), None)
    if inner is not None:  # a card that is one link, its heading inside
        text = short_text(inner, rules["title_chars"])
        return link if text and len(text.split()) >= rules["title_words"] else None
    text = short_text(link, rules["title_chars"])
    if not text or len(text.split()) < rules["title_words"]:
        return None
    heading = next(link.iterancestors(*_TITLE_TAGS), None)
    if heading is not None:
        whole = short_text(heading, rules["title_chars"])
        return heading if whole and len(text) >= rules["title_linked_share"] * len(whole) else None
    parent = link.getparent()
    if parent is None or parent.tag in _NEVER_A_FRAME:
        return None
    whole = short_text(parent, rules["title_chars"])
    return link if whole and len(text) >= rules["title_linked_share"] * len(whole) else None


def _same_site_page(href: str, page_url: str) -> bool:
    """Whether ``href`` leads to another page of ``page_url``'s site (not a fragment of this page, not its home)."""
    href = href.strip()
    if not href or href.startswith("#") or ":" in href.split("/", 1)[0] and not href.lower().startswith(("http:", "https:")):
        return False
    target, page = urlsplit(urljoin(page_url, href)), urlsplit(page_url)
    if site_host(target.netloc) != site_host(page.netloc):
        return False
    return target.path.strip("/") not in ("", page.path.strip("/"))


def _tail_groups(body, groups: dict, rules: dict) -> list:
    """The groups after which the page's text, outside every group, is a small share of the text before.

    One walk over the page counts the text outside the groups; each group notes the count where it
    starts, and the text after it is the total less the count where it ends.
    """
    outside = 0
    inside = 0  # depth inside groups, whose text is not counted
    marks: dict = {}
    for event, element in etree.iterwalk(body, events=("start", "end")):
        if event == "start":
            if element in groups:
                inside += 1
                marks[element] = outside
            elif not inside and isinstance(element.tag, str) and element.text:
                outside += len(normalise_space(element.text))
            continue
        if element in groups:
            inside -= 1
            marks[element] = (marks[element], outside)
        if not inside and element.tail and element is not body:
            outside += len(normalise_space(element.tail))
    tails = []
    for group, (before, at_end) in marks.items():
        if before >= rules["min_article_chars"] and outside - at_end <= rules["tail_share"] * before:
            tails.append(group)
    return tails


def _frame(group, measures: Measures, rules: dict):
    """``group`` or the largest ancestor that adds only a short frame around it (a heading, a "See all" link)."""
    frame = group
    own = measures.text_length(group)
    for ancestor in group.iterancestors():
        if not isinstance(ancestor.tag, str) or ancestor.tag in _NEVER_A_FRAME or ancestor.find(".//h1") is not None:
            break
        if measures.text_length(ancestor) - own > rules["frame_chars"]:
            break
        frame = ancestor
    return frame


def _heading_before(frame, rules: dict):
    """A short heading standing right before ``frame`` ("More from us"), which goes with it."""
    previous = frame.getprevious()
    while previous is not None and not isinstance(previous.tag, str):
        previous = previous.getprevious()
    if previous is None or previous.tag not in _TITLE_TAGS or not short_text(previous, rules["frame_chars"]):
        return None
    return previous
