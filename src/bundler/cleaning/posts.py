"""Inside a thread's posts: the forum software's user panel and action bar go, the author's name stays.

A forum thread imported whole (``content.Root.posts``) brings each post's furniture with it: the
member panel ("Joined", "Messages", "Reaction score", the member's title), the action bar ("Quote",
"Reply", "Report", reaction counts), the signature. Each is judged by its class/id words and by its
shape, a few short lines (``rules/posts.yaml``); the author's name from the panel comes back as a
short line at the top of its post, so that every post, the first and the last too, says who wrote it.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from lxml import etree

from bundler.cleaning import read_rules
from bundler.cleaning.dom import remove, words_of
from bundler.cleaning.measure import WORD

_RULES = Path(__file__).with_name("rules") / "posts.yaml"

#: The class that marks the author line this step writes (``tidy_edges`` and the closing rules keep it).
AUTHOR_LINE = "bundler-post-author"


@cache
def _rules() -> dict:
    rules = read_rules(_RULES)
    return {**rules, **{key: frozenset(rules[key]) for key in ("user_words", "text_words", "date_words", "name_words", "action_words")}}


@cache
def _words(class_: str, id_: str) -> frozenset[str]:
    return frozenset(words_of(f"{class_} {id_}"))


def _named(element, key: str) -> bool:
    if not isinstance(element.tag, str):
        return False
    return not _rules()[key].isdisjoint(_words(element.get("class") or "", element.get("id") or ""))


def _word_count(element) -> int:
    return len(WORD.findall(" ".join(element.itertext())))


def tidy_posts(posts: list) -> list[str]:
    """Drop the user panel, action bar and statistics of each post; put the author's name at its top.

    Returns the text of what was dropped: judged furniture, not article text lost (the recovery step
    weighs what the body kept of trafilatura's reading, which often holds these panels)."""
    dropped: list[str] = []
    for post in posts:
        name, panels = "", 0
        for panel in _furniture(post):
            if _named(panel, "user_words"):
                panels += 1
                name = name or _author_name(panel)
            dropped.append(" ".join(" ".join(panel.itertext()).split()))
            remove(panel)
        if panels and not name:
            name = _marked_author(post)
        if name:
            line = etree.Element("p", {"class": AUTHOR_LINE})
            line.text = name
            post.insert(0, line)
            line.tail = post.text
            post.text = None
    return dropped


def has_author_lines(element) -> bool:
    """Whether ``tidy_posts`` wrote an author line into ``element``'s posts: then its lines naming a
    writer are the posts' own, not a byline over a story or a bio closing it."""
    return _AUTHOR_LINES(element)


_AUTHOR_LINES = etree.XPath(f"boolean(.//p[@class='{AUTHOR_LINE}'])")


def _furniture(post) -> list:
    """The outermost elements of ``post`` that are its user panel, action bar or label/value statistics."""
    rules = _rules()
    found: list = []
    stack = list(reversed(post))
    while stack:
        element = stack.pop()
        if not isinstance(element.tag, str):
            continue
        if _is_panel(element, rules) or _is_actions(element, rules) or _is_pairs(element, rules):
            found.append(element)
            continue
        stack.extend(reversed(element))
    return found


def _is_panel(element, rules: dict) -> bool:
    if not _named(element, "user_words") or _named(element, "text_words"):
        return False
    if _word_count(element) > rules["panel_max_words"]:
        return False
    if any(e.tag == "time" or _named(e, "date_words") for e in element.iter()):
        return False  # the post's attribution line, its date with the name
    return not any(_word_count(p) > rules["line_max_words"] for p in element.iter("p", "blockquote"))


def _is_actions(element, rules: dict) -> bool:
    if not _named(element, "action_words"):
        return False
    if _named(element, "text_words") and not _is_count(element):
        return False  # the post's own text ("message-body js-reactions"), unless all it says is a count
    return _word_count(element) <= rules["action_max_words"]


#: A vote or reaction count alone ("67", "+100", "3.2k"): never a post's text, whatever styling classes
#: the count wears (utility classes such as "fc-theme-body-font" hold a text word).
_COUNT = re.compile(r"[+\-\u2212]?\d[\d,.]*[km]?", re.I)


def _is_count(element) -> bool:
    return bool(_COUNT.fullmatch(" ".join(" ".join(element.itertext()).split())))


def _is_pairs(element, rules: dict) -> bool:
    if element.tag != "dl":
        return False
    terms = [c for c in element if isinstance(c.tag, str) and c.tag in {"dt", "dd"}]
    if len(terms) < 2 or len(terms) != sum(1 for c in element if isinstance(c.tag, str)):
        return False
    return all(_word_count(t) <= rules["pair_max_words"] for t in terms)


def _marked_author(post) -> str:
    """The name the post's microdata gives its author (``itemprop="author"``), taken out of the post to be its
    author line: the user panel that went named nobody (an avatar's initial on a coloured disc). Only a name
    standing alone where it is (an attribution line "by Ann: 9:43pm" keeps its name)."""
    for element in _ITEM_AUTHOR(post):
        name = " ".join(" ".join(element.itertext()).split())
        parent = element.getparent()
        alone = parent is not None and " ".join(" ".join(parent.itertext()).split()) == name
        if alone and len(name) > 1 and 0 < len(WORD.findall(name)) <= _rules()["name_max_words"]:
            remove(element, keep_blank_tail=True)
            return name
    return ""


_ITEM_AUTHOR = etree.XPath(".//*[@itemprop='author']")


def _author_name(panel) -> str:
    """The author's name in a user panel: the shortest element in it named by a name word, else its shortest link, else its own text, if short."""
    rules = _rules()
    inside = [e for e in panel.iter() if e is not panel]
    for group in ([e for e in inside if _named(e, "name_words")], [e for e in inside if e.tag == "a"], [panel]):
        texts = [" ".join(" ".join(e.itertext()).split()) for e in group]
        # one letter is an avatar's initial (a coloured disc standing in for a picture), not a name
        counts = [(len(WORD.findall(t)), i) for i, t in enumerate(texts) if WORD.findall(t) and len(t) > 1]
        if counts and min(counts)[0] <= rules["name_max_words"]:
            return texts[min(counts)[1]]  # the fewest words: the name, not the panel's details around it
    return ""
