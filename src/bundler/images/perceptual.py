"""Each photo's JPEG quality chosen by how it looks: the lowest quality that keeps the device's SSIM target.

One fixed quality is too much for a flat, calm photo and too little for a busy one. Here each
photo gets the lowest quality of ``LADDER`` whose decoded result keeps SSIM ≥ the device's
target, compared with the photo at its delivered size; above the ceiling a photo gets the ceiling.

- **Measure**: SSIM (Wang, Bovik, Sheikh and Simoncelli, 2004) from scikit-image's
  ``structural_similarity``: the reference implementation most image work is compared against,
  maintained by an active project with releases several times a year, and already built on
  NumPy and SciPy. Butteraugli models the eye more closely, but the only Python routes to it
  are small single-author bindings or a JPEG XL toolchain; a measure the archive can explain
  and re-run matters more here than the last few per cent of bytes.
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
- **Bisection** over the ladder (SSIM grows with quality), so an 11-step ladder takes 3–4 trial
  encodes.

Deterministic: the same pixels give the same strip, the same trial encodes and the same SSIM,
so the same quality and the same bytes.
"""

from __future__ import annotations

import io
import math
from typing import TYPE_CHECKING

from PIL import Image as PILImage

if TYPE_CHECKING:  # NumPy (~0.25 s to import) is loaded by the functions that measure, so a build with every photo cached never loads it
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


def choose_quality(image: PILImage.Image, target: float, ceiling: int, scale: int = 1) -> int:
    """The lowest quality of ``LADDER`` (at most ``ceiling``) whose JPEG keeps luminance SSIM ≥ ``target``; else the top one tried."""
    qualities = [quality for quality in LADDER if quality <= ceiling] or [ceiling]
    sample = photo_sample(image)
    if sample is not image:
        target += SAMPLE_MARGIN
    import numpy as np

    sample = sample.convert("L")  # the luminance JPEG codes: the trials encode it alone (3x cheaper than colour)
    reference = seen_at(np.asarray(sample, dtype=np.float32), scale)
    low, high = 0, len(qualities) - 1
    while low < high:
        middle = (low + high) // 2
        if trial_similarity(sample, qualities[middle], reference, scale) >= target:
            high = middle
        else:
            low = middle + 1
    return qualities[low]


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


def trial_similarity(sample: PILImage.Image, quality: int, reference: np.ndarray, scale: int) -> float:
    """SSIM of ``reference`` and the luminance ``sample`` encoded at ``quality`` and decoded, both seen at ``scale``."""
    import numpy as np

    buffer = io.BytesIO()
    sample.save(buffer, "JPEG", quality=quality)  # Huffman tables change bytes, never pixels: no optimising here
    buffer.seek(0)
    with PILImage.open(buffer) as decoded:
        decoded.load()
        seen = seen_at(np.asarray(decoded, dtype=np.float32), scale)
    return ssim(reference, seen, tile=TILE // scale if sample.height == TILE else 0)


def seen_at(pixels: np.ndarray, scale: int) -> np.ndarray:
    """``pixels`` averaged over ``scale`` × ``scale`` boxes (the edge that does not fill a box is dropped)."""
    import numpy as np

    if scale <= 1:
        return pixels
    height, width = (pixels.shape[0] // scale) * scale, (pixels.shape[1] // scale) * scale
    total = sum(pixels[row:height:scale, column:width:scale] for row in range(scale) for column in range(scale))
    return total / np.float32(scale * scale)  # strided sums: ~20x faster than reshape().mean() here


def ssim(reference: np.ndarray, other: np.ndarray, tile: int = 0) -> float:
    """Mean SSIM of two luminance arrays on the 0-255 scale (scikit-image's defaults: 7 × 7 window).

    ``tile`` > 0: the arrays are strips of tiles that wide, and only windows wholly inside one
    tile count; a window across a seam joins two unrelated places, whose strong edge would
    match in both images and lift the score.
    """
    import numpy as np
    from skimage.metrics import structural_similarity  # heavy: loaded by the image workers only

    if min(reference.shape) < WINDOW:  # too small for a window: equal or not
        return 1.0 if np.array_equal(reference, other) else 0.0
    if not tile:
        return float(structural_similarity(reference, other, data_range=255.0, win_size=WINDOW))
    _, local = structural_similarity(reference, other, data_range=255.0, win_size=WINDOW, full=True)
    margin = WINDOW // 2
    inside = np.zeros(reference.shape[1], dtype=bool)
    for start in range(0, reference.shape[1], tile):
        inside[start + margin : start + tile - margin] = True
    return float(local[margin:-margin, inside].mean(dtype=np.float64))
