"""Missing glyphs are looked for once per build and said once per piece, however many editions embed the faces."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bundler.build.collection import build_collection
from bundler.executor import WorkOptions
from bundler.model import Dossier, Paragraph, Piece, Section
from bundler.render.glyph_coverage import GlyphScan, find_missing_glyphs

KHITAN = "A Khitan character 𘬀 in a sentence."


def _collection(folder):
    folder.mkdir()
    (folder / "glyphs.md").write_text(f"# Glyphs\n\n{KHITAN}\n", encoding="utf-8")
    (folder / "plain.md").write_text("# Plain\n\nNothing odd here.\n", encoding="utf-8")
    (folder / "collection.yaml").write_text(
        "title: Odd characters\ndate: 2016-05-10\nsections:\n  - title: One\n    pieces: [glyphs.md, plain.md]\n"
        "editions:\n  epub: {}\n  kepub: {}\n  epub-text: {}\n  pdf-phone: {}\n",
        encoding="utf-8",
    )
    return folder


@pytest.mark.expect_warnings(
    r"^W310 'glyphs' \('Glyphs'\) has characters no font of the book has: '𘬀' U\+18B00",
)
def test_a_build_of_four_editions_says_it_once_per_piece(tmp_path):
    collection = _collection(tmp_path / "odd")
    for attempt, work in (("cold", WorkOptions()), ("warm", WorkOptions())):  # the warm build replays the cached editions
        result = build_collection(collection, out_dir=tmp_path / "dist", work=work)
        located = [w.message for w in result.report.warnings if w.code == "W310"]
        assert len(result.outputs) == 4, attempt
        assert located == [
            "'glyphs' ('Glyphs') has characters no font of the book has: '𘬀' U+18B00 KHITAN SMALL SCRIPT CHARACTER-18B00"
        ], attempt


def test_the_scan_reads_each_piece_once_and_a_changed_piece_again():
    glyphs = Piece(title="Glyphs", slug="glyphs", body=(Paragraph(KHITAN),))
    plain = Piece(title="Plain", slug="plain", body=(Paragraph("Nothing odd."),))
    dossier = Dossier(
        title="T",
        identifier="urn:uuid:00000000-0000-4000-8000-000000000000",
        slug="t",
        sections=(Section(title="S", slug="s", pieces=(glyphs, plain)),),
    )
    scan = GlyphScan()
    first = find_missing_glyphs(dossier, scan)
    units = dict(scan._found)
    assert [(u.slug, u.characters) for u in first] == [("glyphs", ("𘬀",))]
    assert find_missing_glyphs(dossier, scan) == first and scan._found == units  # nothing scanned twice
    fixed = replace(glyphs, body=(Paragraph("No hieroglyph now."),))
    edited = replace(dossier, sections=(replace(dossier.sections[0], pieces=(fixed, plain)),))
    assert find_missing_glyphs(edited, scan) == []  # a changed piece is a new object: scanned afresh
    assert len(scan._found) == len(units) + 3  # the new piece, its section and the dossier; the plain piece reused
