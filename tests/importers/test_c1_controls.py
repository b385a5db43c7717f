"""Stray C1 controls (U+0080-U+009F) are cp1252 bytes read as Latin-1: read as cp1252, or dropped when cp1252 has none.

No font draws a C1 control (the PDF printed it as U+FFFD and named it, W310). Left in decoded
text one stands for a byte of a cp1252 page (U+0092 for ’); a page written as entities of mojibake
(``&acirc;&euro;&#157;``, the UTF-8 of ” read as cp1252) gets one from the parser.
"""

from __future__ import annotations

import dataclasses
import json
import re

from bundler.importers import ImportOptions, read_piece
from bundler.text.encoding import c1_as_cp1252, decode_bytes, has_reference_mojibake

C1 = re.compile("[\x80-\x9f]")
FILLER = "The council met on Tuesday evening to discuss the budget for the coming year, and the debate ran late. " * 3


def test_every_c1_control_is_its_cp1252_character_and_the_undefined_five_are_dropped_with_a_warning() -> None:
    warnings: list[str] = []
    every = "".join(chr(code) for code in range(0x80, 0xA0))
    text = c1_as_cp1252(every, warnings)
    assert text == bytes(code for code in range(0x80, 0xA0) if code not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)).decode("cp1252")
    assert not C1.search(text)
    (warning,) = warnings
    assert warning.startswith("W114:") and "U+0081, U+008D, U+008F, U+0090, U+009D" in warning


def test_a_decoded_page_reads_a_stray_c1_control_as_cp1252() -> None:
    text, warnings = decode_bytes("<p>caf\u00e9: we\u0092re open \u0093daily\u0094</p>".encode())
    assert text == "<p>caf\u00e9: we\u2019re open \u201cdaily\u201d</p>"
    assert warnings == []


def test_a_decoded_page_drops_an_undefined_c1_control_and_says_so() -> None:
    text, warnings = decode_bytes("<p>caf\u00e9 \u009dend</p>".encode())
    assert text == "<p>caf\u00e9 end</p>"
    assert [w.split(":")[0] for w in warnings] == ["W114"] and "U+009D" in warnings[0]


def _imported(tmp_path, paragraph: str):
    page = tmp_path / "page.html"
    page.write_text(
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>A guide</title></head><body><article>"
        f"<h1>A guide</h1><p>{FILLER}</p><p>{paragraph}</p><p>{FILLER}</p></article></body></html>",
        encoding="utf-8",
    )
    piece = read_piece(page, ImportOptions(media_dir=tmp_path / "media"))
    return json.dumps(dataclasses.asdict(piece), ensure_ascii=False, default=str), piece


def test_mojibake_written_as_entities_is_repaired_where_it_ends_in_a_c1_reference(tmp_path):
    stored, _ = _imported(tmp_path, "Keywords like &acirc;&euro;&oelig;email marketing cost,&acirc;&euro;&#157; and more.")
    assert "Keywords like \u201cemail marketing cost,\u201d and more." in stored
    assert not C1.search(stored)


def test_an_undefined_c1_reference_alone_is_dropped_with_a_warning(tmp_path):
    stored, piece = _imported(tmp_path, "Start&#157; the service&#x8D; and wait; it&#146;s done.")
    assert "Start the service and wait; it\u2019s done." in stored
    assert not C1.search(stored)
    assert [w for w in piece.provenance.warnings if w.startswith("W114")], piece.provenance.warnings


def test_mojibake_written_as_numeric_references_is_repaired_with_a_warning(tmp_path):
    """``&#195;&#169;`` is é's UTF-8 (C3 A9) read as Latin-1 and written as references: the decoded page shows no
    mojibake ("&#195;" is ASCII), the parsed text does ("cafÃ©")."""
    stored, piece = _imported(tmp_path, "The caf&#195;&#169; on the corner re-opened, and the d&#195;&#169;cor is new.")
    assert "The café on the corner re-opened, and the décor is new." in stored
    assert "Ã" not in stored
    assert [w for w in piece.provenance.warnings if w.startswith("W115")], piece.provenance.warnings


def test_mojibake_written_as_named_references_is_repaired_in_text_and_attributes(tmp_path):
    stored, piece = _imported(
        tmp_path,
        "Google&acirc;&euro;&trade;s overview&acirc;&euro;&rdquo;the first answer&acirc;&euro;&rdquo;is short."
        "<img src='x.png' alt='The caf&Atilde;&copy; at night'>",
    )
    assert "Google\u2019s overview\u2014the first answer\u2014is short." in stored
    assert "The café at night" in stored
    assert "â€" not in stored
    assert sum(w.startswith("W115") for w in piece.provenance.warnings) == 1


def test_references_that_are_no_mojibake_stay_and_warn_nothing(tmp_path):
    stored, piece = _imported(tmp_path, "Tickets cost &pound;5&nbsp;&ndash;&nbsp;&euro;6 at the caf&eacute; &copy;&nbsp;2024.")
    assert "Tickets cost £5 – €6 at the café © 2024." in stored
    assert not [w for w in piece.provenance.warnings if w.startswith("W115")]


def test_a_run_of_references_holding_mojibake_is_found_and_others_are_not():
    assert has_reference_mojibake("<p>caf&#195;&#169;</p>")
    assert has_reference_mojibake("<p>it&#xE2;&#x80;&#x99;s</p>")
    assert has_reference_mojibake("<p>it&acirc;&euro;&trade;s</p>")
    assert not has_reference_mojibake("<p>&copy;&nbsp;2024 &mdash;&nbsp;caf&eacute;</p>")
    assert not has_reference_mojibake("<p>café, Ã© written as it is</p>")  # no references: decode_bytes' part


def test_the_reference_run_expression_finds_the_runs_of_two_or_more_references_exactly():
    """``_REFERENCE_RUN`` is written to begin with "&" (for speed): it must find what ``(?:ref){2,}`` finds."""
    import gzip
    from pathlib import Path

    from bundler.text.encoding import _REFERENCE, _REFERENCE_RUN

    published = re.compile(rf"(?:{_REFERENCE}){{2,}}")
    samples = [
        "a &amp;&lt; b &#195;&#169;&x; &#xE2;&#x80;&#x99;&&amp;; &amp &a1;&b2;&c3;; &#12345678;&#1; &#x1234567;&amp;&amp;",
        "&acirc;&euro;&trade;&acirc;&euro;",
        "&&&&;;&a;&a;",
        "&é;&b;&c;",
        "",
    ]
    pages = Path(__file__).resolve().parents[2].parent / "shared" / "realpages" / "wcxb-dev" / "html"
    samples += [gzip.decompress(p.read_bytes()).decode("utf-8", "replace") for p in sorted(pages.glob("*.html.gz"))[::50]]
    found = 0
    for text in samples:
        spans = [m.span() for m in _REFERENCE_RUN.finditer(text)]
        assert spans == [m.span() for m in published.finditer(text)]
        found += len(spans)
    assert found > 10
