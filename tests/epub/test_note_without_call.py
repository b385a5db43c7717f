"""A note whose call was lost with its paragraph keeps its text but gets no backlink to nowhere (EPUBCheck RSC-012)."""

from __future__ import annotations

import re

from bundler.model import Dossier, Note, Paragraph, Piece, Provenance, Section
from bundler.render.xhtml import Target, render_piece


def test_a_note_without_a_call_has_no_backlink():
    piece = Piece(
        title="Oral health",
        slug="oral-health",
        body=(Paragraph('Brush twice a day.<a href="#note-fn1">1</a>'),),
        notes=(Note(id="fn1", html="Dentists agree.", label="1"), Note(id="fn2", html="Its call was lost.", label="2")),
        provenance=Provenance(source_path="oral.html"),
    )
    dossier = Dossier(
        title="Health", identifier="urn:uuid:5d0c1f8e-0b8a-4d5b-9a43-7d4c8e2b9f12", slug="health", sections=(Section("S", (piece,)),)
    )
    article = render_piece(piece, dossier, Target(href_for=lambda slug: f"{slug}.xhtml", media_href=lambda figure: None, epub=True))
    ids = set(re.findall(r'id="([^"]+)"', article))
    targets = re.findall(r'href="#([^"]+)"', article)
    assert targets and all(target in ids for target in targets), (targets, ids)
    assert "Its call was lost." in article and "Dentists agree." in article
    assert 'href="#oral-health-nref-fn1"' in article
