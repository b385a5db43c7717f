"""The editor's changes to a collection: replace a piece from a newer original, remove one.

Each keeps the evidence straight: a replaced piece's earlier original and piece are moved to
``history/<time>/`` (never deleted), a removed piece's files go only when no other entry uses
them, and every change is an event in the collection's log (``bundler.manifest.events``). The
manifest text is edited by ``manifest.edit``, so the editors' comments stay.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from bundler.errors import BundlerError
from bundler.files import links_leaving
from bundler.importers.piece import PIECE_FILE, stored_piece_data, write_piece
from bundler.manifest.document import Manifest
from bundler.manifest.edit import piece_sources
from bundler.manifest.events import append_events, event, history_folder, import_event
from bundler.manifest.originals import local_references, stored_piece_records, used_files
from bundler.text.plain import sha256_file

if TYPE_CHECKING:
    from bundler.model import Piece


def find_entry(manifest: Manifest, given: str) -> str:
    """The manifest entry ``given`` names: the entry path itself, a piece's slug, or its original's path."""

    entries = [source for _title, source in piece_sources(manifest.text)]
    wanted = given.strip().removeprefix("./")
    if wanted in entries:
        return wanted
    by_slug = [e for e in entries if PurePosixPath(e).parent.name == wanted and e.endswith(PIECE_FILE)]
    by_source = [e for e, p in stored_piece_records(manifest).items() if p.get("source_path") == wanted]
    found = sorted(set(by_slug + by_source))
    if len(found) == 1:
        return found[0]
    raise BundlerError(
        f"no piece {given!r} in {manifest.path}" if not found else f"{given!r} names several pieces: {', '.join(found)}",
        code="E630",
        file=str(manifest.path),
        hint="name it as `bundler list` shows it, e.g. pieces/<slug>/piece.json",
    )


def same_source_entry(manifest: Manifest, piece: Piece, file_name: str) -> str | None:
    """The stored piece that came from the same page (same source URL) or, without URLs, the same file name."""
    url = piece.source_url or piece.provenance.source_url
    for entry, provenance in sorted(stored_piece_records(manifest).items()):
        earlier_url = provenance.get("source_url") or ""
        if url and earlier_url:
            if url == earlier_url:
                return entry
            continue
        if PurePosixPath(str(provenance.get("source_path") or "")).name == file_name:
            return entry
    return None


@dataclass(frozen=True)
class Replacement:
    """What ``replace_piece`` did: the entry updated and where the earlier files were kept."""

    entry: str
    original: str  # the new original, relative to the collection
    kept_in: str  # history/<time>/, relative to the collection
    same_original: bool = False  # the original's bytes were the same: only the piece was cleaned again

    def said(self, title: str, source: Path, verb: str = "replaced") -> str:
        """What the command tells the user it did."""
        if self.same_original:
            return f"cleaned {self.entry} ({title}) again from its original {self.original}; the earlier piece is kept in {self.kept_in}/"
        return f"{verb} {self.entry} ({title}) from {source}; the earlier original and piece are kept in {self.kept_in}/"


def replace_piece(manifest: Manifest, entry: str, source: Path, piece: Piece) -> Replacement:
    """Update ``entry`` from ``source``: the earlier original and piece go to ``history/``, the new ones take their place.

    When ``source`` holds the very bytes of the entry's original (the same page cleaned again by a
    newer bundler), the original and its ``_files/`` stay where they are and only the earlier piece
    goes to ``history/``: a copy of an unchanged original there would record nothing.
    """
    root = manifest.root
    earlier = stored_piece_records(manifest)[entry]
    label = str(earlier.get("source_path") or f"sources/{source.name}")
    if not _inside(root, root / label):
        label = f"sources/{source.name}"
    same_original = (root / label).is_file() and sha256_file(root / label) == sha256_file(source)
    piece = replace(piece, provenance=replace(piece.provenance, source_path=label))
    folder = (root / entry).parent
    staged = Path(tempfile.mkdtemp(prefix=".replace-", dir=folder.parent))
    try:
        write_piece(piece, staged)
        companion = source.with_name(source.stem + "_files")
        if not same_original:
            shutil.copyfile(source, staged / ".original")  # the source may be the very file set aside next
            if companion.is_dir():
                shutil.copytree(companion, staged / ".companion", symlinks=False, ignore=links_leaving(companion))
        kept = history_folder(root)
        set_aside = (folder,) if same_original else (root / label, (root / label).with_name(Path(label).stem + "_files"), folder)
        for path in set_aside:
            _set_aside(root, path, kept)
        (root / label).parent.mkdir(parents=True, exist_ok=True)
        if not same_original:
            os.replace(staged / ".original", root / label)
        if (staged / ".companion").is_dir():
            os.replace(staged / ".companion", (root / label).with_name(Path(label).stem + "_files"))
        os.replace(staged, folder)
    finally:
        shutil.rmtree(staged, ignore_errors=True)
    kept_in = kept.relative_to(root).as_posix()
    previous = {
        "previous_source_sha256": earlier.get("source_sha256", ""),
        "previous_kept_in": kept_in,
        "original_sha256": sha256_file(root / label),  # the file itself (for a WARC, source_sha256 is the page's digest)
    }
    if same_original:
        previous["same_original"] = True  # cleaned again from the bytes it had: only the piece changed
    append_events(root, [(entry, import_event("replaced", piece.provenance, **previous))])
    return Replacement(entry, label, kept_in, same_original)


def clean_again(
    root: Path, entry: str, source: Path, given: str, media: Path, base_url: str = "", retrieved: str = ""
) -> tuple[Path, Piece] | None:
    """``entry``'s page read again by this bundler from ``source`` (the same bytes as its original), or None if unchanged.

    After an upgrade a user re-imports unchanged pages (``import --replace``, ``refresh``) to have
    them cleaned by the newer rules. The page is read as at its first import: from the
    collection's own copy of the original where it is there (its saved ``_files/`` photos beside
    it), with the base URL and retrieval date the piece recorded unless new ones are given.
    Gives the file read and the piece.
    """
    from bundler.importers import ImportOptions, read_piece

    try:
        stored = json.loads((root / entry).read_text(encoding="utf-8"))["piece"]
        provenance = stored["provenance"]
        label = str(provenance.get("source_path") or "")
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise BundlerError(
            f"{given}: {entry} cannot be read, so it cannot be cleaned again",
            code="E102",
            file=given,
            hint=f"repair or remove {entry} first (bundler check {root} names what is wrong)",
        ) from exc
    kept = root / label if label else None
    if kept is not None and kept.is_file() and _inside(root, kept) and sha256_file(kept) == sha256_file(source):
        source = kept
    known = str(provenance.get("retrieved") or "")
    options = ImportOptions(
        media_dir=media,
        base_url=base_url or str(stored.get("source_url") or ""),
        source_label=label or source.name,
        retrieved=retrieved or (known if known != "unknown" else ""),
    )
    piece = read_piece(source, options)
    return None if _same_as_stored(stored, piece) else (source, piece)


def stored_the_same(root: Path, entry: str, piece: Piece) -> bool:
    """Whether ``piece`` is what ``entry``'s ``piece.json`` already holds (the same page cleaned the same way)."""
    try:
        stored = json.loads((root / entry).read_text(encoding="utf-8"))["piece"]
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return _same_as_stored(stored, piece)


def _same_as_stored(stored, piece: Piece) -> bool:
    """Whether ``piece`` stored would be ``stored`` (a ``piece.json``'s piece), its original's path being the stored one."""
    label = (stored.get("provenance") or {}).get("source_path") if isinstance(stored, dict) else None
    if label:
        piece = replace(piece, provenance=replace(piece.provenance, source_path=label))
    return stored_piece_data(piece) == stored


def removable_files(manifest: Manifest, entry: str, remaining: Manifest) -> tuple[list[str], dict[str, list[str]]]:
    """The entry's files no remaining entry uses, and the shared ones with the entries that use them."""
    root = manifest.root
    mine = _files_of(manifest, entry)
    shared: dict[str, list[str]] = {}
    still_used = used_files(remaining)
    for path in sorted(mine & still_used):
        users = [e for e in _entries(remaining) if path in _files_of(remaining, e)]
        shared[path] = users or ["another file of the manifest"]
    return sorted(p for p in mine - still_used if (root / p).is_file()), shared


def delete_files(root: Path, paths: list[str]) -> None:
    """Delete the files, then any folder under ``pieces/`` or ``sources/`` they leave empty."""
    for path in paths:
        (root / path).unlink(missing_ok=True)
    for path in paths:
        parent = (root / path).parent
        while parent != root and _inside(root, parent) and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent


def log_edit(root: Path, entry: str, kind: str, **fields) -> None:
    """Record a ``moved`` or ``removed`` event for ``entry``."""
    append_events(root, [(entry, event(kind, **fields))])


def _files_of(manifest: Manifest, entry: str) -> set[str]:
    """The entry itself, its piece folder's files and its original (with a saved page's ``_files/``)."""
    root = manifest.root
    found = {entry}
    provenance = stored_piece_records(manifest).get(entry)
    if provenance is not None:
        folder = (root / entry).parent
        found |= {p.relative_to(root).as_posix() for p in folder.rglob("*") if p.is_file()}
        source = provenance.get("source_path")
        if isinstance(source, str) and source and _inside(root, root / source):
            found.add(source)
            found |= local_references(root, source)
            companion = (root / source).with_name(Path(source).stem + "_files")
            if companion.is_dir():
                found |= {p.relative_to(root).as_posix() for p in companion.rglob("*") if p.is_file()}
    return found


def _entries(manifest: Manifest) -> list[str]:

    return [source for _title, source in piece_sources(manifest.text)]


def _set_aside(root: Path, path: Path, kept: Path) -> None:
    if path.exists():
        target = kept / path.relative_to(root)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)


def _inside(root: Path, path: Path) -> bool:
    return root.resolve() in path.resolve().parents
