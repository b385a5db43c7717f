"""Typographic clean-up of running text: idempotent, language-aware, text nodes only.

English gets curly quotes, real dashes and ellipses; Arabic is left alone except for
stripping bidi embedding controls that leak in some readers (OUTPUT-QUALITY §4, §10).
"""

from __future__ import annotations

import re

from bundler.language import primary_language

_BIDI_EMBEDDINGS = re.compile("[\u202a-\u202e]")
_SOFT_HYPHEN = "\u00ad"
_SPACES = re.compile(r"[ \t\r\n\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


def normalise_space(text: str) -> str:
    """Collapse every run of white space to one space and trim the ends."""
    return _SPACES.sub(" ", text).strip()


def strip_controls(text: str) -> str:
    """Remove bidi embeddings/overrides and soft hyphens (renderers hyphenate themselves)."""
    return _BIDI_EMBEDDINGS.sub("", text).replace(_SOFT_HYPHEN, "")


def smarten(text: str, language: str = "en") -> str:
    """Curly quotes, dashes and ellipses for English text; Arabic is returned unchanged.

    Idempotent: running it twice gives the same result as once.
    """
    text = strip_controls(text)
    if primary_language(language) != "en":
        return text
    text = re.sub(r"\s*---?\s*", "\u2014", text) if "--" in text else text
    text = re.sub(r"(?<=\w) - (?=\w)", " \u2013 ", text)
    text = text.replace("...", "\u2026")
    # double quotes: opening after start/space/opening punctuation, closing otherwise
    text = re.sub(r'(^|[\s(\[{\u2014\u2013])"', "\\1\u201c", text)
    text = text.replace('"', "\u201d")
    # single quotes and apostrophes
    text = re.sub(r"(^|[\s(\[{\u2014\u2013\u201c])'", "\\1\u2018", text)
    text = text.replace("'", "\u2019")
    return text
