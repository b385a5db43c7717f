"""Body-text F1 of ``bundler extract --format text`` against trafilatura on the fixture corpus.

F1 is computed over 4-word windows (shingles) of the expected article text (title,
standfirst and body, from tests/fixtures/pages/expected.yaml) against each extractor's
output. Run: ``.venv/bin/python bench/extract_quality.py [--pages DIR] [--show N]``.
A folder given with ``--pages`` may instead hold ``NAME.html`` + ``NAME.txt`` pairs
(ground truth as plain text), e.g. a held-out set of real pages.
"""

from __future__ import annotations

import argparse
import re
import sys
import warnings
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "tests" / "fixtures" / "pages"
_WORD = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, size: int = 4) -> Counter:
    """Multiset of lower-cased 4-word windows (quotes and punctuation ignored)."""
    words = _WORD.findall(text.lower())
    if len(words) < size:
        return Counter([tuple(words)]) if words else Counter()
    return Counter(tuple(words[i : i + size]) for i in range(len(words) - size + 1))


def f1(expected: str, got: str) -> tuple[float, float, float]:
    """Precision, recall and F1 of ``got`` against ``expected`` over shingles."""
    want, have = shingles(expected), shingles(got)
    common = sum((want & have).values())
    if not common:
        return 0.0, 0.0, 0.0
    precision, recall = common / sum(have.values()), common / sum(want.values())
    return precision, recall, 2 * precision * recall / (precision + recall)


def load_cases(folder: Path | None) -> list[tuple[str, Path, str]]:
    """(name, page path, expected text) for the fixture corpus or a folder of html+txt pairs."""
    if folder is None:
        expected = yaml.safe_load((PAGES / "expected.yaml").read_text(encoding="utf-8"))
        return [(name, PAGES / name, "\n".join(page["text"])) for name, page in sorted(expected.items())]
    cases = []
    for page in sorted(folder.glob("*.htm*")):
        truth = page.with_suffix(".txt")
        if truth.exists():
            cases.append((page.name, page, truth.read_text(encoding="utf-8")))
    return cases


def run_bundler(path: Path) -> str:
    from bundler.commands.extract import piece_text
    from bundler.errors import BundlerError
    from bundler.importers import read_piece

    try:
        return piece_text(read_piece(path))
    except BundlerError:
        return ""


def run_trafilatura(path: Path) -> str:
    import trafilatura

    return trafilatura.extract(path.read_bytes(), include_comments=False, include_tables=True) or ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, help="folder of NAME.html + NAME.txt pairs (default: the fixture corpus)")
    parser.add_argument("--show", type=int, default=5, help="list the N pages where bundler scores lowest")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    cases = load_cases(args.pages)
    if not cases:
        print("no pages found", file=sys.stderr)
        return 1
    totals = {"bundler": [0.0, 0.0, 0.0], "trafilatura": [0.0, 0.0, 0.0]}
    per_page = []
    for name, path, expected in cases:
        row = {}
        for tool, run in (("bundler", run_bundler), ("trafilatura", run_trafilatura)):
            scores = f1(expected, run(path))
            row[tool] = scores
            totals[tool] = [t + s for t, s in zip(totals[tool], scores, strict=True)]
        per_page.append((name, row))
    count = len(cases)
    print(f"Body-text F1 over 4-word windows, {count} pages (mean of per-page scores)")
    print(f"{'extractor':<14}{'precision':>10}{'recall':>10}{'F1':>10}")
    for tool, (p, r, f) in totals.items():
        print(f"{tool:<14}{p / count:>10.3f}{r / count:>10.3f}{f / count:>10.3f}")
    wins = sum(1 for _, row in per_page if row["bundler"][2] >= row["trafilatura"][2])
    print(f"bundler scores at least as well as trafilatura on {wins}/{count} pages")
    print("\nLowest bundler F1 (page, bundler, trafilatura):")
    for name, row in sorted(per_page, key=lambda item: item[1]["bundler"][2])[: args.show]:
        print(f"  {name:<50}{row['bundler'][2]:.3f}  {row['trafilatura'][2]:.3f}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    sys.exit(main())
