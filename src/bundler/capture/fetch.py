"""The HTTP side of a capture: httpx requests, each written to the WARC as it happens.

httpx is used because it is well kept, has one timeout model for connect and read, lets a
response be streamed (so a size limit stops the download rather than the parse), and exposes
the request it really sent, which is what a WARC ``request`` record must hold.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

from bundler.capture import SAVE_BY_HAND, USER_AGENT, Capture, CaptureOptions
from bundler.capture.warc_out import WarcOut
from bundler.codes import coded
from bundler.errors import ImportError_
from bundler.importers.content_coding import CODINGS, BodyDamaged, unpacked

_HTML_TYPES = ("text/html", "application/xhtml+xml")
#: Where sites send a visitor to accept cookies before showing the page.
_CONSENT = re.compile(r"[/.](consent|cmp|guce|privacy|cookies?)\.|/(consent|cookie-?(wall|consent)|gdpr)(/|\?|$)", re.I)


@dataclass(frozen=True)
class Fetched:
    """One URL fetched to its end: the last response's status, type and decoded body, and the hops on the way."""

    url: str
    status: int
    media_type: str
    body: bytes
    record_id: str
    date: str
    redirects: tuple[str, ...]


class CaptureFailed(Exception):
    """An image could not be fetched; the page is captured without it (a warning says so)."""


def capture_page(url: str, folder: Path, options: CaptureOptions) -> Capture:
    """Fetch the page, render it if asked, fetch the images it shows; all into one WARC."""
    import httpx

    url = _checked_url(url)
    started = datetime.now(UTC)
    warc_path = folder / f"{_file_stem(url, started)}.warc.gz"
    headers = {"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5", "Accept-Encoding": "gzip, deflate"}
    timeout = httpx.Timeout(options.timeout)
    with WarcOut(warc_path, USER_AGENT) as warc, httpx.Client(headers=headers, timeout=timeout, follow_redirects=False) as client:
        page = _fetch(client, warc, url, options.page_limit, options.timeout, page_url=url, follow_refresh=True)
        _check_page(url, page)
        html = page.body
        screenshot = None
        if options.render:
            from bundler.capture.browser import render_page

            rendered = render_page(page.url, folder, options.timeout, USER_AGENT, stem=warc_path.name.removesuffix(".warc.gz"))
            for exchange in rendered.exchanges:  # what the browser itself fetched: scripts, styles, data, images
                warc.write_browser_exchange(exchange, rendered.date)
            warc.write_rendered(page.url, rendered.html, refers_to=page.record_id, date=rendered.date)
            html, screenshot = rendered.html, rendered.screenshot
        warnings = _fetch_images(client, warc, page.url, html, options)
    return Capture(
        warc=warc_path,
        requested_url=url,
        final_url=page.url,
        status=page.status,
        retrieved=page.date,
        redirects=page.redirects,
        screenshot=screenshot,
        warnings=tuple(warnings),
    )


def _checked_url(url: str) -> str:
    """``url`` without its fragment, or ``E160``: not http(s), or not an address at all (a bad port, a control character)."""
    url = url.strip()
    problem = _url_problem(url)
    if problem:
        raise ImportError_(
            f"{url} is not a web address bundler can fetch ({problem})", code="E160", file=url, hint="give an http:// or https:// URL"
        )
    return urldefrag(url)[0]


def _url_problem(url: str) -> str:
    """Why ``url`` cannot be fetched, or "": the scheme must be http(s), and httpx must accept it as an address.

    Checked before any request, for the address given and for every redirect's target, so that a
    ``Location: javascript:...`` or an address with a control character or a broken IPv6 host is a
    message, not a traceback from deep inside httpx.
    """
    import httpx

    try:
        parts = urlsplit(urldefrag(url)[0])
        if parts.scheme.lower() not in ("http", "https"):
            return (
                f"a {parts.scheme or 'relative'}: address; only http:// and https:// are fetched"
                if parts.scheme
                else "no http:// or https://"
            )
        if not parts.hostname:
            return "no host name"
        if parts.username is not None or parts.password is not None:  # sent as an Authorization header, kept in the WARC
            return "it holds a user name or password, which would be kept in the WARC and the piece's provenance; log in with a browser and save the page by hand"
        httpx.URL(url)
    except (ValueError, httpx.InvalidURL) as exc:
        return str(exc) or type(exc).__name__
    return ""


def _file_stem(url: str, moment: datetime) -> str:
    """``capture-HOST-20261201T153000Z``: names the site and the time, sorts by time."""
    host = re.sub(r"[^A-Za-z0-9.-]+", "-", urlsplit(url).hostname or "page")
    return f"capture-{host}-{moment.strftime('%Y%m%dT%H%M%SZ')}"


def _fetch(client, warc: WarcOut, url: str, limit: int, timeout: float, page_url: str, follow_refresh: bool = False) -> Fetched:
    """GET ``url``, following and recording redirects; raise ``ImportError_`` naming ``page_url`` on failure.

    With ``follow_refresh`` (the page, not its images) a ``<meta http-equiv="refresh">`` that sends the
    reader on at once is followed like a redirect: the stub saying "Redirecting…" is not the article.
    """
    redirects: list[str] = []
    for _hop in range(MAX_HOPS):
        problem = _url_problem(url)  # an image's address, as the page wrote it
        if problem:
            raise ImportError_(f"{url} is not a web address bundler can fetch ({problem})", code="E160", file=page_url)
        response, raw, date = _get(client, url, limit, timeout, page_url)
        record_id = warc.write_exchange(url, response, raw, date)
        if response.is_redirect and response.headers.get("location"):
            target = _redirect_target(url, response.headers["location"], page_url)
            redirects.append(f"{response.status_code} {url} -> {target}")
            url = target
            continue
        media_type = response.headers.get("content-type", "").partition(";")[0].strip().lower()
        body = _decoded(raw, response.headers.get("content-encoding", ""), limit, url, page_url)
        refresh = refresh_target(body, url) if follow_refresh and media_type in _HTML_TYPES and response.status_code == 200 else ""
        if refresh:
            target = _redirect_target(url, refresh, page_url)
            redirects.append(f"{response.status_code} {url} -> {target} (meta refresh)")
            url = target
            continue
        return Fetched(url, response.status_code, media_type, body, record_id, date, tuple(redirects))
    raise ImportError_(
        f"{page_url}: more than {MAX_HOPS - 1} redirects (last to {url})",
        code="E166",
        file=page_url,
        hint="open the address in a browser; a redirect loop usually means the site wants cookies (save the page by hand)",
    )


MAX_HOPS = 11
#: A meta refresh that sends the reader on within this many seconds is a redirect; a longer one (a front page
#: reloading itself every few minutes, an article sent back to the front page after half an hour) is not followed.
REFRESH_FOLLOWED_WITHIN = 10
_REFRESH_CONTENT = re.compile(r"""^\s*(\d+(?:\.\d*)?)\s*(?:[;,]\s*(?:url\s*=\s*)?(?P<q>["']?)(?P<url>.*?)(?P=q)\s*)?$""", re.I | re.S)


def _redirect_target(url: str, location: str, page_url: str) -> str:
    """The absolute address a redirect (or meta refresh) at ``url`` points to, or ``E166`` when it is not one bundler follows."""
    try:
        target = urldefrag(urljoin(url, location.strip()))[0]
    except ValueError:
        target = location
    problem = _url_problem(target)
    if problem:
        raise ImportError_(
            f"{url} redirects to {target!r}, which bundler does not follow ({problem})",
            code="E166",
            file=page_url,
            hint=f"open the address in a browser to see where it leads; {SAVE_BY_HAND}",
        )
    return target


def refresh_target(html: bytes, url: str) -> str:
    """Where a ``<meta http-equiv="refresh" content="0; url=...">`` sends the reader, when it is a redirect; else "".

    Only the page's ``<head>`` is looked at (a refresh is honoured there), only a delay of at most
    REFRESH_FOLLOWED_WITHIN seconds counts, and a refresh back to the page itself (a reload) is not one.
    """
    from lxml import html as lxml_html

    try:
        tree = lxml_html.document_fromstring(html[: 2**20])
    except (ValueError, Exception):  # lxml raises ParserError for an empty document
        return ""
    for meta in tree.iterfind(".//head/meta"):
        if (meta.get("http-equiv") or "").strip().lower() != "refresh":
            continue
        found = _REFRESH_CONTENT.match(meta.get("content") or "")
        if not found or not found.group("url") or float(found.group(1)) > REFRESH_FOLLOWED_WITHIN:
            continue
        target = found.group("url").strip()
        try:
            same = urldefrag(urljoin(url, target))[0] == urldefrag(url)[0]
        except ValueError:
            same = False
        if not same:
            return target
    return ""


def _get(client, url: str, limit: int, timeout: float, page_url: str):
    """One request, its body read as sent (still content-encoded) up to ``limit`` bytes and a whole-response deadline."""
    import httpx

    try:
        with client.stream("GET", url) as response:
            date = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            declared = int(response.headers.get("content-length") or 0) if response.headers.get("content-length", "").isdigit() else 0
            if declared > limit:
                raise _too_large(url, page_url, limit, f"it declares {declared:,} bytes")
            deadline = time.monotonic() + timeout
            chunks, size = [], 0
            for chunk in response.iter_raw():
                size += len(chunk)
                if size > limit:
                    raise _too_large(url, page_url, limit, f"more than {limit:,} bytes came")
                if time.monotonic() > deadline:
                    raise httpx.ReadTimeout("the response took too long", request=response.request)
                chunks.append(chunk)
            return response, b"".join(chunks), date
    except httpx.TimeoutException as exc:
        raise ImportError_(
            f"{url}: no complete answer within {timeout:g} seconds ({type(exc).__name__})",
            code="E162",
            file=page_url,
            hint=f"try again later or with a longer --timeout; {SAVE_BY_HAND}",
        ) from exc
    except httpx.ProtocolError as exc:  # the server answered, but not in HTTP: a bad status line, huge headers, a cut body
        raise ImportError_(
            f"{urlsplit(url).hostname} sent a broken answer for {url}: {_reason(exc)}",
            code="E173",
            file=page_url,
            hint=f"the server was reached but its answer is not valid HTTP (cut short, wrongly framed, or headers too large); "
            f"try again later; {SAVE_BY_HAND}",
        ) from exc
    except (httpx.ConnectError, httpx.NetworkError) as exc:
        raise ImportError_(
            f"cannot reach {urlsplit(url).hostname}: {_reason(exc)}",
            code="E161",
            file=page_url,
            hint=f"check the network connection (no network, no name resolution or a refused connection); {SAVE_BY_HAND}",
        ) from exc
    except httpx.HTTPError as exc:
        raise ImportError_(f"{url}: {exc}", code="E161", file=page_url, hint=SAVE_BY_HAND) from exc
    except httpx.InvalidURL as exc:  # ``url`` was checked: httpx refused the redirect's Location while reading the answer
        raise ImportError_(
            f"{url} redirects to an address that is not valid ({exc})",
            code="E166",
            file=page_url,
            hint=f"open the address in a browser to see where it leads; {SAVE_BY_HAND}",
        ) from exc


def _reason(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    if "Name or service not known" in text or "nodename nor servname" in text or "Temporary failure in name resolution" in text:
        return f"the name cannot be resolved, is there a network? ({text})"
    if "Connection refused" in text or "[Errno 111]" in text:
        return f"the connection was refused ({text})"
    return text


def _too_large(url: str, page_url: str, limit: int, how: str) -> ImportError_:
    return ImportError_(
        f"{url} is larger than the limit of {limit:,} bytes ({how})",
        code="E165",
        file=page_url,
        hint="raise the limit with --max-size MB if the page really is that large, or save it by hand",
    )


def _decoded(raw: bytes, encoding: str, limit: int, url: str, page_url: str) -> bytes:
    """The body without its gzip/deflate/brotli content coding, still bounded by ``limit`` (a small zip bomb stays small).

    Only gzip and deflate are asked for; a server that sends brotli anyway is read too (the WARC keeps
    its bytes as sent, and the WARC importer unpacks them the same way).
    """
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return raw
    if encoding not in CODINGS:
        raise ImportError_(f"{url} came in an encoding bundler cannot read ({encoding})", code="E164", file=page_url, hint=SAVE_BY_HAND)
    body = bytearray()
    try:
        for part in unpacked([raw], encoding):
            body += part
            if len(body) > limit:
                raise _too_large(url, page_url, limit, "once uncompressed")
    except BodyDamaged as exc:
        raise ImportError_(
            f"{urlsplit(url).hostname} sent a broken answer for {url}: {exc}", code="E173", file=page_url, hint=SAVE_BY_HAND
        ) from exc
    return bytes(body)


def _check_page(requested: str, page: Fetched) -> None:
    """Refuse error statuses, consent walls and non-HTML answers, naming the URL."""
    if page.status >= 400:
        hint = {
            404: "the page is not there (any more): check the address, or look for it in the Wayback Machine",
            410: "the page was removed: look for it in the Wayback Machine",
            401: "the page needs a login: save it from a browser where you are logged in",
            403: "the site refused bundler: save the page from a browser instead",
            429: "the site asks to slow down: try again later",
        }.get(page.status, "a server error: try again later" if page.status >= 500 else "check the address")
        raise ImportError_(
            f"{page.url} answered HTTP {page.status}",
            code="E163",
            file=requested,
            hint=f"{hint}; {SAVE_BY_HAND}" if page.status >= 500 else hint,
        )
    if page.status != 200:
        raise ImportError_(f"{page.url} answered HTTP {page.status}, not a page", code="E163", file=requested, hint=SAVE_BY_HAND)
    if page.redirects and _CONSENT.search(page.url) and not _CONSENT.search(requested):
        raise ImportError_(
            f"{requested} was sent to a cookie or consent page ({page.url}) instead of the article",
            code="E167",
            file=requested,
            hint=f"bundler does not accept cookie walls for you; {SAVE_BY_HAND}",
        )
    if page.media_type not in _HTML_TYPES:
        raise ImportError_(
            f"{page.url} is {page.media_type or 'of no stated type'}, not a web page",
            code="E164",
            file=requested,
            hint="bundler captures HTML pages; download other files and import them as files where bundler reads them",
        )


def _fetch_images(client, warc: WarcOut, page_url: str, html: bytes, options: CaptureOptions) -> list[str]:
    """Fetch each image the page shows into the WARC; coded warnings for those left out."""
    warnings: list[str] = []
    urls = image_urls(html, page_url)
    if len(urls) > options.max_images:
        warnings.append(coded("W171", f"the page shows {len(urls)} images; only the first {options.max_images} were captured"))
        urls = urls[: options.max_images]
    for url in urls:
        try:
            image = _fetch(client, warc, url, options.image_limit, options.timeout, page_url=page_url)
        except ImportError_ as exc:
            warnings.append(coded("W170", f"image {url} not captured: {exc.problems[0].message}"))
            continue
        if image.status != 200:
            warnings.append(coded("W170", f"image {url} not captured: HTTP {image.status}"))
        elif not image.media_type.startswith("image/"):
            warnings.append(coded("W170", f"image {url} not captured: it is {image.media_type or 'of no stated type'}"))
    return warnings


def image_urls(html: bytes, page_url: str) -> list[str]:
    """Absolute URLs of the images the page shows, in page order, as the HTML importer would choose them."""
    from lxml import html as lxml_html

    from bundler.cleaning.figures import best_source, is_furniture_image

    try:
        tree = lxml_html.document_fromstring(html)
    except (ValueError, Exception):  # lxml raises ParserError for an empty document
        return []
    base = next((b.get("href") for b in tree.iter("base") if b.get("href")), "")
    base_url = (_joined(page_url, base) or page_url) if base else page_url
    found: list[str] = []
    for img in tree.iter("img", "amp-img"):
        source = best_source(img)
        if not source or source.startswith("data:") or is_furniture_image(img):
            continue
        url = _joined(base_url, source.strip())
        if url and urlsplit(url).scheme in ("http", "https") and url not in found:
            found.append(url)
    return found


def _joined(base: str, reference: str) -> str:
    """``reference`` made absolute, without its fragment; "" for one Python cannot split (``http://[::1/x.png``)."""
    try:
        return urldefrag(urljoin(base, reference))[0]
    except ValueError:
        return ""


def capture_url(url: str, folder: Path, options: CaptureOptions | None = None) -> Capture:
    """Fetch ``url`` (and the images it shows) into a new WARC in ``folder``; errors name the URL."""
    return capture_page(url, folder, options or CaptureOptions())
