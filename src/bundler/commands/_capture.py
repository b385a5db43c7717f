"""What ``bundler import`` is given, spelled out: URLs to capture, files, folders, globs, ``--from`` lists.

A URL is captured into a WARC first (``bundler.capture``) and its piece is then read from
that WARC by the ordinary WARC importer, so a captured page and an archived one are imported
the same way; the capture's own facts (asked-for URL, final URL, status, redirects, time,
screenshot) are added to the piece's provenance.
"""

from __future__ import annotations

import math
import os
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

from bundler.capture import CaptureOptions, is_url
from bundler.capture.fetch import capture_url
from bundler.errors import BundlerError, ImportError_
from bundler.importers import ImportOptions, find_sources, is_pattern, saved_page_of, sources
from bundler.importers.retrieval import checked_date
from bundler.model import Piece


def given_inputs(paths: list[str], from_file: str | None) -> list[str]:
    """Every URL and file to import, in the order given: folders and globs expanded, ``--from`` lines read."""
    given = list(paths) + (_listed(Path(from_file)) if from_file else [])
    if not given:
        raise BundlerError(
            "nothing to import", code="E171", hint="give files, folders, globs or URLs, or --from FILE with one of them a line"
        )
    found: list[str] = []
    folders: list[tuple[str, Path]] = []  # saved pages' page_files/ folders, with their pages
    for text in given:
        page = None if is_url(text) else saved_page_of(Path(text))
        if is_url(text):
            found.append(text.strip())
        elif page is not None:
            folders.append((text, page))
        elif is_pattern(text) or Path(text).is_dir():
            found += [str(p) for p in find_sources(text)]
        else:
            found.append(text)
    _check_pages_given(folders, found)
    return found


def _check_pages_given(folders: list[tuple[str, Path]], found: list[str]) -> None:
    """Pass over a saved page's ``page_files/`` folder given with its page; ``E106`` for one given alone.

    A shell glob (``sources/*``) names both the page and its folder; the page reads its folder,
    so the folder is not a source of its own. Given without its page, it is refused with the page
    to give instead.
    """
    if not folders:
        return
    given_pages = {os.path.realpath(text) for text in found if not is_url(text)}  # realpath: a looping link is not an error here
    for text, page in folders:
        if os.path.realpath(page) not in given_pages:
            raise ImportError_(
                f"{text} is the folder of the saved page {page}, not a page of its own",
                code="E106",
                file=text,
                hint=f"import {page}: its photos are read from {Path(text).name}/",
            )


#: A ``--from`` list is read up to this size: tens of thousands of addresses, never a device or a disk image.
MAX_LIST_BYTES = 4 * 2**20


def _listed(path: Path) -> list[str]:
    """The lines of a ``--from`` list; paths in it are relative to the list's folder.

    Read up to MAX_LIST_BYTES (``--from /dev/zero`` was a MemoryError) and refused when it holds
    a NUL (binary, not a list: a NUL in a path was a ValueError deep in ``pathlib``).
    """
    if path.exists() and not path.is_file() and not path.is_dir():  # a pipe would block the import until written to
        raise BundlerError(
            f"cannot read the list {path}: it is not a regular file (a device, a pipe or a socket)",
            code="E171",
            file=str(path),
            hint="give a text file",
        )
    try:
        with path.open("rb") as stream:
            raw = stream.read(MAX_LIST_BYTES + 1)
        if len(raw) > MAX_LIST_BYTES or b"\0" in raw:
            reason = (
                f"it is larger than {MAX_LIST_BYTES // 2**20} MB" if len(raw) > MAX_LIST_BYTES else "it holds NUL bytes, so it is not text"
            )
            raise BundlerError(
                f"cannot read the list {path}: {reason}", code="E171", file=str(path), hint="give a text file, one URL or path a line"
            )
        lines = raw.decode("utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "it is not UTF-8 text"
        raise BundlerError(f"cannot read the list {path}: {reason}", code="E171", file=str(path), hint="give a text file") from exc
    entries = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    if not entries:
        raise BundlerError(f"{path} lists nothing to import", code="E171", file=str(path), hint="one URL or path a line")
    return [e if is_url(e) or Path(e).is_absolute() else str(path.parent / e) for e in entries]


def base_url_option(text: str) -> str:
    """``--base-url`` as given, or ``E175`` when it is not an absolute http(s) address.

    The importers use a base address only when it names a scheme and a host, so ``--base-url
    example.com/news`` (or ``http://[::1``) was ignored without a word and every relative image
    and link stayed unresolved.
    """
    if not text:
        return ""
    try:
        parts = urlsplit(text.strip())
        usable = parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError:
        usable = False
    if not usable:
        raise BundlerError(
            f"--base-url {text!r} is not an absolute web address",
            code="E175",
            hint="give the page's address with its scheme and host, such as https://news.example.org/2026/05/article.html",
        )
    return text.strip()


def retrieved_option(text: str) -> str:
    """``--retrieved`` as ISO 8601, or ``E170`` naming what was given."""
    if not text:
        return ""
    try:
        return checked_date(text)
    except ValueError as exc:
        raise BundlerError(
            f"--retrieved {text!r} is not a date", code="E170", hint="give an ISO date such as 2026-03-14 (or 2026-03-14T09:30Z)"
        ) from exc


#: The longest --timeout taken: an hour for one answer is already more than any server needs.
MAX_TIMEOUT = 3600.0
#: The largest --max-size taken, in MB: the importers refuse a page over 64 MB and an image over 40 MB anyway.
MAX_SIZE_MB = 1024.0


def capture_options(args) -> CaptureOptions:
    """``--timeout`` and ``--max-size`` as capture options, or ``E174`` naming the one that is not a sensible number.

    ``--timeout -1`` or ``nan`` and ``--max-size inf`` were tracebacks from httpx or ``int()``, and
    ``--max-size -5`` refused every page as "larger than the limit of -5,242,880 bytes".
    """
    for option, value, most in (("--timeout", args.timeout, MAX_TIMEOUT), ("--max-size", args.max_size, MAX_SIZE_MB)):
        if not math.isfinite(value) or value <= 0 or value > most:
            raise BundlerError(
                f"{option} {value:g} is not a number bundler can use",
                code="E174",
                hint=f"give a number above 0 and at most {most:g} ({'seconds' if option == '--timeout' else 'MB'})",
            )
    return CaptureOptions(
        timeout=args.timeout,
        page_limit=int(args.max_size * 1024 * 1024),
        image_limit=int(args.max_size * 1024 * 1024),
        render=args.render,
    )


def capture_piece(url: str, args, root: Path, work: Path, label_for) -> tuple[Path, Path, Piece, list[tuple[Path, Path]]]:
    """Capture ``url`` into a WARC under ``work`` and read its piece from it.

    ``label_for(warc)`` says where the WARC will be kept in the collection. Gives the WARC,
    that place, the piece, and the files to keep beside it (the screenshot).
    """
    capture = capture_url(url, work / "captures", capture_options(args))
    original = label_for(capture.warc)
    kept: list[tuple[Path, Path]] = []
    screenshot = ""
    if capture.screenshot is not None:
        place = original.parent / capture.screenshot.name
        kept.append((capture.screenshot, place))
        screenshot = place.relative_to(root).as_posix()
    import_options = ImportOptions(media_dir=work, source_label=original.relative_to(root).as_posix(), urls=(capture.final_url,))
    pages = sources()["warc"].read_all(capture.warc, import_options)
    if len(pages) != 1:
        raise ImportError_(f"{url}: the capture holds {len(pages)} pages, not one", code="E172", file=url)
    piece = pages[0]
    provenance = replace(
        piece.provenance,
        retrieved=capture.retrieved,
        requested_url=capture.requested_url,
        final_url=capture.final_url,
        http_status=capture.status,
        redirects=capture.redirects,
        screenshot=screenshot,
        warnings=(*piece.provenance.warnings, *capture.warnings),
    )
    return capture.warc, original, replace(piece, provenance=provenance), kept
