"""trafilatura's own copy of the page cleaned in place in bundler's call, and the header-line check asked lazily.

Two exact cuts of import time (imp16): ``readability_gate._prepare_own_copy`` (trafilatura's
``_prepare_tree`` without the copy it made of its own copy of bundler's element) and
``importers.html._HeaderLines`` (whether date lines further down make a page of posts, read only when
a date line at the top asks). Each must give what the form it replaced gave, on every page.
"""

from __future__ import annotations

import copy
import gzip
import itertools
from pathlib import Path

import trafilatura
from lxml import etree

from bundler.cleaning import content
from bundler.cleaning import readability_gate as gate
from bundler.cleaning.content import drop_code, trafilatura_text
from bundler.cleaning.metadata import PageMeta
from bundler.importers import html as html_importer
from bundler.importers.html import parse_page, tidy_edges
from bundler.model import Heading, Paragraph
from bundler.text.encoding import decode_bytes

ROOT = Path(__file__).resolve().parents[2]
FIXTURE_PAGES = sorted((ROOT / "tests" / "fixtures" / "pages").rglob("*.html"))
REAL_PAGES = ROOT.parent / "shared" / "realpages" / "wcxb-dev" / "html"
SENTENCE = "The ferry left the harbour at dawn, its deck stacked with crates of apples and letters for the island."
#: A page whose comment section trafilatura's comments prune takes out (so its own copy is pruned first).
PRUNED_PAGE = f"""<html><head><title>Pruned</title></head><body><article>
{"".join(f"<p>{SENTENCE} ({n})</p>" for n in range(8))}</article>
<section id="comments"><p>First! Great read, thanks for sharing this with us.</p></section></body></html>"""


def _pages():
    for path in FIXTURE_PAGES:
        yield path.name, path.read_text(encoding="utf-8", errors="replace")
    yield "pruned.html", PRUNED_PAGE
    for path in sorted(REAL_PAGES.glob("*.html.gz"))[3::20]:  # 50 real pages, read at run time, never copied
        yield path.name, decode_bytes(gzip.decompress(path.read_bytes()), None)[0]


def _bundler_tree(text: str, label: str):
    tree = parse_page(text, label)
    drop_code(tree)
    return tree


def test_the_options_of_one_call_name_its_element_and_leave_the_shared_ones_alone():
    root = _bundler_tree(f"<html><body><p>{SENTENCE}</p></body></html>", "p.html").getroot()
    shared = gate.bundler_options()
    one = gate.bundler_options_for(root)
    assert one is not shared and one.bundler_page is root and gate.is_marked(one)
    assert shared.bundler_page is None
    assert {name: getattr(one, name) for name in trafilatura.settings.Extractor.__slots__} == {
        name: getattr(shared, name) for name in trafilatura.settings.Extractor.__slots__
    }


def test_the_text_is_the_one_trafilaturas_own_steps_give_on_every_page(monkeypatch):
    """In place (bundler's call now), through ``_prepare_tree``'s copy (the shared options, no element named),
    and trafilatura's published call: the same text; bundler's page is left as it was."""
    before = dict(gate.counts)
    pages = 0
    for label, text in _pages():
        tree = _bundler_tree(text, label)
        markup = etree.tostring(tree)
        in_place = trafilatura_text(tree)
        assert etree.tostring(tree) == markup, label
        with monkeypatch.context() as patched:
            patched.setattr(content, "bundler_options_for", lambda root: gate.bundler_options())
            copied = trafilatura_text(tree)
        published = trafilatura.extract(copy.deepcopy(tree.getroot()), include_comments=False, include_tables=True, deduplicate=False)
        assert in_place == copied == (published or ""), label
        pages += 1
    assert pages >= 60
    assert gate.counts["own_copy"] - before["own_copy"] >= pages // 2, "most pages are read in place"
    assert gate.counts["ran"] > before["ran"], "pages where readability runs on bundler's element are among them"


def test_a_pruned_copy_goes_through_trafilaturas_own_preparation():
    tree = _bundler_tree(PRUNED_PAGE, "pruned.html")
    before = dict(gate.counts)
    text = trafilatura_text(tree)
    assert gate.counts["prunes_ran"] == before["prunes_ran"] + 1 and gate.counts["own_copy"] == before["own_copy"]
    assert "First!" not in text and SENTENCE in text


def test_a_page_that_escalates_reads_the_same(monkeypatch):
    """0519 (a real page, read at run time): trafilatura's text is short beside the page's, so its recall retry
    and jusText candidate run; they are given bundler's element, which they copy, and read as before."""
    from trafilatura import core

    escalations = []
    recall_retry = core._recall_retry
    monkeypatch.setattr(core, "_recall_retry", lambda *args: escalations.append(args[0]) or recall_retry(*args))
    text = decode_bytes(gzip.decompress((REAL_PAGES / "0519.html.gz").read_bytes()), None)[0]
    tree = _bundler_tree(text, "0519")
    markup = etree.tostring(tree)
    before = dict(gate.counts)
    read = trafilatura_text(tree)
    assert gate.counts["own_copy"] == before["own_copy"] + 1
    assert escalations == [tree.getroot()], "the recall retry was given bundler's element (it copies it)"
    assert etree.tostring(tree) == markup
    monkeypatch.setattr(core, "_recall_retry", recall_retry)
    plain = trafilatura.extract(copy.deepcopy(tree.getroot()), include_comments=False, include_tables=True, deduplicate=False)
    assert read == (plain or "")


# tidy_edges: whether date lines further down make a page of posts, asked only when a date line at the top needs it

LINES = (
    "Publié le 12 mai 2024 à 10h32",  # a date line
    "By Jane Doe",  # a byline
    "Updated 3 hours ago",  # a stamp
    "A paragraph of the story that is long enough to be running text, and then some more of it.",
    "Advertisement",
)


class _Eager:
    """The form replaced: the body read for date lines before anything else."""

    def __init__(self, blocks) -> None:
        self._answer = not html_importer._dated_further_down(blocks)

    def hold(self) -> bool:
        return self._answer


def test_the_header_lines_answer_is_the_eager_one_on_every_arrangement(monkeypatch):
    arrangements = [[Paragraph(line) for line in lines] for n in (3, 5) for lines in itertools.product(LINES, repeat=n)]
    arrangements += [[Heading(2, "A headline"), *blocks, *[Paragraph(LINES[0]), Paragraph(LINES[3])] * 4] for blocks in arrangements[:50]]
    arrangements += [[Paragraph(f"{LINES[1]}<br/>{LINES[0]}"), *[Paragraph(LINES[3])] * 6, Paragraph(LINES[0])]]
    meta = PageMeta(authors=["Jane Doe"])
    lazy = [tidy_edges(blocks, "A headline", meta, [], posts) for blocks in arrangements for posts in (False, True)]
    monkeypatch.setattr(html_importer, "_HeaderLines", _Eager)
    eager = [tidy_edges(blocks, "A headline", meta, [], posts) for blocks in arrangements for posts in (False, True)]
    assert lazy == eager
    assert any(len(a) != len(b) for a, b in zip(lazy, arrangements * 2, strict=False)), "the arrangements drop lines"


def test_the_body_is_read_only_when_a_date_line_at_the_top_asks(monkeypatch):
    asked = []
    dated = html_importer._dated_further_down
    monkeypatch.setattr(html_importer, "_dated_further_down", lambda blocks: asked.append(1) or dated(blocks))
    story = [Paragraph(LINES[3])] * 8
    assert tidy_edges([Paragraph(LINES[1]), *story], "A headline", PageMeta(), []) == story
    assert asked == []
    assert tidy_edges([Paragraph(LINES[0]), *story], "A headline", PageMeta(), []) == story  # an article: its date goes
    posts = [Paragraph(LINES[0]), Paragraph(LINES[3])] * 4
    assert tidy_edges(posts, "A thread", PageMeta(), []) == posts  # posts: the first post's date stays
    assert asked == [1, 1]
