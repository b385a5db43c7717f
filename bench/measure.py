"""Run one command and measure it: wall time, peak memory of its whole process tree, output size.

Peak memory is sampled (every 20 ms, with psutil) as the sum of the resident set sizes of
the process and all its descendants, so a build that fans out to worker processes is
charged for all of them. The largest single process's ``ru_maxrss`` (from ``wait4``) is
kept too: it catches a peak shorter than the sampling interval.
"""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import psutil


@dataclass(frozen=True)
class Measurement:
    """One timed run."""

    seconds: float
    peak_mb: float  # sampled peak of the process tree's summed RSS
    max_process_mb: float  # the largest single process (ru_maxrss)
    output_bytes: int
    ok: bool
    note: str = ""


def tree_rss(process: psutil.Process) -> int:
    """Resident bytes of a process and every descendant still alive."""
    total = 0
    for member in [process, *process.children(recursive=True)]:
        try:
            total += member.memory_info().rss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return total


def run_measured(command: list[str], output: Path | None, cwd: Path | None = None, env: dict | None = None) -> Measurement:
    """Run ``command`` to completion and measure it; ``output`` is the file whose size counts."""
    if output is not None and output.exists():
        output.unlink()
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    watcher = psutil.Process(child.pid)
    peak = 0
    status, usage = 0, None
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            break
        try:
            peak = max(peak, tree_rss(watcher))
        except psutil.NoSuchProcess:
            pass
        time.sleep(0.02)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    errors = child.stderr.read().decode("utf-8", "replace") if child.stderr else ""
    ok = child.returncode == 0 and (output is None or output.is_file())
    size = output.stat().st_size if output is not None and output.is_file() else 0
    max_process = usage.ru_maxrss / 1024 if usage else 0.0
    note = "" if ok else (errors.strip().splitlines() or [f"exit {child.returncode}"])[-1][:160]
    return Measurement(seconds, max(peak, usage.ru_maxrss * 1024 if usage else 0) / 1e6, max_process, size, ok, note)
