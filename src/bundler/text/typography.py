"""Typographic clean-up of running text: idempotent, language-aware, text nodes only.

English gets curly quotes, real dashes and ellipses; Arabic is left alone except for
stripping bidi embedding controls that leak in some readers (OUTPUT-QUALITY §4, §10).
"""

from __future__ import annotations

import re

from bundler.text.language import primary_language

#: Characters no XML document may hold (C0 controls but tab, line feed, carriage return; U+FFFE, U+FFFF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: What ``strip_controls`` takes out: bidi embeddings and overrides (U+202A-U+202E), the soft hyphen and ``_NOT_XML``.
_CONTROLS = re.compile("[\u202a-\u202e\u00ad\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SPACES = re.compile(r"[ \t\r\n\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
#: The characters ``str.split()`` takes for white space that ``_SPACES`` does not (form feed, U+2028...).
_OTHER_SPACES = re.compile("[\x0b\x0c\x1c-\x1f\x85\u1680\u2028\u2029]")


def normalise_space(text: str) -> str:
    """Collapse every run of white space to one space and trim the ends.

    Called on every element's text during an import (200k times on 200 pages, often on long
    texts). Four calls in five get a text that is already normal: a printable text holds no
    white space but the plain space (every other space, line break and control is unprintable
    for ``str.isprintable``, a scan in C that stops at the first one), so without a double or
    an outer space it is returned as it is. Otherwise the common case goes through
    ``str.split``, about three times faster than the regular expression; the two agree exactly
    unless the text holds one of the few characters only ``str.split`` breaks on.
    """
    if text.isprintable():
        if "  " not in text and text[:1] != " " and text[-1:] != " ":
            return text
        return " ".join(text.split())
    if _has_other_spaces(text):
        return _SPACES.sub(" ", text).strip()
    return " ".join(text.split())


def _has_other_spaces(text: str) -> bool:
    """Whether ``text`` holds a character ``str.split`` takes for white space and ``_SPACES`` does not.

    Each character is looked for with a plain search (a ``memchr``-like scan in C): ten of them
    cost a ninth of one scan by ``_OTHER_SPACES`` on the long non-ASCII texts an import measures.
    In ASCII text (``isascii`` is answered without a scan) only the first six can occur.
    """
    if "\x0b" in text or "\x0c" in text or "\x1c" in text or "\x1d" in text or "\x1e" in text or "\x1f" in text:
        return True
    return not text.isascii() and ("\x85" in text or "\u1680" in text or "\u2028" in text or "\u2029" in text)


def remove_non_xml(text: str) -> str:
    """``text`` without the characters no XML document may hold (a stray vertical tab stops a whole edition)."""
    return _NOT_XML.sub("", text)


def strip_controls(text: str) -> str:
    """Remove bidi embeddings/overrides, soft hyphens (renderers hyphenate themselves) and characters XML cannot hold.

    One pass for the three (called on every text node and attribute of every page): taking out one kind
    never makes a character of another, so it takes out what three passes one after the other did."""
    return _CONTROLS.sub("", text)


def smarten(text: str, language: str = "en") -> str:
    """Curly quotes, dashes and ellipses for English text; Arabic is returned unchanged.

    Idempotent: running it twice gives the same result as once.
    """
    text = strip_controls(text)
    if primary_language(language) != "en":
        return text
    # each rule only when its character is there: called on every text node of every page
    text = _DASHES.sub("\u2014", text) if "--" in text else text
    text = _SPACED_HYPHEN.sub(" \u2013 ", text) if " - " in text else text
    text = text.replace("...", "\u2026")
    if '"' in text:  # double quotes: opening after start/space/opening punctuation, closing otherwise
        text = _OPENING_DOUBLE.sub("\\1\u201c", text).replace('"', "\u201d")
    if "'" in text:  # single quotes and apostrophes
        text = _OPENING_SINGLE.sub("\\1\u2018", text).replace("'", "\u2019")
    return text


_DASHES = re.compile(r"\s*---?\s*")
_SPACED_HYPHEN = re.compile(r"(?<=\w) - (?=\w)")
_OPENING_DOUBLE = re.compile(r'(^|[\s(\[{\u2014\u2013])"')
_OPENING_SINGLE = re.compile(r"(^|[\s(\[{\u2014\u2013\u201c])'")
