"""Photos that would print under 150 ppi in the print PDFs: found in the layout, told by piece.

A printed photo needs about 150 pixels an inch to look sharp. The print stylesheets never
enlarge a photo past that (``image-resolution: 150dpi``), so a small photo prints smaller
than the column instead of soft: a 480 px photo is 81 mm wide where the column is 140 mm.
That is a choice the editor should hear about, with the numbers: the photo's pixels, the
resolution it would have at the width the layout gives it (the column, or less where the
page's height limit narrows it), the width it is printed at, and what to do.

The numbers come from WeasyPrint's own layout (its page boxes), not from a second guess at
the stylesheets, so a page size, a booklet's narrower column or a cover image are measured
as printed. Each ``<img>`` is named by its piece (the ``<article>`` it sits in) and its
number there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from bundler.errors import Report
from bundler.model import Dossier

#: Below this a printed photo looks soft.
MIN_PRINT_PPI = 150
#: CSS pixels an inch (WeasyPrint lays out in CSS px).
CSS_PX_PER_INCH = 96
#: The PDF editions that are printed on paper (the phone edition is read on a screen).
PRINTED_LAYOUTS = ("print", "booklet", "archive")


@dataclass(frozen=True)
class ImagePlacement:
    """One photo as laid out: whose it is, its pixels, and the widths (CSS px) it has and would have."""

    piece: str  # the slug of the piece it belongs to ("" for the cover and other pages)
    number: int  # 1 for the piece's first image, 2 for its second, ...
    alt: str
    pixels: int  # the image's width in pixels
    drawn: float  # the width it is printed at
    wanted: float  # the width the layout gives it: the column, or less where a height limit narrows it

    @property
    def ppi(self) -> float:
        """Pixels an inch at the width the layout gives it."""
        return self.pixels / (self.wanted / CSS_PX_PER_INCH) if self.wanted else math.inf


def image_placements(pages) -> tuple[ImagePlacement, ...]:
    """Every raster image on WeasyPrint's laid-out ``pages`` (``Document.pages``), in reading order."""
    found: list[ImagePlacement] = []
    counts: dict[str, int] = {}
    for page in pages:
        _walk(page._page_box, "", 0.0, found, counts)
    return tuple(found)


def _walk(box, piece: str, column: float, found: list[ImagePlacement], counts: dict[str, int]) -> None:
    if getattr(box, "element_tag", "") == "article" and box.element is not None and "piece" in (box.element.get("class") or "").split():
        piece = box.element.get("id") or piece
    if hasattr(box, "replacement"):
        placement = _placement(box, piece, column, counts)
        if placement is not None:
            found.append(placement)
        return
    if _is_block(box) and isinstance(getattr(box, "width", None), int | float):
        column = box.width
    for child in getattr(box, "children", ()):
        _walk(child, piece, column, found, counts)


def _is_block(box) -> bool:
    from weasyprint.formatting_structure import boxes

    return isinstance(box, boxes.BlockContainerBox)


def _placement(box, piece: str, column: float, counts: dict[str, int]) -> ImagePlacement | None:
    image = box.replacement
    pixels, height = getattr(image, "width", 0), getattr(image, "height", 0)
    if not isinstance(pixels, int) or not pixels or not height or not box.width:
        return None  # not a raster image (an SVG has no pixels to count)
    counts[piece] = counts.get(piece, 0) + 1
    wanted = min(column or box.width, _height_limit(box) * pixels / height)
    return ImagePlacement(piece, counts[piece], box.element.get("alt") or "", pixels, float(box.width), float(max(wanted, box.width)))


def _height_limit(box) -> float:
    """The image's ``max-height`` in CSS px, or infinity."""
    limit = box.style["max_height"]
    return float(limit.value) if getattr(limit, "unit", None) == "px" else math.inf


def report_low_resolution(placements: tuple[ImagePlacement, ...], dossier: Dossier, layout_name: str, report: Report) -> None:
    """W320 for each photo under 150 ppi at the width the layout gives it, located at its piece's source."""
    pieces = {piece.slug: piece for piece in dossier.pieces}
    for placement in placements:
        if placement.ppi >= MIN_PRINT_PPI:
            continue
        piece = pieces.get(placement.piece)
        where = f"{piece.title!r}, photo {placement.number}" if piece else "the cover" if not placement.piece else placement.piece
        alt = f" ({_short(placement.alt)})" if placement.alt else ""
        needed = math.ceil(placement.wanted / CSS_PX_PER_INCH * MIN_PRINT_PPI)
        message = (
            f"PDF ({layout_name}): {where}{alt} is {placement.pixels} px wide: {placement.ppi:.0f} ppi at the "
            f"{_mm(placement.wanted)} mm the page gives it, under {MIN_PRINT_PPI}; printed {_mm(placement.drawn)} mm wide"
        )
        hint = f"find a larger original (at least {needed} px wide), or leave it printed smaller than the column"
        report.warn(message, "W320", file=piece.provenance.source_path if piece and piece.provenance else "", hint=hint)


def _mm(css_px: float) -> int:
    return round(css_px / CSS_PX_PER_INCH * 25.4)


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
