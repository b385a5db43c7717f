"""Whether persiantools and convertdate give the same Gregorian day for every day of 1300-1499 SH.

bundler converts a Solar Hijri date line with persiantools (MIT, no dependencies); it used convertdate,
whose PyMeeus dependency is LGPLv3. This script checks the two agree on every day of the years bundler
converts (``cleaning.calendars.SOLAR_HIJRI_YEARS``): the month lengths (leap years) and the Gregorian day.
convertdate is no dependency of bundler any more: install it in a throwaway venv to run this.

    .venv/bin/python bench/solar_hijri_agree.py

Exit 0 when they agree, 1 when they differ (the first few differences printed), 2 when convertdate is missing.
"""

from __future__ import annotations

import sys
from datetime import date
from functools import cache


def main() -> int:
    try:
        from convertdate import persian
    except ImportError:
        print("convertdate is not installed: install it in a throwaway venv to compare (pip install convertdate)")
        return 2
    from persiantools.jdatetime import JalaliDate

    # convertdate computes the March equinox of a Gregorian year (PyMeeus) afresh for every day it converts,
    # 0.2 s each: remembered per year, every day still goes through convertdate's own to_gregorian
    persian.equinox_jd = cache(persian.equinox_jd)

    from bundler.cleaning.calendars import SOLAR_HIJRI_YEARS

    days = differences = 0
    for year in SOLAR_HIJRI_YEARS:
        for month in range(1, 13):
            theirs = persian.month_length(year, month)
            ours = JalaliDate.days_in_month(month, year)
            for day in range(1, max(theirs, ours) + 1):
                days += 1
                expected = date(*persian.to_gregorian(year, month, day)) if day <= theirs else None
                try:
                    found = JalaliDate(year, month, day).to_gregorian()
                except ValueError:
                    found = None
                if found != expected:
                    differences += 1
                    if differences <= 10:
                        print(f"{year}-{month:02}-{day:02} SH: convertdate {expected}, persiantools {found}")
    first, last = SOLAR_HIJRI_YEARS[0], SOLAR_HIJRI_YEARS[-1]
    print(f"{days} days of {first}-{last} SH compared: {differences} differences")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
