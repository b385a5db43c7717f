"""The print PDF's checksums page: every original's full SHA-256, apart from the colophon.

The colophon's entries leave the hash out and the page after it prints each one in full, as
``sha256sum`` does, so a one-changed rebuild lays out these short lines again instead of the
whole colophon. Checked on the large dossier's books of ``test_pdf_parts`` (module-scoped:
built once, in parts and in one pass, English and Arabic) and on the parts' markup.
"""

from __future__ import annotations

import re
from dataclasses import replace

from bundler.exporters import context_for
from bundler.exporters.pdf.base import fragment_sources
from bundler.model import Dossier, Edition
from tests.pdf.pdf_checks import page_texts
from tests.pdf.test_part_sources import with_piece
from tests.pdf.test_pdf_parts import books  # noqa: F401  (the module-scoped books fixture)

EDITION = Edition("pdf")
_HASH_LINE = re.compile(r"\b([0-9a-f]{64})\s+(\S+)")


def back_matter(dossier: Dossier) -> dict[str, str]:
    """The colophon's and the checksums' markup, by kind."""
    sources = fragment_sources(dossier, EDITION, context_for(EDITION).images)
    return {f.kind: f.render() for f in sources if f.kind in ("colophon", "checksums")}


def test_the_book_prints_every_original_hash_in_full_after_the_colophon(books):  # noqa: F811
    dossier = books["dossier"]
    expected = [(p.provenance.source_sha256, p.provenance.source_path) for p in dossier.pieces if p.provenance.source_sha256]
    assert len(expected) >= 5, "the test dossier has too few pieces with a source hash"
    for book in ("parts", "whole"):
        texts = page_texts(books[book])
        printed = [(n, *match.groups()) for n, text in enumerate(texts) for match in _HASH_LINE.finditer(text)]
        assert [(sha, path) for _, sha, path in printed] == expected, f"{book}: not each original's hash and path, in order"
        first = printed[0][0]
        assert printed[-1][0] == len(texts) - 1, f"{book}: the checksums are not the book's last pages"
        assert "bundler" in texts[first - 1], f"{book}: the colophon (its last line names the tool) is not right before the checksums"
        assert not any(re.search(r"SHA-256 [0-9a-f]{16}…", text) for text in texts), "a colophon entry still prints a shortened hash"


def test_a_new_hash_changes_the_checksums_markup_not_the_colophon(books):  # noqa: F811
    dossier = books["dossier"]
    before = back_matter(dossier)
    edited = with_piece(dossier, 0, 5, lambda p: replace(p, provenance=replace(p.provenance, source_sha256="1" * 64)))
    after = back_matter(edited)
    assert after["colophon"] == before["colophon"], "the colophon would be laid out again after an edit"
    assert after["checksums"] != before["checksums"]
    assert "1" * 64 in after["checksums"]


def test_no_checksums_page_when_no_original_hash_is_known(books):  # noqa: F811
    dossier = books["dossier"]
    unhashed = dossier
    for section, held in enumerate(dossier.sections):
        for index in range(len(held.pieces)):
            unhashed = with_piece(unhashed, section, index, lambda p: replace(p, provenance=replace(p.provenance, source_sha256="")))
    assert "checksums" not in back_matter(unhashed)
    assert "colophon" in back_matter(unhashed)
