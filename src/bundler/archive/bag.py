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
import re
import shutil
import stat
import tarfile
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from bundler import __version__
from bundler.archive.signing import check_signature, load_private_key, sign_bag
from bundler.build.collection import BuildResult, build_collection
from bundler.build.leftovers import sweep_bag_staging
from bundler.clock import build_time, record_time, zip_date_time
from bundler.errors import BundlerError
from bundler.exporters import formats
from bundler.files import write_atomically
from bundler.importers.piece import write_piece
from bundler.manifest.events import event, events_of_piece, read_events
from bundler.manifest.loader import load_manifest
from bundler.manifest.originals import holds_file_digest, refuse_changed_originals
from bundler.model import Dossier
from bundler.render.provenance import provenance_record
from bundler.resources import installed_versions
from bundler.text.plain import sha256_file

CHECKSUMS = ("sha256", "sha512")
ARCHIVES = ("tar", "zip")
#: Left out of the copy of the collection: derived data that a rebuild recreates.
_SKIPPED = {".cache", "dist", "__pycache__", ".git"}
#: Libraries whose versions decide the bytes of the editions.
#: An archive declaring more than this many unpacked bytes is refused (an archive bomb fills the disk).
MAX_UNPACKED_BYTES = 64 * 2**30
#: Above ``RATIO_FLOOR_BYTES``, an archive unpacking to more than this many times its own size is refused.
MAX_UNPACK_RATIO = 100
RATIO_FLOOR_BYTES = 2**30
_DEPENDENCIES = ("bagit", "ebooklib", "weasyprint", "pillow", "pikepdf", "lxml", "jinja2", "fonttools", "pydyf", "warcio")


@dataclass(frozen=True)
class BagResult:
    """Where the bag went, and the build it holds."""

    path: Path  # the bag folder, or the .tar/.zip when an archive was asked for
    build: BuildResult


#: Where bags go by default: beside ``dist/``, never in it, since ``dist/`` is what a library serves.
DEFAULT_BAG_FOLDER = "bags"


def write_bag(
    collection: str | Path,
    out_dir: str | Path | None = None,
    *,
    archive: str | None = None,
    format_names: list[str] | None = None,
    sign_key: Path | None = None,
) -> BagResult:
    """Build the collection's editions and write a BagIt bag of everything (then move it into place).

    A collection whose originals no longer match the SHA-256 recorded at import is refused
    (``E636``): bagging it would certify edited evidence as intact. ``sign_key`` (an Ed25519
    private key) signs the tag manifest.
    """
    if archive not in (None, *ARCHIVES):
        raise BundlerError(f"unknown archive type {archive!r}", code="E620", hint="use --archive tar or --archive zip")
    manifest = _refuse_changed_originals(collection)
    if sign_key is not None:
        load_private_key(sign_key)  # a bad key fails before the build, not after
    out_dir = Path(out_dir or DEFAULT_BAG_FOLDER)
    out_dir.mkdir(parents=True, exist_ok=True)
    sweep_bag_staging(out_dir)  # what killed bag runs left
    staging = Path(tempfile.mkdtemp(prefix=f".bag-{os.getpid()}-", dir=out_dir))  # the id: a later run sweeps a killed one's
    try:
        result = build_collection(collection, out_dir=staging / "build", format_names=format_names)
        dossier = result.dossier
        name = f"{dossier.slug}-bag"
        bag_dir = staging / name
        _write_payload(bag_dir, Path(dossier.root), result)
        _make_bag(bag_dir, dossier, manifest.data)
        if sign_key is not None:
            sign_bag(bag_dir, sign_key)
        if archive:
            destination = out_dir / f"{name}.{archive}"
            write_atomically(destination, lambda tmp: _write_archive(bag_dir, tmp, archive, build_time(dossier.date)))
        else:
            destination = out_dir / name
            _replace_folder(bag_dir, destination)
        return BagResult(destination, result)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _refuse_changed_originals(collection: str | Path):
    """The manifest, once every listed piece's original is proved to hold its recorded bytes."""

    manifest = load_manifest(collection, formats=formats())
    refuse_changed_originals(manifest, "not bagged")
    return manifest


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
    _add_events(record, root)
    text = json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    (bag_dir / "provenance.json").write_text(text, encoding="utf-8")


def _add_events(record: dict, root: Path) -> None:
    """Each piece's history from the collection's event log, then a ``built`` event naming this bag's editions."""

    log = read_events(root)
    editions = {name: {"file": e["file"], "sha256": e["sha256"]} for name, e in record["build"]["editions"].items()}
    built = event("built", at=record["build"]["build_time"], editions=editions)
    for piece in record["pieces"]["pieces"]:
        piece["events"] = events_of_piece(log, piece["provenance"].get("source_sha256", "")) + [built]


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


def bag_info(dossier: Dossier, data: dict) -> dict[str, str]:
    """``bag-info.txt``'s fields, from the manifest (``organization``, ``contact_name``, ``contact_email``).

    ``Bagging-Date`` is the day the bag is made (``SOURCE_DATE_EPOCH`` when set, so a bag can
    still be rebuilt byte for byte); a date in the past would misstate the chain of custody.
    """
    import bagit

    def text(name: str) -> str:
        value = data.get(name)
        return value.strip() if isinstance(value, str) else ""

    info = {
        "Source-Organization": text("organization") or dossier.publisher or ", ".join(dossier.editors) or "unknown",
        "Contact-Name": text("contact_name"),
        "Contact-Email": text("contact_email"),
        "External-Description": " ".join((dossier.description or dossier.title).split()),
        "External-Identifier": dossier.identifier,
        "Bagging-Date": record_time().date().isoformat(),
        "Bag-Software-Agent": f"bundler {__version__} (bagit.py {bagit.VERSION})",
    }
    return {name: value for name, value in info.items() if value}


def _make_bag(bag_dir: Path, dossier: Dossier, data: dict) -> None:
    """Let bagit write the manifests, then pin the version and the tag-manifest order."""
    import bagit

    info = bag_info(dossier, data)
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
    """Extract a .tar/.zip bag safely into ``into``; return the bag folder inside it.

    Entries that would land outside ``into`` (``../``, absolute paths, links pointing out),
    devices and FIFOs are refused; a truncated or corrupt archive is a user error naming it.
    """
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                for name in archive.namelist():
                    if name.startswith("/") or ".." in Path(name).parts:
                        raise BundlerError(f"unsafe path in archive: {name!r}", file=str(path), code="E621")
                _refuse_a_bomb(path, sum(info.file_size for info in archive.infolist()))
                archive.extractall(into)
        elif tarfile.is_tarfile(path):
            with tarfile.open(path) as archive:
                _refuse_a_bomb(path, sum(member.size for member in archive.getmembers()))
                archive.extractall(into, filter="data")
        else:
            raise BundlerError(f"{path} is neither a bag folder nor a .tar/.zip of one", file=str(path), code="E622")
    except tarfile.FilterError as exc:
        raise BundlerError(
            f"{path}: unsafe entry in archive: {exc}", file=str(path), code="E621", hint="a bag holds regular files inside its folder only"
        ) from exc
    except (tarfile.TarError, zipfile.BadZipFile, EOFError, zlib.error, OSError, ValueError) as exc:
        raise BundlerError(
            f"{path} is damaged: {exc}", file=str(path), code="E624", hint="the archive is truncated or corrupt; use another copy"
        ) from exc
    folders = [p for p in into.iterdir() if p.is_dir()]
    if len(folders) != 1 or not (folders[0] / "bagit.txt").is_file():
        raise BundlerError(f"{path} does not contain exactly one bag folder", file=str(path), code="E622")
    return folders[0]


def _refuse_a_bomb(path: Path, unpacked: int) -> None:
    """Refuse, before a byte is written, an archive whose members declare far more than it holds.

    A zip (or a compressed tar) of a few kilobytes can declare gigabytes of zeros; unpacking
    it to verify would fill the disk. The sizes checked are the ones the archive declares,
    which is what ``extractall`` writes.
    """
    packed = max(path.stat().st_size, 1)
    too_big = unpacked > MAX_UNPACKED_BYTES
    too_inflated = unpacked > RATIO_FLOOR_BYTES and unpacked > MAX_UNPACK_RATIO * packed
    if too_big or too_inflated:
        reason = f"more than the {_gib(MAX_UNPACKED_BYTES)} bundler unpacks" if too_big else f"{unpacked // packed}x its own size"
        raise BundlerError(
            f"{path} would unpack to {_gib(unpacked)} from {packed} bytes ({reason}); not unpacked",
            file=str(path),
            code="E625",
            hint="this looks like an archive bomb; if the bag is genuine, unpack it where there is room and verify the folder",
        )


def _gib(size: int) -> str:
    return f"{size / 2**30:.1f} GiB"


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


#: Checksums a bag's manifests may use (RFC 8493 names md5, sha1, sha256, sha512; bagit reads these too).
VERIFIABLE_ALGORITHMS = ("md5", "sha1", "sha224", "sha256", "sha384", "sha512")


def verify_bag(path: str | Path, public_key: Path | None = None) -> Fixity:
    """Check a bag folder (or a .tar/.zip of one): our own file-by-file diff plus bagit's validation.

    Also checked: every original in the payload against the SHA-256 recorded when it was
    imported (a source edited before bagging passes the manifests, not this), and with
    ``public_key``, the Ed25519 signature of the tag manifest.

    Every way a bag can be malformed (a manifest line without a path, a manifest that is not
    UTF-8, an unknown algorithm, links or special files in the payload) is a reason in
    ``problems``, never an exception: a verifier answers "not intact, because ...".
    """
    path = Path(path)
    if not path.exists() and not path.is_symlink():
        raise BundlerError(f"no such bag: {path}", file=str(path), code="E623")
    if path.is_file():
        with tempfile.TemporaryDirectory(prefix="bundler-verify-") as folder:
            return verify_bag(unpack_bag(path, Path(folder)), public_key)
    if not path.is_dir() or not (path / "bagit.txt").is_file():
        raise BundlerError(f"{path} is not a bag (no bagit.txt)", file=str(path), code="E622", hint="give the bag folder or its .tar/.zip")
    fixity = Fixity()
    present, fixity.problems = _scan_bag(path)
    expected = _manifest_entries(path, fixity.problems)
    manifests = {n for n in present if n.startswith(("manifest-", "tagmanifest-"))}
    for name in sorted(expected):
        if name not in present:
            fixity.missing.append(name)
        elif any(_file_digest(path / name, alg) != digest for alg, digest in expected[name].items()):
            fixity.changed.append(name)
    fixity.added = sorted(n for n in present - set(expected) - manifests if n.startswith("data/"))
    fixity.problems += _bagit_problems(path) if fixity.intact else []
    fixity.problems += _changed_originals_in_bag(path)
    if public_key is not None:
        fixity.problems += check_signature(path, public_key)
    return fixity


def _changed_originals_in_bag(bag_dir: Path) -> list[str]:
    """Originals in ``data/collection/`` whose bytes differ from the SHA-256 their piece recorded at import."""

    try:
        record = json.loads((bag_dir / "data" / "provenance.json").read_text(encoding="utf-8"))
        pieces = record["pieces"]["pieces"]
        (collection,) = [p for p in (bag_dir / "data" / "collection").iterdir() if p.is_dir() and not p.is_symlink()]
    except (OSError, ValueError, KeyError, TypeError):
        return []  # not a bundler bag, or its provenance is damaged: the manifests' verdict stands
    found = []
    for piece in pieces if isinstance(pieces, list) else ():
        provenance = piece.get("provenance") if isinstance(piece, dict) else None
        source = provenance.get("source_path") if isinstance(provenance, dict) else None
        recorded = provenance.get("source_sha256") if isinstance(provenance, dict) else None
        if not isinstance(source, str) or not isinstance(recorded, str) or not source or not recorded or ".." in Path(source).parts:
            continue
        if not holds_file_digest(provenance):
            continue
        path = collection / source
        if path.is_file() and not path.is_symlink() and _file_digest(path, "sha256") != recorded:
            name = path.relative_to(bag_dir).as_posix()
            found.append(f"E636: {name}: its bytes no longer match the SHA-256 recorded when it was imported ({recorded[:12]}...)")
    return found


def _scan_bag(bag_dir: Path) -> tuple[set[str], list[str]]:
    """The bag's regular files (relative names), and a problem for every link or special file.

    Links are not followed: a link in a bag could point anywhere (or at a FIFO that blocks).
    """
    present: set[str] = set()
    problems: list[str] = []
    for folder, dirs, files in os.walk(bag_dir):
        for name in sorted(dirs + files):
            full = Path(folder) / name
            relative = full.relative_to(bag_dir).as_posix()
            mode = full.lstat().st_mode
            if stat.S_ISLNK(mode):
                problems.append(f"{relative} is a symbolic link; a bag holds only regular files")
            elif stat.S_ISREG(mode):
                present.add(relative)
            elif not stat.S_ISDIR(mode):
                problems.append(f"{relative} is a special file (FIFO, socket or device); a bag holds only regular files")
        dirs[:] = [d for d in dirs if not (Path(folder) / d).is_symlink()]
    return present, problems


def _file_digest(path: Path, algorithm: str) -> str:
    digest = hashlib.new(algorithm)
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _manifest_entries(bag_dir: Path, problems: list[str]) -> dict[str, dict[str, str]]:
    """``{path: {algorithm: digest}}`` from every manifest and tag manifest; what cannot be read goes to ``problems``."""
    entries: dict[str, dict[str, str]] = {}
    for manifest in sorted(bag_dir.glob("*manifest-*.txt")):
        algorithm = manifest.stem.split("-", 1)[1].lower()
        if algorithm not in VERIFIABLE_ALGORITHMS:
            problems.append(
                f"{manifest.name}: unknown checksum algorithm {algorithm!r} (bundler checks {', '.join(VERIFIABLE_ALGORITHMS)})"
            )
            continue
        if manifest.is_symlink() or not manifest.is_file():
            continue  # reported by _scan_bag
        raw = manifest.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            problems.append(f"{manifest.name}:{line}: not UTF-8 text (byte 0x{raw[exc.start]:02x}); RFC 8493 manifests are UTF-8")
            continue
        width = hashlib.new(algorithm).digest_size * 2
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            parts = line.split(maxsplit=1)
            if len(parts) != 2 or not re.fullmatch(f"[0-9A-Fa-f]{{{width}}}", parts[0]):
                problems.append(f"{manifest.name}:{number}: not 'CHECKSUM  PATH' with a {algorithm} checksum: {line[:80]!r}")
                continue
            digest, name = parts
            name = name.strip().replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")
            if name.startswith("/") or ".." in PurePosixPath(name).parts:
                problems.append(f"{manifest.name}:{number}: path {name[:80]!r} leaves the bag")
                continue
            entries.setdefault(name, {})[algorithm] = digest.lower()
    return entries


def _bagit_problems(bag_dir: Path) -> list[str]:
    """bagit's own full validation (structure, Payload-Oxum, completeness, checksums)."""
    import bagit

    try:
        bagit.Bag(str(bag_dir)).validate()
    except bagit.BagValidationError as exc:
        return [str(d) for d in exc.details] or [str(exc)]
    except (bagit.BagError, UnicodeError, OSError, ValueError) as exc:
        return [str(exc)]
    return []
