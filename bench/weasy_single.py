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

from bundler.exporters.pdf.base import PdfLayout
from bundler.resources import styles_dir

#: bundler's print edition, whose image options the single render takes (so they cannot drift apart).
PRINT = PdfLayout("print", ("pdf.css",), page_size="A4")


def render_single(source: Path, out: Path) -> None:
    """Lay out ``source`` in one pass and write the PDF."""
    fonts = FontConfiguration()
    sheets = [weasyprint.CSS(filename=str(styles_dir() / name), font_config=fonts) for name in ("common.css", "pdf.css")]
    sheets.append(weasyprint.CSS(string=f"@page {{ size: {PRINT.page_size}; }}", font_config=fonts))
    document = weasyprint.HTML(string=source.read_text(encoding="utf-8"), base_url=str(styles_dir()) + "/")
    options = {"optimize_images": PRINT.jpeg_quality is not None, "jpeg_quality": PRINT.jpeg_quality, "dpi": PRINT.dpi}
    out.write_bytes(document.write_pdf(stylesheets=sheets, font_config=fonts, **options))


if __name__ == "__main__":
    render_single(Path(sys.argv[1]), Path(sys.argv[2]))
