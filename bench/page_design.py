"""Page design and font size of PDF editions: characters per line of body text, blank pages, font programs.

    python bench/page_design.py dist/aleppo-2016/*.pdf

For each PDF: pages, blank pages (no text and no image), font programs embedded (distinct
FontFile streams) and their bytes, and the median number of characters on a full line of
body text (pdfplumber's text lines at the body size, the last line of each paragraph left out
by taking lines at least 90% as wide as the widest), the measure a book designer counts.
"""

from __future__ import annotations

import statistics
import sys
from collections import Counter
from pathlib import Path


def font_programs(path: Path) -> tuple[int, int]:
    """(distinct embedded font programs, their bytes as stored)."""
    import pikepdf

    programs: dict[tuple[int, int], int] = {}
    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            if hasattr(obj, "get") and obj.get("/Type") == "/FontDescriptor":
                for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                    if key in obj:
                        programs[obj[key].objgen] = len(obj[key].read_raw_bytes())
    return len(programs), sum(programs.values())


def measure(path: Path) -> dict:
    """The page-design figures of one PDF."""
    import pdfplumber

    blank = 0
    line_lengths: list[int] = []
    with pdfplumber.open(path) as pdf:
        sizes = Counter(round(ch["size"], 1) for page in pdf.pages[: min(len(pdf.pages), 40)] for ch in page.chars)
        body = sizes.most_common(1)[0][0] if sizes else 0
        for page in pdf.pages:
            if not page.chars and not page.images:
                blank += 1
                continue
            lines = [
                line for line in page.extract_text_lines(return_chars=True) if line["chars"] and round(line["chars"][0]["size"], 1) == body
            ]
            if not lines:
                continue
            widest = max(line["x1"] - line["x0"] for line in lines)
            line_lengths += [len(line["text"]) for line in lines if line["x1"] - line["x0"] >= 0.9 * widest]
        pages = len(pdf.pages)
    count, size = font_programs(path)
    return {
        "pages": pages,
        "blank": blank,
        "chars_per_line": statistics.median(line_lengths) if line_lengths else 0,
        "font_programs": count,
        "font_bytes": size,
    }


def main() -> None:
    print("| PDF | pages | blank | chars/line (median, full lines) | font programs | font bytes |")
    print("|---|---|---|---|---|---|")
    for name in sys.argv[1:]:
        m = measure(Path(name))
        print(
            f"| {Path(name).name} | {m['pages']} | {m['blank']} | {m['chars_per_line']:.0f} | {m['font_programs']} | {m['font_bytes']:,} |"
        )


if __name__ == "__main__":
    main()
