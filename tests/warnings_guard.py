"""Fail any test on a warning it did not declare, as WeasyPrint's ``assert_no_logs`` does.

Watched: every WARNING (or worse) record of the ``bundler`` and ``weasyprint`` loggers, and
every warning in a build ``Report`` (bundler's own warning channel; ``N`` notes are not
warnings): those filed with
``Report.warn``, and those copied into a report made during the test (a cached build replays
its warnings that way). A test declares
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

from bundler.errors import Problem, Report

WATCHED_LOGGERS = ("bundler", "weasyprint")


@dataclass
class Seen:
    """One warning seen during a test, whether something declared it, and the report entry it is."""

    text: str
    declared: bool = False
    problem: Problem | None = None


class WarningWatch(logging.Handler):
    """Collects the warnings of the running test."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.seen: list[Seen] = []
        self.reports: list[Report] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.seen.append(Seen(f"{record.name} {record.levelname}: {record.getMessage()}"))

    def add_problem(self, problem: Problem) -> None:
        """Record a report entry; ``N`` codes are routine notes (counted, never fatal), not warnings."""
        if not problem.code.startswith("N"):
            self.seen.append(Seen(f"{problem.code} {problem.message}", problem=problem))

    def collect(self) -> None:
        """Add the warnings that reached a watched report without ``warn`` (copied in from a cache or a worker)."""
        known = {id(s.problem) for s in self.seen if s.problem is not None}
        for report in self.reports:
            for problem in report.warnings:
                if id(problem) not in known and not problem.code.startswith("N"):
                    known.add(id(problem))
                    self.add_problem(problem)

    def reset(self) -> None:
        self.seen.clear()
        self.reports.clear()


WATCH = WarningWatch()


def install(patch: pytest.MonkeyPatch) -> None:
    """Watch the loggers and every ``Report.warn`` for the rest of the session."""
    for name in WATCHED_LOGGERS:
        logging.getLogger(name).addHandler(WATCH)
    original_warn, original_init = Report.warn, Report.__init__

    def warn(self, message: str, code: str = "W000", **where) -> None:
        original_warn(self, message, code, **where)
        WATCH.add_problem(self.warnings[-1])

    def init(self, *args, **kwargs) -> None:
        original_init(self, *args, **kwargs)
        WATCH.reports.append(self)

    patch.setattr(Report, "warn", warn)
    patch.setattr(Report, "__init__", init)


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
    WATCH.collect()
    start = len(WATCH.seen)
    texts: list[str] = []
    yield texts
    WATCH.collect()
    inside = WATCH.seen[start:]
    _declare(patterns, inside, "expected_warnings")
    texts.extend(s.text for s in inside)


def check(item: pytest.Item) -> None:
    """Fail ``item`` on an undeclared warning, or on a marker's pattern that matched nothing."""
    WATCH.collect()
    for marker in item.iter_markers("expect_warnings"):
        _declare(tuple(marker.args), WATCH.seen, "expect_warnings")
    undeclared = [s.text for s in WATCH.seen if not s.declared]
    if undeclared:
        listed = "\n  ".join(undeclared)
        pytest.fail(f"undeclared warnings (fix them, or declare them with expect_warnings/expected_warnings):\n  {listed}", pytrace=False)
