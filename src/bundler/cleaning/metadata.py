"""Read a page's metadata: title, standfirst, authors, date, site, canonical URL, language.

Sources, most trusted first: JSON-LD (``NewsArticle`` and kin), ``<meta>`` tags (Open
Graph, Dublin Core, ``article:``), microdata and ``<time>``, then trafilatura's own
metadata reader (htmldate for dates) as the fallback.
"""

from __future__ import annotations

import html
import itertools
import json
import re
from copy import deepcopy
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

from bundler.cleaning import read_rules
from bundler.cleaning.calendars import to_gregorian
from bundler.cleaning.date_search import install_search
from bundler.cleaning.dom import remove
from bundler.cleaning.header_lines import byline_names, gregorian_date_text, other_calendar_date, split_names, strip_byline_word
from bundler.cleaning.metadata_fallback import read_fields
from bundler.cleaning.page_attributes import PageAttributes, iter_page
from bundler.cleaning.page_dates import MonthNamedParser, install_parser
from bundler.text.dates import parse_date
from bundler.text.typography import normalise_space

_ARTICLE_TYPES = {"article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle", "opinionnewsarticle", "report"}
_TITLE_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|::|·|•|«|»)\s+")
_WORDS = re.compile(r"\w+")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_DEK_WORDS = ("standfirst", "dek", "subtitle", "subheadline", "summary", "lede", "excerpt", "strapline", "standfirsttext")
#: A class token ends with a _DEK_WORDS word only if its letters (marks dropped) contain one.
_DEK_HINT = re.compile("|".join(_DEK_WORDS))
_NOT_CLASS_CHAR = re.compile(r"[^a-z0-9\s]")


@dataclass
class PageMeta:
    """What the page says about itself; every field may be empty."""

    title: str = ""
    standfirst: str = ""
    authors: list[str] = field(default_factory=list)
    date: str = ""
    site: str = ""
    url: str = ""
    language: str = ""
    article_body: str = ""  # JSON-LD articleBody text, when the page ships one


def read_metadata(tree) -> PageMeta:
    """Collect metadata from the untouched page tree (before any cleaning)."""
    meta = PageMeta()
    attributes = PageAttributes(tree)  # read before anything marks the page (the standfirst's mark)
    tags = _meta_tags(tree)
    ld = _json_ld_article(tree)
    meta.url = _first(_canonical(tree), tags.get("og:url"), ld.get("url") if isinstance(ld.get("url"), str) else "")
    meta.site = _first(tags.get("og:site_name"), tags.get("application-name"), _publisher(ld))
    meta.title = _first(_text(ld.get("headline")), tags.get("og:title"), tags.get("twitter:title"), tags.get("dc.title"))
    meta.date = _first_date(
        ld.get("datePublished"),
        tags.get("article:published_time"),
        tags.get("og:article:published_time"),
        tags.get("datepublished"),
        tags.get("dc.date.issued"),
        tags.get("dc.date"),
        tags.get("date"),
        tags.get("pubdate"),
        tags.get("publish-date"),
        tags.get("sailthru.date"),
        *_time_values(tree, attributes),
        ld.get("dateCreated"),
    )
    meta.authors = _authors(ld, tags, tree, attributes)
    meta.language = _language(tree, tags, ld)
    meta.standfirst = _dek(tree, attributes)
    meta.article_body = _text(ld.get("articleBody"))
    h1 = _h1(tree)
    page_title = normalise_space("".join(tree.findtext(".//title") or ""))
    beside_site = _title_beside_site_h1(tree, h1, (meta.title, page_title)) if h1 else ""
    if beside_site:
        meta.title = beside_site
    elif not meta.title or (h1 and h1 in meta.title and len(h1) < len(meta.title)):
        meta.title = h1 or meta.title
    title = meta.title or page_title
    # the page's short texts are read only for a title with a separator to judge (a third of read_metadata's time)
    shown = _headline_texts(tree) if _parts_could_be_shown(tree, title) else set()
    meta.title = strip_site_suffix(title, meta.site, shown)
    stated = meta.date
    meta.date = _publication_date(tree, meta.date, ld)
    _fill_from_trafilatura(tree, meta, attributes)
    if not meta.authors:
        meta.authors = _byline_under_headline(tree)
    if not meta.date:
        meta.date = _date_under_headline(tree, language=meta.language)
    elif not stated:
        meta.date = _date_under_headline(tree, converted_only=True, language=meta.language) or meta.date
    return meta


#: A page with this many ``<time datetime>`` elements and no article metadata is a thread of posts.
THREAD_TIMES = 3


def _publication_date(tree, stated: str, ld: dict) -> str:
    """The date a reader sees as the article's: htmldate's choice first, the page's statement after.

    On real pages the stated dates (JSON-LD, ``<time>``) name a site update or a neighbouring
    story as often as the article; htmldate weighs every date on the page (with the original
    rather than the updated one) and was right more often (WCXB dev pages: 0.85 against 0.81).
    A thread of posts without article metadata keeps the first stated date, its first post's.
    """
    if stated and not ld.get("@type") and len(tree.xpath("//time[@datetime]")) >= THREAD_TIMES:
        return stated
    return _htmldate(tree) or stated


def _htmldate(tree) -> str:
    """htmldate's original publication date, "" when it finds none.

    htmldate is given the page itself, not a copy: it copies the tree before pruning it (a copy
    here cost as much again; ``tests/importers/test_metadata_untouched.py`` holds it to that).
    Its extensive search asks dateparser only about the languages a string names a month in
    (``page_dates``: the same dates, without trying all 205 languages).
    """
    from htmldate import find_date

    install_parser()
    install_search()  # its last-resort search, over the parts of the page a pattern can match (date_search)
    try:
        found = find_date(
            tree.getroot() if hasattr(tree, "getroot") else tree,
            extensive_search=True,
            original_date=True,
            max_date=date.today().isoformat(),
        )
    except Exception:  # a second opinion; the page's own statement still counts
        return ""
    return parse_date(found or "") or ""


def _headline_texts(tree) -> set[str]:
    """Keys of short texts shown on the page, to tell which part of a <title> is the headline."""
    found = set()
    for element in itertools.islice(_headline_elements(tree), 3000):
        text = normalise_space(element.text_content())
        if 0 < len(text) < 200:
            found.add(_key(text))
    return found


#: The elements whose texts may be a title's headline part.
_HEADLINE_TAGS = ("h1", "h2", "span", "b", "strong", "font", "div", "td")


def _headline_elements(tree):
    """The ``_HEADLINE_TAGS`` elements inside a ``<body>``, in page order, as
    ``//body//*[self::h1 or self::h2 or ...]`` finds them.

    lxml's tag filter instead of the XPath, which tests its predicate on every element (nine
    tenths of the time on all 997 real pages, the same elements on each). A ``<body>`` inside
    another is not walked again: its elements are the outer one's.
    """
    for body in iter_page(tree, "body"):
        if next(body.iterancestors("body"), None) is None:
            yield from body.iter(*_HEADLINE_TAGS)


def _parts_could_be_shown(tree, title: str) -> bool:
    """Whether some part of a separated ``title`` might be one of the page's short texts.

    :func:`strip_site_suffix` asks the short texts only about the title's parts of two words or
    more; such a part's key is one element's text's key, and an element's text is a stretch of
    the body's text, so its key lies inside the body's key (final sigma folded: ``lower`` writes
    it by context). Where no part's key does, the short texts (a walk of every heading, div and
    span, each element's text read again for every ancestor) would change nothing.
    """
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return False
    keys = [_key(p) for p in parts if len(p.split()) > 1]
    if not keys:
        return False
    if not all(keys):
        return True  # a part of marks alone ("- -") matches a text of marks anywhere
    text = _sigma(_key(" ".join(body.text_content() for body in iter_page(tree, "body"))))
    return any(_sigma(key) in text for key in keys)


def _sigma(key: str) -> str:
    return key.replace("ς", "σ")


def strip_site_suffix(title: str, site: str, shown: set[str] | None = None) -> str:
    """Drop "| Site name" (or a leading "Site name -") from a title."""
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return normalise_space(title)
    on_page = [p for p in parts if shown and _key(p) in shown and len(p.split()) > 1]
    if len(on_page) == 1 and _key(on_page[0]) != _key(site):
        return normalise_space(on_page[0])
    site_key = _key(site)
    if site_key:
        kept = [p for p in parts if _key(p) != site_key and not (site_key and _key(p) in site_key and len(_key(p)) > 3)]
        if kept and len(kept) < len(parts):
            return normalise_space(" - ".join(kept))
    last = parts[-1]
    if len(last.split()) <= 4 and len(parts[0].split()) >= len(last.split()) + 2:  # "Headline here | Daily Paper"
        return normalise_space(" - ".join(parts[:-1]))
    return normalise_space(title)


def _key(text: str) -> str:
    return re.sub(r"\W+", "", (text or "").lower())


def _first(*values) -> str:
    for value in values:
        if isinstance(value, str) and normalise_space(value):
            return normalise_space(value)
    return ""


def _first_date(*values) -> str:
    for value in values:
        if isinstance(value, str) and value.strip():
            parsed = parse_date(value.strip()[:40])
            if parsed:
                return parsed
    return ""


def _text(value) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    return normalise_space(value) if isinstance(value, str) else ""


def _meta_tags(tree) -> dict[str, str]:
    tags: dict[str, str] = {}
    for element in tree.iter("meta"):
        key = (element.get("property") or element.get("name") or element.get("itemprop") or element.get("http-equiv") or "").lower()
        value = element.get("content")
        if key and value and key not in tags:
            tags[key] = value
    return tags


def _canonical(tree) -> str:
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href", "").startswith("http"):
            return link.get("href")
    return ""


def _json_ld_article(tree) -> dict:
    """The first JSON-LD object whose @type is an article (searching @graph and lists)."""
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = _decode_entities(json.loads(script.text.strip().rstrip(";")), 0)
        except (ValueError, RecursionError):
            continue
        found = _find_article(data, 0)
        if found:
            return found
    return {}


def _decode_entities(data, depth: int):
    """JSON-LD strings with their HTML character references decoded, once.

    WordPress and others write the headline HTML-escaped inside the JSON ("It&#8217;s",
    "M&#038;A"); a script's text is not HTML-decoded by the parser, so without this step the
    title showed "&#8217;" literally. Only complete references (``&name;``, ``&#N;``) are
    decoded, so a bare "R&D" stays as it is.
    """
    if isinstance(data, str):
        return _ENTITY.sub(lambda m: html.unescape(m.group(0)), data) if "&" in data else data
    if depth > 12:
        return data
    if isinstance(data, list):
        return [_decode_entities(item, depth + 1) for item in data]
    if isinstance(data, dict):
        return {key: _decode_entities(value, depth + 1) for key, value in data.items()}
    return data


def _find_article(data, depth: int) -> dict:
    if depth > 6:
        return {}
    if isinstance(data, list):
        for item in data:
            found = _find_article(item, depth + 1)
            if found:
                return found
    elif isinstance(data, dict):
        kinds = data.get("@type")
        kinds = kinds if isinstance(kinds, list) else [kinds]
        if any(isinstance(k, str) and k.lower() in _ARTICLE_TYPES for k in kinds):
            return data
        if "@graph" in data:
            return _find_article(data["@graph"], depth + 1)
    return {}


def _publisher(ld: dict) -> str:
    publisher = ld.get("publisher")
    if isinstance(publisher, list):
        publisher = publisher[0] if publisher else {}
    return _text(publisher.get("name")) if isinstance(publisher, dict) else _text(publisher)


def _time_values(tree, attributes: PageAttributes) -> list[str]:
    """The first five ``itemprop="datePublished"`` and ``<time datetime>`` elements' dates.

    Without a ``datePublished`` item on the page (most pages), the ``<time>`` elements alone, by
    tag (the union's ``//*[...]`` evaluates its test on every element).
    """
    if attributes.has("itemprop", "datePublished"):
        elements = tree.xpath("//*[@itemprop='datePublished'] | //time[@datetime]")[:5]
    else:
        elements = [element for element in iter_page(tree, "time") if element.get("datetime") is not None][:5]
    values = []
    for element in elements:
        values.append(element.get("datetime") or element.get("content") or normalise_space(element.text_content()))
    return values


def _authors(ld: dict, tags: dict[str, str], tree, attributes: PageAttributes) -> list[str]:
    names: list[str] = []
    author = ld.get("author") or ld.get("creator")
    for item in author if isinstance(author, list) else [author]:
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, str):
            names.append(name)
    if not names:
        for key in ("author", "article:author", "dc.creator", "byl", "sailthru.author", "parsely-author"):
            value = tags.get(key, "")
            if value and not value.startswith("http"):
                names.extend(re.split(r"\s*(?:,|;|\band\b|&)\s*", value))
                break
    if not names:
        for element in _author_elements(tree, attributes)[:4]:
            names.append(element.text_content())
    if not names and attributes.contains("class", "byline"):
        for element in tree.xpath("//*[contains(@class, 'byline')]")[:2]:
            text = normalise_space(element.text_content())
            names.extend(byline_names(text) or split_names(strip_byline_word(text)))
    return _unique_names(names)


def _author_elements(tree, attributes: PageAttributes) -> list:
    """Elements with ``rel="author"``, ``itemprop="author"`` or an "author-name" class, in page order.

    Each part of the union is searched only on a page where some element carries its value:
    a part that matches nothing adds nothing, and each ``//*[...]`` walks every element.
    """
    parts = []
    if attributes.has("rel", "author"):
        parts.append("//*[@rel='author']")
    if attributes.has("itemprop", "author"):
        parts.append("//*[@itemprop='author']")
    if attributes.contains("class", "author-name"):
        parts.append("//*[contains(@class, 'author-name')]")
    return tree.xpath(" | ".join(parts)) if parts else []


def _unique_names(names: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for name in names:
        name = strip_byline_word(normalise_space(name)).strip(" ,;|")
        if 1 < len(name) <= 60 and not name.startswith("http") and len(name.split()) <= 6 and _key(name) not in seen:
            seen[_key(name)] = name
    return list(seen.values())


def _language(tree, tags: dict[str, str], ld: dict) -> str:
    root = tree.getroot() if hasattr(tree, "getroot") else tree
    value = _first(
        root.get("lang"),
        root.get("{http://www.w3.org/XML/1998/namespace}lang"),
        tags.get("og:locale", "").replace("_", "-"),
        _text(ld.get("inLanguage")),
        tags.get("content-language"),
        tags.get("language"),
    )
    return value.split(",")[0].strip().replace("_", "-")


def _dek(tree, attributes: PageAttributes) -> str:
    """An explicit standfirst element ("dek", "standfirst", itemprop=description)."""
    for element in _dek_candidates(tree, attributes):
        if element.get("itemprop") != "description" and not _names_dek(element.get("class") or ""):
            continue
        if any(a.tag in {"figure", "figcaption", "li", "a"} for a in element.iterancestors()):
            continue
        text = normalise_space(element.text_content())
        if 20 <= len(text) <= 600 and _under_headline(tree, element):
            element.set("data-bundler-dek", "1")
            return text
    return ""


_DEK_PATH = "//*[@itemprop='description' and not(self::meta)] | //p[@class] | //div[@class] | //h2[@class]"


def _dek_candidates(tree, attributes: PageAttributes) -> list:
    """The elements :func:`_dek` weighs, in page order: ``_DEK_PATH``'s, less those it would pass over.

    Without an ``itemprop="description"`` element, only a ``<p>``, ``<div>`` or ``<h2>`` whose class
    names a standfirst can be one, and the page's distinct class values say which classes do
    (none, on most pages: then no element is visited at all).
    """
    if attributes.has("itemprop", "description"):
        return tree.xpath(_DEK_PATH)
    named = {value for value in attributes.distinct("class") if _names_dek(value)}
    if not named:
        return []
    return [element for element in iter_page(tree, "p", "div", "h2") if element.get("class") in named]


def _names_dek(classes: str) -> bool:
    """Whether a class attribute has a token ending in a standfirst word ("article-dek", "sub-title")."""
    classes = classes.lower()
    if not _DEK_HINT.search(_NOT_CLASS_CHAR.sub("", classes)):  # cheap test first: most classes name no dek
        return False
    tokens = {_NOT_CLASS_CHAR.sub("", t) for t in classes.split()}
    return any(t.endswith(_DEK_WORDS) for t in tokens)


#: A standfirst sits right under the headline: at most this much visible text comes between them.
DEK_MAX_GAP_CHARS = 200
_UNSEEN = {"script", "style", "noscript", "template"}


def _under_headline(tree, element) -> bool:
    """Whether ``element`` comes just after one of the page's first ``<h1>``s.

    Elements named "summary" or "excerpt" are also the teasers of other stories, the author's
    description, a newsletter pitch; the article's own standfirst is the one under its headline.
    """
    for headline in _first_h1s(tree):
        gap = len((headline.tail or "").strip())
        for node in _following(headline):
            if node is element:
                return True
            if not isinstance(node.tag, str):
                continue
            if node.tag not in _UNSEEN:
                gap += len((node.text or "").strip())
            gap += len((node.tail or "").strip())
            if gap > DEK_MAX_GAP_CHARS:
                break
    return False


def _following(element):
    """The elements after ``element`` (not inside it) in document order."""
    while element is not None:
        for sibling in element.itersiblings():
            yield sibling
            yield from sibling.iterdescendants()
        element = element.getparent()


def _first_h1s(tree) -> list:
    """The page's first three ``<h1>``s, in page order (``//article//h1 | //h1`` is every ``<h1>``)."""
    return list(itertools.islice(iter_page(tree, "h1"), 3))


def _h1(tree) -> str:
    for element in _first_h1s(tree):
        text = heading_title(element)
        if text:
            return text
    return ""


@cache
def _permalink_marks() -> frozenset[str]:
    return frozenset(read_rules(Path(__file__).with_name("rules") / "headings.yaml")["permalink_marks"])


def heading_title(element) -> str:
    """A heading's text without its permalink ("Models¶", "Intro #") and buttons ("Copy item path").

    Documentation generators put a link to the heading itself inside it, its text a mark
    (``permalink_marks`` in ``rules/headings.yaml``), and API docs a copy button: neither is
    part of the page's title.
    """
    marks = _permalink_marks()
    extra = [e for e in element.iter("a", "button") if e.tag == "button" or _is_mark(normalise_space(e.text_content()), marks)]
    if not extra:
        return _ICON_GLYPHS.sub("", normalise_space(element.text_content()).rstrip("¶🔗")).strip()
    copy = deepcopy(element)  # a heading: a few nodes
    copy.tail = None
    for node in copy.xpath(".//button | .//a"):
        if node.tag == "button" or _is_mark(normalise_space(node.text_content()), marks):
            remove(node, keep_blank_tail=True)
    return normalise_space(_ICON_GLYPHS.sub("", copy.text_content()))


#: Private-use characters: in a web page, glyphs of the site's icon font (a link, a chain, a copy
#: sign), which no font of a reader or of the book has: an e-reader shows a box, and the archival PDF
#: refuses to print one (E310). In a heading they never belong to its title.
_ICON_GLYPHS = re.compile("[\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd]+")


def _is_mark(text: str, marks: frozenset[str]) -> bool:
    """Whether a link's or button's whole text in a heading is a permalink mark: a listed one, or an icon glyph."""
    return text in marks or bool(text) and _ICON_GLYPHS.fullmatch(text) is not None


def _title_beside_site_h1(tree, h1: str, titles: tuple[str, ...]) -> str:
    """The page's title when its first ``<h1>`` is the site's name (a documentation site's header), else "".

    The ``<h1>`` names the site when it is the last part of a separated ``<title>`` or og:title
    ("What is X? - The Book"), and the first part is another heading on the page (the page's own
    ``<h2>`` or second ``<h1>``). Then the title is that title without its last part.
    """
    for title in titles:
        parts = _TITLE_SEPARATORS.split(title or "")
        if len(parts) < 2:
            continue
        if _names_site(parts[-1], h1) and _key(parts[0]) in _heading_keys(tree):
            return normalise_space(" - ".join(parts[:-1]))
    return ""


def _names_site(part: str, name: str) -> bool:
    """Whether a title's ``part`` is the site ``name``, perhaps with one word after ("The Book documentation")."""
    part_words, name_words = _WORDS.findall(part.lower()), _WORDS.findall(name.lower())
    return bool(name_words) and part_words[: len(name_words)] == name_words and len(part_words) - len(name_words) <= 1


def _heading_keys(tree) -> set[str]:
    return {_key(heading_title(h)) for h in itertools.islice(iter_page(tree, "h1", "h2", "h3"), 200)}


def _fill_from_trafilatura(tree, meta: PageMeta, attributes: PageAttributes) -> None:
    """Ask trafilatura (with htmldate) for what the page did not state plainly."""
    wanted = {f for f, have in (("title", meta.title), ("date", meta.date), ("author", meta.authors), ("sitename", meta.site)) if not have}
    if not wanted:
        return
    try:
        # the page itself, not a copy: trafilatura copies before it prunes (see _htmldate)
        found = read_fields(tree.getroot() if hasattr(tree, "getroot") else tree, meta.url or None, wanted, attributes)
    except Exception:  # trafilatura is best effort here; the page's own metadata already counted
        return
    meta.title = meta.title or normalise_space(found.title or "")
    meta.site = meta.site or normalise_space(found.sitename or "")
    meta.date = meta.date or (parse_date(found.date or "") or "")
    if not meta.authors and found.author:
        meta.authors = _unique_names([n for name in found.author.split(";") for n in (byline_names(name) or [name])])


#: A byline sits under the headline: the lines looked at, each at most this long, and how much text they may hold together.
BYLINE_LINES = 8
BYLINE_LINE_CHARS = 100
BYLINE_GAP_CHARS = 400


def _byline_under_headline(tree) -> list[str]:
    """The writers a byline line under the first headline names ("Par Claire Dubois", "记者 王丽", "By <a>Jane
    Doe</a> and <a>John Roe</a>"), for a page whose metadata names nobody; the byline's words are a table per
    language (``header_lines``)."""
    for text in _lines_under_headline(tree):
        names = byline_names(text) if len(text) <= BYLINE_LINE_CHARS else []
        if names:
            return _unique_names(names)
    return []


#: The years a date line's Gregorian date may have (a Hijri year, 1445, or a Solar Hijri one, 1402, is no Gregorian year).
DATE_LINE_YEARS = range(1990, 2100)


def _date_under_headline(tree, *, converted_only: bool = False, language: str = "") -> str:
    """The Gregorian date a date line under the first headline gives, for a page where neither its metadata nor
    htmldate found one: Arabic and Persian news pages print the Hijri or Solar Hijri date beside it
    ("الجمعة ١ رجب ١٤٤٥ هـ الموافق ١٢ يناير ٢٠٢٤ م"), which htmldate passes over whole; a line with only a
    Hijri or Solar Hijri date ("١ رجب ١٤٤٥ هـ") gives that date converted (``calendars``).

    With ``converted_only`` (a page that states no date in its metadata, where htmldate guessed one), only a
    first date line with no Gregorian date counts: htmldate cannot read a Hijri or Solar Hijri date, so on
    such a page the date it found comes from somewhere else (a copyright line's year as 1 January, a
    neighbouring story) and the page's own date line is the better witness.

    ``language`` (the page's declared one) says whether a date in digits alone ("۱۴۰۲/۱۰/۲۱") is Solar Hijri
    (``other_calendar_date``); a converted date after today is refused (a misread calendar)."""
    primary = language.split("-")[0].lower()
    persian = (primary in {"fa", "fas", "per", "prs"}) if primary else None
    for text in _lines_under_headline(tree):
        if len(text) > BYLINE_LINE_CHARS:
            continue
        other = other_calendar_date(text, persian=persian)
        if converted_only and not other and gregorian_date_text(text):
            return ""  # a Gregorian date line: htmldate reads those, its choice stands
        iso = _date_line_iso(text, other)
        if iso and int(iso[:4]) in DATE_LINE_YEARS:
            return iso
    return ""


def _date_line_iso(text: str, other: tuple[str, int, int, int] | None) -> str:
    """The ISO date of a date line: its Hijri or Solar Hijri date ``other`` (``other_calendar_date``) converted,
    or else its Gregorian date read; "" when it has none, a day its calendar does not have, or a converted day
    after today."""
    if other:
        converted = to_gregorian(*other)
        return converted.isoformat() if converted and converted <= date.today() else ""
    found = gregorian_date_text(text)
    if found:
        iso = parse_date(found)
        if not iso:
            read = MonthNamedParser().get_date_data(found).date_obj
            iso = read.date().isoformat() if read is not None else None
        return iso or ""
    return ""


def _lines_under_headline(tree):
    """The texts of the lines under the first headline, at most ``BYLINE_LINES`` holding ``BYLINE_GAP_CHARS``
    together. A line is an element holding only text and inline elements (a byline's name is often a link to
    the writer's page), read whole."""
    headline = next(iter(_first_h1s(tree)), None)
    if headline is None:
        return
    lines, gap, skip = 0, 0, 0
    for node in _following(headline):
        if skip:
            skip -= 1  # inside a line already read
            continue
        if not isinstance(node.tag, str) or node.tag in _UNSEEN:
            continue
        if len(node):
            if not _holds_only_inline(node):
                continue  # a container: its lines come after it
            skip = sum(1 for _ in node.iterdescendants())
        text = normalise_space(node.text_content())
        if not text:
            continue
        gap += len(text)
        lines += 1
        if lines > BYLINE_LINES or gap > BYLINE_GAP_CHARS:
            return
        yield text


#: The elements a line of text is made of: a byline's name is often a link, its word in bold or a span.
_LINE_TAGS = frozenset({"a", "span", "b", "strong", "em", "i", "small", "time", "abbr", "font", "u", "cite", "bdi", "bdo"})


def _holds_only_inline(element) -> bool:
    """Whether every element inside ``element`` is inline (``_LINE_TAGS``): then it is one line of text."""
    return all(not isinstance(d.tag, str) or d.tag in _LINE_TAGS for d in element.iterdescendants())
