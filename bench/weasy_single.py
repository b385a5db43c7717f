"""The peer for bundler's PDF: one WeasyPrint render of a whole combined document.

Same stylesheets and the same ``write_pdf`` options as bundler's print edition, so the
only difference measured is how the work is split.

    python bench/weasy_single.py combined.html out.pdf
"""

from __future__ import annotations

import sys
from pathlib import Path

import weasyprint
from weasyprint.text.fonts import FontConfiguration

from bundler.resources import styles_dir


def render_single(source: Path, out: Path) -> None:
    """Lay out ``source`` in one pass and write the PDF."""
    fonts = FontConfiguration()
    sheets = [weasyprint.CSS(filename=str(styles_dir() / name), font_config=fonts) for name in ("common.css", "pdf.css")]
    sheets.append(weasyprint.CSS(string="@page { size: A4; }", font_config=fonts))
    document = weasyprint.HTML(string=source.read_text(encoding="utf-8"), base_url=str(styles_dir()) + "/")
    out.write_bytes(document.write_pdf(stylesheets=sheets, font_config=fonts, optimize_images=True, jpeg_quality=80, dpi=200))


if __name__ == "__main__":
    render_single(Path(sys.argv[1]), Path(sys.argv[2]))
