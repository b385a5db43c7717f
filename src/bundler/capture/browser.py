"""``--render``: a headless Chromium loads the page as a reader's browser would.

Chromium is driven over the DevTools protocol on a pipe (``--remote-debugging-pipe``: JSON
messages separated by NUL bytes on file descriptors 3 and 4), so no websocket library or
browser-automation package is needed: only the Chromium binary. The page is loaded, given
until its network is idle (or the timeout) for scripts to build the article, and then its
DOM is serialised and a full-page screenshot taken.
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bundler.errors import ImportError_

#: Where Chromium is looked for, in order (the Debian package installs /usr/bin/chromium).
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: Chromium cannot paint a texture taller than this; longer pages are cut in the screenshot (the DOM is whole).
MAX_SCREENSHOT_HEIGHT = 16_000
SCREEN_WIDTH = 1280


@dataclass(frozen=True)
class BrowserExchange:
    """One request Chromium made while loading the page, and the response it got (body as the browser decoded it)."""

    url: str
    method: str
    request_headers: tuple[tuple[str, str], ...]
    status: int
    status_text: str
    response_headers: tuple[tuple[str, str], ...]
    body: bytes


@dataclass(frozen=True)
class Rendered:
    """The DOM Chromium built, when, the screenshot file, and every exchange the browser made."""

    html: bytes
    date: str
    screenshot: Path
    exchanges: tuple[BrowserExchange, ...] = ()


def find_chromium() -> str:
    """The Chromium binary, or ``E168`` saying how to install it."""
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise ImportError_(
        "--render needs Chromium, which is not installed",
        code="E168",
        hint="install it (Debian/Ubuntu: `sudo apt-get install chromium`; macOS: `brew install --cask chromium`), "
        "or capture without --render",
    )


def render_page(url: str, folder: Path, timeout: float, user_agent: str, stem: str) -> Rendered:
    """Load ``url`` in headless Chromium; the rendered DOM and ``folder/STEM.png`` (a full-page screenshot)."""
    binary = find_chromium()
    with tempfile.TemporaryDirectory(prefix="bundler-chromium-") as profile:
        with _Browser(binary, Path(profile), user_agent, timeout, url) as browser:
            html, png = browser.render(url)
            exchanges = browser.exchanges(time.monotonic() + timeout)
    date = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    screenshot = folder / f"{stem}.png"
    screenshot.write_bytes(png)
    return Rendered(html=html, date=date, screenshot=screenshot, exchanges=exchanges)


class _Browser:
    """One headless Chromium process, spoken to over its DevTools pipe."""

    def __init__(self, binary: str, profile: Path, user_agent: str, timeout: float, url: str) -> None:
        self.command = [
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--mute-audio",
            f"--user-agent={user_agent}",
            f"--user-data-dir={profile}",
            f"--window-size={SCREEN_WIDTH},900",
            "--remote-debugging-pipe",
            "about:blank",
        ]
        self.timeout = timeout
        self.url = url
        self.process: subprocess.Popen | None = None
        self.buffer = b""
        self.next_id = 0
        self.events: list[dict] = []
        self.session = ""

    def __enter__(self) -> _Browser:
        # the shell hands our stdin/stdout pipes to Chromium as the descriptors 3 and 4 it reads and writes
        self.process = subprocess.Popen(
            ["sh", "-c", 'exec "$@" 3<&0 4>&1 </dev/null >/dev/null', "sh", *self.command],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        return self

    def __exit__(self, *exc) -> None:
        process = self.process
        if process is None:
            return
        try:
            self._send("Browser.close", {})
        except (OSError, ImportError_):
            pass
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        for stream in (process.stdin, process.stdout):
            if stream:
                stream.close()

    def render(self, url: str) -> tuple[bytes, bytes]:
        """Navigate, wait for the page to settle, and give back its DOM and a full-page PNG."""
        deadline = time.monotonic() + self.timeout
        target = self.call("Target.createTarget", {"url": "about:blank"}, deadline)["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True}, deadline)["sessionId"]
        self.session = session
        self.call("Network.enable", {}, deadline, session)  # every request the page makes is recorded for the WARC
        self.call("Page.enable", {}, deadline, session)
        self.call("Page.setLifecycleEventsEnabled", {"enabled": True}, deadline, session)
        navigation = self.call("Page.navigate", {"url": url}, deadline, session)
        if navigation.get("errorText"):
            raise self._failed(f"Chromium could not load the page ({navigation['errorText']})")
        loader = navigation.get("loaderId")

        def settled(event: dict) -> bool:  # this navigation's document (not about:blank's) has no requests left
            params = event.get("params", {})
            return event.get("method") == "Page.lifecycleEvent" and params.get("name") == "networkIdle" and params.get("loaderId") == loader

        self._wait_for(settled, deadline)
        dom = self.call(
            "Runtime.evaluate",
            {"expression": "(document.doctype ? '<!DOCTYPE html>\\n' : '') + document.documentElement.outerHTML", "returnByValue": True},
            deadline,
            session,
        )
        html = str(dom.get("result", {}).get("value", "")).encode("utf-8")
        metrics = self.call("Page.getLayoutMetrics", {}, deadline, session)
        size = metrics.get("cssContentSize") or metrics.get("contentSize") or {}
        width = max(1, int(size.get("width", SCREEN_WIDTH)))
        height = max(1, min(int(size.get("height", 900)), MAX_SCREENSHOT_HEIGHT))
        shot = self.call(
            "Page.captureScreenshot",
            {"format": "png", "captureBeyondViewport": True, "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}},
            deadline,
            session,
        )
        return html, base64.b64decode(shot["data"])

    def exchanges(self, deadline: float) -> tuple[BrowserExchange, ...]:
        """Every request the page made that finished with a response, in the order sent, with its body.

        Chromium reports a request (``Network.requestWillBeSent``), its response headers
        (``Network.responseReceived``) and its end (``Network.loadingFinished``) as events; the body
        is asked for afterwards (``Network.getResponseBody``). A body Chromium no longer holds is
        recorded empty rather than dropping the exchange.
        """
        sent: dict[str, dict] = {}
        answered: dict[str, dict] = {}
        finished: set[str] = set()
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Network.requestWillBeSent":
                sent.setdefault(params.get("requestId", ""), params.get("request", {}))
            elif method == "Network.responseReceived":
                answered[params.get("requestId", "")] = params.get("response", {})
            elif method == "Network.loadingFinished":
                finished.add(params.get("requestId", ""))
        found = []
        for request_id, request in sent.items():
            response = answered.get(request_id)
            if request_id not in finished or not response or not str(request.get("url", "")).startswith(("http://", "https://")):
                continue
            found.append(
                BrowserExchange(
                    url=request["url"],
                    method=request.get("method", "GET"),
                    request_headers=tuple((str(k), str(v)) for k, v in (request.get("headers") or {}).items()),
                    status=int(response.get("status", 0)),
                    status_text=str(response.get("statusText", "")),
                    response_headers=tuple((str(k), str(v)) for k, v in (response.get("headers") or {}).items()),
                    body=self._body(request_id, deadline),
                )
            )
        return tuple(found)

    def _body(self, request_id: str, deadline: float) -> bytes:
        try:
            answer = self.call("Network.getResponseBody", {"requestId": request_id}, deadline, self.session)
        except ImportError_:
            return b""
        data = answer.get("body", "")
        return base64.b64decode(data) if answer.get("base64Encoded") else data.encode("utf-8")

    def call(self, method: str, params: dict, deadline: float, session: str = "") -> dict:
        """Send one command and wait for its answer (events that arrive meanwhile are kept)."""
        number = self._send(method, params, session)
        message = self._wait_for(lambda m: m.get("id") == number, deadline)
        if "error" in message:
            raise self._failed(f"Chromium refused {method}: {message['error'].get('message', message['error'])}")
        return message.get("result", {})

    def _send(self, method: str, params: dict, session: str = "") -> int:
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        try:
            self.process.stdin.write(json.dumps(message).encode("utf-8") + b"\0")
            self.process.stdin.flush()
        except (BrokenPipeError, ValueError) as exc:
            raise self._failed("Chromium stopped unexpectedly") from exc
        return self.next_id

    def _wait_for(self, wanted, deadline: float) -> dict:
        for index, event in enumerate(self.events):
            if wanted(event):
                return self.events.pop(index)
        while True:
            while b"\0" in self.buffer:
                raw, self.buffer = self.buffer.split(b"\0", 1)
                message = json.loads(raw)
                if wanted(message):
                    return message
                self.events.append(message)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise self._failed(f"the page did not finish loading within {self.timeout:g} seconds", code="E162")
            ready, _, _ = select.select([self.process.stdout], [], [], remaining)
            if ready:
                chunk = os.read(self.process.stdout.fileno(), 1 << 20)
                if not chunk:
                    raise self._failed("Chromium stopped unexpectedly")
                self.buffer += chunk

    def _failed(self, message: str, code: str = "E169") -> ImportError_:
        return ImportError_(
            f"{self.url}: {message}",
            code=code,
            file=self.url,
            hint="try again, with a longer --timeout, or capture without --render",
        )
