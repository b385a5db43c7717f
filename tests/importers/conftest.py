"""Shared helpers for importer tests: the fixture corpus and text normalisation."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import yaml

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
SEED = Path("/work/shared/seeds/aleppo-is-burning.txt")
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "\u00a0": " ", "–": "-", "—": "-"})


def load_expected() -> dict:
    """The corpus expectations written by tests/fixtures/pages/generate.py."""
    return yaml.safe_load((PAGES / "expected.yaml").read_text(encoding="utf-8"))


def norm(text: str) -> str:
    """Compare text the way a reader does: straight quotes, one space, NFC."""
    return " ".join(unicodedata.normalize("NFC", text).translate(_QUOTES).split())
