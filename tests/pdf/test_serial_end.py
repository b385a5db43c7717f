"""Work moved off the print PDF's serial moments: where one core waits while the other works alone.

Three pieces of work sat where a cold build had nothing else to run: the hyphenation patterns, loaded
at the first layout job's start while no worker had a job yet; pikepdf's import, on the first line of
the assembly after the contents; and a full collection of each layout worker's heap at its exit,
which the build waited for before assembling. Each now happens where a core was free, and the book
is the same (``test_pdf_parts.py`` compares it with one pass, on 1 and 2 cores and from the cache).
"""

from __future__ import annotations

import subprocess
import sys

from bundler.exporters.pdf import layout
from bundler.exporters.pdf.layout import LayoutSettings

# A fresh interpreter (pyphen's cache is per process): the build's warm-up, as the image stage runs it,
# with the books' languages, then what a layout worker forked afterwards finds.
WARM_UP = """
import pyphen
from bundler.build.collection import _warm_up
from bundler.render.glyph_coverage import GlyphScan
from bundler.model import Edition
from tests.pdf.test_pdf_parts import make_large_dossier
import sys, pathlib
dossier = make_large_dossier(pathlib.Path(sys.argv[1]), language="fr")
assert not pyphen.hdcache, pyphen.hdcache
_warm_up(dossier, [Edition("pdf")], GlyphScan())
print(sorted(path.name for path in pyphen.hdcache))
"""


def test_the_warm_up_loads_the_books_hyphenation_patterns(tmp_path):
    """The image stage's warm-up loads the patterns of the book's language, not the first layout job's start."""
    result = subprocess.run([sys.executable, "-c", WARM_UP, str(tmp_path / "book")], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.splitlines() == ["['hyph_fr.dic']"]


def test_load_weasyprint_without_languages_loads_no_patterns():
    """During the import the languages are not known yet: WeasyPrint alone is loaded."""
    child = "import pyphen\nfrom bundler.exporters.pdf.layout import load_weasyprint\nload_weasyprint()\nprint(sorted(pyphen.hdcache))"
    result = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_load_pikepdf_imports_it_before_the_assembly():
    child = "import sys\nfrom bundler.exporters.pdf.assembly import load_pikepdf\nassert 'pikepdf' not in sys.modules\nload_pikepdf()\nprint('pikepdf' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "True"


def test_a_workers_font_folders_go_without_a_collection():
    """The kept configurations' folders are deleted while the configurations are still referenced (no collection needed)."""
    settings = LayoutSettings(stylesheets=("common.css", "pdf.css"), page_size="A4", dpi=200, jpeg_quality=None, identifier="x")
    saved = dict(layout._PARSED_STYLESHEETS)
    try:
        fonts, _ = layout._edition_stylesheets(settings)
        folder = fonts._folder
        assert folder is not None and folder.is_dir() and any(folder.iterdir())  # the @font-face files copied there
        layout._forget_stylesheets()
        assert not folder.exists()
        assert fonts._folder is None  # its own clean-up, when it is freed, has nothing left to delete
    finally:
        layout._PARSED_STYLESHEETS.update(saved)


def test_a_configuration_without_a_known_folder_is_left_to_the_collection():
    assert layout._delete_font_folder(object()) is False
