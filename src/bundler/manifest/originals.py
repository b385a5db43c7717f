"""The collection's originals: do their bytes still match what was recorded at import, and
which files in ``sources/`` and ``pieces/`` does no entry use any more?

An original is the evidence a piece was made from; ``bundler import`` records its SHA-256 in
the piece's provenance. A source edited afterwards (by hand, by a sync tool, by someone with
access to the folder) would otherwise pass ``check``, go into a bag, and verify as intact,
since a bag's manifests only prove the files have not changed *since bagging*. Orphans are the
files a removed or replaced piece left behind: they would silently travel into every bag.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from bundler.errors import BundlerError, Problem
from bundler.importers.piece import PIECE_FILE
from bundler.manifest.document import Manifest
from bundler.manifest.events import read_events
from bundler.manifest.schema import named_files
from bundler.text.plain import sha256_file

#: Folders whose files belong to entries; a file there that no entry uses is an orphan.
ENTRY_FOLDERS = ("sources", "pieces")


@dataclass(frozen=True)
class ChangedOriginal:
    """A piece's original whose bytes differ from the SHA-256 recorded when it was imported."""

    entry: str  # the piece.json that recorded it
    source: str  # the original, relative to the collection
    recorded: str
    actual: str


def stored_piece_records(manifest: Manifest) -> dict[str, dict]:
    """``{entry path: provenance}`` of every ``piece.json`` the manifest lists (unreadable ones left out)."""
    root = manifest.root
    found: dict[str, dict] = {}
    for _key, path, role in named_files(manifest):
        if role != "piece" or not path.endswith(PIECE_FILE) or not (root / path).is_file():
            continue
        try:
            provenance = json.loads((root / path).read_text(encoding="utf-8"))["piece"]["provenance"]
        except (OSError, ValueError, KeyError, TypeError):
            continue  # a damaged piece.json is reported by the build's own reading of it
        if isinstance(provenance, dict):
            found[path] = provenance
    return found


def changed_originals(manifest: Manifest) -> list[ChangedOriginal]:
    """Every listed piece whose original is in the collection but no longer has its recorded bytes.

    A piece records its original's SHA-256 itself, except a page read from a WARC, whose
    ``source_sha256`` is the page's own digest: for those the digest of the whole file is the
    one the collection's event log recorded at import (``original_sha256``).
    """
    root = manifest.root
    logged = _logged_file_digests(root)
    changed = []
    for entry, provenance in sorted(stored_piece_records(manifest).items()):
        source = provenance.get("source_path")
        recorded = provenance.get("source_sha256") if holds_file_digest(provenance) else logged.get(entry)
        if not isinstance(source, str) or not isinstance(recorded, str) or not source or not recorded:
            continue
        path = root / source
        if path.is_file() and root.resolve() in path.resolve().parents:
            actual = sha256_file(path)
            if actual != recorded:
                changed.append(ChangedOriginal(entry, source, recorded, actual))
    return changed


def _logged_file_digests(root: Path) -> dict[str, str]:
    """``{entry: SHA-256 of its original file}`` from the latest import or replacement in the event log."""

    found: dict[str, str] = {}
    for entry, events in read_events(root).items():
        for logged in events:
            if isinstance(logged, dict) and logged.get("event") in ("imported", "replaced") and logged.get("original_sha256"):
                found[entry] = str(logged["original_sha256"])
    return found


def refuse_changed_originals(manifest: Manifest, refused: str = "") -> None:
    """Raise ``E636`` naming every listed original whose bytes no longer match its recorded SHA-256.

    ``refused`` says what is not done because of it (``"not bagged"``), for the message. An
    edited original in a dossier kept as evidence must stop the check and the bag, not pass them.
    """
    changed = changed_originals(manifest)
    if not changed:
        return
    tail = f"; {refused}" if refused else ""
    raise BundlerError(
        problems=[
            Problem(
                f"{c.source}: its bytes no longer match the SHA-256 recorded when {c.entry} was imported "
                f"({c.recorded[:12]}..., now {c.actual[:12]}...){tail}",
                code="E636",
                file=str(manifest.root / c.source),
                hint="restore the original from a backup or an earlier bag; if the new bytes are the ones to keep, "
                f"update the piece: bundler import {manifest.root} {c.source} --replace",
            )
            for c in changed
        ]
    )


def holds_file_digest(provenance: dict) -> bool:
    """Whether ``source_sha256`` is the digest of the whole original file (a WARC piece records its page's payload)."""
    return provenance.get("importer") != "warc"


def used_files(manifest: Manifest) -> set[str]:
    """Collection-relative paths that entries use: listed files, pieces' folders, their originals (and ``_files/``)."""
    root = manifest.root
    used = {Path(path).as_posix() for _key, path, _role in named_files(manifest)}
    for entry, provenance in stored_piece_records(manifest).items():
        folder = (root / entry).parent
        used |= {p.relative_to(root).as_posix() for p in folder.rglob("*") if p.is_file()}
        source = provenance.get("source_path")
        if isinstance(source, str) and source:
            used.add(source)
    for path in list(used):  # a saved page's own folder of photos goes with it, and the files it points at
        companion = root / Path(path).with_name(Path(path).stem + "_files")
        if companion.is_dir():
            used |= {p.relative_to(root).as_posix() for p in companion.rglob("*") if p.is_file()}
        used |= local_references(root, path)
    return used


#: ``src="…"``, ``href="…"``, ``poster="…"`` and every URL of a ``srcset`` in a saved page.
_REFERENCE = re.compile(r"""\b(?:src|href|poster|data-src)\s*=\s*["']([^"'#?]+)""", re.IGNORECASE)
_SRCSET = re.compile(r"""\bsrcset\s*=\s*["']([^"']+)""", re.IGNORECASE)
#: Larger pages are not searched for references (a saved page is rarely above a few megabytes).
MAX_SCANNED_BYTES = 16 * 2**20


def local_references(root: Path, path: str) -> set[str]:
    """Files inside the collection that a saved HTML original points at by a relative address."""
    page = root / path
    if page.suffix.lower() not in (".html", ".htm", ".xhtml") or not page.is_file() or page.stat().st_size > MAX_SCANNED_BYTES:
        return set()
    text = page.read_bytes().decode("utf-8", errors="replace")
    addresses = _REFERENCE.findall(text) + [c.split()[0] for s in _SRCSET.findall(text) for c in s.split(",") if c.split()]
    found = set()
    for address in addresses:
        if ":" in address or address.startswith("/"):
            continue  # remote, data: or absolute: not a file beside the page
        target = (page.parent / unquote(address)).resolve()
        if target.is_file() and root.resolve() in target.parents:
            found.add(target.relative_to(root.resolve()).as_posix())
    return found


def orphan_files(manifest: Manifest) -> list[str]:
    """Files under ``sources/`` and ``pieces/`` that no entry uses, sorted."""
    root = manifest.root
    used = used_files(manifest)
    present = {p.relative_to(root).as_posix() for name in ENTRY_FOLDERS if (root / name).is_dir() for p in (root / name).rglob("*")}
    return sorted(p for p in present if p not in used and (root / p).is_file())
