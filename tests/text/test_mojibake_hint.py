"""The mojibake hint searched in a page's UTF-8 bytes finds a pair exactly where the search in its text does."""

from __future__ import annotations

from bundler.text.encoding import _MOJIBAKE_HINT, _UTF8_MOJIBAKE_HINT, decode_bytes

#: Every character up to U+3000 (the Latin, Greek, Cyrillic, Arabic and punctuation blocks the hint reads), and a
#: spread of the rest, surrogates aside.
_CHARACTERS = [chr(code) for code in [*range(0x3000), *range(0x3000, 0x110000, 97)] if not 0xD800 <= code <= 0xDFFF]
#: Leads at and just past both ends of the hint's first class, and followers at and past the ends of its second.
_LEADS = ["\u00c1", "\u00c2", "\u00e9", "\u00f4", "\u00f5", "a"]
_FOLLOWERS = ["\u007f", "\u0080", "\u00a9", "\u00bf", "\u00c0", "\u2019", "\u20ac", "\u2122", "z"]


def test_the_hint_in_the_bytes_is_the_hint_in_the_text_for_every_pair():
    texts = [lead + char for lead in _LEADS for char in _CHARACTERS] + [char + follower for char in _CHARACTERS for follower in _FOLLOWERS]
    differing = [text for text in texts if bool(_MOJIBAKE_HINT.search(text)) != bool(_UTF8_MOJIBAKE_HINT.search(text.encode("utf-8")))]
    assert differing == []
    assert sum(bool(_MOJIBAKE_HINT.search(text)) for text in texts) > 500  # the pairs are there, not only their absence


def test_a_page_of_utf8_mojibake_is_still_repaired_and_a_clean_one_kept():
    clean = "<p>Café au lait — l’été à Montréal, 10 €.</p>\n" * 40
    broken = clean.encode("utf-8").decode("cp1252", errors="replace")
    text, warnings = decode_bytes(broken.encode("utf-8"))
    assert text == clean and any(warning.startswith("W113") for warning in warnings)
    assert decode_bytes(clean.encode("utf-8")) == (clean, [])
