"""A small real web site on 127.0.0.1 for the capture tests: articles, lazy images, redirects and faults.

Served by ``http.server`` in a thread; every page is written here (no real page is copied).
"""

from __future__ import annotations

import gzip
import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from PIL import Image

WORDS = "The council met on Tuesday to hear the residents of the old quarter about the water supply and the market. "
ARTICLE = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Water returns to the old quarter</title>
<link rel="canonical" href="/article.html"></head>
<body><header><nav><a href="/">Home</a></nav></header>
<article><h1>Water returns to the old quarter</h1>
<p>{WORDS * 3}</p>
<figure><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="/img/pump.png" alt="The pump house on the square">
<figcaption>The pump house on the square.</figcaption></figure>
<p>{WORDS * 2} A baker said the queue was shorter this week.</p>
<figure><img src="/img/small.png" srcset="/img/small.png 300w, /img/large.png 1200w" alt="The market at noon">
<figcaption>The market at noon.</figcaption></figure>
<figure><img src="/img/moved.png" alt="The old well"><figcaption>The old well.</figcaption></figure>
<p>{WORDS * 2} The last sentence of the article says the meeting ended at dusk.</p>
</article></body></html>
"""
SCRIPTED = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Built by script</title></head>
<body><main id="app"><p>Loading…</p></main>
<script src="/app.js"></script></body></html>
"""
APP_SCRIPT = """
document.addEventListener("DOMContentLoaded", function () {
  var app = document.getElementById("app");
  app.innerHTML = "";
  var h = document.createElement("h1"); h.textContent = "Built by script"; app.appendChild(h);
  for (var i = 1; i <= 4; i++) {
    var p = document.createElement("p");
    p.textContent = "Paragraph " + i + " was written by the page's script after it loaded, as many news sites do with their articles today.";
    app.appendChild(p);
  }
});
"""


def png(colour: str, width: int = 400, height: int = 300) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "PNG")
    return buffer.getvalue()


IMAGES = {
    "/img/pump.png": png("red"),
    "/img/small.png": png("green", 300, 200),
    "/img/large.png": png("blue", 1200, 800),
    "/img/well.png": png("grey"),
}


class Site:
    """The test site: ``url(path)`` for addresses, ``release()`` lets a held slow request finish."""

    def __init__(self) -> None:
        self.hold = threading.Event()
        self.requests: list[tuple[str, str]] = []
        handler = _handler(self)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_port}{path}"

    def __enter__(self) -> Site:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.hold.set()
        self.server.shutdown()
        self.server.server_close()


def _handler(site: Site):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # quiet
            pass

        def send(self, status: int, body: bytes, media_type: str = "text/html; charset=utf-8", headers: dict | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", media_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            site.requests.append((self.path, self.headers.get("User-Agent", "")))
            path = self.path
            if path == "/article.html":
                self.send(200, ARTICLE.encode("utf-8"))
            elif path == "/old-address":
                self.send(301, b"moved", headers={"Location": "/article.html"})
            elif path == "/img/moved.png":
                self.send(302, b"", headers={"Location": "/img/well.png"})
            elif path in IMAGES:
                self.send(200, IMAGES[path], "image/png")
            elif path == "/missing-photo.html":
                page = ARTICLE.replace("/img/moved.png", "/img/absent.png").replace("The old well", "A lost photo")
                self.send(200, page.encode("utf-8"))
            elif path == "/scripted.html":
                self.send(200, SCRIPTED.encode("utf-8"))
            elif path == "/app.js":
                self.send(200, APP_SCRIPT.encode("utf-8"), "text/javascript")
            elif path == "/slow.html":
                site.hold.wait()  # answers only when the test ends: the client's timeout must give up first
                self.send(200, ARTICLE.encode("utf-8"))
            elif path == "/huge.html":
                self.send(200, b"<html><body><p>" + b"x" * (2 * 1024 * 1024) + b"</p></body></html>")
            elif path == "/report.pdf":
                self.send(200, b"%PDF-1.4\n%%EOF\n", "application/pdf")
            elif path == "/paywalled.html":
                self.send(302, b"", headers={"Location": "/consent?return=/paywalled.html"})
            elif path.startswith("/consent"):
                self.send(200, b"<html><body><p>We value your privacy. Accept all cookies?</p></body></html>")
            elif path == "/broken.html":
                self.send(503, b"<html><body>Service unavailable</body></html>")
            elif path in HOSTILE:
                HOSTILE[path](self, site)
            else:
                self.send(404, b"<html><body>Not found</body></html>")

    return Handler


# --- hostile answers: what a broken or malicious server sends -------------------------------------------


def _raw(handler, data: bytes) -> None:
    """Bytes straight onto the connection (a status line or framing http.server would not write), then close it."""
    handler.wfile.write(data)
    handler.wfile.flush()
    handler.close_connection = True


def _endless(handler, _site) -> None:
    """An HTML answer with no length that goes on (8 MB here: any limit below it must stop the download)."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.end_headers()
    try:
        handler.wfile.write(b"<html><body><p>")
        for _ in range(8):
            handler.wfile.write(b"w" * 2**20)
    except OSError:  # the client gave up, as it should
        pass
    handler.close_connection = True


def _stall_mid_body(handler, site) -> None:
    """Headers and the first part of the page, then nothing until the test ends."""
    page = ARTICLE.encode("utf-8")
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html; charset=utf-8")
    handler.send_header("Content-Length", str(len(page)))
    handler.end_headers()
    handler.wfile.write(page[:500])
    handler.wfile.flush()
    site.hold.wait()
    handler.close_connection = True


def _refresh(target: str, delay: int = 0) -> bytes:
    return (
        f'<!DOCTYPE html><html><head><meta http-equiv="refresh" content="{delay}; url={target}"><title>Redirecting</title></head>'
        f"<body><p>Redirecting…</p></body></html>"
    ).encode()


def _brotli(data: bytes) -> bytes:
    import brotli

    return brotli.compress(data)


HOSTILE = {
    "/loop": lambda h, _s: h.send(302, b"", headers={"Location": "/loop"}),
    "/to-file": lambda h, _s: h.send(302, b"", headers={"Location": "file:///etc/passwd"}),
    "/to-script": lambda h, _s: h.send(302, b"", headers={"Location": "javascript:alert(1)"}),
    "/endless.html": _endless,
    # 64 MB of zeros, about 64 KB on the wire
    "/gzip-bomb.html": lambda h, _s: h.send(200, gzip.compress(b"\0" * 2**26, 9), headers={"Content-Encoding": "gzip"}),
    "/brotli.html": lambda h, _s: h.send(200, _brotli(ARTICLE.encode("utf-8")), headers={"Content-Encoding": "br"}),
    "/gzip-cut.html": lambda h, _s: h.send(200, gzip.compress(ARTICLE.encode("utf-8"))[:300], headers={"Content-Encoding": "gzip"}),
    "/bracketed.html": lambda h, _s: h.send(
        200, ARTICLE.replace("/img/moved.png", "http://[::1/x.png").replace("<head>", '<head><base href="http://[::1/">').encode("utf-8")
    ),
    "/stall-mid-body.html": _stall_mid_body,
    "/no-content": lambda h, _s: h.send(204, b""),
    "/data.json": lambda h, _s: h.send(200, b'{"title": "not a page"}', "application/json"),
    "/photo.png": lambda h, _s: h.send(200, png("olive"), "image/png"),
    "/lying-charset.html": lambda h, _s: h.send(
        200, ARTICLE.replace('<meta charset="utf-8">', "").replace("council", "café council").encode("utf-8"), "text/html; charset=utf-16"
    ),
    "/refresh.html": lambda h, _s: h.send(200, _refresh("/article.html")),
    "/refresh-later.html": lambda h, _s: h.send(
        200, ARTICLE.replace("<head>", '<head><meta http-equiv="refresh" content="1800; url=/">').encode("utf-8")
    ),
    "/refresh-to-file.html": lambda h, _s: h.send(200, _refresh("file:///etc/passwd")),
    "/disposition.html": lambda h, _s: h.send(
        200, ARTICLE.encode("utf-8"), headers={"Content-Disposition": 'attachment; filename="../../evil.html"'}
    ),
    "/huge-header.html": lambda h, _s: h.send(200, ARTICLE.encode("utf-8"), headers={"X-Padding": "p" * 200_000}),
    "/not-http": lambda h, _s: _raw(h, b"NOT HTTP AT ALL\r\n\r\n"),
    "/cut-short.html": lambda h, _s: _raw(
        h, b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5000\r\n\r\n" + ARTICLE.encode("utf-8")[:1000]
    ),
    "/broken-chunks.html": lambda h, _s: _raw(
        h,
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n3e8\r\n"
        + ARTICLE.encode("utf-8")[:1000]
        + b"\r\nzz\r\n"
        + ARTICLE.encode("utf-8")[1000:],
    ),
}
