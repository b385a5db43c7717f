"""Split a figure's caption from its photo credit.

Captions arrive as "Children walking home (Jordi Bernabeu Farrús)", "Rubble. Photo: X",
"Photograph: X/Agency", "© X", "X/AFP via Getty Images", and in other languages "Foto: X",
"Foto di X", "摄影：X". The patterns are data in ``rules/credits.yaml``, and so are the credit
labels of each language, which the patterns share (``{labels}``); they are tried in order and the
first that matches wins.
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
    words = {"labels": _alternation(data["labels"]), "by": "|".join(re.escape(w) for w in data["by"])}
    return tuple(re.compile(p.replace("{labels}", words["labels"]).replace("{by}", words["by"]), re.I) for p in data["patterns"])


@cache
def _label() -> re.Pattern[str]:
    """A credit's label at its start, in any language of the table ("Photo: ", "Foto di ", "摄影：", "©")."""
    data = read_rules(_RULES)
    by = "|".join(re.escape(w) for w in data["by"])
    return re.compile(
        rf"^(?:(?:{_alternation(data['labels'])})\s*(?:(?:{by})\s*)?[:：]\s*|(?:{_alternation(data['labels'])})\s+(?:{by})\s+)", re.I
    )


def _alternation(alternatives: list[str]) -> str:
    return "|".join(f"(?:{a})" for a in alternatives)


def strip_credit_label(text: str) -> str:
    """A credit element's text without its label ("Photo: Jane Doe" -> "Jane Doe", "Foto di Luca Ferri" -> "Luca
    Ferri", "© Jane Doe" -> "Jane Doe"), in every language of ``credits.yaml``."""
    text = _label().sub("", text)
    return re.sub(r"^(©|\(c\)|copyright)\s*", "", text, flags=re.I).strip(" ()[].")


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
