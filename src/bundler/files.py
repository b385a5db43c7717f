"""The one atomic writer: a file is written beside its destination and moved into place only when complete.

Editions, the sidecar, the catalogue, archives, the manifest rewritten by ``import`` and every
cache value go through ``write_atomically``, so no reader ever sees half a file and a crash
leaves only a temporary file whose name says which process wrote it (``leftovers`` sweeps the
ones whose writer is dead). It sits below every stage, so anything may use it without
reaching up into the build.
"""

from __future__ import annotations

import os
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
