"""The empty-page gauntlet: does ``bundler import`` refuse, and name, every page it would empty?

Runs the real CLI over the real pages in ``../shared/realpages/wcxb-dev`` (WCXB v1.0 dev
split, CC-BY-4.0; read at run time, never copied): first one ``bundler import`` of every
page into a fresh collection, which must exit 1 and name each refused page (``E115``); then
again with ``--allow-empty``, and every piece's body is measured against the page's
human ground truth. It prints how many pages were refused, whether every flagged page was
named, and how many pages slipped through with a body under 15% of the ground truth, and of
those how many were imported in silence (without the ``W134`` small-share-of-the-prose warning).

Run: ``.venv/bin/python bench/empty_pages.py [--limit N]`` (about ten minutes for all 997).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT.parent / "shared" / "realpages" / "wcxb-dev"
REFUSED = re.compile(r"^error: E115 (\S+?\.html): (.*)$")
_WORD = re.compile(r"\w+")


def bundler(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bundler", *args], capture_output=True, text=True, check=False)


def unpack(folder: Path, limit: int) -> dict[str, int]:
    """Write each page as ``ID.html``; return page id -> ground-truth word count."""
    truth: dict[str, int] = {}
    for packed in sorted((PAGES / "html").glob("*.html.gz"))[:limit]:
        page_id = packed.name.split(".")[0]
        (folder / f"{page_id}.html").write_bytes(gzip.decompress(packed.read_bytes()))
        record = json.loads((PAGES / "ground-truth" / f"{page_id}.json").read_text(encoding="utf-8"))
        truth[page_id] = len(_WORD.findall(record["ground_truth"].get("main_content") or ""))
    return truth


def body_words(piece_file: Path) -> int:
    """Words of a stored piece's body text (what the completeness check counts)."""
    from bundler.cleaning.content import block_text
    from bundler.model import piece_from_data

    piece = piece_from_data(json.loads(piece_file.read_text(encoding="utf-8"))["piece"])
    return len(_WORD.findall(" ".join(block_text(b) for b in piece.body)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=10_000, help="only the first N pages")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bundler-gauntlet-") as tmp:
        saved, collection = Path(tmp) / "saved", Path(tmp) / "dossier"
        saved.mkdir()
        truth = unpack(saved, args.limit)
        pages = sorted(str(p) for p in saved.glob("*.html"))
        bundler("new", str(collection), "--title", "Gauntlet")
        strict = bundler("import", str(collection), *pages)
        refused = {Path(m.group(1)).stem: m.group(2) for line in strict.stderr.splitlines() if (m := REFUSED.match(line))}
        untouched = not (collection / "pieces").exists() or not any((collection / "pieces").iterdir())
        loose = bundler("import", str(collection), *pages, "--allow-empty")
        flagged = set(re.findall(r"^warning: W13[01] pieces/\S+: ", loose.stderr, re.M))
        bodies, page_of = {}, {}
        for line in loose.stdout.splitlines():  # "added pieces/SLUG/piece.json (TITLE; original kept as sources/ID.html)"
            match = re.match(r"added (\S+) .*original kept as sources/(\d+)(?:-\d+)?\.html\)$", line)
            if match:
                bodies[match.group(2)] = body_words(collection / match.group(1))
                page_of[match.group(1)] = match.group(2)
        warned = {page_of.get(piece) for piece in re.findall(r"^warning: W134 (\S+): ", loose.stderr, re.M)}
    slipped = sorted(p for p, words in bodies.items() if p not in refused and truth[p] >= 100 and words < 0.15 * truth[p])
    silent = [p for p in slipped if p not in warned]
    print(f"pages: {len(truth)}; first import exit {strict.returncode}, nothing written: {untouched}")
    print(f"refused (E115, each named): {len(refused)} ({len(refused) / max(len(truth), 1):.1%})")
    print(f"flagged W130/W131 when imported with --allow-empty: {len(flagged)}; imported: {len(bodies)}")
    print(f"refused pages whose ground truth has under 50 words (a refusal to question): {sum(truth[p] < 50 for p in refused)}")
    print(f"imported, not refused, body < 15% of the ground truth (slipped through): {len(slipped)} {slipped[:20]}")
    print(f"  of those, imported without a W134 warning (in silence): {len(silent)} {silent[:20]}")
    print(f"W134 (a small share of the page's prose) on {len(warned)} imported pages")
    return 0 if strict.returncode == 1 and untouched and len(flagged) == len(refused) else 1


if __name__ == "__main__":
    sys.exit(main())
