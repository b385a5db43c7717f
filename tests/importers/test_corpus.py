"""Every fixture page imports with its title, date, text, figures and notes, and without its furniture."""

from __future__ import annotations

import pytest

from bundler.cleaning.blocks import text_of
from bundler.commands.extract import piece_text
from bundler.importers import ImportOptions, read_piece
from tests.importers.conftest import PAGES, load_expected, norm

EXPECTED = load_expected()


@pytest.fixture(scope="module")
def media_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


def test_corpus_is_big_and_varied():
    assert len(EXPECTED) >= 40
    assert len({page["template"] for page in EXPECTED.values()}) >= 12


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_page(name, media_dir):
    expected = EXPECTED[name]
    piece = read_piece(PAGES / name, ImportOptions(media_dir=media_dir))
    text = norm(piece_text(piece))
    everything = norm(" ".join([text, *(f.caption + " " + f.credit for f in piece.figures), *(n.html for n in piece.notes)]))
    assert norm(piece.title) == norm(expected["title"])
    assert piece.date == expected["date"]
    assert piece.language.split("-")[0] == expected["language"]
    assert piece.direction == ("rtl" if expected["language"] == "ar" else "ltr")
    assert norm(expected["standfirst"]) in text
    for snippet in expected["must_have"]:
        assert norm(snippet) in text, f"missing {snippet!r}"
    for snippet in expected["must_not_have"]:
        assert norm(snippet) not in everything, f"furniture left in: {snippet!r}"
    figures = piece.figures
    assert len(figures) == len(expected["figures"]), [f.caption for f in figures]
    for got, want in zip(figures, expected["figures"], strict=True):
        assert norm(text_of(got.caption)).rstrip(".") == norm(want["caption"]).rstrip(".")
        assert norm(got.credit) == norm(want["credit"])
        assert got.alt and norm(got.alt) != norm(got.credit)
    stored = [f for f in figures if f.image is not None and f.image.path]
    assert len(stored) >= expected["local_images"]
    for figure in stored:
        assert figure.image.sha256 and figure.image.media_type == "image/jpeg" and figure.image.width > 0
    for snippet in expected["notes"]:
        assert any(norm(snippet) in norm(text_of(n.html)) for n in piece.notes), f"note {snippet!r} lost"
    assert piece.provenance.source_sha256 and piece.provenance.importer == "html"
