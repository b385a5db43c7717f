"""JPEGs already within the limits keep their scan data; every metadata segment still goes."""

from __future__ import annotations

import io
import struct

import pytest
from PIL import Image, ImageCms

from bundler.images import EPUB_POLICY, ImagePolicy, UnusableImage, apply_options, prepare_image
from bundler.images.prepare import RESAMPLE
from bundler.images.strip import clean_jpeg, strip_jpeg_metadata
from tests.images import samples

#: The fake MPF and EXIF segments below are deliberately odd; Pillow says so while reading the source.
pytestmark = pytest.mark.filterwarnings("ignore:Image appears to be a malformed MPO", "ignore:Corrupt EXIF data")

SECRETS = [b"ExampleCam", b"SERIAL-0042-KS", b"Secret comment", b"xmp-secret", b"iptc-secret", b"thumbnail-secret", b"mpf-secret"]
ALLOWED = {0xC0, 0xC4, 0xDB, 0xDD, 0xDA, 0xD9, 0xE0}


def segments(data: bytes) -> list[tuple[int, bytes]]:
    """(marker, payload) of every segment up to EOI, like exiftool's JPEG walk; asserts the structure."""
    assert data[:2] == b"\xff\xd8"
    found, position = [], 2
    while True:
        assert data[position] == 0xFF, f"no marker at {position}"
        marker = data[position + 1]
        if marker == 0xD9:
            found.append((marker, b""))
            assert position + 2 == len(data), "bytes after EOI"
            return found
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        found.append((marker, data[position + 4 : position + 2 + length]))
        position += 2 + length
        if marker == 0xDA:
            while not (data[position] == 0xFF and data[position + 1] not in (0x00, *range(0xD0, 0xD8))):
                position += 1


def segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def scan_data(data: bytes) -> bytes:
    start = data.index(b"\xff\xda")
    return data[start : data.rindex(b"\xff\xd9")]


def exif_block(orientation: int | None = None, **tags) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "ExampleCam"
    exif[0xA431] = "SERIAL-0042-KS"
    exif[0x8825] = {1: "N", 2: (36.0, 12.0, 3.5), 3: "E", 4: (37.0, 9.0, 41.25)}
    if orientation:
        exif[0x0112] = orientation
    for tag, value in tags.items():
        exif[int(tag[1:], 16)] = value
    return exif.tobytes()


def loaded_with_metadata(size=(1200, 800), orientation=None, icc: bytes | None = None, **save) -> bytes:
    """A camera-like JPEG carrying every kind of metadata a phone or editor writes, and an MPF trailer."""
    image = samples.noisy_photo(size, seed=2, noise=0.1)
    plain = samples.jpeg_bytes(image, quality=85, exif=exif_block(orientation), icc_profile=icc, **save)
    jfif_with_thumbnail = b"JFIF\x00\x01\x02\x00\x00\x01\x00\x01\x02\x01" + b"thumbnail-secret"  # 2×1 RGB thumbnail... ish
    extra = (
        segment(0xE0, jfif_with_thumbnail)
        + segment(0xE0, b"JFXX\x00\x10thumbnail-secret")
        + segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>xmp-secret GPSLatitude</x:xmpmeta>")
        + segment(0xED, b"Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x0biptc-secret")
        + segment(0xE2, b"MPF\x00II*\x00mpf-secret")
        + segment(0xE5, b"vendor data")
        + segment(0xFE, b"Secret comment")
    )
    second_image = samples.jpeg_bytes(samples.noisy_photo((160, 120)), exif=exif_block()) + b"mpf-secret"
    return plain[:2] + extra + plain[2:] + second_image


def assert_clean(data: bytes) -> None:
    assert not [s for s in SECRETS if s in data]
    for marker, payload in segments(data):
        assert marker in ALLOWED, hex(marker)
        if marker == 0xE0:
            assert payload[:5] == b"JFIF\x00" and len(payload) == 14 and payload[12:14] == b"\x00\x00"  # no thumbnail
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        assert not image.getexif() and not {"exif", "xmp", "photoshop", "comment", "icc_profile", "mp"} & set(image.info)


@pytest.fixture(scope="module")
def in_limits() -> bytes:
    return loaded_with_metadata()


def test_in_limit_jpeg_keeps_its_scan_and_loses_all_metadata(in_limits):
    assert sum(secret in in_limits for secret in SECRETS) == len(SECRETS)
    result = prepare_image(in_limits, EPUB_POLICY)
    assert scan_data(result.data) == scan_data(in_limits[: in_limits.index(b"\xff\xd9\xff\xd8") + 2])  # not re-encoded
    assert_clean(result.data)
    assert (result.width, result.height, result.media_type) == (1200, 800, "image/jpeg")
    assert prepare_image(in_limits, EPUB_POLICY).data == result.data  # deterministic


@pytest.mark.parametrize(
    "policy",
    [
        pytest.param(ImagePolicy(max_bytes=100_000), id="over-max-bytes"),
        pytest.param(ImagePolicy(max_side=1000), id="over-max-side"),
        pytest.param(ImagePolicy(grayscale=True), id="colour-for-grayscale"),
        pytest.param(apply_options(EPUB_POLICY, "keep"), id="original"),
    ],
)
def test_every_other_route_is_clean_too(in_limits, policy):
    result = prepare_image(in_limits, policy)
    assert_clean(result.data)
    assert len(result.data) <= policy.max_bytes or policy.original


def test_rotated_photo_is_reencoded_upright():
    """EXIF orientation 6 (turn 90° clockwise): without its EXIF the photo must be stored upright."""
    stored = Image.new("RGB", (600, 400), (255, 255, 255))
    stored.paste((255, 0, 0), (0, 0, 100, 100))  # red in the stored top-left corner
    data = samples.jpeg_bytes(stored, exif=exif_block(orientation=6))
    result = prepare_image(data, EPUB_POLICY)
    assert_clean(result.data)
    with Image.open(io.BytesIO(result.data)) as upright:
        assert upright.size == (400, 600)
        red = upright.convert("RGB").getpixel((360, 40))  # turned clockwise: now the top-right corner
        assert red[0] > 200 and red[1] < 60


def test_progressive_and_non_srgb_sources_are_reencoded():
    progressive = loaded_with_metadata(progressive=True)
    result = prepare_image(progressive, EPUB_POLICY)
    assert_clean(result.data)
    assert clean_jpeg(result.data).baseline
    xyz = ImageCms.ImageCmsProfile(ImageCms.createProfile("XYZ")).tobytes()
    tagged = loaded_with_metadata(icc=xyz)
    assert scan_data(prepare_image(tagged, EPUB_POLICY).data) != scan_data(tagged)
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    untagged_equivalent = loaded_with_metadata(icc=srgb)
    kept = prepare_image(untagged_equivalent, EPUB_POLICY).data
    assert_clean(kept)
    assert scan_data(kept) in untagged_equivalent  # sRGB profile dropped, pixels untouched


def test_truncated_in_limit_jpeg_is_unusable(in_limits):
    plain = in_limits[: in_limits.index(b"\xff\xd9\xff\xd8")]
    with pytest.raises(UnusableImage):
        prepare_image(plain[: len(plain) // 2], EPUB_POLICY)


def test_strict_parser_refuses_what_it_does_not_understand(in_limits):
    assert clean_jpeg(b"\xff\xd8\xff\xf7\x00\x04ab" + in_limits[2:]) is None  # JPEG-LS frame
    assert clean_jpeg(in_limits[:5000]) is None  # no end of image
    assert clean_jpeg(b"\xff\xd8garbage") is None
    assert strip_jpeg_metadata(in_limits).endswith(b"\xff\xd9")


def oracle_ladder(source: Image.Image, policy: ImagePolicy) -> bytes:
    """The original search: every quality in turn at each size (0.8 steps), first that fits."""
    qualities = [policy.jpeg_quality] + [q for q in (70, 60, 50, 40) if q < policy.jpeg_quality]
    for step in range(4):
        size = (int(source.width * 0.8**step), int(source.height * 0.8**step))
        image = source.resize(size, RESAMPLE) if step else source
        for quality in qualities:
            data = samples.jpeg_bytes(image, quality=quality, optimize=True)
            if len(data) <= policy.max_bytes:
                return data
    raise AssertionError("the test photo should fit within four steps")


@pytest.mark.parametrize("max_bytes", [400_000, 100_000], ids=["lower-quality", "smaller-size"])
def test_quality_search_finds_what_the_full_ladder_finds(max_bytes):
    """1600×1200 of noise: q80 is 480 KB; 400 KB needs q70, 100 KB needs a smaller size too."""
    photo = samples.noisy_photo((1600, 1200), seed=3)
    policy = ImagePolicy(max_bytes=max_bytes)
    result = prepare_image(samples.encoded(photo, "PNG"), policy)
    assert len(result.data) <= max_bytes
    assert result.data == oracle_ladder(photo, policy)
