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
