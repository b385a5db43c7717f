"""A second, independent reading system opens the EPUB and finds every piece's title and text.

calibre's ``ebook-convert`` (its own EPUB input plugin) reads it; ``make test`` installs calibre
and the run fails without it.
"""

from __future__ import annotations

import re
import subprocess

import pytest

from bundler.cleaning.blocks import text_of
from bundler.model import Paragraph
from tests.validators import validator

pytestmark = pytest.mark.slow


def _plain_text(epub, out_dir) -> str:
    out = out_dir / f"{epub.stem}.txt"
    subprocess.run([validator("ebook-convert"), str(epub), str(out)], capture_output=True, check=True)
    return out.read_text(encoding="utf-8")


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize("name", ["kitchen-sink", "arabic-only"])
def test_an_independent_reader_finds_every_piece(books, name, tmp_path):
    book = books[name]
    text = _squash(_plain_text(book.path, tmp_path))
    for piece in book.dossier.pieces:
        assert _squash(piece.title) in text, piece.title
        first = next(b for b in piece.body if isinstance(b, Paragraph))
        sentence = _squash(re.split(r"[.؟!]", text_of(first.html))[0])
        assert sentence and sentence in text, (piece.slug, sentence)
