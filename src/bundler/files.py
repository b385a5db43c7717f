"""The one atomic writer: a file is written beside its destination and moved into place only when complete.

Editions, the sidecar, the catalogue, archives, the manifest rewritten by ``import``, the
originals and saved-page folders ``import`` copies in (``copy_file_atomically``,
``copy_folder_atomically``) and every cache value go through ``write_atomically`` or a rename of
a finished folder, so no reader ever sees half a file and a crash
leaves only a temporary file whose name says which process wrote it (``leftovers`` sweeps the
ones whose writer is dead). It sits below every stage, so anything may use it without
reaching up into the build.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bundler.errors import naming


def current_umask() -> int:
    """The process's umask, read without changing it where Linux shows it (``/proc/self/status``)."""
    try:
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # elsewhere: set and put back at once
    os.umask(mask)
    return mask


def plain_mode(folder: bool = False) -> int:
    """The mode ``open()`` (or ``mkdir``) would give a new file (folder): 0o666 (0o777) less the umask.

    Temporary files and folders are made private (0o600, 0o700); what is moved into place gets
    this mode instead, so an edition, a bag's files and its archive, and everything copied beside
    them all follow the user's umask alike (022: 0644; 077: 0600; 002: 0664), as a plain write would.
    """
    return (0o777 if folder else 0o666) & ~current_umask()


def part_prefix(destination: Path) -> str:
    """``.NAME.PID-``: the temporary file of ``destination`` names its writer, so a later build can sweep a dead one's."""
    return f".{destination.name}.{os.getpid()}-"


def write_atomically(destination: Path, write: Callable[[Path], Any], prefix: str | None = None, suffix: str = ".part") -> None:
    """Call ``write(tmp)`` and move ``tmp`` to ``destination`` only if it succeeds.

    ``prefix`` and ``suffix`` name the temporary file (default ``.NAME.PID-XXXX.part``; the
    cache uses its own ``.part-PID-``). A system error that names no file (a write on a full
    disk) is raised naming ``destination``.
    """
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(
            prefix=part_prefix(destination) if prefix is None else prefix, suffix=suffix, dir=destination.parent
        )
    except OSError as exc:
        raise naming(exc, destination.parent) from exc
    os.close(handle)
    temporary = Path(name)
    try:
        write(temporary)
        os.chmod(temporary, plain_mode())
        os.replace(temporary, destination)
    except OSError as exc:
        raise naming(exc, destination) from exc
    finally:
        if temporary.exists():
            temporary.unlink()


def links_leaving(root: Path):
    """A ``shutil.copytree`` ignore that leaves out symbolic links that loop or lead out of ``root``.

    A saved page's ``NAME_files/`` folder is copied into the collection with links followed: a link
    to ``/etc/passwd`` copied that file into ``sources/`` (and from there into bags), and a link to
    itself stopped the import with a shutil.Error traceback."""
    base = root.resolve()

    def ignore(directory: str, names: list[str]) -> set[str]:
        left: set[str] = set()
        for name in names:
            path = Path(directory) / name
            if not path.is_symlink():
                continue
            try:
                target = path.resolve(strict=True)
            except (OSError, RuntimeError):  # a loop (RuntimeError before Python 3.13) or a dangling link
                left.add(name)
                continue
            if not target.is_relative_to(base):
                left.add(name)
        return left

    return ignore


class WrittenPaths:
    """Files and folders a command has put in place, removed again if it stops before it records them.

    ``import`` records its pieces in ``collection.yaml``; ``commit()`` marks that moment: from then
    on they are the collection's, and nothing is undone.
    """

    def __init__(self) -> None:
        self.paths: list[Path] = []
        self.committed = False

    def add(self, path: Path, below: Path) -> None:
        """Remember ``path``, or the outermost of its folders under ``below`` that did not exist yet (made for it)."""
        top = path
        for parent in path.parents:
            if parent == below or parent.exists():
                break
            top = parent
        self.paths.append(top)

    def commit(self) -> None:
        self.committed = True

    def undo(self) -> None:
        """Remove what was written, newest first; what cannot be removed stays (the error being raised says why)."""
        if self.committed:
            return
        for path in reversed(self.paths):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
        self.paths.clear()


def copy_file_atomically(source: Path, destination: Path) -> None:
    """Copy ``source`` to ``destination`` through a temporary file beside it: never a half-copied file under its name."""

    def copy(temporary: Path) -> None:
        try:
            shutil.copyfile(source, temporary)
        except OSError as exc:
            raise _named_as_destination(exc, temporary, destination) from exc

    write_atomically(destination, copy)


def _named_as_destination(exc: OSError, temporary: Path, destination: Path) -> OSError:
    """``exc`` naming the file it was meant to write (under ``destination``), not its temporary name (under ``temporary``)."""

    def renamed(name: object) -> object:
        text = str(name) if name is not None else ""
        return str(destination) + text[len(str(temporary)) :] if text.startswith(str(temporary)) else name

    if exc.errno is None or renamed(exc.filename2) == exc.filename2:
        return exc
    return type(exc)(exc.errno, exc.strerror, exc.filename, None, renamed(exc.filename2))


def copy_folder_atomically(source: Path, destination: Path) -> None:
    """Copy the folder ``source`` (links out of it left out) to ``destination`` through a temporary folder beside it."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=part_prefix(destination), suffix=".part", dir=destination.parent))
    try:
        _copy_tree(source, staging / "copy", links_leaving(source))
        os.rename(staging / "copy", destination)
    except OSError as exc:
        raise _named_as_destination(exc, staging / "copy", destination) from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _copy_tree(source: Path, target: Path, ignore) -> None:
    """``shutil.copytree`` with links followed, except that the first failure is raised as it is.

    ``copytree`` gathers every file's failure into one ``shutil.Error`` of strings, so a full
    disk while copying a saved page's folder came out as an internal error with a traceback
    instead of E701 naming the file.
    """
    target.mkdir()
    names = os.listdir(source)
    left = ignore(str(source), names)
    for name in sorted(set(names) - left):
        if (source / name).is_dir():
            _copy_tree(source / name, target / name, ignore)
        else:
            shutil.copyfile(source / name, target / name)
