"""The collection's event log: what happened to each piece, when, and with which tools.

``<collection>/provenance.json`` keeps, per manifest entry, a list of events: ``imported``
(with the original's SHA-256, the importer and its version, the digest of the cleaning rules
and importer code that shaped the piece, and the tool versions), ``replaced`` (the earlier
original and piece kept under ``history/``), ``moved`` and ``removed``. It is part of the
collection, so it travels into every bag byte for byte; a bag adds ``built`` events naming the
editions it holds. The log is append-only by bundler; editing it by hand is editing evidence.
"""

from __future__ import annotations

import json
from pathlib import Path

from bundler import __version__
from bundler.clock import iso_seconds, record_time
from bundler.files import write_atomically
from bundler.manifest.cache import import_code_digest
from bundler.resources import installed_versions

EVENTS_FILE = "provenance.json"
EVENTS_FORMAT = "bundler-events/1"
HISTORY_FOLDER = "history"
#: Libraries whose versions decide what an import makes of a page.
IMPORT_TOOLS = ("trafilatura", "lxml", "beautifulsoup4", "htmldate", "charset-normalizer", "ftfy", "warcio", "py3langid")


def read_events(root: Path) -> dict[str, list[dict]]:
    """``{entry: [event, ...]}`` from the collection's log; an absent or unreadable log is empty."""
    try:
        data = json.loads((root / EVENTS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    pieces = data.get("pieces") if isinstance(data, dict) else None
    return {k: v for k, v in pieces.items() if isinstance(v, list)} if isinstance(pieces, dict) else {}


def append_events(root: Path, events: list[tuple[str, dict]]) -> None:
    """Add ``(entry, event)`` pairs to the log, written whole to a temporary file and moved into place."""

    if not events:
        return
    log = read_events(root)
    for entry, event in events:
        log.setdefault(entry, []).append(event)
    data = {"format": EVENTS_FORMAT, "pieces": dict(sorted(log.items()))}
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    write_atomically(root / EVENTS_FILE, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def event(kind: str, **fields) -> dict:
    """One event: its kind, when (``SOURCE_DATE_EPOCH`` or now), which bundler, and ``fields``."""
    return {"event": kind, "at": iso_seconds(record_time()), "tool": f"bundler {__version__}", **fields}


def import_event(kind: str, provenance, **fields) -> dict:
    """An ``imported`` or ``replaced`` event from a piece's provenance, with the import code's digest."""

    return event(
        kind,
        source_path=provenance.source_path,
        source_sha256=provenance.source_sha256,
        source_url=provenance.source_url,
        retrieved=provenance.retrieved,
        importer=provenance.importer,
        importer_version=provenance.importer_version,
        rules_digest=import_code_digest(),
        versions={name: v for name, v in installed_versions(IMPORT_TOOLS).items() if v},
        **fields,
    )


def capture_event(provenance, warc: str, warc_sha256: str) -> dict:
    """A ``captured`` event: what was asked for, where the redirects ended, the status, when, and the WARC kept."""
    return event(
        "captured",
        requested_url=provenance.requested_url,
        final_url=provenance.final_url,
        http_status=provenance.http_status,
        redirects=list(provenance.redirects),
        retrieved=provenance.retrieved,
        warc=warc,
        warc_sha256=warc_sha256,
        screenshot=provenance.screenshot,
    )


def events_of_piece(log: dict[str, list[dict]], source_sha256: str) -> list[dict]:
    """The logged events of the entry whose latest import recorded this original's SHA-256."""
    for events in log.values():
        imports = [e for e in events if isinstance(e, dict) and e.get("event") in ("imported", "replaced")]
        if source_sha256 and imports and imports[-1].get("source_sha256") == source_sha256:
            return list(events)
    return []


def history_folder(root: Path) -> Path:
    """A new ``history/<time>/`` folder for what an edit sets aside (never one already used)."""
    stamp = iso_seconds(record_time()).replace(":", "").replace("-", "")
    folder, number = root / HISTORY_FOLDER / stamp, 2
    while folder.exists():
        folder, number = root / HISTORY_FOLDER / f"{stamp}-{number}", number + 1
    return folder
