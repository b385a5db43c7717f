"""The perceptual measure's own SSIM agrees with scikit-image's, and the quality search finds the lowest passing rung.

scikit-image's ``structural_similarity`` is the oracle here: the measure must be the same
SSIM, only computed with less work (window sums of exact float64 values, the reference's
statistics reused across trials).
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageFilter
from skimage.metrics import structural_similarity

from bundler.images.perceptual import (
    LADDER,
    START,
    TILE,
    Reference,
    box_sums,
    choose_quality,
    guess_quality,
    lowest_passing,
    photo_sample,
    seen_at,
    ssim,
)
from bundler.images.perceptual import trial_similarity as similarity_at
from tests.images import samples


def luminance(image: Image.Image, scale: int) -> np.ndarray:
    return seen_at(np.asarray(image.convert("L"), dtype=np.float32), scale)


@pytest.fixture(scope="module")
def photo() -> Image.Image:
    """A photo-like picture: noise softened unevenly, so flat and busy places both occur."""
    noisy = samples.noisy_photo((1200, 900), seed=11, noise=0.5)
    return Image.blend(noisy, noisy.filter(ImageFilter.GaussianBlur(3)), 0.6)


@pytest.mark.parametrize("scale", [1, 2])
def test_ssim_of_whole_arrays_is_scikit_images(photo, scale):
    reference = luminance(photo, scale)
    for quality in (40, 70, 90):
        decoded = Image.open(io.BytesIO(samples.jpeg_bytes(photo, quality=quality)))
        other = luminance(decoded, scale)
        expected = structural_similarity(reference.astype(np.float64), other.astype(np.float64), data_range=255.0, win_size=7)
        assert ssim(reference, other) == pytest.approx(expected, abs=1e-6)
    assert ssim(reference, reference) == pytest.approx(1.0, abs=1e-12)


def test_ssim_of_a_strip_counts_only_windows_inside_a_tile(photo):
    """A strip of tiles: the same local SSIM map as scikit-image's, averaged over windows that do not cross a seam."""
    strip = photo_sample(photo.resize((2400, 1800)))
    assert strip.height == TILE and strip.width % TILE == 0
    reference = luminance(strip, 2)
    decoded = Image.open(io.BytesIO(samples.jpeg_bytes(strip.convert("L"), quality=50)))
    other = luminance(decoded, 2)
    _, local = structural_similarity(reference.astype(np.float64), other.astype(np.float64), data_range=255.0, win_size=7, full=True)
    tile, margin = TILE // 2, 3
    inside = np.zeros(reference.shape[1], dtype=bool)
    for start in range(0, reference.shape[1], tile):
        inside[start + margin : start + tile - margin] = True
    expected = float(local[margin:-margin, inside].mean())
    assert ssim(reference, other, tile=tile) == pytest.approx(expected, abs=1e-6)
    assert ssim(reference, other) != pytest.approx(expected, abs=1e-5)  # the seams would count otherwise


@pytest.mark.parametrize("scale", [1, 2])
def test_integer_box_sums_give_the_float_averages_ssim_bit_for_bit(photo, scale):
    """The search measures 8-bit box sums in integers: every SSIM is the same float as from ``seen_at``'s averages."""
    for image, tile in ((photo_sample(photo.resize((2400, 1800))), TILE // scale), (photo.crop((0, 0, 301, 203)), 0)):
        luma = image.convert("L")
        as_floats = Reference(luminance(luma, scale), tile)
        as_integers = Reference(box_sums(np.asarray(luma), scale), tile, unit=scale * scale)
        assert as_integers.pixels.dtype == np.int32
        for quality in (40, 65, 90):
            decoded = np.asarray(Image.open(io.BytesIO(samples.jpeg_bytes(luma, quality=quality))))
            exact = as_floats.similarity(luminance(Image.fromarray(decoded), scale))
            assert as_integers.similarity(box_sums(decoded, scale), unit=scale * scale) == exact
            assert as_floats.similarity(box_sums(decoded, scale), unit=scale * scale) == exact  # mixed forms too


def test_arrays_smaller_than_the_window_are_equal_or_not():
    small = np.full((4, 30), 100.0, dtype=np.float32)
    assert ssim(small, small.copy()) == 1.0
    assert ssim(small, small + 1) == 0.0


def rising_curves(count: int, seed: int = 5) -> list[list[float]]:
    """SSIM-like values rising with the rung: smooth, steep, flat, with plateaus and jumps."""
    rng = np.random.default_rng(seed)
    curves = []
    for _ in range(300):
        steps = rng.choice([rng.exponential(0.004, count), rng.exponential(0.02, count), np.zeros(count) + 1e-4])
        steps[rng.random(count) < 0.2] = 0.0  # plateaus: equal SSIM on neighbouring rungs
        curves.append(list(0.90 + np.cumsum(steps)))
    return curves


def test_lowest_passing_finds_the_lowest_rung_from_any_start_with_few_trials():
    """Whatever the values, the answer is the lowest rung that keeps the target; no rung is tried twice."""
    for count in (1, 2, 5, len(LADDER)):
        qualities = list(LADDER[-count:])
        for curve in rising_curves(count):
            for target in (0.91, 0.95, 0.97, 0.985, 0.999):
                expected = next((index for index, value in enumerate(curve) if value >= target), count - 1)
                for start in range(count):
                    tried: list[int] = []

                    def similarity(index: int, curve: list[float] = curve, tried: list[int] = tried) -> float:
                        assert index not in tried  # never the same trial twice
                        tried.append(index)
                        return curve[index]

                    assert lowest_passing(similarity, target, qualities, start) == expected
                    assert len(tried) <= 1 + 2 + 4  # the start, two guesses, then a bisection of at most 11 rungs


def test_guess_quality_follows_the_quantiser_step():
    """Half the loss needs half the quantiser step: from q60 at SSIM 0.94, 0.97 is guessed at q80."""
    assert guess_quality(60, 0.94, 0.97) == pytest.approx(80)
    assert guess_quality(80, 0.97, 0.97) == pytest.approx(80)
    assert guess_quality(60, 1.0, 0.97) < 0  # a perfect trial: any lower rung may do


def test_choice_is_the_lowest_ladder_quality_that_keeps_the_target(photo):
    """The search against every rung tried: the same answer as scanning the whole ladder."""
    for image in (photo, photo.filter(ImageFilter.GaussianBlur(2)), photo.resize((2400, 1800))):
        sample = photo_sample(image)
        tile = TILE // 2 if sample is not image else 0
        target = 0.97 + (0.0015 if tile else 0.0)
        luma = sample.convert("L")
        reference = Reference(luminance(luma, 2), tile)
        scanned = next((q for q in LADDER if similarity_at(luma, q, reference, 2) >= target), LADDER[-1])
        assert choose_quality(image, 0.97, 90, scale=2) == scanned
    assert START in LADDER
