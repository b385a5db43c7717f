"""Rendered pages of the bilingual dossiers against approved images, so layout regressions show.

Two Arabic-root dossiers: the bilingual example collection (as a user builds it, A5 from its
manifest) and the model-built kitchen sink (footnotes, a table and photos in an English piece).

Pages are rasterised with poppler's ``pdftoppm`` at 40 dpi and compared with Pillow. A page
passes when fewer than 0.5 % of its pixels differ visibly. To approve a new layout, look at the
new images, then run ``BUNDLER_UPDATE_GOLDENS=1 pytest tests/pdf/test_goldens.py`` and commit them.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from tests.pdf.conftest import poppler

GOLDENS = Path(__file__).resolve().parent.parent / "goldens" / "pdf"
PAGES = {
    "kitchen-sink-ar": {1: "cover", 3: "contents", 8: "english-piece", 12: "arabic-piece"},
    "bilingual-sample": {
        1: "cover",
        3: "contents",
        8: "arabic-piece",
        11: "mixed-opener",  # English sentences inside Arabic paragraphs, isolated with their punctuation
        12: "english-piece",
        13: "figure",
        17: "mixed-colophon",  # English titles and authors, file names and hashes inside Arabic entries
    },
}
CASES = [(dossier, page, name) for dossier, pages in PAGES.items() for page, name in sorted(pages.items())]
VISIBLE = 48  # a grey-level difference a reader would see
TOLERANCE = 0.005  # share of pixels allowed to differ visibly (anti-aliasing, rasteriser versions)


def rasterise(pdf: Path, page: int, folder: Path) -> Image.Image:
    stem = folder / f"page-{page}"
    subprocess.run(
        [poppler("pdftoppm"), "-r", "40", "-gray", "-png", "-singlefile", "-f", str(page), "-l", str(page), str(pdf), str(stem)],
        check=True,
        timeout=60,
    )
    with Image.open(f"{stem}.png") as image:
        return image.convert("L")


def visible_difference(actual: Image.Image, approved: Image.Image) -> float:
    """Share of pixels whose grey level differs by more than VISIBLE."""
    difference = ImageChops.difference(actual, approved).point(lambda value: 255 if value > VISIBLE else 0)
    return difference.histogram()[255] / (actual.width * actual.height)


@pytest.mark.parametrize("dossier, page, name", CASES)
def test_bilingual_page_matches_the_approved_render(request, tmp_path, dossier, page, name):
    built = request.getfixturevalue("arabic" if dossier == "kitchen-sink-ar" else "bilingual")
    actual = rasterise(built.paths["pdf"], page, tmp_path)
    golden = GOLDENS / f"{dossier}-{page:02d}-{name}.png"
    if os.environ.get("BUNDLER_UPDATE_GOLDENS") == "1":
        GOLDENS.mkdir(parents=True, exist_ok=True)
        actual.save(golden, optimize=True)
        pytest.skip(f"approved image written: {golden.name}")
    assert golden.is_file(), f"no approved image {golden.name}; run with BUNDLER_UPDATE_GOLDENS=1 and look at it"
    with Image.open(golden) as approved:
        approved = approved.convert("L")
        assert actual.size == approved.size, f"page {page} changed size: {actual.size} vs {approved.size}"
        share = visible_difference(actual, approved)
    if share > TOLERANCE:
        actual.save(tmp_path / f"actual-{golden.name}")
    assert share <= TOLERANCE, f"page {page} ({name}) differs on {share:.2%} of its pixels; see {tmp_path}"
