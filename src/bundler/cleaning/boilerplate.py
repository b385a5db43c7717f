"""Recognise site furniture ("First published at", "Further Reading") by rules in data."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from bundler.cleaning import read_rules
from bundler.text.typography import normalise_space

_RULES = Path(__file__).with_name("rules") / "boilerplate.yaml"


@cache
def _patterns() -> tuple[re.Pattern[str], ...]:
    data = read_rules(_RULES)
    return tuple(re.compile(p, re.IGNORECASE | re.UNICODE) for p in data["blocks"])


#: What a rule must not contain to be joined with the others into one expression: a back
#: reference or a conditional names groups by number, and an inline flag must come first.
_UNJOINABLE = re.compile(r"\\[1-9]|\(\?P=|\(\?\(|\(\?[aiLmsux]")


@cache
def _joined() -> re.Pattern[str] | None:
    """All rules as one alternation, which matches where any of them does (None when one cannot be joined).

    Every element of short text on a page is asked about, so one pass of the regular expression
    engine instead of a Python loop over the rules was worth a few percent of an import.
    """
    sources = [p.pattern for p in _patterns()]
    if not sources or any(_UNJOINABLE.search(s) for s in sources):
        return None
    return re.compile("|".join(f"(?:{s})" for s in sources), re.IGNORECASE | re.UNICODE)


def is_boilerplate(text: str) -> bool:
    """True when a whole block's text is site furniture rather than article text."""
    text = normalise_space(text)
    joined = _joined()
    if joined is not None:
        return joined.match(text) is not None
    return any(p.match(text) for p in _patterns())
