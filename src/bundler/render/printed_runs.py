"""Changes to the text of the printed markup that keep every character visible and Korean words whole.

Both work on the text between tags of the XHTML the editions are made from, never on
attributes or markup:

- A character no face of the book has (a private-use icon from a site's icon font, an
  unassigned code point, a stray control character such as U+0092) would be drawn as .notdef, an empty box that says nothing. It is
  printed as U+FFFD REPLACEMENT CHARACTER instead, the sign Unicode made for "a character
  was here that cannot be shown"; the build has already named it by piece and code point
  (W310), and the piece itself keeps the original character. A Unicode line or paragraph
  separator (U+2028, U+2029, left by a page's script) is printed as the line break it means.
- Korean books break lines between words, at spaces, never inside a word (CSS
  ``word-break: keep-all``). WeasyPrint does not implement that property, so for the PDF each
  run of Korean text between spaces is set in a ``<span class="ko-word">`` that the PDF
  stylesheet keeps on one line (``white-space: nowrap``): a span adds nothing to the text,
  so copying from the PDF gives the words as written.
"""

from __future__ import annotations

import re

from bundler.render.glyph_coverage import missing_characters

REPLACEMENT = "\ufffd"
_TEXT_BETWEEN_TAGS = re.compile(r">([^<]+)<")
#: U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR: line breaks in meaning, boxes when drawn.
_SEPARATOR = re.compile("[\u2028\u2029]")
_HANGUL = "\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff"
_HAS_HANGUL = re.compile(f"[{_HANGUL}]")
_KOREAN_WORD = re.compile(rf"[^\s<>]*[{_HANGUL}][^\s<>]*")


def undrawable_characters(markup: str) -> frozenset[str]:
    """The drawn characters of ``markup`` that no face of the book has."""
    return frozenset(missing_characters(markup))


def replace_undrawable(markup: str) -> str:
    """``markup`` with each character no face has printed as U+FFFD and each Unicode line or paragraph
    separator as the line break it means (Pango draws both as .notdef); text only, tags and attributes kept."""
    missing = undrawable_characters(markup)
    if not missing and not _SEPARATOR.search(markup):
        return markup
    pattern = re.compile("[" + "".join(re.escape(ch) for ch in sorted(missing)) + "]") if missing else None

    def printable(match: re.Match[str]) -> str:
        text = pattern.sub(REPLACEMENT, match.group(1)) if pattern else match.group(1)
        in_title = match.string.startswith("<title", match.string.rfind("<", 0, match.start() + 1))  # no markup there
        return ">" + _SEPARATOR.sub(" " if in_title else "<br/>", text) + "<"

    return _TEXT_BETWEEN_TAGS.sub(printable, markup)


def keep_korean_words(markup: str) -> str:
    """``markup`` with every word that holds Hangul in a ``ko-word`` span, so no line breaks inside it."""
    if not _HAS_HANGUL.search(markup):
        return markup

    def wrap_words(match: re.Match[str]) -> str:
        return ">" + _KOREAN_WORD.sub(lambda w: f'<span class="ko-word">{w.group(0)}</span>', match.group(1)) + "<"

    return _TEXT_BETWEEN_TAGS.sub(wrap_words, markup)
