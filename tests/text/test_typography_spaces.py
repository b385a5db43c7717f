"""``normalise_space`` collapses exactly the white space its expression names, whichever way it looks for the rest."""

from __future__ import annotations

import re

from bundler.text.typography import normalise_space

_SPACES = re.compile(r"[ \t\r\n\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


def test_every_kind_of_space_in_ascii_and_other_text():
    others = ["\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f", "\x85", "\u1680", "\u2028", "\u2029"]
    for text in ["  a \t b\r\n c  ", " café  \u00a0 au\u2003lait ", "", "   ", "x"]:
        assert normalise_space(text) == _SPACES.sub(" ", text).strip()
        for other in others:
            mixed = text + other + " z  " + other
            assert normalise_space(mixed) == _SPACES.sub(" ", mixed).strip(), repr(mixed)
    assert normalise_space("a\x0b  b") == "a\x0b b"  # kept, as the expression keeps it


def test_every_character_alone_and_between_words():
    """The printable fast path and the character searches agree with the expression on every character
    of the Basic Multilingual Plane (every white space and control is in it) and a sample of the rest."""
    codes = [*range(0xD800), *range(0xE000, 0x10000), *range(0x10000, 0x110000, 97)]
    for code in codes:
        char = chr(code)
        text = f" {char}{char}a{char}b "
        assert normalise_space(text) == _SPACES.sub(" ", text).strip(), hex(code)
        assert normalise_space(char) == _SPACES.sub(" ", char).strip(), hex(code)


def test_printable_text_already_normal_is_returned_as_is():
    for text in ["word", "two words", "déjà vu", "مرحبا بالعالم", "a-b"]:
        assert normalise_space(text) is text
    assert normalise_space("two  words") == "two words"
    assert normalise_space(" edge ") == "edge"
