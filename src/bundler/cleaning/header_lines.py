"""The byline and date lines over an article, in the languages news sites are written in.

A page prints "Par Claire Dubois" and "Publié le 12 janvier 2024 à 10h32" over the story, as an
English one prints "By Jane Doe" and "Updated May 10, 2016". They are not the article: the
importer drops them from the top of the body, and reads the writer's name from a byline when
the metadata names nobody. The words that open a byline and label a date are a small table per
language in ``rules/header_lines.yaml``; whether a line holds a date needs no words at all: a
year with a day and a month (as digits or as a word) and little else.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from bundler.cleaning import read_rules
from bundler.text.typography import normalise_space

_RULES = Path(__file__).with_name("rules") / "header_lines.yaml"
#: Arabic-Indic and Persian digits read as ASCII ones.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
#: A date in digits, or a day, a month word and a year (either order, "12. Januar 2024", "January 12, 2024",
#: "12 de enero de 2024"), or the CJK "2024年1月12日".
_DATE = re.compile(
    r"(?<!\d)(?:"
    r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4}"
    r"|\d{4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?"
    r"|\d{1,2}\.?\s+(?:de\s+)?[^\W\d_][^\s\d,.]{2,}\.?,?\s+(?:de\s+)?\d{4}"
    r"|[^\W\d_][^\s\d,.]{2,}\.?\s+\d{1,2},?\s+\d{4}"
    r")(?!\d)"
)
#: A time of day ("10:32", "10h32", "14.05", "14時20分") and what sits around it.
_TIME = re.compile(r"(?<!\d)\d{1,2}\s*(?:[:h.時]\s*\d{2}(?:\s*[:分]\s*\d{0,2})?)(?!\d)", re.I)
#: A name's word: it starts with a letter that is not lower case (a capital, or a script without capitals).
_NAME_WORD = re.compile(r"^[^\W\d_]\S*$")
NAME_MAX_WORDS = 5


@cache
def _rules() -> dict:
    return read_rules(_RULES)


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """The byline-prefix, byline-suffix and date-label expressions, each compiled once."""
    rules = _rules()
    prefixes = "|".join(f"(?:{p})" for p in rules["byline_prefixes"])
    suffixes = "|".join(re.escape(s) for s in rules["byline_suffixes"])
    labels = "|".join(f"(?:{p})" for p in rules["date_labels"])
    return (
        re.compile(rf"^(?:{prefixes})(?:\s*[:：/／・]\s*|\s+)(?P<name>\S.{{0,80}})$", re.I),
        re.compile(rf"^(?P<name>\S.{{0,80}}?)\s*(?:{suffixes})$"),
        re.compile(rf"^(?:{labels})(?:\s+(?:on|le|am|el|em|il|op|в|tarihi|في|于|日))?\s*[:：]?\s*", re.I),
    )


def byline_name(text: str) -> str:
    """The writer's name a byline line gives ("Par Claire Dubois" -> "Claire Dubois"), or ""."""
    text = normalise_space(text)
    prefix, suffix, _labels = _patterns()
    match = prefix.match(text) or suffix.match(text)
    if not match:
        return ""
    name = match.group("name").strip(" ,;|:：")
    words = name.split()
    if not 1 <= len(words) <= NAME_MAX_WORDS or not all(_NAME_WORD.match(w) and not w[0].islower() for w in words):
        return ""
    if len(words) == 1 and words[0][0].isupper():
        return ""  # "Di Maio", "Von Trapp": a surname with its particle, not a byline
    return name


def is_date_line(text: str) -> bool:
    """A short line that is a date with at most a label, a weekday and a time: "Publié le 12 janvier 2024 à 10h32"."""
    rules = _rules()
    text = normalise_space(text).translate(_DIGITS)
    if not text or len(text) > rules["date_line_max_chars"] or text.endswith((":", "：")) or not any(c.isdigit() for c in text):
        return False  # a line ending in a colon opens what follows it ("Effective from 6/2/2025:")
    found = _DATE.search(text)
    if not found:
        return False
    rest = _patterns()[2].sub("", text[: found.start()]) + " " + text[found.end() :]
    rest = _TIME.sub(" ", rest)
    words = [token for token in rest.split() if any(c.isalpha() for c in token)]
    return len(words) <= rules["date_line_other_words"]
