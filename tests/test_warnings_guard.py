"""The warnings guard itself: an undeclared warning fails a test, a declared one that never comes fails too."""

from __future__ import annotations

from tests.conftest import ROOT

pytest_plugins = ["pytester"]

CONFTEST = """
from tests.conftest import _watch_warnings, pytest_configure, pytest_runtest_call, pytest_runtest_setup
"""

CASES = """
import logging

import pytest

from bundler.errors import Report
from tests.warnings_guard import expected_warnings

def test_report_warning_undeclared():
    Report().warn("a figure lost its image", "W123")


def test_weasyprint_log_undeclared():
    logging.getLogger("weasyprint").warning("Ignored `foo: bar` at 1:1, unknown property.")


def test_info_is_not_a_warning():
    logging.getLogger("weasyprint").info("Step 1 - Fetching and parsing HTML")


@pytest.mark.expect_warnings(r"^W123 a figure")
def test_declared_by_marker():
    Report().warn("a figure lost its image", "W123")


@pytest.mark.expect_warnings(r"^W123 ")
def test_declared_but_never_given():
    pass


def test_declared_by_block():
    with expected_warnings(r"unknown property") as seen:
        logging.getLogger("weasyprint").warning("Ignored `foo: bar` at 1:1, unknown property.")
    assert seen == ["weasyprint WARNING: Ignored `foo: bar` at 1:1, unknown property."]


def test_warning_copied_into_a_report_undeclared():
    from bundler.errors import Problem

    Report().warnings.extend([Problem("replayed from the cache", code="W777")])


@pytest.mark.expect_warnings(r"^W777 replayed")
def test_warning_copied_into_a_report_declared():
    from bundler.errors import Problem

    Report().warnings.extend([Problem("replayed from the cache", code="W777")])


def test_block_does_not_excuse_what_comes_after():
    with expected_warnings(r"W1"):
        Report().warn("inside", "W1")
    Report().warn("outside", "W2")
"""


def test_the_guard_fails_exactly_the_undeclared_and_the_stale(pytester, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_cases=CASES)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-rA")
    outcomes = {
        name: outcome
        for outcome in ("PASSED", "FAILED")
        for line in result.outlines
        if line.startswith(outcome + " ")
        for name in [line.split("::")[1].split(" ")[0]]
    }
    assert outcomes == {
        "test_report_warning_undeclared": "FAILED",
        "test_weasyprint_log_undeclared": "FAILED",
        "test_info_is_not_a_warning": "PASSED",
        "test_declared_by_marker": "PASSED",
        "test_declared_but_never_given": "FAILED",
        "test_declared_by_block": "PASSED",
        "test_warning_copied_into_a_report_undeclared": "FAILED",
        "test_warning_copied_into_a_report_declared": "PASSED",
        "test_block_does_not_excuse_what_comes_after": "FAILED",
    }, result.stdout.str()
    output = result.stdout.str()
    assert "undeclared warnings" in output and "W123 a figure lost its image" in output
    assert "weasyprint WARNING: Ignored `foo: bar` at 1:1, unknown property." in output
    assert "the declared warning '^W123 ' never came" in output
    assert "W777 replayed from the cache" in output
    assert "W2 outside" in output and "W1 inside" not in output
