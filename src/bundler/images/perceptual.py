"""Each photo's JPEG quality chosen by how it looks: the lowest quality that keeps the device's SSIM target.

One fixed quality is too much for a flat, calm photo and too little for a busy one. Here each
photo gets the lowest quality of ``LADDER`` whose decoded result keeps SSIM ≥ the device's
target, compared with the photo at its delivered size; above the ceiling a photo gets the ceiling.

- **Measure**: SSIM (Wang, Bovik, Sheikh and Simoncelli, 2004) with scikit-image's defaults
  (7 × 7 uniform window, K1 0.01, K2 0.03, sample covariance): the definition most image work is
  compared against. It is computed here, not by ``structural_similarity``: window sums from
  integral images in float64 (exact for these pixel values, so the result does not depend on
  summation order), and the reference's means and variances computed once per photo instead of
  once per trial. That is ~3× less work a trial than scikit-image's five filters and float
  conversions, and agrees with it within 1e-6 (``tests/images/test_perceptual.py``). Butteraugli
  models the eye more closely, but the only Python routes to it are small single-author bindings
  or a JPEG XL toolchain; a measure the archive can explain and re-run matters more here than the
  last few per cent of bytes.
- **On luminance**: the eye resolves detail in brightness, not colour (JPEG keeps colour at half
  resolution for that reason), and an e-ink screen shows nothing else. Colour artefacts at
  these qualities are below what luminance shows.
- **At the delivered size, seen as the device shows it**: both images are compared after a box
  average over ``scale`` × ``scale`` device pixels (2 on screens of 264 ppi and more, 1 on
  paper at 200 ppi: see ``devices.py``). 8-pixel JPEG blocks stay 4 samples wide, so blocking
  and ringing still count; grain finer than the eye resolves at reading distance does not.
- **On a sample of the photo**: one 64-pixel tile in eight, on diagonals so every row and column
  of tiles is represented, laid side by side in one strip. The tiles sit on the 16-pixel grid
  of JPEG's blocks and each 8 × 8 luminance block is coded on its own, so the strip's
  luminance decodes as those tiles do in the whole photo; the trial encodes are of the
  luminance alone (the colour JPEG's luminance uses the same table at the same quality; a
  third of the work of a colour trial). Only windows wholly inside a tile count. On the bench
  photos the strip's SSIM was within 0.0009 of the whole colour photo's (``SAMPLE_MARGIN``
  covers it); a photo with fewer than 16 sampled tiles is measured whole.
- **A search guided by how JPEG loses**: SSIM grows with quality, so the answer is the lowest
  passing rung. The search tries ``START`` first, then twice guesses the rung from the SSIM it
  just measured (quantisation noise grows with JPEG's quantiser step, which is proportional to
  100 − quality from 50 up: ``guess_quality``), then bisects what is left, always inside the
  bracket of rungs known to fail and to pass, so it ends with the same answer as a bisection
  of the whole ladder. On the bench photos it chose exactly what the bisection chose, with
  fewer trial encodes a photo: e-ink 2.5 instead of 3.5 (all 261), phone 2.2 instead of 3.0,
  print 2.0 instead of 3.0, archive 2.8 instead of 2.6 (40 of them).

Deterministic: the same pixels give the same strip, the same trial encodes and the same SSIM,
so the same quality and the same bytes.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from PIL import Image as PILImage

if TYPE_CHECKING:
    import numpy as np

#: The qualities tried, lowest first (above 90 JPEG grows fast for little visible gain).
LADDER = tuple(range(40, 91, 5))
TILE = 64  # pixels, a multiple of the 16-pixel block grid of 4:2:0 JPEG
STRIDE = 8  # one tile in STRIDE is measured
#: Added to the target when a strip stands for the photo: on the bench photos the strip's SSIM
#: was within 0.0009 of the whole photo's, so the whole photo still keeps the target.
SAMPLE_MARGIN = 0.0015
MIN_TILES = 16  # below this many sampled tiles the whole photo is measured
MAX_STRIP = 60_000  # pixels: JPEG's dimension limit is 65,535
WINDOW = 7  # SSIM's window, scikit-image's default
#: Where the search starts: on the e-ink and phone targets most bench photos need 60 or 65.
START = 60
GUESSES = 2  # trials placed by ``guess_quality`` before the search falls back to bisecting


def choose_quality(image: PILImage.Image, target: float, ceiling: int, scale: int = 1) -> int:
    """The lowest quality of ``LADDER`` (at most ``ceiling``) whose JPEG keeps luminance SSIM ≥ ``target``; else the top one tried."""
    import numpy as np  # loaded when a photo is measured: a warm build, every photo cached, never loads it

    qualities = [quality for quality in LADDER if quality <= ceiling] or [ceiling]
    sample = photo_sample(image)
    tile = TILE // scale if sample is not image else 0
    if tile:
        target += SAMPLE_MARGIN
    sample = sample.convert("L")  # the luminance JPEG codes: the trials encode it alone (3x cheaper than colour)
    reference = Reference(box_sums(np.asarray(sample), scale), tile, unit=scale * scale)
    start = min(range(len(qualities)), key=lambda index: abs(qualities[index] - START))
    similarity = lambda index: trial_similarity(sample, qualities[index], reference, scale)  # noqa: E731
    return qualities[lowest_passing(similarity, target, qualities, start)]


def lowest_passing(similarity: Callable[[int], float], target: float, qualities: list[int], start: int) -> int:
    """The index of the lowest of ``qualities`` whose ``similarity`` keeps ``target`` (the last index if none does).

    ``similarity`` must grow with the index. Every trial lies strictly between the highest
    index known to fail and the lowest known to pass, so no index is tried twice and the
    answer is the bisection's; the guesses only choose which index is tried next (at worst
    1 + ``GUESSES`` + a bisection: 7 trials on the 11-rung ladder, against 4).
    """
    failing, passing = -1, len(qualities)
    probe, guesses = start, 0
    while True:
        measured = similarity(probe)
        if measured >= target:
            passing = probe
        else:
            failing = probe
        if passing - failing <= 1:
            return min(passing, len(qualities) - 1)
        if guesses < GUESSES:
            guesses += 1
            guessed = guess_quality(qualities[probe], measured, target)
            probe = next((index for index, quality in enumerate(qualities) if quality >= guessed), len(qualities) - 1)
            probe = min(max(probe, failing + 1), passing - 1)
        else:
            probe = (failing + passing) // 2


def guess_quality(quality: int, measured: float, target: float) -> float:
    """The quality at which SSIM would reach ``target``, from one trial, if 1 − SSIM grows as 100 − quality.

    JPEG's quantiser step is proportional to 100 − quality from quality 50 up (libjpeg's
    scaling of its tables), and the lost structure with it; a rough model is enough, because
    the search checks every guess.
    """
    return 100 - (100 - quality) * (1 - target) / max(1 - measured, 1e-9)


def photo_sample(image: PILImage.Image) -> PILImage.Image:
    """The photo, or (for a large photo) a strip of one tile in ``STRIDE`` of it."""
    width, height = image.size
    columns, rows = width // TILE, height // TILE
    tiles = [(column, row) for row in range(rows) for column in range(columns) if (column + 3 * row) % STRIDE == 0]
    if len(tiles) < MIN_TILES:
        return image
    step = math.ceil(len(tiles) * TILE / MAX_STRIP)
    tiles = tiles[::step]
    strip = PILImage.new(image.mode, (len(tiles) * TILE, TILE))
    for index, (column, row) in enumerate(tiles):
        box = (column * TILE, row * TILE, (column + 1) * TILE, (row + 1) * TILE)
        strip.paste(image.crop(box), (index * TILE, 0))
    return strip


def trial_similarity(sample: PILImage.Image, quality: int, reference: Reference, scale: int) -> float:
    """SSIM of ``reference`` and the luminance ``sample`` encoded at ``quality`` and decoded, both seen at ``scale``."""
    import numpy as np

    buffer = io.BytesIO()
    sample.save(buffer, "JPEG", quality=quality)  # Huffman tables change bytes, never pixels: no optimising here
    buffer.seek(0)
    with PILImage.open(buffer) as decoded:
        decoded.load()
        seen = box_sums(np.asarray(decoded), scale)
    return reference.similarity(seen, unit=scale * scale)


def box_sums(pixels: np.ndarray, scale: int) -> np.ndarray:
    """``pixels`` (8-bit) summed over ``scale`` × ``scale`` boxes, in integers: ``seen_at`` times ``scale``², exactly.

    The measure works on these sums (``Reference``'s ``unit``): no float copy of the image, and
    integer window sums, which are exact by construction and half the width of float64's.
    """
    import numpy as np

    if scale <= 1:
        return pixels
    height, width = (pixels.shape[0] // scale) * scale, (pixels.shape[1] // scale) * scale
    total = pixels[:height:scale, :width:scale].astype(np.int32)
    for row in range(scale):
        for column in range(scale):
            if row or column:
                total += pixels[row:height:scale, column:width:scale]
    return total


def seen_at(pixels: np.ndarray, scale: int) -> np.ndarray:
    """``pixels`` averaged over ``scale`` × ``scale`` boxes (the edge that does not fill a box is dropped)."""
    import numpy as np

    if scale <= 1:
        return pixels
    height, width = (pixels.shape[0] // scale) * scale, (pixels.shape[1] // scale) * scale
    total = sum(pixels[row:height:scale, column:width:scale] for row in range(scale) for column in range(scale))
    return total / np.float32(scale * scale)  # strided sums: ~20x faster than reshape().mean() here


#: SSIM's constants, scikit-image's defaults for a 0-255 range: K1 = 0.01, K2 = 0.03, sample covariance.
_C1 = (0.01 * 255.0) ** 2
_C2 = (0.03 * 255.0) ** 2
_AREA = WINDOW * WINDOW
_COVARIANCE = _AREA / (_AREA - 1)


class Reference:
    """One luminance array's window means and variances, kept to compare many trial encodes with it.

    ``pixels`` is luminance on the 0-255 scale times ``unit``, a power of two: 1 for pixel values
    or ``seen_at``'s averages, ``scale``² for ``box_sums``. Integer arrays are summed in integers,
    floats in float64; both sums are exact, and dividing an exact sum by a power of two is exact,
    so the means, variances and SSIM are the same floats whichever form the pixels come in.

    ``tile`` > 0: the array is a strip of tiles that wide, and only windows wholly inside one
    tile count; a window across a seam joins two unrelated places, whose strong edge would
    match in both images and lift the score.
    """

    def __init__(self, pixels: np.ndarray, tile: int = 0, unit: int = 1) -> None:
        self.unit = unit
        self.pixels = _exact(pixels, unit)
        self.small = min(pixels.shape) < WINDOW
        if self.small:
            return
        self.mean = window_sums(self.pixels) / (_AREA * unit)
        self.variance = _COVARIANCE * (window_sums(self.pixels * self.pixels) / (_AREA * unit * unit) - self.mean * self.mean)
        self.columns = _inside_tiles(pixels.shape[1], tile) if tile else None

    def similarity(self, other: np.ndarray, unit: int = 1) -> float:
        """Mean SSIM of this reference and ``other`` (same shape, 0-255 scale times ``unit``) over the windows that count."""
        import numpy as np

        if unit != self.unit:  # one form for both: powers of two, so the rescaling is exact
            other, unit = other.astype(np.float64) * (self.unit / unit), self.unit
        other = _exact(other, unit)
        if self.small:  # too small for a window: equal or not
            return 1.0 if np.array_equal(self.pixels, other) else 0.0
        mean = window_sums(other) / (_AREA * unit)
        variance = _COVARIANCE * (window_sums(other * other) / (_AREA * unit * unit) - mean * mean)
        covariance = _COVARIANCE * (window_sums(self.pixels * other) / (_AREA * unit * unit) - self.mean * mean)
        local = ((2 * self.mean * mean + _C1) * (2 * covariance + _C2)) / (
            (self.mean * self.mean + mean * mean + _C1) * (self.variance + variance + _C2)
        )
        if self.columns is not None:
            local = local[:, self.columns]
        return float(local.mean(dtype=np.float64))


def _exact(pixels: np.ndarray, unit: int) -> np.ndarray:
    """``pixels`` in a type whose window sums of values and of products are exact: int32 when they fit, else int64 or float64."""
    import numpy as np

    if pixels.dtype.kind not in "iu":
        return pixels.astype(np.float64)
    largest = _AREA * (255 * unit) ** 2  # a window's sum of squares at the brightest
    return pixels.astype(np.int32 if largest < 2**31 else np.int64)


def window_sums(pixels: np.ndarray) -> np.ndarray:
    """The sum over every ``WINDOW`` × ``WINDOW`` window wholly inside ``pixels`` (in its type): shifted rows, then columns, added.

    Seven vector additions each way: ~4× faster than an integral image (``cumsum`` along a
    row is a scalar loop). The sums are exact, so they do not depend on the order of the
    additions: integers (``_exact`` picks a type wide enough), or float64 for averages at view
    scales 1 and 2, multiples of 1/4 below 256 whose products are multiples of 1/16.
    """

    height, width = pixels.shape
    rows = pixels[: height - WINDOW + 1].copy()
    for shift in range(1, WINDOW):
        rows += pixels[shift : height - WINDOW + 1 + shift]
    sums = rows[:, : width - WINDOW + 1].copy()
    for shift in range(1, WINDOW):
        sums += rows[:, shift : width - WINDOW + 1 + shift]
    return sums


def _inside_tiles(width: int, tile: int) -> np.ndarray:
    """Which windows of a strip of ``tile``-wide tiles lie wholly inside one tile (by the window's first column)."""
    import numpy as np

    first = np.arange(width - WINDOW + 1)
    return first % tile <= tile - WINDOW


def ssim(reference: np.ndarray, other: np.ndarray, tile: int = 0) -> float:
    """Mean SSIM of two luminance arrays on the 0-255 scale (scikit-image's defaults: 7 × 7 window); see ``Reference``."""

    return Reference(reference, tile).similarity(other)
