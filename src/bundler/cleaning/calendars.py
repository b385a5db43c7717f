"""The Gregorian day of a Hijri or Solar Hijri date, for an Arabic or Persian page that prints only that.

Arabic news sites print the Hijri date over a story ("١ رجب ١٤٤٥ هـ"), Persian ones the Solar Hijri
date ("پنجشنبه ۲۱ دی ۱۴۰۲"); when the page gives no Gregorian date anywhere, the piece's date is the
converted one. Both conversions are maintained libraries, as dateparser's own calendars use them:
``hijridate`` holds the Umm al-Qura tables (the calendar Saudi and most Arab news sites print; a
tabular or sighted Hijri calendar may differ by a day), ``persiantools`` the Persian calendar Iran
prints (it agrees with convertdate's astronomical one on every day of 1300-1499 SH:
bench/solar_hijri_agree.py). A date neither calendar has (day 30 of a 29-day month, a year outside the
tables) is refused, never guessed.
"""

from __future__ import annotations

from datetime import date

from bundler.cleaning.header_lines import HIJRI, SOLAR_HIJRI

#: Solar Hijri years converted: the years of the web and a margin (1300 SH = 1921); a misread number
#: outside them is refused.
SOLAR_HIJRI_YEARS = range(1300, 1500)


def to_gregorian(calendar: str, year: int, month: int, day: int) -> date | None:
    """The Gregorian day of ``year-month-day`` in ``calendar`` (``HIJRI`` or ``SOLAR_HIJRI``), or None when
    that calendar has no such day."""
    if calendar == HIJRI:
        return _from_hijri(year, month, day)
    if calendar == SOLAR_HIJRI:
        return _from_solar_hijri(year, month, day)
    return None


def _from_hijri(year: int, month: int, day: int) -> date | None:
    from hijridate import Hijri  # imported on the rare page that needs it: import stays fast

    try:
        found = Hijri(year, month, day).to_gregorian()  # checks the month's length in Umm al-Qura
    except (ValueError, OverflowError):  # OverflowError: a year outside the tables (1343-1500 AH)
        return None
    return date(found.year, found.month, found.day)


def _from_solar_hijri(year: int, month: int, day: int) -> date | None:
    from persiantools.jdatetime import JalaliDate  # imported on the rare page that needs it: import stays fast

    if year not in SOLAR_HIJRI_YEARS:
        return None
    try:
        return JalaliDate(year, month, day).to_gregorian()  # checks the month and its length (30 Esfand in a leap year only)
    except ValueError:
        return None
