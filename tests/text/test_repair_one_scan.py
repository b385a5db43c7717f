"""``encoding._repair`` asks one search of a page that holds nothing to remove (branch imp14).

The characters ``_NOT_KEPT`` removes include the C1 controls ``C1_CONTROL`` looks for, so a text
``_NOT_KEPT`` finds nothing in has no C1 control either, and removing nothing from it changes
nothing: it is returned as it is, after one scan instead of two. A text holding any of them is
repaired as before.
"""

from __future__ import annotations

import sys

from bundler.text import encoding
from bundler.text.encoding import _NOT_KEPT, C1_CONTROL, c1_as_cp1252

_EVERY = "".join(chr(code) for code in range(sys.maxunicode + 1) if not 0xD800 <= code <= 0xDFFF)


def _two_scans(text: str, warnings: list[str]) -> str:
    """The clean-up as it stood: C1 controls read as cp1252 where a search found one, then the removal."""
    if not text.isascii() and C1_CONTROL.search(text):
        text = c1_as_cp1252(text, warnings)
    return _NOT_KEPT.sub("", text)


def test_every_c1_control_is_a_character_the_one_scan_finds():
    c1 = [char for char in _EVERY if C1_CONTROL.fullmatch(char)]
    assert len(c1) == 32
    assert all(_NOT_KEPT.fullmatch(char) for char in c1)


def test_the_repair_is_the_two_scans_one(monkeypatch):
    monkeypatch.setattr(encoding, "_fix_encoding", lambda text, warnings, utf8=None: (text, warnings))
    texts = [
        "plain ascii text",
        "café, naïve, مرحبا, 日本語",
        "the page\x92s title\x9d and a bell\x07",
        "tab\tnew line\nreturn\r\ufeffkept\ufffe\uffff",
        "\x7f delete",
        _EVERY,
    ]
    for text in texts:
        expected_warnings: list[str] = []
        expected = _two_scans(text, expected_warnings)
        repaired, warnings = encoding._repair(text, [])
        assert repaired == expected and warnings == expected_warnings, text[:20]
    clean = "nothing to take out: café"
    assert encoding._repair(clean, [])[0] is clean
