"""Remove page furniture from a parsed page before the article is looked for.

The rules are data (``rules/dom.yaml``, ``rules/sites.yaml``); this module applies them in
the order documented there. Everything works on an lxml tree in place.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from lxml import etree

from bundler.cleaning import read_rules
from bundler.cleaning.boilerplate import is_boilerplate
from bundler.cleaning.measure import Measures, is_link_dense, text_length  # noqa: F401 (text_length: its users import it from here)
from bundler.cleaning.treetext import all_text, is_detached, short_text
from bundler.text.plain import site_host
from bundler.text.typography import normalise_space

_RULES = Path(__file__).with_name("rules")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_SPLIT = re.compile(r"[^a-zA-Z0-9]+")
_NEVER_DROP = {"html", "body", "article", "main"}
#: Elements whose text a reader never sees: removed before anything is measured, so that a
#: page's size guards count visible text only (inline scripts and styles can be most of a page).
INVISIBLE_TAGS = ("script", "style", "template", "noscript", "link", "meta", "svg", "math", "head")
_SHORT_TEXT_TAGS = {"p", "div", "span", "li", "a", "h2", "h3", "h4", "h5", "h6", "section", "small", "strong", "b", "em"}


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: a cache key (see _named_as_furniture)
class DomRules:
    """The parsed ``dom.yaml``."""

    drop_tags: frozenset[str]
    drop_roles: frozenset[str]
    drop_outside_root: frozenset[str]
    drop_words: frozenset[str]
    drop_prefixes: tuple[str, ...]
    drop_pairs: frozenset[tuple[str, str]]
    keep_words: frozenset[str]
    link_section_headings: tuple[re.Pattern[str], ...]
    embed_hosts: tuple[str, ...]


@cache
def dom_rules() -> DomRules:
    """Load the DOM rules once per process."""
    data = read_rules(_RULES / "dom.yaml")
    return DomRules(
        drop_tags=frozenset(data["drop_tags"]),
        drop_roles=frozenset(data["drop_roles"]),
        drop_outside_root=frozenset(data["drop_outside_root"]),
        drop_words=frozenset(data["drop_words"]),
        drop_prefixes=tuple(data["drop_prefixes"]),
        drop_pairs=frozenset(tuple(p) for p in data["drop_pairs"]),
        keep_words=frozenset(data["keep_words"]),
        link_section_headings=tuple(re.compile(p, re.I) for p in data["link_section_headings"]),
        embed_hosts=tuple(data["embed_hosts"]),
    )


@cache
def site_rules() -> dict[str, dict]:
    """Per-site rules by host name."""
    data = read_rules(_RULES / "sites.yaml") or {}
    return dict(data.get("sites") or {})


def rules_for_host(url: str) -> dict:
    """The site rules that apply to ``url`` (host or any parent domain), or {}."""
    host = site_host(urlsplit(url).hostname or "")
    rules = site_rules()
    while host:
        if host in rules:
            return rules[host] or {}
        host = host.partition(".")[2]
    return {}


def words_of(value: str) -> list[str]:
    """Split class/id values into lower-case words: "articleBody share_bar" -> article, body, share, bar."""
    return [w.lower() for w in _SPLIT.split(_CAMEL.sub(" ", value)) if w]


def compact_tokens(element) -> frozenset[str]:
    """Class/id tokens with separators removed and lower-cased ("article__body" -> "articlebody").

    The cached set itself, not a copy: the root finder asks it of every classed element of a page."""
    return _compact_tokens(element.get("class") or "", element.get("id") or "")


@lru_cache(maxsize=16384)
def _compact_tokens(class_: str, id_: str) -> frozenset[str]:
    """``compact_tokens`` for one class and id: the root finder asks it of every element once per
    candidate rule, and a page repeats the same few class names on thousands of elements."""
    return frozenset(_SPLIT.sub("", t).lower() for t in f"{class_} {id_}".split())


def is_furniture_by_name(element, rules: DomRules | None = None) -> bool:
    """True when the element's class or id names it as page furniture."""
    return _named_as_furniture(element.get("class") or "", element.get("id") or "", rules or dom_rules())


@lru_cache(maxsize=16384)
def _named_as_furniture(class_: str, id_: str, rules: DomRules) -> bool:
    """``is_furniture_by_name`` for one class and id: a page repeats the same few class names on
    thousands of elements, so each pair is split into words and weighed once."""
    tokens = f"{class_} {id_}".split()
    if {_SPLIT.sub("", t).lower() for t in tokens} & rules.keep_words:
        return False
    return any(_token_names_furniture(token, rules) for token in tokens)


@lru_cache(maxsize=16384)
def _token_names_furniture(token: str, rules: DomRules) -> bool:
    """Whether one class or id token names furniture by its words: pages combine the same few
    tokens into many class strings ("col-6 widget", "col-4 widget"), so each is weighed once."""
    words = words_of(token)
    if any(w in rules.drop_words for w in words):
        return True
    if any(w.startswith(rules.drop_prefixes) for w in words):
        return True
    return any((a, b) in rules.drop_pairs for a, b in zip(words, words[1:], strict=False))


def furniture_words(element, rules: DomRules | None = None) -> frozenset[str]:
    """The words of the element's class and id that name it as furniture ("widget" in
    "elementor-widget-heading"; a drop pair as "read-next"), none when a keep word spares it."""
    return _furniture_words(element.get("class") or "", element.get("id") or "", rules or dom_rules())


@lru_cache(maxsize=4096)
def _furniture_words(class_: str, id_: str, rules: DomRules) -> frozenset[str]:
    tokens = f"{class_} {id_}".split()
    if {_SPLIT.sub("", t).lower() for t in tokens} & rules.keep_words:
        return frozenset()
    found = set()
    for token in tokens:
        words = words_of(token)
        found.update(w for w in words if w in rules.drop_words or w.startswith(rules.drop_prefixes))
        found.update(f"{a}-{b}" for a, b in zip(words, words[1:], strict=False) if (a, b) in rules.drop_pairs)
    return frozenset(found)


def is_hidden(element) -> bool:
    """Hidden by attribute or inline style (screen-reader-only labels, collapsed widgets)."""
    if element.get("hidden") is not None or element.get("aria-hidden") == "true":
        return True
    style = element.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


def remove(element, *, keep_blank_tail: bool = False) -> None:
    """Remove ``element`` but keep its tail text in the document.

    A whitespace-only tail is dropped (the cleaners' default: a block's layout newlines are
    not text); ``keep_blank_tail`` keeps it, for text read word by word (a heading's title
    without its button: ``Foo<button/> <b>Bar</b>`` must stay "Foo Bar", not "FooBar").
    """
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    if tail and (keep_blank_tail or tail.strip()):
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def drop_invisible(tree) -> int:
    """Remove what is never shown (scripts, styles, templates, leftover ``<noscript>``)."""
    doomed = [e for e in tree.iter(*INVISIBLE_TAGS) if e.getparent() is not None and e.tag != "head"]
    for element in doomed:
        remove(element)
    return len(doomed)


def drop_furniture(
    tree,
    protect: set | None = None,
    holds_main_text: Callable[[object], bool] | None = None,
    measures: Measures | None = None,
) -> int:
    """Apply the class/id, role, tag and hidden rules; returns how many elements went.

    ``protect`` holds elements (e.g. the notes found earlier) that must survive.
    ``holds_main_text(element)`` answers whether an element carries much of the text another
    extractor found: such an element is the article's container, whatever its class says
    ("elementor-widget-wrap", a page-wide ``<form>`` or ``<nav>``), and is never removed
    as furniture. Size guards measure visible text: call ``drop_invisible`` first.
    ``measures`` (shared with ``holds_main_text`` when it measures too) remembers each element's
    text length for this pass: elements are visited in document order and only subtrees already
    passed are removed, so no element's subtree has changed when it is measured (see ``cleaning.measure``).
    """
    rules = dom_rules()
    protect = protect or set()
    measures = measures or Measures()
    body = tree.find(".//body")
    total = measures.text_length(body) if body is not None else 0
    # the pass only removes elements: a page without an articleBody mark has none under any element
    marked = _HOLDS_ARTICLE_BODY_OR_SELF(tree.getroot() if hasattr(tree, "getroot") else tree)

    def holds_article(element) -> bool:
        if marked and _HOLDS_ARTICLE_BODY(element):
            return True
        length = measures.text_length(element)
        return (length > 600 and length > 0.4 * total) or (holds_main_text is not None and holds_main_text(element))

    removed = 0
    elements = list(tree.iter())
    index = 0
    while index < len(elements):
        element = elements[index]
        index += 1
        if not isinstance(element.tag, str) or element.getparent() is None or element in protect:
            continue
        tag = element.tag.lower()
        if tag in _NEVER_DROP:
            continue
        if protect and any(p is element or _contains(element, p) for p in protect):
            continue
        if _should_drop(element, tag, rules, holds_article):
            index = _past_subtree(elements, index, element)
            remove(element)
            removed += 1
    return removed


#: Input types a reader types words into: an email, a phone number, a name, a comment (``<textarea>``).
_FILL_IN_TYPES = frozenset({"", "text", "email", "tel"})
#: A form with more text than this is not a sign-up box (a page-wide ASP.NET ``<form>``, a long survey).
FORM_BOX_FORM_CHARS = 400
#: ... and the box around it, the form's own lines included, is at most this long.
FORM_BOX_CHARS = 700
_NEVER_A_FORM_BOX = _NEVER_DROP | {"h1"}


def drop_form_boxes(tree, keeps: Callable[[object], bool]) -> int:
    """Remove each small fill-in form together with the short box that frames it; returns how many went.

    A newsletter or SMS sign-up, a "leave a reply" form, a gated download are a form with a field or two,
    framed by a pitch ("Get the best deals first"), a consent line ("By signing up you agree...") and a
    thank-you line, often inside the article's body and under a class name that says nothing. The
    furniture rules remove the ``<form>``; its frame stayed as article text. The frame is found by
    structure, in any language: the form's ancestors are climbed while the text stays short, none is
    text the second opinion kept (``keeps``: a short article beside a comment form is text trafilatura
    kept, a pitch and a consent line are not) and none is a landmark (``<article>``, ``<main>``, the
    headline's ``<h1>``).
    """
    measures = Measures()
    boxes: list = []
    for form in tree.iter("form"):
        if any(form is b or _contains(b, form) for b in boxes) or measures.text_length(form) > FORM_BOX_FORM_CHARS:
            continue
        if not any(_is_fill_in(field) for field in form.iter("input", "textarea")):
            continue
        box = form
        while True:
            parent = box.getparent()
            if parent is None or not isinstance(parent.tag, str) or parent.tag.lower() in _NEVER_A_FORM_BOX:
                break
            if measures.text_length(parent) > FORM_BOX_CHARS or parent.find(".//h1") is not None or keeps(parent):
                break
            box = parent
        if box is not form and not keeps(box):
            boxes.append(box)
    for box in boxes:
        if not is_detached(box):
            remove(box)
    return len(boxes)


def _is_fill_in(field) -> bool:
    """A field a reader types words into (not a hidden token, a check box, a search box or a button)."""
    if field.tag == "textarea":
        return True
    return (field.get("type") or "").strip().lower() in _FILL_IN_TYPES and (field.get("name") or "").lower() not in {
        "s",
        "q",
        "search",
        "query",
    }


def _past_subtree(elements: list, index: int, element) -> int:
    """The position in ``elements`` (a document-order list of the tree) just after ``element``'s
    descendants, which follow it there in one run: a removed subtree is stepped over whole."""
    last = element
    while len(last):
        last = last[-1]
    return index if last is element else elements.index(last, index) + 1


def _should_drop(element, tag: str, rules: DomRules, holds_article: Callable[[object], bool]) -> bool:
    """Whether a furniture rule names ``element``; no rule removes the element that holds the article."""
    if tag == "iframe":
        return not _is_known_embed(element.get("src") or element.get("data-src") or "", rules)
    named = (
        tag in rules.drop_tags
        or (tag in rules.drop_outside_root and not _inside_article(element))
        or _named_by_attributes(element, tag, rules)
    )
    return named and not holds_article(element)


def _named_by_attributes(element, tag: str, rules: DomRules) -> bool:
    """The role, hidden and class/id rules of ``_should_drop`` (``is_furniture_by_name``'s cache asked directly).

    The element's attribute names are listed once (most elements have none, and most of the rest
    have neither a role nor a style), and only the attributes it has are read: each ``get`` is a
    call into lxml, six of them an element before (the same answers: ``get`` finds an attribute
    exactly when ``keys`` lists its name)."""
    names = element.keys()
    if not names:
        return False
    if "role" in names and (element.get("role") or "").lower() in rules.drop_roles and tag != "figure":
        return True
    if ("hidden" in names or "aria-hidden" in names or "style" in names) and is_hidden(element) and tag not in {"img", "picture", "source"}:
        return True
    class_ = (element.get("class") or "") if "class" in names else ""
    id_ = (element.get("id") or "") if "id" in names else ""
    return _named_as_furniture(class_, id_, rules)


def _contains(element, other) -> bool:
    return any(a is element for a in other.iterancestors())


#: ``element.find(".//*[@itemprop='articleBody']") is not None``, searched by libxml2 (ElementPath walks in Python).
_HOLDS_ARTICLE_BODY = etree.XPath("boolean(descendant::*[@itemprop='articleBody'])")
#: The same asked once of the top element a pass walks (every element visited is inside it): most pages
#: have no mark, and each named element's subtree was searched for one (6,000 searches over 200 pages).
_HOLDS_ARTICLE_BODY_OR_SELF = etree.XPath("boolean(descendant-or-self::*[@itemprop='articleBody'])")


def _inside_article(element) -> bool:
    return any(isinstance(a.tag, str) and a.tag.lower() in {"article", "main"} for a in element.iterancestors())


def _is_known_embed(src: str, rules: DomRules) -> bool:
    parts = urlsplit(src if "//" in src else "")
    host_path = f"{(parts.hostname or '').removeprefix('www.')}{parts.path}"
    return any(host_path.startswith(h) or host_path.split("/")[0].endswith("." + h.split("/")[0]) for h in rules.embed_hosts)


def drop_site_rules(tree, url: str) -> int:
    """Remove what the per-site rules for ``url`` name."""
    removed = 0
    for xpath in rules_for_host(url).get("drop", ()) or ():
        for element in tree.xpath(xpath):
            if isinstance(element, etree._Element):
                remove(element)
                removed += 1
    return removed


def drop_boilerplate_text(root) -> int:
    """Remove short elements whose whole text is boilerplate ("Advertisement", "hide caption")."""
    removed = 0
    verdicts: dict[str, bool] = {}  # nested elements often share one text (<li><a>Home</a></li>)
    texts = _short_texts(root, 300)
    for element in list(root.iter(*_SHORT_TEXT_TAGS)):
        if element.getparent() is None:
            continue
        text = texts[element]
        if not text:
            continue
        if text not in verdicts:
            verdicts[text] = is_boilerplate(text)
        if verdicts[text] and not is_detached(element):
            remove(element)
            removed += 1
    return removed


def _short_texts(root, limit: int) -> dict:
    """``short_text(element, limit)`` of every element of ``_SHORT_TEXT_TAGS`` under ``root``, measured before any goes.

    An element's collapsed text holds each child's collapsed text whole, so it is never shorter:
    the elements are measured children first, and one with a child too long for ``limit`` is too
    long itself without its (often page-sized) text being gathered. ``drop_boilerplate_text`` reads
    these after removing elements: it walks in document order and removes only what it has passed,
    so an element's own subtree is still as it was measured when its turn comes.
    """
    texts: dict = {}
    long_parents: set = set()  # elements a child of which is too long
    for element in reversed(list(root.iter())):
        if not isinstance(element.tag, str):
            continue
        if element in long_parents:
            text = None
        elif element.tag in _SHORT_TEXT_TAGS:
            text = short_text(element, limit)
        else:
            continue  # not asked about, and not known to be long
        texts[element] = text
        if text is None:
            parent = element.getparent()
            if parent is not None:
                long_parents.add(parent)
    return texts


def drop_link_sections(root) -> int:
    """Remove "Related"/"Further reading" headings together with the link lists after them."""
    rules = dom_rules()
    removed = 0
    for heading in list(root.iter("h2", "h3", "h4", "h5", "h6", "strong", "b", "p")):
        if heading.getparent() is None:
            continue
        text = normalise_space(all_text(heading)).rstrip(":：")
        if not text or len(text) > 60 or not any(p.match(text) for p in rules.link_section_headings):
            continue
        if is_detached(heading):
            continue
        anchor = heading
        if heading.tag in {"strong", "b"}:
            parent = heading.getparent()
            if parent is None or normalise_space(all_text(parent)).rstrip(":：") != text:
                continue
            anchor = parent
        for sibling in list(anchor.itersiblings()):
            if not isinstance(sibling.tag, str):
                continue
            if sibling.tag in {"h1", "h2", "h3"} or not is_link_dense(sibling):
                break
            remove(sibling)
            removed += 1
        remove(anchor)
        removed += 1
    return removed
