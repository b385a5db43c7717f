"""Where a print PDF's layout jobs spend their CPU inside WeasyPrint: parse, cascade, boxes, lines, margins, drawing.

Two steps. First a cold build of the corpus (``bench/corpus.py``; its cache is removed, as
``pdf_timeline.py`` does) in which every layout job's document, photos and settings are kept
in a folder as they reach the worker. Then, in a fresh process standing in for one layout worker
(WeasyPrint and the hyphenation patterns loaded first, as the build does before it forks), every
kept job is laid out again in turn, with WeasyPrint's stages timed by ``process_time`` (CPU,
so the figures hold on a shared machine better than wall time; their shares even more so):

    python bench/pdf_render_split.py --pieces 200            # build, keep the jobs, split them
    python bench/pdf_render_split.py --split DIR [--jobs N]  # split jobs kept before (first N)

Stages are inclusive and nested: "render / pages" holds the lines laid out in it, and a line's
Pango shaping is counted under "split_first_line" as well. ``HTML()`` (the tinyhtml5 parse) is
outside ``render``, as in ``exporters/pdf/layout.py``.
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import functools
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def capture(pieces: int, keep: Path) -> None:
    """A cold print PDF build of the corpus, each layout job kept under ``keep``."""
    from corpus import write_corpus

    from bundler.build.collection import build_collection
    from bundler.executor import WorkOptions
    from bundler.exporters.pdf import layout

    original = layout.lay_out

    def lay_out(job, out):  # in the worker: the parent's module, inherited by fork
        folder = keep / f"{Path(out).stem}-{os.getpid()}-{time.monotonic_ns()}"
        folder.mkdir(parents=True)
        shutil.copy(job.source, folder / "document.xhtml")
        images = []
        for name, file in job.images:
            shutil.copy(file, folder / Path(file).name)
            images.append((name, str(folder / Path(file).name)))
        kept = dataclasses.replace(job, source=str(folder / "document.xhtml"), images=tuple(images))
        (folder / "job.pickle").write_bytes(pickle.dumps(kept))
        return original(job, out)

    layout.lay_out = lay_out
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1462838400")
    root = write_corpus(pieces)
    shutil.rmtree(root / ".cache", ignore_errors=True)
    out = Path(tempfile.mkdtemp(prefix="bundler-split-out-"))
    try:
        build_collection(root, format_names=["pdf"], out_dir=out, work=WorkOptions())
    finally:
        shutil.rmtree(out, ignore_errors=True)


def split(keep: Path, count: int | None) -> str:
    """Lay out the kept jobs in this process, WeasyPrint's stages timed; the table."""
    import pydyf

    from bundler.exporters.pdf import layout

    layout.load_weasyprint()
    layout.load_hyphenation(["en", "ar"])
    import weasyprint
    import weasyprint.document as document
    import weasyprint.layout as weasy_layout
    import weasyprint.layout.inline as inline
    import weasyprint.layout.preferred as preferred
    import weasyprint.pdf as weasy_pdf
    import weasyprint.text.line_break as line_break

    cpu: collections.Counter[str] = collections.Counter()
    calls: collections.Counter[str] = collections.Counter()
    outer = ["job"]

    def timed(module, name: str, label: str, generator: bool = False, stage: bool = False) -> None:
        original = getattr(module, name)

        @functools.wraps(original)
        def wrapper(*args, **kwargs):
            start = time.process_time()
            if stage:
                outer.append(label)
            try:
                result = original(*args, **kwargs)
                return list(result) if generator else result
            finally:
                if stage:
                    outer.pop()
                key = label if stage else f"{outer[-1]} / {label}"
                cpu[key] += time.process_time() - start
                calls[key] += 1

        setattr(module, name, wrapper)

    timed(weasyprint.HTML, "__init__", "HTML() parse (tinyhtml5, cssselect2 wrapper)", stage=True)
    timed(weasyprint.HTML, "render", "render", stage=True)
    timed(document.Document, "write_pdf", "write_pdf", stage=True)
    timed(document, "get_all_computed_styles", "cascade (selectors matched, styles)")
    timed(document, "build_formatting_structure", "box build")
    timed(weasy_layout, "make_all_pages", "pages (block, inline, lines)", generator=True)
    timed(weasy_layout, "make_margin_boxes", "margin boxes", generator=True)
    timed(weasy_layout, "layout_backgrounds", "backgrounds")
    timed(inline, "split_first_line", "split_first_line (lines broken)")
    timed(preferred, "split_first_line", "split_first_line (min/max widths)")
    timed(line_break.Layout, "get_first_line", "Pango shaping (Layout.get_first_line)")
    timed(line_break.Layout, "setup", "Pango layout set up (Layout.setup)")
    timed(document, "draw_page", "pages drawn")
    timed(weasy_pdf, "build_fonts_dictionary", "fonts subset")
    timed(pydyf.PDF, "write", "pydyf write (serialised, zlib)")

    jobs = [pickle.loads(path.read_bytes()) for path in sorted(keep.glob("*/job.pickle"))][:count]
    out = Path(tempfile.mkdtemp(prefix="bundler-split-pdf-"))
    load = os.getloadavg()[0]
    start = time.process_time()
    pages = 0
    try:
        for number, job in enumerate(jobs):
            pages += len(layout.lay_out(job, str(out / f"{number}.pdf")).pages)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    total = time.process_time() - start
    lines = [
        f"{len(jobs)} layout jobs, {pages} pages kept: {total:.2f} CPU s in one process (load {load:.1f} → {os.getloadavg()[0]:.1f})",
        f"| {'stage':<60} | CPU s | share | calls |",
        f"|{'-' * 62}|------:|------:|------:|",
    ]
    lines += [f"| {key:<60} | {cpu[key]:5.2f} | {cpu[key] / total:5.1%} | {calls[key]:>6} |" for key in sorted(cpu)]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pieces", type=int, default=200)
    parser.add_argument("--split", type=Path, metavar="DIR", help="split the jobs kept in DIR (no build)")
    parser.add_argument("--jobs", type=int, help="only the first N kept jobs")
    parser.add_argument("--keep", type=Path, help="keep the jobs here (default: a temporary folder, removed)")
    args = parser.parse_args()
    if args.split:
        return print(split(args.split, args.jobs))
    keep = args.keep or Path(tempfile.mkdtemp(prefix="bundler-split-jobs-"))
    try:
        capture(args.pieces, keep)
        command = [sys.executable, __file__, "--split", str(keep), *(["--jobs", str(args.jobs)] if args.jobs else [])]
        subprocess.run(command, check=True)  # a fresh process, as a layout worker is
    finally:
        if not args.keep:
            shutil.rmtree(keep, ignore_errors=True)


if __name__ == "__main__":
    main()
