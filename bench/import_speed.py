"""Pages per second: bundler's HTML importer against trafilatura alone, on the same pages, in one run.

Run: ``.venv/bin/python bench/import_speed.py [--rounds N] [--pages DIR]``. bundler does
more than trafilatura (metadata, figures with image files, notes, and trafilatura itself as
a second opinion), so it is expected to be slower; the ratio is what to watch.
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
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    import trafilatura

    from bundler.importers import ImportOptions, read_piece

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


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    sys.exit(main())
