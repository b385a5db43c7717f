"""Fail any test on a warning it did not declare, as WeasyPrint's ``assert_no_logs`` does.

Watched: every WARNING (or worse) record of the ``bundler`` and ``weasyprint`` loggers, and
every warning bundler files in a build ``Report`` (its own warning channel). A test declares
what it expects with the marker ``@pytest.mark.expect_warnings(pattern, ...)`` or the block
``with expected_warnings(pattern, ...) as seen:``; each pattern (a regex searched in
``"CODE message"`` or ``"logger LEVEL: message"``) must match at least once, so a declaration
cannot outlive the warning it excuses. Warnings raised while a session fixture builds count
against the test whose setup built it, so session fixtures declare theirs the same way.

Limit: warnings filed inside worker processes (parallel PDF parts, image workers) are seen
only when the parent files them into its own ``Report``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest

from bundler.errors import Report

WATCHED_LOGGERS = ("bundler", "weasyprint")


@dataclass
class Seen:
    """One warning seen during a test, and whether something declared it."""

    text: str
    declared: bool = False


class WarningWatch(logging.Handler):
    """Collects the warnings of the running test."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.seen: list[Seen] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.seen.append(Seen(f"{record.name} {record.levelname}: {record.getMessage()}"))

    def reset(self) -> None:
        self.seen.clear()


WATCH = WarningWatch()


def install(patch: pytest.MonkeyPatch) -> None:
    """Watch the loggers and every ``Report.warn`` for the rest of the session."""
    for name in WATCHED_LOGGERS:
        logging.getLogger(name).addHandler(WATCH)
    original = Report.warn

    def warn(self, message: str, code: str = "W000", **where) -> None:
        original(self, message, code, **where)
        WATCH.seen.append(Seen(f"{code} {message}"))

    patch.setattr(Report, "warn", warn)


def uninstall() -> None:
    for name in WATCHED_LOGGERS:
        logging.getLogger(name).removeHandler(WATCH)


def _declare(patterns: tuple[str, ...], seen: list[Seen], where: str) -> None:
    """Mark what ``patterns`` match as declared; fail when a pattern matched nothing."""
    for pattern in patterns:
        matched = [s for s in seen if re.search(pattern, s.text)]
        if not matched:
            texts = "\n  ".join(s.text for s in seen) or "(none)"
            pytest.fail(f"{where}: the declared warning {pattern!r} never came; seen:\n  {texts}", pytrace=False)
        for s in matched:
            s.declared = True


@contextmanager
def expected_warnings(*patterns: str) -> Iterator[list[str]]:
    """Declare the warnings the block must give; yields their texts (filled when the block ends)."""
    start = len(WATCH.seen)
    texts: list[str] = []
    yield texts
    inside = WATCH.seen[start:]
    _declare(patterns, inside, "expected_warnings")
    texts.extend(s.text for s in inside)


def check(item: pytest.Item) -> None:
    """Fail ``item`` on an undeclared warning, or on a marker's pattern that matched nothing."""
    for marker in item.iter_markers("expect_warnings"):
        _declare(tuple(marker.args), WATCH.seen, "expect_warnings")
    undeclared = [s.text for s in WATCH.seen if not s.declared]
    if undeclared:
        listed = "\n  ".join(undeclared)
        pytest.fail(f"undeclared warnings (fix them, or declare them with expect_warnings/expected_warnings):\n  {listed}", pytrace=False)
