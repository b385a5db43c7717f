"""htmldate's date parser, asked only about the languages a date string names a month in.

htmldate's extensive search sends the date-like strings its own patterns cannot read to
dateparser, through one parser built by ``htmldate.extractors.get_external_parser`` with
``languages=None``. dateparser then tries the string in every one of its 205 languages, in a
fixed order, and compiles each language's regular expressions the first time: about 2 s of CPU
per process for the first string no language reads (and ~20 ms for each later one), paid in
every import worker, in one-changed rebuilds and in the benchmark.

Asking fewer languages gives the same answer when the languages left out could not have read
the string anyway. htmldate's parser runs with ``STRICT_PARSING`` (day, month and year must all
be read) and only after htmldate's own numeric patterns failed, so a string it reads names its
month in words; a language that does not know any of the string's words as a month name cannot
read it. :class:`MonthNamedParser` therefore looks the string's words up in a table of every
dateparser language's month names (the same names dateparser matches, accents dropped as its
``NORMALIZE`` setting does) and asks dateparser only about those languages, in dateparser's own
order, so the first language that reads the string is the one that read it before. A string
is also asked in the languages that know every one of its words (its month may be a number,
"5 3 2020 Uhr"), since dateparser reads a string in a language only when it knows all its words
(in scripts written without spaces, where words cannot be told apart, any known word will do).
For the same reason the languages naming a month are then kept only if they know every other
word too, the words every language takes (am, pm, UTC, skip tokens, time-zone names) aside
(:func:`_knowing_every_word`): "Updated Feb. 27" names a month in fifty languages, none of which
knows "updated", and compiling each one cost more than the rest of the date search
(checked against main's parser on 9,968 strings: the 4,687 texts of the 997 real pages htmldate
could send here, and dates written in every dateparser language; the same date and language on each);
a string in no language's words goes to English alone; a string without letters goes to all languages, as before
(dateparser tries one language per date order for those, which is cheap). The tables cost
~0.5 s to build (all 205 languages read and folded), once a machine: they are kept in the user's
cache with htmldate's own month words (:func:`_language_tables`), and read back in ~0.05 s by a
process that needs them; each language asked then costs a few milliseconds the first time
instead of all 205 of them (~2 s).

Why replace htmldate's factory rather than run a date search of our own: the answer stays
htmldate's (its candidates, its ranking, its cache of parsed strings) and depends only on the
string, never on the page or on pages read before, so one process gives the same date whatever
it read first. ``get_external_parser`` is the one place htmldate builds the parser and it is
looked up on every call; if a later htmldate drops it, :func:`install_parser` does nothing and
htmldate's own parser is used (the same dates, only slower), and
``tests/importers/test_page_dates.py`` fails so the seam is looked at.
"""

from __future__ import annotations

import functools
import re
import unicodedata

#: The settings of htmldate 1.11's own external parser (``htmldate.extractors.get_external_parser``).
PARSER_SETTINGS = {
    "NORMALIZE": True,
    "PARSERS": ["custom-formats", "absolute-time"],
    "PREFER_DATES_FROM": "past",
    "PREFER_LOCALE_DATE_ORDER": True,
    "RETURN_AS_TIMEZONE_AWARE": False,
    "STRICT_PARSING": True,
}

#: The keys of a dateparser language's data that list its month names.
MONTH_KEYS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)

#: Entries of a language's data that are not words of the language.
_NOT_WORDS = frozenset({"name", "date_order", "sentence_splitter_group"})

#: The language a string is tried in when no language names a month in it or knows all its words.
FALLBACK_LANGUAGES = ("en",)

_LETTER_RUNS = re.compile(r"[^\W\d_]+")
# Scripts written without spaces between words: their month names are looked for inside the string.
# Compiled when first needed (~3 ms of CPU for its ranges, in every process that imports a page).
_UNSPACED_SCRIPTS = "[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]"
# dateparser reads a Roman year ("April MMX") in a step of its own after every language failed,
# so such a string is not asked in English first (a superset of dateparser's own pattern).
_ROMAN_NUMERAL = re.compile(r"\bM[MDCLXVI]*\b")
_PUNCTUATION = re.compile(r"[^\w\s]")
# Letters dateparser treats as variants of each other (Arabic and Persian forms).
_VARIANTS = str.maketrans({"ی": "ي", "ى": "ي", "ک": "ك"})
# A string holding one of these is read by Arabic and Persian through each other's letters
# (dateparser 1.5's ``_VARIANT_LETTERS``): its languages are not narrowed by word.
_LETTER_VARIANTS = frozenset("یکيكى")


class MonthNamedParser:
    """Answers ``get_date_data`` as htmldate's parser does, asking dateparser fewer languages."""

    def get_date_data(self, date_string: str):
        """dateparser's ``DateData`` for ``date_string``, read in the languages that could read it.

        English is asked first, alone: it comes first in dateparser's order, so a date it reads
        is the all-language answer, and most dates on the web are English (no table needed).
        It is asked only if it knows every word of the string (:func:`english_could_read`): most
        strings htmldate sends are headlines ("Top 10 … in 2025"), and the first question to
        dateparser in a process costs ~0.2 s of set-up (its time-zone expressions, English's).
        When English was passed over or answered nothing and no other language could read the
        string, the answer is English's nothing, without asking it (again).
        """
        english_asked = _LETTER_RUNS.search(date_string) and not _ROMAN_NUMERAL.search(date_string) and _english_first()
        if english_asked and english_could_read(date_string):
            english = _parser_for(("en",)).get_date_data(date_string)
            if english.date_obj is not None:
                return english
        languages = languages_for(date_string)
        if english_asked and languages == FALLBACK_LANGUAGES:
            return _nothing_read()
        return _parser_for(languages).get_date_data(date_string)


def english_could_read(date_string: str) -> bool:
    """Whether English knows every word of ``date_string`` but those every language takes (see :func:`languages_for`).

    dateparser reads a string in a language only if the language knows each of its tokens, so
    English cannot read a string with a word it does not know. The words are those left after
    dateparser's own clean-up of the string (``dateparser.date.sanitize_date``, which drops
    "Published on:" before a date, a Croatian "u", a Russian "г."); a string its quarter reading
    would replace, or any string when those functions have moved, is left to English. Only
    English's words are needed, not the table of every language's (~0.2 s to build).
    """
    from dateparser import date as dateparser_date

    sanitize = getattr(dateparser_date, "sanitize_date", None)
    quarter = getattr(dateparser_date, "_RE_QUARTER", None)
    if not callable(sanitize) or not hasattr(quarter, "fullmatch"):
        return True
    cleaned = sanitize(date_string)
    if quarter.fullmatch(cleaned):
        return True
    english, universal = _english_words(), _universal_words()
    return all(word in english or word in universal for word in _LETTER_RUNS.findall(_fold(cleaned)))


@functools.lru_cache(maxsize=1)
def _english_words() -> frozenset[str]:
    """The folded words of English's dateparser data, as :func:`_month_table` reads every language's."""
    from dateparser.languages.loader import default_loader

    locale = default_loader.get_locale("en")
    return frozenset(word for phrase in set(_words_of(locale.info)) for word in _LETTER_RUNS.findall(_fold(phrase)))


@functools.lru_cache(maxsize=1)
def _nothing_read():
    """dateparser's answer for a string no language reads (``DateDataParser.get_date_data``'s last line)."""
    from dateparser.date import DateData

    return DateData(date_obj=None, period="day", locale=None)


def languages_for(date_string: str) -> tuple[str, ...] | None:
    """The languages that could read ``date_string``, in dateparser's order; None for all of them.

    Those that name a month in it, and those that know every word of it; a string without
    letters is left to all languages (dateparser tries one language per date order for it).
    """
    text = _fold(date_string)
    words = set(_LETTER_RUNS.findall(text))
    if not words:
        return None
    table = _month_table()
    found: set[str] = set()
    for runs, languages in table.spaced:
        if runs <= words:
            found.update(languages)
    unpunctuated = _PUNCTUATION.sub("", text)
    for name, languages in table.unspaced:
        if name in unpunctuated:
            found.update(languages)
    # a language reads a string only if it knows all its words (its month may be a number)
    found.update(frozenset.intersection(*(table.vocabulary.get(word, frozenset()) for word in words)))
    if not found and _unspaced().search(text):  # words written together cannot be told apart: any known one
        for word in words:
            found.update(table.vocabulary.get(word, ()))
    if not found:
        return FALLBACK_LANGUAGES
    languages = tuple(language for language in table.order if language in found)
    if _unspaced().search(text) or _ROMAN_NUMERAL.search(date_string) or _LETTER_VARIANTS.intersection(date_string):
        return languages
    return _knowing_every_word(languages, words, table) or FALLBACK_LANGUAGES


def _knowing_every_word(languages: tuple[str, ...], words: set[str], table: _MonthTable) -> tuple[str, ...]:
    """Those of ``languages`` that know every word of the string dateparser does not know in all of them.

    dateparser reads a string in a language only if the language knows each of its tokens
    (``Locale.is_applicable``), so one naming a month in it but not knowing another of its words
    ("Page last updated: Mon, 02 Mar 26") cannot read it, and asking it only compiles its
    expressions (tens of milliseconds a language, fifty languages for such a string). The words
    every language takes (``am``, ``UTC``, skip tokens, time-zone names, stripped before the check)
    are left out of the test; the answer is the first language that reads the string, in
    dateparser's order, so leaving out languages that cannot read it changes nothing.
    """
    told = [word for word in words if word not in table.universal]
    if not told:
        return languages
    return tuple(language for language in languages if all(language in table.vocabulary.get(word, ()) for word in told))


class _MonthTable:
    """Every dateparser language's month names, folded, with the languages that use each; and
    each word any language knows (weekdays, "of", "Uhr"...), with its languages."""

    def __init__(
        self,
        months: dict[str, set[str]],
        vocabulary: dict[str, frozenset[str]],
        order: tuple[str, ...],
        universal: frozenset[str] = frozenset(),
    ):
        self.order = order
        self.vocabulary = vocabulary
        self.universal = universal
        # a name in a spaced script matches when each of its letter runs is a word of the string
        self.spaced = [
            (frozenset(_LETTER_RUNS.findall(name)), frozenset(languages))
            for name, languages in months.items()
            if not _unspaced().search(name) and _LETTER_RUNS.search(name)
        ]
        # one in an unspaced script ("三月") when it occurs anywhere in the string
        self.unspaced = [
            (_PUNCTUATION.sub("", name), frozenset(languages)) for name, languages in months.items() if _unspaced().search(name)
        ]


@functools.lru_cache(maxsize=1)
def _month_table() -> _MonthTable:
    tables = _language_tables()
    months = {name: set(languages) for name, languages in tables["months"].items()}
    vocabulary = {word: frozenset(languages) for word, languages in tables["vocabulary"].items()}
    return _MonthTable(months, vocabulary, tuple(tables["order"]), _universal_words())


#: The stored tables' layout: a change of it (or of this module, or of dateparser or htmldate) is a new key.
_TABLES_FORMAT = 1


@functools.lru_cache(maxsize=1)
def _language_tables() -> dict:
    """Every dateparser language's folded month names and words (with the languages of each), their order,
    and htmldate's month words (``htmldate.extractors.month_words``): read from the user's cache, built once.

    Building them reads all 205 of dateparser's languages and folds every phrase of each, ~0.5 s of
    CPU in every process that met a date string English could not read (one ``bundler import``,
    each import worker, the benchmark's run); reading the stored copy ~0.05 s. The copy is keyed
    by this module's source, the dateparser and htmldate installed (version and place), Python's
    version and its Unicode tables, and carries the SHA-256 of its text: one that does not match,
    cannot be read or cannot be written is simply built again (the tables are the same either way).
    """
    path = _tables_path()
    if path is not None:
        stored = _read_tables(path)
        if stored is not None:
            return stored
    tables = _build_tables()
    if path is not None:
        from bundler.cache import store_sealed_json

        store_sealed_json(path, tables)
    return tables


def _tables_path():
    """Where the stored tables live, or None when what they depend on cannot be named."""
    import hashlib
    import importlib.util
    import sys
    from importlib import metadata
    from pathlib import Path

    from bundler.cache import cache_root, make_key

    try:
        places = [importlib.util.find_spec(name) for name in ("dateparser", "htmldate")]
        versions = [metadata.version(name) for name in ("dateparser", "htmldate")]
        source = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    except (ImportError, ValueError, OSError, metadata.PackageNotFoundError):
        return None
    if any(place is None or not place.origin for place in places):
        return None
    key = make_key(
        "date-language-tables",
        _TABLES_FORMAT,
        source,
        versions,
        [place.origin for place in places],
        list(sys.version_info[:2]),
        unicodedata.unidata_version,
    )
    return cache_root(None, "date-tables") / f"{key}.json"


def _build_tables() -> dict:
    """The tables as ``_month_table`` and htmldate read them, from dateparser's languages (insertion order kept)."""
    from dateparser.languages.loader import default_loader

    months: dict[str, dict[str, None]] = {}  # each name's languages, as an ordered set
    vocabulary: dict[str, dict[str, None]] = {}
    folded: dict[str, list[str]] = {}  # phrases repeat from language to language (English fallbacks)
    order = []
    for locale in default_loader.get_locales():
        order.append(locale.shortname)
        for key in MONTH_KEYS:
            for name in locale.info.get(key, []):
                if isinstance(name, str) and name.strip():
                    months.setdefault(_fold(name), {})[locale.shortname] = None
        for phrase in set(_words_of(locale.info)):
            for word in folded.get(phrase) or folded.setdefault(phrase, _LETTER_RUNS.findall(_fold(phrase))):
                vocabulary.setdefault(word, {})[locale.shortname] = None
    htmldate_words = _htmldate_month_words_function()
    return {
        "months": {name: list(languages) for name, languages in months.items()},
        "vocabulary": {word: list(languages) for word, languages in vocabulary.items()},
        "order": order,
        "month_words": sorted(htmldate_words()) if htmldate_words is not None else None,
    }


def _read_tables(path) -> dict | None:
    from bundler.cache import read_sealed_json

    tables = read_sealed_json(path)
    if not isinstance(tables, dict) or not all(key in tables for key in ("months", "vocabulary", "order", "month_words")):
        return None
    return tables


@functools.lru_cache(maxsize=1)
def _universal_words() -> frozenset[str]:
    """Words dateparser takes in every language without its data naming them (folded letter runs).

    Its parser's own tokens (``PARSER_KNOWN_TOKENS``: am, pm, UTC, GMT, Z), the skip tokens of the
    settings htmldate gives it, and every time-zone name and pattern, which it strips from the
    string before asking whether a language knows the rest.
    """
    from dateparser.conf import settings
    from dateparser.languages.dictionary import ALWAYS_KEEP_TOKENS, PARSER_KNOWN_TOKENS
    from dateparser.timezones import timezone_info_list

    phrases = [*PARSER_KNOWN_TOKENS, *ALWAYS_KEEP_TOKENS, *settings.SKIP_TOKENS, *PARSER_SETTINGS.get("SKIP_TOKENS", ())]
    for info in timezone_info_list:
        phrases.extend(_values_in(info, 0))
    return frozenset(word for phrase in phrases for word in _LETTER_RUNS.findall(_fold(str(phrase))))


def _words_of(info: dict):
    """The phrases a language's data names in that language: its words, and the words of its patterns.

    Every value is the language's own (months, weekdays, "ago", skipped words, relative phrases
    and their patterns); keys are dateparser's English names for them, except in
    ``simplifications``, where each key is the language's phrase and its value the English one.
    """
    for key, value in info.items():
        if key in _NOT_WORDS:
            continue
        if key == "simplifications":
            for item in value if isinstance(value, list) else [value]:
                yield from (item if isinstance(item, dict) else [item])
        else:
            yield from _values_in(value, 0)


def _values_in(data, depth: int):
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict) and depth < 6:
        for value in data.values():
            yield from _values_in(value, depth + 1)
    elif isinstance(data, (list, tuple)) and depth < 6:
        for item in data:
            yield from _values_in(item, depth + 1)


@functools.cache
def _unspaced() -> re.Pattern[str]:
    """``_UNSPACED_SCRIPTS`` compiled."""
    return re.compile(_UNSPACED_SCRIPTS)


@functools.lru_cache(maxsize=1)
def _english_first() -> bool:
    """Whether dateparser tries English before any other language (its order in 1.x)."""
    from dateparser.data.languages_info import language_order

    return language_order[:1] == ["en"]


@functools.lru_cache(maxsize=64)
def _parser_for(languages: tuple[str, ...] | None):
    from dateparser import DateDataParser

    return DateDataParser(languages=list(languages) if languages else None, settings=PARSER_SETTINGS)


def _fold(text: str) -> str:
    """Lower case, accents dropped (as dateparser's ``NORMALIZE``), Persian letter forms as Arabic."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn").translate(_VARIANTS)


@functools.lru_cache(maxsize=1)
def _month_named_parser() -> MonthNamedParser:
    return MonthNamedParser()


#: htmldate's own parser factory, kept when it is replaced (to compare against).
_REPLACED = []


def install_parser() -> bool:
    """Make htmldate use :class:`MonthNamedParser` (and the stored month words); False (and htmldate unchanged) if its factory is gone."""
    from htmldate import extractors

    _install_month_words(extractors)
    factory = getattr(extractors, "get_external_parser", None)
    if factory is _month_named_parser:
        return True
    if not callable(factory):
        return False
    _REPLACED.append(factory)
    extractors.get_external_parser = _month_named_parser
    return True


def htmldate_parser():
    """The parser htmldate built itself (all languages): what :class:`MonthNamedParser` must agree with."""
    install_parser()
    return _REPLACED[0]()


#: htmldate's own ``month_words``, kept when it is replaced by :func:`_stored_month_words`.
_REPLACED_MONTH_WORDS = []


def _install_month_words(extractors) -> None:
    """Make htmldate's date-cue test read its month words (every dateparser language's month names,
    as ``htmldate.extractors.month_words`` folds them) from the stored tables rather than from all 205
    languages again in each process: the same set, built by htmldate's own function once a machine."""
    current = getattr(extractors, "month_words", None)
    if current is _stored_month_words or not callable(current):
        return
    _REPLACED_MONTH_WORDS.append(current)
    extractors.month_words = _stored_month_words


def _htmldate_month_words_function():
    """htmldate's own ``month_words``, None when it has none."""
    if _REPLACED_MONTH_WORDS:
        return _REPLACED_MONTH_WORDS[0]
    from htmldate import extractors

    words = getattr(extractors, "month_words", None)
    return words if callable(words) and words is not _stored_month_words else None


@functools.lru_cache(maxsize=1)
def _stored_month_words() -> frozenset[str]:
    """htmldate's ``month_words()``, from the stored tables (htmldate's own function when they have none)."""
    words = _language_tables()["month_words"]
    if words is None:
        return _REPLACED_MONTH_WORDS[0]()
    return frozenset(words)
