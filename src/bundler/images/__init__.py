"""Images for low-bandwidth, safe editions: policy, preparation, metadata stripping, cache.

``policy_for(edition, base)`` gives an edition's ``ImagePolicy`` (``base``: the policy its
format declares); ``prepare_image(data, policy)`` re-encodes one image; an ``ImageSession``
(carried by the exporter's ``BuildContext``) prepares each figure under the edition's policy.
"""

from __future__ import annotations

from dataclasses import replace

from bundler.images.policy import (
    DEGRADE_STEPS,
    EPUB_POLICY,
    PHONE_POLICY,
    PRINT_POLICY,
    TEXT_ONLY_POLICY,
    ImagePolicy,
    apply_options,
    degraded,
    policy_for,
)
from bundler.images.prepare import PreparedImage, UnusableImage, prepare_image
from bundler.images.session import ImageSession, build_image_cache, collection_cache_dir
from bundler.model import Dossier, map_dossier_figures


def without_images(dossier: Dossier) -> Dossier:
    """The dossier with every figure's image removed (front and back matter too); captions and credits stay as text."""
    return map_dossier_figures(dossier, lambda figure: replace(figure, image=None))


__all__ = [
    "DEGRADE_STEPS",
    "EPUB_POLICY",
    "PHONE_POLICY",
    "PRINT_POLICY",
    "TEXT_ONLY_POLICY",
    "ImagePolicy",
    "ImageSession",
    "PreparedImage",
    "UnusableImage",
    "apply_options",
    "build_image_cache",
    "collection_cache_dir",
    "degraded",
    "policy_for",
    "prepare_image",
    "without_images",
]
