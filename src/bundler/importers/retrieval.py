"""When a piece's source was retrieved: every piece says so, or says plainly that it is not known.

An evidence dossier has to say when each page was taken from the web. The date comes from,
in order: the capture itself (a WARC's ``WARC-Date``, set by the importer), the saved page's
own header (SingleFile writes ``saved date: …``), the date the user gives with
``--retrieved``, else the word ``unknown``, never an empty field that reads as an oversight.
A browser's ``<!-- saved from url=(…) -->`` comment names the address but no date, so such a
page needs ``--retrieved``; the file's modification time is not used, as copying changes it.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from bundler.model import PIECE_FILE, Piece

UNKNOWN = "unknown"
_SINGLEFILE_DATE = re.compile(r"Page saved with SingleFile.{0,2000}?saved date:\s*([^\n\r]+?)\s*(?:\n|\r|-->)", re.I | re.S)
_JS_DATE = re.compile(r"^\w{3} (\w{3} \d{1,2} \d{4} \d{2}:\d{2}:\d{2}) GMT([+-]\d{4})")
_HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml")


def with_retrieval(piece: Piece, path: Path, given: str = "") -> Piece:
    """``piece`` with ``provenance.retrieved`` filled: kept if the importer set it, else found or given, else unknown.

    A stored ``piece.json`` is read back as written: its provenance was settled when it was imported.
    """
    if piece.provenance.retrieved or path.name == PIECE_FILE:
        return piece
    found = saved_date(path) or given or UNKNOWN
    return replace(piece, provenance=replace(piece.provenance, retrieved=found))


def saved_date(path: Path) -> str:
    """The date a saved page's own header records (SingleFile), as ISO 8601 UTC; "" when it records none."""
    if not path.name.lower().endswith(_HTML_SUFFIXES):
        return ""
    try:
        with path.open("rb") as handle:
            head = handle.read(16384).decode("utf-8", "replace")
    except OSError:
        return ""
    match = _SINGLEFILE_DATE.search(head)
    return _iso(match.group(1)) if match else ""


def _iso(text: str) -> str:
    """``Tue Dec 01 2026 10:00:00 GMT+0100 (…)`` (JavaScript's Date) or an ISO date -> ``2026-12-01T09:00:00Z``."""
    match = _JS_DATE.match(text.strip())
    try:
        if match:
            moment = datetime.strptime(f"{match.group(1)} {match.group(2)}", "%b %d %Y %H:%M:%S %z")
        else:
            moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
    except ValueError:
        return text.strip()[:64]  # kept as the page wrote it: still the page's own word, not a guess
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def checked_date(text: str) -> str:
    """A ``--retrieved`` value as ISO 8601 (date or UTC datetime); ``ValueError`` when it is not one."""
    text = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        datetime.strptime(text, "%Y-%m-%d")
        return text
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
