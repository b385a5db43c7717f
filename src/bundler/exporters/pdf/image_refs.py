"""Photos handed to the layout workers by reference, not inlined into every part's markup.

A 200-piece book's parts carried 40 MB of base64 photos in their markup: the parent encoded
them and wrote them out, every part scanned them (undrawable characters, bidi isolation,
the cache key's hash), and every worker's HTML parser read them again before decoding them.
The parts name each photo ``bundler-image:<name>`` instead, where ``<name>`` is the prepared
image's file in the image cache (named by a hash of its bytes, so the markup still changes
when a photo does and the layout cache stays right), and the worker's URL fetcher reads
that file. The URL holds no folder, so the PDF's bytes do not depend on where the book was
built (WeasyPrint names each image by a hash of its URL).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from bundler.images.session import ImageSession
from bundler.model import Figure

SCHEME = "bundler-image:"
_REFERENCE = re.compile(r'src="bundler-image:([^"]+)"')
_MEDIA_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif", ".webp": "image/webp"}


class ImageReferences:
    """Each prepared photo's reference, and the file it stands for (``href`` is a ``Target.media_href``)."""

    def __init__(self, images: ImageSession) -> None:
        self.images = images
        self.files: dict[str, str] = {}

    def href(self, figure: Figure) -> str | None:
        """``bundler-image:<file name>``, or None when the figure has no usable image (as ``data_uri``)."""
        path = self.images.file_for(figure)
        if path is None:
            return None
        self.files[path.name] = str(path)
        return SCHEME + path.name

    def used_by(self, markup: str) -> tuple[tuple[str, str], ...]:
        """(name, file) of every photo ``markup`` refers to, for the job that lays it out."""
        return tuple(sorted({name: self.files[name] for name in _REFERENCE.findall(markup)}.items()))


def image_fetcher(files: Mapping[str, str]):
    """WeasyPrint's URL fetcher, reading ``bundler-image:`` references from ``files`` (name -> path)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ImageFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if not url.startswith(SCHEME):
                return super().fetch(url, headers)
            path = Path(files[url[len(SCHEME) :]])  # a KeyError or a vanished file: WeasyPrint logs it, the build reports it
            media_type = _MEDIA_TYPES.get(path.suffix.lower(), "application/octet-stream")
            return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": media_type})

    return ImageFetcher()
