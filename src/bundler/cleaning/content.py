"""Decide which blocks are the article: locate its root, then check blocks against trafilatura.

The root comes from markup (``itemprop=articleBody``, body classes, ``<article>``, see
``rules/root.yaml``). trafilatura's extraction of the same page is then used as a second
opinion: inside a trusted root only the edges are trimmed (bylines, share rows), while a
weak root (``<main>``, the whole body) keeps only blocks trafilatura also found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from lxml import etree

from bundler.cleaning import read_rules
from bundler.cleaning.blocks import text_of
from bundler.cleaning.dom import compact_tokens, remove, rules_for_host, text_length
from bundler.cleaning.measure import WORD, Measures
from bundler.cleaning.readability_gate import bundler_options_for
from bundler.cleaning.treetext import spaced_text
from bundler.model import Block, Embed, FigureBlock, Heading, ListBlock, Paragraph, Preformatted, Quote, Rule, Table

_RULES = Path(__file__).with_name("rules") / "root.yaml"
_WORD = WORD  # the words Support compares, split as Measures.words splits them
_LINK = re.compile(r"<a\b[^>]*>(.*?)</a>", re.S)
#: A note reference as ``notes.extract_notes`` writes it: its label ("1", "*") is a marker, not a word.
_NOTE_REFERENCE = re.compile(r'<a href="#note-[^"]*">[^<]*</a>')
#: trafilatura is skipped on pages larger than this (its tree walks are slow on huge pages).
TRAFILATURA_MAX_ELEMENTS = 60_000


#: The elements (``element`` too) that have a class or an id, the only ones whose tokens can name a root.
_NAMED = etree.XPath("descendant-or-self::*[@class or @id]")
#: The nodes ``element.iter()`` yields (elements, comments, processing instructions), counted by libxml2.
_NODES = etree.XPath("count(descendant-or-self::node()[not(self::text())])")


@dataclass(frozen=True)
class Root:
    """The element holding the article and how far it is trusted."""

    element: object
    strength: str  # "strong", "medium", "weak"
    how: str
    posts: bool = False  # the parent of posts side by side (a thread): its head is never trimmed


@cache
def _root_rules() -> dict:
    return read_rules(_RULES)


def find_root(tree, url: str = "", support: Support | None = None) -> Root:
    """The article's root element, by site rule, then by the generic candidates in order.

    ``support`` (trafilatura's text) decides among several candidates of one kind: the one
    holding most of that text, or their common ancestor when the article is spread over them
    (a thread of posts, a list of reviewed items, each in its own ``<article>``).
    """
    rules = _root_rules()
    length = Measures().text_length  # nothing changes the tree while its root is looked for
    body = tree.find(".//body")
    if body is None:
        body = tree.getroot() if hasattr(tree, "getroot") else tree
    site_root = rules_for_host(url).get("root")
    if site_root:
        found = [e for e in tree.xpath(site_root) if hasattr(e, "tag")]
        if found:
            return Root(_common_ancestor(found), "strong", f"site rule {site_root}")
    named = None  # the elements with a class or id and their tokens, gathered once for every class rule
    for candidate in rules["candidates"]:
        if "xpath" in candidate:
            found = [e for e in tree.xpath(candidate["xpath"]) if hasattr(e, "tag")]
        else:
            if named is None:
                named = [(e, compact_tokens(e)) for e in _NAMED(body)]
            words = set(candidate["class_words"])
            found = _outermost([e for e, tokens in named if tokens & words])
        found = [e for e in found if length(e) >= rules["min_chars"]]
        if not found:
            continue
        if len(found) > 1 and support is not None and not support.empty:
            element = _best_by_support(found, support, length)
        elif candidate.get("xpath") == "//article" or len(found) > 4:
            element = max(found, key=length)
        else:
            element = _common_ancestor(found)
        how = candidate.get("xpath") or "class " + "/".join(candidate["class_words"][:3])
        posts = _holds_posts(element, found) or _posts_hold(element, found)
        return _settle_thread(Root(element, candidate["strength"], how, posts=posts), support, length)
    dense = _densest(body)
    if dense is not None:
        return _settle_thread(Root(dense, "medium", "densest text block"), support, length)
    return _settle_thread(Root(body, "weak", "body"), support, length)


_POST_SPLIT = re.compile(r"[^a-z]+")
_POST_ID = re.compile(r"([a-z]+)[-_]?[0-9]+")


def _post_kind(element) -> str:
    """The class token naming ``element`` a post ("message" for ``class="message message--post"``), "" for none.

    The whole token, so that a blog post's "post-header", "post-content" and "post-footer" are
    three kinds, not three posts; an id names a post by a word and a number ("post-1234")."""
    if not isinstance(element.tag, str):
        return ""
    return _kind_of(element.get("class") or "", element.get("id") or "") or _item_kind(element.get("itemtype") or "")


@lru_cache(maxsize=256)
def _item_kind(itemtype: str) -> str:
    """The post kind a schema.org ``itemtype`` names ("https://schema.org/Comment" -> "itemtype comment"), "" for
    none: forum software that classes its posts only for its scripts still marks each one up for search engines."""
    name = itemtype.rstrip("/").rsplit("/", 1)[-1].lower()
    return "itemtype " + name if itemtype and name in _root_rules()["post_itemtypes"] else ""


@lru_cache(maxsize=16384)
def _kind_of(class_: str, id_: str) -> str:
    """``_post_kind`` for one class and id: a page repeats the same few class names on thousands of elements."""
    words = _post_words()
    for token in class_.lower().split():
        if not words.isdisjoint(_POST_SPLIT.split(token)):
            return token
    match = _POST_ID.fullmatch(id_.lower())
    return "#" + match.group(1) if match and match.group(1) in words else ""


@cache
def _post_words() -> frozenset[str]:
    return frozenset(_root_rules()["post_words"])


def _posts_under(parent) -> list:
    """``parent``'s children that are posts of one kind and tag, if there are enough to be a thread.

    Kinds by class and by schema.org itemtype are two groupings of the same children: some forum software
    classes only a few posts ("topic-owner-post") but types every one "Comment", and other software types
    its first post apart ("DiscussionForumPosting") while classing every one "message"; the larger group
    wins, a class group on a tie."""
    groups: dict[tuple, list] = {}
    for child in parent:
        if not isinstance(child.tag, str):
            continue
        kind = _kind_of(child.get("class") or "", child.get("id") or "")
        if kind:
            groups.setdefault((child.tag, kind), []).append(child)
        item = _item_kind(child.get("itemtype") or "")
        if item:
            groups.setdefault((child.tag, item), []).append(child)
    best = max(groups.values(), key=len, default=[])
    return best if len(best) >= _root_rules()["thread_posts"] else []


def thread_posts(root: Root) -> list:
    """The posts of a thread root, in order: its outermost descendants whose class or id names a post
    (a lead post above the thread, the question above its answers, among them); none for another root."""
    if not root.posts:
        return []
    found: list = []
    stack = list(reversed(root.element))
    while stack:
        element = stack.pop()
        if _post_kind(element):
            found.append(element)
        elif isinstance(element.tag, str):
            stack.extend(reversed(element))
    return found


def _settle_thread(root: Root, support: Support | None, length) -> Root:
    """The thread holding ``root`` when the root is one of its posts, or the thread inside a broad root.

    A forum page's markup names each post ("post", "message", "reply", see ``post_words`` in
    ``rules/root.yaml``); a content rule finds one of them (the longest ``postbody``) or the whole
    page. The posts' parent is the article then, each post in order. Comments below an article
    are a thread too, but a small part of the page's text and of trafilatura's reading (which
    leaves comments out): a broad root narrows to a thread only when it holds most of the first
    and leaves out next to none of the second (a question above its answers stays). A broad root that
    is itself the thread (a question beside its answers' container, as Q&A sites write them) is one when
    its posts hold most of its text.
    """
    if root.posts:
        return root
    element = root.element
    for inner in (element, *element.iterancestors()):
        parent = inner.getparent()
        if parent is None or inner.tag in ("body", "html"):
            break
        posts = _posts_under(parent)
        if any(p is inner for p in posts):
            return Root(parent, root.strength, root.how + "; its thread", posts=True)
    if root.strength == "strong":
        return root
    total = length(element)
    share = _root_rules()["thread_text_share"]
    best, best_length = None, 0
    for container in element.iter():
        if not isinstance(container.tag, str) or len(container) < _root_rules()["thread_posts"]:
            continue
        posts = _posts_under(container)
        if posts:
            held = sum(length(p) for p in posts)
            if held > best_length:
                best, best_length = container, held
    if best is not None and any(_post_kind(e) for e in best.itersiblings(preceding=True)):
        best = best.getparent()  # a lead post above the thread (a question above its answers) belongs to it
    if best is None or best_length < share * total:
        return root
    if best is element:  # the root is the thread itself (a question above its answers, side by side under it)
        return Root(element, root.strength, root.how + "; a thread", posts=True)
    if support is not None and not support.empty:
        whole = support.share_in(spaced_text(element))
        if whole and whole - support.share_in(spaced_text(best)) > _root_rules()["thread_support_left"]:
            return root
    return Root(best, root.strength, root.how + "; the thread inside", posts=True)


_DIRECT_TEXT = "text() | p//text() | font//text() | span/text() | b/text() | i/text() | em/text() | strong/text() | a/text()"
#: ``_DIRECT_TEXT`` compiled once (``element.xpath(string)`` compiles it again for every element asked).
_DIRECT = etree.XPath(_DIRECT_TEXT, smart_strings=False)


def _densest(body):
    """The container with the most running text of its own (old table layouts, div soup)."""
    total = text_length(body)
    best, best_length = None, 0
    for element in body.iter("td", "div", "section", "center"):
        length = sum(len(t.strip()) for t in _DIRECT(element))
        if length > best_length:
            best, best_length = element, length
    return best if best is not None and best_length > 0.4 * total and best_length > 400 else None


def _best_by_support(found: list, support: Support, length=text_length):
    """The candidate holding most of trafilatura's text, or all of them together when none holds half."""
    shares = [(support.share_in(spaced_text(e)), e) for e in found]
    share, best = max(shares, key=lambda pair: pair[0])
    if share >= 0.5:
        return best
    ancestor = _common_ancestor(found)
    ancestor_share = support.share_in(spaced_text(ancestor))
    if max(share, ancestor_share) < NO_OPINION_SHARE:
        return _thread_or_longest(found, length)
    return ancestor if ancestor_share > share + 0.2 else best


#: Below this share of trafilatura's text in every candidate, its article lies elsewhere on the page.
NO_OPINION_SHARE = 0.1
#: Sibling candidates of one kind at least this many are the posts of one thread.
THREAD_POSTS = 3


def _holds_posts(element, found: list) -> bool:
    """Whether ``element`` is the parent of several candidates side by side: the posts of a thread."""
    return sum(1 for e in found if e.getparent() is element) >= THREAD_POSTS


def _posts_hold(element, found: list) -> bool:
    """Whether ``element`` is the parent of posts each holding one of the candidates found: a thread whose
    post bodies (``postbody``) the content rule found, met in their common ancestor when trafilatura read
    them all. A root that is itself a candidate is not one (a blog post's body whose rows or entries are
    classed with a post word: "post-row", "chart-entry")."""
    if any(e is element for e in found):
        return False
    posts = _posts_under(element)
    return sum(1 for post in posts if any(post in e.iterancestors() for e in found)) >= THREAD_POSTS


def _thread_or_longest(found: list, length=text_length):
    """Choose among candidates without a second opinion, by structure.

    Several candidates of one kind side by side under one parent (the posts of a forum thread,
    each an ``<article class="message">``) make one article together: their parent is the root.
    Otherwise the longest candidate is.
    """
    groups: dict[tuple, list] = {}
    for element in found:
        kind = tuple((element.get("class") or "").split()[:1])
        groups.setdefault((id(element.getparent()), element.tag, kind), []).append(element)
    posts = max(groups.values(), key=lambda group: sum(length(e) for e in group))
    if len(posts) >= THREAD_POSTS and sum(length(e) for e in posts) >= 0.6 * sum(length(e) for e in found):
        return posts[0].getparent()
    return max(found, key=length)


def _outermost(elements: list) -> list:
    chosen = set(elements)
    return [e for e in elements if not any(a in chosen for a in e.iterancestors())]


def _common_ancestor(elements: list):
    if len(elements) == 1:
        return elements[0]
    paths = [list(reversed([e, *e.iterancestors()])) for e in elements]
    common = None
    for level in zip(*paths, strict=False):
        if all(x is level[0] for x in level):
            common = level[0]
        else:
            break
    return common if common is not None else elements[0]


def trafilatura_text(tree) -> str:
    """trafilatura's main text for the page ("" when it finds none or the page is too big)."""
    import trafilatura

    root = tree.getroot() if hasattr(tree, "getroot") else tree
    if _NODES(root) > TRAFILATURA_MAX_ELEMENTS:
        return ""
    set_aside = _set_aside_head(root)
    try:  # trafilatura works on its own copy of a tree it is given (bare_extraction): no copy here
        # marked options: its readability comparison runs only where it can change the text (readability_gate);
        # None on another trafilatura (the keywords build the same options there)
        options = bundler_options_for(root)
        return trafilatura.extract(root, include_comments=False, include_tables=True, deduplicate=False, options=options) or ""
    except Exception:  # trafilatura is a second opinion; the markup-based result still stands
        return ""
    finally:
        _put_back(set_aside)


#: What of a page's ``<head>`` trafilatura's text cannot depend on: its meta, link and base tags (dozens
#: a page), which hold no text; trafilatura copies them several times and walks them with every rule.
#: What holds text stays: the JSON-LD (a forum's posting type, an article body for the baseline reading),
#: the ``<title>`` (its words count in the page's text that trafilatura weighs its result against: with
#: it set aside, 2 of 997 real pages read differently) and anything else, a ``<noscript>`` for one.
_HEAD_UNREAD = etree.XPath("head/*[self::meta or self::link or self::base]")


def _set_aside_head(root) -> list:
    """Take the text-free tags out of ``root``'s ``<head>`` (``_HEAD_UNREAD``); ``_put_back`` restores them exactly.

    Each node is removed with its tail (lxml keeps the tail with the element) and remembered
    with its parent and position, so the page bundler keeps reading is unchanged afterwards.
    """
    set_aside = []
    for node in _HEAD_UNREAD(root):
        parent = node.getparent()
        set_aside.append((parent, parent.index(node), node))
    for parent, _index, node in reversed(set_aside):
        parent.remove(node)
    return set_aside


def _put_back(set_aside: list) -> None:
    for parent, index, node in set_aside:
        parent.insert(index, node)


#: Scripts and styles, which nothing after the metadata reads: trafilatura deletes them unread (after
#: copying them), bundler's own pass drops them (``drop_invisible``). JSON-LD stays, trafilatura reads it
#: (a forum's posting type, an article body); inside ``<noscript>`` they stay too, because
#: ``_unwrap_noscript`` weighs that element's whole text.
_CODE = etree.XPath(".//script[not(@type='application/ld+json')][not(ancestor::noscript)]|.//style[not(ancestor::noscript)]")


def drop_code(tree) -> None:
    """Remove scripts and styles before the page is copied for trafilatura and read by it.

    The page is deep-copied twice here and again three or four times inside trafilatura, and its
    XPath rules walk every node: code that no step reads costs about a tenth of trafilatura's time
    on real pages. trafilatura's text and bundler's blocks are the same without it.
    """
    for element in _CODE(tree):
        remove(element)


def _whole_lines_at(phrase: str, flat: str, lines: str) -> bool:
    """Whether ``phrase`` (words joined by single spaces) is in ``lines`` as one or more whole lines: the search
    ``"\\n" + "[ \\n]".join(words) + "\\n"``, without compiling an expression for every phrase asked.

    ``flat`` is ``lines`` with its line breaks as spaces, character for character. A word holds neither a
    space nor a line break, so ``phrase`` is at a place of ``flat`` exactly where the expression's middle
    matches the same place of ``lines`` (each of its spaces there a space or a line break); the expression
    asks in addition a line break on either side.
    """
    end = len(phrase)
    at = flat.find(phrase)
    while at >= 0:
        if lines[at - 1 : at] == "\n" and lines[at + end : at + end + 1] == "\n":
            return True
        at = flat.find(phrase, at + 1)
    return False


class Support:
    """Which word sequences trafilatura kept, to ask how much of a block it agrees with."""

    def __init__(self, text: str) -> None:
        self.text = text
        words = _WORD.findall(text.lower())
        self.joined = " " + " ".join(words) + " "
        self.trigrams = set(_triples(words))
        self.empty = len(words) < 10
        self._split: dict[str, list[str]] = {}  # block texts asked about, split once (see words_of)
        self._hits: dict[str, list] = {}  # ... and their triples trafilatura kept (see _found_in)
        self._lines: str | None = None  # its lines' words, one line each (see has_lines)
        self._flat_lines = ""  # ... the same words with the line breaks as spaces, for the quick refusal

    def words_of(self, text: str) -> list[str]:
        """``text``'s lower-case words as ``share_in`` and ``of`` split them, remembered by text.

        The blocks of a page are weighed several times (chosen block by block, the root's coverage,
        then the whole body's share in ``_recover_lost_article``): each block's text is split once.
        The words of texts joined by spaces are the texts' words one after the other (no word runs
        across a space, and lower-casing is the same on either side of one), so a body's share can
        be taken from its blocks' lists.
        """
        words = self._split.get(text)
        if words is None:
            words = self._split[text] = _WORD.findall(text.lower())
        return words

    def _found_in(self, text: str) -> list:
        """``text``'s word triples that trafilatura kept, each time one occurs, remembered by text.

        ``of`` needs how many and ``share_of_texts`` which, for the same blocks: a page's blocks are
        scored one by one, then the whole body's share of the article is asked of the same texts."""
        hits = self._hits.get(text)
        if hits is None:
            hits = self._hits[text] = list(filter(self.trigrams.__contains__, _triples(self.words_of(text))))
        return hits

    def has_lines(self, words: list[str]) -> bool:
        """Whether trafilatura kept these words (lower-case, as ``words_of`` splits them) whole, as one or
        more lines of their own: a heading or a short paragraph it kept, where a phrase found inside
        one of its sentences is not (a sidebar's "Recent posts" inside "the most recent posts show...")."""
        if not words:
            return False
        phrase = " ".join(words)
        if phrase not in self.joined:  # not even in its words: the lines below are not made for this page
            return False
        if self._lines is None:
            self._lines = "\n" + "\n".join(" ".join(_WORD.findall(line.lower())) for line in self.text.splitlines()) + "\n"
            self._flat_lines = self._lines.replace("\n", " ")
        return _whole_lines_at(phrase, self._flat_lines, self._lines)

    def share_of_texts(self, texts: list[str]) -> float:
        """``share_in(" ".join(texts))``, from each text's remembered words and triples.

        The triples of the joined text are each text's own and those that run across a join: the ones
        starting in the last two words before it (no word runs across a space). So the share is the
        union of the texts' remembered triples and of the few across the joins, without the whole
        body's triples being built and looked up again.
        """
        if not self.trigrams:
            return 0.0
        found: set = set()
        tail: list[str] = []  # the last two words of the texts so far
        for text in texts:
            words = self.words_of(text)
            if not words:
                continue
            found.update(self._found_in(text))
            if tail:
                found.update(self.trigrams.intersection(_triples(tail + words[:2])))
            tail = (tail + words[-2:])[-2:]
        return len(found) / len(self.trigrams)

    def share_in(self, text: str) -> float:
        """Share of trafilatura's word triples that ``text`` contains (how much of its article is there)."""
        if not self.trigrams:
            return 0.0
        return self.share_of_words(_WORD.findall(text.lower()))

    def share_of_words(self, words: list[str]) -> float:
        """``share_in`` for a text already split into lower-case words (``cleaning.measure.Measures.words``)."""
        if not self.trigrams:
            return 0.0
        found = self.trigrams.intersection(_triples(words))
        return len(found) / len(self.trigrams)

    def agreement(self, text: str) -> float:
        """F1 of ``text``'s word triples against trafilatura's: how closely two readings of a page agree."""
        words = _WORD.findall(text.lower())
        grams = set(_triples(words))
        found = len(grams & self.trigrams)
        if not found:
            return 0.0
        precision, recall = found / len(grams), found / len(self.trigrams)
        return 2 * precision * recall / (precision + recall)

    def of(self, text: str) -> float:
        """Share of ``text``'s word triples (or the whole phrase, if short) found by trafilatura."""
        words = self.words_of(text)
        if len(words) < 4:
            return self.of_words(words)
        return len(self._found_in(text)) / (len(words) - 2)  # of_words's count, remembered

    def of_words(self, words: list[str]) -> float:
        """``of`` for a text already split into lower-case words."""
        if not words:
            return 0.0
        if len(words) < 4:
            return 1.0 if f" {' '.join(words)} " in self.joined else 0.0
        # len(words) - 2 triples, counted without building their list
        return sum(map(self.trigrams.__contains__, _triples(words))) / (len(words) - 2)


#: The text nodes of an element's parent before (after) the element itself, in document order.
_TEXT_BEFORE = etree.XPath("preceding-sibling::node()/descendant-or-self::text()", smart_strings=False)
_TEXT_AFTER = etree.XPath("following-sibling::node()/descendant-or-self::text()", smart_strings=False)


def ancestor_shares(element, support: Support) -> list[tuple[object, float]]:
    """``support.share_in(spaced_text(a))`` for each ancestor ``a`` of ``element``, innermost first.

    Asked of every ancestor in turn, ``share_in`` split the words of the whole page's text once
    per level. An ancestor's words are the words of its text nodes before the child it holds,
    the child's words and the words after (``spaced_text`` puts a space between text nodes, so
    no word runs across), and its word triples are the child's plus those that touch the words
    before or after; so each level reads only the text it adds to the one below, and the shares
    are the same numbers.
    """
    if not support.trigrams:
        return [(a, 0.0) for a in element.iterancestors()]
    words = _WORD.findall(spaced_text(element).lower())
    found = support.trigrams.intersection(_triples(words))
    head, tail, count = words[:2], words[-2:], len(words)  # the child's edges are all the next level needs
    shares = []
    child = element
    for parent in element.iterancestors():
        before = _WORD.findall(" ".join(_TEXT_BEFORE(child)).lower())
        after = _WORD.findall(" ".join(_TEXT_AFTER(child)).lower())
        if count >= 2:  # a triple with a word outside the child holds at most two of the child's words
            found.update(support.trigrams.intersection(_triples(before + head)))
            found.update(support.trigrams.intersection(_triples(tail + after)))
        else:  # head is the whole child
            found.update(support.trigrams.intersection(_triples(before + head + after)))
        head, tail = (before + head + after[:2])[:2], (before[-2:] + tail + after)[-2:]
        count += len(before) + len(after)
        shares.append((parent, len(found) / len(support.trigrams)))
        child = parent
    return shares


def block_text(block: Block) -> str:
    """All the text of a block, for comparisons (figures give their caption)."""
    if isinstance(block, (Paragraph, Heading)):
        return text_of(block.html)
    if isinstance(block, ListBlock):
        return " ".join(block_text(b) for item in block.items for b in item)
    if isinstance(block, Quote):
        return " ".join(block_text(b) for b in block.blocks)
    if isinstance(block, Table):
        return " ".join(text_of(c) for row in block.header + block.rows for c in row)
    if isinstance(block, Preformatted):
        return block.text
    if isinstance(block, FigureBlock):
        return text_of(block.figure.caption)
    return ""


def without_note_references(html: str) -> str:
    """``html`` without its note references, for asking whether two blocks say the same words.

    A paragraph that ends in a note marker ("...quay.<a href="#note-1">1</a>") must not read as
    the same words as the next paragraph's "...quay. (1)", and a copy of the article with its
    markers is still the same text as a copy without them.
    """
    return _NOTE_REFERENCE.sub("", html) if "#note-" in html else html


def _text_without_note_markers(block: Block) -> str:
    if isinstance(block, (Paragraph, Heading)):
        return text_of(without_note_references(block.html))
    return block_text(block)


def link_density(block: Block) -> float:
    """Share of a block's text that is link text."""
    markup = block.html if isinstance(block, (Paragraph, Heading)) else ""
    if isinstance(block, ListBlock):
        markup = " ".join(b.html for item in block.items for b in item if isinstance(b, Paragraph))
    total = len(text_of(markup).strip())
    if not total:
        return 0.0
    return sum(len(text_of(m).strip()) for m in _LINK.findall(markup)) / total


def coverage(blocks: list[Block], support: Support) -> float:
    """Share of the blocks' word triples that trafilatura also kept."""
    texts = [block_text(b) for b in blocks]  # each block's text gathered and split once
    counts = [len(_WORD.findall(t)) for t in texts]
    words = sum(counts)
    if not words:
        return 0.0
    return sum(support.of(t) * n for t, n in zip(texts, counts, strict=True)) / words


def select_blocks(blocks: list[Block], support: Support | None, trusted: bool, keep_head: bool = False) -> list[Block]:
    """Keep the article's blocks: trim a trusted root's edges, filter an untrusted one.

    ``keep_head`` keeps what comes before the first block trafilatura agrees with and after the
    last (the root is a thread, whose first post trafilatura often drops, or whose later posts it
    leaves out when it reads the first alone). When trafilatura agrees with none of the root's blocks, its article lies elsewhere (often a
    block of terms or a cookie notice it took for the text); filtering by it would empty the
    root, so the root's blocks are kept and the recovery step weighs the two bodies against
    each other. Between the first and the last block trafilatura agrees with, any root keeps the
    blocks that are not mostly links: the article's span, whose holes trafilatura left.
    """
    if support is None or support.empty:
        return [b for b in blocks if not _is_link_list(b)]
    texts = [block_text(b) for b in blocks]
    scores = [support.of(t) if _is_text(b, t) else None for b, t in zip(blocks, texts, strict=True)]
    kept = [s is not None and s >= (0.3 if trusted else 0.5) for s in scores]
    text_kept = [i for i, k in enumerate(kept) if k]
    if not text_kept:  # trafilatura's article is elsewhere: it cannot judge this root's blocks
        return blocks if trusted else [b for b in blocks if not _is_link_list(b)]
    first, last = text_kept[0], text_kept[-1]
    head = first if not keep_head else 0
    result: list[Block] = []
    for index, block in enumerate(blocks):
        score = scores[index]
        if score is None:  # figures, rules, embeds: keep those inside the article's span
            leading = index < first and isinstance(block, FigureBlock) and (trusted or first - index <= 2)
            if head <= index <= last or leading:
                result.append(block)
            continue
        if kept[index]:
            result.append(block)
        elif index < first and keep_head and not _is_link_list(block) and link_density(block) < 0.6:
            result.append(block)  # the first post of a thread: trafilatura often drops the question
        elif index > last and keep_head and not _is_link_list(block) and link_density(block) < 0.6:
            result.append(block)  # a later post: trafilatura often reads the first post alone
        elif trusted and first < index < last and not _is_link_list(block) and link_density(block) < 0.6:
            result.append(block)  # trafilatura dropped it (a short line, a table) but it sits inside the article
        elif first < index < last and not _is_link_list(block) and link_density(block) < HOLE_LINK_DENSITY:
            result.append(block)  # a hole in the article trafilatura read (see HOLE_LINK_DENSITY)
        elif isinstance(block, Heading) and first <= index < last and index + 1 < len(blocks) and kept[index + 1]:
            result.append(block)
    return result


#: In an untrusted root (``<main>``, the whole body) a block trafilatura left out but that lies
#: between blocks it agrees with is kept when less than this share of its text is link text.
#: trafilatura drops parts of an article it otherwise finds (the entries of a list article, a
#: price list, a thread's later posts, short paragraphs between two it kept); keeping only what
#: it agreed with lost them. Measured on the WCXB v1.0 dev split (CC-BY-4.0), 997 pages: word
#: recall on articles 0.963 -> 0.976 for precision 0.939 -> 0.934; word F1 rose on every page
#: type. Links stay out: menus and related-story lists inside the span are mostly link text.
HOLE_LINK_DENSITY = 0.5


def _is_text(block: Block, text: str) -> bool:
    """Whether ``block`` (whose ``block_text`` is ``text``) is judged by its words."""
    return not isinstance(block, (FigureBlock, Rule, Embed)) and bool(text.strip())


def _is_link_list(block: Block) -> bool:
    return isinstance(block, ListBlock) and link_density(block) > 0.8 and len(_WORD.findall(block_text(block))) < 120


#: Blocks shorter than this may repeat on purpose (a refrain, "Yes.", a table row); longer ones do not.
REPEAT_MIN_CHARS = 50


def drop_repeated_blocks(blocks: list[Block]) -> list[Block]:
    """Keep the first of blocks whose text repeats word for word.

    Pages carry the article twice (a desktop and a mobile copy, one hidden by a stylesheet the
    importer never sees, or a print copy); a reader must not get it twice.
    """
    seen: set[str] = set()
    kept: list[Block] = []
    for block in blocks:
        key = " ".join(_WORD.findall(_text_without_note_markers(block).lower())) if not isinstance(block, FigureBlock) else ""
        if len(key) >= REPEAT_MIN_CHARS:
            if key in seen:
                continue
            seen.add(key)
        kept.append(block)
    return kept


def _triples(words: list[str]):
    """The word triples of ``words`` in order (zipped slices: several times faster than slicing a tuple per position)."""
    return zip(words, words[1:], words[2:], strict=False)
