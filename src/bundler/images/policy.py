"""What an edition does to its images: size limits, quality, colour, metadata.

Defaults follow OUTPUT-QUALITY §5 E5.1 (JPEG q≈80 for photos, palette PNG for line art,
long side ≤ 1600 px, ≤ 2.5 Mpx, ≤ 400 KB). A PDF gets about 200 dpi at the drawn width
instead. The manifest's ``images`` edition option adjusts a policy; a size budget degrades
it step by step (``degraded``).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from functools import cache
from typing import Any

from bundler.errors import ExportError
from bundler.model import Edition
from bundler.resources import installed_versions

#: Bump when the processing changes, so cached results from older code are not reused.
PIPELINE_VERSION = "3"  # 2: in-limit JPEGs kept losslessly, bicubic, quality search; 3: JPEGs shrunk by libvips


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

    def cache_key(self) -> str:
        """A short, stable digest of the effective policy, the pipeline version and the image libraries' versions."""
        text = repr(sorted(asdict(self.effective()).items())) + PIPELINE_VERSION + _image_library_versions()
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def effective(self) -> ImagePolicy:
        """The same policy with limits that can never bind normalised, so equal work shares one key.

        ``prepare_image`` works from this form too, so one key always means one computation.
        """
        if not self.include:
            return TEXT_ONLY_POLICY
        side_area = self.max_side * self.max_side / 1_000_000
        return replace(
            self,
            max_width=self.max_width if 0 < self.max_width < self.max_side else 0,
            max_height=self.max_height if 0 < self.max_height < self.max_side else 0,
            max_megapixels=float(min(self.max_megapixels, side_area)),
        )

    def scale_for(self, size: tuple[int, int]) -> float:
        """The factor (at most 1) that brings an image of ``size`` within every size limit."""
        width, height = size
        limits = [1.0, self.max_side / max(width, height), math.sqrt(self.max_megapixels * 1_000_000 / (width * height))]
        if self.max_width:
            limits.append(self.max_width / width)
        if self.max_height:
            limits.append(self.max_height / height)
        return min(limits)

    def target_size(self, size: tuple[int, int]) -> tuple[int, int]:
        """``size`` scaled down to fit the limits (unchanged when it already fits)."""
        scale = self.scale_for(size)
        if scale >= 1.0:
            return size
        return max(1, int(size[0] * scale)), max(1, int(size[1] * scale))


@cache
def _image_library_versions() -> str:
    """Pillow's and libvips' versions: an upgrade may resample or encode differently, so it must miss the cache."""
    return ";".join(f"{name}={version or 'none'}" for name, version in installed_versions(("Pillow", "pyvips-binary")).items())


EPUB_POLICY = ImagePolicy()
#: Print PDF: the text block is 140 mm wide (A4; 146 mm on letter) and a photo at most 110 mm high
#: (pdf.css); 200 dpi of that is ~1100 × 866 px. Prepared at that size, WeasyPrint (which keeps
#: 200 dpi) embeds the file as it is instead of decoding, resampling and encoding it again.
PRINT_POLICY = ImagePolicy(max_side=1300, max_megapixels=2.0, max_bytes=500_000, max_width=1100, max_height=860)
#: Archival PDF/A (300 dpi kept): the photos as large as print had them before it was cut to the page.
ARCHIVE_POLICY = ImagePolicy(max_side=1300, max_megapixels=2.0, max_bytes=500_000)
#: Phone PDF: a small page, read on a small screen.
PHONE_POLICY = ImagePolicy(max_side=900, max_megapixels=0.8, max_bytes=200_000, jpeg_quality=72)
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
}


def policy_for(edition: Edition | None, base: ImagePolicy) -> ImagePolicy:
    """The policy an edition asks for: ``base`` (its format's declared policy) adjusted by its ``images`` option."""
    if edition is None:
        return base
    policy = base
    if edition.option("keep_credit_metadata"):
        policy = replace(policy, keep_rights_metadata=True)
    return apply_options(policy, edition.option("images"), where=f"editions.{edition.format}.images")


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
    for name, value in options.items():
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
                known = ", ".join(sorted([*_FIELD_TYPES, "policy", "quality", "strip_metadata"]))
                raise ExportError(f"unknown image option {name!r}", code="E600", key=f"{where}.{name}", hint=f"known options: {known}")
            if not isinstance(value, expected) or (isinstance(value, bool) and expected is not bool):
                raise ExportError(f"image option {name!r} has the wrong type: {value!r}", code="E600", key=f"{where}.{name}")
            changes[field_name] = value
    if "max_width" in changes or "max_height" in changes:
        limits = [v for v in (changes.get("max_width"), changes.get("max_height")) if v]
        changes.setdefault("max_side", max([policy.max_side, *limits]))
    return replace(policy, **changes)


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
