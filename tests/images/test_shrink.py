"""The libvips path for JPEG photos that must get smaller: upright, right colours, right size, safe with workers."""

from __future__ import annotations

import io
import math
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageCms, ImageOps, ImageStat

from bundler.images import EPUB_POLICY, PRINT_POLICY, ImagePolicy, UnusableImage, prepare_image
from bundler.images.shrink import shrinks_with_vips
from tests.images import samples

ROOT = Path(__file__).resolve().parents[2]


def orientation_exif(orientation: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    return exif.tobytes()


def corner_photo(size=(2400, 1600)) -> Image.Image:
    """Gray, with a red block in the stored top-left corner and a blue one in the stored top-right."""
    image = Image.new("RGB", size, (128, 128, 128))
    image.paste((230, 20, 20), (0, 0, size[0] // 6, size[1] // 6))
    image.paste((20, 20, 230), (size[0] - size[0] // 6, 0, size[0], size[1] // 6))
    return image


def colour_at(image: Image.Image, fx: float, fy: float) -> tuple[int, int, int]:
    return image.convert("RGB").getpixel((int(fx * (image.width - 1)), int(fy * (image.height - 1))))


def psnr(a: Image.Image, b: Image.Image) -> float:
    """Peak signal-to-noise ratio in dB over the three channels (higher: closer)."""
    rms = ImageStat.Stat(ImageChops.difference(a.convert("RGB"), b.convert("RGB"))).rms
    mse = sum(r * r for r in rms) / len(rms)
    return 10 * math.log10(255**2 / mse) if mse else 99.0


def opened(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def test_large_jpeg_takes_the_vips_path():
    with opened(samples.jpeg_bytes(corner_photo())) as image:
        assert shrinks_with_vips(image, EPUB_POLICY.scale_for(image.size))
        assert not shrinks_with_vips(image, 1.0)  # nothing to shrink: Pillow (or the lossless path)


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation_comes_out_upright(orientation):
    data = samples.jpeg_bytes(corner_photo(), exif=orientation_exif(orientation))
    with opened(data) as source:
        expected = ImageOps.exif_transpose(source)  # Pillow's reading of the same tag
    result = prepare_image(data, EPUB_POLICY)
    with opened(result.data) as upright:
        assert not upright.getexif()
        assert upright.size == EPUB_POLICY.target_size(expected.size)
        for fx, fy in ((0.03, 0.03), (0.97, 0.03), (0.03, 0.97), (0.97, 0.97)):  # each corner
            want, got = colour_at(expected, fx, fy), colour_at(upright, fx, fy)
            assert max(abs(w - g) for w, g in zip(want, got, strict=True)) < 40, (orientation, (fx, fy), want, got)


def test_shrunk_photo_matches_a_careful_resample():
    """Against Pillow's Lanczos of the same decoded photo: the kernels differ, the picture must not."""
    photo = samples.noisy_photo((3000, 2000), seed=3, noise=0.2)
    data = samples.jpeg_bytes(photo, quality=92)
    fixed = ImagePolicy()  # one fixed quality (80): the kernel is judged here, not the perceptual choice
    result = prepare_image(data, fixed)
    with opened(data) as source, opened(result.data) as shrunk:
        reference = source.convert("RGB").resize(shrunk.size, Image.Resampling.LANCZOS)
        assert shrunk.size == (1600, 1066)
        assert psnr(shrunk, reference) > 32
    assert len(result.data) <= fixed.max_bytes
    assert prepare_image(data, fixed).data == result.data  # deterministic


def display_p3_profile() -> bytes:
    """The Display P3 profile libvips ships (wide gamut: its saturated colours are not sRGB's)."""
    import pyvips

    return pyvips.Image.black(4, 4, bands=3).icc_transform("p3", input_profile="srgb").get("icc-profile-data")


def saturated_photo(size=(2400, 1600)) -> Image.Image:
    """Bands of strong red, green, blue and orange over noise: where P3 and sRGB disagree most."""
    image = samples.noisy_photo(size, seed=1, noise=0.1)
    for index, colour in enumerate([(250, 10, 10), (10, 240, 20), (20, 30, 250), (250, 140, 0)]):
        image.paste(colour, (0, index * size[1] // 4, size[0] // 2, (index + 1) * size[1] // 4))
    return image


def test_tagged_colour_profile_is_converted_to_srgb():
    """A photo tagged Display P3 looks as Pillow's full-size conversion to sRGB says, not as its raw numbers."""
    photo = saturated_photo()
    p3 = ImageCms.ImageCmsProfile(io.BytesIO(display_p3_profile()))
    data = samples.jpeg_bytes(photo, quality=92, icc_profile=p3.tobytes())
    with opened(data) as source:
        converted = ImageCms.profileToProfile(source, p3, ImageCms.createProfile("sRGB"), outputMode="RGB")
    result = prepare_image(data, PRINT_POLICY)
    with opened(result.data) as shrunk:
        assert "icc_profile" not in shrunk.info
        expected = converted.resize(shrunk.size, Image.Resampling.BICUBIC)
        raw = photo.resize(shrunk.size, Image.Resampling.BICUBIC)
        assert psnr(shrunk, expected) > 30
        assert psnr(shrunk, raw) < psnr(shrunk, expected) - 3  # the profile was applied, not dropped


def test_colour_transform_is_built_once_per_profile_and_gives_the_same_bytes():
    """The second photo with the same profile reuses the transform, and a fresh one gives the same bytes."""
    from bundler.images.prepare import _srgb_transform

    p3 = ImageCms.ImageCmsProfile(io.BytesIO(display_p3_profile())).tobytes()
    data = samples.jpeg_bytes(saturated_photo((1600, 1000)), quality=92, icc_profile=p3)
    _srgb_transform.cache_clear()
    first = prepare_image(data, EPUB_POLICY).data
    assert _srgb_transform.cache_info().misses == 1
    assert prepare_image(data, EPUB_POLICY).data == first
    assert _srgb_transform.cache_info().hits >= 1


def test_truncated_large_jpeg_is_unusable():
    data = samples.jpeg_bytes(samples.noisy_photo((2400, 1600), seed=4))
    with pytest.raises(UnusableImage):
        prepare_image(data[: len(data) // 2], EPUB_POLICY)


def test_gray_jpeg_stays_gray():
    data = samples.jpeg_bytes(samples.noisy_photo((2400, 1600), seed=5).convert("L"))
    result = prepare_image(data, EPUB_POLICY)
    with opened(result.data) as shrunk:
        assert shrunk.mode == "L" and shrunk.size == EPUB_POLICY.target_size((2400, 1600)) == (1448, 965)


def test_image_workers_start_cleanly_after_libvips_ran_in_this_process(tmp_path):
    """libvips runs threads; a worker forked after them deadlocks. The image stage's workers come from a fork server.

    The child process first shrinks a photo itself (libvips threads now exist), then builds
    a dossier on two workers; before the fork server, this build hung for ever.
    """
    script = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        from bundler.build.collection import build_collection
        from bundler.executor import WorkOptions
        from bundler.images import EPUB_POLICY, prepare_image
        from tests.images import samples
        from tests.speed.test_image_stage import write_photo_collection
        from pathlib import Path

        prepare_image(samples.jpeg_bytes(samples.noisy_photo((2400, 1600))), EPUB_POLICY)
        root = write_photo_collection(Path({str(tmp_path)!r}) / "dossier")
        build_collection(root, format_names=["epub"], out_dir=Path({str(tmp_path)!r}) / "out", work=WorkOptions(jobs=2))
        print("built")
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=180, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "built" in done.stdout
    assert (tmp_path / "out" / "dossier" / "dossier.epub").stat().st_size > 10_000
