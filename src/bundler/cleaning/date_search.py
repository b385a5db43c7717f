"""htmldate's last-resort search of a page's HTML, run over the only parts of it a pattern can match.

When no meta tag, JSON-LD, element or text segment names a date, htmldate's extensive search
(``htmldate.core.search_page``) runs up to nine regular expressions over the whole serialised
page with ``findall``, then one for dates in words (``regex_parse``). On the real pages that get
there (one in seven) that was ~25 ms a page, a seventh of the metadata reader's time: most
patterns begin with ``\\D``, which every character of the page satisfies, so the engine tries a
match at every position of a string of a hundred thousand characters or more.

The same matches can be found in a much shorter string. Six of the patterns
(``DIGIT_PATTERNS``) match one non-digit, then ASCII digits with single separators between
them, then one non-digit: no match holds two non-digits in a row, so deleting the inside of
every run of three or more non-digits (keeping its first and last character, the ones next to
a digit) deletes no character of any match and joins no two characters into a new one, and
``findall`` gives the same list (a sixteenth of the page's length to scan). The words pattern
(``regex_parse``) matches only letters, white space, ASCII digits, commas and full stops, and
every match holds a year (``199d`` or ``20[0-3]d``): the page's runs of those characters that hold
such four digits, joined by a character it cannot match ("<"), give the same matches in the same
order. The runs are found from the years out (a search for four digits, then each run's ends),
not by reading every run of the page: that was nine tenths of this search's time. The other
patterns (a copyright sign, a lookbehind for "w3.org") read the page as it is.

:func:`install_search` puts these in front of htmldate's ``plausible_year_filter`` and
``regex_parse`` as ``htmldate.core`` calls them; a pattern not recorded here is searched in the
whole string, and if htmldate's names move nothing is replaced
(``tests/importers/test_date_search.py`` then fails so the seam is looked at).
"""

from __future__ import annotations

import re

#: htmldate 1.11's patterns (``htmldate.core``) made only of ``\D``, ASCII digits and single separators.
DIGIT_PATTERNS = frozenset(
    {
        r"\D([0-9]{4}[/.-][0-9]{2}[/.-][0-9]{2})\D",  # THREE_LOOSE_PATTERN
        r"\D([0-3]?[0-9][/.-][0-1]?[0-9][/.-][0-9]{4})\D",  # SELECT_YMD_PATTERN
        r"(\D19[0-9]{2}[01][0-9][0-3][0-9]\D|\D20[0-9]{2}[01][0-9][0-3][0-9]\D)",  # DATESTRINGS_PATTERN
        r"\D([0-3]?[0-9]/[0-1]?[0-9]/[0129][0-9]|[0-3][0-9]\.[01][0-9]\.[0129][0-9])\D",  # SLASHES_PATTERN
        r"\D([12][0-9]{3}[/.-](?:1[0-2]|0[1-9]))\D",  # YYYYMM_PATTERN
        r"\D([0-1]?[0-9][/.-][12][0-9]{3})\D",  # MMYYYY_PATTERN
    }
)
#: htmldate 1.11's ``LONG_TEXT_PATTERN`` (``htmldate.extractors``), what :data:`_WORD_RUN` was read off.
WORDS_PATTERN = (
    r"(?P<month>(?<![^\W\d_])[^\W\d_]{3,})\s(?P<day>[0-3]?[0-9])(?:st|nd|rd|th)?,? (?P<year>(?:199[0-9]|20[0-3][0-9]))|"
    r"(?P<day2>[0-3]?[0-9])(?:st|nd|rd|th|\.)? (?:of )?(?P<month2>(?<![^\W\d_])[^\W\d_]{3,})[,.]? "
    r"(?P<year2>(?:199[0-9]|20[0-3][0-9]))"
)

# the inside of a run of non-digits (its first and last characters stay)
_RUN_INSIDE = re.compile(r"(?<=[^0-9])[^0-9]+(?=[^0-9])")
# what the words pattern can match: letters (as it reads them, ignoring case), white space, digits, "," and "."
_WORD_RUN = re.compile(r"(?:[^\W\d_]|[0-9\s,.])*", re.I)
# the four digits of every year the words pattern reads ((?:199[0-9]|20[0-3][0-9]))
_YEAR = re.compile("(?:199|20[0-3])[0-9]")
_BARRIER = "<"

#: The last page searched and its shortened forms (htmldate searches one page's string many
#: times). Each call reads its own snapshot, so threads sharing it can only miss the cache.
_last: tuple = (None, None, None)


def digit_windows(htmlstring: str) -> str:
    """``htmlstring`` with the inside of every run of three or more non-digits deleted."""
    global _last
    last = _last
    if last[0] is not htmlstring or last[1] is None:
        windows = _RUN_INSIDE.sub("", htmlstring)
        _last = (htmlstring, windows, last[2] if last[0] is htmlstring else None)
        return windows
    return last[1]


def word_runs(htmlstring: str) -> str:
    """The runs of ``htmlstring`` the words pattern can match that hold a year, joined by "<"."""
    global _last
    last = _last
    if last[0] is not htmlstring or last[2] is None:
        runs = _BARRIER.join(_year_runs(htmlstring))
        _last = (htmlstring, last[1] if last[0] is htmlstring else None, runs)
        return runs
    return last[2]


def _year_runs(htmlstring: str) -> list[str]:
    """Each longest run of :data:`_WORD_RUN`'s characters holding a year's digits, once, in page order.

    A run reaches from the year's first digit back and forward over the run's characters (back:
    forward in the reversed string, made only when a year is found). Years overlapping one found
    ("1991999") are digits of the same run, so the search's non-overlapping matches miss no run.
    """
    runs = []
    end = 0
    reverse = ""
    length = len(htmlstring)
    for year in _YEAR.finditer(htmlstring):
        at = year.start()
        if at < end:
            continue  # inside the run just taken
        reverse = reverse or htmlstring[::-1]
        start = at - (_WORD_RUN.match(reverse, length - at).end() - (length - at))
        end = _WORD_RUN.match(htmlstring, at).end()
        runs.append(htmlstring[start:end])
    return runs


def install_search() -> bool:
    """Put the shortened searches in front of htmldate's; False (htmldate unchanged) if its names moved."""
    from htmldate import core, extractors, validators

    year_filter = getattr(validators, "plausible_year_filter", None)
    words = getattr(extractors, "regex_parse", None)
    pattern = getattr(extractors, "LONG_TEXT_PATTERN", None)
    if getattr(core, "plausible_year_filter", None) is not year_filter or getattr(core, "regex_parse", None) is not words:
        return getattr(core.plausible_year_filter, "shortened", False)
    if not callable(year_filter) or not callable(words) or getattr(pattern, "pattern", None) != WORDS_PATTERN:
        return False
    if pattern.flags & ~re.UNICODE != re.IGNORECASE:
        return False

    def plausible_year_filter(htmlstring, *, pattern, **limits):
        if pattern.pattern in DIGIT_PATTERNS and not pattern.flags & ~re.UNICODE:
            htmlstring = digit_windows(htmlstring)
        return year_filter(htmlstring, pattern=pattern, **limits)

    def regex_parse(string):
        return words(word_runs(string))

    plausible_year_filter.shortened = True
    core.plausible_year_filter = plausible_year_filter
    core.regex_parse = regex_parse
    return True
