"""Find a figure's image bytes (saved-page folder, ``data:`` URI) and store them by hash.

Nothing is fetched: a remote URL is recorded as such. Files are written to the import's
media folder under content-addressed names (sha256 + extension), so the same photo used
twice is stored once. Pillow is used only to learn the type and size; the image policy
(resizing, metadata stripping) belongs to ``bundler.images``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import tempfile
import warnings as py_warnings
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from PIL import Image as PILImage

from bundler.cache import DamageLog, holds_content, store_checked
from bundler.model import Image

MAX_IMAGE_BYTES = 40 * 1024 * 1024
_MEDIA_TYPES = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png"), "GIF": ("image/gif", ".gif"), "WEBP": ("image/webp", ".webp")}
_MEDIA_TYPES |= {"AVIF": ("image/avif", ".avif"), "TIFF": ("image/tiff", ".tif"), "BMP": ("image/bmp", ".bmp")}


def default_media_dir() -> Path:
    """A per-process temporary folder for images when the caller gave none, removed when the process exits.

    Its name differs per process: nothing stored or printed may carry it (``write_piece`` and
    ``bundler extract`` name each photo by its content). A caller that keeps the photos passes
    its own ``ImportOptions.media_dir``."""
    return Path(_default_media().name)


@cache
def _default_media() -> tempfile.TemporaryDirectory:
    # held for the life of the process; its finaliser removes it at exit (mkdtemp left one behind per run)
    return tempfile.TemporaryDirectory(prefix="bundler-media-")


class ImageProblem(Exception):
    """An image reference that could not be turned into a stored image (message says why)."""


def resolve_image(
    src: str,
    page_dir: Path | None,
    base_url: str,
    media_dir: Path | None,
    damage: DamageLog,
    saved_folders: Sequence[Path] | None = None,
) -> Image:
    """Turn an image reference into an ``Image``: stored locally when its bytes are at hand.

    Raises ``ImageProblem`` for a local reference whose file is missing or unreadable and for
    a ``data:`` URI that does not decode. A remote URL gives ``Image(path=None, url=...)``.
    A damaged copy already in ``media_dir`` is rewritten and reported to ``damage`` (W701).
    ``saved_folders`` is ``saved_page_folders(page_dir)`` when the caller has it (one page's images
    share it); without it the folder is listed for this image.
    """
    if src.startswith("data:"):
        return store_image(_decode_data_uri(src), media_dir, damage, url="")
    parts = urlsplit(src)
    if parts.scheme in {"http", "https"} or src.startswith("//"):
        url = ("https:" + src) if src.startswith("//") else src
        local = _saved_copy(url, page_dir, saved_folders)
        if local is not None:
            return store_image(_read_local(local), media_dir, damage, url=url, name=local.name)
        return Image(path=None, url=url)
    if parts.scheme not in {"", "file"}:
        raise ImageProblem(f"unsupported image address {src[:80]!r}")
    local = _local_file(unquote(parts.path), page_dir)
    remote = urljoin(base_url, src) if base_url else ""
    if local is None:
        if remote.startswith("http"):
            return Image(path=None, url=remote)
        raise ImageProblem(f"image file {src[:120]!r} is missing next to the page (a file outside the page's folder is never read)")
    return store_image(_read_local(local), media_dir, damage, url=remote, name=src)


def _read_local(local: Path) -> bytes:
    """The bytes of an image file beside the page, refused by its size before it is read (a 10 GB file is not loaded)."""
    if local.stat().st_size > MAX_IMAGE_BYTES:
        raise ImageProblem("image is larger than 40 MB")
    return local.read_bytes()


def _decode_data_uri(src: str) -> bytes:
    header, _, payload = src.partition(",")
    if len(payload) > MAX_IMAGE_BYTES * 4 // 3 + 16:
        raise ImageProblem("embedded image is larger than 40 MB")
    try:
        if header.endswith(";base64"):
            return base64.b64decode(payload, validate=False)
        return unquote(payload).encode("latin-1", "replace")
    except (binascii.Error, ValueError) as exc:
        raise ImageProblem(f"embedded image does not decode: {exc}") from exc


def _local_file(path: str, page_dir: Path | None) -> Path | None:
    """A file next to the page (never outside the page's folder: a page cannot read /etc)."""
    if page_dir is None or not path:
        return None
    base = page_dir.resolve()
    try:
        candidate = (base / path.lstrip("/")).resolve() if not path.startswith("/") else Path(path).resolve()
    except (RuntimeError, OSError) as exc:  # a symbolic-link loop: RuntimeError before Python 3.13, OSError (ELOOP) after
        raise ImageProblem(f"image file {path[:120]!r} is a symbolic link that loops back on itself") from exc
    if not candidate.is_relative_to(base):
        return None
    return candidate if candidate.is_file() else None


def saved_page_folders(page_dir: Path | None) -> tuple[Path, ...]:
    """The ``*_files`` folders a browser's "save page" leaves beside a page, in the order the folder lists them.

    Listing the page's folder cost ~0.15 ms an image in a folder of 200 saved pages (a downloads
    folder holds more): a page's importer lists it once and hands the list to each of its images."""
    return tuple(page_dir.glob("*_files")) if page_dir is not None else ()


def _saved_copy(url: str, page_dir: Path | None, saved_folders: Sequence[Path] | None = None) -> Path | None:
    """A browser's "save page" folder (``page_files/``) may hold a remote image by its file name."""
    if page_dir is None:
        return None
    name = Path(unquote(urlsplit(url).path)).name
    if not name:
        return None
    for folder in saved_page_folders(page_dir) if saved_folders is None else saved_folders:
        candidate = folder / name
        if candidate.is_file() and _inside(candidate, page_dir):
            return candidate  # a link out of the page's folder (to a private photo elsewhere) is not followed
    return None


def _inside(candidate: Path, page_dir: Path) -> bool:
    try:
        return candidate.resolve().is_relative_to(page_dir.resolve())
    except (RuntimeError, OSError):
        return False


def store_image(data: bytes, media_dir: Path | None, damage: DamageLog, url: str = "", name: str = "") -> Image:
    """Validate ``data`` as a raster image and write it as ``<sha256><ext>`` in ``media_dir`` (``name``: as the page wrote it)."""
    if not data:
        raise ImageProblem("image file is empty")
    if len(data) > MAX_IMAGE_BYTES:
        raise ImageProblem("image is larger than 40 MB")
    head = data[:512].lstrip().lower()
    if head.startswith((b"<?xml", b"<svg")) or b"<svg" in head:
        raise ImageProblem("SVG images are not imported (they can carry scripts)")
    try:
        with py_warnings.catch_warnings():
            py_warnings.simplefilter("ignore")
            with PILImage.open(io.BytesIO(data)) as image:
                kind = image.format or ""
                width, height = image.size
    except (OSError, ValueError, SyntaxError, PILImage.DecompressionBombError) as exc:
        raise ImageProblem(f"not a readable image ({type(exc).__name__})") from exc
    _check_whole(data, kind, width, height, name or url)
    media_type, ext = _MEDIA_TYPES.get(kind, (f"image/{kind.lower()}", "." + kind.lower()))
    digest = hashlib.sha256(data).hexdigest()
    folder = media_dir or default_media_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{digest}{ext}"
    if not holds_content(target, data, "imported photo", damage):  # the cache's check and writer (temporary file per process)
        store_checked(target, lambda temporary: temporary.write_bytes(data))
    return Image(path=str(target.resolve()), url=url, media_type=media_type, width=width, height=height, sha256=digest)


#: Images at most this large (in pixels) are decoded whole at import to find damage; larger ones (rare, and
#: costly to decode) are checked when an edition prepares them (W601).
_DECODED_AT_IMPORT = 40_000_000


def _check_whole(data: bytes, kind: str, width: int, height: int, name: str) -> None:
    """``ImageProblem`` for an image cut short or damaged past its header, found here rather than at build.

    Pillow reads only the header on open, so a photo cut short used to pass import and be dropped
    by every build (W601) under its cache name, telling no one which piece lost it. PNG and WebP
    are checked through (``verify``: chunks and checksums, no pixels); a JPEG is decoded at an
    eighth of its size (libjpeg's draft mode reads every byte but does a fraction of the work);
    other formats are decoded when not huge.
    """
    try:
        with py_warnings.catch_warnings():
            py_warnings.simplefilter("ignore")
            with PILImage.open(io.BytesIO(data)) as image:
                if kind in ("PNG", "WEBP"):
                    image.verify()
                    return
                if kind == "JPEG":
                    image.draft("RGB", (max(1, width // 8), max(1, height // 8)))
                elif width * height > _DECODED_AT_IMPORT:
                    return
                image.load()
    except (OSError, ValueError, SyntaxError, EOFError, PILImage.DecompressionBombError) as exc:
        shown_name = f"{name[:120]!r} " if name else ""
        raise ImageProblem(f"image {shown_name}is damaged or cut short ({exc})") from exc
