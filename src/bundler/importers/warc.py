"""Web archives (WARC, ``.warc`` / ``.warc.gz``): article pages and their images, offline.

Crawlers and archivists (Heritrix, wget, Browsertrix, webrecorder) store what they fetched
as WARC records; ``warcio`` reads them. Each HTML response record becomes a piece through
the HTML importer; the images it shows are taken from the image response records of the
same archive (matched by URL), never fetched. Every piece records the WARC-Record-IDs it was
made from, so an archive can point at the exact bytes.
"""

from __future__ import annotations

import contextlib
import html
import io
import re
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urldefrag, urljoin

from bundler.cleaning.figures import figure_rules
from bundler.codes import coded
from bundler.errors import ImportError_, Problem
from bundler.importers import ImportOptions, Source
from bundler.importers.content_coding import CODINGS, BodyDamaged, dechunked, unpacked
from bundler.importers.html import read_html_bytes
from bundler.importers.piece import map_figures
from bundler.model import Figure, Piece
from bundler.text.encoding import decode_bytes, looks_binary
from bundler.text.plain import sha256_bytes

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_IMAGE_TAG = re.compile(r"<(img|source)\b[^>]*>", re.I)
_META_CHARSET = re.compile(r"""(<meta[^>]+charset\s*=\s*["']?)\s*[A-Za-z0-9_.:-]+""", re.I)
#: A record's content kept at most (a page over 64 MB is refused by the HTML importer anyway; an image over 40 MB too).
MAX_RECORD_BYTES = 64 * 2**20
#: Content decompressed from one archive at most: ample for a crawl of articles, and a gzip bomb stops here.
MAX_ARCHIVE_CONTENT_BYTES = 4 * 2**30
_CHUNK = 2**20
_EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp", "image/avif": ".avif"}


@dataclass(frozen=True)
class WarcRecord:
    """One HTTP response kept from the archive."""

    url: str
    record_id: str
    date: str
    media_type: str
    charset: str
    payload: bytes
    kind: str = "response"  # or "resource", or "conversion": a browser's rendering of a response (bundler --render)


@dataclass(frozen=True)
class WarcDamage:
    """A damaged record (or unreadable bytes) in an archive: where, and which page it was."""

    message: str
    url: str = ""  # the record's target, when its header could be read


def read_records(path: Path) -> list[WarcRecord]:
    """Every successful ``response``/``resource`` record, in archive order; a damaged archive is an error."""
    records, damage = read_archive(path)
    if damage:
        raise _damage_error(path, damage)
    return records


def read_archive(path: Path) -> tuple[list[WarcRecord], list[WarcDamage]]:
    """Every successful ``response``/``resource`` record, and every damage found on the way.

    warcio reads a record's declared ``Content-Length`` and nothing checks it: a record cut
    short (a truncated download, a truncated gzip member) comes back short or empty, and a
    record that claims more bytes than the file holds swallows the records after it. Both
    are damage here, as are bytes after the last readable record.
    """
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    records: list[WarcRecord] = []
    damage: list[WarcDamage] = []
    size = path.stat().st_size
    warnings = io.StringIO()
    decompressor = None
    budget = [MAX_ARCHIVE_CONTENT_BYTES]
    try:
        with path.open("rb") as stream, contextlib.redirect_stderr(warnings):  # warcio prints what it finds wrong
            iterator = ArchiveIterator(stream)
            for record in iterator:
                start = iterator.offset
                decompressor = iterator.reader.decompressor
                try:
                    found = _record_of(record, budget)
                except _Oversized as exc:
                    if exc.fatal:  # the archive as a whole expands past what anyone archives: stop reading it
                        damage.append(WarcDamage(exc.message, exc.url))
                        break
                    _read_to_end(record)
                    if exc.page:  # a page this large would be refused by the HTML importer too: say which
                        damage.append(WarcDamage(exc.message, exc.url))
                    found = None
                except _BrokenPayload as exc:
                    damage.append(WarcDamage(exc.message, exc.url))
                    found = None
                    _read_to_end(record)
                if found is not None:
                    records.append(found)
                missing = getattr(record.raw_stream, "limit", 0)
                if missing:
                    damage.append(_truncated(record, start, missing, 0 if decompressor is not None else size))
            end = iterator.offset
    except (ArchiveLoadFailed, OSError, EOFError, ValueError, zlib.error) as exc:
        if not records:
            raise ImportError_(
                f"{path.name} is not a readable WARC file: {exc}", file=str(path), code="E130", hint="is it a .warc or .warc.gz?"
            ) from exc
        damage.append(WarcDamage(f"the archive cannot be read after {records[-1].url} ({exc})"))
    except AttributeError:  # warcio trips over some cut-off gzip members
        damage.append(WarcDamage(f"the archive cannot be read after {records[-1].url if records else 'its start'}"))
    else:
        if not damage:
            damage += _damage_at_the_end(path, records, size, end, decompressor)
    damage += [WarcDamage(f"warcio: {line}") for line in warnings.getvalue().splitlines() if line.strip() and not damage]
    return records, damage


def _damage_at_the_end(path: Path, records: list[WarcRecord], size: int, end: int, decompressor) -> list[WarcDamage]:
    """Bytes after the last readable record, or a last record without its proper ending (cut at a record boundary)."""
    after = f"after the record for {records[-1].url}" if records else "at its start"
    if end < size:
        return [WarcDamage(f"{size - end:,} bytes {after} cannot be read (a record cut short or corrupt)")]
    if decompressor is not None and not decompressor.eof:
        return [WarcDamage(f"the last gzip member ({records[-1].url if records else 'a record'}) is cut short")]
    if decompressor is None and size >= 4:
        with path.open("rb") as stream:
            stream.seek(size - 4)
            if stream.read() != b"\r\n\r\n":  # every WARC record ends with two CRLFs
                return [WarcDamage(f"the archive ends inside the last record ({records[-1].url if records else 'its first'})")]
    return []


class _Oversized(Exception):
    """A record whose content is larger than bundler reads (a decompression bomb, or a video it never uses)."""

    def __init__(self, message: str, url: str, page: bool, fatal: bool) -> None:
        super().__init__(message)
        self.message, self.url, self.page, self.fatal = message, url, page, fatal


def address_of(reference: str, base: str = "") -> str:
    """``reference`` made absolute against ``base`` and without its fragment; "" when Python's URL functions refuse it.

    A WARC's target URI or an image address such as ``http://[::1/x`` ("Invalid IPv6 URL") was a
    traceback from ``urldefrag``/``urljoin``; as an address it matches nothing, as text it is kept.
    """
    try:
        return urldefrag(urljoin(base, reference) if base else reference)[0]
    except ValueError:
        return reference if not base else ""


def _bounded_content(record, budget: list[int], keep: bool, page: bool = False) -> bytes:
    """The record's content (when ``keep``), read in chunks: at most MAX_RECORD_BYTES kept, and at most the archive's
    remaining ``budget`` of bytes decompressed, so a gzip bomb (2 GB of zeros in 2 MB) is refused, not loaded."""
    kept: list[bytes] = []
    held = 0
    chunks = _payload(record, page) if keep else iter(lambda: record.raw_stream.read(_CHUNK), b"")  # passed over: not unpacked
    for chunk in chunks:
        budget[0] -= len(chunk)
        held += len(chunk)
        if budget[0] < 0:
            raise _Oversized(
                f"the archive expands to more than {MAX_ARCHIVE_CONTENT_BYTES // 2**30} GB of content "
                f"(at {_target(record) or record.rec_type}); the rest is not read",
                _target(record),
                page=False,
                fatal=True,
            )
        if keep and held <= MAX_RECORD_BYTES:
            kept.append(chunk)
        elif keep:
            break  # a bomb (brotli packs gigabytes in a few hundred bytes) is not unpacked to its end
    if keep and held > MAX_RECORD_BYTES:
        raise _Oversized(
            f"the page {_target(record) or record.rec_type} holds more than {MAX_RECORD_BYTES // 2**20} MB; it was not imported",
            _target(record),
            page=page,
            fatal=False,
        )
    return b"".join(kept)


def _read_to_end(record) -> None:
    """Read a record left half-read to its end (as stored, not unpacked), so only a record really cut short is called so."""
    while record.raw_stream.read(_CHUNK):
        pass


def _payload(record, page: bool) -> Iterator[bytes]:
    """The record's content as the page or image it holds, in chunks: chunked framing removed, the coding unpacked.

    warcio does both for gzip and deflate; but it reads a broken chunked body as if the rest were
    not chunked (a page cut short came back as the part it held, with nothing said), and its brotli
    hook fails on brotli 1.2. So a chunked or brotli body is read here (``content_coding``), and its
    damage is told as ``_BrokenPayload``; a gzip body that does not unpack is still handed back as
    stored, and refused as binary by the page check.
    """
    headers = record.http_headers
    coding = ((headers.get_header("Content-Encoding") or "") if headers else "").strip().lower()
    chunked = headers is not None and (headers.get_header("Transfer-Encoding") or "").strip().lower() == "chunked"
    if not chunked and coding != "br":
        stream = record.content_stream()
        while chunk := stream.read(_CHUNK):
            yield chunk
        return
    raw = dechunked(record.raw_stream, _CHUNK) if chunked else iter(lambda: record.raw_stream.read(_CHUNK), b"")
    try:
        yield from unpacked(raw, coding) if coding in CODINGS else raw
    except BodyDamaged as exc:
        raise _BrokenPayload(f"the {'page' if page else 'record'} {_target(record) or record.rec_type}: {exc}", _target(record)) from exc


class _BrokenPayload(Exception):
    """A response whose chunked framing or content coding is broken: never read as a shorter page."""

    def __init__(self, message: str, url: str) -> None:
        super().__init__(message)
        self.message, self.url = message, url


def _target(record) -> str:
    return address_of(record.rec_headers.get_header("WARC-Target-URI") or "")


def _record_of(record, budget: list[int]) -> WarcRecord | None:
    """The kept form of a successful response/resource record; None for other records (read through, to check
    their length too)."""
    if record.rec_type not in ("response", "resource", "conversion"):
        _bounded_content(record, budget, keep=False)
        return None
    status = record.http_headers.get_statuscode() if record.http_headers else "200"
    if status != "200":
        _bounded_content(record, budget, keep=False)
        return None
    content_type = (record.http_headers.get_header("Content-Type") if record.http_headers else "") or (
        record.rec_headers.get_header("Content-Type") or ""
    )
    media_type, _, params = content_type.partition(";")
    charset = params.split("charset=", 1)[1].strip(" \"'") if "charset=" in params else ""
    return WarcRecord(
        url=address_of(record.rec_headers.get_header("WARC-Target-URI") or ""),
        record_id=record.rec_headers.get_header("WARC-Record-ID") or "",
        date=record.rec_headers.get_header("WARC-Date") or "",
        media_type=media_type.strip().lower(),
        charset=charset,
        payload=_bounded_content(record, budget, keep=True, page=media_type.strip().lower() in _HTML_TYPES),
        kind=record.rec_type,
    )


def _truncated(record, start: int, missing: int, size: int) -> WarcDamage:
    """A record whose block ended before its declared ``Content-Length`` (``size``: of an uncompressed file, else 0)."""
    url = address_of(record.rec_headers.get_header("WARC-Target-URI") or "")
    record_id = record.rec_headers.get_header("WARC-Record-ID") or "(no id)"
    declared = int(record.rec_headers.get_header("Content-Length") or 0)
    what = f"record {record_id} ({url or record.rec_type}) at byte {start:,}"
    if size and declared > size:
        return WarcDamage(f"{what} claims {declared:,} bytes, more than the whole file ({size:,})", url)
    return WarcDamage(f"{what} is cut short: {declared - missing:,} of its {declared:,} bytes are there", url)


def _damage_error(path: Path, damage: list[WarcDamage]) -> ImportError_:
    return ImportError_(
        problems=[
            Problem(
                f"{path.name} is damaged: {d.message}",
                code="E133",
                file=str(path),
                hint="get another copy of the archive; pages stored before the damage can be imported with --url",
            )
            for d in damage
        ]
    )


def read_warc(path: Path, options: ImportOptions, urls: tuple[str, ...] | list[str] = ()) -> list[Piece]:
    """One piece per HTML page in the archive (only those in ``urls`` when given).

    A damaged archive is refused, unless pages were asked for by URL and every one of them
    was read whole: then each piece carries a warning naming the damage.
    """
    records, damage = read_archive(path)
    wanted = {address_of(u) for u in (urls or options.urls)}
    damaged_urls = {d.url for d in damage if d.url}
    if damage and (not wanted or wanted & damaged_urls or not wanted <= {r.url for r in records}):
        raise _damage_error(path, damage)
    records = [r for r in records if r.url not in damaged_urls]  # never a half image or half page
    images = {r.url: r for r in records if r.media_type.startswith("image/")}
    images |= {source: images[target] for source, target in _redirects(path).items() if target in images and source not in images}
    pages = _rendered_first([r for r in records if r.media_type in _HTML_TYPES and (not wanted or r.url in wanted)])
    missing = sorted(wanted - {p.url for p in pages})
    if missing:
        raise ImportError_(
            f"{path.name} has no HTML page for {', '.join(missing)}",
            code="E131",
            file=str(path),
            hint="check the URL, or list the archive's pages",
        )
    if not pages:
        raise ImportError_(f"{path.name} contains no HTML pages", code="E131", file=str(path))
    label = options.source_label or path.name
    pieces = [_read_page(page, images, options, label) for page in pages]
    if damage:
        notes = tuple(coded("W133", f"{path.name} is damaged elsewhere: {d.message}") for d in damage)
        pieces = [replace(p, provenance=replace(p.provenance, warnings=(*p.provenance.warnings, *notes))) for p in pieces]
    return pieces


def _rendered_first(pages: list[WarcRecord]) -> list[WarcRecord]:
    """One record per page URL: a browser's rendering (a ``conversion`` record) wins over the raw response.

    The rendering is what a reader saw once the page's scripts had run; the raw response stays
    in the archive beside it as the evidence of what the server sent.
    """
    rendered = {p.url: p for p in pages if p.kind == "conversion"}
    kept: list[WarcRecord] = []
    for page in pages:
        if page.url not in rendered:
            kept.append(page)
        elif rendered[page.url] not in kept:
            kept.append(rendered[page.url])
    return kept


def _redirects(path: Path) -> dict[str, str]:
    """URL -> final URL for every chain of redirect responses in the archive (an image moved to a CDN)."""
    from warcio.archiveiterator import ArchiveIterator

    hops: dict[str, str] = {}
    with path.open("rb") as stream, contextlib.redirect_stderr(io.StringIO()):
        for record in ArchiveIterator(stream):
            if record.rec_type != "response" or not record.http_headers:
                continue
            status = record.http_headers.get_statuscode() or ""
            location = record.http_headers.get_header("Location") or ""
            if status.startswith("3") and location:
                source = address_of(record.rec_headers.get_header("WARC-Target-URI") or "")
                hops[source] = address_of(location, source)
    final: dict[str, str] = {}
    for source in hops:
        target, seen = hops[source], {source}
        while target in hops and target not in seen:
            seen.add(target)
            target = hops[target]
        final[source] = target
    return final


def _refuse_binary_page(page: WarcRecord, label: str) -> None:
    """E112 for a page record whose content is no text: an image or file served as ``text/html``, or a body
    whose ``Content-Encoding`` could not be undone (warcio then hands back the compressed bytes as they are).
    Read as a page, either became a piece of replacement characters ("\ufffdPNG") without a word said."""
    if page.payload and looks_binary(page.payload):
        raise ImportError_(
            f"the page {page.url} in {Path(label).name} holds binary data, not a web page "
            "(an image or file served as HTML, or a compressed body that cannot be unpacked)",
            code="E112",
            file=label,
            hint="import the archive's other pages with --url URL, or capture this page again",
        )


def _read_page(page: WarcRecord, images: dict[str, WarcRecord], options: ImportOptions, label: str) -> Piece:
    """Run the HTML importer on one page, with its images served from the archive."""
    _refuse_binary_page(page, label)
    declared = page.charset or _meta_charset(page.payload)
    text, _warnings = decode_bytes(page.payload, declared)
    with tempfile.TemporaryDirectory(prefix="bundler-warc-") as folder:
        used: dict[str, WarcRecord] = {}
        text = _localise_images(text, page.url, images, Path(folder), used)
        raw = _META_CHARSET.sub(r"\1utf-8", text).encode("utf-8")
        piece = read_html_bytes(raw, options, page_dir=Path(folder), label=f"{label}#{page.url}", url=page.url, retrieved=page.date[:10])
    by_digest = {sha256_bytes(r.payload): r for r in used.values()}

    def restore_url(figure: Figure) -> Figure:
        record = by_digest.get(figure.image.sha256) if figure.image and figure.image.path else None
        return replace(figure, image=replace(figure.image, url=record.url)) if record else figure

    provenance = replace(
        piece.provenance,
        source_path=label,
        source_sha256=sha256_bytes(page.payload),
        source_url=page.url,
        importer="warc",
        warc_record_ids=(page.record_id, *sorted(r.record_id for r in used.values())),
    )
    return replace(piece, body=map_figures(piece.body, restore_url), provenance=provenance, source_url=piece.source_url or page.url)


def _meta_charset(payload: bytes) -> str:
    match = re.search(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", payload[:4096], re.I)
    return match.group(1).decode("ascii", "replace") if match else ""


def _localise_images(text: str, page_url: str, images: dict[str, WarcRecord], folder: Path, used: dict[str, WarcRecord]) -> str:
    """Point each <img>/<source> at a local copy of the archived image it names, if archived."""

    attributes = _image_attributes()

    def rewrite_tag(match: re.Match[str]) -> str:
        tag = match.group(0)
        candidates = []
        for attribute in attributes.finditer(tag):
            value = html.unescape(attribute.group(2)[1:-1])
            parts = value.split(",") if "srcset" in attribute.group(1).lower() else [value]
            candidates += [p.strip().split(" ")[0] for p in parts if p.strip()]
        for candidate in candidates:
            record = images.get(address_of(candidate, page_url))
            if record:
                used[record.url] = record
                name = f"warc-media/{sha256_bytes(record.payload)[:32]}{_EXTENSIONS.get(record.media_type, '.img')}"
                (folder / name).parent.mkdir(exist_ok=True)
                (folder / name).write_bytes(record.payload)
                stripped = attributes.sub("", tag)
                return re.sub(r"^<(img|source)\b", lambda m, n=name: f'<{m.group(1)} src="{n}"', stripped, flags=re.I)
        return tag

    return _IMAGE_TAG.sub(rewrite_tag, text)


def _image_attributes() -> re.Pattern[str]:
    """The attributes that can name an image, from the same rules the HTML importer chooses images by."""

    rules = figure_rules()
    names = sorted({*rules.src_attributes, *rules.srcset_attributes}, key=len, reverse=True)
    return re.compile(r"""\s(""" + "|".join(re.escape(n) for n in names) + r""")\s*=\s*("[^"]*"|'[^']*')""", re.I)


def read_first_page(path: Path, options: ImportOptions) -> Piece:
    """``read_piece`` on a WARC: the archive's only page (several pages need ``read_warc``)."""
    pieces = read_warc(path, options)
    if len(pieces) > 1:
        raise ImportError_(
            f"{path.name} holds {len(pieces)} pages",
            code="E132",
            file=str(path),
            hint="import it with `bundler import COLLECTION FILE` (one piece per page) or name pages with --url",
        )
    return pieces[0]


SOURCES = {
    "warc": Source(
        read=read_first_page,
        read_all=read_warc,
        suffixes=(".warc", ".warc.gz"),
        sniff=lambda head: head.startswith(b"WARC/"),
        description="web archive (WARC): article pages and their archived images",
    ),
}
