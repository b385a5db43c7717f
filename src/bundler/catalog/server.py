"""A read-only library server for ``dist/``: Starlette's static files under uvicorn.

The HTTP work (parsing, Range, ETag, ``If-None-Match``, ``Content-Length``, many
connections at once) is Starlette's and uvicorn's, both well kept; this module adds only
a strict gate in front of them. Only what the catalogue lists is served (``catalog.served``:
the feeds, the page, covers and the editions each ``dossier.json`` names; never sources,
bags, provenance or older builds' files). The gate refuses anything that is not a plain request
for a file inside ``dist/``: other methods (405), encoded separators or dots, NUL and
control characters, ``..``, hidden files, overlong paths, symlinks, directory listings,
and Range headers that are not a short list of byte ranges (416).
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import shutil
import socket
import stat
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from bundler.catalog.library import SUFFIX_MEDIA_TYPES
from bundler.catalog.render import ACQUISITION_TYPE, NAVIGATION_TYPE
from bundler.catalog.served import is_listed
from bundler.errors import BundlerError

MAX_PATH_BYTES = 512
MAX_PATH_SEGMENTS = 8
MAX_RANGES = 8
#: ``bytes=0-99``, ``bytes=100-``, ``bytes=-500``, comma-separated: nothing else is a Range we serve.
_RANGE = re.compile(r"^bytes=\s*(\d{1,19}-\d{0,19}|-\d{1,19})(\s*,\s*(\d{1,19}-\d{0,19}|-\d{1,19}))*\s*$")
_ENCODED_FORBIDDEN = re.compile(rb"%(2f|5c|00|2e)", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f\\]")

MEDIA_TYPES: dict[str, str] = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".xml": "application/atom+xml;charset=utf-8",
    **dict(SUFFIX_MEDIA_TYPES),
}
#: The catalogue's feeds carry their OPDS profile so e-reader apps know what they are.
FEED_MEDIA_TYPES = {"opds.xml": NAVIGATION_TYPE}


@dataclass(frozen=True)
class Refusal:
    """Why a request was refused, as an HTTP status and a short message."""

    status: int
    reason: str


def check_request(method: str, raw_path: bytes) -> Refusal | list[str]:
    """The path's segments if the request is a plain GET/HEAD for a file; else why not."""
    if method not in ("GET", "HEAD"):
        return Refusal(405, "only GET and HEAD")
    if len(raw_path) > MAX_PATH_BYTES:
        return Refusal(414, "path too long")
    if _ENCODED_FORBIDDEN.search(raw_path):
        return Refusal(400, "encoded separator, dot or NUL")
    try:
        path = unquote(raw_path.decode("ascii"), errors="strict")
    except UnicodeDecodeError:
        return Refusal(400, "path is not valid UTF-8")
    if not path.startswith("/") or _CONTROL.search(path):
        return Refusal(400, "malformed path")
    if path == "/":
        return ["index.html"]
    segments = path[1:].split("/")
    if len(segments) > MAX_PATH_SEGMENTS or any(s == "" for s in segments):
        return Refusal(404, "not found")
    if any(s.startswith(".") for s in segments):  # "..", ".", and hidden files (.part temporaries)
        return Refusal(404, "not found")
    return segments


def is_inside_without_links(root: Path, segments: list[str]) -> Path | None:
    """The file at ``root/segments`` if it is a regular file and no component is a symlink."""
    current = root
    for index, segment in enumerate(segments):
        current = current / segment
        try:
            mode = current.lstat().st_mode
        except (OSError, ValueError):
            return None
        last = index == len(segments) - 1
        if stat.S_ISLNK(mode) or (not last and not stat.S_ISDIR(mode)) or (last and not stat.S_ISREG(mode)):
            return None
    return current


class LibraryFiles(StaticFiles):
    """Starlette's static files with symlinks refused outright and our media types."""

    def __init__(self, directory: Path) -> None:
        super().__init__(directory=directory, html=False, follow_symlink=False, check_dir=True)
        self.root = Path(os.path.realpath(directory))

    def lookup_path(self, path: str) -> tuple[str, os.stat_result | None]:
        segments = [s for s in path.split(os.sep) if s]
        found = is_inside_without_links(self.root, segments) if segments else None
        if found is None or not is_listed(self.root, segments):
            return "", None
        return super().lookup_path(path)

    def file_response(self, full_path, stat_result: os.stat_result, scope: Scope, status_code: int = 200) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        name = Path(full_path).name
        media_type = FEED_MEDIA_TYPES.get(name) or (ACQUISITION_TYPE if name.startswith("opds-") and name.endswith(".xml") else None)
        media_type = media_type or _media_type_for(name)
        if response.status_code != 304:
            response.media_type = media_type
            response.headers["content-type"] = media_type
            range_header = Headers(scope=scope).get("range")
            if range_header is not None and not _is_acceptable_range(range_header):
                return PlainTextResponse(
                    "unsupported Range header", status_code=416, headers={"Content-Range": f"bytes */{stat_result.st_size}"}
                )
        response.headers["x-content-type-options"] = "nosniff"
        response.headers["cache-control"] = "no-cache"  # revalidate with the ETag: catalogues change
        if name.endswith(".html"):
            # no script, nothing from elsewhere; data: images are the HTML edition's own (it carries them inside)
            response.headers["content-security-policy"] = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'"
        return response


class RequestGate:
    """ASGI middleware: refuse anything that is not a plain GET/HEAD for a file path."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
            else:
                await self.app(scope, receive, send)
            return
        raw_path = scope.get("raw_path") or scope["path"].encode("utf-8")
        checked = check_request(scope["method"], raw_path)
        if isinstance(checked, Refusal):
            headers = {"Allow": "GET, HEAD"} if checked.status == 405 else {}
            await PlainTextResponse(checked.reason, status_code=checked.status, headers=headers)(scope, receive, send)
            return
        path = "/" + "/".join(checked)
        scope = dict(scope, path=path, raw_path=path.encode("utf-8"), root_path="")
        await self.app(scope, receive, send)


def make_app(dist: Path) -> Starlette:
    """The ASGI app serving ``dist`` read-only."""
    dist = Path(dist)
    if not dist.is_dir():
        raise BundlerError(f"not a folder: {dist}", code="E820", file=str(dist), hint="give the dist/ folder that `bundler build` wrote")
    return Starlette(routes=[Mount("/", app=LibraryFiles(dist))], middleware=[Middleware(RequestGate)])


def _media_type_for(name: str) -> str:
    lower = name.lower()
    for suffix in sorted(MEDIA_TYPES, key=len, reverse=True):
        if lower.endswith(suffix):
            return MEDIA_TYPES[suffix]
    return "application/octet-stream"


def _is_acceptable_range(header: str) -> bool:
    """A short list of well-formed byte ranges, each with start <= end."""
    if not _RANGE.match(header) or header.count(",") >= MAX_RANGES:
        return False
    for part in header.split("=", 1)[1].split(","):
        start, _, end = part.strip().partition("-")
        if start and end and int(start) > int(end):
            return False
    return True


# --- running it ---------------------------------------------------------------------------


def open_listening_socket(host: str, port: int) -> socket.socket:
    """Bind the server socket first, so a busy port is a clear error and port 0 can be read back."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if family == socket.AF_INET6:
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise BundlerError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}",
            code="E821",
            hint="choose another --port, or stop the program using it",
        ) from exc
    sock.listen(1024)
    sock.set_inheritable(True)
    return sock


#: A connection must finish sending a request's head this many seconds after it opens, or
#: after its previous response: idle and half-sent (slowloris) connections are closed.
REQUEST_HEAD_SECONDS = 10.0
#: Connections one client address may hold at once (a browser opens about six; a NAT may hide a few phones).
MAX_CONNECTIONS_PER_CLIENT = 64
#: Connections the whole server holds at once (uvicorn answers 503 beyond this).
MAX_CONNECTIONS = 512
_TOO_MANY_BODY = b"too many connections from your address; close some and try again\n"
_TOO_MANY = (
    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
    b"Content-Length: %d\r\nRetry-After: 5\r\nConnection: close\r\n\r\n%s" % (len(_TOO_MANY_BODY), _TOO_MANY_BODY)
)


def guarded_protocol(head_seconds: float = REQUEST_HEAD_SECONDS, per_client: int = MAX_CONNECTIONS_PER_CLIENT) -> type:
    """uvicorn's h11 protocol with a deadline for each request head and a cap per client address.

    uvicorn closes a keep-alive connection only after a response, and any byte resets that
    timer, so a connection that sends nothing, or one byte now and then, is held forever;
    600 of them from one greedy client exhaust the global limit and every phone gets 503.
    Here a request head must be complete ``head_seconds`` after the connection opens or its
    last response ends (bytes that trickle in do not extend it), and one address holds at
    most ``per_client`` connections: the next is answered 503 and closed at once.
    """
    from uvicorn.protocols.http.h11_impl import H11Protocol

    held: dict[str, int] = {}  # per server: connections open per client address

    class GuardedH11Protocol(H11Protocol):
        def connection_made(self, transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self.address = self.client[0] if self.client else ""
            self.counted = held.get(self.address, 0) < per_client
            self.head_deadline = None
            if not self.counted:
                transport.write(_TOO_MANY)
                transport.close()
                return
            held[self.address] = held.get(self.address, 0) + 1
            self._await_request_head()

        def connection_lost(self, exc) -> None:
            self._cancel_deadline()
            if getattr(self, "counted", False):
                self.counted = False
                held[self.address] -= 1
                if not held[self.address]:
                    del held[self.address]
            super().connection_lost(exc)

        def handle_events(self) -> None:
            super().handle_events()
            if self.cycle is not None and not self.cycle.response_complete:
                self._cancel_deadline()  # the head arrived; the response may take as long as the download does

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing():
                self._await_request_head()

        def _await_request_head(self) -> None:
            self._cancel_deadline()
            self.head_deadline = self.loop.call_later(head_seconds, self._close_without_request)

        def _cancel_deadline(self) -> None:
            if getattr(self, "head_deadline", None) is not None:
                self.head_deadline.cancel()
                self.head_deadline = None

        def _close_without_request(self) -> None:
            self.head_deadline = None
            if not self.transport.is_closing():
                self.transport.close()

    return GuardedH11Protocol


def make_server(dist: Path, sock: socket.socket, head_seconds: float = REQUEST_HEAD_SECONDS, per_client: int = MAX_CONNECTIONS_PER_CLIENT):
    """A uvicorn server for ``dist`` on an already bound socket; quiet (the command prints)."""
    import uvicorn

    config = uvicorn.Config(
        make_app(dist),
        log_config=None,
        log_level="warning",
        access_log=False,
        lifespan="off",
        server_header=False,
        timeout_keep_alive=5,
        limit_concurrency=MAX_CONNECTIONS,
        backlog=1024,
        h11_max_incomplete_event_size=16 * 1024,
        http=guarded_protocol(head_seconds, per_client),
        ws="none",
    )
    return uvicorn.Server(config)


def serve_library(dist: Path, sock: socket.socket) -> None:
    """Serve until interrupted (Ctrl-C or SIGTERM); uvicorn shuts down gracefully."""
    make_server(dist, sock).run(sockets=[sock])


class LibraryServer:
    """The library server in a background thread, for tests and embedding: ``with LibraryServer(dist) as s: s.url``."""

    def __init__(
        self,
        dist: Path,
        host: str = "127.0.0.1",
        port: int = 0,
        head_seconds: float = REQUEST_HEAD_SECONDS,
        per_client: int = MAX_CONNECTIONS_PER_CLIENT,
    ) -> None:
        self.dist = Path(dist)
        self.sock = open_listening_socket(host, port)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://{host}:{self.port}/" if ":" not in host else f"http://[{host}]:{self.port}/"
        self.server = make_server(self.dist, self.sock, head_seconds, per_client)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True, name="library-server")

    def __enter__(self) -> LibraryServer:
        self.thread.start()
        for _ in range(500):
            if self.server.started or not self.thread.is_alive():
                break
            threading.Event().wait(0.01)
        if not self.server.started:
            raise RuntimeError("library server did not start")
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


# --- addresses to print -------------------------------------------------------------------


def local_addresses() -> list[str]:
    """IPv4 addresses of this machine's interfaces (not loopback), private ones first.

    Read from ``ip -j addr`` when available, else from the host name's own addresses; no
    packet is sent anywhere to find them.
    """
    found = _addresses_from_ip_command() or _addresses_from_hostname()
    usable = []
    for text in found:
        try:
            address = ipaddress.ip_address(text)
        except ValueError:
            continue
        if address.version == 4 and not address.is_loopback and not address.is_link_local and not address.is_unspecified:
            usable.append(address)
    usable = sorted(set(usable), key=lambda a: (not a.is_private, a))
    return [str(a) for a in usable]


def addresses_to_open(host: str, port: int) -> list[str]:
    """The URLs other devices can open: every LAN address when listening on all interfaces."""
    if host in ("0.0.0.0", "::", ""):
        hosts = local_addresses() or ["127.0.0.1"]
    else:
        hosts = [host]
    return [f"http://[{h}]:{port}/" if ":" in h else f"http://{h}:{port}/" for h in hosts]


def _addresses_from_ip_command() -> list[str]:
    ip = shutil.which("ip")
    if not ip:
        return []
    try:
        output = subprocess.run([ip, "-j", "addr"], capture_output=True, text=True, timeout=5, check=True).stdout
        interfaces = json.loads(output)
    except (OSError, subprocess.SubprocessError, json.JSONDecodeError):
        return []
    addresses = []
    for interface in interfaces if isinstance(interfaces, list) else []:
        if "UP" not in interface.get("flags", []):
            continue
        for info in interface.get("addr_info", []):
            if info.get("family") == "inet" and info.get("local"):
                addresses.append(info["local"])
    return addresses


def _addresses_from_hostname() -> list[str]:
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET, socket.SOCK_STREAM)
    except OSError:
        return []
    return [info[4][0] for info in infos]
