"""Turn (already de-cluttered) HTML elements into the model's closed block vocabulary.

This is the safety boundary: whatever markup comes in, only the block types of
``bundler.model`` and the inline tags of ``model.INLINE_TAGS`` come out. Scripts, styles,
event handlers, ``javascript:``/``data:`` links and unknown elements never pass.
"""

from __future__ import annotations

import functools
import html
import re
import threading
from dataclasses import replace
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit, urlunsplit

from lxml import etree
from lxml import html as lxml_html

from bundler.cleaning.treetext import all_text
from bundler.model import (
    INLINE_TAGS,
    Block,
    Embed,
    Heading,
    ListBlock,
    Paragraph,
    Preformatted,
    Quote,
    Rule,
    Table,
)
from bundler.text.typography import smarten, strip_controls

_DROP = {
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "object",
    "embed",
    "input",
    "button",
    "select",
    "textarea",
    "svg",
    "math",
    "canvas",
    "video",
    "audio",
    "source",
    "track",
    "link",
    "meta",
    "head",
    "title",
    "dialog",
    "map",
    "area",
    "frame",
    "frameset",
    "applet",
    "base",
    "param",
}
_BLOCK_TAGS = {
    "p",
    "div",
    "section",
    "article",
    "main",
    "header",
    "footer",
    "aside",
    "blockquote",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "pre",
    "table",
    "figure",
    "hr",
    "address",
    "details",
    "summary",
    "center",
    "body",
    "html",
    "figcaption",
    "picture",
    "form",
    "nav",
}
_INLINE_ALIASES = {"strike": "s", "del": "s", "ins": "u", "tt": "code", "samp": "code", "var": "em", "dfn": "em"}
_VERBATIM = {"code", "kbd"}
_SAFE_SCHEMES = {"http", "https", "mailto", "ftp", ""}
_TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|dclid|mc_cid|mc_eid|igshid|yclid|_hsenc|_hsmi|ref_src|cmpid|ocid|smid)$", re.I)


@functools.lru_cache(maxsize=4096)
def clean_url(href: str, base: str = "") -> str:
    """Resolve ``href`` against ``base`` and drop unsafe schemes and tracking parameters.

    Returns "" for links that must not survive (``javascript:``, ``data:``, ``vbscript:``).
    Remembered (a pure function of its two strings): a page's blocks are often read twice or
    three times (a wider root, a recovered article), and ``urljoin`` was most of a link's cost.
    """
    href = strip_controls(href or "").strip()
    href = re.sub(r"[\x00-\x20]", "", href) if href.lower().lstrip().startswith(("java", "vb", "data")) else href
    if not href:
        return ""
    if href.startswith("#"):
        return href
    try:
        resolved = urljoin(base, href) if base else href
        parts = urlsplit(resolved)
    except ValueError:
        return ""
    if parts.scheme.lower() not in _SAFE_SCHEMES:
        return ""
    if parts.scheme.lower() in _NEEDS_HOST and not _HOST.fullmatch(parts.netloc):
        return ""  # "http://" or "http://Some Company, Inc.": no address a reader could follow
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)]) if parts.query else ""
    return urlunsplit((parts.scheme, parts.netloc, _encode_illegal(parts.path), query, _encode_illegal(parts.fragment)))


_NEEDS_HOST = {"http", "https", "ftp"}
#: A URL's host part: user info, a name of letters, digits, dots and dashes (any script), or an IP literal, a port.
_HOST = re.compile(r"([^@\s/]*@)?([\w.-]+|\[[0-9A-Fa-f:.]+\])(:\d*)?")

_ILLEGAL_IN_URL = re.compile(r'[\x00-\x20"<>\[\]{}|\\^`]')


def _encode_illegal(part: str) -> str:
    """Percent-encode the ASCII characters a URL may not hold ("/blog/[uid]", spaces): EPUBCheck RSC-020."""
    return _ILLEGAL_IN_URL.sub(lambda m: quote(m.group(0), safe=""), part)


def inline_html(element: etree._Element, language: str = "en", base_url: str = "", *, include_tail: bool = False) -> str:
    """Serialise ``element``'s content using only the inline vocabulary."""
    out: list[str] = []
    _emit_text(out, element.text, language)
    for child in element:
        _emit_inline(out, child, language, base_url)
    if include_tail:
        _emit_text(out, element.tail, language)
    return _tidy_inline("".join(out))


def _emit_text(out: list[str], text: str | None, language: str) -> None:
    if not text:
        return
    if not text.strip(_LAYOUT_SPACE):  # the indentation between tags: nothing to smarten or escape
        out.append(text)
        return
    out.append(html.escape(smarten(text, language) if language else text, quote=False))


_LAYOUT_SPACE = " \t\r\n"


def _emit_inline(out: list[str], node, language: str, base_url: str) -> None:
    if not isinstance(node.tag, str):  # comments, processing instructions
        _emit_text(out, node.tail, language)
        return
    tag = _local(node.tag)
    tag = _INLINE_ALIASES.get(tag, tag)
    if tag in _DROP:
        _emit_text(out, node.tail, language)
        return
    if tag == "br":
        out.append("<br/>")
    elif tag in INLINE_TAGS:
        attrs = _inline_attrs(node, tag, base_url)
        if tag == "a" and "href" not in attrs:
            tag = None  # a link whose target was unsafe keeps its text only
        child_lang = attrs.get("lang", language) if tag in {"span", "bdi"} else language
        if tag in _VERBATIM:
            child_lang = ""  # code and keyboard input keep their straight quotes
        inner: list[str] = []
        _emit_text(inner, node.text, child_lang)
        for child in node:
            _emit_inline(inner, child, child_lang, base_url)
        content = "".join(inner)
        if tag is None:
            out.append(content)
        elif content.strip() or tag in {"a"} and content:
            attr_text = "".join(f' {k}="{html.escape(v, quote=True)}"' for k, v in sorted(attrs.items()))
            out.append(f"<{tag}{attr_text}>{content}</{tag}>")
        else:
            out.append(content)
    else:  # unknown or block-level element inside inline context: keep its text
        _emit_text(out, node.text, language)
        for child in node:
            _emit_inline(out, child, language, base_url)
        if tag in _BLOCK_TAGS:
            out.append(" ")
    _emit_text(out, node.tail, language)


def _inline_attrs(node, tag: str, base_url: str) -> dict[str, str]:
    allowed = INLINE_TAGS[tag]
    attrs: dict[str, str] = {}
    for name, value in node.attrib.items():
        name = _local(name)
        if name not in allowed:
            continue
        if name == "href":
            value = clean_url(value, base_url)
            if not value:
                continue
        if name == "dir" and value not in {"ltr", "rtl"}:
            continue
        attrs[name] = strip_controls(value)
    return attrs


_INLINE_SPACES = re.compile(r"[ \t\r\n\u00a0]+")
_SPACED_BREAK = re.compile(r"\s*<br/>\s*")
_EDGE_BREAKS = re.compile(r"^(<br/>)+|(<br/>)+$")
_TAG = re.compile(r"<[^>]+>")


def _tidy_inline(text: str) -> str:
    if _has_space_runs(text):  # else each run of those spaces is already one " ": the substitution would change nothing
        text = _INLINE_SPACES.sub(" ", text)
    if "<br/>" not in text:  # called on every block's markup: the break rules only when there is one
        return text.strip()
    text = _SPACED_BREAK.sub("<br/>", text)
    text = _EDGE_BREAKS.sub("", text.strip())
    return text.strip()


def _has_space_runs(text: str) -> bool:
    """Whether ``_INLINE_SPACES`` would change ``text``: it holds one of its characters other than " ", or two spaces."""
    return "\n" in text or "  " in text or "\t" in text or "\r" in text or "\u00a0" in text


def _local(tag: str) -> str:
    return _local_name(tag) if isinstance(tag, str) else ""


@functools.lru_cache(maxsize=1024)
def _local_name(tag: str) -> str:
    """A tag's name without its namespace, lower case: asked for every element a page's blocks are read from."""
    return tag.rsplit("}", 1)[-1].lower()


@functools.lru_cache(maxsize=4096)
def text_of(fragment: str) -> str:
    """Plain text of an inline fragment.

    Remembered (a pure function of the string): the content passes ask for the text of the same
    blocks again and again while they choose and trim a page's blocks (over 100 real pages, 71,600
    calls for 11,700 fragments), and a hit costs a third of reading a plain fragment again.
    """
    if not fragment:
        return ""
    if "<" not in fragment:  # most fragments asked (a cell, a short paragraph) hold no markup: no tag to take out
        return html.unescape(fragment)
    return html.unescape(_TAG.sub("", fragment.replace("<br/>", " ")))


def html_to_blocks(element: etree._Element, language: str = "en", base_url: str = "", figure_hook=None) -> list[Block]:
    """Convert an element's children into blocks.

    ``figure_hook(element) -> Block | None`` lets an importer turn figures and images into
    ``FigureBlock``s (it knows where media lives); without it, images are dropped.
    """
    blocks: list[Block] = []
    pending: list[str] = []

    def flush() -> None:
        if not pending:  # between two blocks: nothing was read since the last one
            return
        text = "".join(pending)
        pending.clear()
        if not text.strip(_LAYOUT_SPACE):  # the indentation between two blocks: tidied, it is ""
            return
        text = _tidy_inline(text)
        for part in split_at_breaks(text, 2):  # old pages separate paragraphs with <br><br>
            part = _tidy_inline(part)
            if text_of(part).strip():
                blocks.append(Paragraph(part))

    _emit_text(pending, element.text, language)
    for child in element:
        if not isinstance(child.tag, str):
            _emit_text(pending, child.tail, language)
            continue
        tag = _local(child.tag)
        if tag in _DROP and tag not in {"iframe", "video", "embed", "object"}:
            _emit_text(pending, child.tail, language)
            continue
        converted = _convert_block(child, tag, language, base_url, figure_hook)
        if converted is None:
            _emit_inline(pending, child, language, base_url)
            continue
        flush()
        blocks.extend(converted)
        _emit_text(pending, child.tail, language)
    flush()
    return blocks


def _convert_block(node, tag: str, language: str, base_url: str, figure_hook) -> list[Block] | None:
    """Blocks for a block-level element, or None when it is inline content."""
    if tag == "figure" and holds_running_text(node):
        return html_to_blocks(node, language, base_url, figure_hook)
    if figure_hook is not None and tag in {"figure", "img", "picture"}:
        result = figure_hook(node)
        if result is None:
            return []
        return list(result) if isinstance(result, (list, tuple)) else [result]
    if tag in {"img", "picture"}:
        return []
    if tag in {"iframe", "video", "embed", "object"}:
        src = clean_url(node.get("src") or node.get("data") or node.get("data-src") or "", base_url)
        return [Embed(url=src, title=strip_controls(node.get("title") or ""))] if src else []
    if tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
        text = inline_html(node, language, base_url)
        return [Heading(max(2, int(tag[1])), text)] if text_of(text).strip() else []
    if tag == "p":
        if figure_hook is not None and _HOLDS_FIGURE(node):
            return html_to_blocks(node, language, base_url, figure_hook)
        text = inline_html(node, language, base_url)
        lang = node.get("lang") or None
        return [Paragraph(text, lang if lang and lang != language else None)] if text_of(text).strip() else []
    if tag in {"ul", "ol"}:
        items = []
        for li in node:
            if not isinstance(li.tag, str) or _local(li.tag) in _DROP:
                continue
            if _local(li.tag) == "li":
                item = tuple(html_to_blocks(li, language, base_url, figure_hook))
            else:  # a list or paragraph put straight inside the list (common, if invalid) is an item too
                item = tuple(
                    _convert_block(li, _local(li.tag), language, base_url, figure_hook)
                    or html_to_blocks(li, language, base_url, figure_hook)
                )
            if item:
                items.append(item)
        return [ListBlock(tag == "ol", tuple(items))] if items else []
    if tag == "dl":
        items = []
        for child in node:
            if isinstance(child.tag, str) and _local(child.tag) in {"dt", "dd"}:
                text = inline_html(child, language, base_url)
                if text:
                    items.append((Paragraph(f"<strong>{text}</strong>" if _local(child.tag) == "dt" else text),))
        return [ListBlock(False, tuple(items))] if items else []
    if tag == "blockquote":
        inner = tuple(html_to_blocks(node, language, base_url, figure_hook))
        return [Quote(inner)] if inner else []
    if tag == "pre":
        text = strip_controls(preformatted_text(node)).strip("\n")
        return [Preformatted(text)] if text.strip() else []
    if tag == "hr":
        return [Rule()]
    if tag == "table":
        return _convert_table(node, language, base_url, figure_hook)
    if tag in _BLOCK_TAGS or _holds_blocks(node):
        return html_to_blocks(node, language, base_url, figure_hook)
    if figure_hook is not None and _HOLDS_IMAGE(node):
        if len(all_text(node).strip()) < 40:  # a linked photo: <a href><img></a>
            return html_to_blocks(node, language, base_url, figure_hook)
    return None


#: Whether an element holds an image (or a figure): one libxml2 search instead of an ElementPath walk per tag.
_HOLDS_IMAGE = etree.XPath("boolean(.//img | .//picture)")
_HOLDS_FIGURE = etree.XPath("boolean(.//img | .//picture | .//figure)")


#: Elements that code highlighters use for one line of a listing: each ends its line.
_LINE_ELEMENTS = frozenset({"div", "p", "li", "tr"})


def preformatted_text(node) -> str:
    """The text of a ``<pre>`` with its line breaks: a ``<br>`` or a line element ends a line.

    Highlighters and CMSs often write a listing's lines as ``<br>``s or one ``<div>`` per line
    instead of newline characters; joining the text nodes alone glued the last word of one
    line to the first of the next (``python3`` + ``import`` read ``python3import``).
    """
    parts: list[str] = [node.text] if node.text else []
    for child in node:
        _listing_lines(child, parts)
    return "".join(parts)


def _listing_lines(element, parts: list[str]) -> None:
    """Append ``element``'s text to ``parts`` (comments give only their tail), lines ended as ``preformatted_text`` says."""
    name = _local(element.tag) if isinstance(element.tag, str) else ""
    if name == "br":
        parts.append("\n")
    elif name:
        if element.text:
            parts.append(element.text)
        for child in element:
            _listing_lines(child, parts)
        tail = element.tail or ""
        if name in _LINE_ELEMENTS and parts and not parts[-1].endswith("\n") and not tail.startswith("\n"):
            parts.append("\n")
    if element.tail:
        parts.append(element.tail)


_STRUCTURE = ".//p | .//div | .//h1 | .//h2 | .//h3 | .//h4 | .//ul | .//ol | .//table | .//blockquote | .//pre | .//section | .//article | .//figure | .//dl"


def _holds_blocks(node) -> bool:
    """An element is judged by what it holds, not by its tag: a custom element (``<c-wiz>``) or a
    ``<span>``/``<a>`` wrapping paragraphs is a container, so its paragraphs stay paragraphs."""
    return _HOLDS_STRUCTURE(node)


#: ``bool(node.xpath(_STRUCTURE))`` without a Python object made for every match (asked of most inline elements).
_HOLDS_STRUCTURE = etree.XPath(f"boolean({_STRUCTURE})")


#: A ``<figure>`` with this much paragraph text outside its caption wraps an article, not a photo.
FIGURE_TEXT_LIMIT = 400


_MEDIA = ".//img | .//picture | .//video | .//audio | .//svg | .//iframe | .//object | .//embed | .//canvas"


_HOLDS_MEDIA = etree.XPath(f"boolean({_MEDIA})")


def holds_running_text(figure) -> bool:
    """A ``<figure>`` is read as text when it holds no media (a table, a pull quote, code) or
    when some page has put the whole article body inside it."""
    if not _HOLDS_MEDIA(figure):
        return True
    paragraphs = [p for p in figure.iter("p", "li", "h2", "h3") if not any(a.tag == "figcaption" for a in p.iterancestors())]
    return sum(len(all_text(p).strip()) for p in paragraphs) > FIGURE_TEXT_LIMIT


_LAYOUT_INSIDE = (
    ".//table | .//p | .//div | .//h1 | .//h2 | .//h3 | .//ul | .//ol | .//blockquote | .//figure | .//img | .//br/following-sibling::br"
)


_HOLDS_LAYOUT = etree.XPath(f"boolean({_LAYOUT_INSIDE})")


def is_layout_table(node) -> bool:
    """Old pages lay out the whole page with tables; a data table holds short cells and no blocks."""
    if node.get("role") == "presentation":
        return True
    if _HOLDS_LAYOUT(node):
        return True
    cells = node.xpath(".//td | .//th")
    if len(cells) <= 1:
        return True
    return any(len(all_text(c)) > 400 for c in cells)


def _convert_table(node, language: str, base_url: str, figure_hook=None) -> list[Block]:
    if is_layout_table(node):
        blocks: list[Block] = []
        for cell in _layout_cells(node):
            blocks.extend(html_to_blocks(cell, language, base_url, figure_hook))
        return blocks
    header: list[tuple[str, ...]] = []
    rows: list[tuple[str, ...]] = []
    caption = ""
    for element in node.iter():
        tag = _local(element.tag) if isinstance(element.tag, str) else ""
        if tag == "caption":
            caption = inline_html(element, language, base_url)
        if tag != "tr":
            continue
        cells = [c for c in element if isinstance(c.tag, str) and _local(c.tag) in {"td", "th"}]
        values = tuple(inline_html(c, language, base_url) for c in cells)
        in_head = any(_local(a.tag) == "thead" for a in element.iterancestors() if isinstance(a.tag, str))
        if in_head or (cells and all(_local(c.tag) == "th" for c in cells) and not rows):
            header.append(values)
        elif values:
            rows.append(values)
    if not rows and not header:
        return []
    return [Table(tuple(header), tuple(rows), caption)]


def _layout_cells(table) -> list:
    """The cells of this table (not of tables nested in them), in reading order."""
    cells = []
    for row in table.iter("tr"):
        parent = row.getparent()
        if parent is not table and not (parent is not None and parent.tag in {"tbody", "thead", "tfoot"} and parent.getparent() is table):
            continue
        cells.extend(c for c in row if isinstance(c.tag, str) and c.tag in {"td", "th"})
    return cells


#: Void in HTML5 but not to libxml2's HTML 4 parser, which lets them swallow what follows.
_VOID_EMBEDS = ("embed", "source", "track", "wbr")
#: Containers whose content a browser never shows (or shows only as a fallback): left
#: unclosed, libxml2 puts the rest of the article inside them, and it is dropped with them.
_CONTAINER_EMBEDS = ("iframe", "object", "video", "audio")
#: The look-ahead for the names' first letters is the same test, but lets the engine pass over the page's
#: other tags (most of them) without trying the eight names at each: a third less time over a page.
_EMBED_TAG = re.compile(r"<(/?)(?=[estwiova])(embed|source|track|wbr|iframe|object|video|audio)\b[^>]*>", re.I)


def close_embeds(markup: str) -> str:
    """``markup`` with every embed-like element closed, so none can swallow the text after it.

    A void element (``<embed>``, ``<source>``) is closed right after its start tag; an
    ``<iframe>``, ``<object>``, ``<video>`` or ``<audio>`` without a matching end tag is
    closed right after its start tag too (its would-be content is the page that follows).
    """
    if "<" not in markup:
        return markup
    closing_at: dict[int, str] = {}  # position just after a start tag -> the end tag to insert there
    open_tags: dict[str, list[int]] = {tag: [] for tag in _CONTAINER_EMBEDS}
    for match in _EMBED_TAG.finditer(markup):
        is_end, tag = match.group(1), match.group(2).lower()
        if tag in _VOID_EMBEDS:
            if not is_end and not match.group(0).endswith("/>"):
                closing_at[match.end()] = f"</{tag}>"
        elif is_end:
            if open_tags[tag]:
                open_tags[tag].pop()
        else:
            open_tags[tag].append(match.end())
    for tag, positions in open_tags.items():
        for position in positions:
            closing_at[position] = f"</{tag}>"
    if not closing_at:
        return markup
    pieces, last = [], 0
    for position in sorted(closing_at):
        pieces += [markup[last:position], closing_at[position]]
        last = position
    pieces.append(markup[last:])
    return "".join(pieces)


def parse_fragment(markup: str) -> etree._Element:
    """Parse an HTML fragment into a ``div`` element (lenient, never raises on bad markup)."""
    return lxml_html.fragment_fromstring(close_embeds(markup or ""), create_parent="div")


def parse_inline(fragment: str) -> etree._Element:
    """Parse an inline fragment as XML inside a ``div``; raises ``etree.XMLSyntaxError`` when malformed."""
    return etree.fromstring(f"<div>{fragment or ''}</div>", _inline_parser())


_PARSERS = threading.local()


def _inline_parser() -> etree.XMLParser:
    """This thread's parser for inline fragments: one made per call was a third of a fragment's parsing
    (an lxml parser may be reused, one parse after another, but not shared between threads)."""
    parser = getattr(_PARSERS, "inline", None)
    if parser is None:
        parser = _PARSERS.inline = etree.XMLParser(resolve_entities=False, no_network=True)
    return parser


#: Text with no markup, no entity and only characters XML allows (nor ``]]>``, which needs a ``>``):
#: well-formed inside a ``<div>`` without parsing it.
_PLAIN_XML_TEXT = re.compile("[^<>&\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]*")


def fragment_problem(fragment: str) -> str:
    """Why ``fragment`` is not well-formed XHTML (unbalanced tags, unknown entities), or "" when it is."""
    if _PLAIN_XML_TEXT.fullmatch(fragment or ""):  # most of a piece's fragments: plain text, nothing to parse
        return ""
    try:
        parse_inline(fragment)
    except etree.XMLSyntaxError as exc:
        return str(exc.msg or exc).replace("(<string>, line 1)", "").strip()
    return ""


def repair_fragment(fragment: str) -> str:
    """``fragment`` unchanged when well-formed; otherwise re-read leniently and serialised from the tree.

    The lenient HTML parser closes what was left open and drops stray end tags, and the
    result goes through the inline sanitiser again, so it is balanced by construction.
    """
    if not fragment_problem(fragment):
        return fragment
    return inline_html(parse_fragment(fragment), language="")


def split_at_breaks(fragment: str, run: int) -> list[str]:
    """Split an inline fragment at runs of at least ``run`` top-level ``<br/>``, each part balanced.

    Breaks nested inside an inline element (``<span>a<br/><br/>b</span>``) do not split it:
    cutting there would leave one part with an open tag and the other with a stray end tag.
    """
    if "<br/>" not in fragment:
        return [fragment]
    try:
        holder = parse_inline(fragment)
    except etree.XMLSyntaxError:
        return [repair_fragment(fragment)]
    parts: list[list[str]] = [[_escape(holder.text)]]
    breaks: list[str] = []  # breaks (and the blank text between them) not yet placed
    for child in holder:
        if child.tag == "br":
            if "".join(breaks).replace("<br/>", "").strip():  # text since the last break ends that run
                _place_breaks(parts, breaks, run)
            breaks += ["<br/>", _escape(child.tail)]
            continue
        _place_breaks(parts, breaks, run)
        parts[-1] += [etree.tostring(child, encoding="unicode", with_tail=False), _escape(child.tail)]
    _place_breaks(parts, breaks, run)
    return ["".join(part) for part in parts]


def _place_breaks(parts: list[list[str]], breaks: list[str], run: int) -> None:
    """A run of ``run`` or more breaks starts a new part; a shorter one stays in the text."""
    if breaks.count("<br/>") >= run:
        parts.append([breaks[-1]])  # the text after the last break opens the new part
    else:
        parts[-1] += breaks
    breaks.clear()


def _escape(text: str | None) -> str:
    return html.escape(text or "", quote=False)


#: A stray ``<html>``/``<body>`` in a fragment makes libxml2 keep only the first part of it.
_DOCUMENT_TAGS = re.compile(r"</?(html|body)\b[^>]*>", re.I)


def sanitise_inline(fragment: str) -> str:
    """``fragment`` reduced to the inline vocabulary, as the importers reduce a page.

    For inline HTML read back from disk (a ``piece.json`` from someone else): the same
    boundary as at import, but nothing is re-smartened or re-flowed, so a fragment that an
    importer wrote comes back unchanged. Any markup parses (leniently): unclosed or stray
    tags never lose the text around them.
    """
    return sanitise_inline_reporting(fragment)[0]


def sanitise_inline_reporting(fragment: str) -> tuple[str, list[str]]:
    """``sanitise_inline(fragment)`` and what it took out (tags, attributes, unsafe links), named once each."""
    if "<" not in fragment and "&" not in fragment and ">" not in fragment:
        return strip_controls(fragment), []
    root = parse_fragment(_DOCUMENT_TAGS.sub("", fragment))
    removed = _removed_markup(root) if "<" in fragment else []
    out: list[str] = []
    _emit_text(out, root.text, "")
    for child in root:
        _emit_inline(out, child, "", "")
    return "".join(out), removed


def _removed_markup(root: etree._Element) -> list[str]:
    found: dict[str, None] = {}
    for node in root.iterdescendants():
        if not isinstance(node.tag, str):
            continue
        tag = _INLINE_ALIASES.get(_local(node.tag), _local(node.tag))
        if tag not in INLINE_TAGS:
            found[f"<{tag}>"] = None
            continue
        for name, value in node.attrib.items():
            name = _local(name)
            if name not in INLINE_TAGS[tag]:
                found[f"{name}="] = None
            elif name == "href" and not clean_url(value):
                found[f"{urlsplit(value.strip()).scheme or 'unsafe'}: link"] = None
    return list(found)


def unlink_relative(fragment: str) -> str:
    """``fragment`` with links that lead nowhere in a book turned into plain text.

    A saved page's relative links (``/news/other-story``, ``../index.html``) resolve against an
    address bundler does not know; kept, they point inside the EPUB at files that are not there.
    Absolute links and the piece's own ``#`` anchors (note references) stay.
    """
    if "<a " not in fragment:
        return fragment
    root = parse_inline(fragment)
    changed = False
    for link in list(root.iter("a")):
        href = link.get("href")
        if href is not None and not href.startswith("#") and not urlsplit(href).scheme:
            _unwrap(link)
            changed = True
    if not changed:
        return fragment
    return html.escape(root.text or "", quote=False) + "".join(etree.tostring(child, encoding="unicode") for child in root)


def unlink_relative_embeds(blocks: tuple[Block, ...]) -> tuple[Block, ...]:
    """``blocks`` with embeds whose address is relative turned into their title's words (or left out).

    ``<object data="clip.swf">`` or ``<video src="v.mp4">`` in a saved page without a base URL gives
    an embed pointing at a file inside the book that is not there (EPUBCheck RSC-007), as
    ``unlink_relative`` says of links. Embeds inside lists and quotes are reached too.
    """
    kept: list[Block] = []
    for block in blocks:
        if isinstance(block, Embed) and not urlsplit(block.url).scheme:
            title = block.title.strip()
            if title:
                kept.append(Paragraph(html.escape(title, quote=False)))
            continue
        if isinstance(block, Quote):
            block = replace(block, blocks=unlink_relative_embeds(block.blocks))
        elif isinstance(block, ListBlock):
            block = replace(block, items=tuple(unlink_relative_embeds(item) for item in block.items))
        kept.append(block)
    result = tuple(kept)
    return blocks if result == blocks else result


def _unwrap(element) -> None:
    """Replace ``element`` by its content (text, children, tail) in place."""
    parent = element.getparent()
    index = parent.index(element)
    previous = element.getprevious()
    text = element.text or ""
    if previous is not None:
        previous.tail = (previous.tail or "") + text
    else:
        parent.text = (parent.text or "") + text
    children = list(element)
    for offset, child in enumerate(children):
        parent.insert(index + offset, child)
    last = children[-1] if children else (parent[index - 1] if index > 0 else None)
    tail = element.tail or ""
    parent.remove(element)
    if last is not None:
        last.tail = (last.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
