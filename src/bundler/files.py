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
        os.chmod(temporary, 0o644)
        os.replace(temporary, destination)
    except OSError as exc:
        raise naming(exc, destination) from exc
    finally:
        if temporary.exists():
            temporary.unlink()
