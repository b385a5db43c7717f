"""EPUB content documents checked with axe-core, the engine inside DAISY Ace, in headless Chromium.

Ace itself cannot be installed on this machine kind: one of its npm dependencies is fetched
from github.com, which the network here does not reach. The suite therefore runs Ace's engine
on the same documents with Ace's own rule set: every axe-core rule except the four Ace turns
off for EPUB content (``bypass``, ``region``, ``page-has-heading-one`` and
``landmark-complementary-is-top-level``, as Ace's ``ace-axe.js`` configures them). EPUB-level
checks of Ace (package metadata, page lists) are not covered; EPUBCheck covers the package.

The documents are served as they are in the EPUB (``application/xhtml+xml``, parsed as XML, as
a reading system parses them) by a server on 127.0.0.1, loaded one by one into a frame of a
harness page, and checked there: one Chromium start for the whole book. ``make test`` installs
the pinned axe-core from the npm registry into ``.cache/axe-core``.
"""

from __future__ import annotations

import functools
import html
import http.server
import json
import re
import tempfile
import threading
import zipfile
from pathlib import Path

from tests.chromium import run_chromium
from tests.validators import AXE_SCRIPT

#: The rules Ace switches off for EPUB content documents.
ACE_DISABLED_RULES = ("bypass", "region", "page-has-heading-one", "landmark-complementary-is-top-level")

_HARNESS = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>axe</title></head><body>
<pre id="axe-result"></pre>
<script>
var DOCUMENTS = %(documents)s, OPTIONS = %(options)s, found = {};
function check(index) {
  if (index >= DOCUMENTS.length) { document.getElementById("axe-result").textContent = JSON.stringify(found); return; }
  var frame = document.createElement("iframe");
  frame.onload = function () {
    var script = frame.contentDocument.createElementNS("http://www.w3.org/1999/xhtml", "script");
    script.src = "/__axe__.js";
    script.onload = function () {
      frame.contentWindow.axe.run(frame.contentDocument, OPTIONS).then(function (result) {
        found[DOCUMENTS[index]] = result.violations.map(function (v) {
          return {rule: v.id, impact: v.impact, help: v.help,
                  nodes: v.nodes.map(function (n) { return n.target.join(" ") + " :: " + n.html.slice(0, 160); })};
        });
        frame.remove(); check(index + 1);
      }, function (error) { found[DOCUMENTS[index]] = [{rule: "axe-error", help: String(error), nodes: []}]; frame.remove(); check(index + 1); });
    };
    (frame.contentDocument.head || frame.contentDocument.documentElement).appendChild(script);
  };
  frame.src = "/" + DOCUMENTS[index];
  document.body.appendChild(frame);
}
check(0);
</script></body></html>"""


def axe_violations(epub: Path) -> dict[str, list[dict]]:
    """Every violation axe-core finds, by content document, under Ace's rule set."""
    assert AXE_SCRIPT.is_file(), f"axe-core is not installed at {AXE_SCRIPT} (`make test-deps` installs it)"
    with tempfile.TemporaryDirectory(prefix="axe-") as tmp:
        book = Path(tmp) / "book"
        with zipfile.ZipFile(epub) as archive:
            archive.extractall(book)
        documents = sorted(p.relative_to(book).as_posix() for p in book.rglob("*.xhtml"))
        options = {"resultTypes": ["violations"], "rules": {rule: {"enabled": False} for rule in ACE_DISABLED_RULES}}
        (book / "__axe__.html").write_text(
            _HARNESS % {"documents": json.dumps(documents), "options": json.dumps(options)}, encoding="utf-8"
        )
        (book / "__axe__.js").write_bytes(AXE_SCRIPT.read_bytes())
        with _serving(book) as address:
            result = run_chromium(
                Path(tmp) / "profile", "--virtual-time-budget=600000", "--dump-dom", f"{address}/__axe__.html", timeout=900
            )
        assert result.returncode == 0, result.stderr[-2000:]
        dom = result.stdout
    match = re.search(r'<pre id="axe-result">(.*?)</pre>', dom, re.S)
    assert match and match.group(1).strip(), f"axe-core did not report on {epub.name}: {dom[-1500:]}"
    found = json.loads(html.unescape(match.group(1)))
    assert set(found) == set(documents), f"axe-core checked {len(found)} of {len(documents)} documents"
    return {name: violations for name, violations in found.items() if violations}


def describe(violations: dict[str, list[dict]]) -> str:
    """One line per violation: document, rule, impact and the first element it names."""
    return "\n".join(
        f"{name}: {v['rule']} ({v['impact']}) {v['help']} — {v['nodes'][0] if v['nodes'] else ''}"
        for name, found in violations.items()
        for v in found
    )


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".xhtml": "application/xhtml+xml"}

    def log_message(self, *args) -> None:  # the test output stays readable
        pass


class _serving:
    """A static server for ``folder`` on 127.0.0.1, for the length of a ``with`` block."""

    def __init__(self, folder: Path) -> None:
        handler = functools.partial(_QuietHandler, directory=str(folder))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)

    def __enter__(self) -> str:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
