"""Where a cold build's seconds go: a timeline of stages and of every PDF layout job, wall and CPU.

Runs ``build_collection`` in this process with a progress callback that marks each stage
(manifest, import, images, write), and wraps the PDF exporter's steps (fragments, part
documents, each layout pool, assembly, font sharing, the final checks) and, in the layout
workers, each job's WeasyPrint ``render`` and ``write_pdf``. The wrappers are installed before
the worker pools fork, so the workers inherit them; each worker appends its records to a file.

The machine this project runs on is shared, so CPU time is measured beside wall time: the
parent's ``process_time`` and its reaped children's ``getrusage`` per stage, and each layout
job's own ``process_time``. The image stage's photo jobs run in workers forked from a fork
server, which inherit nothing from here: ``timeline_probe.py`` is added to that server's preload
list and records each job's CPU and its worker's whole CPU (so the stage's CPU outside its jobs
shows). On two idle cores the ideal wall time of a stage is max(CPU / 2, its longest job).

    python bench/pdf_timeline.py --pieces 200 [--format pdf] [--jobs 2]
    python bench/pdf_timeline.py --one-changed bench/output/corpus-200   # a rebuild after one piece changed

``--one-changed ROOT`` times a rebuild of a corpus whose cache is filled (one untimed build first
makes sure of it) after the middle piece's text changed by a sentence never used before, so
nothing of it is cached; the piece is restored afterwards.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import os
import resource
import shutil
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import with_sentence_added, write_corpus  # noqa: E402

RECORDS = Path(tempfile.gettempdir()) / f"bundler-timeline-{os.getpid()}.jsonl"
T0 = time.time()


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def record(**fields) -> None:
    """One line of the timeline, from the parent or a worker (appends are atomic for short lines)."""
    with RECORDS.open("a", encoding="utf-8") as out:
        out.write(json.dumps(fields) + "\n")


def wrap(module, name: str, label: str, children: bool = False) -> None:
    """Record the wall and CPU time of every call of ``module.name``."""
    original = getattr(module, name)

    @functools.wraps(original)
    def timed(*args, **kwargs):
        start, cpu, kids = time.time(), time.process_time(), children_cpu()
        try:
            return original(*args, **kwargs)
        finally:
            used = time.process_time() - cpu
            record(
                kind="step",
                label=label,
                pid=os.getpid(),
                start=start - T0,
                end=time.time() - T0,
                cpu=used,
                children=children_cpu() - kids if children else 0.0,
                detail=Path(str(args[1])).stem if name == "lay_out" else "",
                **(job_features(args[0]) if name == "lay_out" else {}),
            )

    setattr(module, name, timed)


def job_features(job) -> dict:
    """What the layout scheduler prices a job by (``layout_features``), read after the job was timed."""
    try:
        from bundler.exporters.pdf.layout import layout_features
    except ImportError:  # a checkout before the features (a base run): times only
        return {}
    markup = Path(job.source).read_text(encoding="utf-8")
    text, elements, photos = layout_features(markup)
    return {"text": text, "elements": elements, "photos": photos, "length": len(markup), "cost": job.cost}


def fit(paths: list[Path]) -> str:
    """Least squares of each layout job's CPU on its text, elements, photos and a constant; weights in characters of text."""
    import numpy

    jobs = [r for path in paths for r in json.loads(path.read_text(encoding="utf-8"))["records"] if r.get("label") == "layout job"]
    jobs = [r for r in jobs if "text" in r]
    rows = numpy.array([[r["text"], r["elements"], r["photos"], 1.0] for r in jobs])
    cpu = numpy.array([r["cpu"] for r in jobs])
    (text, element, photo, fixed), *_ = numpy.linalg.lstsq(rows, cpu, rcond=None)
    predicted = rows @ numpy.array([text, element, photo, fixed])
    r2 = 1 - ((cpu - predicted) ** 2).sum() / ((cpu - cpu.mean()) ** 2).sum()
    lines = [
        f"{len(jobs)} layout jobs from {len(paths)} runs; CPU s = {text * 1e6:.2f} µs × text chars + {element * 1e3:.3f} ms × elements"
        f" + {photo * 1e3:.1f} ms × photos + {fixed:.3f} s (R² {r2:.3f})",
        f"in characters of text: an element ≈ {element / text:.0f}, a photo ≈ {photo / text:.0f}, a job's fixed cost ≈ {fixed / text:.0f}",
    ]
    guesses = {
        "text + 70 × elements + 5,000 × photos": rows[:, :3] @ numpy.array([1.0, 70.0, 5000.0]),
        "markup length + 60,000 × photos (before)": numpy.array([r["length"] + 60_000 * r["photos"] for r in jobs], dtype=float),
    }
    for name, guess in guesses.items():  # each guess scaled to CPU s by least squares through 0, as the scheduler uses it
        scale = (guess @ cpu) / (guess @ guess)
        residual = cpu - scale * guess
        lines.append(f"{name}: CPU ≈ {scale * 1e6:.3f} µs × cost, rms error {numpy.sqrt((residual**2).mean()):.3f} s")
    return "\n".join(lines)


def install_weasyprint() -> None:
    """Wrap WeasyPrint's two steps, once per process, where it is first used (importing it here would hide its import's cost)."""
    import weasyprint
    import weasyprint.document

    if not hasattr(weasyprint.HTML.render, "__wrapped__"):
        wrap(weasyprint.HTML, "render", "weasyprint render")
        wrap(weasyprint.document.Document, "write_pdf", "weasyprint write_pdf")


def install_image_probe() -> None:
    """Have the image workers' fork server load ``timeline_probe`` (each photo job's CPU recorded); a no-op for older code."""
    from bundler.build import collection, image_stage

    if not hasattr(image_stage, "WORKER_MODULES"):
        return
    bench = str(Path(__file__).resolve().parent)  # the fork server is a fresh interpreter: it finds the probe by PYTHONPATH
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [bench, os.environ.get("PYTHONPATH")]))
    os.environ["BUNDLER_TIMELINE_RECORDS"] = str(RECORDS)
    for module in (collection, image_stage):
        if "timeline_probe" not in module.WORKER_MODULES:
            module.WORKER_MODULES = (*module.WORKER_MODULES, "timeline_probe")


def install() -> None:
    """Wrap the PDF exporter's steps; workers forked later inherit the wrappers."""
    from bundler.exporters.pdf import assembly, document, layout, parts

    install_image_probe()

    original = layout.lay_out

    def lay_out(job, out):
        install_weasyprint()
        return original(job, out)

    layout.lay_out = lay_out
    wrap(layout, "lay_out", "layout job")
    wrap(parts, "pdf_fragments", "fragments (cover and contents)")
    wrap(parts, "_part_job", "part document (rendered)")
    wrap(parts, "_front_job", "front document")
    wrap(parts, "_overlay_job", "overlay document")
    wrap(parts, "margin_geometry", "margin probe (one small layout)")
    wrap(assembly, "_draw_marks", "margin marks drawn (per page)")
    if hasattr(parts, "lay_out_all"):  # before branch pipe6
        wrap(parts, "lay_out_all", "layout pool", children=True)
    else:  # jobs start while the parent still writes documents: this is the wait from the last one added
        wrap(layout.LayoutRound, "finish", "layout round (after last add)", children=True)
    wrap(parts, "assemble_book", "assembly")
    wrap(assembly, "share_font_programs", "font sharing")
    wrap(document, "foreign_fonts", "check: fonts used")
    wrap(document, "mark_right_to_left", "mark right-to-left")
    wrap(document, "report_missing_glyphs", "check: missing glyphs")


class TreeCpu:
    """CPU seconds used so far by this process and every descendant (the fork server's workers too), sampled."""

    def __init__(self, interval: float = 0.5) -> None:
        import psutil

        self.me = psutil.Process()
        self.seen: dict[int, float] = {}
        self.interval = interval
        self.running = True
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def sample(self) -> float:
        import psutil

        with self.lock:
            for member in [self.me, *self.me.children(recursive=True)]:
                try:
                    times = member.cpu_times()
                    self.seen[member.pid] = times.user + times.system
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    pass
            return sum(self.seen.values())

    def run(self) -> None:
        while self.running:
            self.sample()
            time.sleep(self.interval)

    def stop(self) -> float:
        self.running = False
        self.thread.join()
        return self.sample()


def progress_marks(tree: TreeCpu):
    """A progress callback that records when each stage starts (wall, and CPU of the whole process tree)."""
    marks: dict[str, list[float]] = {}

    def progress(stage: str, done: int, total: int) -> None:
        if stage not in marks:
            marks[stage] = [time.time() - T0, tree.sample()]

    return progress, marks


def summarise(records: list[dict], marks: dict[str, list[float]], total_wall: float, total_cpu: float, cores: int) -> str:
    """The timeline as text: stages, steps, layout jobs per worker, and the ideal against the real."""
    lines = [f"total: wall {total_wall:.2f} s, CPU {total_cpu:.2f} s (ideal on {cores} idle cores ≥ {total_cpu / cores:.2f} s)"]
    lines.append(f"\nstages (from one progress mark to the next; CPU of the whole process tree; ideal = CPU / {cores}):")
    stages = sorted(marks.items(), key=lambda item: item[1][0])
    for index, (stage, (start, cpu0)) in enumerate(stages):
        end, cpu1 = stages[index + 1][1] if index + 1 < len(stages) else (total_wall, total_cpu)
        idle = cores * (end - start) - (cpu1 - cpu0)  # core-seconds no process of the build used (on a loaded machine: others' too)
        lines.append(
            f"  {stage:<16} {start:7.2f} → {end:7.2f}  wall {end - start:6.2f}  cpu {cpu1 - cpu0:6.2f}  ideal {(cpu1 - cpu0) / cores:6.2f}"
            f"  idle core-s {idle:6.2f}"
        )
    steps = defaultdict(lambda: [0, 0.0, 0.0, 0.0, float("inf"), 0.0])
    for item in records:
        step = steps[(item["label"], item["pid"] == os.getpid())]
        step[0] += 1
        step[1] += item["end"] - item["start"]
        step[2] += item["cpu"]
        step[3] += item["children"]
        step[4] = min(step[4], item["start"])
        step[5] = max(step[5], item["end"])
    lines.append("\nsteps (count, summed wall, summed CPU, first start → last end):")
    for (label, parent), (count, wall, cpu, kids, first, last) in sorted(steps.items(), key=lambda item: item[1][4]):
        where = "parent" if parent else "workers"
        extra = f" + workers {kids:6.2f}" if kids else ""
        lines.append(f"  {label:<34} {where:<7} ×{count:<4} wall {wall:7.2f}  cpu {cpu:7.2f}{extra}  {first:7.2f} → {last:7.2f}")
    lines.extend(image_workers(records))
    jobs = sorted((r for r in records if r["label"] == "layout job"), key=lambda r: r["start"])
    busy = defaultdict(float)
    for job in jobs:
        busy[job["pid"]] += job["end"] - job["start"]
    if jobs:
        lines.append("\nlayout jobs per worker (busy wall s): " + ", ".join(f"{pid}: {seconds:.2f}" for pid, seconds in busy.items()))
        lines.append("layout jobs (start, end, cpu): longest " + f"{max(j['end'] - j['start'] for j in jobs):.2f} s")
        for job in jobs:
            lines.append(f"    {job['detail']:<12} pid {job['pid']:>7} {job['start']:7.2f} → {job['end']:7.2f}  cpu {job['cpu']:5.2f}")
        lines.append(idle_tail([j for j in jobs if j["detail"].startswith("layout-")]))
        lines.extend(serial_spans(records, jobs, total_wall))
    return "\n".join(lines)


def serial_spans(records: list[dict], jobs: list[dict], total_wall: float) -> list[str]:
    """The spans where the build has at most one process at work, in wall seconds: where a core waits."""
    photos = [r["end"] for r in records if r["label"] == "image job"]
    contents = [j for j in jobs if j["detail"].startswith("contents")]
    parts_end = max((j["end"] for j in jobs if j["detail"].startswith("layout-")), default=None)
    assembly = [r for r in records if r["label"] == "assembly"]
    spans = []
    if photos:
        spans.append(("last photo → first layout job (the parent writes part documents)", max(photos), jobs[0]["start"]))
    if contents and parts_end is not None:
        spans.append(("last part → contents job (the parent places the parts)", parts_end, contents[0]["start"]))
        spans.append(("contents job (the parent probes and plans the marks beside it)", contents[0]["start"], contents[-1]["end"]))
    if contents and assembly:
        spans.append(("contents job's end → assembly (the layout workers end)", contents[-1]["end"], assembly[0]["start"]))
    if assembly:
        spans.append(("assembly (pikepdf, parent alone)", assembly[0]["start"], assembly[0]["end"]))
        spans.append(("assembly → done (checks, the file written and cached)", assembly[0]["end"], total_wall))
    return ["serial spans (wall s):"] + [f"    {label:<66} {end - start:6.2f}" for label, start, end in spans]


def image_workers(records: list[dict]) -> list[str]:
    """Each image worker's photo jobs: their CPU, the worker's whole CPU at its last job, its first and median job."""
    per_worker = defaultdict(list)
    for item in records:
        if item["label"] == "image job":
            per_worker[item["pid"]].append(item)
    if not per_worker:
        return []
    lines = ["\nimage workers (CPU s of the photo jobs; the process's whole CPU at its last job; first and median job ms):"]
    for pid, jobs in per_worker.items():
        jobs.sort(key=lambda job: job["start"])
        cpus = sorted(job["cpu"] for job in jobs)
        lines.append(
            f"    pid {pid:>7} ×{len(jobs):<4} jobs {sum(cpus):6.2f}  process {jobs[-1]['process_cpu']:6.2f}"
            f"  first {jobs[0]['cpu'] * 1000:5.0f}  median {cpus[len(cpus) // 2] * 1000:5.1f}"
        )
    return lines


def idle_tail(jobs: list[dict]) -> str:
    """How long the parts round's last worker ran alone at its end: wall, and the CPU of its jobs in that span."""
    ends: dict[int, float] = defaultdict(float)
    for job in jobs:
        ends[job["pid"]] = max(ends[job["pid"]], job["end"])
    if len(ends) < 2:
        return "parts round: one worker"
    first_done, last_done = sorted(ends.values())[-2:]
    alone = 0.0
    for job in jobs:
        overlap = job["end"] - max(job["start"], first_done)
        if overlap > 0 and job["end"] > first_done:
            alone += job["cpu"] * overlap / (job["end"] - job["start"])  # the job's CPU, pro rata of its wall after the other ended
    return f"parts round's idle tail: one worker alone for {last_done - first_done:.2f} s of wall, ≈ {alone:.2f} CPU s of its jobs"


def link_photos(source: str, target: str) -> None:
    """Hard-link a photo (read only), copy anything else."""
    if source.endswith(".jpg"):
        os.link(source, target)
    else:
        shutil.copy2(source, target)


def main() -> None:
    parser = argparse.ArgumentParser(description="timeline of a cold bundler build")
    parser.add_argument("--pieces", type=int, default=200)
    parser.add_argument("--format", default="pdf")
    parser.add_argument("--jobs", type=int)
    parser.add_argument("--json", type=Path, help="also write the raw records here")
    parser.add_argument(
        "--fit", type=Path, nargs="+", metavar="JSON", help="fit the layout cost's weights to the jobs of these --json runs"
    )
    parser.add_argument("--copy", action="store_true", help="build a linked copy of the corpus (bench/run.py may be using it)")
    parser.add_argument(
        "--one-changed", type=Path, metavar="ROOT", help="time a one-changed rebuild of this corpus (a copy: one page is edited)"
    )
    args = parser.parse_args()
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1462838400")
    if args.fit:
        return print(fit(args.fit))
    if args.one_changed:
        return time_one_changed(args)
    root = write_corpus(args.pieces)
    if args.copy:  # pages copied (run.py edits one in place), photos hard-linked; its cache stays its own
        copy = Path(tempfile.mkdtemp(prefix="bundler-timeline-corpus-")) / root.name
        shutil.copytree(root, copy, copy_function=link_photos, ignore=shutil.ignore_patterns(".cache"))
        root = copy
    shutil.rmtree(root / ".cache", ignore_errors=True)
    out = Path(tempfile.mkdtemp(prefix="bundler-timeline-out-"))
    timeline = timed_build(root, args, out)
    for made in sorted(out.rglob(f"*.{args.format}")):  # so a branch's output can be compared with main's
        print(f"output {made.name}: sha256 {hashlib.sha256(made.read_bytes()).hexdigest()}, {made.stat().st_size:,} bytes")
    shutil.rmtree(out, ignore_errors=True)
    if args.copy:
        shutil.rmtree(root.parent, ignore_errors=True)
    print(f"{args.pieces} pieces, {args.format}, cold; {timeline}")


def timed_build(root: Path, args, out: Path) -> str:
    """Build ``root`` in this process with every step recorded; the timeline's summary, load averages first."""
    from bundler.build.collection import build_collection
    from bundler.executor import WorkOptions

    install()
    tree = TreeCpu()
    progress, marks = progress_marks(tree)
    RECORDS.unlink(missing_ok=True)
    load = os.getloadavg()[0]
    global T0
    T0 = time.time()
    os.environ["BUNDLER_TIMELINE_T0"] = repr(T0)  # for the image workers' records (timeline_probe)
    cpu = tree.sample()
    build_collection(root, format_names=[args.format], out_dir=out, progress=progress, work=WorkOptions(jobs=args.jobs))
    total_wall = time.time() - T0
    total_cpu = tree.stop() - cpu
    marks = {stage: [start, used - cpu] for stage, (start, used) in marks.items()}
    records = [json.loads(line) for line in RECORDS.read_text(encoding="utf-8").splitlines()] if RECORDS.exists() else []
    RECORDS.unlink(missing_ok=True)
    if args.json:
        args.json.write_text(json.dumps({"records": records, "marks": marks}, indent=1), encoding="utf-8")
    summary = summarise(records, marks, total_wall, total_cpu, args.jobs or os.cpu_count() or 1)
    return f"load average {load:.1f} before, {os.getloadavg()[0]:.1f} after\n{summary}"


def time_one_changed(args) -> None:
    """The timeline of a rebuild after one piece changed (the cache filled first, untimed)."""
    from bundler.build.collection import build_collection
    from bundler.executor import WorkOptions

    root = args.one_changed
    out = Path(tempfile.mkdtemp(prefix="bundler-timeline-out-"))
    build_collection(root, format_names=[args.format], out_dir=out, work=WorkOptions(jobs=args.jobs))  # fills the cache
    pages = sorted((root / "html").glob("piece-*"))
    page = pages[len(pages) // 2]
    original = page.read_text(encoding="utf-8")
    # a sentence never seen before, so the import cache cannot hold the edited page
    page.write_text(with_sentence_added(original, f" (Timeline edit {time.time_ns()}.)", "html"), encoding="utf-8")
    try:
        timeline = timed_build(root, args, out)
    finally:
        page.write_text(original, encoding="utf-8")
    shutil.rmtree(out, ignore_errors=True)
    print(f"{root.name}, {args.format}, one changed; {timeline}")


if __name__ == "__main__":
    main()
