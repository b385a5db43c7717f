"""Images for low-bandwidth, safe editions: policy, preparation, metadata stripping, cache.

``policy_for(edition)`` gives an edition's ``ImagePolicy``; ``prepare_image(data, policy)``
re-encodes one image; ``image_session`` makes a policy active while an edition is written,
and exporters ask ``active_session(format)`` for each figure.
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
    base_policy,
    degraded,
    policy_for,
)
from bundler.images.prepare import PreparedImage, UnusableImage, prepare_image
from bundler.images.session import ImageSession, active_session, build_image_cache, collection_cache_dir, image_session
from bundler.model import Dossier, FigureBlock, ListBlock, Piece, Quote


def without_images(dossier: Dossier) -> Dossier:
    """The dossier with every figure's image removed; captions and credits stay as text."""
    sections = tuple(replace(s, pieces=tuple(_piece_without_images(p) for p in s.pieces)) for s in dossier.sections)
    return replace(dossier, sections=sections)


def _piece_without_images(piece: Piece) -> Piece:
    return replace(piece, body=_blocks_without_images(piece.body))


def _blocks_without_images(blocks: tuple) -> tuple:
    result = []
    for block in blocks:
        if isinstance(block, FigureBlock):
            block = FigureBlock(replace(block.figure, image=None))
        elif isinstance(block, Quote):
            block = replace(block, blocks=_blocks_without_images(block.blocks))
        elif isinstance(block, ListBlock):
            block = replace(block, items=tuple(_blocks_without_images(item) for item in block.items))
        result.append(block)
    return tuple(result)


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
    "active_session",
    "apply_options",
    "base_policy",
    "build_image_cache",
    "collection_cache_dir",
    "degraded",
    "image_session",
    "policy_for",
    "prepare_image",
    "without_images",
]
