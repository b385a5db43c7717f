"""``bundler serve``: share a dist/ folder with phones and e-readers on the local network."""

from __future__ import annotations

import io
import logging
from pathlib import Path

from bundler import interrupts
from bundler.commands import Command
from bundler.errors import BundlerError


def add_arguments(parser) -> None:
    parser.add_argument("dist", help="the folder `bundler build` wrote into (e.g. dist)")
    parser.add_argument("--host", default="0.0.0.0", help="address to listen on (default: 0.0.0.0, every interface)")
    parser.add_argument("--port", type=int, default=8080, help="port to listen on (default: 8080)")
    parser.add_argument("--title", default="", help="the library's name shown on the page and in e-reader apps")
    parser.add_argument("--no-catalog", action="store_true", help="serve the existing catalogue instead of rewriting it first")


def run(args, ui) -> int:
    from bundler.catalog import ROOT_FEED
    from bundler.catalog.server import addresses_to_open, open_listening_socket, serve_library

    dist = Path(args.dist)
    if not dist.is_dir():
        raise BundlerError(f"not a folder: {dist}", code="E820", file=str(dist), hint="build something first: bundler build COLLECTION")
    if not 0 <= args.port <= 65535:
        raise BundlerError(f"--port {args.port} is not a port number", code="E822", hint="use a number from 1024 to 65535, e.g. 8080")
    _show_server_warnings(ui)
    sock = open_listening_socket(args.host, args.port)  # first: the page shows the address it is served at
    port = sock.getsockname()[1]
    urls = addresses_to_open(args.host, port)
    try:
        _write_catalog(dist, args, urls[0], ui)
    except BaseException:
        sock.close()
        raise
    ui.say(f"serving {dist} read-only; open one of these on a phone or e-reader on the same network:")
    for url in urls:
        ui.say(f"  page for browsers:   {url}")
        ui.say(f"  OPDS for e-readers:  {url}{ROOT_FEED}")
    ui.say(render_qr(urls[0]))
    ui.say("press Ctrl-C to stop")
    try:
        serve_library(dist, sock)
    except KeyboardInterrupt:
        interrupts.taken()  # Ctrl-C is how a server is stopped: exit 0, "stopped"
    finally:
        sock.close()
    ui.say("stopped")
    return 0


def _write_catalog(dist: Path, args, base_url: str, ui) -> None:
    """Rewrite the catalogue (with the OPDS feed's full address on the page) unless --no-catalog."""
    from bundler.catalog import ROOT_FEED, write_catalog

    if args.no_catalog:
        if not (dist / ROOT_FEED).is_file():
            ui.warn(f"{dist / ROOT_FEED} is missing; run `bundler catalog {dist}` or drop --no-catalog")
        return
    try:
        result = write_catalog(dist, title=args.title, base_url=base_url)
    except OSError as exc:
        raise BundlerError(
            f"cannot write the catalogue into {dist}: {exc}", code="E823", hint="use --no-catalog on read-only media"
        ) from exc
    for warning in result.report.warnings:
        ui.problem(warning)
    ui.say(f"catalogue: {len(result.dossiers)} dossier(s)")


def _show_server_warnings(ui) -> None:
    """Route uvicorn's log (e.g. "Invalid HTTP request received.") through ``ui.warn``."""

    class ToUI(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            ui.warn(f"server: {record.getMessage()}")

    logger = logging.getLogger("uvicorn.error")
    logger.handlers[:] = [ToUI(level=logging.WARNING)]
    logger.propagate = False


def render_qr(url: str) -> str:
    """The address as a QR code in text, for a phone camera to read off the terminal."""
    import qrcode

    code = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(url)
    code.make(fit=True)
    out = io.StringIO()
    code.print_ascii(out=out, tty=False, invert=True)
    return out.getvalue().rstrip("\n")


COMMANDS = {"serve": Command("serve a dist/ folder (OPDS catalogue, page and editions) on the local network", add_arguments, run)}
