"""The real-page gauntlet on a fixed sample: 40 real pages through the CLI into an EPUB and a PDF.

The pages (WCXB v1.0 dev split, CC-BY-4.0) are read from ``../shared/realpages`` at run time
and never copied into the project; ``bench/gauntlet.py`` runs the same over all 997 and every
edition. What must hold on pages nobody here wrote: no internal error at any step, every
refused page named with E115, an EPUB that passes EPUBCheck with no error and no warning,
and a PDF that a PDF library opens with at least a page per piece.
"""

from __future__ import annotations

import gzip
import re
import subprocess
import sys

import pikepdf
import pytest

from tests.accessibility import axe_violations, describe
from tests.conftest import ROOT, epubcheck_messages, run_epubcheck

REAL_PAGES = ROOT.parent / "shared" / "realpages" / "wcxb-dev" / "html"
SAMPLE = 40
REFUSED = re.compile(r"^error: E115 (\S+?\.html)", re.M)

pytestmark = pytest.mark.slow


def bundler(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bundler", *args], capture_output=True, text=True, check=False)


def assert_no_internal_error(result: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr[-2000:]


@pytest.fixture(scope="module")
def gauntlet(tmp_path_factory):
    """Every 25th real page imported (refused pages named, the rest imported), then built as EPUB and PDF."""
    assert REAL_PAGES.is_dir(), f"the real pages are not at {REAL_PAGES} (../shared/realpages beside the repository)"
    packed = sorted(REAL_PAGES.glob("*.html.gz"))
    chosen = packed[:: len(packed) // SAMPLE][:SAMPLE]
    work = tmp_path_factory.mktemp("gauntlet")
    saved = work / "saved"
    saved.mkdir()
    pages = []
    for page in chosen:
        target = saved / page.name.removesuffix(".gz")
        target.write_bytes(gzip.decompress(page.read_bytes()))
        pages.append(target)
    collection = work / "real-pages"
    assert bundler("new", str(collection), "--title", "Real pages").returncode == 0
    first = bundler("import", str(collection), *map(str, pages))
    assert_no_internal_error(first)
    refused = set(REFUSED.findall(first.stderr))
    # exit 1 exactly when a page was refused, and each refusal named (E115): never a silent failure or a silent drop
    assert first.returncode == (1 if refused else 0), first.stderr[-2000:]
    if refused:
        second = bundler("import", str(collection), *(str(p) for p in pages if str(p) not in refused))
        assert second.returncode == 0, second.stderr[-2000:]
    build = bundler("build", str(collection), "--format", "epub,pdf", "--out", str(work / "dist"))
    assert_no_internal_error(build)
    assert build.returncode == 0, build.stderr[-3000:]
    return {"pages": pages, "refused": refused, "dist": work / "dist" / "real-pages", "import": first}


def test_most_real_pages_are_imported(gauntlet):
    assert len(gauntlet["refused"]) <= SAMPLE // 10, gauntlet["import"].stderr[-2000:]


def test_every_refused_page_is_named_with_what_was_found(gauntlet):
    for name in gauntlet["refused"]:
        line = next(line for line in gauntlet["import"].stderr.splitlines() if name in line and "E115" in line)
        assert "words kept" in line or "no article text" in line


def test_real_pages_epub_passes_epubcheck(gauntlet):
    epub = gauntlet["dist"] / "real-pages.epub"
    assert epubcheck_messages(run_epubcheck(epub)) == []


def test_real_pages_pdf_opens_with_a_page_per_piece(gauntlet):
    imported = len(gauntlet["pages"]) - len(gauntlet["refused"])
    with pikepdf.open(gauntlet["dist"] / "real-pages.pdf") as pdf:
        assert len(pdf.pages) >= imported
        assert str(pdf.docinfo.get("/Title")) == "Real pages"


def test_real_pages_epub_passes_axe_as_ace_runs_it(gauntlet):
    """No accessibility violation in any document of the real-page EPUB (axe-core with DAISY Ace's rule set)."""
    violations = axe_violations(gauntlet["dist"] / "real-pages.epub")
    assert violations == {}, describe(violations)
