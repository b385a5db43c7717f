"""Writing the capture's WARC with warcio: a warcinfo record, then request/response pairs as they happen.

The response record holds the HTTP headers and the body exactly as the server sent them
(content coding included; only the chunked transfer framing, which httpx removes, is gone,
so ``Transfer-Encoding`` is dropped from the stored headers). warcio adds the block and
payload digests; each record carries the time its response arrived as ``WARC-Date``.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from bundler import __version__


class WarcOut:
    """A gzipped WARC being written; records go in as they are made."""

    def __init__(self, path: Path, user_agent: str) -> None:
        self.path = path
        self.user_agent = user_agent
        self._handle = None
        self._writer = None

    def __enter__(self) -> WarcOut:
        from warcio.warcwriter import WARCWriter

        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._handle = self.path.open("wb")
        self._writer = WARCWriter(self._handle, gzip=True, warc_version="WARC/1.1")
        info = {
            "software": f"bundler {__version__}",
            "format": "WARC File Format 1.1",
            "http-header-user-agent": self.user_agent,
            "description": "captured by `bundler import`: every request and response, as sent and received",
        }
        self._writer.write_record(self._writer.create_warcinfo_record(self.path.name, info))
        return self

    def __exit__(self, *exc) -> None:
        self._handle.close()

    def write_exchange(self, url: str, response, raw: bytes, date: str) -> str:
        """The request httpx sent and the response it got, as a linked pair; the response's record id."""
        from warcio.statusandheaders import StatusAndHeaders

        request = response.request
        target = request.url.raw_path.decode("ascii", "replace") or "/"
        request_headers = StatusAndHeaders(f"{request.method} {target} HTTP/1.1", _header_list(request.headers.raw), is_http_request=True)
        reason = response.reason_phrase or ""
        response_headers = StatusAndHeaders(
            f"{response.status_code} {reason}".strip(),
            [(k, v) for k, v in _header_list(response.headers.raw) if k.lower() != "transfer-encoding"],
            protocol=response.http_version or "HTTP/1.1",
        )
        dated = {"WARC-Date": date}
        request_record = self._writer.create_warc_record(
            url, "request", payload=BytesIO(b""), length=0, http_headers=request_headers, warc_headers_dict=dated
        )
        response_record = self._writer.create_warc_record(
            url, "response", payload=BytesIO(raw), length=len(raw), http_headers=response_headers, warc_headers_dict=dated
        )
        self._writer.write_request_response_pair(request_record, response_record)
        return response_record.rec_headers.get_header("WARC-Record-ID")

    def write_browser_exchange(self, exchange, date: str) -> str:
        """A request the rendering browser made and its response (body as decoded), as a linked pair."""
        from urllib.parse import urlsplit

        from warcio.statusandheaders import StatusAndHeaders

        parts = urlsplit(exchange.url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        request_headers = StatusAndHeaders(f"{exchange.method} {target} HTTP/1.1", list(exchange.request_headers), is_http_request=True)
        response_headers = StatusAndHeaders(
            f"{exchange.status} {exchange.status_text}".strip(), _browser_headers(exchange.response_headers), protocol="HTTP/1.1"
        )
        dated = {"WARC-Date": date}
        request_record = self._writer.create_warc_record(
            exchange.url, "request", payload=BytesIO(b""), length=0, http_headers=request_headers, warc_headers_dict=dated
        )
        response_record = self._writer.create_warc_record(
            exchange.url,
            "response",
            payload=BytesIO(exchange.body),
            length=len(exchange.body),
            http_headers=response_headers,
            warc_headers_dict=dated,
        )
        self._writer.write_request_response_pair(request_record, response_record)
        return response_record.rec_headers.get_header("WARC-Record-ID")

    def write_rendered(self, url: str, html: bytes, *, refers_to: str, date: str) -> str:
        """The DOM a browser built from the response, as a ``conversion`` record that refers to it."""
        record = self._writer.create_warc_record(
            url,
            "conversion",
            payload=BytesIO(html),
            length=len(html),
            warc_content_type="text/html; charset=utf-8",
            warc_headers_dict={"WARC-Date": date, "WARC-Refers-To": refers_to},
        )
        self._writer.write_record(record)
        return record.rec_headers.get_header("WARC-Record-ID")


def _browser_headers(headers) -> list[tuple[str, str]]:
    """A browser's response headers as stored: the body Chromium hands back is already decoded, so the
    headers that describe the wire form (content and transfer coding, length) would now lie."""
    dropped = {"content-encoding", "transfer-encoding", "content-length"}
    return [(k, v) for k, v in headers if k.lower() not in dropped]


def _header_list(raw: list[tuple[bytes, bytes]]) -> list[tuple[str, str]]:
    return [(k.decode("latin-1"), v.decode("latin-1")) for k, v in raw]
