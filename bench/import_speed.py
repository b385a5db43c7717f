"""Pages per second: bundler's HTML importer against trafilatura alone, on the same pages, in one run.

Run: ``.venv/bin/python bench/import_speed.py [--rounds N] [--pages DIR]``, or on the real
pages of ``../shared/realpages`` (read at run time, never copied): ``--real`` (all 997) or
``--real 200`` (every k-th page). bundler does more than trafilatura (metadata, figures with
image files, notes, and trafilatura itself as a second opinion), so it is expected to be
slower; the ratio is what to watch. On real pages each page is timed with both tools one
after the other, so a noisy, shared machine slows both alike, and the time counted is CPU time
(``time.process_time``), not wall time. ``--profile`` also prints where bundler's time went
(cProfile, the functions with the most time of their own and under them).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "tests" / "fixtures" / "pages"
REAL_PAGES = ROOT.parent / "shared" / "realpages" / "wcxb-dev" / "html"


def time_tool(run, pages: list[Path], rounds: int) -> float:
    """Best-of-``rounds`` pages per second for ``run(page)`` over every page."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for page in pages:
            run(page)
        best = min(best, time.perf_counter() - start)
    return len(pages) / best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pages", type=Path, default=PAGES)
    parser.add_argument("--real", type=int, nargs="?", const=0, default=None, help="real pages (all, or N spread over the set)")
    parser.add_argument("--profile", type=int, nargs="?", const=25, default=0, help="with --real: print the top N functions by time")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    import trafilatura

    from bundler.importers import ImportOptions, read_piece

    if args.real is not None:
        return real_pages(args.real, read_piece, ImportOptions, trafilatura, args.profile)

    pages = sorted(args.pages.rglob("*.html"))
    media = Path(tempfile.mkdtemp(prefix="bench-media-"))
    options = ImportOptions(media_dir=media)
    bundler_rate = time_tool(lambda p: read_piece(p, options), pages, args.rounds)
    trafilatura_rate = time_tool(
        lambda p: trafilatura.extract(p.read_bytes(), include_comments=False, include_tables=True), pages, args.rounds
    )
    size = sum(p.stat().st_size for p in pages) / 1024
    print(f"{len(pages)} pages ({size:.0f} KiB), best of {args.rounds} rounds")
    print(f"{'tool':<28}{'pages/s':>10}")
    print(f"{'bundler read_piece (html)':<28}{bundler_rate:>10.1f}")
    print(f"{'trafilatura.extract':<28}{trafilatura_rate:>10.1f}")
    print(f"bundler takes {trafilatura_rate / bundler_rate:.1f}x trafilatura's time per page")
    return 0


def time_real_pages(count: int, read_piece, ImportOptions, trafilatura, profiler=None) -> tuple[int, dict[str, float], int]:  # noqa: N803
    """(pages, CPU seconds spent by each tool, pages bundler refused): each page timed with both tools in turn."""
    import gzip

    pages = sorted(REAL_PAGES.glob("*.html.gz"))
    if count:
        pages = pages[:: max(1, len(pages) // count)][:count]
    work = Path(tempfile.mkdtemp(prefix="bench-real-"))
    options = ImportOptions(media_dir=work / "media")
    spent = {"bundler": 0.0, "trafilatura": 0.0}
    failed = 0
    for page in pages:
        raw = gzip.decompress(page.read_bytes())
        path = work / page.name.removesuffix(".gz")
        path.write_bytes(raw)
        start = time.process_time()
        if profiler:
            profiler.enable()
        try:
            read_piece(path, options)
        except Exception:  # a refused page still costs its time; counted apart
            failed += 1
        if profiler:
            profiler.disable()
        spent["bundler"] += time.process_time() - start
        start = time.process_time()
        trafilatura.extract(raw.decode("utf-8", "replace"), include_comments=False)
        spent["trafilatura"] += time.process_time() - start
    return len(pages), spent, failed


def real_pages(count: int, read_piece, ImportOptions, trafilatura, profile: int = 0) -> int:  # noqa: N803 (classes passed in)
    """Pages per second on real pages, both tools timed page by page (CPU time), side by side."""
    import cProfile
    import pstats

    if not REAL_PAGES.is_dir():
        print(f"no real pages at {REAL_PAGES}", file=sys.stderr)
        return 1
    profiler = cProfile.Profile() if profile else None
    pages, spent, failed = time_real_pages(count, read_piece, ImportOptions, trafilatura, profiler)
    print(f"{pages} real pages (WCXB v1.0 dev split, CC-BY-4.0), each timed with both tools in turn; {failed} refused by bundler")
    print(f"{'tool':<28}{'pages/s':>10}")
    for name, seconds in spent.items():
        print(f"{name:<28}{pages / seconds:>10.1f}")
    print(f"bundler imports {spent['trafilatura'] / spent['bundler']:.2f}x as many pages per second as trafilatura.extract")
    print(
        f"CPU seconds: bundler {spent['bundler']:.2f}, trafilatura {spent['trafilatura']:.2f} (ratio {spent['trafilatura'] / spent['bundler']:.3f})"
    )
    if profiler:  # under the profiler bundler's own time is inflated; the shares are what to read
        for order in ("cumulative", "tottime"):
            pstats.Stats(profiler, stream=sys.stdout).sort_stats(order).print_stats(profile)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    sys.exit(main())
