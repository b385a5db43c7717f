"""The one place that reads the time, so builds are reproducible (SOURCE_DATE_EPOCH)."""

from __future__ import annotations

import os
from datetime import UTC, datetime

#: Used when neither SOURCE_DATE_EPOCH nor a manifest date is set: a fixed, honest epoch
#: rather than "now", so that two builds of the same inputs give the same bytes.
_ZIP_MINIMUM = datetime(1980, 1, 1, tzinfo=UTC)


def build_time(fallback: str = "") -> datetime:
    """Return the build timestamp in UTC.

    Order: ``SOURCE_DATE_EPOCH`` (the reproducible-builds convention), then ``fallback``
    (an ISO date from the manifest), then 1980-01-01 so outputs never depend on the clock.
    """
    pinned = source_date_epoch()
    if pinned:
        return pinned
    if fallback:
        parsed = parse_iso(fallback)
        if parsed:
            return parsed
    return _ZIP_MINIMUM


def parse_iso(text: str) -> datetime | None:
    """Parse an ISO date or datetime into an aware UTC datetime, or None."""
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def zip_date_time(moment: datetime) -> tuple[int, int, int, int, int, int]:
    """A zip entry timestamp for ``moment``, clamped to the zip format's 1980 minimum."""
    moment = max(moment, _ZIP_MINIMUM)
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)


def iso_seconds(moment: datetime) -> str:
    """``2016-05-10T00:00:00Z``: the form EPUB's dcterms:modified requires."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def record_time() -> datetime:
    """When something happens for the record (an import, an edit, a bag): ``SOURCE_DATE_EPOCH``, else now.

    Editions never use this (their time is ``build_time``); a chain of custody needs the real
    date, and ``SOURCE_DATE_EPOCH`` still pins it for a reproducible bag or a test.
    """
    return source_date_epoch() or datetime.now(UTC)


def source_date_epoch() -> datetime | None:
    """``SOURCE_DATE_EPOCH`` as a UTC time (the reproducible-builds convention); None when unset or unreadable."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return None
    try:
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    except (ValueError, OverflowError, OSError):
        return None
