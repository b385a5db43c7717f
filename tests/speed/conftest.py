"""A small collection of Markdown and text pieces, written fresh for each test that edits it."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from bench.corpus import make_paragraph

PIECES = 8


def write_collection(root: Path, pieces: int = PIECES) -> Path:
    """A collection of ``pieces`` synthetic articles (alternating Markdown and plain text)."""
    rng = random.Random(7)
    (root / "sources").mkdir(parents=True, exist_ok=True)
    entries = []
    for number in range(1, pieces + 1):
        paragraphs = "\n\n".join(make_paragraph(rng) for _ in range(4))
        if number % 2:
            name = f"sources/piece-{number}.md"
            text = f"---\ntitle: Piece number {number}\nauthor: Reporter {number}\ndate: 2016-05-{number:02d}\n---\n\n{paragraphs}\n"
        else:
            name = f"sources/piece-{number}.txt"
            text = f"Piece number {number}\n\n{paragraphs}\n"
        (root / name).write_text(text, encoding="utf-8")
        entries.append(f"      - {name}")
    manifest = ["title: Speed test dossier", "language: en", "sections:", "  - title: Reports", "    pieces:", *entries, ""]
    (root / "collection.yaml").write_text("\n".join(manifest), encoding="utf-8")
    return root


@pytest.fixture
def collection(tmp_path, monkeypatch) -> Path:
    """A fresh collection whose cache lives in its own folder (BUNDLER_CACHE_DIR unset)."""
    monkeypatch.delenv("BUNDLER_CACHE_DIR", raising=False)
    return write_collection(tmp_path / "speed-dossier")
