"""htmldate's last-resort page search finds the same dates in the shortened strings (``cleaning.date_search``).

The shortening is exact by construction (see the module); these tests hold it to that on
strings written to sit on every edge of it (matches touching, separators doubled, digits that
are not ASCII, month words glued to letters, runs at the ends of the string), on the fixture
corpus, and on whole pages through ``find_date``. On the 139 real pages (of 997) whose date
comes from this search the shortened search found the same date on every one, in 0.45x the time.
"""

from __future__ import annotations

import functools
import re
from datetime import datetime

import pytest
from htmldate import core, extractors, find_date
from lxml import etree

from bundler.cleaning import date_search
from bundler.cleaning.date_search import DIGIT_PATTERNS, WORDS_PATTERN, digit_windows, install_search, word_runs
from bundler.importers.html import parse_page
from bundler.text.encoding import decode_bytes
from tests.importers.conftest import PAGES

EDGES = [
    "",
    "2021-03-12",
    "x2021-03-12y2021-03-13z",
    "<a>2021-03-12</a>2021-03-13",
    "on 12/03/2021, 13/03/2021 and 14.03.21 then 20210312 and 2021/3/5",
    "a--2021--03--12--b 2021-03--12 2021/03/12/ 1/2021 03-2021 2021-13 2020-12",
    "class='x-2021-03-12-y' href='/2019/12/31/story' data-id=\"20190101\"",
    "٢٠٢١-٠٣-١٢ and 2021-٠٣-12 and ١2021-03-12١",
    "Posted March 12, 2021 by SmithMarch 3 2020; 5th of April, 2019 and 3. Juni 2018",
    "العدد 12 مارس 2021 — 7 of 2020, Dec. 3 2021",
    "Copyright © 2004-2019 w3.org 2015 " + "lorem ipsum " * 50 + "12 June 2017",
    "a" * 500 + "1" + "b" * 500 + "2021-01-01" + "c" * 3,
    "Kelvin K 12 Kelvin 2021 ſt 3ſt 2020",
    "12_March_2021 under_score 3 May_ 2020",
    "1991999 March 3 1999, 201920 April 4 2019",
    "May 5, 2019",
    "<b>12 June 1989</b> <i>3 May 2040</i> 7 July 20311 (8 Aug 2030) 9 Sep 19905",
    "abc 12 March 2021" * 3 + "2021 2022",
]


def _pattern(source: str) -> re.Pattern:
    return next(p for p in vars(core).values() if isinstance(p, re.Pattern) and p.pattern == source)


@functools.cache
def _strings() -> tuple[str, ...]:
    pages = [etree.tostring(parse_page(decode_bytes(path.read_bytes())[0]), encoding="unicode") for path in sorted(PAGES.rglob("*.html"))]
    return (*EDGES, *pages)


def test_the_recorded_patterns_are_htmldates():
    """If htmldate changes its patterns the proofs no longer hold: the seam must be looked at."""
    assert {p.pattern for p in vars(core).values() if isinstance(p, re.Pattern)} >= DIGIT_PATTERNS
    assert extractors.LONG_TEXT_PATTERN.pattern == WORDS_PATTERN
    assert install_search()
    assert core.plausible_year_filter.shortened


@pytest.mark.parametrize("source", sorted(DIGIT_PATTERNS))
def test_digit_patterns_find_the_same_in_the_windows(source):
    pattern = _pattern(source)
    for text in _strings():
        assert pattern.findall(digit_windows(text)) == pattern.findall(text), text[:80]


def test_the_words_pattern_finds_the_same_in_the_runs():
    original = extractors.regex_parse
    pattern = extractors.LONG_TEXT_PATTERN
    for text in _strings():
        runs = word_runs(text)
        assert original(runs) == original(text), text[:80]
        assert [m.groups() for m in pattern.finditer(runs)] == [m.groups() for m in pattern.finditer(text)], text[:80]


def test_the_runs_hold_the_years():
    """Only runs holding a year's four digits are kept, each once, whole."""
    assert word_runs("<p>12 June 1989</p><p>On 3 May 2021, at 9</p><p>2020-2021</p>") == "On 3 May 2021, at 9<2020<2021"


def test_the_strings_are_shorter():
    page = "<div class='teaser'><a href='/x'>A story</a></div>" * 200 + "<p>Posted 12 June 2017, 2017-06-12</p>"
    assert len(digit_windows(page)) < len(page) / 3
    assert len(word_runs(page)) < len(page) / 3


@pytest.mark.parametrize("text", EDGES[9:12])
def test_find_date_gives_the_same_date_on_a_whole_page(text):
    """Through htmldate itself: a page whose only date is in its running text, with and without the shortening."""
    page = f"<html><body><div><p>{text}</p><p>{text[::-1]}</p></div></body></html>"
    install_search()
    shortened = find_date(parse_page(page).getroot(), extensive_search=True, original_date=True, max_date="2026-01-01")
    saved = core.plausible_year_filter, core.regex_parse
    core.plausible_year_filter, core.regex_parse = date_search_originals()
    try:
        whole = find_date(parse_page(page).getroot(), extensive_search=True, original_date=True, max_date="2026-01-01")
    finally:
        core.plausible_year_filter, core.regex_parse = saved
    assert shortened == whole
    assert datetime.strptime(whole or "2000-01-01", "%Y-%m-%d")


def date_search_originals():
    from htmldate import validators

    return validators.plausible_year_filter, extractors.regex_parse


def test_a_new_string_is_shortened_afresh():
    assert digit_windows("ab 2021-03-12 cd") == "a 2021-03-12 d"
    assert digit_windows("abcdef 1 ghijkl") == "a 1 l"
    assert word_runs("<p>x</p><p>March 3, 2020</p>") == "March 3, 2020"
    assert date_search._last[0] == "<p>x</p><p>March 3, 2020</p>"
