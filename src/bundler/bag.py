"""BagIt 1.0 bags of a dossier: sources byte for byte, pieces, editions and provenance.

A bag (RFC 8493) is what archives ingest: a ``data/`` payload plus manifests of checksums,
so anyone can prove decades later that nothing changed. The ``bagit`` library (Library of
Congress) writes and validates it; this module decides the payload layout, pins what bagit
would otherwise take from the clock (``Bagging-Date``) or the file system (tag-manifest
order), and names every changed, missing or added file when verifying.

Payload layout::

    data/collection/<name>/...     the collection folder as given (manifest, sources, notes)
    data/pieces/<slug>/piece.json  each cleaned piece (``importers.piece`` storage), image paths relative
    data/pieces/<slug>/media/...   the images the piece uses, as imported
    data/editions/...              every edition built
    data/provenance.json           per piece: source, hashes, importer, warnings; per build:
                                   tool versions, SOURCE_DATE_EPOCH, edition checksums
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from bundler import __version__
from bundler.build import BuildResult, build_collection, write_atomically
from bundler.clock import build_time, zip_date_time
from bundler.errors import BundlerError
from bundler.importers.piece import write_piece
from bundler.model import Dossier
from bundler.provenance import provenance_record
from bundler.resources import installed_versions
from bundler.text import sha256_file

CHECKSUMS = ("sha256", "sha512")
ARCHIVES = ("tar", "zip")
#: Left out of the copy of the collection: derived data that a rebuild recreates.
_SKIPPED = {".cache", "dist", "__pycache__", ".git"}
#: Libraries whose versions decide the bytes of the editions.
_DEPENDENCIES = ("bagit", "ebooklib", "weasyprint", "pillow", "pikepdf", "lxml", "jinja2", "fonttools", "pydyf", "warcio")


@dataclass(frozen=True)
class BagResult:
    """Where the bag went, and the build it holds."""

    path: Path  # the bag folder, or the .tar/.zip when an archive was asked for
    build: BuildResult


def write_bag(
    collection: str | Path, out_dir: str | Path | None = None, *, archive: str | None = None, format_names: list[str] | None = None
) -> BagResult:
    """Build the collection's editions and write a BagIt bag of everything (then move it into place)."""
    if archive not in (None, *ARCHIVES):
        raise BundlerError(f"unknown archive type {archive!r}", code="E620", hint="use --archive tar or --archive zip")
    out_dir = Path(out_dir or "dist")
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".bag-", dir=out_dir))
    try:
        result = build_collection(collection, out_dir=staging / "build", format_names=format_names)
        dossier = result.dossier
        name = f"{dossier.slug}-bag"
        bag_dir = staging / name
        _write_payload(bag_dir, Path(dossier.root), result)
        _make_bag(bag_dir, dossier)
        if archive:
            destination = out_dir / f"{name}.{archive}"
            write_atomically(destination, lambda tmp: _write_archive(bag_dir, tmp, archive, build_time(dossier.date)))
        else:
            destination = out_dir / name
            _replace_folder(bag_dir, destination)
        return BagResult(destination, result)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _write_payload(bag_dir: Path, root: Path, result: BuildResult) -> None:
    """Everything the bag holds, laid out before bagit moves it under ``data/``."""
    _copy_collection(root, bag_dir / "collection" / root.name)  # same folder name: a rebuild gives the same slug
    for piece in result.dossier.pieces:
        write_piece(piece, bag_dir / "pieces" / piece.slug)  # piece.json + media/, paths relative
    editions = bag_dir / "editions"
    editions.mkdir(parents=True)
    for path in result.outputs.values():
        shutil.copyfile(path, editions / path.name)
    record = {"pieces": provenance_record(result.dossier), "build": build_record(result)}
    text = json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    (bag_dir / "provenance.json").write_text(text, encoding="utf-8")


def _copy_collection(root: Path, target: Path) -> None:
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in _SKIPPED)
        relative = Path(folder).relative_to(root)
        for file_name in sorted(files):
            destination = target / relative / file_name
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(Path(folder) / file_name, destination)


def build_record(result: BuildResult) -> dict:
    """Per build: tool and dependency versions, SOURCE_DATE_EPOCH, edition checksums and sizes."""
    versions = {name: version for name, version in installed_versions(_DEPENDENCIES).items() if version}
    return {
        "tool": f"bundler {__version__}",
        "dependencies": versions,
        "source_date_epoch": os.environ.get("SOURCE_DATE_EPOCH", ""),
        "build_time": build_time(result.dossier.date).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "editions": {
            name: {"file": f"editions/{path.name}", "sha256": sha256_file(path), "bytes": path.stat().st_size}
            for name, path in sorted(result.outputs.items())
        },
    }


def _make_bag(bag_dir: Path, dossier: Dossier) -> None:
    """Let bagit write the manifests, then pin the version and the tag-manifest order."""
    import bagit

    info = {
        "Source-Organization": dossier.publisher or ", ".join(dossier.editors) or "unknown",
        "External-Description": dossier.description or dossier.title,
        "External-Identifier": dossier.identifier,
        "Bagging-Date": build_time(dossier.date).date().isoformat(),  # never today: reproducible
        "Bag-Software-Agent": f"bundler {__version__} (bagit.py {bagit.VERSION})",
    }
    bagit.make_bag(str(bag_dir), bag_info=info, checksums=list(CHECKSUMS))
    (bag_dir / "bagit.txt").write_text("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n", encoding="utf-8")
    tag_files = sorted(p.name for p in bag_dir.iterdir() if p.is_file() and not p.name.startswith("tagmanifest-"))
    for algorithm in CHECKSUMS:
        lines = [f"{hashlib.new(algorithm, (bag_dir / n).read_bytes()).hexdigest()}  {n}\n" for n in tag_files]
        (bag_dir / f"tagmanifest-{algorithm}.txt").write_text("".join(lines), encoding="utf-8")


def _replace_folder(source: Path, destination: Path) -> None:
    """Move the finished bag into place; an older bag is removed only after the move succeeds."""
    old = None
    if destination.exists():
        old = destination.with_name(f".{destination.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(destination, old)
    os.replace(source, destination)
    if old:
        shutil.rmtree(old, ignore_errors=True)


def _bag_files(bag_dir: Path) -> list[Path]:
    return sorted(p for p in bag_dir.rglob("*") if p.is_file())


def _write_archive(bag_dir: Path, out: Path, kind: str, moment) -> None:
    """One .tar or .zip of the bag: sorted entries, fixed times, no owners, fixed modes."""
    files = _bag_files(bag_dir)
    prefix = bag_dir.name
    if kind == "zip":
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in files:
                info = zipfile.ZipInfo(f"{prefix}/{path.relative_to(bag_dir).as_posix()}", date_time=zip_date_time(moment))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                info.create_system = 3
                archive.writestr(info, path.read_bytes())
        return
    with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as archive:
        for path in files:
            info = tarfile.TarInfo(f"{prefix}/{path.relative_to(bag_dir).as_posix()}")
            info.size, info.mtime, info.mode = path.stat().st_size, int(moment.timestamp()), 0o644
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            with path.open("rb") as stream:
                archive.addfile(info, stream)


def unpack_bag(path: Path, into: Path) -> Path:
    """Extract a .tar/.zip bag safely into ``into``; return the bag folder inside it."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if name.startswith("/") or ".." in Path(name).parts:
                    raise BundlerError(f"unsafe path in archive: {name!r}", file=str(path), code="E621")
            archive.extractall(into)
    elif tarfile.is_tarfile(path):
        with tarfile.open(path) as archive:
            archive.extractall(into, filter="data")
    else:
        raise BundlerError(f"{path} is neither a bag folder nor a .tar/.zip of one", file=str(path), code="E622")
    folders = [p for p in into.iterdir() if p.is_dir()]
    if len(folders) != 1 or not (folders[0] / "bagit.txt").is_file():
        raise BundlerError(f"{path} does not contain exactly one bag folder", file=str(path), code="E622")
    return folders[0]


@dataclass
class Fixity:
    """What verifying a bag found: files changed, missing or added, and other problems."""

    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        """True only when nothing changed, nothing is missing or added, and bagit agrees."""
        return not (self.changed or self.missing or self.added or self.problems)


def verify_bag(path: str | Path) -> Fixity:
    """Check a bag folder (or a .tar/.zip of one): our own file-by-file diff plus bagit's validation."""
    path = Path(path)
    if not path.exists():
        raise BundlerError(f"no such bag: {path}", file=str(path), code="E623")
    if path.is_file():
        with tempfile.TemporaryDirectory(prefix="bundler-verify-") as folder:
            return verify_bag(unpack_bag(path, Path(folder)))
    if not (path / "bagit.txt").is_file():
        raise BundlerError(f"{path} is not a bag (no bagit.txt)", file=str(path), code="E622", hint="give the bag folder or its .tar/.zip")
    fixity = Fixity()
    expected = _manifest_entries(path)
    present = {p.relative_to(path).as_posix() for p in _bag_files(path)}
    manifests = {n for n in present if n.startswith(("manifest-", "tagmanifest-"))}
    for name in sorted(expected):
        if name not in present:
            fixity.missing.append(name)
        elif any(hashlib.new(alg, (path / name).read_bytes()).hexdigest() != digest for alg, digest in expected[name].items()):
            fixity.changed.append(name)
    fixity.added = sorted(n for n in present - set(expected) - manifests if n.startswith("data/"))
    fixity.problems = _bagit_problems(path) if fixity.intact else []
    return fixity


def _manifest_entries(bag_dir: Path) -> dict[str, dict[str, str]]:
    """``{path: {algorithm: digest}}`` from every manifest and tag manifest."""
    entries: dict[str, dict[str, str]] = {}
    for manifest in sorted(bag_dir.glob("*manifest-*.txt")):
        algorithm = manifest.stem.split("-", 1)[1]
        for line in manifest.read_text(encoding="utf-8").splitlines():
            if line.strip():
                digest, name = line.split(maxsplit=1)
                name = name.strip().replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")
                entries.setdefault(name, {})[algorithm] = digest.lower()
    return entries


def _bagit_problems(bag_dir: Path) -> list[str]:
    """bagit's own full validation (structure, Payload-Oxum, completeness, checksums)."""
    import bagit

    try:
        bagit.Bag(str(bag_dir)).validate()
    except bagit.BagValidationError as exc:
        return [str(d) for d in exc.details] or [str(exc)]
    except bagit.BagError as exc:
        return [str(exc)]
    return []
