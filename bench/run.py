"""bundler against its peers, side by side in one run: wall time, peak memory, output size.

For each corpus size: bundler's EPUB vs pandoc (HTML to EPUB) and calibre's ebook-convert;
bundler's print PDF vs one WeasyPrint render of the same combined HTML and vs ebook-convert;
bundler's one-file HTML edition vs ``pandoc --standalone --embed-resources`` (HTML to HTML).
Then the real-page gauntlet's import: pages per second of bundler's importer beside
``trafilatura.extract`` on the same real pages (``../shared/realpages``, ``--real-pages N``).
bundler is measured cold (empty cache), warm (nothing changed) and after one piece changed.
Peers read one combined HTML file of the same articles (prepared, untimed). Missing peers
are installed with apt-get when running as root; otherwise their rows say why they are
missing. Prints a table with ratios (peer / bundler: above 1 means bundler is faster/smaller).

    python bench/run.py                 # 10, 50 and 200 pieces
    python bench/run.py --full          # also 1,000 pieces
    python bench/run.py --sizes 200 --skip-peers
    python bench/run.py --sizes 1000 --skip-peers --cold-only   # bundler's cold builds only (peak memory at scale)
    python bench/run.py --sizes 200 --real-pages 100   # 100 real pages (0: all 997; -1: none)
    python bench/run.py --sizes 200 --outputs pdf --cold-only --peers weasyprint --real-pages -1   # the cold print PDF beside one render
"""

from __future__ import annotations

import argparse
import html
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import OUTPUT, with_sentence_added, write_corpus  # noqa: E402
from measure import Measurement, run_measured  # noqa: E402

PEERS = {"pandoc": "pandoc", "ebook-convert": "calibre"}


@dataclass
class Row:
    """One line of the table."""

    size: int
    output: str  # "EPUB", "PDF", "HTML" or "import"
    tool: str
    runs: dict[str, Measurement]  # "cold", "warm", "one changed"


def ensure_peer(command: str) -> str:
    """The peer's path, installing its Debian package when missing and running as root; '' if absent."""
    found = shutil.which(command)
    if found or os.geteuid() != 0 or not shutil.which("apt-get"):
        return found or ""
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", PEERS[command]], env=env, capture_output=True)
    return shutil.which(command) or ""


def embed_flag(pandoc: str) -> str:
    """pandoc's option for one self-contained HTML file: ``--embed-resources`` from 2.19, ``--self-contained`` before."""
    usage = subprocess.run([pandoc, "--help"], capture_output=True, text=True).stdout
    return "--embed-resources" if "--embed-resources" in usage else "--self-contained"


def tool_versions() -> dict[str, str]:
    """Versions of everything measured, for the README."""
    import weasyprint

    import bundler

    versions = {"bundler": bundler.__version__, "weasyprint": weasyprint.__version__, "python": sys.version.split()[0]}
    for command, flag in (("pandoc", "--version"), ("ebook-convert", "--version")):
        if shutil.which(command):
            out = subprocess.run([command, flag], capture_output=True, text=True).stdout.strip().splitlines()
            versions[command] = out[0] if out else "?"
    return versions


def source_kind() -> str:
    """HTML articles when this checkout has an HTML importer, else their Markdown twins."""
    from bundler.importers import sources

    return "html" if "html" in sources() else "markdown"


def write_combined_html(root: Path) -> Path:
    """The corpus's article bodies in manifest order, as one HTML file for the peers."""
    import re

    bodies = []
    for page in sorted((root / "html").glob("piece-*.html")):
        text = page.read_text(encoding="utf-8")
        article = re.search(r"<article>(.*)</article>", text, re.S).group(1)
        bodies.append(f'<section class="piece">{article}</section>')
    combined = root / "html" / "combined.html"  # beside the pages, so photos/… resolves for the peers
    combined.write_text(
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape('Benchmark dossier')}</title></head><body>\n" + "\n".join(bodies) + "\n</body></html>\n",
        encoding="utf-8",
    )
    return combined


def write_bundler_combined_html(root: Path) -> Path:
    """bundler's own combined print document (what one WeasyPrint render would lay out)."""
    from bundler.exporters import context_for, formats
    from bundler.exporters.pdf.document import combined_html
    from bundler.manifest import load_manifest, resolve_dossier
    from bundler.model import Edition

    dossier = resolve_dossier(load_manifest(root, formats=formats()))
    path = root / "html" / "bundler-print.html"
    path.write_text(combined_html(dossier, Edition("pdf"), "print", context_for(Edition("pdf")).images), encoding="utf-8")
    return path


def touch_one_piece(root: Path, kind: str, restore: bool = False) -> None:
    """Change (or restore) the text of the middle piece, as an editor would."""
    pieces = sorted((root / kind).glob("piece-*"))
    path = pieces[len(pieces) // 2]
    text = path.read_text(encoding="utf-8")
    marker = " (Corrected.)"
    if restore:
        path.write_text(text.replace(marker, ""), encoding="utf-8")
    elif marker not in text:
        path.write_text(with_sentence_added(text, marker, kind), encoding="utf-8")


def measure_bundler(root: Path, fmt: str, out: Path, kind: str, jobs: int | None, cold_only: bool = False) -> dict[str, Measurement]:
    """Cold (empty cache), warm (nothing changed) and one-piece-changed builds of one format (``cold_only``: the first)."""
    command = [sys.executable, "-m", "bundler", "--quiet", "build", str(root), "--format", fmt, "--out", str(out)]
    if jobs:
        command += ["--jobs", str(jobs)]
    target = out / root.name / (f"{root.name}.{fmt}")
    shutil.rmtree(root / ".cache", ignore_errors=True)
    runs = {"cold": run_measured(command, target)}
    if cold_only:
        return runs
    runs["warm"] = run_measured(command, target)
    touch_one_piece(root, kind)
    try:
        runs["one changed"] = run_measured(command, target)
    finally:
        touch_one_piece(root, kind, restore=True)
    return runs


def measure_size(
    size: int,
    jobs: int | None,
    skip_peers: bool,
    outputs: tuple[str, ...] = ("epub", "pdf"),
    cold_only: bool = False,
    peers: tuple[str, ...] = ("weasyprint", "pandoc", "calibre"),
) -> list[Row]:
    """Every row for one corpus size (``outputs``: the EPUB rows, the PDF rows or both; ``peers``: which peers)."""
    kind = source_kind()
    root = write_corpus(size, source=kind)
    out = OUTPUT / "results" / f"corpus-{size}"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    rows = [Row(size, fmt.upper(), "bundler", measure_bundler(root, fmt, out / "bundler", kind, jobs, cold_only)) for fmt in outputs]
    if skip_peers:
        return rows
    combined = write_combined_html(root)
    if "pdf" in outputs and "weasyprint" in peers:
        single = write_bundler_combined_html(root)
        weasy = [sys.executable, str(Path(__file__).parent / "weasy_single.py"), str(single), str(out / "weasyprint.pdf")]
        rows.append(Row(size, "PDF", "WeasyPrint, one render", {"cold": run_measured(weasy, out / "weasyprint.pdf")}))
    pandoc = ensure_peer("pandoc") if {"epub", "html"} & set(outputs) and "pandoc" in peers else ""
    if pandoc and "epub" in outputs:
        command = [pandoc, "-f", "html", "-t", "epub3", "-o", str(out / "pandoc.epub"), combined.name]
        rows.append(Row(size, "EPUB", "pandoc", {"cold": run_measured(command, out / "pandoc.epub", cwd=combined.parent)}))
    if pandoc and "html" in outputs:
        command = [pandoc, "-f", "html", "-t", "html", "--standalone", embed_flag(pandoc), "-o", str(out / "pandoc.html"), combined.name]
        rows.append(Row(size, "HTML", "pandoc", {"cold": run_measured(command, out / "pandoc.html", cwd=combined.parent)}))
    if not pandoc and "epub" in outputs and "pandoc" in peers:
        rows.append(Row(size, "EPUB", "pandoc (not installed)", {}))
    if "calibre" not in peers:
        pass
    elif convert := ensure_peer("ebook-convert"):
        # calibre renders PDF with Qt WebEngine (Chromium), which refuses to run as root inside its sandbox
        env = {**os.environ, "QTWEBENGINE_CHROMIUM_FLAGS": "--no-sandbox", "QT_QPA_PLATFORM": "offscreen"}
        for fmt in [f for f in outputs if f != "html"]:  # calibre's HTML output is a zip of files, not one page
            target = out / f"calibre.{fmt}"
            run = run_measured([convert, str(combined), str(target)], target, env=env)
            rows.append(Row(size, fmt.upper(), "calibre ebook-convert", {"cold": run}))
    else:
        rows.append(Row(size, "EPUB", "calibre (not installed)", {}))
    return rows


def measure_real_pages(count: int) -> list[Row]:
    """The gauntlet's import stage: bundler's importer and trafilatura.extract on the same real pages, page by page."""
    import warnings

    import trafilatura
    from import_speed import REAL_PAGES, time_real_pages

    from bundler.importers import ImportOptions, read_piece

    if not REAL_PAGES.is_dir():
        return [Row(0, "import", f"real pages (not found at {REAL_PAGES})", {})]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pages, spent, refused = time_real_pages(count, read_piece, ImportOptions, trafilatura)
    note = f"{refused} refused"
    return [
        Row(
            pages,
            "import",
            f"bundler ({pages / spent['bundler']:.1f} pages/s, {note})",
            {"cold": Measurement(spent["bundler"], 0, 0, 0, True)},
        ),
        Row(
            pages,
            "import",
            f"trafilatura.extract ({pages / spent['trafilatura']:.1f} pages/s)",
            {"cold": Measurement(spent["trafilatura"], 0, 0, 0, True)},
        ),
    ]


def format_table(rows: list[Row]) -> str:
    """A Markdown table; ratios compare each peer's cold run with bundler's cold run of that format (or import)."""
    header = "| pieces | output | tool | cold s | warm s | 1 changed s | peak MB | output MB | peer/bundler time | peer/bundler size |"
    lines = [header, "|" + "---|" * 10]
    cold = {(r.size, r.output): r.runs["cold"] for r in rows if r.tool.startswith("bundler") and "cold" in r.runs}
    for row in rows:
        first = row.runs.get("cold")
        cells = [str(row.size), row.output, row.tool]
        for name in ("cold", "warm", "one changed"):
            run = row.runs.get(name)
            cells.append("—" if run is None else (f"{run.seconds:.2f}" if run.ok else f"failed: {run.note}"))
        peak = max((r.peak_mb for r in row.runs.values()), default=0)
        cells += [f"{peak:.0f}" if peak else "—", f"{first.output_bytes / 1e6:.2f}" if first and first.ok and first.output_bytes else "—"]
        base = cold.get((row.size, row.output))
        if row.tool.startswith("bundler") and first and first.ok and len(row.runs) > 1:
            warm, changed = row.runs.get("warm"), row.runs.get("one changed")
            cells += [f"warm {warm.seconds / first.seconds:.2f}× cold" if warm else "—"]
            cells += [f"1 changed {changed.seconds / first.seconds:.2f}× cold" if changed else "—"]
        elif row.tool.startswith("bundler") and first and first.ok:
            cells += ["1.00", "—"]
        elif first and first.ok and base and base.ok:
            size = f"{first.output_bytes / base.output_bytes:.2f}" if first.output_bytes and base.output_bytes else "—"
            cells += [f"{first.seconds / base.seconds:.2f}", size]
        else:
            cells += ["—", "—"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="bundler vs pandoc, calibre and WeasyPrint")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 50, 200])
    parser.add_argument("--full", action="store_true", help="also the 1,000-piece corpus")
    parser.add_argument("--jobs", type=int, help="bundler --jobs (default: one per core)")
    parser.add_argument("--skip-peers", action="store_true", help="measure bundler only")
    parser.add_argument(
        "--peers",
        nargs="+",
        choices=("weasyprint", "pandoc", "calibre"),
        default=["weasyprint", "pandoc", "calibre"],
        help="which peers (default all)",
    )
    parser.add_argument("--cold-only", action="store_true", help="bundler's cold builds only, no warm or one-changed rebuild")
    parser.add_argument(
        "--outputs", nargs="+", choices=("epub", "pdf", "html"), default=["epub", "pdf", "html"], help="which rows (default all three)"
    )
    parser.add_argument(
        "--real-pages", type=int, default=100, help="real pages for the import row, spread over the 997 (0: all; -1: skip the row)"
    )
    args = parser.parse_args()
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1462838400")
    sizes = args.sizes + ([1000] if args.full and 1000 not in args.sizes else [])
    rows: list[Row] = []
    for size in sizes:
        rows += measure_size(size, args.jobs, args.skip_peers, tuple(args.outputs), args.cold_only, tuple(args.peers))
        print(f"measured {size} pieces", file=sys.stderr)
    if args.real_pages >= 0:
        rows += measure_real_pages(args.real_pages)
        print("measured the real pages' import", file=sys.stderr)
    print(" ".join(f"{k} {v};" for k, v in tool_versions().items()))
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end; sources: {source_kind()}")
    print(format_table(rows))


if __name__ == "__main__":
    main()
