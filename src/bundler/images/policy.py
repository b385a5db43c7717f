"""What an edition does to its images: size limits, quality, colour, metadata.

Each format's policy comes from a device profile (``devices.py``): the EPUB, the Kobo and the
ZIM editions are sized for an e-ink reader (which also covers a phone held upright: both are
about 1080 px across), the HTML and phone-PDF editions for a phone, the print PDFs for paper
at their layout's resolution. A device policy chooses each photo's JPEG quality by a
perceptual measure (``perceptual.py``) up to ``jpeg_quality``, with ``max_bytes`` kept only as
a safety ceiling; a policy with ``ssim_target`` 0 encodes at ``jpeg_quality`` exactly (what an
edition gets when it sets ``quality:``). The manifest's ``images`` edition option adjusts a
policy (``device: tablet`` picks another profile); a size budget degrades it step by step
(``degraded``).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from functools import cache
from typing import Any

from bundler.errors import ExportError
from bundler.images.devices import DEVICES, EINK, PHONE, PRINT, DeviceProfile
from bundler.model import Edition
from bundler.resources import installed_versions

#: Bump when the processing changes, so cached results from older code are not reused.
PIPELINE_VERSION = "4"  # 2: in-limit JPEGs kept losslessly, bicubic, quality search; 3: JPEGs shrunk by libvips;
# 4: device profiles, quality chosen per photo by SSIM, progressive where the profile asks


@dataclass(frozen=True)
class ImagePolicy:
    """How to turn a source image into an edition's image (frozen: part of the cache key)."""

    max_side: int = 1600
    max_megapixels: float = 2.5
    max_bytes: int = 400_000
    jpeg_quality: int = 80
    grayscale: bool = False
    keep_rights_metadata: bool = False  # keep only EXIF Artist and Copyright; never location or camera
    original: bool = False  # pass JPEG/PNG originals through untouched (metadata and all)
    include: bool = True  # False: no images at all, captions and credits stay as text
    max_width: int = 0  # 0: no limit beyond max_side
    max_height: int = 0
    max_short_side: int = 0  # 0: no limit beyond max_side (a screen that turns limits both sides)
    ssim_target: float = 0.0  # > 0: the lowest quality up to jpeg_quality keeping this SSIM; 0: jpeg_quality exactly
    ssim_scale: int = 1  # device pixels per sample of the perceptual measure
    progressive: bool = False

    def cache_key(self) -> str:
        """A short, stable digest of the effective policy, the pipeline version and the image libraries' versions."""
        return _cache_key(self)

    def effective(self) -> ImagePolicy:
        """The same policy with limits that can never bind normalised, so equal work shares one key.

        ``prepare_image`` works from this form too, so one key always means one computation.
        """
        if not self.include:
            return TEXT_ONLY_POLICY
        width, height = (min(limit, self.max_side) if limit else self.max_side for limit in (self.max_width, self.max_height))
        side_area = width * height / 1_000_000
        if self.max_short_side:
            side_area = min(side_area, self.max_side * self.max_short_side / 1_000_000)
        return replace(
            self,
            max_width=self.max_width if 0 < self.max_width < self.max_side else 0,
            max_height=self.max_height if 0 < self.max_height < self.max_side else 0,
            max_short_side=self.max_short_side if 0 < self.max_short_side < self.max_side else 0,
            max_megapixels=float(min(self.max_megapixels, side_area)),
            ssim_scale=self.ssim_scale if self.ssim_target > 0 else 1,
        )

    def scale_for(self, size: tuple[int, int]) -> float:
        """The factor (at most 1) that brings an image of ``size`` within every size limit."""
        width, height = size
        limits = [1.0, self.max_side / max(width, height), math.sqrt(self.max_megapixels * 1_000_000 / (width * height))]
        if self.max_width:
            limits.append(self.max_width / width)
        if self.max_height:
            limits.append(self.max_height / height)
        if self.max_short_side:
            limits.append(self.max_short_side / min(width, height))
        return min(limits)

    def target_size(self, size: tuple[int, int]) -> tuple[int, int]:
        """``size`` scaled down to fit the limits (unchanged when it already fits)."""
        scale = self.scale_for(size)
        if scale >= 1.0:
            return size
        return max(1, int(size[0] * scale)), max(1, int(size[1] * scale))


@cache
def _cache_key(policy: ImagePolicy) -> str:
    """``ImagePolicy.cache_key``, kept per policy: each cache lookup asked for it (~0.5 ms a photo, three times)."""
    text = repr(sorted(asdict(policy.effective()).items())) + PIPELINE_VERSION + _image_library_versions()
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@cache
def _image_library_versions() -> str:
    """Pillow's and libvips' versions: an upgrade may resample or encode differently, so it must miss the cache."""
    return ";".join(f"{name}={version or 'none'}" for name, version in installed_versions(("Pillow", "pyvips-binary")).items())


#: The top of the perceptual ladder: a photo needing more than this to keep its target gets this.
DEVICE_QUALITY_CEILING = 90


def device_policy(device: DeviceProfile, base: ImagePolicy | None = None) -> ImagePolicy:
    """``base`` (default: a fresh policy) sized and encoded for ``device``: fitted to its surface, quality chosen by SSIM."""
    return replace(
        base or ImagePolicy(),
        max_side=device.long_side,
        max_short_side=device.short_side,
        max_megapixels=device.width * device.height / 1_000_000,
        max_width=0 if device.turns else device.width,  # paper does not turn: width and height are fixed
        max_height=0 if device.turns else device.height,
        max_bytes=device.max_bytes,
        jpeg_quality=DEVICE_QUALITY_CEILING,
        ssim_target=device.ssim_target,
        ssim_scale=device.view_scale,
        progressive=device.progressive,
    )


#: EPUB (and Kobo, ZIM): read on e-readers and phones, both about 1072-1080 px across; the
#: e-ink profile fits a photo to a 6-inch reader's full screen in either orientation, which
#: also covers a phone held upright. A tablet reader may choose ``images: {device: tablet}``.
EPUB_POLICY = device_policy(EINK)
#: Print PDF and booklet: paper at 200 ppi, the resolution their layout keeps (WeasyPrint
#: resamples anything finer down to it, so more pixels would be work for nothing).
PRINT_POLICY = device_policy(PRINT.at_ppi(200))
#: Archive PDF: paper at 300 ppi, its layout's resolution.
ARCHIVE_POLICY = device_policy(PRINT)
#: Phone PDF and the HTML edition: read on a phone.
PHONE_POLICY = device_policy(PHONE)
TEXT_ONLY_POLICY = ImagePolicy(include=False)

#: Budget degradation: each step replaces the fields it names (never loosens a limit).
DEGRADE_STEPS: tuple[dict[str, Any], ...] = (
    {},
    {"max_side": 1200, "max_megapixels": 1.2, "jpeg_quality": 70, "max_bytes": 250_000},
    {"max_side": 900, "max_megapixels": 0.7, "jpeg_quality": 60, "max_bytes": 150_000},
    {"max_side": 640, "max_megapixels": 0.4, "jpeg_quality": 50, "max_bytes": 80_000, "grayscale": True},
    {"max_side": 480, "max_megapixels": 0.25, "jpeg_quality": 40, "max_bytes": 40_000, "grayscale": True},
    {"include": False},
)

_NAMED_POLICIES = {"keep": {"original": True}, "compress": {}, "grayscale": {"grayscale": True}, "none": {"include": False}}
_ALIASES = {"quality": "jpeg_quality", "keep_rights": "keep_rights_metadata", "keep_credit_metadata": "keep_rights_metadata"}
_FIELD_TYPES = {
    "max_side": int,
    "max_megapixels": (int, float),
    "max_bytes": int,
    "jpeg_quality": int,
    "grayscale": bool,
    "keep_rights_metadata": bool,
    "original": bool,
    "include": bool,
    "max_width": int,
    "max_height": int,
    "progressive": bool,
}


def policy_for(edition: Edition | None, base: ImagePolicy) -> ImagePolicy:
    """The policy an edition asks for: ``base`` (its format's declared policy) adjusted by its ``images`` option."""
    if edition is None:
        return base
    policy = base
    if edition.option("keep_credit_metadata"):
        policy = replace(policy, keep_rights_metadata=True)
    return apply_options(policy, edition.option("images"), where=f"{edition.where}.images")


def apply_options(policy: ImagePolicy, options: Any, where: str = "images") -> ImagePolicy:
    """Apply a policy name (keep/compress/grayscale/none) or a mapping of fields to ``policy``."""
    if options is None:
        return policy
    if isinstance(options, bool):
        return replace(policy, include=options)
    if isinstance(options, str):
        options = {"policy": options}
    if not isinstance(options, Mapping):
        raise ExportError(f"image options must be a policy name or a mapping, got {options!r}", code="E600", key=where)
    changes: dict[str, Any] = {}
    if "device" in options:  # first: the other options adjust the device's policy, whatever their order
        policy = _device_changes(policy, options["device"], where)
    for name, value in options.items():
        if name == "device":
            continue
        if name == "policy":
            if value not in _NAMED_POLICIES:
                raise ExportError(f"unknown image policy {value!r}", code="E600", key=where, hint="use keep, compress, grayscale or none")
            changes.update(_NAMED_POLICIES[value])
        elif name == "strip_metadata":
            changes["keep_rights_metadata"] = not value  # location and camera data are removed regardless
        else:
            field_name = _ALIASES.get(name, name)
            expected = _FIELD_TYPES.get(field_name)
            if expected is None:
                known = ", ".join(sorted([*_FIELD_TYPES, "device", "policy", "quality", "strip_metadata"]))
                raise ExportError(f"unknown image option {name!r}", code="E600", key=f"{where}.{name}", hint=f"known options: {known}")
            if not isinstance(value, expected) or (isinstance(value, bool) and expected is not bool):
                raise ExportError(f"image option {name!r} has the wrong type: {value!r}", code="E600", key=f"{where}.{name}")
            changes[field_name] = value
    if "jpeg_quality" in changes:
        changes["ssim_target"] = 0.0  # a quality the edition asks for is the quality it gets
    if "max_width" in changes or "max_height" in changes:
        limits = [v for v in (changes.get("max_width"), changes.get("max_height")) if v]
        changes.setdefault("max_side", max([policy.max_side, *limits]))
    return replace(policy, **changes)


def _device_changes(policy: ImagePolicy, name: Any, where: str) -> ImagePolicy:
    """``policy`` sized and encoded for the device profile ``name`` (its colour and metadata choices kept)."""
    device = DEVICES.get(name) if isinstance(name, str) else None
    if device is None:
        raise ExportError(f"unknown image device {name!r}", code="E600", key=f"{where}.device", hint="use one of: " + ", ".join(DEVICES))
    return device_policy(device, policy)


def degraded(policy: ImagePolicy, step: int) -> ImagePolicy:
    """``policy`` tightened by budget step ``step`` (0 = unchanged); never loosens a limit."""
    changes = dict(DEGRADE_STEPS[step])
    for name in ("max_side", "max_bytes", "jpeg_quality"):
        if name in changes:
            changes[name] = min(changes[name], getattr(policy, name))
    if "max_megapixels" in changes:
        changes["max_megapixels"] = min(changes["max_megapixels"], policy.max_megapixels)
    if "grayscale" in changes:
        changes["grayscale"] = changes["grayscale"] or policy.grayscale
    if step:
        changes["original"] = False
    return replace(policy, **changes)
