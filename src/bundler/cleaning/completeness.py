"""Did the import keep the article the page shows? The check that catches a silently emptied page.

About one real page in ten came out as a title with no body (a consent wall, an article
loaded by script, a root element that missed the text), and nothing said so until a build
printed it among a hundred image notes. For a dossier kept as evidence that is the worst
failure there is, so the HTML importer measures what it kept against what the page shows,
records ``W130``/``W131`` on the piece, and ``bundler import`` refuses such a page unless
``--allow-empty`` is given.

A body can also be a small part of what the page has to read without trafilatura seeing more:
a thread whose posts are marked as comments (trafilatura's reading leaves comments out too),
or a link post whose only prose is its replies. Such a piece is imported, but with ``W134``,
which measures the body against the page's prose (its paragraphs of sentences), so it is never
a stub kept in silence.
"""

from __future__ import annotations

from lxml import etree

from bundler.cleaning.content import block_text, trafilatura_text
from bundler.codes import coded
from bundler.model import Block
from bundler.text.plain import word_count

#: A body with less than this share of the words trafilatura finds in the article is "far smaller".
MIN_SHARE = 0.15
#: trafilatura "found a real article" when its extraction has more words than this.
REAL_ARTICLE_WORDS = 150
#: A ``<p>`` is prose when it has at least this many words, no more than half of them link text.
PROSE_PARAGRAPH_WORDS = 8
#: A body with less than this share of the page's prose is ``W134`` ...
MIN_PROSE_SHARE = 0.15
#: ... on a page with at least this many words of prose (a page of short captions is not judged).
MIN_PROSE_WORDS = 200
#: Elements whose text a reader never sees.
_INVISIBLE = "script", "style", "noscript", "template"
_VISIBLE_TEXT = "//body//text()[not(ancestor::*[" + " or ".join(f"self::{tag}" for tag in _INVISIBLE) + "])]"
_NOT_CODE = "[not(parent::script or parent::style)]"
_ALL_TEXT = etree.XPath("descendant::text()" + _NOT_CODE, smart_strings=False)
#: The text nodes inside invisible elements under the context element (each once, however nested).
_INVISIBLE_TEXT = etree.XPath(
    "descendant::*[" + " or ".join(f"self::{tag}" for tag in _INVISIBLE) + "]/descendant::text()" + _NOT_CODE, smart_strings=False
)


_PARAGRAPHS = etree.XPath("//body//p[not(ancestor::p)]")
_PARAGRAPH_TEXT = etree.XPath("//body//p//text()", smart_strings=False)
_TEXT_NODES = etree.XPath("descendant::text()", smart_strings=False)
_LINK_TEXT = etree.XPath("descendant::a//text()", smart_strings=False)


def body_problem(kept: int, visible: int, extracted: int | None) -> str:
    """The coded warning for a body of ``kept`` words, or "" when the body is plausibly the article.

    Empty is always a problem (``W130``). Far smaller (``W131``) needs a second opinion,
    because a page's visible text includes menus, comments and link lists, and a short
    news brief on a busy page is legitimately a small share of it: so the body is judged
    against trafilatura's extraction (``extracted`` words, ``None`` when not asked), and
    only when trafilatura found a real article (more than REAL_ARTICLE_WORDS words) of which
    the body kept less than MIN_SHARE. ``visible`` is the page's visible word count, told
    to the user so they can judge.
    """
    if kept == 0:
        return coded("W130", f"no article text found on the page: 0 words kept of ~{visible:,} visible")
    if extracted is not None and extracted > REAL_ARTICLE_WORDS and kept < MIN_SHARE * extracted:
        return coded(
            "W131",
            f"the article body is far smaller than the page: {_words(kept)} kept of ~{visible:,} visible"
            f" (trafilatura found an article of {extracted:,} words)",
        )
    return ""


def title_only_problem(body, standfirst, kind: str) -> list[str]:
    """``W130`` for a text or Markdown file that gave a title and nothing else (a heading alone, a comment).

    The HTML importer measures its body against the page; a file written by hand has no page to
    measure against, but a piece with nothing under its title is the same silent loss, and
    ``bundler import`` refuses it the same way (E115, unless ``--allow-empty``).
    """
    if body or standfirst:
        return []
    return [coded("W130", f"no article text found: the {kind} file holds a title and nothing under it")]


def check_body(blocks: list[Block], page, extracted_text: str | None = None, prose_bound: int | None = None) -> list[str]:
    """Warnings for an imported body that is empty or far smaller than the page's article.

    ``page`` is the parsed page before furniture was removed, or a function that returns it
    (called only when its visible words are counted: the importer rebuilds the page for it);
    ``extracted_text`` is trafilatura's extraction when the importer already has it. Otherwise
    trafilatura is asked only when the body is small beside the page's visible text.
    ``prose_bound`` (``max_prose_words`` of that page) asks for the prose check too
    (``W134``), when neither of the others warned.
    """
    kept = word_count(" ".join(block_text(b) for b in blocks))
    if kept and extracted_text is not None and not _could_be_far_smaller(kept, word_count(extracted_text)):
        return prose_problems(kept, page, prose_bound)  # the visible words could not make a warning: not counted
    if callable(page):
        page = page()
    visible = visible_words(page)
    extracted = None
    if kept and visible > REAL_ARTICLE_WORDS and kept < MIN_SHARE * visible:
        extracted = word_count(extracted_text if extracted_text is not None else trafilatura_text(page))
    problem = body_problem(kept, visible, extracted)
    return [problem] if problem else prose_problems(kept, page, prose_bound)


def prose_problems(kept: int, page, prose_bound: int | None) -> list[str]:
    """``W134`` when a body of ``kept`` words (not 0) is a small share of the prose the page shows.

    trafilatura cannot be the second opinion here: where bundler lost the text it usually did
    too (a thread of comment-classed posts, a link post whose prose is all replies). The page's
    prose is the words of its paragraphs of sentences (``prose_words``); menus, link lists and
    captions are not prose, so a kept article is most of it, and comments five times longer than
    the article are the one common case that warns while the piece is right, which the message says.
    ``prose_bound`` bounds the prose from above (``max_prose_words``), so the page (rebuilt by
    ``page()`` when it is a function) is measured only on the few pages where a warning is possible.
    """
    if not kept or prose_bound is None or not _could_be_a_small_share(kept, prose_bound):
        return []
    prose = prose_words(page() if callable(page) else page)
    if not _could_be_a_small_share(kept, prose):
        return []
    return [
        coded(
            "W134",
            f"the article body holds {_words(kept)} of the ~{prose:,} words of prose the page shows"
            " (its paragraphs of 8+ words): posts, comments or a second story may have been left out",
        )
    ]


def _could_be_a_small_share(kept: int, prose: int) -> bool:
    return prose >= MIN_PROSE_WORDS and kept < MIN_PROSE_SHARE * prose


def max_prose_words(page) -> int:
    """The most words the page's ``<p>`` elements can hold: one libxml2 call, the bound ``prose_problems`` needs.

    A text node of n characters holds at most (n + 1) // 2 words (a word and a space per two), and
    a paragraph's nodes are joined by spaces, so words never run across them. Taken on every page
    as parsed, before the furniture rules remove the comments and menus whose paragraphs count as
    prose; ``prose_words`` costs five times as much (a call per paragraph) and is asked for only
    when this bound lets a warning through (a page in forty).
    """
    return sum(len(text) + 1 for text in _PARAGRAPH_TEXT(page)) // 2


def prose_words(page) -> int:
    """Words in the page's paragraphs of prose: each ``<p>`` of PROSE_PARAGRAPH_WORDS or more words, at most half of them links.

    A post, a comment, a story's paragraph is a ``<p>`` of sentences almost everywhere; a menu,
    a link list, a card's one-line excerpt or a caption is not. Text outside ``<p>`` (a forum
    that breaks its posts with ``<br>``) is not counted, so such a page is never warned about.
    Each text node holds at most (its length + 1) // 2 words, so ``max_prose_words`` bounds this.
    """
    total = 0
    for paragraph in _PARAGRAPHS(page):
        words = word_count(" ".join(_TEXT_NODES(paragraph)))
        if words >= PROSE_PARAGRAPH_WORDS and 2 * word_count(" ".join(_LINK_TEXT(paragraph))) <= words:
            total += words
    return total


def _could_be_far_smaller(kept: int, extracted: int) -> bool:
    """Whether a body of ``kept`` words (not 0) can be ``W131`` beside trafilatura's ``extracted`` words.

    ``body_problem`` warns about a body that is not empty only when trafilatura found a real
    article of which it kept less than MIN_SHARE, whatever the page shows; so when trafilatura's
    text is at hand and this is false, the page's visible words (a walk over the whole untouched
    page, a tenth of the importer's own work) are not needed and the answer is no warning.
    """
    return extracted > REAL_ARTICLE_WORDS and kept < MIN_SHARE * extracted


def visible_words(page) -> int:
    """Words in the page's ``<body>`` that a reader sees (no script, style, noscript or template).

    Counted as the body's words less those inside invisible elements (words never run across
    text nodes, so the counts add up), both gathered by libxml2 and leaving out the text right
    inside a ``<script>`` or ``<style>`` (invisible on both sides, and most of a page's
    characters): the XPath that says it in one go (``_VISIBLE_TEXT``) tests every text node's
    ancestors and cost a tenth of an import, and a Python walk over the elements cost half as
    much again; it is still used for the odd page with more than one ``<body>``.
    """
    bodies = page.xpath("//body")
    if len(bodies) != 1:
        return word_count(" ".join(page.xpath(_VISIBLE_TEXT)))
    return word_count(" ".join(_ALL_TEXT(bodies[0]))) - word_count(" ".join(_INVISIBLE_TEXT(bodies[0])))


def _words(count: int) -> str:
    return f"{count:,} word" + ("" if count == 1 else "s")
