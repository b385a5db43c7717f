"""Run one command and measure it: wall time, peak memory of its whole process tree, output size.

Peak memory is sampled (every 20 ms, with psutil) as the sum of the resident set sizes of
the process and all its descendants, so a build that fans out to worker processes is
charged for all of them. The largest single process's ``ru_maxrss`` (from ``wait4``) is
kept too: it catches a peak shorter than the sampling interval.

Summed RSS counts a page shared by several processes once per process (a worker forked from
the build shares the build's loaded libraries until either writes them; a memory-mapped file
is shared by all its readers), so it overstates what the tree takes from the machine. Given a
``timeline`` list, ``run_measured`` also records every sample process by process, with its
proportional set size (PSS: each shared page divided among its sharers, from
``/proc/PID/smaps_rollup``) and its role in the build (``roles``), for ``bench/memory.py``.
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


@dataclass(frozen=True)
class ProcessSample:
    """One process of the tree at one moment."""

    pid: int
    ppid: int
    started: float  # psutil's create_time, to tell apart the pools forked one after another
    rss: int
    pss: int
    helper: str  # "forkserver" or "resource_tracker" (multiprocessing's helpers, by command line), else ""


@dataclass(frozen=True)
class TreeSample:
    """The whole tree at ``seconds`` after the command started."""

    seconds: float
    processes: tuple[ProcessSample, ...]

    @property
    def rss(self) -> int:
        return sum(p.rss for p in self.processes)

    @property
    def pss(self) -> int:
        return sum(p.pss for p in self.processes)


def tree_rss(process: psutil.Process) -> int:
    """Resident bytes of a process and every descendant still alive."""
    total = 0
    for member in [process, *process.children(recursive=True)]:
        try:
            total += member.memory_info().rss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return total


def proportional_set_size(pid: int) -> int:
    """The process's PSS in bytes (0 when it is gone or the kernel has no ``smaps_rollup``)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as rollup:
            for line in rollup:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def sample_tree(process: psutil.Process, started: float) -> TreeSample:
    """Each live process of the tree: RSS, PSS and which multiprocessing helper it runs, if any."""
    members = []
    for member in [process, *process.children(recursive=True)]:
        try:
            with member.oneshot():
                rss, ppid, created = member.memory_info().rss, member.ppid(), member.create_time()
                line = " ".join(member.cmdline())
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
        helper = next((name for name in ("forkserver", "resource_tracker") if name in line), "")
        members.append(ProcessSample(member.pid, ppid, created, rss, proportional_set_size(member.pid), helper))
    return TreeSample(time.perf_counter() - started, tuple(members))


def roles(timeline: list[TreeSample], root: int) -> dict[int, str]:
    """Each pid's role: ``build``, ``fork server``, ``image worker`` (the fork server's children), and the
    workers forked by the build itself, numbered by pool (``pool 1 worker``: the imports; a PDF's
    layout workers come later as ``pool 2``): a pool starts when a worker appears after the last
    one of the previous pool has gone."""
    named: dict[int, str] = {root: "build"}
    forked_from_server = {
        p.pid: p.ppid for s in timeline for p in s.processes if p.helper == "forkserver"
    }  # workers share its command line
    servers = {pid for pid, ppid in forked_from_server.items() if ppid not in forked_from_server}
    trackers = {p.pid for s in timeline for p in s.processes if p.helper == "resource_tracker"}
    pool, alive_before = 0, set()
    for sample in timeline:
        forked = {p.pid for p in sample.processes if p.ppid == root and p.pid not in servers | trackers}
        fresh = forked - named.keys()
        if fresh and not (alive_before & forked):
            pool += 1
        for pid in fresh:
            named[pid] = f"pool {pool} worker"
        alive_before = forked
        for p in sample.processes:
            if p.pid in servers:
                named[p.pid] = "fork server"
            elif p.ppid in servers:
                named.setdefault(p.pid, "image worker")
            elif p.pid in trackers:
                named[p.pid] = "resource tracker"
            else:
                named.setdefault(p.pid, "other")
    return named


def run_measured(
    command: list[str], output: Path | None, cwd: Path | None = None, env: dict | None = None, timeline: list[TreeSample] | None = None
) -> Measurement:
    """Run ``command`` to completion and measure it; ``output`` is the file whose size counts.

    Given ``timeline``, every sample of the tree is appended to it (slower: PSS is read per process),
    and ``timeline[0].processes[0].pid`` is the command's own process."""
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
            if timeline is None:
                peak = max(peak, tree_rss(watcher))
            else:
                timeline.append(sample_tree(watcher, started))
                peak = max(peak, timeline[-1].rss)
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
