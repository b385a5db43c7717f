"""Sentence boundaries for any script, so a Kobo edition can mark each sentence (koboSpans).

No maintained Python library segments sentences the way an e-reader needs: exact (the
pieces join back to the input, bidi marks and all), aware of Arabic and CJK punctuation,
and not fooled by "Dr. Smith", "3.5" or "U.S.". This follows Unicode's sentence-break
rules (UAX #29) with the character classes taken from the Unicode database through the
``regex`` module's ``\\p{Sentence_Break=...}`` properties, never a list of ASCII marks:

- a sentence ends after a run of terminals (``SB=STerm``: ``! ?`` and Arabic ``؟``,
  Urdu ``۔``, CJK ``。！？``...; ``SB=ATerm``: the full stop; and ``…``, which Unicode
  does not class as a terminal but which ends sentences in running text, so it is treated
  like a full stop), then any closing quotes and brackets (``SB=Close``), then spaces:
  all of them stay with the sentence that ends;
- ``،`` (ARABIC COMMA) is ``SB=SContinue``, a comma: it never ends a sentence;
- CJK terminals end a sentence with no space after them; a full stop needs a space;
- no terminal ends a sentence before a lower-case letter (UAX #29 SB8 says so for the full
  stop only; we extend it to ``!``/``?`` so that '"Go!" he said' stays one sentence), and
  a full stop does not end one after
  a known abbreviation ("Dr.", "e.g."), an initial ("J. Smith") or a dotted acronym
  ("U.S."), nor inside a number ("3.5", no space);
- a line or paragraph separator always ends a sentence (SB4);
- format characters (bidi marks such as U+200F) are invisible to these rules (SB5) and
  stay where they are.
"""

from __future__ import annotations

from functools import cache

import regex

#: Words that a full stop follows without ending the sentence (compared without case).
ABBREVIATIONS = frozenset(
    "mr mrs ms mx dr prof st sr jr rev hon gen col lt sgt capt cmdr adm gov pres sen rep "
    "vs etc e.g i.e cf al approx dept est fig figs no nos vol vols p pp ch sec ed eds inc ltd co corp "
    "jan feb mar apr jun jul aug sep sept oct nov dec mt ft".split()
)

_IGNORED = r"\p{SB=Format}\p{SB=Extend}"  # SB5: bidi marks and combining marks do not count
_TERMINAL = rf"(?:[\p{{SB=STerm}}\p{{SB=ATerm}}\u2026][{_IGNORED}]*)+"
_CLOSE = rf"[\p{{SB=Close}}{_IGNORED}]*"
_SPACE = rf"[\p{{SB=Sp}}{_IGNORED}]*"
_SEP = r"[\p{SB=Sep}\p{SB=LF}\p{SB=CR}]+"


@cache
def _patterns() -> tuple[regex.Pattern, regex.Pattern, regex.Pattern]:
    candidate = regex.compile(rf"{_TERMINAL}{_CLOSE}{_SPACE}(?:{_SEP}{_SPACE})?|{_SEP}{_SPACE}")
    word_before = regex.compile(rf"([\p{{L}}\p{{N}}.]*)(?:[{_IGNORED}]*)$")
    return candidate, word_before, regex.compile(r"[\p{SB=Close}\p{SB=Sp}\p{SB=Format}\p{SB=Extend}]*(.)", regex.S)


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text``, each with its closing punctuation and following spaces; they join back to ``text``."""
    candidate, _, _ = _patterns()
    pieces: list[str] = []
    start = 0
    for match in candidate.finditer(text):
        end = match.end()
        if end < len(text) and _ends_sentence(text, match):
            pieces.append(text[start:end])
            start = end
    if start < len(text):
        pieces.append(text[start:])
    return pieces


def boundaries(text: str) -> list[int]:
    """Offsets in ``text`` where a sentence ends and the next begins (neither 0 nor ``len(text)``)."""
    offsets, position = [], 0
    for sentence in split_sentences(text)[:-1]:
        position += len(sentence)
        offsets.append(position)
    return offsets


def _ends_sentence(text: str, match: regex.Match) -> bool:
    """Whether the terminal run in ``match`` ends a sentence, by what stands before and after it."""
    found = match.group()
    if regex.search(_SEP, found):
        return True
    _, word_before, next_letter = _patterns()
    terminals = regex.match(_TERMINAL, found).group()
    spaced = len(regex.match(rf"{_TERMINAL}{_CLOSE}", found).group()) < len(found)
    following = next_letter.match(text, match.end())
    after = following.group(1) if following else ""
    if not spaced:
        return _is_cjk(terminals)  # "。次" ends a sentence; "3.5", "example.com", "U.S.A" and "Yahoo!Japan" do not
    if regex.search(r"\p{SB=STerm}", terminals):
        return not regex.match(r"\p{SB=Lower}", after)  # '"Go!" he said' goes on (UAX #29 would break there)
    if regex.match(r"[\p{SB=Lower}\p{SB=SContinue}]", after):
        return False  # SB8: "Wait... what" and "etc., and" go on
    word = word_before.search(text[max(0, match.start() - 40) : match.start()]).group(1)  # words are short: bounded look-back
    return not (terminals.startswith(".") and _is_abbreviation(word))


def _is_abbreviation(word: str) -> bool:
    """ "Dr", "e.g", an initial "J" or a dotted acronym "U.S": a full stop after them is not an ending."""
    if not word:
        return False
    if word.lower() in ABBREVIATIONS:
        return True
    if len(word) == 1 and regex.match(r"\p{Lu}", word):
        return True
    return bool(regex.fullmatch(r"(?:\p{L}\.)+\p{L}", word))


def _is_cjk(terminals: str) -> bool:
    """Ideographic and full-width terminals, which need no space after them."""
    return bool(regex.search(r"[\u3002\uff01\uff1f\uff0e\uff61]", terminals))
