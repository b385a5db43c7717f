"""CPU seconds of page numbers and running heads: WeasyPrint overlays (before) against drawn marks (now).

Builds the test suite's large dossier (``tests/pdf/test_pdf_parts.make_large_dossier``: 16
kitchen-sink pieces, Latin and Arabic heads) in parts and, at assembly, times both ways of
drawing the marks on the same laid-out parts, in this process (``process_time``, so a loaded
machine inflates both alike): the old overlay round (one overlay document per part laid out by
WeasyPrint, serially) plus stamping them, and the new way (the probe, planning every page's
marks, drawing them) — the rest of the assembly is the same in both and timed apart.

    python bench/margin_marks_cost.py [en|ar] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("language", nargs="?", default="en")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1462838400")
    import pytest

    import bundler.exporters.pdf.parts as parts
    from bundler.executor import SerialExecutor
    from bundler.exporters import context_for
    from bundler.exporters.pdf.base import edition_title
    from bundler.exporters.pdf.document import render_pdf
    from bundler.exporters.pdf.layout import lay_out_all
    from bundler.model import Edition
    from tests.pdf.test_pdf_parts import PRINT, make_large_dossier

    edition = Edition("pdf")
    ctx = context_for(edition)
    dossier = make_large_dossier(Path(tempfile.mkdtemp(prefix="bundler-marks-bench-")) / "collection", args.language)
    right_to_left = args.language == "ar"
    original = parts.assemble_book
    results: dict[str, list[float]] = {"overlay round": [], "stamping": [], "probe": [], "planning": [], "drawing": []}

    def timed(front, placements, overlays, marks=None):
        for _ in range(args.rounds):
            scratch = Path(tempfile.mkdtemp(prefix="bundler-marks-bench-"))
            settings = parts.LayoutSettings(
                stylesheets=parts.stylesheet_names(dossier, PRINT),
                page_size=PRINT.page_size,
                dpi=PRINT.dpi,
                jpeg_quality=PRINT.jpeg_quality,
                identifier=dossier.identifier,
                faces=parts.pdf_script_faces(dossier),
            )
            start = time.process_time()
            jobs = [
                parts._overlay_job(dossier, edition, PRINT, settings, p, right_to_left, scratch / f"o-{n}.xhtml")
                for n, p in enumerate(placements)
            ]
            laid = lay_out_all(jobs, scratch, "overlay", ctx, SerialExecutor())
            results["overlay round"].append(time.process_time() - start)
            start = time.process_time()
            original(front, placements, laid)
            with_stamps = time.process_time() - start
            parts._GEOMETRIES.clear()
            start = time.process_time()
            geometry = parts.margin_geometry(dossier, edition, PRINT, settings, right_to_left)
            results["probe"].append(time.process_time() - start)
            parts.plan_part.__globals__["shape_line"].cache_clear()
            start = time.process_time()
            title = edition_title(dossier, edition)
            plans = [parts.plan_part(geometry, p.part.pages, p.first_page, title) for p in placements]
            results["planning"].append(time.process_time() - start)
            start = time.process_time()
            original(front, placements, [None] * len(placements), plans)
            with_marks = time.process_time() - start
            start = time.process_time()
            original(front, placements, [None] * len(placements), [None] * len(placements))
            bare = time.process_time() - start
            results["stamping"].append(with_stamps - bare)
            results["drawing"].append(with_marks - bare)
            pages = sum(len(p.part.pages) for p in placements)
        print(f"{args.language}: {len(placements)} parts, {pages} pages; CPU s, best of {args.rounds}:")
        for name, values in results.items():
            print(f"  {name:<14} {min(values):7.3f}  ({1000 * min(values) / pages:.2f} ms a page)")
        before = min(results["overlay round"]) + min(results["stamping"])
        after = min(results["probe"]) + min(results["planning"]) + min(results["drawing"])
        print(f"  before {before:.3f}, after {after:.3f} ({after / before:.2f}x)")
        return original(front, placements, overlays, marks)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(parts, "assemble_book", timed)
        render_pdf(dossier, edition, PRINT, ctx)


if __name__ == "__main__":
    main()
