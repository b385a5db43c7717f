"""Read a ``dist/`` folder into library entries: one per dossier folder, with its editions.

Metadata comes from each folder's ``dossier.json`` sidecar (written by the build), so no
collection is re-imported. The sidecar names the editions of the latest build: an edition in
it whose file is gone is dropped, and a file it does not mention (an edition of an older
build, a stray archive) is not listed, and the library server does not hand it out. Only a
folder with no sidecar at all (a library put together by hand) is listed by file suffixes.
A bag folder (``bagit.txt``) is never a dossier: it holds the raw evidence.
"""

from __future__ import annotations

import json
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from bundler.build.sidecar import SIDECAR_NAME, find_epub_cover
from bundler.errors import BundlerError, Report
from bundler.text.plain import sha256_file

#: Edition files recognised by suffix when the sidecar does not list them (longest first).
SUFFIX_MEDIA_TYPES: tuple[tuple[str, str], ...] = (
    (".tar.gz", "application/gzip"),
    (".epub", "application/epub+zip"),
    (".pdf", "application/pdf"),
    (".zip", "application/zip"),
    (".tar", "application/x-tar"),
)
#: A piece's anchor in the HTML edition (a slug): nothing that could end an attribute or a URL.
_ANCHOR = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
#: A well-formed BCP 47 tag (it becomes part of a feed's file name, so nothing else gets in).
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")


@dataclass(frozen=True)
class EditionFile:
    """One downloadable edition of a dossier."""

    format: str  # the build's format name ("epub", "pdf", …) or one derived from the suffix
    file: str  # file name inside the dossier folder
    media_type: str
    size: int
    sha256: str
    label: str  # short human name: "EPUB", "PDF (phone)"
    description: str = ""
    language: str = ""  # the language it holds when the build selected one (an Arabic and an English EPUB), else ""

    def href(self, slug: str) -> str:
        """The path of the file relative to the library root."""
        return f"{slug}/{self.file}"


@dataclass(frozen=True)
class CoverSource:
    """Where a dossier's cover image lives: a member of one of its EPUB files."""

    epub: Path
    member: str


@dataclass(frozen=True)
class ContentsEntry:
    """One piece of a dossier as the library page lists it: its title and its anchor in the HTML edition."""

    title: str
    slug: str


#: The editions a browser reads on the spot, best first: the library page's "Read now" opens it.
READABLE_FORMATS = ("html", "html-text")


@dataclass(frozen=True)
class LibraryDossier:
    """What the catalogue knows about one dossier folder in ``dist/``."""

    slug: str
    title: str
    identifier: str
    editions: tuple[EditionFile, ...]
    subtitle: str = ""
    description: str = ""
    language: str = "en"
    direction: str = "ltr"
    editors: tuple[str, ...] = ()
    publisher: str = ""
    date: str = ""
    modified: str = ""
    subjects: tuple[str, ...] = ()
    rights: str = ""
    cover: CoverSource | None = None
    contents: tuple[ContentsEntry, ...] = ()

    @property
    def readable(self) -> EditionFile | None:
        """The edition a browser opens to read now (the HTML edition), or None when none was built."""
        by_format = {e.format: e for e in self.editions}
        return next((by_format[name] for name in READABLE_FORMATS if name in by_format), None)


def read_library(dist: Path, report: Report) -> list[LibraryDossier]:
    """Every dossier folder in ``dist``, newest first (by date, then slug), deterministic."""
    if not dist.is_dir():
        raise BundlerError(f"not a folder: {dist}", code="E800", file=str(dist), hint="give the dist/ folder that `bundler build` wrote")
    dossiers = []
    for folder in sorted(dist.iterdir(), key=lambda p: p.name):
        if folder.name.startswith(".") or not _is_real_dir(folder):
            continue
        dossier = read_dossier_folder(folder, report)
        if dossier is not None:
            dossiers.append(dossier)
    dossiers.sort(key=lambda d: d.slug)
    dossiers.sort(key=lambda d: d.date or "", reverse=True)
    return dossiers


def read_dossier_folder(folder: Path, report: Report) -> LibraryDossier | None:
    """One dossier from its sidecar plus the edition files found on disk; None if it has no editions."""
    if _is_bag(folder):
        return None
    sidecar = _read_sidecar(folder, report)
    editions = _editions_from_sidecar(folder, sidecar, report)
    if not _names_editions(sidecar):  # no sidecar, or a damaged one: the files found by suffix
        editions = _editions_on_disk(folder)
    if not editions:
        if sidecar:
            report.warn(f"{folder.name}: no edition files found; left out of the catalogue", code="W801", file=str(folder))
        return None
    slug = folder.name
    return LibraryDossier(
        slug=slug,
        title=_text(sidecar.get("title")) or slug,
        identifier=_text(sidecar.get("identifier")) or f"urn:bundler:dossier:{slug}",
        editions=tuple(editions),
        subtitle=_text(sidecar.get("subtitle")),
        description=_text(sidecar.get("description")),
        language=_language_of(folder, sidecar, report),
        direction="rtl" if sidecar.get("direction") == "rtl" else "ltr",
        editors=tuple(_text(e) for e in sidecar.get("editors") or () if _text(e)),
        publisher=_text(sidecar.get("publisher")),
        date=_text(sidecar.get("date")),
        modified=_text(sidecar.get("modified")),
        subjects=tuple(_text(s) for s in sidecar.get("subjects") or () if _text(s)),
        rights=_text(sidecar.get("rights")),
        cover=_cover_source(folder, sidecar, editions),
        contents=_contents(sidecar),
    )


def listed_edition_names(folder: Path) -> set[str]:
    """The file names of the editions the catalogue lists for ``folder``, without hashing anything.

    The library server asks this on every request, so it reads the sidecar only; the rule is
    ``read_dossier_folder``'s: the sidecar's editions, or the suffix-found files when there is none.
    """
    if _is_bag(folder):
        return set()
    sidecar = _read_sidecar(folder, Report())
    if not _names_editions(sidecar):
        return {e.file for e in _editions_on_disk(folder, hashed=False)}
    return {n for n in _sidecar_file_names(sidecar) if _is_real_file(folder / n)}


def _sidecar_file_names(sidecar: dict) -> set[str]:
    records = sidecar.get("editions") if isinstance(sidecar.get("editions"), dict) else {}
    names = {_text(r.get("file")) for r in records.values() if isinstance(r, dict)}
    return {n for n in names if _is_plain_name(n)}


def _names_editions(sidecar: dict) -> bool:
    """Whether the sidecar names at least one edition file properly; a damaged one is read as no sidecar."""
    return bool(_sidecar_file_names(sidecar))


def _is_bag(folder: Path) -> bool:
    """A BagIt bag (its ``bagit.txt``): sources and provenance, never a library entry."""
    return _is_real_file(folder / "bagit.txt")


def label_for(file: str, slug: str) -> str:
    """``aleppo.epub`` -> ``EPUB``; ``aleppo-phone.pdf`` -> ``PDF (phone)``."""
    suffix = next((s for s, _ in SUFFIX_MEDIA_TYPES if file.endswith(s)), Path(file).suffix)
    stem = file[: len(file) - len(suffix)]
    variant = stem[len(slug) :].strip("-_. ") if stem.startswith(slug) else stem
    kind = suffix.lstrip(".").upper()
    return f"{kind} ({variant.replace('-', ' ')})" if variant else kind


def _read_sidecar(folder: Path, report: Report) -> dict:
    path = folder / SIDECAR_NAME
    if not _is_real_file(path):
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        report.warn(f"unreadable sidecar ({exc}); using file names instead", code="W802", file=str(path))
        return {}
    if not isinstance(data, dict):
        report.warn("sidecar is not a JSON object; using file names instead", code="W802", file=str(path))
        return {}
    return data


def _editions_from_sidecar(folder: Path, sidecar: dict, report: Report) -> list[EditionFile]:
    editions = []
    records = sidecar.get("editions") if isinstance(sidecar.get("editions"), dict) else {}
    for name, record in sorted(records.items()):
        file = _text(record.get("file")) if isinstance(record, dict) else ""
        if not _is_plain_name(file):
            report.warn(f"edition {name!r}: bad file name {file!r}; ignored", code="W803", file=str(folder / SIDECAR_NAME))
            continue
        path = folder / file
        if not _is_real_file(path):
            report.warn(f"edition {name!r}: {file} is missing; left out", code="W804", file=str(folder / SIDECAR_NAME))
            continue
        size = path.stat().st_size
        digest = _text(record.get("sha256"))
        if record.get("size") != size or not digest:
            report.warn(f"edition {name!r}: {file} changed since the build; checksum recomputed", code="W805", file=str(path))
            digest = sha256_file(path)
        media_type = _text(record.get("media_type")) or _media_type_of(file) or "application/octet-stream"
        format_name = _text(record.get("format")) or name  # sidecars before named editions keyed by format only
        label = label_for(file, folder.name)
        editions.append(
            EditionFile(format_name, file, media_type, size, digest, label, _text(record.get("description")), _text(record.get("language")))
        )
    return editions


def _editions_on_disk(folder: Path, hashed: bool = True) -> list[EditionFile]:
    editions = []
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        media_type = _media_type_of(path.name)
        if not media_type or path.name.startswith(".") or not _is_real_file(path):
            continue
        label = label_for(path.name, folder.name)
        digest = sha256_file(path) if hashed else ""
        editions.append(EditionFile(label.lower(), path.name, media_type, path.stat().st_size, digest, label))
    return editions


def _cover_source(folder: Path, sidecar: dict, editions: list[EditionFile]) -> CoverSource | None:
    """The sidecar's cover if it names a real EPUB, else the first EPUB that has a cover image."""
    recorded = sidecar.get("cover") if isinstance(sidecar.get("cover"), dict) else {}
    epubs = [e.file for e in editions if e.media_type == "application/epub+zip"]
    if recorded and recorded.get("file") in epubs and isinstance(recorded.get("member"), str):
        return CoverSource(folder / recorded["file"], recorded["member"])
    for file in epubs:
        member = find_epub_cover(folder / file)
        if member:
            return CoverSource(folder / file, member)
    return None


def _contents(sidecar: dict) -> tuple[ContentsEntry, ...]:
    """Piece titles and anchors from the sidecar; an entry that is not a title and a plain anchor is skipped."""
    entries = sidecar.get("contents") if isinstance(sidecar.get("contents"), list) else []
    found = []
    for entry in entries:
        if isinstance(entry, dict) and _text(entry.get("title")):
            slug = _text(entry.get("slug"))
            found.append(ContentsEntry(_text(entry.get("title")), slug if _ANCHOR.match(slug) else ""))
    return tuple(found)


def _language_of(folder: Path, sidecar: dict, report: Report) -> str:
    language = _text(sidecar.get("language")) or "en"
    if not _LANGUAGE_TAG.match(language):
        report.warn(f"language {language!r} is not a BCP 47 tag; using 'en'", code="W806", file=str(folder / SIDECAR_NAME))
        return "en"
    return language


def _media_type_of(name: str) -> str:
    return next((media for suffix, media in SUFFIX_MEDIA_TYPES if name.lower().endswith(suffix)), "")


def _is_plain_name(name: str) -> bool:
    """A file name with no folder part, so a sidecar cannot point outside its folder."""
    return bool(name) and "/" not in name and "\\" not in name and "\x00" not in name and not name.startswith(".")


def _is_real_file(path: Path) -> bool:
    """A regular file, not a symlink (a symlink could lead out of ``dist/``)."""
    try:
        return stat.S_ISREG(path.lstat().st_mode)
    except OSError:
        return False


def _is_real_dir(path: Path) -> bool:
    try:
        return stat.S_ISDIR(path.lstat().st_mode)
    except OSError:
        return False


def _text(value) -> str:
    """A string field from JSON; anything else (a number, a list) counts as missing."""
    return value.strip() if isinstance(value, str) else ""
