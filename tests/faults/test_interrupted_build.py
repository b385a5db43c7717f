"""Ctrl-C or SIGTERM at any moment of a build: one line, exit 130 or 143, no traceback, dist/ as it was.

The signal goes to the build process alone (as ``kill PID`` sends it; a terminal's Ctrl-C also
reaches the workers), right after the build prints a chosen progress line (``--progress lines``):
just before it hands work to a process pool, while it lays out the PDF, as it finishes it. Before
signals were held around pool submission (``interrupts.held``), about one such build in three
printed a traceback from the pool's internals or from a ``__del__`` that swallowed the interrupt
and ran on to exit 0; each moment is therefore tried several times, with both signals.
Waiting is on the build's own output, never on a stopwatch.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from tests.faults.conftest import EPOCH, make_collection, run_cli
from tests.faults.test_killed_build import wait_until_gone

#: Progress lines after which the signal is sent: the pools' submissions follow the first three at once.
MOMENTS = ("import 0/", "images 0/", "write pdf", "pdf layout 0/", "pdf contents 0/")
ROUNDS = 2  # each moment with SIGINT and with SIGTERM, this many times
EXIT = {signal.SIGINT: 130, signal.SIGTERM: 143}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path, dict[str, bytes]]:
    """The collection, and its editions from one complete build (the dist/ an interrupted build must leave as it was)."""
    root = tmp_path_factory.mktemp("interrupted")
    collection = make_collection(root / "notebook")
    out = root / "dist"
    result = run_cli("build", str(collection), "--format", "epub,pdf", "--out", str(out), "--no-cache")
    assert result.returncode == 0, result.stderr
    return collection, out, _files(out)


def _files(out: Path) -> dict[str, bytes]:
    return {str(path.relative_to(out)): path.read_bytes() for path in sorted(out.rglob("*")) if path.is_file()}


def _interrupt(collection: Path, out: Path, scratch: Path, moment: str, signum: int) -> tuple[int, str, list[psutil.Process]]:
    """Build with ``--no-cache`` (every stage does its work), send ``signum`` after the progress line ``moment``."""
    env = {k: v for k, v in os.environ.items() if k != "BUNDLER_CACHE_DIR"} | {"SOURCE_DATE_EPOCH": EPOCH, "TMPDIR": str(scratch)}
    command = [sys.executable, "-m", "bundler", "--progress", "lines", "build", str(collection)]
    command += ["--format", "epub,pdf", "--out", str(out), "--jobs", "2", "--no-cache"]
    build = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seen = []
    for line in build.stderr:
        seen.append(line)
        if line.startswith("progress: ") and moment in line:
            break
    else:
        pytest.fail(f"the build ended before {moment!r}: {''.join(seen)}")
    family = psutil.Process(build.pid).children(recursive=True)
    build.send_signal(signum)
    rest = build.stderr.read()
    build.wait()
    return build.returncode, "".join(seen) + rest, family


@pytest.mark.parametrize("moment", MOMENTS)
def test_an_interrupt_at_any_moment_stops_the_build_cleanly(built, tmp_path, moment):
    collection, out, before = built
    for round_ in range(ROUNDS):
        for signum in (signal.SIGINT, signal.SIGTERM):
            scratch = tmp_path / f"tmp-{round_}-{signum}"
            scratch.mkdir()
            code, stderr, family = _interrupt(collection, out, scratch, moment, signum)
            assert "Traceback" not in stderr and "Exception ignored" not in stderr, stderr
            assert code == EXIT[signum], stderr
            assert stderr.rstrip().endswith("nothing half-written was kept"), stderr
            assert _files(out) == before, "dist/ holds other files than the complete build left there"
            assert [path for path in out.rglob("*") if path.name.startswith(".")] == []  # no staging folder, no .part
            assert wait_until_gone(family) == [], "worker processes outlived the interrupted build"
            # the build's scratch folders are gone (a layout worker, killed, leaves WeasyPrint's font folder: not the build's)
            assert [path.name for path in scratch.iterdir() if path.name.startswith("bundler-")] == []
