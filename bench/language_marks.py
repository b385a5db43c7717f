"""Record the language marks of the real pages, to prove a change to language detection changes none of them.

Run: ``.venv/bin/python bench/language_marks.py OUT.json.gz`` (all 997 pages of ``../shared/realpages``, read at
run time, never copied; two processes), then ``.venv/bin/python bench/language_marks.py --compare BEFORE AFTER``.
For each page it keeps the piece's language and every paragraph's text with its ``lang`` (None: the piece's);
the comparison lists each page whose language or marks differ, paragraph by paragraph.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import tempfile
import warnings
from multiprocessing import Pool
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REAL_PAGES = ROOT.parent / "shared" / "realpages" / "wcxb-dev" / "html"


def page_marks(page: str) -> tuple[str, dict]:
    """The piece language and each paragraph's (text, lang) of one real page, or the error it raised."""
    warnings.simplefilter("ignore")
    from bundler.cleaning.blocks import text_of
    from bundler.importers import ImportOptions, read_piece
    from bundler.model import Paragraph

    source = REAL_PAGES / page
    with tempfile.TemporaryDirectory(prefix="bench-lang-") as work:
        path = Path(work) / page.removesuffix(".gz")
        path.write_bytes(gzip.decompress(source.read_bytes()))
        try:
            piece = read_piece(path, ImportOptions(media_dir=Path(work) / "media"))
        except Exception as exc:  # a refused page is recorded as refused: that too must not change
            return page, {"error": f"{type(exc).__name__}: {exc}"[:200]}
    paragraphs = [[text_of(b.html), b.lang] for b in piece.body if isinstance(b, Paragraph)]
    return page, {"language": piece.language, "paragraphs": paragraphs}


def record(out: Path, only: set[str]) -> None:
    pages = sorted(p.name for p in REAL_PAGES.glob("*.html.gz") if not only or p.name.split(".")[0] in only)
    with Pool(2) as pool:
        marks = dict(pool.imap_unordered(page_marks, pages, chunksize=4))
    with gzip.open(out, "wt", encoding="utf-8") as stream:
        json.dump(dict(sorted(marks.items())), stream, ensure_ascii=False)
    print(f"{len(marks)} pages, {sum(len(m.get('paragraphs', ())) for m in marks.values())} paragraphs -> {out}")


def compare(before_path: Path, after_path: Path) -> int:
    """Print every difference; exit status 1 when there is one."""
    with gzip.open(before_path, "rt", encoding="utf-8") as stream:
        before = json.load(stream)
    with gzip.open(after_path, "rt", encoding="utf-8") as stream:
        after = json.load(stream)
    differing = 0
    for page in sorted(set(before) | set(after)):
        old, new = before.get(page, {}), after.get(page, {})
        if old == new:
            continue
        differing += 1
        print(f"{page}: language {old.get('language')} -> {new.get('language')}; error {old.get('error')} -> {new.get('error')}")
        for (old_text, old_lang), (new_text, new_lang) in zip(old.get("paragraphs", ()), new.get("paragraphs", ()), strict=False):
            if (old_text, old_lang) != (new_text, new_lang):
                print(f"  {old_lang} -> {new_lang}: {new_text[:100]!r}" + ("" if old_text == new_text else " (text changed)"))
        if len(old.get("paragraphs", ())) != len(new.get("paragraphs", ())):
            print(f"  paragraphs {len(old.get('paragraphs', ()))} -> {len(new.get('paragraphs', ()))}")
    marked = sum(1 for m in after.values() for _, lang in m.get("paragraphs", ()) if lang)
    print(f"{len(after)} pages, {marked} paragraphs marked; {differing} pages differ")
    return 1 if differing else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path, help="OUT.json.gz, or BEFORE AFTER with --compare")
    parser.add_argument("--compare", action="store_true")
    parser.add_argument("--only", default="", help="comma-separated page ids (the file names' stems)")
    args = parser.parse_args(argv)
    if args.compare:
        return compare(*args.paths)
    record(args.paths[0], set(filter(None, args.only.split(","))))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    sys.exit(main())
