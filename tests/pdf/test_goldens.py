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

from bundler.exporters import context_for
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
        17: "mixed-colophon",  # English titles and authors, file names inside Arabic entries
        18: "checksums",  # each original's SHA-256 and path, left to right, under an Arabic heading
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
    compare_with_approved(actual, GOLDENS / f"{dossier}-{page:02d}-{name}.png", f"page {page} ({name})", tmp_path)


def compare_with_approved(actual: Image.Image, golden: Path, label: str, tmp_path: Path) -> None:
    """Fail when more than TOLERANCE of the pixels differ visibly (or write the image when approving)."""
    if os.environ.get("BUNDLER_UPDATE_GOLDENS") == "1":
        GOLDENS.mkdir(parents=True, exist_ok=True)
        actual.save(golden, optimize=True)
        pytest.skip(f"approved image written: {golden.name}")
    assert golden.is_file(), f"no approved image {golden.name}; run with BUNDLER_UPDATE_GOLDENS=1 and look at it"
    with Image.open(golden) as approved:
        approved = approved.convert("L")
        assert actual.size == approved.size, f"{label} changed size: {actual.size} vs {approved.size}"
        share = visible_difference(actual, approved)
    if share > TOLERANCE:
        actual.save(tmp_path / f"actual-{golden.name}")
    assert share <= TOLERANCE, f"{label} differs on {share:.2%} of its pixels; see {tmp_path}"


#: Pages of other scripts, found by a phrase on them: Japanese (serif CJK face, justified),
#: Korean, and a Latin page with U+2212, arrows, a check mark and an emoji from the fallbacks.
SCRIPT_PAGES = {"japanese": "日本語の文章", "korean": "서울에서는", "emoji": "Temperature"}


@pytest.fixture(scope="module")
def scripts_pdf(tmp_path_factory) -> Path:
    from bundler.exporters import formats
    from bundler.model import Edition
    from tests.pdf.conftest import EPOCH
    from tests.pdf.test_scripts_and_fonts import JAPANESE, KOREAN, SYMBOLS, dossier_of

    path = tmp_path_factory.mktemp("scripts-goldens") / "scripts.pdf"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        formats()["pdf"].write(dossier_of(SYMBOLS, JAPANESE, KOREAN), Edition("pdf"), path, context_for(Edition("pdf")))
    return path


@pytest.mark.parametrize("name", sorted(SCRIPT_PAGES))
def test_script_page_matches_the_approved_render(scripts_pdf, tmp_path, name):
    text = subprocess.run([poppler("pdftotext"), str(scripts_pdf), "-"], capture_output=True, text=True, check=True).stdout
    (page,) = [n for n, page_text in enumerate(text.split("\f"), start=1) if SCRIPT_PAGES[name] in page_text]
    compare_with_approved(rasterise(scripts_pdf, page, tmp_path), GOLDENS / f"scripts-{name}.png", f"{name} page", tmp_path)
