"""A note marker is not a word: paragraphs are judged the same text without their note references.

A paragraph ending in a note marker ("...quay.¹") and the next one ending "...quay. (1)" read as
the same words when the marker's label counted as one, and the second was dropped as a repeat.
"""

from __future__ import annotations

from bundler.cleaning.closing import drop_doubled_blocks
from bundler.cleaning.content import drop_repeated_blocks, without_note_references
from bundler.importers import ImportOptions, read_piece
from bundler.model import Paragraph

LINE = "The ferry keeper counted every passenger who crossed the river in the flood, with the hour of each crossing."

PAGE = f"""<html lang="en"><head><title>Ferry ledger</title></head><body>
<article><h1>Ferry ledger</h1>
<p>{LINE}<sup><a href="#fn1" id="r1">1</a></sup></p>
<p>{LINE} (1)</p>
<p>{LINE} (2)</p>
<p>The ledger was kept in a tin box under the bench, and the river authority copied it every spring.</p>
<ol class="footnotes"><li id="fn1">The ledger survives in the county archive. <a href="#r1">↩</a></li></ol>
</article></body></html>"""


def test_a_paragraph_that_differs_from_the_one_before_only_by_a_number_is_kept(tmp_path):
    page = tmp_path / "ferry.html"
    page.write_text(PAGE, encoding="utf-8")
    piece = read_piece(page, ImportOptions(media_dir=tmp_path / "media"))
    texts = [block.html for block in piece.body if isinstance(block, Paragraph)]
    assert [t for t in texts if t.endswith("(1)")] and [t for t in texts if t.endswith("(2)")]
    assert sum(LINE in t for t in texts) == 3
    assert [note.html for note in piece.notes] == ["The ledger survives in the county archive."]


def test_copies_that_differ_only_by_note_markers_are_still_one_text():
    marked = Paragraph(f'{LINE}<sup><a href="#note-fn1">1</a></sup>')
    plain = Paragraph(LINE)
    numbered = Paragraph(f"{LINE} (1)")
    assert without_note_references(marked.html) == f"{LINE}<sup></sup>"
    assert drop_doubled_blocks([marked, plain]) == [marked]
    assert drop_repeated_blocks([marked, Paragraph("Between them."), plain]) == [marked, Paragraph("Between them.")]
    assert drop_doubled_blocks([marked, numbered]) == [marked, numbered]
    assert drop_repeated_blocks([marked, numbered]) == [marked, numbered]
