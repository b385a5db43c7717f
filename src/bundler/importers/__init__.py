"""Importers: one module per source format, each turning a file into a ``Piece``.

Each module declares ``SOURCES = {name: Source(...)}``. ``read_piece`` picks the source by
file name and content, so callers never need to know which importer ran.
"""

from __future__ import annotations

import errno
import stat
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from bundler.cache import DamageLog
from bundler.cleaning.blocks import unlink_relative, unlink_relative_embeds
from bundler.cleaning.headings import normalise_headings
from bundler.cleaning.wellformed import map_fragments, repair_piece
from bundler.errors import ImportError_
from bundler.importers.retrieval import with_retrieval
from bundler.model import Block, Piece
from bundler.registry import collect
from bundler.text.plain import slugify

#: Bumped when ``finish_piece`` changes what it makes of a piece: cached imports are then redone.
FINISH_VERSION = 4


@dataclass(frozen=True)
class ImportOptions:
    """What an importer needs beyond the file itself."""

    media_dir: Path | None = None  # where extracted images are written; None: keep in memory/temp
    base_url: str = ""  # resolve relative links against this when the page has no canonical URL
    language: str = ""  # override the detected language
    source_label: str = ""  # the path to record in provenance (relative to the collection)
    urls: tuple[str, ...] = ()  # for archives holding many pages (WARC): import only these pages
    retrieved: str = ""  # when the user retrieved the sources (--retrieved), for pages that do not say
    #: Where damaged photos met in ``media_dir`` are reported (W701): the import worker's log. Not an input.
    damage: DamageLog = field(default_factory=DamageLog, compare=False, repr=False)


@dataclass(frozen=True)
class Source:
    """An input format: which files it claims and how to read one."""

    read: Callable[[Path, ImportOptions], Piece]
    suffixes: tuple[str, ...] = ()
    sniff: Callable[[bytes], bool] | None = None  # recognise content regardless of suffix
    read_all: Callable[[Path, ImportOptions], list[Piece]] | None = None  # many pieces per file
    description: str = ""
    extra: dict = field(default_factory=dict)


@cache
def sources() -> dict[str, Source]:
    """Every registered source format, by name."""
    import bundler.importers as package

    return {name: _finishing(source) for name, source in collect(package, "SOURCES").items()}


def finish_piece(piece: Piece) -> Piece:
    """The last step of every importer: well-formed fragments, a clean heading outline, a slug that is an XML name.

    Idempotent, so a stored piece read back passes through unchanged.
    """
    piece = map_fragments(repair_piece(piece), unlink_relative)
    body = normalise_headings(unlink_relative_embeds(piece.body))
    return replace(piece, body=body, slug=slugify(piece.slug or piece.title))


def finish_blocks(blocks: tuple[Block, ...]) -> tuple[Block, ...]:
    """``finish_piece``'s safety steps for blocks outside a piece (a section's intro): well-formed
    fragments, and no link or embed that points at a file the book does not hold (EPUBCheck RSC-007)."""
    holder = map_fragments(repair_piece(Piece(title="", body=tuple(blocks))), unlink_relative)
    return unlink_relative_embeds(holder.body)


def _finishing(source: Source) -> Source:
    """``source`` whose readers hand back finished pieces, whichever importer ran."""

    read, read_all = source.read, source.read_all

    def finished(piece: Piece, path: Path, options: ImportOptions) -> Piece:
        return with_retrieval(finish_piece(piece), path, options.retrieved)

    finished_all = (lambda path, options: [finished(p, path, options) for p in read_all(path, options)]) if read_all else None
    return replace(source, read=lambda path, options: finished(read(path, options), path, options), read_all=finished_all)


def find_source(path: Path) -> tuple[str, Source]:
    """Choose the importer for ``path`` by its suffix, then by sniffing its first bytes."""
    name = path.name.lower()
    candidates = [(n, s) for n, s in sources().items() if any(name.endswith(x) for x in s.suffixes)]
    if candidates:
        # the longest matching suffix wins, so "piece.json" beats ".json"
        return max(candidates, key=lambda c: max(len(x) for x in c[1].suffixes if name.endswith(x)))
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError as exc:
        raise ImportError_(f"cannot read {path}: {exc.strerror}", code="E104", file=str(path)) from exc
    for n, s in sources().items():
        if s.sniff and s.sniff(head):
            return n, s
    known = ", ".join(sorted({x for s in sources().values() for x in s.suffixes}))
    raise ImportError_(
        f"no importer for {path.name}",
        code="E103",
        file=str(path),
        hint=f"bundler reads {known}; rename the file or convert it",
    )


def missing_file(path: Path) -> ImportError_:
    """The error for a source that is not there: a symbolic link that loops or leads nowhere says so (not "not found")."""
    if path.is_symlink():
        try:
            path.resolve(strict=True)
        except RuntimeError:  # Python before 3.13 reports a loop so
            return ImportError_(
                f"{path} is a symbolic link that loops back on itself",
                code="E830",
                file=str(path),
                hint="remove the link, or point it at a real file",
            )
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                return ImportError_(
                    f"{path} is a symbolic link that loops back on itself",
                    code="E830",
                    file=str(path),
                    hint="remove the link, or point it at a real file",
                )
        return ImportError_(
            f"{path} is a symbolic link to a file that does not exist", code="E101", file=str(path), hint="point the link at a real file"
        )
    return ImportError_(f"file not found: {path}", code="E101", file=str(path))


def read_piece(path: str | Path, options: ImportOptions | None = None) -> Piece:
    """Import one source file into a clean ``Piece`` (the public API behind ``extract``)."""
    path = Path(path)
    if not path.exists():
        raise missing_file(path)
    if path.is_dir():
        raise ImportError_(f"{path} is a folder; use read_pieces() for folders", code="E105", file=str(path))
    refuse_special_file(path)
    _name, source = find_source(path)
    return source.read(path, options or ImportOptions())


def refuse_special_file(path: Path) -> None:
    """Refuse a FIFO, socket or device before reading it: a read would block forever or never end."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise ImportError_(f"cannot read {path}: {exc.strerror}", file=str(path), code="E104") from exc
    if not stat.S_ISREG(mode):
        kind = (
            "a FIFO"
            if stat.S_ISFIFO(mode)
            else "a device"
            if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "a socket or other special file"
        )
        raise ImportError_(
            f"{path} is {kind}, not a regular file", file=str(path), code="E107", hint="save the page or archive to a file and give that"
        )


def read_pieces(target: str | Path, options: ImportOptions | None = None) -> list[Piece]:
    """Import every source under a folder, matching a glob, or one file; in sorted path order.

    A browser's ``page_files/`` folder belongs to its page and is not imported on its own.
    """
    return [read_piece(p, options) for p in find_sources(target)]


def is_pattern(target: str) -> bool:
    """True when ``target`` is a glob (``pages/*.html``) rather than one path."""
    return any(ch in target for ch in "*?[")


def find_sources(target: str | Path) -> list[Path]:
    """The files a folder, glob or file names, in sorted path order; ``E106`` when a folder or glob names none.

    A folder gives every file an importer reads; a browser's ``page_files/`` folder belongs to
    its page and is not imported on its own. One file is given back as it is (its reader reports
    a missing file).
    """
    target_text = str(target)
    path = Path(target_text)
    if is_pattern(target_text):
        parts = path.parts
        first = next(i for i, part in enumerate(parts) if is_pattern(part))
        anchor = Path(*parts[:first]) if first else Path(".")
        files = sorted(p for p in anchor.glob(str(Path(*parts[first:]))) if p.is_file() and not _in_saved_files(p, anchor))
    elif path.is_dir():
        suffixes = {x for s in sources().values() for x in s.suffixes}
        files = sorted(
            p for p in path.rglob("*") if p.is_file() and p.name.lower().endswith(tuple(suffixes)) and not _in_saved_files(p, path)
        )
    else:
        return [path]
    if not files:
        raise ImportError_(
            f"nothing to import at {target_text}",
            code="E106",
            file=target_text,
            hint="give a file, a folder or a glob such as 'pages/*.html'",
        )
    return files


def saved_page_of(folder: Path) -> Path | None:
    """The saved page whose ``page_files/`` folder ``folder`` is, or None.

    A browser saves ``page.html`` with its photos and scripts in ``page_files/`` beside it; a
    shell glob such as ``sources/*`` names both, and the folder is the page's, not a source.
    """
    if not folder.name.endswith("_files") or not folder.is_dir():
        return None
    stem = folder.name[: -len("_files")]
    pages = (folder.with_name(stem + suffix) for suffix in sources()["html"].suffixes)
    return next((page for page in pages if page.is_file()), None)


def _in_saved_files(path: Path, top: Path) -> bool:
    return any(part.endswith("_files") for part in path.relative_to(top).parts[:-1])
