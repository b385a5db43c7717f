"""``looks_binary`` counts control bytes in C; what it decides is the rule as written byte by byte."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bundler.text.encoding import looks_binary


def _looks_binary_by_rule(raw: bytes) -> bool:
    """The rule, one byte at a time: over 1% NULs or over 5% control bytes (below tab, or between CR and space)."""
    head = raw[:8192]
    controls = sum(1 for byte in head if byte < 9 or 13 < byte < 32)
    return head.count(0) > len(head) * 0.01 or controls > len(head) * 0.05


@given(
    st.lists(st.sampled_from([b"<p>text</p>\n", b"\x01\x02", b"\x1b[0m", b"\t\r\n", b"\x0e", b"\x1f", b"\x00", b"\xd8\xb9"]), max_size=300)
)
def test_control_bytes_are_counted_as_the_rule_counts_them(parts):
    raw = b"".join(parts)
    if raw[:1] in (b"\xef", b"\xfe", b"\xff") or not raw:  # marked or empty: decided before any count
        return
    from bundler.text.encoding import _unmarked_utf16_or_32

    if _unmarked_utf16_or_32(raw[:8192]):
        return
    assert looks_binary(raw) == _looks_binary_by_rule(raw)


def test_a_page_with_a_few_control_bytes_is_text_and_one_of_them_is_not():
    page = b"<html><body><p>" + b"word " * 400 + b"\x01\x02\x1b</p></body></html>"
    assert not looks_binary(page)
    assert looks_binary(bytes(range(1, 32)) * 100)
