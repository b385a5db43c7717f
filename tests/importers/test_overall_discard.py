"""trafilatura's ``OVERALL_DISCARD_XPATH`` answered in Python in bundler's call (``cleaning/overall_discard.py``).

The Python predicates must select exactly the elements the two expressions select, in their order,
on every tree trafilatura prunes with them; they are built from the installed expressions' own
source and refuse any other; a call not given bundler's marked options prunes as published.
"""

from __future__ import annotations

import copy
import gzip
import types
from pathlib import Path

import pytest
from lxml import etree, html
from trafilatura import main_extractor, xpaths
from trafilatura.htmlprocessing import convert_tags, tree_cleaning
from trafilatura.settings import Extractor

from bundler.cleaning import overall_discard
from bundler.cleaning import readability_gate as gate
from bundler.cleaning.content import drop_code
from bundler.importers.html import parse_page
from bundler.text.encoding import decode_bytes

ROOT = Path(__file__).resolve().parents[2]
FIXTURE_PAGES = sorted((ROOT / "tests" / "fixtures" / "pages").rglob("*.html"))
REAL_PAGES = ROOT.parent / "shared" / "realpages" / "wcxb-dev" / "html"

#: Every predicate of both expressions, each on an element it selects and on near misses: the order of
#: id and class (``@id|@class`` is the first of the two), an empty attribute, N in a role, tags out of the
#: first expression's list, comments and a processing instruction among the elements.
EDGES = """<html><body><div id="main">
<div class="x" id="share-1">id second: @id|@class is the class</div>
<div id="shareable" class="y">id first, "^shar" on the id</div>
<span class="social-links">class</span><em class="social">not a listed tag</em>
<section data-lp-replacement-content="">empty but present</section><p role="Navigation">role with an N</p>
<div data-component="MostPopularStories-2">component</div><div data-component="mostpopularstories">lower case</div>
<div id="cookie-note" class="c">cookie on the id</div><div id="c" class="cookie-note">cookie on the class, id first</div>
<div class="cookie-note">cookie on the class alone</div><h3 class="comments-title">title</h3>
<h3 class="comments-title big">not equal</h3><b id="reply-3">reply id</b><b class="x" id="reply-3">class first</b>
<i id="ahidden" style="color: red">hidden id</i><i style="visibility: hidden" id="z">style first</i>
<i style="display:none">none</i><i style="display: none">none</i><i style="display : none">not matched</i>
<u id="reader-comments">id</u><u class="x nocomments">class</u><u class="hidden">no space</u><u class="a hidden">space</u>
<u aria-hidden="true">aria</u><u aria-hidden="TRUE">case</u><!-- a comment --><?pi x?>
<div class="ad">bare ad</div><div class="big ad here">spaced ad</div><div class="ad-slot">ad-</div>
<div class="sidebar"><div class="navbar"><span class="meta">nested</span></div></div>
<div id="navigation" class="story">nav on the id</div><list class="related"><item class="tags">converted tags</item></list>
</div></body></html>"""


def _expressions(tree) -> list:
    return [element for expression in xpaths.OVERALL_DISCARD_XPATH for element in expression(tree)]


def _discard() -> overall_discard.OverallDiscard:
    first, second = (expression.path for expression in xpaths.OVERALL_DISCARD_XPATH)
    return overall_discard.OverallDiscard(first, second)


def _trees():
    options = Extractor(comments=False, tables=True, dedup=False)
    pages = [(path.name, path.read_text(encoding="utf-8", errors="replace")) for path in FIXTURE_PAGES]
    pages += [("edges.html", EDGES)]
    pages += [(p.name, decode_bytes(gzip.decompress(p.read_bytes()), None)[0]) for p in sorted(REAL_PAGES.glob("*.html.gz"))[7::20]]
    for label, text in pages:  # the real pages read at run time, never copied
        tree = parse_page(text, label)
        drop_code(tree)
        root = tree.getroot()
        yield label, root  # the page as bundler has it
        cleaned = convert_tags(tree_cleaning(copy.deepcopy(root), options), options, None)
        yield label + " converted", cleaned  # as trafilatura prunes it
        for body in cleaned.iter("body", "article", "main"):
            yield label + " " + body.tag, body  # candidate bodies: the expressions are relative to them


def test_the_same_elements_in_the_same_order_on_every_tree():
    discard = _discard()
    trees = selected = 0
    for label, tree in _trees():
        expected = _expressions(tree)
        assert discard(tree) == expected, label
        trees += 1
        selected += len(expected)
    assert trees >= 150 and selected >= 1000, (trees, selected)


def test_the_edges_select_what_the_expressions_do():
    tree = html.document_fromstring(EDGES)
    found = [element.text for element in _discard()(tree)]
    assert found == [element.text for element in _expressions(tree)]
    assert 'id first, "^shar" on the id' in found and "id second: @id|@class is the class" in found  # the @id test
    assert "cookie on the class, id first" not in found and "cookie on the class alone" in found
    assert "class first" not in found and "not matched" not in found and "bare ad" not in found
    assert "empty but present" in found and "role with an N" in found and "case" not in found


def test_another_expression_is_refused_and_nothing_installed():
    first, second = (expression.path for expression in xpaths.OVERALL_DISCARD_XPATH)
    with pytest.raises(ValueError):
        overall_discard.OverallDiscard(first.replace("self::span", "self::aside"), second)
    with pytest.raises(ValueError):
        overall_discard.OverallDiscard(first, second + " or @hidden")
    changed = types.SimpleNamespace(OVERALL_DISCARD_XPATH=[etree.XPath(".//aside"), xpaths.OVERALL_DISCARD_XPATH[1]])
    module = types.SimpleNamespace(**{name: getattr(main_extractor, name) for name in dir(main_extractor) if not name.startswith("__")})
    module.prune_unwanted_sections = lambda tree, potential_tags, options, keep_teasers=False: tree  # not yet gated
    module.OVERALL_DISCARD_XPATH = changed.OVERALL_DISCARD_XPATH
    assert overall_discard.install(module, changed, gate.is_marked) is False
    assert not getattr(module.prune_unwanted_sections, "bundler_gate", False)
    module.OVERALL_DISCARD_XPATH = xpaths.OVERALL_DISCARD_XPATH  # the expressions read here: installed
    assert overall_discard.install(module, xpaths, gate.is_marked) is True and module.prune_unwanted_sections.bundler_gate


def test_an_unmarked_call_prunes_as_published_and_a_marked_one_the_same():
    assert gate.install() is True
    assert getattr(main_extractor.prune_unwanted_sections, "bundler_gate", False)
    tree = html.document_fromstring(EDGES).find(".//body")
    plain, marked = Extractor(comments=False, tables=True, dedup=False), gate.bundler_options()
    calls = []
    discard = _discard()
    counted = lambda tree: calls.append(1) or discard(tree)  # noqa: E731
    wrapped = overall_discard.pruned_sections(main_extractor.prune_unwanted_sections, main_extractor, counted, gate.is_marked)
    published = wrapped(copy.deepcopy(tree), {"table"}, plain)
    assert calls == []
    ours = wrapped(copy.deepcopy(tree), {"table"}, marked)
    assert calls == [1]
    assert etree.tostring(ours) == etree.tostring(published)
