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
    monkeypatch.setattr(encoding, "_fix_encoding", lambda text, warnings, utf8=None: (text, warnings, False))
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


def test_the_utf8_search_finds_what_the_character_search_finds():
    """``_utf8_holds_not_kept`` on a text's UTF-8 is ``_NOT_KEPT.search`` on the text (branch imp15): every
    character alone (the whole BMP), beside ASCII and beside the characters whose UTF-8 shares its lead bytes."""
    from bundler.text.encoding import _utf8_holds_not_kept

    for char in [*_EVERY[:0xF800], *_EVERY[0xF800::97]]:  # the BMP (every character beginning \xc2 or \xef), astral samples
        expected = _NOT_KEPT.search(char) is not None
        assert _utf8_holds_not_kept(char.encode()) == expected, hex(ord(char))
    neighbours = "\u00a0\u00bf\u00c0\uffbe\uffbf\ufffd\uffef\ufeff\U0010ffff"
    for char in [*_NOT_KEPT.pattern.strip("[]"), *neighbours]:
        for text in (f"caf\u00e9 {char} x", f"{char}", f"{neighbours}{char}{neighbours}", neighbours):
            assert _utf8_holds_not_kept(text.encode()) == (_NOT_KEPT.search(text) is not None), repr(text)


def test_nfc_keeps_the_characters_not_kept():
    """A text ftfy did not repair is only NFC-normalised: the characters of ``_NOT_KEPT`` it holds stay, in order,
    beside combining marks and composable letters, so the search in its bytes answers for the normalised text."""
    import unicodedata

    kept = [char for char in _EVERY if _NOT_KEPT.fullmatch(char)]
    assert len(kept) == 29 + 1 + 32 + 2
    for char in kept:
        for text in (f"e{char}\u0301", f"\u0301{char}e\u0301\u0327", f"A\u030a{char}", f"\u1100{char}\u1161", char):
            normal = unicodedata.normalize("NFC", text)
            assert [c for c in normal if _NOT_KEPT.fullmatch(c)] == [c for c in text if _NOT_KEPT.fullmatch(c)], repr(text)


def test_decoded_utf8_pages_are_cleaned_as_the_character_search_cleans_them():
    """``decode_bytes`` on UTF-8 (no mojibake: ftfy does not run) gives the text the character search gave."""
    import unicodedata

    from bundler.text.encoding import decode_bytes

    texts = [
        "plain",
        "caf\u00e9 na\u0131ve \u0645\u0631\u062d\u0628\u0627",
        "a\x07b\x1fc\x7f",
        "the page\x92s \x9d x",
        "e\u0301 \ufffe\uffff \ufeff",
    ]
    texts += [f"caf\u00e9 {char} \u00a0 fin" for char in _EVERY if _NOT_KEPT.fullmatch(char)]
    for text in texts:
        expected_warnings: list[str] = []
        expected = _two_scans(unicodedata.normalize("NFC", text), expected_warnings)
        assert decode_bytes(text.encode()) == (expected, expected_warnings), repr(text)
