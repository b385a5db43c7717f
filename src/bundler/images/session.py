"""The images of one edition being written: its policy, its warnings, its on-disk cache.

The build makes a session for each edition (attempt) and hands it to the exporter in its
``BuildContext``; the exporter asks it for each figure's prepared image. Processed images are cached on disk keyed by (source SHA-256, policy), so rebuilds
are fast; the cache folder is safe to delete. It sits with the rest of the collection's cache
(``$BUNDLER_CACHE_DIR`` or ``<collection>/.cache``); a ``--no-cache`` build gets a temporary
one of its own instead (``build_image_cache``), removed when the build ends. Nothing here is
held in a context variable: the folder and the photos' known hashes travel in the context.
"""

from __future__ import annotations

import base64
import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from bundler.cache import DamageLog, cache_root, checksum_path, holds_content, part_name, store_checked, verify_bytes
from bundler.errors import Report
from bundler.files import write_atomically
from bundler.images.policy import ImagePolicy
from bundler.images.prepare import PreparedImage, UnusableImage, prepare_image
from bundler.model import Figure
from bundler.text.plain import sha256_bytes

IMAGES_FOLDER = "images"


def default_cache_dir() -> Path:
    """The image cache outside a build: ``$BUNDLER_CACHE_DIR/images`` or ``$XDG_CACHE_HOME/bundler/images``."""
    return cache_root(None, IMAGES_FOLDER)


def collection_cache_dir(root: str | Path) -> Path:
    """A collection's image cache: ``$BUNDLER_CACHE_DIR/images`` or ``<collection>/.cache/images``."""
    return cache_root(root, IMAGES_FOLDER)


@contextlib.contextmanager
def build_image_cache(root: str | Path | None, enabled: bool = True) -> Iterator[Path]:
    """The image cache of one build: the collection's, or (``--no-cache``) a temporary folder removed afterwards."""
    temporary = None if enabled else Path(tempfile.mkdtemp(prefix=f"bundler-images-{os.getpid()}-"))
    folder = temporary or (collection_cache_dir(root) if root else default_cache_dir())
    try:
        yield folder
    finally:
        if temporary is not None:
            shutil.rmtree(temporary, ignore_errors=True)


@dataclass
class ImageSession:
    """Prepares figures' images for one edition and records problems as warnings."""

    policy: ImagePolicy
    report: Report = field(default_factory=Report)
    cache_dir: Path = field(default_factory=default_cache_dir)
    #: Source path -> SHA-256, shared by the build's sessions: the image stage's workers hash every photo
    #: already, and hashing 200 MB of photos again while writing costs the build ~0.3 s.
    digests: dict[str, str] = field(default_factory=dict)
    #: Damaged cached images met (W701): the build's log, or an image worker's, which travels back with its result.
    damage: DamageLog = field(default_factory=DamageLog)
    _warned: set[str] = field(default_factory=set)

    def prepare(self, figure: Figure) -> PreparedImage | None:
        """The figure's image under this policy, or None (no image, dropped, or unusable)."""
        image = figure.image
        if not self.policy.include or image is None or not image.path:
            return None
        path = Path(image.path)
        if not path.is_file():
            self._warn(str(path), "W602", f"image file not found: {path}; the figure keeps its caption and credit")
            return None
        known = image.sha256 or self.digests.get(str(path))  # recorded at import, or by the image stage
        cached = self._read_cache(known) if known else None
        if cached:
            return cached
        data = path.read_bytes()
        source_sha256 = self.digests[str(path)] = sha256_bytes(data)
        cached = self._read_cache(source_sha256) if source_sha256 != known else None
        if cached:
            return cached
        try:
            prepared = prepare_image(data, self.policy)
        except UnusableImage as exc:
            what = f"the figure {figure.alt[:60]!r}" if figure.alt else "the figure"  # which photo of the piece the path names
            self._warn(str(path), "W601", f"image {path.name} cannot be used: {exc}; {what} is shown as its caption and credit only")
            return None
        return self._write_cache(source_sha256, prepared)

    def file_for(self, figure: Figure) -> Path | None:
        """A file holding the prepared image (for renderers that load images by URI)."""
        prepared = self.prepare(figure)
        if prepared is None:
            return None
        name = f"{prepared.sha256[:32]}{prepared.suffix}"
        path = self.cache_dir / "by-content" / name
        if not holds_content(path, prepared.data, "prepared image", self.damage):
            write_atomically(path, lambda temporary: temporary.write_bytes(prepared.data), prefix=part_name(), suffix="")
        return path

    def data_uri(self, figure: Figure) -> str | None:
        """The prepared image as a ``data:`` URI: the same bytes give the same URI wherever the build runs."""
        prepared = self.prepare(figure)
        if prepared is None:
            return None
        return f"data:{prepared.media_type};base64,{base64.b64encode(prepared.data).decode('ascii')}"

    def has_prepared(self, source_sha256: str) -> bool:
        """Whether the cache holds the image with this source hash, prepared under this policy, and its checksum.

        Not verified here (that would read every photo twice on a warm build): ``prepare`` verifies
        what it reads, and prepares a damaged one again.
        """
        return any(
            path.is_file() and checksum_path(path).is_file() for path in (self._cache_path(source_sha256, s) for s in (".jpg", ".png"))
        )

    def _cache_path(self, source_sha256: str, suffix: str) -> Path:
        return self.cache_dir / f"{source_sha256[:32]}-{self.policy.cache_key()}{suffix}"

    def _read_cache(self, source_sha256: str) -> PreparedImage | None:
        for suffix, media_type in ((".jpg", "image/jpeg"), (".png", "image/png")):
            path = self._cache_path(source_sha256, suffix)
            if path.is_file():
                data = path.read_bytes()
                digest = sha256_bytes(data)
                if not verify_bytes(path, data, "prepared image", self.damage, digest):  # damaged: discarded, prepared again
                    return None
                return PreparedImage(data, media_type, digest, path)
        return None

    def _write_cache(self, source_sha256: str, prepared: PreparedImage) -> PreparedImage:
        path = self._cache_path(source_sha256, prepared.suffix)
        try:
            store_checked(path, lambda temporary: temporary.write_bytes(prepared.data))
        except OSError:
            return prepared  # a read-only collection still builds, just without the cache
        return replace(prepared, path=path)

    def _warn(self, key: str, code: str, message: str) -> None:
        if (key, code) not in self._warned:
            self._warned.add((key, code))
            self.report.warn(message, code, file=key)
