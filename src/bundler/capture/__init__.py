"""Capture a web page from its URL into a WARC: the evidentiary copy a piece is imported from.

Every request and response (redirects too) is written to a WARC with warcio, exactly as the
server sent the bytes, so the archive shows what was asked, what came back and when. The
images the page shows are fetched into the same WARC; which image a tag means is decided by
the importer's own rule (``best_source``), so capture and import never disagree. With
``render``, a headless Chromium loads the page as a reader would: the DOM it built goes into
the WARC as a ``conversion`` record and a full-page screenshot is kept beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bundler import __version__

#: Names the tool and what it does, so a site's operator can see who fetched the page and why.
USER_AGENT = f"bundler/{__version__} (offline reader and archive bundler; fetches one page and its images for a reader)"
#: A page larger than this is refused (the HTML importer's own limit is far above any real article).
PAGE_LIMIT = 16 * 1024 * 1024
#: Each image larger than this is left out, with a warning.
IMAGE_LIMIT = 16 * 1024 * 1024
#: At most this many images per page are fetched.
MAX_IMAGES = 200
MAX_REDIRECTS = 10
#: How to keep a page when bundler cannot fetch it; said in every "cannot reach" error.
SAVE_BY_HAND = (
    "to keep the page without bundler fetching it: open it in a browser, use File > Save Page As… "
    "'Web Page, complete' (or the SingleFile extension), then run `bundler import COLLECTION saved-page.html`"
)


@dataclass(frozen=True)
class CaptureOptions:
    """How a capture behaves: limits, timeout, and whether a browser renders the page."""

    timeout: float = 30.0  # seconds for each connect/read, and for the whole of each response
    page_limit: int = PAGE_LIMIT
    image_limit: int = IMAGE_LIMIT
    max_images: int = MAX_IMAGES
    render: bool = False


@dataclass(frozen=True)
class Capture:
    """What a capture produced: the WARC, where the page ended up, and when."""

    warc: Path
    requested_url: str
    final_url: str
    status: int
    retrieved: str  # ISO 8601 UTC time of the page's response (its WARC-Date)
    redirects: tuple[str, ...] = ()  # "301 http://a -> http://b", in order
    screenshot: Path | None = None
    warnings: tuple[str, ...] = ()  # coded warnings: images left out, etc.


def is_url(text: str) -> bool:
    """True for an ``http://`` or ``https://`` address (what ``bundler import`` captures rather than reads)."""
    lowered = text.strip().lower()
    return lowered.startswith(("http://", "https://"))
