"""Saved web pages: ``page.html`` (+ ``page_files/``), single-file pages, bare HTML.

The steps, in order (each lives in ``bundler.cleaning``):

1. decode the bytes (declared charset, detection, mojibake repair) and parse with lxml;
2. read metadata from the untouched page (JSON-LD, meta tags, ``<time>``, trafilatura);
3. take footnotes out and rewrite their references (``cleaning.notes``);
4. remove page furniture by the data rules (``cleaning.dom``, ``rules/dom.yaml``);
5. locate the article root and convert it to blocks, figures through ``cleaning.figures``;
6. keep the blocks that are the article, with trafilatura's extraction as a second opinion
   (``cleaning.content``);
7. tidy the edges (title repeated, byline and date lines, boilerplate) and set languages.
"""

from __future__ import annotations

import copy
import html as html_lib
import re
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from lxml import etree
from lxml import html as lxml_html

from bundler import __version__
from bundler.cleaning.asides import author_names, drop_author_cards, drop_repeated_links, replace_embed_placeholders
from bundler.cleaning.blocks import clean_url, close_embeds, html_to_blocks, split_at_breaks, text_of
from bundler.cleaning.boilerplate import is_boilerplate
from bundler.cleaning.closing import drop_closing_bio, drop_closing_furniture, drop_doubled_blocks
from bundler.cleaning.completeness import check_body, max_prose_words
from bundler.cleaning.content import (
    Support,
    ancestor_shares,
    block_text,
    coverage,
    drop_code,
    drop_repeated_blocks,
    find_root,
    select_blocks,
    thread_posts,
    trafilatura_text,
)
from bundler.cleaning.dom import (
    drop_boilerplate_text,
    drop_form_boxes,
    drop_furniture,
    drop_invisible,
    drop_link_sections,
    drop_site_rules,
    furniture_words,
    remove,
    text_length,
)
from bundler.cleaning.figures import FigureContext, best_source, normalise_figure_markup
from bundler.cleaning.header_lines import is_byline, is_date_line, is_stamp_line
from bundler.cleaning.measure import Measures
from bundler.cleaning.metadata import PageMeta, read_metadata
from bundler.cleaning.notes import extract_notes
from bundler.cleaning.posts import has_author_lines, tidy_posts
from bundler.cleaning.streamed import reassemble_streamed
from bundler.cleaning.teasers import drop_teaser_tails
from bundler.cleaning.treetext import spaced_text
from bundler.codes import coded
from bundler.errors import ImportError_
from bundler.importers import ImportOptions, Source
from bundler.importers.collector import collected_after
from bundler.importers.limits import read_bounded
from bundler.model import Block, Heading, Paragraph, Piece, Provenance
from bundler.text.dates import parse_date
from bundler.text.encoding import C1_CONTROL, decode_bytes, has_reference_mojibake, looks_binary, repair_c1, repair_mojibake
from bundler.text.language import LanguageChoice, choose_language, direction_of, paragraph_languages, settle_language
from bundler.text.plain import sha256_bytes, slugify, word_count
from bundler.text.typography import normalise_space, smarten

MAX_PAGE_BYTES = 64 * 1024 * 1024
#: An element holding this share of trafilatura's word triples is the article's container.
MAIN_TEXT_SHARE = 0.3
#: ... and so is one whose own text (over 200 characters, not mostly links) trafilatura kept
#: almost all of: a part of the article whatever its class says ("articleWidget"). Links are
#: left to the rules: trafilatura keeps tables of contents and promoted stories too.
MAIN_TEXT_AGREEMENT = 0.8
#: A body holding less than this share of trafilatura's article is read again (see _recover_lost_article).
RECOVERY_SHARE = 0.75
RECOVERY_MIN_TRIGRAMS = 40
#: ... and the recovered body must hold this much more of it (less is trafilatura's own menus and links).
RECOVERY_GAIN = 0.2
#: When recovering, an element (not mostly links) half of whose text trafilatura kept is spared:
#: the blocks read from it are filtered one by one afterwards.
RECOVERY_AGREEMENT = 0.5
#: A root holding less than this share of trafilatura's article is widened (see _wider_root).
ROOT_SHARE = 0.9
#: ... to an ancestor holding at least this much more of it (less is trafilatura's own noise).
WIDER_GAIN = 0.15
#: A ``<noscript>`` with this much text (in paragraphs) is a page's no-JavaScript view, kept as content.
NOSCRIPT_TEXT_MIN = 200
MAX_BLOCKS = 20_000
MAX_MARKUP_CHARS = 6 * 1024 * 1024
#: libxml2's element depth limit without huge_tree: anything deeper is dropped by the parser.
_PARSER_DEPTH = 256
_DATA_URI = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=\s]{1000,}")
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_SAVED_FROM = re.compile(r"<!--\s*(?:saved from url=\(\d+\)|Page saved with SingleFile\s+url:)\s*(https?://\S+?)\s", re.I)


def read_html(path: Path, options: ImportOptions) -> Piece:
    """Import one saved web page."""
    raw = read_bounded(path, MAX_PAGE_BYTES, "pages", "E110", "save the page without embedded media, or split it")
    return read_html_bytes(raw, options, page_dir=path.parent, label=options.source_label or path.name)


def read_html_bytes(
    raw: bytes,
    options: ImportOptions,
    *,
    page_dir: Path | None = None,
    label: str = "",
    url: str = "",
    retrieved: str = "",
    language_choice: LanguageChoice | None = None,
    first_reading: FirstReading | None = None,
) -> Piece:
    """Import a page given as bytes (also used for WARC records); ``page_dir`` holds its local files.

    ``language_choice`` is set only when the page is read again because its main text turned out
    to be in another language than the page around it suggested; ``first_reading`` then carries
    what the first reading found that no language changes."""
    with collected_after():
        return _read_html_bytes(
            raw,
            options,
            page_dir=page_dir,
            label=label,
            url=url,
            retrieved=retrieved,
            language_choice=language_choice,
            first_reading=first_reading,
        )


def _read_html_bytes(
    raw: bytes,
    options: ImportOptions,
    *,
    page_dir: Path | None,
    label: str,
    url: str,
    retrieved: str,
    language_choice: LanguageChoice | None,
    first_reading: FirstReading | None,
) -> Piece:
    if first_reading is None:
        _check_bytes(raw, label)
        text, warnings = decode_bytes(raw, _declared_charset(raw))
        text = _truncate(text, warnings)
    else:
        text, warnings = first_reading.text, list(first_reading.warnings)
    decoded = FirstReading(text, tuple(warnings))
    tree = parse_page(text, label, warnings)
    reassemble_streamed(tree)  # before anything reads the page: the streamed parts are its text
    meta = read_metadata(tree)
    base_url = next((u for u in (meta.url, url, _saved_from(text), options.base_url) if _is_absolute(u)), "")
    body = tree.find(".//body")
    choice = language_choice or choose_language(_sample_text(body), meta.language, forced=options.language)
    language = choice.tag
    notes = _take_notes_and_code(tree, language, base_url)
    prose_bound = max_prose_words(tree)  # before the furniture rules: comments and posts are prose the page shows
    # trafilatura reads the page as it is now (it works on its own copy); the rare steps that need it
    # again after the furniture rules have changed it rebuild it from the text (see UntouchedPage)
    support = Support(trafilatura_text(tree) if first_reading is None else first_reading.second_opinion)
    reference = UntouchedPage(text, label, language, base_url)
    _prepare_dom(tree, base_url, support)
    root = find_root(tree, base_url, support)
    # "Read next" grids after the article (trafilatura keeps them too); a thread's posts are not teasers
    share = None if support.empty else support.share_in
    teasers = [] if root.posts else drop_teaser_tails(tree.find(".//body"), base_url, root.element, share)
    # a thread's user panels and action bars go, each post's author line stays
    judged = list(tidy_posts(thread_posts(root))) + teasers
    context = FigureContext(page_dir=page_dir, base_url=base_url, media_dir=options.media_dir, language=language, damage=options.damage)
    try:
        blocks = _lead_figures(root.element, context) + html_to_blocks(root.element, language, base_url, context.hook)
        blocks, _how = _choose_blocks(blocks, root, support, tree, language, base_url, context)
        blocks, context = _recover_lost_article(blocks, context, support, reference, language, judged, thread=root.posts)
        blocks = drop_repeated_links(drop_repeated_blocks(blocks))
    except RecursionError as exc:
        raise ImportError_("the page is nested too deeply to read", code="E114", file=label, hint="is it a real article page?") from exc
    warnings += context.warnings
    if len(blocks) > MAX_BLOCKS:
        warnings.append(coded("W121", f"page has {len(blocks)} blocks; kept the first {MAX_BLOCKS}"))
        blocks = blocks[:MAX_BLOCKS]
    title = meta.title or _first_heading(blocks) or Path(label).stem
    standfirst = [Paragraph(html_lib.escape(smarten(meta.standfirst, language), quote=False))] if meta.standfirst else []
    # in a thread whose posts got author lines, a line naming the page's author is a post's, first or last
    authored = has_author_lines(root.element)
    blocks = drop_closing_furniture(
        drop_closing_bio(drop_doubled_blocks(tidy_edges(blocks, title, meta, standfirst, authored)), [] if authored else meta.authors)
    )
    if not (options.language or language_choice):
        settled = settle_language(choice, _main_text(blocks), meta.language)
        if settled is not choice:
            again = replace(decoded, second_opinion=support.text)
            return read_html_bytes(
                raw, options, page_dir=page_dir, label=label, url=url, retrieved=retrieved, language_choice=settled, first_reading=again
            )
    warnings += choice.warnings
    blocks = _mark_languages(blocks, language)
    warnings += check_body(blocks, reference.tree, support.text, prose_bound)
    return Piece(
        title=smarten(title, language),
        body=tuple(blocks),
        standfirst=tuple(standfirst),
        authors=tuple(meta.authors),
        date=meta.date,
        source_url=base_url,
        site=meta.site,
        language=language,
        direction=direction_of(language),
        notes=tuple(notes),
        slug=slugify(title, fallback=slugify(Path(label).stem or "piece")),
        provenance=Provenance(
            source_path=label,
            source_sha256=sha256_bytes(raw),
            source_url=base_url,
            retrieved=retrieved,
            importer="html",
            importer_version=__version__,
            warnings=tuple(warnings),
        ),
    )


def _take_notes_and_code(tree, language: str, base_url: str) -> list:
    """Take the footnotes out of the parsed page (returned) and drop its scripts and styles: the page as
    every later step reads it, and as ``UntouchedPage`` rebuilds it."""
    notes, _containers = extract_notes(tree.find(".//body"), language, base_url)
    drop_code(tree)  # trafilatura and every later step ignore it
    return notes


class UntouchedPage:
    """The page as the furniture rules found it, rebuilt from its text only when a step asks for it.

    Two steps read the page again after the rules have changed it: the recovery of a lost article
    (a few pages in a hundred) and the visible-word count of the completeness check (only when a
    warning is possible). A copy of the whole tree taken for them on every page cost about a
    hundredth of an import; parsing the text again on the few pages that ask gives the same page.
    The metadata pass is not repeated: it reads the page and changes nothing in it but one marker
    attribute on a standfirst element (``data-bundler-dek``) that no step reads.
    """

    def __init__(self, text: str, label: str, language: str, base_url: str) -> None:
        self._text, self._label, self._language, self._base_url = text, label, language, base_url
        self._tree = None

    def tree(self):
        """The untouched page, parsed and prepared once (footnotes out, code dropped); callers change a copy only."""
        if self._tree is None:
            tree = parse_page(self._text, self._label)
            reassemble_streamed(tree)
            _take_notes_and_code(tree, self._language, self._base_url)
            self._tree = tree
        return self._tree


@dataclass(frozen=True)
class FirstReading:
    """What a page's first reading found that its language has no part in, kept for a second reading in another one.

    The page text as decoded (with the decoding's warnings) and trafilatura's text of it: the
    tree trafilatura reads is the parsed page with its notes taken out and its code dropped, and
    taking notes out depends on where they are, not on the language their text is smartened
    in. A second reading was a whole second import of the page; these two were most of it.
    """

    text: str
    warnings: tuple[str, ...]
    second_opinion: str = ""


def _check_bytes(raw: bytes, label: str) -> None:
    if not raw.strip():
        raise ImportError_(f"{label or 'page'} is empty", code="E111", file=label, hint="save the page again")
    if looks_binary(raw):
        raise ImportError_(
            f"{label or 'page'} is a binary file, not a web page", code="E112", file=label, hint="give bundler the saved .html file"
        )


def _truncate(text: str, warnings: list[str]) -> str:
    """Keep huge pages workable: markup past MAX_MARKUP_CHARS (not counting data: images) is cut."""
    if len(text) <= MAX_MARKUP_CHARS:
        return text
    embedded = sum(len(m) for m in _DATA_URI.findall(text))
    if len(text) - embedded <= MAX_MARKUP_CHARS:
        return text
    warnings.append(
        coded(
            "W120", f"page has {len(text) // (1024 * 1024)} MB of markup; only the first {MAX_MARKUP_CHARS // (1024 * 1024)} MB were read"
        )
    )
    return text[: MAX_MARKUP_CHARS + embedded]


def _is_absolute(url: str) -> bool:
    """A page's address is only useful as one when it names a scheme and a host (a relative canonical is not)."""
    return bool(url) and bool(clean_url(url)) and readable_address(url) and bool(urlsplit(url).netloc)


def readable_address(value: str) -> bool:
    """False for an address Python's URL functions refuse (``http://[::1``: "Invalid IPv6 URL"), which every later
    ``urlsplit``/``urljoin`` of it would raise as a traceback; such an address is no address at all."""
    try:
        urlsplit(value)
    except ValueError:
        return False
    return True


def _drop_unreadable_addresses(document) -> None:
    """Remove every attribute holding an address (a srcset: any of its candidates) that ``readable_address`` refuses.

    A hostile or broken page's ``<img src="http://[::1/x.png">``, ``<a href="//[zz">`` or
    ``<base href="http://[::1/">`` was a traceback from whichever step first split it (figures,
    links, teasers, the base URL). Only a value holding a bracket can be refused, so other pages
    cost one test per attribute. The link becomes its words and the image a figure without one.
    """
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in list(element.attrib.items()):
            if ("[" in value or "]" in value) and not all(readable_address(part.split()[0]) for part in value.split(",") if part.split()):
                del element.attrib[name]
            elif ("[" in value or "]" in value) and not readable_address(value.strip()):
                del element.attrib[name]


def _saved_from(text: str) -> str:
    """The address a browser or SingleFile noted when saving the page."""
    match = _SAVED_FROM.search(text[:20000])
    return match.group(1) if match else ""


def _declared_charset(raw: bytes) -> str:
    match = _CHARSET.search(raw[:4096])
    return match.group(1).decode("ascii", "replace") if match else ""


#: The element classes of a parsed page: lxml.html's, chosen in C. lxml.html's own lookup is a
#: Python method called for every element proxy made (over a million per hundred pages, by
#: bundler, trafilatura and htmldate walking the tree: a twentieth of an import); it differs
#: only in giving ``<form>``/``<input>``/``<select>``/``<textarea>``/``<label>`` their form-filling
#: classes, which nothing here uses.
_PAGE_CLASSES = etree.ElementDefaultClassLookup(
    element=lxml_html.HtmlElement, comment=lxml_html.HtmlComment, pi=lxml_html.HtmlProcessingInstruction, entity=lxml_html.HtmlEntity
)


#: An HTML reference to a C1 control (``&#157;``, ``&#x9D;``): decoding removed the raw ones, the parser makes these.
_C1_REFERENCE = re.compile(r"&#(?:0*1(?:2[89]|[3-5][0-9])(?![0-9])|[xX]0*[89][0-9a-fA-F](?![0-9a-fA-F]))")


#: An end tag of the body or the document. Written out case by case: a third of the time of ``re.I`` here.
_DOCUMENT_END = re.compile(r"</(?:[bB][oO][dD][yY]|[hH][tT][mM][lL])\s*>")


def reopen_document(text: str) -> str:
    """``text`` without its ``</body>`` and ``</html>`` end tags when page content follows the first one.

    Some site templates close the document early: a header partial ends with ``</body></html>``
    and the article is written after it. A browser (HTML5's "after body" modes) puts whatever
    follows into the body and shows it; libxml2 drops everything after ``</html>`` and hangs what
    follows ``</body>`` beside the body, where no reader of the body looks, so the article was gone
    before any rule could see it and the piece kept only the menus. Neither end tag closes
    anything a reader sees, so without them libxml2 builds the browser's page.
    """
    end = _DOCUMENT_END.search(text)
    if end is None or not _DOCUMENT_END.sub("", text[end.end() :]).strip():
        return text
    return _DOCUMENT_END.sub("", text)


def parse_page(text: str, label: str = "", warnings: list[str] | None = None):
    """Parse page text with lxml (libxml2 limits depth; huge_tree stays off).

    libxml2 drops whatever lies deeper than its depth limit and only notes it in the error
    log, so that note is turned into an error here: refusing the page beats losing text unseen.
    A C1 control the page writes as a reference is repaired in the tree (``_repair_c1_references``), and so is
    mojibake it writes as references (``_repair_reference_mojibake``), with their warnings added to ``warnings``.
    """
    text = close_embeds(reopen_document(re.sub(r"^\s*<\?xml[^>]*>", "", text)))
    parser = lxml_html.HTMLParser(huge_tree=False, remove_comments=True, remove_pis=True)
    parser.set_element_class_lookup(_PAGE_CLASSES)
    try:
        document = lxml_html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise ImportError_(f"{label or 'page'} is not a readable web page ({exc})", code="E113", file=label) from exc
    if any("Excessive depth" in entry.message for entry in parser.error_log):
        raise ImportError_(
            f"the page is nested too deeply to read: text below {_PARSER_DEPTH} levels of elements would be lost",
            code="E114",
            file=label,
            hint="is it a real article page? save it again, or copy its text into a .txt file",
        )
    if document.find(".//body") is None:
        etree.SubElement(document, "body")
    if "[" in text or "]" in text:
        _drop_unreadable_addresses(document)
    if "&#" in text and _C1_REFERENCE.search(text):
        _repair_c1_references(document, [] if warnings is None else warnings)
    if has_reference_mojibake(text):
        _repair_reference_mojibake(document, [] if warnings is None else warnings)
    return document.getroottree()


def _repair_c1_references(document, warnings: list[str]) -> None:
    """Every text, tail and attribute holding a C1 control, repaired as ``repair_c1`` does.

    libxml2 reads ``&#146;`` as ’ (the HTML rule), but the five references cp1252 leaves undefined
    (``&#157;``...) as the control itself, which no font draws: on a page written as entities of
    mojibake (``&acirc;&euro;&#157;`` for ”) it ends a sequence ftfy repairs; otherwise it is dropped.
    """
    for element in document.iter():
        if element.text and C1_CONTROL.search(element.text):
            element.text = repair_c1(element.text, warnings)
        if element.tail and C1_CONTROL.search(element.tail):
            element.tail = repair_c1(element.tail, warnings)
        for name, value in element.attrib.items() if isinstance(element.tag, str) else ():
            if C1_CONTROL.search(value):
                element.set(name, repair_c1(value, warnings))


def _repair_reference_mojibake(document, warnings: list[str]) -> None:
    """Every text, tail and attribute holding mojibake the page wrote as references (``&acirc;&euro;&trade;``,
    read "â€™"), repaired by ftfy as the decoded page's mojibake is (``repair_mojibake``, warning W115). The
    page's decoded text showed no sign of it, so ``decode_bytes`` left it; the parsed text does."""
    for element in document.iter():
        if element.text and not element.text.isascii():
            element.text = repair_mojibake(element.text, warnings)
        if element.tail and not element.tail.isascii():
            element.tail = repair_mojibake(element.tail, warnings)
        for name, value in element.attrib.items() if isinstance(element.tag, str) else ():
            if not value.isascii():
                element.set(name, repair_mojibake(value, warnings))


def _prepare_dom(tree, base_url: str, support: Support | None = None) -> None:
    """Steps 3–4: noscript fallbacks, caption wrappers, furniture rules, link sections, boilerplate.

    ``support`` (trafilatura's text) keeps the furniture rules from removing the element that
    holds the article, whatever its class or tag says.
    """
    for amp in list(tree.iter("amp-img", "amp-anim")):  # AMP pages: <amp-img> is the image
        for child in list(amp):
            remove(child)
        amp.tag = "img"
    for amp in list(tree.iter("amp-iframe", "amp-youtube", "amp-video")):
        if amp.get("data-videoid"):
            amp.set("src", f"https://www.youtube.com/watch?v={amp.get('data-videoid')}")
        amp.tag = "iframe"
    for noscript in list(tree.iter("noscript")):
        _unwrap_noscript(noscript)
    drop_invisible(tree)
    replace_embed_placeholders(tree)
    normalise_figure_markup(tree)
    drop_site_rules(tree, base_url)
    names = author_names(tree.find(".//body"))  # before bylines go: they name the author
    if support is not None and not support.empty:  # the frame is weighed against the second opinion
        drop_form_boxes(tree, _keeper_of(support))
    measures = Measures()  # for this pass only: the tree changes after it
    drop_furniture(tree, holds_main_text=_holder_of(support, measures), measures=measures)
    body = tree.find(".//body")
    drop_link_sections(body)
    drop_author_cards(body, names, _share_holder_of(support))
    drop_boilerplate_text(body)


def _unwrap_noscript(noscript) -> None:
    """A ``<noscript>`` is what a reader without JavaScript sees, as every offline reader is.

    One holding running text (a forum's crawler view, a script-built page's fallback) is read
    as a ``<div>``; otherwise it is kept only for an image the lazy-loading markup beside it lacks.
    """
    parent = noscript.getparent()
    inner_text = noscript.text or ""
    if "<img" in inner_text:  # some parsers keep noscript content as text
        fragment = lxml_html.fragment_fromstring(inner_text, create_parent="span")
        noscript.text = None
        for child in fragment:
            noscript.append(child)
    if parent is not None and text_length(noscript) >= NOSCRIPT_TEXT_MIN and noscript.find(".//p") is not None:
        noscript.tag = "div"
        return
    images = list(noscript.iter("img"))
    if not images or parent is None:
        remove(noscript)
        return
    others = [i for i in parent.iter("img") if noscript not in i.iterancestors()]
    if any(best_source(i) for i in others):
        remove(noscript)
        return
    for other in others:
        remove(other)
    noscript.tag = "span"


def _lead_figures(root, context: FigureContext) -> list[Block]:
    """Figures just before the article body (a lead photo under the headline) belong to it."""
    if not _figure_within_reach(root):  # most pages: no text is measured (each length is a walk of the article)
        return []
    container, root_length = root, text_length(root)
    for _ in range(3):
        parent = container.getparent()
        if parent is None or parent.tag in {"body", "html"} or text_length(parent) > root_length + 800:
            break
        container = parent
        if parent.tag == "article":
            break
    if container is root:
        return []
    inside = set(root.iter())
    blocks: list[Block] = []
    for figure in container.iter("figure"):
        if figure in inside:
            break
        if not any(a.tag == "figure" for a in figure.iterancestors()):
            blocks += context.hook(figure)
    return blocks


def _figure_within_reach(root) -> bool:
    """Whether the widest container ``_lead_figures`` could climb to (its climb, lengths aside) holds a
    figure outside ``root``: a necessary condition for a lead figure, counted by libxml2 without
    measuring any text (the container the lengths allow is never wider than this one)."""
    widest = root
    for _ in range(3):
        parent = widest.getparent()
        if parent is None or parent.tag in {"body", "html"}:
            break
        widest = parent
        if parent.tag == "article":
            break
    return widest is not root and _COUNT_FIGURES(widest) > _COUNT_FIGURES(root)


#: Figures in an element's subtree, itself included (``root.iter("figure")`` counted in C).
_COUNT_FIGURES = etree.XPath("count(descendant-or-self::figure)")


def _holder_of(support: Support | None, measures: Measures, min_chars: int = 200, agreement: float = MAIN_TEXT_AGREEMENT):
    """A test for "this element holds much of the article trafilatura found" (None without one).

    ``measures`` is the furniture pass's own (``drop_furniture(..., measures=)``): the lengths
    and words the test reads are each taken once, and its words split once for both questions.
    """
    if support is None or support.empty:
        return None
    dressing: list = []  # the page's article dress, found once, when a short element first asks (see _holds_kept_lines)

    def holds_long_text(element, measures: Measures = measures) -> bool:
        words = measures.words(element)
        if support.share_of_words(words) >= MAIN_TEXT_SHARE:
            return True
        return support.of_words(words) >= agreement and not measures.is_link_dense(element)

    def article_dress(element) -> frozenset[str]:
        if not dressing:
            dressing.append(_article_dress(element.getroottree().getroot(), holds_long_text))
        return dressing[0]

    def holds_main_text(element) -> bool:
        if measures.text_length(element) <= min_chars:
            return _holds_kept_lines(element, support, measures, article_dress)
        return holds_long_text(element)

    return holds_main_text


def _article_dress(root, holds_long_text) -> frozenset[str]:
    """The furniture words that the page's article wears: those naming an element that holds a long run of its text.

    A page builder names every block a widget, the wrapper of the article's paragraphs too; a page
    whose furniture rules only ever name true furniture has no such word. Measured on the page as it
    stands, with a ``Measures`` of its own (the furniture pass's lengths stay its own)."""
    measures = Measures()
    worn: set[str] = set()
    for element in root.iter():
        if not isinstance(element.tag, str) or not element.keys():
            continue
        words = furniture_words(element)
        if not words or words <= worn or measures.text_length(element) < DRESSING_CHARS:
            continue
        if holds_long_text(element, measures):
            worn |= words
    return frozenset(worn)


def _keeper_of(support: Support):
    """A test for "a good share of trafilatura's article is in this element", however short: a
    short article beside a comment form is, a sign-up box's pitch and consent lines are not (even
    where trafilatura kept them as lines, they are a small share of what it kept)."""
    measures = Measures()
    return lambda element: support.share_of_words(measures.words(element)) >= MAIN_TEXT_SHARE


#: An element held as the article's text this long names the article's dress (see ``_holds_kept_lines``):
#: a wrapper of several paragraphs, not one box that trafilatura kept.
DRESSING_CHARS = 1000
#: A furniture-named element this short is asked whether trafilatura kept it whole (see ``_holds_kept_lines``).
KEPT_LINES_CHARS = 200


def _holds_kept_lines(element, support: Support, measures: Measures, article_dress) -> bool:
    """Whether ``element``, too short to be weighed by its words, is text trafilatura kept whole, as lines of
    their own, under a name that the page's article wears too.

    Page builders wrap each heading and each paragraph of an article in a block of its own whose class
    names it a widget ("elementor-widget-heading", "elementor-widget-text-editor"), as they name the
    sidebar's; the wrappers of the article's paragraphs and the long paragraphs are spared as the
    article's text (``holds_main_text``), but a heading, a short paragraph or a short list went as
    furniture. One that trafilatura kept whole, each of its lines one of trafilatura's lines, named only
    by words that the article's own wrappers wear (``article_dress(element)``, see ``_article_dress``),
    is the article's. A phrase found only inside one of trafilatura's sentences is not, nor a block of
    links, nor a box named by a word no wrapper of the article wears (a "promo" card, a "banner" that
    trafilatura kept too).
    """
    if not 0 < measures.text_length(element) <= KEPT_LINES_CHARS or measures.is_link_dense(element):
        return False
    named = furniture_words(element)
    return bool(named) and support.has_lines(measures.words(element)) and named <= article_dress(element)


def _share_holder_of(support: Support | None):
    """A test for "this element holds a good share of trafilatura's article" (None without one)."""
    if support is None or support.empty:
        return None
    return lambda element: support.share_in(spaced_text(element)) >= MAIN_TEXT_SHARE


def _choose_blocks(blocks, root, support: Support, tree, language, base_url, context) -> tuple[list[Block], str]:
    """Step 6: keep the blocks trafilatura agrees with, or switch to the whole body when the root misses."""
    if support.empty:
        return select_blocks(blocks, None, True), f"root {root.how}; no second opinion"
    trusted = root.strength == "strong" or (root.strength == "medium" and coverage(blocks, support) >= 0.6)
    # a thread of posts keeps its head: trafilatura often drops the first post, the question
    chosen = (
        select_blocks(blocks, support, trusted, keep_head=root.posts),
        f"root {root.how}; {'trimmed' if trusted else 'filtered'} by trafilatura",
    )
    if root.strength == "weak":  # the body, filtered already and never widened: its share of the article is not asked
        return chosen
    found_in_root = support.share_in(spaced_text(root.element))
    if found_in_root < ROOT_SHARE:
        wider = _wider_root(root.element, support, found_in_root)
        if wider is not None:
            widened = select_blocks(html_to_blocks(wider, language, base_url, context.hook), support, False)
            # a wider root holds more of the article: one whose filtered blocks hold less of it than the
            # root's own replaced the article with a shorter part that agrees better (a lead, not a list)
            # a thread's posts, found by structure, are never traded for a shorter box trafilatura read (see
            # _recover_lost_article): a wider root may add to them (a question above), not replace them
            if (
                _agreement(widened, support) > _agreement(chosen[0], support)
                and _share(widened, support) >= _share(chosen[0], support)
                and not (root.posts and _words(widened) < _words(chosen[0]))
            ):
                return widened, f"{wider.tag} filtered by trafilatura (root {root.how} missed part)"
    return chosen


def _words(blocks: list[Block]) -> int:
    """The blocks' words: what a thread's posts are weighed by against a reading that would replace them."""
    return word_count(" ".join(block_text(b) for b in blocks))


def _agreement(blocks: list[Block], support: Support) -> float:
    return support.agreement(" ".join(block_text(b) for b in blocks))


def _share(blocks: list[Block], support: Support) -> float:
    """How much of trafilatura's article the blocks hold (``Support.share_of_texts``)."""
    return support.share_of_texts([block_text(b) for b in blocks])


def _wider_root(element, support: Support, share: float):
    """The nearest ancestor that holds clearly more of trafilatura's article than ``element``.

    A root found by markup (an ``<article>``, a content class) sometimes holds only part of
    the article: the lead and the body sit in sibling containers. Its ancestors are weighed by
    how much of the article they hold, and the smallest one close to the best is returned.
    """
    weighed = [(a, share) for a, share in ancestor_shares(element, support) if a.tag != "html"]
    ancestors, shares = [a for a, _ in weighed], [share for _, share in weighed]
    if not shares or max(shares) < share + WIDER_GAIN:
        return None
    best = max(shares)
    return next(a for a, s in zip(ancestors, shares, strict=True) if s >= best - 0.02)


def _recover_lost_article(
    blocks, context: FigureContext, support: Support, reference: UntouchedPage, language: str, judged=(), thread: bool = False
):
    """When the rules kept far less of the article than trafilatura found, they failed on this page.

    The page is read again from its untouched copy, the furniture rules now sparing every
    element, however small, half of whose text trafilatura kept (many small widgets can hold
    an article between them), and its blocks are filtered by trafilatura's text; the recovered
    body replaces the first when it agrees better with trafilatura's. Better a line of
    furniture than an article silently lost.

    ``judged`` is the text the rules dropped as furniture on purpose (a thread's member panels,
    ``cleaning.posts``; teaser cards after the article, ``cleaning.teasers``, dropped again from the
    fresh copy unless the root is a ``thread``): trafilatura often keeps it, but it is not article text lost.

    A ``thread`` (posts of one kind side by side, found by structure) is replaced only by a reading
    at least as long: trafilatura leaves comments and replies out and often takes a box above the
    posts for the article (a forum's "discussion overview"), which agrees with it better than the
    posts ever can, and the reading filtered by it kept that box alone.
    """
    if support.empty or len(support.trigrams) < RECOVERY_MIN_TRIGRAMS:
        return blocks, context
    kept = support.share_of_texts([block_text(b) for b in blocks] + list(judged))
    if kept >= RECOVERY_SHARE:
        return blocks, context
    tree = copy.deepcopy(reference.tree())
    drop_invisible(tree)
    normalise_figure_markup(tree)
    measures = Measures()
    holder = _holder_of(support, measures, min_chars=0, agreement=RECOVERY_AGREEMENT)
    drop_furniture(tree, holds_main_text=holder, measures=measures)
    body = tree.find(".//body")
    if not thread:
        drop_teaser_tails(body, context.base_url, article_share=support.share_in)
    fresh = FigureContext(
        page_dir=context.page_dir, base_url=context.base_url, media_dir=context.media_dir, language=language, damage=context.damage
    )
    candidate = select_blocks(html_to_blocks(body, language, context.base_url, fresh.hook), support, False)
    gained = support.share_of_texts([block_text(b) for b in candidate]) - kept
    if gained >= RECOVERY_GAIN and _agreement(candidate, support) > _agreement(blocks, support):
        if thread and _words(candidate) < _words(blocks):
            return blocks, context
        return candidate, fresh
    return blocks, context


def tidy_edges(blocks: list[Block], title: str, meta: PageMeta, standfirst: list[Paragraph], posts: bool = False) -> list[Block]:
    """Step 7: drop the repeated title and standfirst, byline/date lines, and boilerplate blocks.

    In a thread whose posts were given author lines (``posts``, ``cleaning.posts``) the line naming the
    page's author is the first post's author line, kept as every other post's is."""
    title_key = _key(title)
    stand_key = _key(" ".join(text_of(p.html) for p in standfirst))
    author_keys = set() if posts else {_key(a) for a in meta.authors}
    header_lines = _HeaderLines(blocks)
    kept: list[Block] = []
    for index, block in enumerate(blocks):
        if isinstance(block, Paragraph) and index < HEADER_BLOCKS and "<br/>" in block.html:
            lines = [
                line for line in split_at_breaks(block.html, 1) if not _is_header_line(text_of(line), title_key, author_keys, header_lines)
            ]
            if not lines:
                continue
            block = Paragraph("<br/>".join(lines), block.lang)
        if isinstance(block, (Paragraph, Heading)):
            text = normalise_space(text_of(block.html))
            key = _key(text)
            near_top = index < HEADER_BLOCKS
            if not key:
                continue
            if key == title_key and near_top:
                continue
            if stand_key and (key == stand_key or (near_top and len(key) > 20 and key in stand_key)):
                continue
            if near_top and _is_byline_or_date(text, key, author_keys, header_lines):
                continue
            if is_boilerplate(text):
                continue
        kept.append(block)
    while kept and isinstance(kept[-1], Heading):
        kept.pop()
    return kept


def _is_header_line(text: str, title_key: str, author_keys: set[str], header_lines: _HeaderLines) -> bool:
    text = normalise_space(text)
    key = _key(text)
    return not key or key == title_key or _is_byline_or_date(text, key, author_keys, header_lines)


def _is_byline_or_date(text: str, key: str, author_keys: set[str], header_lines: _HeaderLines) -> bool:
    """A byline or a date line over the article, in any language (``cleaning.header_lines``: "By Jane Doe",
    "Par Claire Dubois", "Publié le 12 janvier 2024 à 10h32"). A date line counts only when ``header_lines``:
    on a page of posts each post's date line is the reader's; so does a stamp holding a date ("Publié le 12 mai
    2024"). A stamp without one ("Updated 3 hours ago", ``is_stamp_line``) goes on any page."""
    if key in author_keys or is_byline(text) or parse_date(text):
        return True
    if is_date_line(text):
        return header_lines.hold()
    return is_stamp_line(text)


class _HeaderLines:
    """Whether a date line at the top of ``blocks`` counts as the article's header line: ``not _dated_further_down``,
    asked of the blocks the first time a date line at the top needs it (most pages have none: the whole body
    was read for every page), then remembered. ``tidy_edges`` reads ``blocks`` as they were given, and the
    answer depends on them alone, so it is the one the body gave before."""

    def __init__(self, blocks: list[Block]) -> None:
        self._blocks = blocks
        self._counts: bool | None = None

    def hold(self) -> bool:
        if self._counts is None:
            self._counts = not _dated_further_down(self._blocks)
        return self._counts


#: The blocks at the top of a body where a byline and a date line are looked for (``tidy_edges``).
HEADER_BLOCKS = 6


def _dated_further_down(blocks: list[Block]) -> bool:
    """Whether a paragraph below the top of the body is a date line too: then the body is posts (a thread,
    a comment page), each under its own date and name, and the first post's header line is the reader's as
    much as the others'. An article prints its date once, over the story."""
    return any(
        isinstance(b, Paragraph) and len(b.html) < _DATE_LINE_MARKUP and is_date_line(text_of(b.html)) for b in blocks[HEADER_BLOCKS:]
    )


#: Markup longer than this is no date line (whose text is at most 80 characters): not read.
_DATE_LINE_MARKUP = 1000


def _mark_languages(blocks: list[Block], language: str) -> list[Block]:
    """A paragraph in another language than the piece (by detection if long, by script if short) gets its own ``lang``;
    the page's paragraphs are judged together, in one pass of the detector."""
    unmarked = [index for index, block in enumerate(blocks) if isinstance(block, Paragraph) and not block.lang]
    others = paragraph_languages([text_of(blocks[index].html) for index in unmarked], language)
    marked = list(blocks)
    for index, other in zip(unmarked, others, strict=True):
        if other:
            marked[index] = Paragraph(blocks[index].html, other)
    return marked


def _key(text: str) -> str:
    return _NOT_WORD.sub("", text.lower())


_NOT_WORD = re.compile(r"\W+")


def _first_heading(blocks: list[Block]) -> str:
    return next((text_of(b.html) for b in blocks if isinstance(b, Heading)), "")


_SAMPLE_LENGTH = 5000  # characters of a page's text handed to language detection (which reads fewer still)


def _sample_text(body) -> str:
    """Text to judge the page's language by: its paragraphs (menus and footers are often in English),
    or the whole body when the paragraphs say too little."""
    if body is None:
        return ""
    paragraphs = normalise_space(" ".join(_leading_paragraphs(body)))
    return paragraphs[:_SAMPLE_LENGTH] if len(paragraphs) >= 400 else normalise_space(spaced_text(body))[:_SAMPLE_LENGTH]


def _leading_paragraphs(body) -> list[str]:
    """The text of the body's paragraphs, in order, up to the first that brings their spaced-out text past
    ``_SAMPLE_LENGTH`` characters: the sample's first characters are the same as with all of them.

    The paragraphs are joined with a space, so the spaced-out text of the first ones is the start of the
    spaced-out text of all of them (a long page read every paragraph for the first 5000 characters)."""
    parts: list[str] = []
    length, next_check = 0, _SAMPLE_LENGTH
    for paragraph in body.iter("p"):
        parts.append(spaced_text(paragraph))
        length += len(parts[-1]) + 1
        if length > next_check:  # spacing out only shortens a text: not before it could be long enough
            if len(normalise_space(" ".join(parts))) > _SAMPLE_LENGTH:
                break
            next_check = 2 * length  # white space was most of it: look again when the text has doubled
    return parts


def _main_text(blocks: list[Block]) -> str:
    """The article's running text (its first few thousand characters), to settle its language on."""
    parts: list[str] = []
    for block in blocks:
        if isinstance(block, (Paragraph, Heading)) and sum(map(len, parts)) < 5000:
            parts.append(text_of(block.html))
    return " ".join(parts)


def _looks_like_html(head: bytes) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in start[:1024] or b"<body" in start[:2048]


SOURCES = {
    "html": Source(
        read=read_html,
        suffixes=(".html", ".htm", ".xhtml", ".shtml"),
        sniff=_looks_like_html,
        description="saved web pages (page.html + page_files/, single-file pages, bare HTML)",
    ),
}
