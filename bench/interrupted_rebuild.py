"""Builds stopped part way (SIGINT, SIGTERM, SIGKILL) at several moments; then one complete build: same bytes as a clean one?

A fresh copy of the collection (cold cache) is built once completely: the reference. Then, for
each stop, another fresh copy is built and stopped by a signal a little after a progress line
(``import 3/``, ``images 5/``, ``pdf layout 1/``, ``write html``...), so that stage's cache writes
and output are cut part way. What is left in the output folder is listed (nothing may be there
under a final name, and temporary names must say so), then one complete build runs in that copy
(the cache as the stopped build left it) and its outputs are compared, byte for byte, with the
reference, and the output folder searched for anything else.

    PYTHONPATH=src python bench/interrupted_rebuild.py /tmp/corpus-40 --formats epub,pdf,html --work /tmp/r19-int
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil

EPOCH = "1462838400"
#: How long the processes a stopped build started may take to end after it.
SURVIVOR_WAIT = 20
#: (progress text to wait for, seconds to wait after it, signal).
STOPS = (
    ("import 3/", 0.0, signal.SIGINT),
    ("import 10/", 0.2, signal.SIGKILL),
    ("images 5/", 0.0, signal.SIGTERM),
    ("images 20/", 0.3, signal.SIGKILL),
    ("pdf layout 1/", 0.0, signal.SIGINT),
    ("pdf layout 2/", 0.5, signal.SIGKILL),
    ("write pdf", 0.0, signal.SIGTERM),
    ("write html", 0.0, signal.SIGKILL),
)


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "BUNDLER_CACHE_DIR"}
    return env | {"SOURCE_DATE_EPOCH": EPOCH}


def command(collection: Path, formats: str, out: Path) -> list[str]:
    return [sys.executable, "-m", "bundler", "--progress", "lines", "build", str(collection), "--format", formats, "--out", str(out)]


def hashes(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()[:16] for p in sorted(out.rglob("*")) if p.is_file()}


def stop_at(collection: Path, formats: str, out: Path, moment: str, delay: float, signum: int) -> str:
    """One build, stopped ``delay`` s after the progress line holding ``moment``; what it printed last and its exit code."""
    build = subprocess.Popen(
        command(collection, formats, out), env=environment(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    lines = []
    family: list[psutil.Process] = []
    for line in build.stderr:
        lines.append(line)
        if line.startswith("progress: ") and moment in line:
            time.sleep(delay)
            family = psutil.Process(build.pid).children(recursive=True)
            build.send_signal(signum)
            break
    build.wait()
    gone, alive = psutil.wait_procs(family, timeout=SURVIVOR_WAIT)
    for process in alive:  # reported, then ended: the next stop must start clean
        process.kill()
    rest = build.stderr.read()
    last = (rest.strip().splitlines() or ["(nothing)"])[-1]
    reached = any(moment in line for line in lines)
    outcome = f"exit {build.returncode}{'' if reached else ' (ended before ' + moment + ')'}: {last[:100]}"
    return outcome + f"\n        processes of the build left running {SURVIVOR_WAIT} s after it ended: {len(alive)} of {len(family)}"


def temporary_files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if ".part" in p.name or p.name.startswith(".staging-"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("collection", type=Path)
    parser.add_argument("--formats", default="epub,pdf")
    parser.add_argument("--work", type=Path, default=Path("/tmp/bundler-interrupted"))
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    ignore = shutil.ignore_patterns(".cache", "dist", "bags")
    clean = args.work / "clean" / args.collection.name
    shutil.copytree(args.collection, clean, ignore=ignore)
    subprocess.run(command(clean, args.formats, args.work / "clean-out"), env=environment(), check=True, capture_output=True)
    reference = hashes(args.work / "clean-out")
    for number, (moment, delay, signum) in enumerate(STOPS):
        stopped, out = args.work / f"stop-{number}" / args.collection.name, args.work / f"stop-{number}-out"
        shutil.copytree(args.collection, stopped, ignore=ignore)
        said = stop_at(stopped, args.formats, out, moment, delay, signum)
        left = hashes(out) if out.exists() else {}
        print(f"{signal.Signals(signum).name:7} {delay:.1f} s after {moment!r:16} {said}")
        print(f"        left in the output folder: {sorted(left) or 'nothing'}")
        subprocess.run(command(stopped, args.formats, out), env=environment(), check=True, capture_output=True)
        after = hashes(out)
        differing = sorted(k for k in reference.keys() | after.keys() if reference.get(k) != after.get(k))
        print(
            f"        the complete build after it: {'identical to the clean build' if not differing else 'differs: ' + ', '.join(differing)}"
        )
        print(f"        temporary files in its cache: {temporary_files(stopped / '.cache') or 'none'}", flush=True)


if __name__ == "__main__":
    main()
