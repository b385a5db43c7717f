"""``bundler import``: add articles to a collection as cleaned pieces, keeping the originals.

Every source is imported before anything is written. Then the original is copied byte for
byte under ``sources/`` (a different file never overwrites one with the same name), the
cleaned piece and its media go to ``pieces/<slug>/``, and the entry is added to
``collection.yaml`` as text so the editors' comments and layout survive.

The writing is one step that either completes or leaves the collection as it was: each file
and folder is written under a temporary name and renamed into place, and when the import
fails or is interrupted before ``collection.yaml`` names the new pieces, every original and
piece it had put in place is removed again. Otherwise a full disk or Ctrl-C left a truncated
original under its final name, which the next import of the same page then had to avoid
(``sources/page-2.html``), so an import run again did not give what one clean import gives.

A URL is captured first (``commands/_capture.py``): the WARC written is the original kept in
``sources/``, and the piece is read from it like any archived page.
"""

from __future__ import annotations

import filecmp
import json
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from bundler import interrupts
from bundler.build.leftovers import sweep_import_parts
from bundler.capture import is_url
from bundler.commands import Command
from bundler.commands._capture import base_url_option, capture_options, capture_piece, given_inputs, retrieved_option
from bundler.commands._warnings import empty_body_refusals as refusals
from bundler.commands._warnings import show_piece_warnings
from bundler.errors import BundlerError, ImportError_, Problem, naming, shown
from bundler.files import WrittenPaths, copy_file_atomically, copy_folder_atomically, part_prefix, write_atomically
from bundler.importers import ImportOptions, find_source, missing_file, read_piece
from bundler.importers.piece import PIECE_FILE
from bundler.manifest.events import append_events, capture_event, import_event
from bundler.text.plain import sha256_file, slugify

if TYPE_CHECKING:
    from bundler.model import Piece


def add_arguments(parser) -> None:
    parser.add_argument("collection", help="collection folder (or its collection.yaml)")
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="article files (HTML, text, Markdown, a WARC web archive), folders, globs such as 'saved/*.html', or http(s) URLs to capture",
    )
    parser.add_argument(
        "--from", dest="from_file", metavar="FILE", help="a list of URLs and paths, one a line ('#' comments and blank lines allowed)"
    )
    parser.add_argument("--render", action="store_true", help="capture URLs as a headless Chromium renders them, with a screenshot")
    parser.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS", help="give up on a URL after this long (default 30)")
    parser.add_argument(
        "--max-size",
        type=float,
        default=16.0,
        metavar="MB",
        help="refuse a captured page, and leave out an image, larger than this (default 16)",
    )
    parser.add_argument(
        "--retrieved", default="", metavar="DATE", help="when the given files were saved from the web (ISO date), for pages that do not say"
    )
    parser.add_argument("--section", help="section title to add to (created if missing; default: the last section)")
    parser.add_argument("--base-url", default="", help="resolve relative links against this URL")
    parser.add_argument("--url", action="append", default=[], dest="urls", help="from a WARC, import only this page (repeatable)")
    parser.add_argument(
        "--replace",
        action="store_true",
        help="update the piece that came from the same source URL (or file name) from this newer file, or clean a page "
        "already imported byte for byte again with this bundler; the earlier original and piece are kept under history/",
    )
    parser.add_argument(
        "--allow-empty",
        action="store_true",
        help="import a page even when its article came out empty or far smaller than the page's text (it is refused otherwise)",
    )


def unused_path(wanted: Path, same_as: Path | None = None, reserved: dict[Path, Path] | None = None) -> Path:
    """``wanted``, or ``wanted-2``, ``-3``...: never a name that holds (or will hold) different content."""
    reserved = reserved or {}
    candidate, number = wanted, 2
    while candidate.exists() or candidate in reserved:
        holder = reserved.get(candidate, candidate)
        if same_as is not None and holder.is_file() and filecmp.cmp(holder, same_as, shallow=False):
            return candidate
        candidate = (
            wanted.with_name(f"{wanted.stem}-{number}{wanted.suffix}") if wanted.suffix else wanted.with_name(f"{wanted.name}-{number}")
        )
        number += 1
    return candidate


def _original_place(root: Path, source: Path, reserved: dict[Path, Path]) -> tuple[Path, list[tuple[Path, Path]]]:
    """Where the original will live (where it is if already inside the collection, else ``sources/NAME``), and its companions.

    A page saved "complete" by a browser has its photos in ``NAME_files/`` beside it; that folder
    goes with it, under the same relative name, so the original can be opened with its photos.
    When ``sources/NAME`` is taken, such a page goes into a folder of its own rather than being
    renamed, because its links name ``NAME_files/``.
    """
    real = source.resolve()
    if root in real.parents:
        return real, []
    files = saved_files_folder(source)
    if files is None:
        return unused_path(root / "sources" / source.name, same_as=source, reserved=reserved), []
    place = root / "sources" / source.name
    if place.exists() or place in reserved or (place.parent / files.name).exists():
        place = unused_path(root / "sources" / source.stem) / source.name
    return place, [(files, place.parent / files.name)]


def _refuse_undecodable_name(source: Path) -> None:
    """A file whose name is not UTF-8 (a Latin-1 name from an old disk) cannot be named in the UTF-8 manifest
    or in piece.json, where it ended in a UnicodeEncodeError traceback: the user renames it first."""
    try:
        str(source).encode("utf-8")
    except UnicodeEncodeError:
        shown = str(source).encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        raise BundlerError(
            f"the name of {shown} is not valid UTF-8, so the collection cannot record it",
            code="E832",
            file=shown,
            hint="rename the file (or its folder) to a UTF-8 name, e.g. with: convmv -f latin1 -t utf-8 --notest FILE",
        ) from None


def _refuse_control_characters_in_name(source: Path) -> None:
    """A file whose name holds a control character (a newline, ESC, DEL) cannot be recorded: the manifest
    refuses control characters in its values (E833), and a terminal or another tool would be handed them."""
    bad = _CONTROL_IN_NAME.search(source.name)
    if bad:
        name = shown(str(source), lines=False)
        raise BundlerError(
            f"the name of {name} holds the control character {shown(bad.group(), lines=False)}, which the collection cannot record",
            code="E835",
            file=name,
            hint="rename the file without it",
        )


#: C0 controls (tab and line ends included: a name is one line), DEL and C1 controls.
_CONTROL_IN_NAME = re.compile("[\x00-\x1f\x7f-\x9f]")


def not_a_regular_file(source: Path, text: str) -> BundlerError:
    """E101 for a device, a pipe or a socket given as a source: "file not found" said the wrong thing of /dev/zero."""
    return BundlerError(
        f"{source} is not a regular file (a device, a pipe or a socket)",
        code="E101",
        file=text,
        hint="give an article file, a folder or a URL",
    )


def saved_files_folder(page: Path) -> Path | None:
    """The ``NAME_files/`` folder a browser saved beside ``NAME.html``, if there is one."""
    folder = page.with_name(f"{page.stem}_files")
    return folder if folder.is_dir() else None


def run(args, ui) -> int:
    from bundler.manifest.edit import add_pieces
    from bundler.manifest.editor import clean_again, stored_the_same
    from bundler.manifest.loader import load_manifest, read_manifest_text
    from bundler.manifest.schema import named_files

    manifest = load_manifest(args.collection, validate=False)
    retrieved = retrieved_option(args.retrieved)
    args.base_url = base_url_option(args.base_url)
    inputs = given_inputs(args.paths, args.from_file)
    if any(is_url(text) for text in inputs):
        capture_options(args)  # before anything is read or fetched
    root = manifest.root.resolve()
    listed = {(root / path).resolve() for _key, path, _role in named_files(manifest)}
    imported = _imported_sources(root, listed)
    imported_pages = _imported_pages(root, listed)
    staged: list[tuple[Path, Path, Piece]] = []
    replacing: list[tuple[str, Path, Piece]] = []
    refused: list[Problem] = []
    reserved: dict[Path, Path] = {}
    companions: dict[Path, list[tuple[Path, Path]]] = {}
    with tempfile.TemporaryDirectory(prefix="bundler-import-") as media:
        for number, text in enumerate(inputs, 1):
            ui.note(f"importing {number}/{len(inputs)}: {text}")
            if is_url(text):
                source, original, piece, kept = capture_piece(
                    text, args, root, Path(media), lambda warc: _original_place(root, warc, reserved)[0]
                )
                if (piece.provenance.source_sha256, piece.source_url) in imported_pages:
                    ui.problem(Problem(f"{piece.source_url} is already in the collection, unchanged; skipped", code="N150", file=text))
                    continue
                reserved[original] = source
                companions[original] = kept
                refused += refusals(piece, text, args.allow_empty)
                staged.append((source, original, piece))
                continue
            source = Path(text)
            if not source.is_file():
                raise missing_file(source) if not source.exists() else not_a_regular_file(source, text)
            _refuse_undecodable_name(source)
            _refuse_control_characters_in_name(source)
            original, kept = _original_place(root, source, reserved)
            companions[original] = kept
            reserved[original] = source
            options = ImportOptions(
                media_dir=Path(media),
                base_url=args.base_url,
                source_label=original.relative_to(root).as_posix(),
                urls=tuple(args.urls),
                retrieved=retrieved,
            )
            _name, format_ = find_source(source)
            if format_.read_all is not None:  # an archive of many pages: each page not yet imported becomes a piece
                pages = format_.read_all(source, options)
                fresh = [p for p in pages if (p.provenance.source_sha256, p.source_url) not in imported_pages]
                entries = _entries_by_page(manifest) if args.replace and len(fresh) < len(pages) else {}
                for piece in pages:
                    if piece in fresh:
                        continue
                    entry = entries.get((piece.provenance.source_sha256, piece.provenance.source_url))
                    if entry and not stored_the_same(root, entry, piece):  # --replace: the archived page cleaned again
                        refused += refusals(piece, text, args.allow_empty)
                        replacing.append((entry, source, piece))
                        continue
                    left = "comes out the same with this bundler; left as it is" if entry else "is already in the collection; skipped"
                    ui.problem(Problem(f"{piece.source_url or piece.title} {left}", code="N150", file=text))
                refused += [r for piece in fresh for r in refusals(piece, text, args.allow_empty)]
                staged += [(source, original, piece) for piece in fresh]
                continue
            earlier = imported.get(sha256_file(source)) or (original.relative_to(root).as_posix() if original.resolve() in listed else "")
            if earlier and args.replace and earlier.endswith(PIECE_FILE):  # the same bytes: clean the page again
                again = clean_again(root, earlier, source, text, Path(media), base_url=args.base_url, retrieved=retrieved)
                if again is None:
                    ui.problem(
                        Problem(f"{earlier} comes out the same from {source} with this bundler; left as it is", code="N150", file=text)
                    )
                else:
                    refused += refusals(again[1], text, args.allow_empty)
                    replacing.append((earlier, *again))
                continue
            if earlier:
                raise BundlerError(
                    f"{source} is already in the collection as {earlier}, byte for byte",
                    code="E102",
                    file=text,
                    hint="list each piece once; to clean it again with this version of bundler, add --replace; "
                    "to take a newer copy of the page, import that file with --replace",
                )
            piece = read_piece(source, options)
            refused += refusals(piece, text, args.allow_empty)
            same = _same_source(manifest, piece, source, text, args.replace)
            if same:
                replacing.append((same, source, piece))
                continue
            staged.append((source, original, piece))
        if refused:
            raise ImportError_(problems=refused)
        written = WrittenPaths()
        for folder in (root / "sources", root / "pieces"):
            sweep_import_parts(folder)  # the temporary files and folders of imports killed while writing
        try:
            entries = _write_pieces(root, staged, companions, written)
            _replace_pieces(manifest, replacing, ui)
            if entries:
                text = add_pieces(read_manifest_text(manifest.path), entries, args.section, str(manifest.path))
                with interrupts.held():  # the manifest and its events: both, or (an interrupt before them) neither
                    write_atomically(manifest.path, lambda tmp: tmp.write_text(text, encoding="utf-8", newline=""))
                    written.commit()
                    append_events(root, _import_events(root, entries, staged))
        except BaseException:
            written.undo()
            raise
    if not entries:
        if not replacing:
            ui.say("nothing new to import")
        return 0
    for entry, (_source, original, piece) in zip(entries, staged, strict=True):
        ui.say(f"added {entry} ({piece.title}; original kept as {original.relative_to(root).as_posix()})")
        show_piece_warnings(ui, entry, piece.provenance.warnings)
    return 0


def _entries_by_page(manifest) -> dict[tuple, str]:
    """(page bytes' SHA-256, page URL) -> the stored piece that came from that very page of an archive (read once
    for the whole archive; the first entry in order where two came from one page)."""
    from bundler.manifest.originals import stored_piece_records

    found: dict[tuple, str] = {}
    for entry, provenance in sorted(stored_piece_records(manifest).items()):
        found.setdefault((provenance.get("source_sha256"), provenance.get("source_url")), entry)
    return found


def _same_source(manifest, piece: Piece, source: Path, given: str, replace: bool) -> str | None:
    """The entry this page updates (with ``--replace``); without it, a re-import of the same page is refused."""
    from bundler.manifest.editor import same_source_entry

    same = same_source_entry(manifest, piece, source.name)
    if same and not replace:
        what = f"the same page ({piece.source_url})" if piece.source_url else f"a file named {source.name}"
        raise BundlerError(
            f"{given}: {same} already comes from {what}; not added again as a second piece",
            code="E633",
            file=given,
            hint=f"to update that piece from this newer file (the earlier original is kept under history/): "
            f"bundler import {manifest.root} {given} --replace",
        )
    if replace and not same:
        raise BundlerError(
            f"{given}: --replace, but no piece in the collection comes from {piece.source_url or source.name}",
            code="E634",
            file=given,
            hint="import it without --replace to add it as a new piece",
        )
    return same


def _replace_pieces(manifest, replacing: list[tuple[str, Path, Piece]], ui) -> None:
    from bundler.manifest.editor import replace_piece

    for entry, source, piece in replacing:
        done = replace_piece(manifest, entry, source, piece)
        ui.say(done.said(piece.title, source))
        show_piece_warnings(ui, entry, piece.provenance.warnings)


def _imported_sources(root: Path, listed: set[Path]) -> dict[str, str]:
    """SHA-256 of each listed piece's original -> the piece's path, to refuse importing one twice."""
    found: dict[str, str] = {}
    for path in listed:
        if path.name == PIECE_FILE and path.is_file():
            try:
                digest = json.loads(path.read_text(encoding="utf-8"))["piece"]["provenance"]["source_sha256"]
            except (ValueError, KeyError, TypeError):
                continue
            found[digest] = path.relative_to(root).as_posix()
        elif path.is_file():
            found[sha256_file(path)] = path.relative_to(root).as_posix()
    return found


def _imported_pages(root: Path, listed: set[Path]) -> set[tuple[str, str]]:
    """(original's SHA-256, page URL) of every stored piece, so an archive's pages are imported once each."""
    found: set[tuple[str, str]] = set()
    for path in listed:
        if path.name == PIECE_FILE and path.is_file():
            try:
                piece = json.loads(path.read_text(encoding="utf-8"))["piece"]
                found.add((piece["provenance"]["source_sha256"], piece.get("source_url", "")))
            except (ValueError, KeyError, TypeError):
                continue
    return found


def _import_events(root: Path, entries: list[str], staged: list[tuple[Path, Path, Piece]]) -> list[tuple[str, dict]]:
    """The log's events for the pieces just added: the capture (when bundler fetched the page), then the import."""
    logged: list[tuple[str, dict]] = []
    for entry, (_s, original, piece) in zip(entries, staged, strict=True):
        digest = sha256_file(original)
        if piece.provenance.requested_url:  # bundler fetched it: the capture is its own event, before the import
            logged.append((entry, capture_event(piece.provenance, original.relative_to(root).as_posix(), digest)))
        logged.append((entry, import_event("imported", piece.provenance, original_sha256=digest)))
    return logged


def copy_companion(source: Path, original: Path, written: WrittenPaths, root: Path) -> None:
    """A saved page's ``NAME_files/`` folder (its photos, styles) goes beside its kept original, so the page can be opened whole."""
    companion = source.with_name(source.stem + "_files")
    target = original.with_name(source.stem + "_files")
    if companion.is_dir() and not target.exists() and companion.resolve() != target.resolve():
        written.add(target, root)
        copy_folder_atomically(companion, target)


def _write_pieces(
    root: Path, staged: list[tuple[Path, Path, Piece]], companions: dict[Path, list[tuple[Path, Path]]], written: WrittenPaths
) -> list[str]:
    """Put each staged original (with its companions) and piece in place, each under a temporary name first; the entries."""
    entries: list[str] = []
    for source, original, piece in staged:
        if not original.exists():
            written.add(original, root)
            copy_file_atomically(source, original)
            copy_companion(source, original, written, root)
        for kept, place in companions.get(original, []):
            if place.exists():
                continue
            written.add(place, root)
            if kept.is_dir():
                copy_folder_atomically(kept, place)
            else:
                copy_file_atomically(kept, place)
        slug = piece.slug or slugify(source.stem)
        folder = unused_path(root / "pieces" / slug)
        written.add(folder, root)
        _write_piece_folder(piece, folder)
        entries.append((folder / PIECE_FILE).relative_to(root).as_posix())
    return entries


def _write_piece_folder(piece: Piece, folder: Path) -> None:
    """``pieces/<slug>/`` written whole in a temporary folder beside it (piece.json and its media), then renamed."""
    from bundler.importers.piece import write_piece

    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=part_prefix(folder), suffix=".part", dir=folder.parent))
    except OSError as exc:
        raise naming(exc, folder.parent) from exc
    try:
        write_piece(piece, staging / "piece")
        os.rename(staging / "piece", folder)
    except OSError as exc:
        raise naming(exc, folder) from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)


COMMANDS = {"import": Command("add articles to a collection as cleaned pieces", add_arguments, run)}
