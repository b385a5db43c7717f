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
    prefixes = "|".join(f"(?:{p})" for p in (*rules["byline_openers"], *rules["byline_prefixes"]))
    suffixes = "|".join(re.escape(s) for s in rules["byline_suffixes"])
    labels = "|".join(f"(?:{p})" for p in rules["date_labels"])
    return (
        re.compile(rf"^(?:{prefixes})(?:\s*[:：/／・]\s*|\s+)(?P<name>\S.{{0,80}})$", re.I),
        re.compile(rf"^(?P<name>\S.{{0,80}}?)\s*(?:{suffixes})$"),
        re.compile(rf"^(?:{labels})(?:\s+(?:on|le|am|el|em|il|op|в|tarihi|في|于|日))?\s*[:：]?\s*", re.I),
    )


@cache
def _opener() -> re.Pattern[str]:
    """A line opening with a word that opens no sentence ("By", "بقلم"), then anything up to 80 characters."""
    openers = "|".join(f"(?:{p})" for p in _rules()["byline_openers"])
    return re.compile(rf"^(?:{openers})\s+\S.{{0,80}}$", re.I)


@cache
def _joiners() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A joining word between spaces ("and", "und", "et", "و") or "、", and what splits names once one is there:
    the joining words and commas ("A, B und C"). Case matters: "October 17, 2023 6:01 PM ET" joins nobody."""
    words = "|".join(re.escape(w) for w in _rules()["byline_joiners"])
    return (  # in lower case only: "ET" after a time, "I", "A" are no joining words
        re.compile(rf"\s+(?:{words})\s+|\s*、\s*"),
        re.compile(rf"\s*[,，、]\s*(?:(?:{words})\s+)?|\s+(?:{words})\s+"),
    )


#: Where a byline's names end and a role, an agency or a date begins ("Jane Doe | Reuters", "Jane Doe - 12 May").
_AFTER_NAMES = re.compile(r"\s+[|–—·•-]\s+.*$|\s*[|•·]\s*.*$")


def is_byline(text: str) -> bool:
    """Whether a line is a byline: it opens with a word that opens no sentence ("By", "بقلم"), or it gives a
    writer's name after or before a byline's word in any language ("Par Claire Dubois", "王丽 报道")."""
    text = normalise_space(text)
    return bool(_opener().match(text)) or bool(byline_names(text))


def byline_name(text: str) -> str:
    """The writers a byline line gives, as one text ("Par Claire Dubois" -> "Claire Dubois"), or ""."""
    return ", ".join(byline_names(text))


def byline_names(text: str) -> list[str]:
    """The writers a byline line names ("By Jane Doe and John Roe" -> both; "Von A, B und C" -> three),
    or none when what follows the byline's word is not names (a sentence: "Par ailleurs, le maire a dit").

    A name is one to five words none of which starts in lower case; after the names a role, an agency or a
    date may follow a bar or a dash ("Jane Doe | Reuters"). Without a joining word ("and", "und", "et", "و")
    a comma ends the names too ("Jane Doe, Staff Writer" names Jane Doe).
    """
    text = normalise_space(text)
    prefix, suffix, _labels = _patterns()
    match = prefix.match(text) or suffix.match(text)
    if not match:
        return []
    names = _AFTER_NAMES.sub("", match.group("name")).strip(" ,;|:：")
    joined, split = _joiners()
    if joined.search(names):
        parts = split.split(names)
    else:  # "Jane Doe, Staff Writer": a role or an agency after a comma, not a sentence ("Par X, le maire a dit ...")
        parts = re.split(r"\s*[,，]\s*", names, maxsplit=1)
        if len(parts) > 1 and len(parts[1].split()) > NAME_MAX_WORDS:
            return []
        parts = parts[:1]
    parts = [p for p in parts if p]
    if not parts or not all(_is_name(p, alone=len(parts) == 1) for p in parts):
        return []
    return parts


def split_names(text: str) -> list[str]:
    """Several writers' names given without a byline's word ("Jane Doe, John Roe", "A und B"), each alone;
    what follows a bar is not a name ("Jane Doe | Reuters")."""
    return [p for p in _joiners()[1].split(text.split("|")[0]) if p]


def strip_byline_word(text: str) -> str:
    """A writer's name without the byline word before it ("By jdoe" -> "jdoe"); the words that open no
    sentence (``byline_openers``) only, since "Von Trapp" is a name."""
    return _opener_word().sub("", text)


@cache
def _opener_word() -> re.Pattern[str]:
    openers = "|".join(f"(?:{p})" for p in _rules()["byline_openers"])
    return re.compile(rf"^(?:{openers})\s*[:：]?\s+", re.I)


def _is_name(name: str, *, alone: bool) -> bool:
    """One to five words, none starting in lower case; a single capitalised word alone is a surname with its
    particle ("Di Maio", "Von Trapp"), not a byline."""
    words = name.split()
    if not 1 <= len(words) <= NAME_MAX_WORDS or not all(_NAME_WORD.match(w) and not w[0].islower() for w in words):
        return False
    return not (alone and len(words) == 1 and words[0][0].isupper())


#: What follows a stamp's label: at most this many characters ("Updated 3 hours ago", "Mis à jour le 12/05/2024 à 10h32").
STAMP_TAIL_CHARS = 60


@cache
def _stamp() -> re.Pattern[str]:
    """A line that opens with a stamp's label (``stamp_labels``), not inside a longer word ("Postedby", "公開する"),
    and is at most ``STAMP_TAIL_CHARS`` long after it."""
    labels = "|".join(f"(?:{p})" for p in _rules()["stamp_labels"])
    return re.compile(rf"^(?:{labels})(?![^\W\d_]).{{0,{STAMP_TAIL_CHARS}}}$", re.I)


def is_stamp_line(text: str) -> bool:
    """A stamp of publication or of the last change over the article, in any language, whether or not it holds a
    date: "Updated 3 hours ago", "Aktualisiert vor 2 Stunden", "آخر تحديث: منذ ساعتين", "更新时间：2024-01-12"."""
    return bool(_stamp().match(normalise_space(text)))


def is_date_line(text: str) -> bool:
    """A short line that is a date with at most a label, a weekday and a time: "Publié le 12 janvier 2024 à 10h32",
    "الجمعة ١ رجب ١٤٤٥ هـ الموافق ١٢ يناير ٢٠٢٤ م", "پنجشنبه ۲۱ دی ۱۴۰۲"."""
    rules = _rules()
    text = normalise_space(text).translate(_DIGITS)
    if not text or len(text) > rules["date_line_max_chars"] or text.endswith((":", "：")) or not any(c.isdigit() for c in text):
        return False  # a line ending in a colon opens what follows it ("Effective from 6/2/2025:")
    text, other_calendars = _other_calendar().subn(" ", text)
    found = _DATE.search(text)
    if not found and not other_calendars:
        return False
    before, after = (text[: found.start()], text[found.end() :]) if found else (text, "")
    rest = _patterns()[2].sub("", before.strip()) + " " + after
    rest = _TIME.sub(" ", rest)
    words = [token for token in rest.split() if any(c.isalpha() for c in token) and not _calendar_word().match(token)]
    return len(words) <= rules["date_line_other_words"]


def gregorian_date_text(text: str) -> str:
    """The Gregorian date a date line gives ("12 يناير 2024" of "الجمعة ١ رجب ١٤٤٥ هـ الموافق ١٢ يناير ٢٠٢٤ م"),
    digits made ASCII, or "" (no date line, or only a Hijri or Solar Hijri date: ``other_calendar_date``)."""
    if not is_date_line(text):
        return ""
    found = _DATE.search(_other_calendar().sub(" ", normalise_space(text).translate(_DIGITS)))
    return found.group() if found else ""


#: The calendars ``other_calendar_date`` names, as ``rules/header_lines.yaml`` lists their months.
HIJRI, SOLAR_HIJRI = "hijri", "solar_hijri"


def other_calendar_date(text: str, *, persian: bool | None = None) -> tuple[str, int, int, int] | None:
    """The Hijri or Solar Hijri date of a date line that prints no Gregorian one, as (calendar, year, month,
    day): ``(HIJRI, 1445, 7, 1)`` of "١ رجب ١٤٤٥ هـ", ``(SOLAR_HIJRI, 1402, 10, 21)`` of "پنجشنبه ۲۱ دی ۱۴۰۲".
    A month word names its calendar, and so does the era after a date in digits ("ه.ش" Solar Hijri, "هـ"
    Hijri); None for a line with a Gregorian date (that one is read) or with neither.

    A date in digits alone ("۱۴۰۲/۱۰/۲۱", a year 1300-1499) is Solar Hijri when ``persian`` (the page is
    Persian), never when the page declares another language (``persian`` False: an Arabic or Urdu page's
    "١٤٤٥/٠٧/٠١" is Hijri, and Urdu writes the same digits as Persian), and with ``persian`` None (no language
    declared) only when written in Persian digits. The values are not checked here: a day the calendar does not
    have is refused when it is converted."""
    if not is_date_line(text):
        return None
    written = normalise_space(text)
    text = written.translate(_DIGITS)
    if _DATE.search(_other_calendar().sub(" ", text)):
        return _solar_hijri_digits(written, text, persian)
    found = _other_calendar().search(text)
    if not found:
        return None
    if found["month"]:
        calendar, month = _month_number(found["month"])
        return calendar, int(found["year"]), month, int(found["day"])
    solar = re.match(rf"\s*(?:{_rules()['solar_hijri_era']})", text[found.end() :])
    return (SOLAR_HIJRI if solar else HIJRI), int(found["dyear"]), int(found["dmonth"]), int(found["dday"])


#: A Solar Hijri date in digits alone, year first ("1402/10/21"; digits already ASCII), and the Persian digits.
_SOLAR_HIJRI_DIGITS = re.compile(r"(?<!\d)(1[34]\d\d)[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
_PERSIAN_DIGITS = re.compile("[۰-۹]")


def _solar_hijri_digits(written: str, text: str, persian: bool | None) -> tuple[str, int, int, int] | None:
    """The Solar Hijri date in digits alone of a date line (``written``; ``text`` the same with ASCII digits) on a
    Persian page, or in Persian digits on a page of no declared language; None when another date is beside it."""
    found = _SOLAR_HIJRI_DIGITS.search(text)
    if persian is False or not found or _DATE.search(text[: found.start()] + " " + text[found.end() :]):
        return None
    if persian is None and not _PERSIAN_DIGITS.search(written[found.start() : found.end()]):
        return None
    return SOLAR_HIJRI, int(found[1]), int(found[2]), int(found[3])


def _month_number(word: str) -> tuple[str, int]:
    """The calendar and the number (1-12) of a month word ``_other_calendar`` found."""
    for calendar, months in _rules()["calendar_months"].items():
        for number, spellings in enumerate(months, 1):
            if re.fullmatch(spellings, word):
                return calendar, number
    raise LookupError(word)  # _other_calendar matches only the words listed


@cache
def _other_calendar() -> re.Pattern[str]:
    """A Hijri or Solar Hijri date ("15 رجب 1445 هـ", "21 دی 1402"; digits already ASCII), or one in digits with its era."""
    months = "|".join(f"(?:{p})" for listed in _rules()["calendar_months"].values() for p in listed)
    return re.compile(
        rf"(?<!\d)(?:(?P<day>\d{{1,2}})\s+(?P<month>{months})\s+(?P<year>\d{{3,4}})"
        rf"|(?P<dyear>1[34]\d\d)[-/.](?P<dmonth>\d{{1,2}})[-/.](?P<dday>\d{{1,2}})(?=\s*(?:هـ|ه|ش)))(?!\d)"
    )


@cache
def _calendar_word() -> re.Pattern[str]:
    words = "|".join(f"(?:{w})" for w in _rules()["calendar_words"])
    return re.compile(rf"^(?:{words})[.,،]?$")
