"""trafilatura's readability comparison is skipped in bundler's call only where it cannot change the text.

The gate (``cleaning/readability_gate.py``) must give trafilatura's text exactly, on every page; it
must skip readability on ordinary pages (or it saves nothing), run it where readability's reading is
taken, act only on a call given bundler's marked options (the state travels with the call, no
ContextVar), and switch itself off on any trafilatura but the one it was read from.
"""

from __future__ import annotations

import copy
import gzip
import re
from importlib import metadata
from pathlib import Path

import pytest
import trafilatura
from lxml import etree
from trafilatura.external import try_readability
from trafilatura.settings import Extractor
from trafilatura.utils import trim

from bundler.cleaning import readability_gate as gate
from bundler.cleaning.content import drop_code, trafilatura_text
from bundler.importers.html import parse_page
from bundler.text.encoding import decode_bytes

ROOT = Path(__file__).resolve().parents[2]
FIXTURE_PAGES = sorted((ROOT / "tests" / "fixtures" / "pages").rglob("*.html"))
REAL_PAGES = ROOT.parent / "shared" / "realpages" / "wcxb-dev" / "html"
#: Ordinary real pages, and two where readability's reading is the one trafilatura takes (0073: its own
#: text 3,175 characters, readability's 11,636; 0119: its own text empty).
REAL = ("0001", "0073", "0119", "0367", "0519", "2865", "4613")
TAKEN = ("0073", "0119")

SENTENCE = "The ferry left the harbour at dawn, its deck stacked with crates of apples and letters for the island."
#: A video frame (readability writes VIDEO into it) and raw-text elements holding escapes.
EDGE_PAGE = f"""<html><head><title>Edges</title></head><body><article>
{"".join(f"<p>{SENTENCE} ({n})</p>" for n in range(8))}
<iframe src="https://www.youtube.com/embed/x1"></iframe><xmp>a &lt; b &amp;&amp; c &gt; d</xmp>
<noscript>x &amp; y</noscript></article></body></html>"""


def _bundler_tree(text: str, label: str):
    """The page as bundler hands it to trafilatura (parsed, scripts and styles dropped)."""
    tree = parse_page(text, label)
    drop_code(tree)
    return tree


def _plain_text(tree) -> str:
    """trafilatura.extract's text of the page with the gate inactive (the published reading)."""
    return trafilatura.extract(copy.deepcopy(tree.getroot()), include_comments=False, include_tables=True, deduplicate=False) or ""


def _pages():
    for path in FIXTURE_PAGES:
        yield path.name, decode_bytes(path.read_bytes(), None)[0]
    for page_id in REAL:
        path = REAL_PAGES / f"{page_id}.html.gz"  # read at run time, never copied
        yield page_id, decode_bytes(gzip.decompress(path.read_bytes()), None)[0]
    yield "edges.html", EDGE_PAGE


def test_the_installed_trafilatura_is_the_one_pinned_and_gated():
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    assert re.search(r"^trafilatura==(\S+)", lock, re.M).group(1) == gate.GATED_VERSION
    assert metadata.version("trafilatura") == gate.GATED_VERSION
    assert gate.install() is True


def _settings(options) -> dict:
    return {name: getattr(options, name) for name in Extractor.__slots__}


def test_bundlers_options_are_the_ones_extract_builds_from_its_keywords():
    """As trafilatura.extract(root, include_comments=False, include_tables=True, deduplicate=False) builds them."""
    marked = gate.bundler_options()
    assert marked is gate.bundler_options(), "built once"
    assert isinstance(marked, Extractor) and type(marked) is not Extractor and gate.is_marked(marked)
    # trafilatura 2.3.1 _internal_extraction, its defaults and the three keywords bundler passes
    built = Extractor(
        config=trafilatura.settings.DEFAULT_CONFIG,
        output_format="txt",
        fast=False,
        precision=False,
        recall=False,
        comments=False,
        formatting=None,
        links=False,
        images=False,
        tables=True,
        dedup=False,
        lang=None,
        url=None,
        with_metadata=False,
        only_with_metadata=False,
        tei_validation=False,
        author_blacklist=None,
        url_blacklist=None,
        date_params=None,
    )
    assert _settings(marked) == _settings(built)
    assert not gate.is_marked(built)


def test_the_gated_text_is_trafilaturas_on_every_page_and_readability_is_mostly_skipped():
    settings = _settings(gate.bundler_options())
    before = dict(gate.counts)
    pages = 0
    for label, text in _pages():
        tree = _bundler_tree(text, label)
        assert trafilatura_text(tree) == _plain_text(tree), label
        pages += 1
    skipped = gate.counts["skipped"] - before["skipped"]
    ran = gate.counts["ran"] - before["ran"]
    assert pages >= 18
    assert ran >= len(TAKEN), "readability still runs where its reading can be taken"
    assert skipped >= pages // 2, (skipped, ran)
    assert _settings(gate.bundler_options()) == settings, "trafilatura left the shared options as they were"


def test_readabilitys_text_never_exceeds_the_bound():
    for label, text in _pages():
        tree = _bundler_tree(text, label)
        bound = gate.readability_bound(tree)
        summary = try_readability(copy.deepcopy(tree.getroot()))
        length = len(trim(etree.tostring(summary, method="text", encoding="utf-8").decode("utf-8")))
        assert length <= bound, (label, length, bound)


def test_the_edges_count_in_the_bound():
    tree = _bundler_tree(EDGE_PAGE, "edges.html")
    words = len(" ".join("".join(tree.getroot().itertext()).split()))
    # VIDEO and a space for the frame; 4 characters for each "&" in <xmp> (raw text: the parser left
    # "&lt;", "&amp;&amp;" and "&gt;" as they were written, 4 of them) and <noscript> (1)
    assert gate.readability_bound(tree) == words + 6 + 4 * 5


@pytest.mark.parametrize("page_id", TAKEN)
def test_where_readabilitys_reading_is_taken_it_still_runs(page_id):
    text = decode_bytes(gzip.decompress((REAL_PAGES / f"{page_id}.html.gz").read_bytes()), None)[0]
    tree = _bundler_tree(text, page_id)
    before = dict(gate.counts)
    gated = trafilatura_text(tree)
    assert gate.counts["ran"] == before["ran"] + 1 and gate.counts["skipped"] == before["skipped"]
    assert gated == _plain_text(tree)


def test_an_unmarked_call_runs_as_published():
    gate.install()
    tree = _bundler_tree(f"<html><body><article>{''.join(f'<p>{SENTENCE}</p>' for _ in range(6))}</article></body></html>", "p.html")
    before = dict(gate.counts)
    assert trafilatura.extract(copy.deepcopy(tree.getroot())) is not None
    plain = Extractor(comments=False, tables=True, dedup=False)  # the same settings, unmarked
    assert trafilatura.extract(copy.deepcopy(tree.getroot()), options=plain) is not None
    assert gate.counts == before
    trafilatura_text(tree)
    assert gate.counts["skipped"] == before["skipped"] + 1


def test_on_another_trafilatura_the_gate_switches_off(monkeypatch):
    assert gate.gate_applies("2.3.1") is True
    assert gate.gate_applies("2.3.2") is False and gate.gate_applies("2.4.0") is False
    monkeypatch.setitem(gate._state, "installed", None)  # as in a fresh process
    monkeypatch.setattr(gate.metadata, "version", lambda name: "2.4.0")
    assert gate.install() is False
    assert gate.bundler_options() is None, "no marked options: bundler's call builds trafilatura's own"
    tree = _bundler_tree(EDGE_PAGE, "edges.html")
    before = dict(gate.counts)
    text = trafilatura_text(tree)
    assert gate.counts == before, "the normal call: readability ran ungated"
    assert text == _plain_text(tree)


@pytest.mark.parametrize("fast", [True, False])
def test_the_fast_reading_and_the_recall_retry_are_left_alone(fast):
    tree = _bundler_tree(EDGE_PAGE, "edges.html")
    marked = type(gate.bundler_options())(fast=fast, recall=True)
    assert gate.is_marked(marked)
    before = dict(gate.counts)
    trafilatura.extract(copy.deepcopy(tree.getroot()), options=marked)
    assert gate.counts == before


# The raw-tree prunes (RAW_TREE_PRUNE_XPATH, REMOVE_COMMENTS_AND_LISTS_XPATH) asked only where their cues are.

#: A page each prune selects something on: an infinite-scroll box without a heading, elementor share buttons,
#: a comment section by id, comment lists by class (one in a class of two lines), and "commentary" (kept).
PRUNE_PAGE = f"""<html><head><title>Prunes</title></head><body><article>
{"".join(f"<p>{SENTENCE} ({n})</p>" for n in range(8))}
<div class="infinite-scroll"><p>Next story: the harbour master retires after forty years.</p></div>
<div class="elementor-share-buttons"><a href="#">Share</a></div>
<div class="commentary"><p>{SENTENCE} (commentary)</p></div>
</article>
<section id="comments"><p>First! Great read, thanks for sharing this with us.</p></section>
<ul class="wide
comment-list"><li>Reply: the ferry was late again on Tuesday.</li></ul>
<div class="post-comments"><p>Another reader wrote in about the crates of apples.</p></div>
</body></html>"""


def _selected(nodelist, tree) -> bool:
    return any(expression(tree) for expression in nodelist)


def test_the_cues_are_trafilaturas_own_expressions():
    from trafilatura import xpaths

    raw, wide = xpaths.RAW_TREE_PRUNE_XPATH
    assert f"re:test(@id, '{gate.RAW_PRUNE_CUE.pattern}')" in raw.path
    assert f"re:test(@class, '{gate.RAW_PRUNE_CUE.pattern}')" in raw.path
    assert f"contains(@class, '{gate.RAW_PRUNE_CLASS}')" in wide.path
    (comments,) = xpaths.REMOVE_COMMENTS_AND_LISTS_XPATH
    assert f"re:test(@id, '{gate.COMMENTS_ID_CUE.pattern}')" in comments.path
    assert f"re:test(@class, '{gate.COMMENTS_CLASS_CUE.pattern}')" in comments.path
    # the lists' own id test is a part of the first: anything it matches, the cue matches
    assert f"re:test(@id, '^(?:{xpaths._COMMENTS_ID})')" in comments.path
    assert gate.COMMENTS_ID_CUE.pattern.startswith(f"^(?:{xpaths._COMMENTS_ID}|")


def _cue_pages():
    yield from _pages()
    yield "prunes.html", PRUNE_PAGE
    for path in sorted(REAL_PAGES.glob("*.html.gz"))[::20]:  # 50 real pages, read at run time
        yield path.name, decode_bytes(gzip.decompress(path.read_bytes()), None)[0]


def test_a_prune_the_cues_rule_out_selects_nothing():
    from trafilatura import xpaths

    seen = {"raw": 0, "comments": 0, "skipped": 0}
    for label, text in _cue_pages():
        tree = _bundler_tree(text, label).getroot()
        raw, comments = gate.prune_cues(tree)
        if _selected(xpaths.RAW_TREE_PRUNE_XPATH, tree):
            assert raw, label
            seen["raw"] += 1
        if _selected(xpaths.REMOVE_COMMENTS_AND_LISTS_XPATH, tree):
            assert comments, label
            seen["comments"] += 1
        seen["skipped"] += (not raw) + (not comments)
    assert seen["raw"] >= 2 and seen["comments"] >= 8, seen  # the cues were tested where the prunes select
    assert seen["skipped"] >= 100, seen  # and they rule most prunes out


def test_the_cued_reading_is_trafilaturas_where_the_prunes_select():
    tree = _bundler_tree(PRUNE_PAGE, "prunes.html")
    before = dict(gate.counts)
    text = trafilatura_text(tree)
    assert gate.counts["prunes_ran"] == before["prunes_ran"] + 2
    assert text == _plain_text(tree)
    assert "harbour master retires" not in text and "First!" not in text and "(commentary)" in text


def test_the_prunes_are_skipped_where_no_cue_is():
    tree = _bundler_tree(EDGE_PAGE, "edges.html")
    before = dict(gate.counts)
    assert trafilatura_text(tree) == _plain_text(tree)
    assert gate.counts["prunes_skipped"] == before["prunes_skipped"] + 2 and gate.counts["prunes_ran"] == before["prunes_ran"]


def test_an_unmarked_call_prunes_as_published():
    gate.install()
    tree = _bundler_tree(PRUNE_PAGE, "prunes.html")
    before = dict(gate.counts)
    plain = Extractor(comments=False, tables=True, dedup=False)
    assert trafilatura.extract(copy.deepcopy(tree.getroot()), options=plain) == trafilatura_text(tree)
    assert gate.counts["prunes_ran"] == before["prunes_ran"] + 2, "only bundler's own call went through the cues"


# jusText's stop words of every language, stored once a machine (``readability_gate._install_stoplist``).


@pytest.fixture
def fresh_stoplist(tmp_path, monkeypatch):
    from trafilatura import external

    gate.install()
    monkeypatch.setenv("BUNDLER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(external, "JT_STOPLIST", None)  # as in a new process
    return tmp_path / "cache" / "justext-stoplist"


def _published_stoplist() -> frozenset[str]:
    from justext import get_stoplist, get_stoplists

    return frozenset(word for language in get_stoplists() for word in get_stoplist(language))  # jt_stoplist_init's words


def test_the_stored_stop_words_are_trafilaturas(fresh_stoplist):
    from justext.core import define_stoplist
    from trafilatura import external

    assert getattr(external.jt_stoplist_init, "bundler_store", False)
    built = external.jt_stoplist_init()  # nothing stored yet: trafilatura's own, then stored
    assert external.JT_STOPLIST is built and len(list(fresh_stoplist.glob("*.json"))) == 1
    external.JT_STOPLIST = None
    read = external.jt_stoplist_init()  # read back
    assert read == built and frozenset(read) == _published_stoplist()
    assert define_stoplist(read) == define_stoplist(tuple(_published_stoplist()))  # what jusText asks of them


@pytest.mark.parametrize("damage", ["garbled", "truncated", "empty list"])
def test_damaged_stored_stop_words_are_built_again(fresh_stoplist, damage):
    import hashlib

    from trafilatura import external

    external.jt_stoplist_init()
    (path,) = fresh_stoplist.glob("*.json")
    digest, _, text = path.read_text(encoding="utf-8").partition("\n")
    path.write_text(
        {
            "garbled": digest + "\n" + text.replace('"', "'", 2),
            "truncated": digest + "\n" + text[: len(text) // 3],
            "empty list": hashlib.sha256(b"[]").hexdigest() + "\n[]",
        }[damage],
        encoding="utf-8",
    )
    external.JT_STOPLIST = None
    assert frozenset(external.jt_stoplist_init()) == _published_stoplist()


def test_the_text_of_a_page_jusText_reads_is_the_same_with_the_stored_words(fresh_stoplist):
    from trafilatura import external

    page_id = "0010"  # jusText is asked about it
    text = decode_bytes(gzip.decompress((REAL_PAGES / f"{page_id}.html.gz").read_bytes()), None)[0]
    tree = _bundler_tree(text, page_id)
    stored = trafilatura_text(tree)
    assert external.JT_STOPLIST is not None, "jusText ran"
    external.JT_STOPLIST = tuple(_published_stoplist())
    assert stored == _plain_text(tree)
