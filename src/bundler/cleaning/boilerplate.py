"""Recognise site furniture ("First published at", "Further Reading") by rules in data."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml

from bundler.text.typography import normalise_space

_RULES = Path(__file__).with_name("rules") / "boilerplate.yaml"


@cache
def _patterns() -> tuple[re.Pattern[str], ...]:
    data = yaml.safe_load(_RULES.read_text(encoding="utf-8"))
    return tuple(re.compile(p, re.IGNORECASE | re.UNICODE) for p in data["blocks"])


def is_boilerplate(text: str) -> bool:
    """True when a whole block's text is site furniture rather than article text."""
    text = normalise_space(text)
    return any(p.match(text) for p in _patterns())
