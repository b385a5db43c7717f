"""Where a cold build's memory goes: peak of the process tree per edition, and which process held what, when.

Each build runs cold (the collection's cache deleted) as ``python -m bundler --quiet build ROOT
--format FMT``, sampled every 50 ms by ``measure.run_measured`` with a timeline. Printed per build:
wall and CPU seconds (the whole tree's, fork server and its workers included: this process adopts
them, as ``bench/rebuilds.py`` does), the peak of summed RSS (the figure ``bench/run.py`` reports and
issue 19's budget is stated in) and of summed PSS (shared pages divided among their sharers, what the
tree takes from the machine), what each role held at the RSS peak, each role's largest process,
and with ``--timeline`` the tree second by second. Roles: ``build`` (the CLI process), ``pool 1``
(the import workers it forks), ``fork server`` and ``image worker`` (the image stage's), ``pool 2``
(a PDF's layout workers).

    python bench/memory.py --pieces 1000 --format epub pdf html [--timeline]
    PYTHONPATH=../base/src python bench/memory.py --corpus COPY --format pdf   # another checkout, a corpus copy

``--corpus`` builds a corpus folder written before (e.g. a hard-linked copy, ``cp -al``, so that two checkouts
can be measured side by side without sharing a cache) instead of writing ``bench/output/corpus-N``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import OUTPUT, write_corpus  # noqa: E402
from measure import Measurement, TreeSample, roles, run_measured  # noqa: E402
from rebuilds import become_subreaper, children_cpu  # noqa: E402

MB = 1e6


def by_role(sample: TreeSample, named: dict[int, str], field: str = "rss") -> dict[str, tuple[int, float]]:
    """Per role at one sample: how many processes and their summed ``field`` in MB."""
    held: dict[str, list] = defaultdict(lambda: [0, 0.0])
    for process in sample.processes:
        entry = held[named.get(process.pid, "other")]
        entry[0] += 1
        entry[1] += getattr(process, field) / MB
    return {role: (count, megabytes) for role, (count, megabytes) in held.items()}


def describe(held: dict[str, tuple[int, float]]) -> str:
    return ", ".join(f"{role} ×{count} {mb:.0f}" if count > 1 else f"{role} {mb:.0f}" for role, (count, mb) in sorted(held.items()))


def cold_build(root: Path, fmt: str, out: Path, jobs: int | None) -> tuple[Measurement, float, list[TreeSample]]:
    """One cold build of ``fmt``: its measurement, the tree's CPU seconds and the timeline."""
    command = [sys.executable, "-m", "bundler", "--quiet", "build", str(root), "--format", fmt, "--out", str(out)]
    if jobs:
        command += ["--jobs", str(jobs)]
    shutil.rmtree(root / ".cache", ignore_errors=True)
    timeline: list[TreeSample] = []
    cpu = children_cpu()
    measured = run_measured(command, out / root.name / f"{root.name}.{fmt}", timeline=timeline)
    with contextlib.suppress(ChildProcessError):
        while True:  # the orphans adopted (the fork server, its workers): reaped, so their CPU is counted
            os.waitpid(-1, 0)
    return measured, children_cpu() - cpu, timeline


def report(size: int, fmt: str, measured: Measurement, cpu: float, timeline: list[TreeSample], seconds_step: float | None) -> None:
    if not measured.ok or not timeline:
        print(f"{size} {fmt}: failed: {measured.note}")
        return
    named = roles(timeline, timeline[0].processes[0].pid)
    at_peak = max(timeline, key=lambda s: s.rss)
    largest: dict[str, float] = defaultdict(float)
    for sample in timeline:
        for process in sample.processes:
            role = named.get(process.pid, "other")
            largest[role] = max(largest[role], process.rss / MB)
    print(
        f"{size} pieces {fmt.upper()}: cold {measured.seconds:.1f} s wall, {cpu:.1f} s CPU; peak RSS {measured.peak_mb:.0f} MB "
        f"(sampled {at_peak.rss / MB:.0f} at {at_peak.seconds:.1f} s), peak PSS {max(s.pss for s in timeline) / MB:.0f} MB; "
        f"largest process {measured.max_process_mb:.0f} MB; output {measured.output_bytes / MB:.1f} MB"
    )
    print(f"  at the RSS peak (RSS MB): {describe(by_role(at_peak, named))}")
    print(f"  at the RSS peak (PSS MB): {describe(by_role(at_peak, named, 'pss'))}")
    print("  largest process per role (RSS MB): " + ", ".join(f"{role} {mb:.0f}" for role, mb in sorted(largest.items())))
    if seconds_step:
        next_at = 0.0
        for sample in timeline:
            if sample.seconds >= next_at:
                print(
                    f"  {sample.seconds:6.1f} s  RSS {sample.rss / MB:5.0f}  PSS {sample.pss / MB:5.0f}  {describe(by_role(sample, named))}"
                )
                next_at = sample.seconds + seconds_step


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pieces", type=int, nargs="+", default=[200])
    parser.add_argument("--format", nargs="+", choices=("epub", "pdf", "html"), default=["epub", "pdf", "html"])
    parser.add_argument("--corpus", type=Path, help="build this corpus folder (its .cache is deleted) instead of --pieces")
    parser.add_argument("--jobs", type=int, help="bundler --jobs (default: one per core)")
    parser.add_argument("--timeline", type=float, nargs="?", const=2.0, help="print the tree every N seconds (default 2)")
    args = parser.parse_args()
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1462838400")
    become_subreaper()
    for size in [0] if args.corpus else args.pieces:
        root = args.corpus.resolve() if args.corpus else write_corpus(size)
        size = size or len(list((root / "html").glob("piece-*.html")))
        out = OUTPUT / "results" / f"memory-{root.name}-{os.getpid()}"
        for fmt in args.format:
            shutil.rmtree(out, ignore_errors=True)
            measured, cpu, timeline = cold_build(root, fmt, out, args.jobs)
            report(size, fmt, measured, cpu, timeline, args.timeline)
            sys.stdout.flush()


if __name__ == "__main__":
    main()
