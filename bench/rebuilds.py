"""Cold, warm and one-changed rebuilds of one corpus, several rounds, in wall and CPU time.

``bench/run.py`` measures each build once, in wall time only, which on a shared machine says
little about a 2-second rebuild. This runs the same three builds (``python -m bundler --quiet
build ROOT --format FMT --out OUT``: cache deleted, nothing changed, then one piece's text
changed as ``run.py``'s ``touch_one_piece`` does) ``--rounds`` times and prints each build's
wall time and the CPU time of its whole process tree (the build, its workers, the image workers'
fork server and its workers: this process adopts and reaps them all), with warm ÷ cold and one changed ÷ cold for both.

bundler's modules are compiled to bytecode first, as ``make install`` and an installed wheel have
them: this machine sets ``PYTHONDONTWRITEBYTECODE``, so a module edited since the last ``make
install`` was compiled from source by every build (~0.4 CPU s of a one-changed build when none
was compiled), and the ratios moved with how long ago that was. ``--source-only`` measures without.

    python bench/rebuilds.py bench/output/corpus-200 --format epub html --rounds 3
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import touch_one_piece  # noqa: E402

#: Linux's ``prctl`` option making this process the reaper of its orphaned descendants.
_PR_SET_CHILD_SUBREAPER = 36


def become_subreaper() -> None:
    """Adopt every process a build leaves behind, so their CPU time is counted when they are reaped.

    The image workers are children of a fork server, which outlives the build by a moment and is
    never waited for by it: without this their CPU (most of a cold build's) would be missed.
    """
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_CHILD_SUBREAPER, 1)


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_build(command: list[str]) -> tuple[float, float]:
    """Wall seconds of one build, and CPU seconds of its whole process tree (workers and fork server included)."""
    cpu = children_cpu()
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, _ = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) != 0:
            errors.seek(0)
            raise SystemExit(f"build failed: {errors.read().decode('utf-8', 'replace')[-2000:]}")
    with contextlib.suppress(ChildProcessError):
        while True:  # the orphans adopted (the fork server, its workers): reaped, so their CPU is counted
            os.waitpid(-1, 0)
    return wall, children_cpu() - cpu


def compile_bytecode() -> Path:
    """Compile the bundler the builds will run (``PYTHONPATH`` honoured) to bytecode; returns its package folder."""
    where = [sys.executable, "-c", "import bundler, os; print(os.path.dirname(bundler.__file__))"]
    package = Path(subprocess.run(where, capture_output=True, text=True, check=True).stdout.strip())
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], stdout=subprocess.DEVNULL, check=True)
    return package


def measure_round(root: Path, fmt: str, out: Path) -> dict[str, tuple[float, float]]:
    """One cold, one warm and one one-changed build of ``fmt``."""
    command = [sys.executable, "-m", "bundler", "--quiet", "build", str(root), "--format", fmt, "--out", str(out)]
    shutil.rmtree(root / ".cache", ignore_errors=True)
    runs = {"cold": run_build(command), "warm": run_build(command)}
    touch_one_piece(root, "html")
    try:
        runs["one changed"] = run_build(command)
    finally:
        touch_one_piece(root, "html", restore=True)
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description="cold / warm / one-changed rebuilds, wall and CPU")
    parser.add_argument("root", type=Path, help="a corpus written by bench/corpus.py (use a copy: its cache is deleted)")
    parser.add_argument("--format", nargs="+", default=["epub", "html"])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--source-only", action="store_true", help="do not compile bundler's modules to bytecode first")
    args = parser.parse_args()
    if not args.source_only:
        print(f"bytecode compiled: {compile_bytecode()}")
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1462838400")
    become_subreaper()
    with tempfile.TemporaryDirectory(prefix="bundler-rebuilds-") as out:
        for fmt in args.format:
            rounds = [measure_round(args.root, fmt, Path(out)) for _ in range(args.rounds)]
            print(f"{fmt}: load average {os.getloadavg()[0]:.1f} at the end")
            for name in ("cold", "warm", "one changed"):
                walls = [r[name][0] for r in rounds]
                cpus = [r[name][1] for r in rounds]
                print(f"  {name:12} wall {' '.join(f'{w:6.2f}' for w in walls)}   cpu {' '.join(f'{c:6.2f}' for c in cpus)}")
            for name in ("warm", "one changed"):
                wall = statistics.median(r[name][0] / r["cold"][0] for r in rounds)
                cpu = statistics.median(r[name][1] / r["cold"][1] for r in rounds)
                print(f"  {name:12} ÷ cold (median of rounds): wall {wall:.3f}×  cpu {cpu:.3f}×")


if __name__ == "__main__":
    main()
