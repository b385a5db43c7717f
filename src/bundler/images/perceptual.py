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
- **A search that starts where most photos land**: SSIM grows with quality, so the answer is
  the lowest passing rung. The search tries ``START`` first (where most photos at the screen
  targets land), then steps away from it by 1, 1, 2, 4 rungs until the outcome flips, then bisects
  the gap: a photo that needs the start quality or the next rung up takes 2 trial encodes, one
  rung down 3, against 3–4 for a bisection of the whole ladder (at worst 7, at the far end).
  On the 261 bench photos (all with SSIM rising with quality) it chose exactly what the bisection
  chose, with 2.4 trials a photo instead of 3.5.

Deterministic: the same pixels give the same strip, the same trial encodes and the same SSIM,
so the same quality and the same bytes.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable

import numpy as np
from PIL import Image as PILImage

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


def choose_quality(image: PILImage.Image, target: float, ceiling: int, scale: int = 1) -> int:
    """The lowest quality of ``LADDER`` (at most ``ceiling``) whose JPEG keeps luminance SSIM ≥ ``target``; else the top one tried."""
    qualities = [quality for quality in LADDER if quality <= ceiling] or [ceiling]
    sample = photo_sample(image)
    tile = TILE // scale if sample is not image else 0
    if tile:
        target += SAMPLE_MARGIN
    sample = sample.convert("L")  # the luminance JPEG codes: the trials encode it alone (3x cheaper than colour)
    reference = Reference(seen_at(np.asarray(sample, dtype=np.float32), scale), tile)
    start = min(range(len(qualities)), key=lambda index: abs(qualities[index] - START))
    lowest = lowest_passing(lambda index: trial_similarity(sample, qualities[index], reference, scale) >= target, start, len(qualities))
    return qualities[lowest]


def lowest_passing(passes: Callable[[int], bool], start: int, count: int) -> int:
    """The lowest index below ``count`` for which ``passes`` (False, then True, as the index grows) holds; ``count - 1`` if none.

    Tries ``start``, then gallops away from it (1, 1, 2, 4 ... indices) until the outcome flips,
    then bisects the bracket: few calls when the answer is near ``start``, never many when not.
    """
    failing, passing = -1, count  # the highest index known to fail, the lowest known to pass
    went_down = passes(start)
    if went_down:
        passing = start
    else:
        failing = start
    tries = 0
    while passing - failing > 1:
        step = max(1, 2 ** (tries - 1))  # 1, 1, 2, 4 ...: the next two rungs first, where most answers are
        tries += 1
        probe = passing - step if went_down else failing + step
        if not failing < probe < passing:
            break
        if passes(probe):
            passing = probe
            if not went_down:
                break
        else:
            failing = probe
            if went_down:
                break
    while passing - failing > 1:
        middle = (failing + passing) // 2
        if passes(middle):
            passing = middle
        else:
            failing = middle
    return min(passing, count - 1)


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
    buffer = io.BytesIO()
    sample.save(buffer, "JPEG", quality=quality)  # Huffman tables change bytes, never pixels: no optimising here
    buffer.seek(0)
    with PILImage.open(buffer) as decoded:
        decoded.load()
        seen = seen_at(np.asarray(decoded, dtype=np.float32), scale)
    return reference.similarity(seen)


def seen_at(pixels: np.ndarray, scale: int) -> np.ndarray:
    """``pixels`` averaged over ``scale`` × ``scale`` boxes (the edge that does not fill a box is dropped)."""
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

    ``tile`` > 0: the array is a strip of tiles that wide, and only windows wholly inside one
    tile count; a window across a seam joins two unrelated places, whose strong edge would
    match in both images and lift the score.
    """

    def __init__(self, pixels: np.ndarray, tile: int = 0) -> None:
        self.pixels = pixels.astype(np.float64)
        self.small = min(pixels.shape) < WINDOW
        if self.small:
            return
        self.mean = window_sums(self.pixels) / _AREA
        self.variance = _COVARIANCE * (window_sums(self.pixels * self.pixels) / _AREA - self.mean * self.mean)
        self.columns = _inside_tiles(pixels.shape[1], tile) if tile else None

    def similarity(self, other: np.ndarray) -> float:
        """Mean SSIM of this reference and ``other`` (same shape, 0-255 scale) over the windows that count."""
        if self.small:  # too small for a window: equal or not
            return 1.0 if np.array_equal(self.pixels, other) else 0.0
        other = other.astype(np.float64)
        mean = window_sums(other) / _AREA
        variance = _COVARIANCE * (window_sums(other * other) / _AREA - mean * mean)
        covariance = _COVARIANCE * (window_sums(self.pixels * other) / _AREA - self.mean * mean)
        local = ((2 * self.mean * mean + _C1) * (2 * covariance + _C2)) / (
            (self.mean * self.mean + mean * mean + _C1) * (self.variance + variance + _C2)
        )
        if self.columns is not None:
            local = local[:, self.columns]
        return float(local.mean(dtype=np.float64))


def window_sums(pixels: np.ndarray) -> np.ndarray:
    """The sum over every ``WINDOW`` × ``WINDOW`` window wholly inside ``pixels`` (float64): shifted rows, then columns, added.

    Seven vector additions each way: ~4× faster than an integral image (``cumsum`` along a
    row is a scalar loop). At view scales 1 and 2 the values are multiples of 1/4 below 256,
    their products multiples of 1/16: float64 holds every partial sum exactly, so the result
    does not depend on the order of the additions.
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
    first = np.arange(width - WINDOW + 1)
    return first % tile <= tile - WINDOW


def ssim(reference: np.ndarray, other: np.ndarray, tile: int = 0) -> float:
    """Mean SSIM of two luminance arrays on the 0-255 scale (scikit-image's defaults: 7 × 7 window); see ``Reference``."""
    return Reference(reference, tile).similarity(other)
