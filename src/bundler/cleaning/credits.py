"""Split a figure's caption from its photo credit.

Captions arrive as "Children walking home (Jordi Bernabeu Farrús)", "Rubble. Photo: X",
"Photograph: X/Agency", "© X", "X/AFP via Getty Images". The patterns are data in
``rules/credits.yaml``; they are tried in order and the first that matches wins.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from bundler.cleaning import read_rules
from bundler.text.typography import normalise_space

_RULES = Path(__file__).with_name("rules") / "credits.yaml"


@cache
def _patterns() -> tuple[re.Pattern[str], ...]:
    data = read_rules(_RULES)
    return tuple(re.compile(p, re.IGNORECASE | re.UNICODE) for p in data["patterns"])


def split_credit(text: str) -> tuple[str, str]:
    """Return ``(caption, credit)``; credit is "" when the text carries none."""
    text = normalise_space(text)
    for pattern in _patterns():
        match = pattern.match(text)
        if match:
            caption = normalise_space(match.group("caption") or "")
            credit = normalise_space(match.group("credit")).strip(" .;,")
            if credit:
                return caption.rstrip(" .,;:-\u2013\u2014") + ("." if caption.endswith(".") else ""), credit
    return text, ""
