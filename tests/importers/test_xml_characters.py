"""Characters XML cannot hold (a stray vertical tab in a real page's code block) never reach a piece."""

from __future__ import annotations

import dataclasses
import json
import re

from bundler.importers import ImportOptions, read_piece
from bundler.render.xhtml import check_pieces_render

NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
FILLER = "The council met on Tuesday evening to discuss the budget for the coming year, and the debate ran late. " * 3


def test_control_characters_are_removed_and_the_piece_renders(tmp_path):
    page = tmp_path / "guide.html"
    page.write_bytes(
        (
            "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>A guide</title></head><body><article>"
            f"<h1>A guide</h1><p>{FILLER}</p><pre>\x0b sudo docker compose up -d</pre>"
            f"<p>Start\x0c the service\x1b and wait. {FILLER}</p></article></body></html>"
        ).encode()
    )
    piece = read_piece(page, ImportOptions(media_dir=tmp_path / "media"))
    stored = json.dumps(dataclasses.asdict(piece), ensure_ascii=False, default=str)
    assert not NOT_XML.search(stored)
    assert "sudo docker compose up -d" in stored and "Start the service and wait" in stored
    check_pieces_render_of(piece)


def check_pieces_render_of(piece) -> None:
    """The renderer accepts the piece (it raised E404 on the vertical tab before)."""
    from bundler.model import Dossier, Section

    check_pieces_render(
        Dossier(
            title="Guide", identifier="urn:uuid:5d0c1f8e-0b8a-4d5b-9a43-7d4c8e2b9f11", slug="guide", sections=(Section("Guides", (piece,)),)
        )
    )


def test_a_stored_piece_with_a_control_character_in_code_is_cleaned_on_reading(tmp_path):
    """A piece.json written by an older bundler (or by hand) with a vertical tab in a code block still renders."""
    from bundler.importers.piece import read_stored_piece, write_piece
    from bundler.model import Paragraph, Piece, Preformatted, Provenance

    piece = Piece(
        title="A guide",
        body=(Paragraph(FILLER), Preformatted("\x0b sudo docker compose up -d")),
        slug="a-guide",
        provenance=Provenance(source_path="guide.html"),
    )
    stored = write_piece(piece, tmp_path / "a-guide")
    read = read_stored_piece(stored, ImportOptions())
    assert read.body[1].text == " sudo docker compose up -d"
    check_pieces_render_of(read)
