"""The decoder's one-pass clean-up takes out exactly what the two passes it replaced took out."""

from __future__ import annotations

import re
import sys

from bundler.text.encoding import _NOT_KEPT, decode_bytes
from bundler.text.typography import remove_non_xml

_INVISIBLE_CONTROLS = re.compile("[\x7f-\x9f]")  # the second of the two passes, as it stood


def test_one_pass_removes_what_the_two_passes_removed_for_every_character() -> None:
    every = "".join(chr(code) for code in range(sys.maxunicode + 1) if not 0xD800 <= code <= 0xDFFF)
    assert _NOT_KEPT.sub("", every) == _INVISIBLE_CONTROLS.sub("", remove_non_xml(every))
    removed = set(every) - set(_NOT_KEPT.sub("", every))
    assert removed == {chr(c) for c in [*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0), 0xFFFE, 0xFFFF]}


def test_a_decoded_page_keeps_tabs_and_line_breaks_and_loses_controls() -> None:
    raw = "<p>caf\u00e9\t\u0645\u0631\u062d\u0628\u0627\r\n\x0bend\x85\x7f</p>\n".encode()
    text, warnings = decode_bytes(raw)
    assert text == "<p>caf\u00e9\t\u0645\u0631\u062d\u0628\u0627\r\nend\u2026</p>\n"  # U+0085: cp1252's ellipsis
    assert warnings == []


def test_plain_ascii_comes_back_as_it_was_without_its_controls() -> None:
    text, warnings = decode_bytes(b'<p>He said "it\'s fine" -- twice.\x07</p>\n')
    assert text == '<p>He said "it\'s fine" -- twice.</p>\n'
    assert warnings == []
