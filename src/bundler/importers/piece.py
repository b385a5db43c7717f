"""Cleaned pieces stored on disk: ``<folder>/piece.json`` plus ``<folder>/media/``.

This is what ``bundler import`` writes into a collection and what the build cache holds: the
piece exactly as the importer produced it (``model.to_data``), with its images copied beside
it under content-addressed names, so the folder can be moved, committed or archived whole.
Image paths are stored relative to the folder and made absolute again on reading.
"""

from __future__ import annotations

import json
import mimetypes
import os
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path, PurePosixPath

from bundler.cleaning.stored import sanitise_stored_piece
from bundler.cleaning.wellformed import fragment_problems
from bundler.errors import ImportError_
from bundler.files import plain_mode
from bundler.importers import ImportOptions, Source
from bundler.model import PIECE_FILE, Figure, Piece, map_figures, piece_from_data, to_data
from bundler.text.plain import direction_of, sha256_file

MEDIA_FOLDER = "media"
STORAGE_FORMAT = "bundler-piece"
STORAGE_VERSION = 1
_EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp", "image/svg+xml": ".svg"}


def write_piece(piece: Piece, folder: Path, link_within: Path | None = None) -> Path:
    """Store ``piece`` as ``folder/piece.json`` with its images copied into ``folder/media/``.

    Images already under ``link_within`` (bundler's own cache, whose files are named by their
    content and never changed in place) are hard-linked rather than copied: the import cache
    then holds each photo once, and a cold build does not write 200 MB of photos twice.
    """
    target = folder / PIECE_FILE
    _check_well_formed(piece, target, "cannot be stored")
    folder.mkdir(parents=True, exist_ok=True)

    def store(figure: Figure) -> Figure:
        named = _named_by_content(figure, piece)
        if named is figure:
            return figure
        destination = folder / named.image.path
        if not destination.exists():
            destination.parent.mkdir(parents=True, exist_ok=True)
            _link_or_copy(Path(figure.image.path), destination, link_within)
        return named

    stored = replace(piece, body=map_figures(piece.body, store))
    document = {"format": STORAGE_FORMAT, "version": STORAGE_VERSION, "piece": to_data(stored)}
    _write_text_atomically(target, json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    return target


def stored_piece_data(piece: Piece) -> dict:
    """``piece`` as data exactly as ``write_piece`` stores it: each local image named ``media/<content hash><ext>``.

    Where an import happened to put the image (a temporary folder of the run) never shows, so
    the same page gives the same data in every run."""
    return to_data(replace(piece, body=map_figures(piece.body, lambda figure: _named_by_content(figure, piece))))


def _named_by_content(figure: Figure, piece: Piece) -> Figure:
    """``figure`` with its local image's path the stored, content-addressed ``media/`` name (the file is not copied)."""
    if figure.image is None or not figure.image.path:
        return figure
    original = Path(figure.image.path)
    if not original.is_file():
        raise ImportError_(f"image {original} of piece {piece.title!r} is missing", code="E142", file=str(original))
    digest = figure.image.sha256 or sha256_file(original)
    suffix = _EXTENSIONS.get(figure.image.media_type) or original.suffix.lower() or ".bin"
    name = f"{digest[:32]}{suffix}"
    media_type = figure.image.media_type or mimetypes.guess_type(name)[0] or ""
    return replace(figure, image=replace(figure.image, path=f"{MEDIA_FOLDER}/{name}", sha256=digest, media_type=media_type))


def _check_well_formed(piece: Piece, path: Path, verdict: str) -> None:
    """Refuse a piece whose text is not well-formed XHTML, naming it and the first places at fault."""
    problems = fragment_problems(piece)
    if problems:
        shown = "; ".join(problems[:3]) + (f"; and {len(problems) - 3} more" if len(problems) > 3 else "")
        raise ImportError_(
            f"piece {piece.title!r} ({path.name}) {verdict}: its text is not well-formed XHTML at {shown}",
            code="E143",
            file=str(path),
            hint="fix the markup in that field (every tag closed, no HTML-only entities such as &nbsp;) or re-import the piece",
        )


def _link_or_copy(original: Path, destination: Path, link_within: Path | None) -> None:
    if link_within is not None and original.resolve().is_relative_to(link_within.resolve()):
        try:
            os.link(original, destination)
            return
        except OSError:
            pass  # another file system, or links not allowed: copy
    shutil.copyfile(original, destination)


def _write_text_atomically(target: Path, text: str) -> None:
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.chmod(name, plain_mode())
        os.replace(name, target)
    finally:
        if os.path.exists(name):
            os.unlink(name)


def read_stored_piece(path: Path, options: ImportOptions, *, checked: bool = False) -> Piece:
    """Read a ``piece.json`` written by ``write_piece``; image paths become absolute.

    ``checked``: the caller verified these exact bytes against a record made when they were written
    and found clean (``manifest/cache``'s import cache); the well-formedness check and the sanitiser,
    which they passed then, are not run again. Anything else read here passes both.
    """
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise ImportError_(f"{path.name} is not UTF-8", code="E140", file=str(path)) from exc
    except json.JSONDecodeError as exc:
        raise ImportError_(
            f"{path.name} is not valid JSON: {exc.msg}", code="E140", file=str(path), line=exc.lineno, hint="re-import the piece"
        ) from exc
    if not isinstance(document, dict) or document.get("format") != STORAGE_FORMAT or not isinstance(document.get("piece"), dict):
        raise ImportError_(f"{path.name} is not a bundler piece", code="E140", file=str(path), hint="write it with 'bundler import'")
    if document.get("version", 0) > STORAGE_VERSION:
        raise ImportError_(f"{path.name} was written by a newer bundler (version {document['version']})", code="E141", file=str(path))
    try:
        piece = piece_from_data(document["piece"])
        if not checked:
            _check_well_formed(piece, path, "is damaged")
            piece = sanitise_stored_piece(piece, f"{path.parent.name}/{path.name}")  # the import boundary, at read time too
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ImportError_(f"{path.name} is damaged: {exc}", code="E140", file=str(path), hint="re-import the piece") from exc
    folder = path.parent.resolve()

    def locate(figure: Figure) -> Figure:
        if figure.image is None or not figure.image.path:
            return figure
        relative = PurePosixPath(figure.image.path)
        absolute = (folder / relative).resolve()
        if relative.is_absolute() or folder not in absolute.parents:
            raise ImportError_(f"{path.name}: image path {figure.image.path!r} leaves the piece's folder", code="E142", file=str(path))
        if not absolute.is_file():
            raise ImportError_(
                f"{path.name}: image {figure.image.path!r} is missing", code="E142", file=str(path), hint="re-import the piece"
            )
        return replace(figure, image=replace(figure.image, path=str(absolute)))

    piece = replace(piece, body=map_figures(piece.body, locate))
    if options.language:
        piece = replace(piece, language=options.language, direction=direction_of(options.language))
    return piece


SOURCES = {
    "piece": Source(read=read_stored_piece, suffixes=(PIECE_FILE,), description="a cleaned piece written by 'bundler import'"),
}
