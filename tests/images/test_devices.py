"""Device profiles size photos by the surface they are seen on; each photo's JPEG quality is chosen by SSIM.

The SSIM here is measured independently of the search: over the whole delivered photo, with
scikit-image, on the luminance of the decoded JPEG, seen as the profile sees it.
"""

from __future__ import annotations

import io
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter
from skimage.metrics import structural_similarity

from bundler.images import prepare_image
from bundler.images.devices import DEVICES, EINK
from bundler.images.perceptual import LADDER, seen_at
from bundler.images.policy import EPUB_POLICY, PHONE_POLICY, apply_options, device_policy
from tests.images import samples


def png(image: Image.Image) -> bytes:
    return samples.encoded(image, "PNG")


def flat_photo(size=(1200, 800)) -> Image.Image:
    """A calm, graphic-like photo: soft gradients and large soft shapes, a little noise (well over 256 colours)."""
    gradient = Image.linear_gradient("L").resize(size)
    image = Image.merge("RGB", (gradient, gradient.transpose(Image.Transpose.FLIP_LEFT_RIGHT), Image.new("L", size, 120)))
    draw = ImageDraw.Draw(image)
    draw.ellipse((200, 150, 700, 600), fill=(200, 80, 60))
    draw.rectangle((750, 300, 1100, 700), fill=(40, 90, 160))
    image = image.filter(ImageFilter.GaussianBlur(6))
    return Image.blend(image, Image.effect_noise(size, 20).convert("RGB"), 0.04)


def busy_photo(size=(1200, 800)) -> Image.Image:
    """A detailed photo: strong fine texture everywhere."""
    return samples.noisy_photo(size, seed=7, noise=0.6)


def quality_of(data: bytes) -> int:
    """The ladder quality whose luminance quantisation table this JPEG carries."""
    with Image.open(io.BytesIO(data)) as opened:
        table = opened.quantization[0]
    probe = Image.new("RGB", (16, 16))
    for quality in LADDER:
        with Image.open(io.BytesIO(samples.jpeg_bytes(probe, quality=quality))) as made:
            if made.quantization[0] == table:
                return quality
    raise AssertionError("not a ladder quality")


def whole_photo_ssim(source: Image.Image, data: bytes, scale: int) -> float:
    """SSIM of the source and the delivered JPEG over the whole photo, on luminance, at the profile's view scale."""
    with Image.open(io.BytesIO(data)) as decoded:
        assert decoded.size == source.size
        seen = seen_at(np.asarray(decoded.convert("L"), dtype=np.float32), scale)
    reference = seen_at(np.asarray(source.convert("L"), dtype=np.float32), scale)
    return float(structural_similarity(reference, seen, data_range=255.0))


@pytest.mark.parametrize(
    ("device", "landscape", "portrait"),
    [
        ("eink", (1429, 1072), (1072, 1429)),
        ("phone", (1440, 1080), (1080, 1440)),
        ("tablet", (2186, 1640), (1640, 2186)),
        ("print", (1653, 1239), (974, 1299)),  # paper does not turn: the photo box is 140 × 110 mm at 300 ppi
    ],
)
def test_profile_sets_the_size_a_large_photo_is_delivered_at(device, landscape, portrait):
    """A 4000 × 3000 photo fits the screen in either orientation (screens turn), or the text block (paper)."""
    policy = device_policy(DEVICES[device])
    assert policy.target_size((4000, 3000)) == landscape
    assert policy.target_size((3000, 4000)) == portrait


def test_large_photo_is_delivered_at_the_profile_size_and_a_small_one_never_upscaled():
    large = samples.jpeg_bytes(samples.noisy_photo((4000, 3000), seed=2), quality=90)
    small = samples.jpeg_bytes(samples.noisy_photo((800, 600), seed=2), quality=97)
    for policy in (EPUB_POLICY, PHONE_POLICY):
        result = prepare_image(large, policy)
        assert (result.width, result.height) == policy.target_size((4000, 3000))
        assert max(result.width, result.height) <= policy.max_side and min(result.width, result.height) <= policy.max_short_side
        kept = prepare_image(small, policy)
        assert (kept.width, kept.height) == (800, 600)
    tiny = prepare_image(png(busy_photo((300, 200))), EPUB_POLICY)
    assert (tiny.width, tiny.height) == (300, 200)


def test_quality_is_chosen_per_photo_and_each_keeps_the_target():
    """A calm photo needs a lower quality than a busy one, and both keep the e-ink SSIM target over the whole photo."""
    chosen = {}
    for name, photo in (("flat", flat_photo()), ("busy", busy_photo())):
        result = prepare_image(png(photo), EPUB_POLICY)
        assert (result.width, result.height) == photo.size  # within the e-ink screen: not resized
        chosen[name] = quality_of(result.data)
        assert whole_photo_ssim(photo, result.data, EINK.view_scale) >= EINK.ssim_target, name
        if chosen[name] > LADDER[0]:  # and it is the lowest that does: one step down would not
            lower = samples.jpeg_bytes(photo, quality=chosen[name] - 5)
            assert whole_photo_ssim(photo, lower, EINK.view_scale) < EINK.ssim_target + 0.003, name
    assert chosen["flat"] < chosen["busy"], chosen


def test_identical_input_gives_identical_bytes():
    data = png(busy_photo((1500, 1000)))
    for policy in (EPUB_POLICY, PHONE_POLICY):
        assert prepare_image(data, policy).data == prepare_image(data, policy).data


def test_baseline_for_eink_progressive_for_phone():
    data = samples.jpeg_bytes(samples.noisy_photo((2400, 1600), seed=4), quality=92)
    with Image.open(io.BytesIO(prepare_image(data, EPUB_POLICY).data)) as eink:
        assert not eink.info.get("progressive")
    with Image.open(io.BytesIO(prepare_image(data, PHONE_POLICY).data)) as phone:
        assert phone.info.get("progressive")


def test_explicit_quality_turns_the_perceptual_choice_off():
    policy = apply_options(EPUB_POLICY, {"device": "tablet", "quality": 85})
    assert (policy.max_side, policy.ssim_target, policy.jpeg_quality) == (2360, 0, 85)
    result = prepare_image(png(flat_photo()), policy)
    assert quality_of(result.data) == 85


def test_unknown_device_in_the_manifest_is_a_user_error(tmp_path):
    (tmp_path / "piece.md").write_text("---\ntitle: A piece\nlanguage: en\n---\n\nThe market reopened at noon.\n", encoding="utf-8")
    (tmp_path / "collection.yaml").write_text(
        "title: Devices\nsections:\n  - title: One\n    pieces:\n      - piece.md\neditions:\n  epub:\n    images: {device: tablett}\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "bundler", "build", str(tmp_path), "--out", str(tmp_path / "dist")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert "collection.yaml:8" in result.stderr and "editions.epub.images.device" in result.stderr
    assert "unknown image device 'tablett'" in result.stderr and "did you mean 'tablet'?" in result.stderr
    assert not (tmp_path / "dist").exists() or not any((tmp_path / "dist").iterdir())
