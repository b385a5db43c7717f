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


#: A short news story written for these tests (plain paragraphs, no furniture), shared by the tests that
#: wrap it in page furniture and check the furniture goes and every paragraph stays.
RIVER_STORY = [
    "The river authority opened the new fish ladder beside the old mill weir on Tuesday morning, after two years "
    "of work that had to stop every spring while the salmon were running upstream to spawn.",
    "Engineers built the ladder as a series of twenty shallow pools, each a hand breadth higher than the one "
    "below, so that fish can rest between short climbs instead of leaping the whole weir at once.",
    "Volunteers from the angling club will count the fish that pass a window in the seventh pool during the "
    "autumn run, and the authority has promised to publish the counts every week on its notice board.",
    "The mill itself, which ground flour for the valley until the nineteen sixties, is to become a small museum "
    "of the trades of the river once the roof has been repaired and the wheel has been made safe to turn.",
    "Anglers downstream say the first trout were seen below the weir within an hour of the gates being opened, "
    "and the club secretary said she had not seen so many fish in that stretch of water since she was a girl.",
]
