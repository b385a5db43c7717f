"""Dates only htmldate's extensive search finds, read with dateparser asked a few languages, not all 205.

``cleaning.page_dates`` gives htmldate a parser that asks dateparser only about the languages a
string names a month in. These tests hold it to htmldate's own parser (same date, same language,
on dates in eight languages and on strings no language reads), to the work saved (how many
languages are asked), and to the pages: a Portuguese and an Arabic page whose date is written in
words, and found by no other step, still get it.
"""

from __future__ import annotations

import pytest
from htmldate import extractors, find_date

from bundler.cleaning import page_dates
from bundler.cleaning.metadata import read_metadata
from bundler.importers.html import parse_page

PARAGRAPHS = "".join(f"<p>{text}</p>" for text in ("The harbour ledger was kept by hand, one crossing a line. " * 4,) * 5)
ARABIC_PARAGRAPHS = "".join(f"<p>{text}</p>" for text in ("كان دفتر الميناء يكتب باليد، سطر لكل رحلة. " * 4,) * 5)

PAGES = {
    "pt": ("2020-03-12", "Publicado", "12 de março de 2020", PARAGRAPHS),
    "ar": ("2020-03-12", "نشر", "١٢ مارس ٢٠٢٠", ARABIC_PARAGRAPHS),
    "ru": ("2021-03-03", "Опубликовано", "3 марта 2021", PARAGRAPHS),
}

#: Strings htmldate sends to dateparser (its own patterns read none of them), and what dateparser makes of them.
STRINGS = (
    "12 de março de 2020",
    "١٢ مارس ٢٠٢٠",
    "3 марта 2021 г.",
    "2020年三月12日",
    "15 de septiembre de 2019",
    "Actualisé le 17 avril 2019",
    "5 3 2020 Uhr",  # month as a number: read by the language that knows "Uhr"
    "12 3 2020",  # no letters: every language, as before
    "Sunday, 5 of things 2020",  # no language reads it
    "Ledger last revised: Tue, 03 Mar 26 10:15:00",  # "mar" is a month in fifty languages, none knows "ledger"
    "Revised Feb. 12, 2024",
    "on 07-ago-2022 6:12:11",
    "12 mars 2021 10:30 pm CET",  # words every language takes (pm, a time zone) do not rule French out
    "3 марта 2021 г. UTC",
    "Filed on: March 3, 2024",  # dateparser drops the words before "on:", so English reads it
    "Seven ferry routes worth the crossing in 2025",  # a headline: no language knows its words
    "© Harbour Press 2011. Set with Sphinx 7.1.2",
)


def _page(language: str) -> str:
    _expected, label, written, paragraphs = PAGES[language]
    return f"""<html lang="{language}"><head><title>Ferry ledger</title></head><body>
        <nav><a href="/">Home</a></nav><article><h1>Ferry ledger</h1>
        <div class="meta">{label}: <span class="date">{written}</span></div>{paragraphs}</article></body></html>"""


@pytest.fixture(scope="module")
def metadata():
    return {language: read_metadata(parse_page(_page(language))) for language in PAGES}


@pytest.mark.parametrize("language", sorted(PAGES))
def test_a_date_in_words_only_the_extensive_search_reads_is_found(metadata, language):
    expected = PAGES[language][0]
    assert metadata[language].date == expected
    fast = find_date(parse_page(_page(language)).getroot(), extensive_search=False, original_date=True, max_date="2026-01-01")
    assert fast != expected, "htmldate's fast search found it: the page no longer tests the extensive search"


def test_htmldate_uses_the_month_named_parser(metadata):
    assert page_dates.install_parser()
    assert isinstance(extractors.get_external_parser(), page_dates.MonthNamedParser)


def test_same_answers_as_htmldates_own_parser():
    """The dates and languages of htmldate's all-language parser, string for string."""
    own, ours = page_dates.htmldate_parser(), page_dates.MonthNamedParser()
    for text in STRINGS:
        theirs, mine = own.get_date_data(text), ours.get_date_data(text)
        assert (mine.date_obj, mine.locale) == (theirs.date_obj, theirs.locale), text
    assert ours.get_date_data("12 de março de 2020").date_obj.date().isoformat() == "2020-03-12"


def test_few_languages_are_asked():
    """The work saved: a handful of languages instead of all 205 (each costs its regexes the first time)."""
    assert page_dates.languages_for("12 de março de 2020")[0] == "pt"
    assert len(page_dates.languages_for("12 de março de 2020")) <= 5
    assert "ar" in page_dates.languages_for("١٢ مارس ٢٠٢٠")
    assert len(page_dates.languages_for("١٢ مارس ٢٠٢٠")) <= 5
    assert "ja" in page_dates.languages_for("2020年三月12日")
    assert "de" in page_dates.languages_for("5 3 2020 Uhr")
    assert len(page_dates.languages_for("Sunday, 5 of things 2020")) <= 20
    assert page_dates.languages_for("12 3 2020") is None  # letters decide nothing: dateparser's own cheap path


def test_languages_that_cannot_know_a_word_are_not_asked():
    """A language naming the month but not knowing another word of the string cannot read it."""
    assert page_dates.languages_for("Ledger last revised: Tue, 03 Mar 26 10:15:00") == page_dates.FALLBACK_LANGUAGES
    assert page_dates.languages_for("Revised Feb. 12, 2024") == page_dates.FALLBACK_LANGUAGES
    assert page_dates.languages_for("12 mars 2021 10:30 pm CET")[0] == "fr"
    assert "ru" in page_dates.languages_for("3 марта 2021 г. UTC")


def test_english_is_asked_only_about_strings_it_could_read():
    """Headlines with a year (most strings htmldate sends) are answered without asking dateparser at all."""
    assert not page_dates.english_could_read("Seven ferry routes worth the crossing in 2025")
    assert not page_dates.english_could_read("Revised Feb. 12, 2024")
    assert page_dates.english_could_read("Filed on: March 3, 2024")  # after dateparser's clean-up: "March 3, 2024"
    assert page_dates.english_could_read("Tue, 03 Mar 2026 10:15:00 GMT")
    parser = page_dates.MonthNamedParser()
    parser.get_date_data("Sunday, 5 of things 2020")  # the table of every language's words, built once
    asked = page_dates._parser_for.cache_info()
    answer = parser.get_date_data("Seven ferry routes worth the crossing in 2026")
    assert answer.date_obj is None and answer.locale is None
    after = page_dates._parser_for.cache_info()
    assert (after.hits, after.misses) == (asked.hits, asked.misses), "dateparser was asked"
