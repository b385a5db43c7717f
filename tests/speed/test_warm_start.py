"""A warm build (every piece and photo cached) loads no image or PDF library and starts no process.

Issue 19: a warm 200-piece EPUB build was mostly Python importing NumPy and scikit-image for
the photo-quality measure, and starting the image workers' fork server, although no photo had
to be prepared. Each build runs in a fresh interpreter, so ``sys.modules`` shows what it loaded.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.corpus import write_corpus

#: Loaded only when a photo must be prepared (NumPy, scikit-image, libvips) or a PDF laid out or imposed (pikepdf).
NOT_WHEN_WARM = {"numpy", "skimage", "scipy", "pyvips", "weasyprint", "trafilatura", "langcodes", "pikepdf"}

_BUILD = """
import json, os, sys
from pathlib import Path
from bundler.build.collection import build_collection
events = []
build_collection(sys.argv[1], format_names=["epub"], out_dir=sys.argv[2], progress=lambda *event: events.append(event))
children = [c for task in Path("/proc/self/task").iterdir() for c in (task / "children").read_text().split()]
print("RESULT=" + json.dumps({"modules": sorted({m.split(".")[0] for m in sys.modules}), "events": events, "children": children}))
"""


def _build(collection: Path, out: Path) -> dict:
    """Build the EPUB in a fresh interpreter; what it imported, its progress events, its live child processes."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1462838400"}
    env.pop("BUNDLER_CACHE_DIR", None)
    result = subprocess.run([sys.executable, "-c", _BUILD, str(collection), str(out)], capture_output=True, text=True, env=env, timeout=600)
    lines = [line for line in result.stdout.splitlines() if line.startswith("RESULT=")]
    assert result.returncode == 0 and lines, result.stderr[-3000:]
    return json.loads(lines[0].removeprefix("RESULT="))


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> tuple[dict, dict, bytes, bytes, Path]:
    """A cold and a warm build of two saved pages with their photos (written once for the module), and their EPUBs."""
    root = write_corpus(2, tmp_path_factory.mktemp("warm"), source="html", jobs=1)
    assert list((root / "html" / "photos").glob("*.jpg")), "the corpus must carry photos for the image stage to matter"
    out = root.parent / "dist"
    epub = out / root.name / f"{root.name}.epub"
    cold = _build(root, out)
    cold_bytes = epub.read_bytes()
    warm = _build(root, out)
    return cold, warm, cold_bytes, epub.read_bytes(), root


def test_a_warm_build_loads_no_image_or_pdf_library(builds):
    _, warm, _, _, _ = builds
    assert "ebooklib" in warm["modules"]  # the measurement saw the build's own libraries
    assert not set(warm["modules"]) & NOT_WHEN_WARM, set(warm["modules"]) & NOT_WHEN_WARM


def test_a_warm_build_imports_nothing_and_starts_no_worker(builds):
    cold, warm, _, _, _ = builds
    assert cold["children"], "the cold build started the image workers' fork server (the check sees child processes)"
    assert warm["children"] == []
    imports = [tuple(e) for e in warm["events"] if e[0] == "import"]
    assert imports == [("import", 0, 2), ("import", 2, 2)]  # both pieces from the cache at once, none imported
    assert not [e for e in warm["events"] if e[0] == "images"]  # no photo prepared


def test_the_warm_build_writes_the_cold_builds_bytes(builds):
    _, _, cold_bytes, warm_bytes, _ = builds
    assert cold_bytes[:2] == b"PK" and warm_bytes == cold_bytes


def test_a_build_after_one_edit_starts_no_worker(builds):
    """One changed page is imported in the build's own process; its photos are prepared already, so no image worker starts."""
    *_, root = builds
    page = sorted((root / "html").glob("piece-*"))[0]
    head, _, tail = page.read_text(encoding="utf-8").rpartition("</p>")
    page.write_text(head + " An edited closing sentence.</p>" + tail, encoding="utf-8")
    edited = _build(root, root.parent / "dist")
    assert edited["children"] == []
    imports = [tuple(e) for e in edited["events"] if e[0] == "import"]
    assert imports[:2] == [("import", 0, 2), ("import", 1, 2)] and imports[-1] == ("import", 2, 2)  # one from the cache, one imported
    assert not [e for e in edited["events"] if e[0] == "images"]  # its photos came from the image cache
