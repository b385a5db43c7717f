"""The image policy, case by case, on images the tests generate."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, features

from bundler.errors import ExportError, Report
from bundler.exporters import edition_policy
from bundler.images import (
    EPUB_POLICY,
    ImagePolicy,
    ImageSession,
    UnusableImage,
    apply_options,
    degraded,
    prepare_image,
)
from bundler.model import Edition, Figure
from bundler.model import Image as ImageRef
from tests.images import samples
from tests.kitchen_sink import make_photo


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.fixture(scope="module")
def big_photo() -> bytes:
    return samples.jpeg_bytes(samples.noisy_photo(seed=1))


def test_large_photo_meets_e5_1_defaults(big_photo):
    result = prepare_image(big_photo, EPUB_POLICY)
    image = opened(result.data)
    assert result.media_type == "image/jpeg" and image.format == "JPEG"
    assert max(image.size) <= 1600 and image.width * image.height <= 2_500_000
    assert (result.width, result.height) == image.size
    assert len(result.data) <= 400_000 < len(big_photo)
    assert image.mode == "RGB"
    assert not image.info.get("progressive") and not image.info.get("progression")
    assert "exif" not in image.info and "icc_profile" not in image.info and "xmp" not in image.info


def test_output_is_deterministic(big_photo):
    assert prepare_image(big_photo, EPUB_POLICY).data == prepare_image(big_photo, EPUB_POLICY).data


def test_gps_camera_and_serial_are_stripped(tmp_path):
    source = make_photo(tmp_path / "gps.jpg", gps=True).read_bytes()
    secrets = samples.gps_fingerprints()
    assert sum(secret in source for secret in secrets) >= 4  # make, serial, latitude, longitude
    for policy in (EPUB_POLICY, ImagePolicy(original=True), ImagePolicy(keep_rights_metadata=True)):
        data = prepare_image(source, policy).data
        assert not [secret for secret in secrets if secret in data]
        assert not opened(data).getexif().get_ifd(0x8825)


def test_rights_fields_kept_only_when_asked(tmp_path):
    exif = Image.Exif()
    exif[0x013B] = "Sam Photographer"
    exif[0x8298] = "CC BY 4.0"
    exif[0x010F] = "ExampleCam"
    exif[0x8825] = {1: "N", 2: (36.0, 12.0, 3.5)}
    source = samples.jpeg_bytes(samples.noisy_photo((800, 600)), exif=exif.tobytes())
    kept = opened(prepare_image(source, apply_options(EPUB_POLICY, {"strip_metadata": False})).data).getexif()
    assert kept.get(0x013B) == "Sam Photographer" and kept.get(0x8298) == "CC BY 4.0"
    assert 0x010F not in kept and not kept.get_ifd(0x8825)
    stripped = opened(prepare_image(source, EPUB_POLICY).data).getexif()
    assert 0x013B not in stripped and 0x8298 not in stripped


def test_grayscale_for_e_ink(big_photo):
    image = opened(prepare_image(big_photo, ImagePolicy(grayscale=True)).data)
    assert image.mode == "L" and image.format == "JPEG"


def test_line_art_png_is_palette_reduced():
    source = samples.encoded(samples.line_art(), "PNG")
    result = prepare_image(source, EPUB_POLICY)
    image = opened(result.data)
    assert result.media_type == "image/png" and image.mode == "P"
    assert max(image.size) <= 1600


def test_photo_saved_as_png_becomes_jpeg():
    source = samples.encoded(samples.noisy_photo((1200, 900)), "PNG")
    assert prepare_image(source, EPUB_POLICY).media_type == "image/jpeg"


def test_transparency_is_flattened_on_white():
    source = samples.encoded(samples.transparent_logo(), "PNG")
    image = opened(prepare_image(source, EPUB_POLICY).data).convert("RGB")
    assert "A" not in image.mode
    assert image.getpixel((10, 10)) == (255, 255, 255)
    red = image.getpixel((200, 150))
    assert red[0] > 200 and red[1] < 40


@pytest.mark.parametrize("fmt", ["WEBP", "TIFF", "GIF", "AVIF"])
def test_other_formats_become_jpeg_or_png(fmt):
    assert features.check("avif"), "the locked Pillow reads AVIF; this one cannot (reinstall from requirements.lock)"
    for picture in (samples.noisy_photo((900, 600)), samples.line_art((900, 450))):
        result = prepare_image(samples.encoded(picture, fmt), EPUB_POLICY)
        assert result.media_type in {"image/jpeg", "image/png"}
        assert opened(result.data).format in {"JPEG", "PNG"}


def test_animated_gif_keeps_only_the_first_frame():
    result = prepare_image(samples.animated_gif(), EPUB_POLICY)
    image = opened(result.data)
    assert getattr(image, "n_frames", 1) == 1
    assert image.convert("RGB").getpixel((60, 40)) == (255, 0, 0)


@pytest.mark.parametrize(
    "broken",
    [
        pytest.param(lambda: samples.jpeg_bytes(samples.noisy_photo((600, 400)))[:3000], id="truncated-jpeg"),
        pytest.param(lambda: b"<html>not an image</html>", id="not-an-image"),
        pytest.param(samples.bomb_png, id="decompression-bomb"),
    ],
)
def test_broken_images_raise_unusable(broken, monkeypatch):
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)  # what importing WeasyPrint does
    with pytest.raises(UnusableImage):
        prepare_image(broken(), EPUB_POLICY)
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # restored for WeasyPrint


@pytest.mark.expect_warnings(
    r"^W601 image bomb\.png cannot be used: image too large to decode safely", r"^W602 image file not found: .*gone\.jpg"
)
def test_broken_image_becomes_placeholder_with_warning(tmp_path):
    path = samples.write(tmp_path / "bomb.png", samples.bomb_png())
    report = Report()
    session = ImageSession(EPUB_POLICY, report, tmp_path / "cache")
    assert session.prepare(Figure(ImageRef(str(path)), caption="A caption")) is None
    assert session.prepare(Figure(ImageRef(str(tmp_path / "gone.jpg")))) is None
    assert [w.code for w in report.warnings] == ["W601", "W602"]
    assert "bomb.png" in report.warnings[0].message


def test_processed_images_are_cached_by_source_and_policy(tmp_path, big_photo):
    path = samples.write(tmp_path / "big.jpg", big_photo)
    cache = tmp_path / "cache"
    first = ImageSession(EPUB_POLICY, Report(), cache).prepare(Figure(ImageRef(str(path))))
    cached = list(cache.glob("*.jpg"))  # each beside its checksum (``.jpg.sha256``)
    assert len(cached) == 1 and cached[0].read_bytes() == first.data
    assert sorted(p.name for p in cache.iterdir()) == [cached[0].name, cached[0].name + ".sha256"]
    ImageSession(ImagePolicy(grayscale=True), Report(), cache).prepare(Figure(ImageRef(str(path))))
    assert len(list(cache.glob("*.jpg"))) == 2
    again = ImageSession(EPUB_POLICY, Report(), cache).prepare(Figure(ImageRef(str(path))))
    assert again == first


def test_keep_passes_original_pixels_through(tmp_path):
    source = make_photo(tmp_path / "p.jpg", gps=True).read_bytes()
    result = prepare_image(source, apply_options(EPUB_POLICY, "keep"))
    assert source.endswith(result.data[-5000:])  # scan data untouched
    assert len(result.data) < len(source)


def test_edition_options_build_the_policy():
    policy = edition_policy(Edition("epub", (("images", {"max_side": 1000, "quality": 70, "grayscale": True}),)))
    assert (policy.max_side, policy.jpeg_quality, policy.grayscale) == (1000, 70, True)
    assert policy.ssim_target == 0  # a quality the edition asks for is the quality it gets
    assert edition_policy(Edition("pdf")).target_size((4000, 3000)) == (1102, 826)  # 200 ppi of the 140 mm photo box
    assert not edition_policy(Edition("epub-text")).include
    assert not edition_policy(Edition("epub", (("images", "none"),))).include
    assert edition_policy(Edition("epub", (("keep_credit_metadata", True),))).keep_rights_metadata
    with pytest.raises(ExportError, match="max_sides"):
        edition_policy(Edition("epub", (("images", {"max_sides": 3}),)))


def test_degradation_only_tightens():
    small = ImagePolicy(max_side=500, jpeg_quality=60)
    step = degraded(small, 1)
    assert step.max_side == 500 and step.jpeg_quality == 60
    assert degraded(EPUB_POLICY, 3).grayscale
    assert not degraded(EPUB_POLICY, 5).include


def test_bomb_limit_is_set():
    assert Image.MAX_IMAGE_PIXELS and Image.MAX_IMAGE_PIXELS <= 100_000_000
    assert Path(samples.__file__).is_file()
