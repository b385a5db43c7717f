"""``bundler remove`` and ``bundler move``: the editor's changes to a collection, comments kept.

``remove`` takes the entry out of ``collection.yaml`` and deletes its files (its piece folder,
its original) unless another entry uses them: those stay, and a warning names the entries.
``move`` puts an entry in another section, or elsewhere in its own, before or after another.
Both are logged in the collection's ``provenance.json``.
"""

from __future__ import annotations

from bundler.commands import Command
from bundler.errors import Problem


def add_remove_arguments(parser) -> None:
    parser.add_argument("collection", help="collection folder (or its collection.yaml)")
    parser.add_argument(
        "piece", metavar="PIECE", help="the entry as `bundler list` shows it (pieces/<slug>/piece.json), its slug, or its original"
    )


def add_move_arguments(parser) -> None:
    parser.add_argument("collection", help="collection folder (or its collection.yaml)")
    parser.add_argument("piece", metavar="PIECE", help="the entry, its slug, or its original")
    parser.add_argument("--to", required=True, metavar="SECTION", help="the title of the section to move it to (its own, to reorder)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--before", metavar="OTHER", help="put it just before this piece of the section")
    where.add_argument("--after", metavar="OTHER", help="put it just after this piece of the section")


def add_refresh_arguments(parser) -> None:
    parser.add_argument("collection", help="collection folder (or its collection.yaml)")
    parser.add_argument("piece", metavar="PIECE", help="the entry, its slug, or its original")
    parser.add_argument("path", metavar="PATH", help="the newer copy of the page (or file) to update it from")
    parser.add_argument("--allow-empty", action="store_true", help="accept a page whose article came out empty (refused otherwise)")


def run_refresh(args, ui) -> int:
    """Update PIECE from PATH, whatever PATH is called: the earlier original and piece go to ``history/``."""
    import tempfile
    from pathlib import Path

    from bundler.commands._warnings import empty_body_refusals as refusals
    from bundler.commands._warnings import show_piece_warnings
    from bundler.errors import BundlerError, ImportError_
    from bundler.importers import ImportOptions, read_piece
    from bundler.manifest.editor import clean_again, find_entry, replace_piece
    from bundler.manifest.originals import stored_piece_records
    from bundler.text.plain import sha256_file

    manifest = _load(args.collection)
    entry = find_entry(manifest, args.piece)
    source = Path(args.path)
    if not source.is_file():
        raise BundlerError(f"file not found: {source}", code="E101", file=args.path, hint="give the newer copy of the page")
    recorded = stored_piece_records(manifest).get(entry, {}).get("source_sha256")
    with tempfile.TemporaryDirectory(prefix="bundler-refresh-") as media:
        if recorded and recorded == sha256_file(source):  # its own original again: cleaned anew by this bundler
            again = clean_again(manifest.root, entry, source, args.path, Path(media))
            if again is None:
                ui.say(f"{entry} comes out the same from {source} with this bundler; left as it is")
                return 0
            source, piece = again
        else:
            piece = read_piece(source, ImportOptions(media_dir=Path(media), source_label=source.name))
        refused = refusals(piece, args.path, args.allow_empty)
        if refused:
            raise ImportError_(problems=refused)
        done = replace_piece(manifest, entry, source, piece)
    ui.say(done.said(piece.title, source, verb="refreshed"))
    show_piece_warnings(ui, entry, piece.provenance.warnings)
    return 0


def run_remove(args, ui) -> int:
    from bundler.manifest.edit import remove_piece
    from bundler.manifest.editor import delete_files, find_entry, log_edit, removable_files

    manifest = _load(args.collection)
    entry = find_entry(manifest, args.piece)
    text, emptied = remove_piece(manifest.text, entry, str(manifest.path))
    doomed, shared = removable_files(manifest, entry, _edited(manifest, text))
    _write_manifest(manifest, text)
    delete_files(manifest.root, doomed)
    log_edit(manifest.root, entry, "removed", deleted=doomed, kept_shared=sorted(shared))
    ui.say(f"removed {entry} from {manifest.path}" + (f"; deleted {len(doomed)} file(s)" if doomed else ""))
    for path, users in shared.items():
        ui.problem(Problem(f"{path} is also used by {', '.join(users)}; kept", code="W631", file=str(manifest.root / path)))
    if emptied:
        _warn_emptied(ui, manifest)
    return 0


def run_move(args, ui) -> int:
    from bundler.manifest.edit import move_piece, piece_sources
    from bundler.manifest.editor import find_entry, log_edit

    manifest = _load(args.collection)
    entry = find_entry(manifest, args.piece)
    other = find_entry(manifest, args.before or args.after) if (args.before or args.after) else None
    before, after = (other, None) if args.before else (None, other)
    old_section = next(title for title, source in piece_sources(manifest.text) if source == entry)
    text, emptied = move_piece(manifest.text, entry, args.to, before=before, after=after, file=str(manifest.path))
    _write_manifest(manifest, text)
    new_section = next(title for title, source in piece_sources(text) if source == entry)
    log_edit(manifest.root, entry, "moved", from_section=old_section, to_section=new_section, before=before or "", after=after or "")
    place = f" before {before}" if before else f" after {after}" if after else ""
    ui.say(f"moved {entry} to section {new_section!r}{place}")
    if emptied:
        _warn_emptied(ui, manifest, old_section)
    return 0


def _load(collection: str):
    from bundler.manifest.loader import load_manifest

    return load_manifest(collection, validate=False)


def _edited(manifest, text: str):
    """The manifest as it will be once ``text`` is written (for what the remaining entries use)."""
    import yaml

    from bundler.manifest.document import Manifest

    return Manifest(path=manifest.path, data=yaml.safe_load(text) or {}, text=text)


def _write_manifest(manifest, text: str) -> None:
    from bundler.files import write_atomically

    write_atomically(manifest.path, lambda tmp: tmp.write_text(text, encoding="utf-8", newline=""))


def _warn_emptied(ui, manifest, title: str = "") -> None:
    which = f"section {title!r}" if title else "its section"
    ui.problem(
        Problem(
            f"{which} has no pieces now (written as 'pieces: []'); the collection does not build until you add one or delete the section",
            code="W632",
            file=str(manifest.path),
        )
    )


COMMANDS = {
    "remove": Command(
        "take a piece out of a collection: its manifest entry and the files no other entry uses", add_remove_arguments, run_remove
    ),
    "refresh": Command(
        "update a piece from a newer copy of its page; the earlier one is kept under history/", add_refresh_arguments, run_refresh
    ),
    "move": Command("move a piece to another section, or before/after another piece", add_move_arguments, run_move),
}
