"""trafilatura's readability comparison skipped in bundler's own call where it cannot change the text.

bundler asks ``trafilatura.extract`` for a second opinion (``content.trafilatura_text``). After its
own extraction trafilatura runs a readability-lxml fork on a copy of the page and takes that
reading instead only when ``_prefer_readability`` says so; in the balanced (and precision) focus
that needs the readability text to be *longer* than half of trafilatura's own (``len_text > 2 *
len_algo`` is a refusal), and either longer than twice it or, when trafilatura's body has no
paragraph text or more tables than paragraphs, longer than ``2 * min_extracted_size``.

The readability text has an upper bound known before it runs: readability only drops nodes and
moves text in document order into new ``<p>`` elements (it never adds a space), so its text is the
page's text with characters deleted, and ``trim`` (spaces collapsed) never lengthens a text by
deleting characters from it. Scripts and styles are dropped first. What it can add: ``VIDEO`` in a
video ``<iframe>`` (5 characters and a space), and the HTML parser that reads its XML output back
keeps ``&amp;``/``&lt;``/``&gt;`` unescaped inside raw-text elements (4 more characters each). When
that bound already makes ``_prefer_readability`` false, readability is given an empty page (a
reading of length 0, which it refuses the same way) and trafilatura's copy of the page for it is
not made. Everything after (the jusText check on trafilatura's own body) is unchanged, so the
result is the same text, element for element.

The gate is installed only on the trafilatura version it was read from (``GATED_VERSION``, the one
pinned in requirements.lock); on any other version bundler makes the normal call. It acts only on
a call whose extraction options are a ``GatedExtractor`` (``bundler_options()``: the settings
bundler's call has always used, marked by their class), so the mark travels with the call, in
the open: ``trafilatura.extract`` called by anyone else runs as published. trafilatura's recall
retry (a copy of the options with ``focus == "recall"``) is never gated.

Installed with it, on the same version: trafilatura's two raw-tree prunes asked only where an id or
class on the page can match them (in the marked call only, ``_cued_sequence``), and jusText's stop
words read from the user's cache instead of built again in each process (for whichever call first
runs jusText: the same words, ``_install_stoplist``), and ``OVERALL_DISCARD_XPATH`` answered in Python
in the marked call (``overall_discard``: the same elements).
"""

from __future__ import annotations

import re
from copy import copy
from functools import cache
from importlib import metadata

from lxml import etree, html

#: The trafilatura whose ``_extract_and_compare`` / ``compare_extraction`` / ``_prefer_readability``
#: the bound above was read from (trafilatura/core.py, external.py, readability_lxml.py).
GATED_VERSION = "2.3.1"

#: The page's text as libxml2 joins it (every text node, comments' and processing instructions' left out).
_TEXT = etree.XPath("string()")
#: Elements whose text the HTML parser does not unescape when it reads readability's XML back (iframes too).
_RAW_TEXT = ("xmp", "plaintext", "noembed", "noframes", "noscript", "iframe", "noxss", "textarea", "title")
_P_TEXT = etree.XPath(".//p//text()")

_state: dict = {"installed": None}  # None: not tried yet; then True or False
#: How many times the gate skipped readability and let it run, for tests and measurements (and how
#: many raw-tree prunes the cues skipped and let run, see ``_cued_sequence``, and how many pages had
#: trafilatura's own copy cleaned in place, ``_prepare_own_copy``).
counts = {"skipped": 0, "ran": 0, "prunes_skipped": 0, "prunes_ran": 0, "own_copy": 0}


def gate_applies(version: str | None = None) -> bool:
    """Whether the gate fits the trafilatura installed (or ``version``)."""
    if version is None:
        try:
            version = metadata.version("trafilatura")
        except metadata.PackageNotFoundError:
            return False
    return version == GATED_VERSION


def install() -> bool:
    """Put the gate in front of trafilatura's comparison (and the prune cues, the stored stop words) once;
    False (nothing changed) on another version."""
    if _state["installed"] is None:
        _state["installed"] = False
        if gate_applies():
            from trafilatura import core

            original = core._extract_and_compare
            if getattr(original, "bundler_gate", False):
                _state["installed"] = True
            elif _matches_reading(core):
                core._extract_and_compare = _gated(original, core)
                core.trafilatura_sequence = _cued_sequence(core.trafilatura_sequence, core)
                _install_stoplist()
                _install_overall_discard()
                _state["installed"] = True
    return _state["installed"]


def _install_overall_discard() -> None:
    """``OVERALL_DISCARD_XPATH`` answered in Python in the marked call (``overall_discard``: the same elements)."""
    from trafilatura import main_extractor, xpaths

    from bundler.cleaning import overall_discard

    overall_discard.install(main_extractor, xpaths, is_marked)


def _matches_reading(core) -> bool:
    """The names the gate calls are there (a patched or repackaged trafilatura is left alone)."""
    from trafilatura import external

    return (
        all(callable(getattr(core, name, None)) for name in ("extract_content", "compare_extraction", *_SEQUENCE_CALLS))
        and all(hasattr(core, name) for name in _SEQUENCE_NAMES)
        and callable(getattr(external, "_prefer_readability", None))
    )


def bundler_options():
    """The extraction options of bundler's own call, marked for the gate; None where the gate is not installed.

    The same settings ``trafilatura.extract(root, include_comments=False, include_tables=True,
    deduplicate=False)`` builds for itself (every other keyword at its default), so passing them
    as ``options=`` reads the page the same way. Built once: trafilatura never changes the options
    it is given (its recall retry works on a copy), so one object serves every call.
    """
    return _marked_options() if install() else None


def bundler_options_for(root):
    """``bundler_options()`` for one call on ``root`` (the element bundler passes), or None where the gate is not installed.

    A copy of the shared options that also names ``root`` (``bundler_page``), so that trafilatura's
    sequence in bundler's call can read the page from it instead of copying its own copy once
    more (see ``_cued_sequence``). The shared options are left as they were.
    """
    shared = bundler_options()
    if shared is None:
        return None
    options = copy(shared)
    options.bundler_page = root
    return options


@cache
def _marked_options():
    from trafilatura.settings import Extractor

    class GatedExtractor(Extractor):
        """trafilatura's options, marked as bundler's own call (the readability gate acts on these only).

        ``bundler_page``: the element bundler passed to ``trafilatura.extract`` (None on the shared options)."""

        __slots__ = ("bundler_page",)

    options = GatedExtractor(comments=False, tables=True, dedup=False)
    options.bundler_page = None
    return options


def is_marked(options) -> bool:
    """Whether ``options`` are bundler's own (a ``GatedExtractor``, or a copy of one)."""
    return isinstance(options, type(_marked_options()))


def _gated(original, core):
    def extract_and_compare(cleaned_tree, cleaned_tree_backup, tree, options):
        if not is_marked(options) or options.fast or options.focus == "recall":
            return original(cleaned_tree, cleaned_tree_backup, tree, options)
        # trafilatura's _extract_and_compare (2.3.1), with readability's copy of the page made only when it counts
        postbody, temp_text = core.extract_content(cleaned_tree, options)
        if readability_cannot_count(tree, postbody, len(temp_text), options.min_extracted_size):
            counts["skipped"] += 1
            return core.compare_extraction(cleaned_tree_backup, _empty_page(), postbody, temp_text, options)
        counts["ran"] += 1
        return core.compare_extraction(cleaned_tree_backup, copy(tree), postbody, temp_text, options)

    extract_and_compare.bundler_gate = True
    return extract_and_compare


def readability_bound(tree) -> int:
    """The longest text (after ``trim``) readability's summary of ``tree`` can have.

    The whole page's text, spaces collapsed, less the characters other than spaces of its scripts
    and styles (readability drops them: deleting characters never adds a gap between words, so the
    collapsed length falls by at least those), plus what readability and the parser can add.
    """
    root = tree.getroot() if hasattr(tree, "getroot") else tree
    length = len(" ".join(_TEXT(root).split()))
    code = sum(len("".join(element.text.split())) for element in root.iter("script", "style") if element.text)
    added = 0
    for element in root.iter(*_RAW_TEXT):
        if element.tag == "iframe":
            added += 6  # VIDEO and a space
        added += 4 * sum(text.count("&") + text.count("<") + text.count(">") for text in element.itertext())
    return length - code + added


def readability_cannot_count(tree, body, len_text: int, min_extracted_size: int) -> bool:
    """True when no readability text of ``tree`` could make trafilatura 2.3.1's ``_prefer_readability`` true.

    Refused there: a length of 0 or ``len_text``, or one that ``len_text`` exceeds twice. Taken
    (balanced focus): ``len_text == 0``, a length above twice ``len_text``, or one above twice
    ``min_extracted_size`` when ``body`` is structurally deficient.
    """
    if len_text == 0:
        return False
    bound = readability_bound(tree)
    if len_text > 2 * bound:
        return True
    if bound > 2 * len_text:
        return False
    deficient = not _P_TEXT(body) or len(body.findall(".//table")) > len(body.findall(".//p"))
    return not deficient or bound <= 2 * min_extracted_size


def _empty_page():
    """A page readability reads as nothing (no candidate, an empty body: length 0)."""
    return html.document_fromstring("<html><body></body></html>")


# trafilatura_sequence (trafilatura 2.3.1, core.py) in bundler's call, its two raw-tree prunes asked only where they can match.
#
# Before anything else trafilatura prunes the page with two XPath lists (``RAW_TREE_PRUNE_XPATH``: infinite-scroll
# and "mvp-post-add" containers, elementor share buttons; ``REMOVE_COMMENTS_AND_LISTS_XPATH``: comment sections),
# each ``re:test``-ing the id and class of every div, section, aside, list: a Python call per attribute, ~7 ms a
# page, and on most pages neither selects anything. An element is selected only when its id or class matches one
# of the expressions below, so when no id or class on the page does (searched in one joined text: ``^`` taken at
# each value's start, and no expression can match across the newline between values, so each value's match is a
# match there), the prune is skipped; otherwise it runs as published. Everything else is trafilatura's code for
# the settings of bundler's call (comments off, balanced focus), names read from trafilatura's own module.

#: What a raw-tree prune expression tests an id or class against (``xpaths.RAW_TREE_PRUNE_XPATH``).
RAW_PRUNE_CUE = re.compile("mvp-post-add-(?:box|wrap)|infinite-?scroll")
#: ... and the class the list's second expression looks for with ``contains``.
RAW_PRUNE_CLASS = "elementor-share-buttons"
#: What the comments prune tests an id (``COMMENTS_ID_CUE``) or a class (``COMMENTS_CLASS_CUE``) against
#: (``xpaths.REMOVE_COMMENTS_AND_LISTS_XPATH``; its lists' id test is a part of the first).
COMMENTS_ID_CUE = re.compile("^(?:[Cc]omment(?!ary)|comol|disqus_thread|dsq-comments)", re.MULTILINE)
COMMENTS_CLASS_CUE = re.compile("^[Cc]omment(?!ary)|(?:article|post)-comments", re.MULTILINE)
_IDS = etree.XPath("//@id", smart_strings=False)
_CLASSES = etree.XPath("//@class", smart_strings=False)

_SEQUENCE_CALLS = (
    "trafilatura_sequence",
    "_forum_thread_page",
    "prune_unwanted_nodes",
    "_prepare_tree",
    "tree_cleaning",
    "convert_tags",
    "baseline",
    "html2txt",
)
_SEQUENCE_NAMES = (
    "_recall_retry",
    "justext_rescue",
    "RAW_TREE_PRUNE_XPATH",
    "REMOVE_COMMENTS_AND_LISTS_XPATH",
    "ESCALATION_MAX_LENGTH",
    "ESCALATION_PAGE_SHARE",
    "ESCALATION_ACCEPT_RATIO",
    "ESCALATION_JUSTEXT_RATIO",
    "LOGGER",
)


def prune_cues(tree) -> tuple[bool, bool]:
    """Whether the raw-tree prune, and the comments prune, can select anything in ``tree`` (False: they cannot)."""
    ids, classes = "\n".join(_IDS(tree)), "\n".join(_CLASSES(tree))
    raw = bool(RAW_PRUNE_CUE.search(ids) or RAW_PRUNE_CUE.search(classes) or RAW_PRUNE_CLASS in classes)
    comments = bool(COMMENTS_ID_CUE.search(ids) or COMMENTS_CLASS_CUE.search(classes))
    return raw, comments


def _cued_sequence(original, core):
    def trafilatura_sequence(tree, options, url=None):
        if not is_marked(options) or options.fast or options.comments or options.focus != "balanced":
            return original(tree, options, url)
        is_forum = core._forum_thread_page(tree)
        raw, comments = prune_cues(tree)  # before either prune: pruning only takes ids and classes away
        pruned = False
        for cued, nodelist in ((raw, core.RAW_TREE_PRUNE_XPATH), (comments, None if is_forum else core.REMOVE_COMMENTS_AND_LISTS_XPATH)):
            if nodelist is None:
                continue  # trafilatura keeps a forum thread's comment sections: they are its posts
            counts["prunes_ran" if cued else "prunes_skipped"] += 1
            if cued:
                tree = core.prune_unwanted_nodes(tree, nodelist)
                pruned = True
        source = getattr(options, "bundler_page", None)
        if source is None or pruned or source is tree:
            cleaned_tree, cleaned_tree_backup = core._prepare_tree(tree, options, url)
        else:  # trafilatura's own copy of the page, unpruned: cleaned in place, the page read from bundler's element after
            counts["own_copy"] += 1
            cleaned_tree, cleaned_tree_backup = _prepare_own_copy(core, tree, options, url)
            tree = source
        postbody, temp_text = core._extract_and_compare(cleaned_tree, cleaned_tree_backup, tree, options)
        if len(temp_text) < options.min_extracted_size:  # the baseline rescue (#896)
            b_body, b_text, b_len = core.baseline(tree)
            if b_len > len(temp_text):
                postbody, temp_text = b_body, b_text
        if 0 < len(temp_text) < core.ESCALATION_MAX_LENGTH and len(temp_text) < core.ESCALATION_PAGE_SHARE * len(core.html2txt(tree)):
            postbody, temp_text = _escalated(core, tree, options, url, postbody, temp_text)
        return postbody, temp_text, etree.Element("body"), ""

    trafilatura_sequence.bundler_gate = True
    return trafilatura_sequence


def _prepare_own_copy(core, tree, options, url):
    """trafilatura's ``_prepare_tree`` (2.3.1) without its first copy: ``tree`` is cleaned and converted in place.

    In bundler's call ``tree`` is the copy ``bare_extraction`` made of bundler's element (``options.bundler_page``),
    and nothing else reads it: every later step of the sequence that reads the page as it was (the readability
    bound and copy, the baseline, ``html2txt``, the recall retry and jusText candidate) either copies it first
    or only reads it, so they are given bundler's element, which holds the same page (``bare_extraction`` has
    done nothing to its copy when neither prune ran: no language check, no metadata, no ``prune_xpath`` in
    bundler's options). ``_prepare_tree`` copied that copy before cleaning it; the result is the same tree.
    """
    cleaned = core.tree_cleaning(tree, options)
    backup = copy(cleaned)
    return core.convert_tags(cleaned, options, url), backup


def _escalated(core, tree, options, url, postbody, temp_text):
    """trafilatura's recall escalation (comments off: the tree is pruned already, and no forum posts are kept aside)."""
    r_options = copy(options)
    r_options.focus = "recall"
    r_text = ""
    try:
        r_body, r_text = core._recall_retry(tree, r_options, url)
    except Exception as err:  # as trafilatura: logged, and the retry counts as nothing
        core.LOGGER.warning("recall retry failed: %s %s", err, url)
    j_text = ""
    try:
        j_body, j_text = core.justext_rescue(copy(tree), options)
    except Exception as err:
        core.LOGGER.warning("justext candidate failed: %s %s", err, url)
    len_text, r_len, j_len = len(temp_text), len(r_text), len(j_text)
    if j_len > r_len and j_len > core.ESCALATION_JUSTEXT_RATIO * len_text:
        return j_body, j_text
    if r_len >= options.min_extracted_size and r_len > core.ESCALATION_ACCEPT_RATIO * len_text:
        return r_body, r_text
    return postbody, temp_text


# jusText's stop words of every language (``trafilatura.external.jt_stoplist_init``), stored once a machine.
#
# trafilatura builds them the first time a process runs jusText (on about one page in eight): 154,484 words
# read from jusText's 100 stop-word files, ~0.25 s of CPU in every process, paid by whichever call comes
# first. The same words are kept in the user's cache (keyed by the jusText and trafilatura installed, with
# the SHA-256 of their text) and read back in ~0.04 s. trafilatura only asks whether a word is among them
# (jusText makes a frozenset of the tuple), so their order is no part of the answer; the tuple is stored sorted.


def _install_stoplist() -> None:
    """Make trafilatura's ``jt_stoplist_init`` read the stored words (built by its own function the first time)."""
    from trafilatura import external

    original = getattr(external, "jt_stoplist_init", None)
    if not callable(original) or getattr(original, "bundler_store", False) or not hasattr(external, "JT_STOPLIST"):
        return

    def jt_stoplist_init() -> tuple[str, ...]:
        external.JT_STOPLIST = _stored_stoplist(original)
        return external.JT_STOPLIST

    jt_stoplist_init.bundler_store = True
    external.jt_stoplist_init = jt_stoplist_init


def _stored_stoplist(build) -> tuple[str, ...]:
    path = _stoplist_path()
    if path is not None:
        words = _read_words(path)
        if words is not None:
            return words
    words = tuple(sorted(build()))
    if path is not None:
        from bundler.cache import store_sealed_json

        store_sealed_json(path, list(words))
    return words


def _stoplist_path():
    import importlib.util

    from bundler.cache import cache_root, make_key

    try:
        place = importlib.util.find_spec("justext")
        versions = [metadata.version(name) for name in ("jusText", "trafilatura")]
    except (ImportError, ValueError, metadata.PackageNotFoundError):
        return None
    if place is None or not place.origin:
        return None
    return cache_root(None, "justext-stoplist") / f"{make_key('justext-stoplist', 1, versions, place.origin)}.json"


def _read_words(path) -> tuple[str, ...] | None:
    from bundler.cache import read_sealed_json

    words = read_sealed_json(path)
    if not isinstance(words, list) or not words or not all(isinstance(word, str) for word in words):
        return None
    return tuple(words)
