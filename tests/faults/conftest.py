"""A small collection on disk and a way to run the real CLI on it, for the fault tests.

Twelve short Markdown pieces (enough for the PDF to be laid out in parts) and one saved page
with two photos beside it (so the build imports photos, prepares images and subsets fonts),
written by these tests' own hands.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image as PILImage

PIECES = 12
EPOCH = "1462838400"  # every build here has the same clock, so equal inputs give equal bytes
PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Water trucks on the ring road</title>
<meta name="author" content="Field Reporter"></head>
<body><article>
<h1>Water trucks on the ring road</h1>
<p>The trucks come twice a week now, and the queue for them starts long before they do. Each family
brings whatever containers it still has, and the drivers fill them in the order people arrived.</p>
<figure><img src="trucks_files/truck.jpg" alt="A water truck at the roadside" width="640" height="400">
<figcaption>The morning delivery. Photo: Field Reporter</figcaption></figure>
<p>When the pumps at the station stopped, the district council hired the trucks from a contractor in
the next town. Nobody knows how long the contract will last or who will pay for the next one.</p>
<figure><img src="trucks_files/queue.jpg" alt="People waiting with containers" width="640" height="400">
<figcaption>Waiting with containers. Photo: Field Reporter</figcaption></figure>
<p>By noon the trucks have gone and the street is quiet again, apart from the children carrying the
smaller containers home, two at a time.</p>
</article></body></html>
"""
NOTE = """---
title: Notebook entry {n}
author: Field Reporter
date: 2016-05-{day:02d}
---

Entry {n} of the notebook. The market opened late again today; the stall holders said the flour
delivery was stopped at the checkpoint for the {n}th time this month, and nobody could say when
it would come through.

Later the generator in the school failed, and the teachers sent the pupils home at noon. They
will try again tomorrow with fuel borrowed from the clinic. (Entry {n}, {words}.)
"""


def write_photo(path: Path, colour: tuple[int, int, int]) -> None:
    """A 640x400 JPEG of one colour with a little texture."""
    path.parent.mkdir(parents=True, exist_ok=True)
    image = PILImage.new("RGB", (640, 400), colour)
    for x in range(0, 640, 40):
        for y in range(0, 400, 40):
            image.paste(tuple(min(255, c + (x + y) % 25) for c in colour), (x, y, x + 20, y + 20))
    image.save(path, "JPEG", quality=90)


def make_collection(root: Path) -> Path:
    """The fault tests' collection: one saved page with photos, then twelve notebook entries."""
    (root / "sources").mkdir(parents=True)
    (root / "sources" / "trucks.html").write_text(PAGE, encoding="utf-8")
    write_photo(root / "sources" / "trucks_files" / "truck.jpg", (200, 60, 40))
    write_photo(root / "sources" / "trucks_files" / "queue.jpg", (40, 90, 200))
    names = ["sources/trucks.html"]
    for n in range(1, PIECES + 1):
        words = " ".join(["more notes"] * n)
        (root / "sources" / f"entry-{n:02d}.md").write_text(NOTE.format(n=n, day=n, words=words), encoding="utf-8")
        names.append(f"sources/entry-{n:02d}.md")
    listed = "\n".join(f"      - {name}" for name in names)
    manifest = f"title: Ring road notebook\nlanguage: en\ndate: 2016-05-20\nsections:\n  - title: Notes\n    pieces:\n{listed}\n"
    (root / "collection.yaml").write_text(manifest, encoding="utf-8")
    return root


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    """``python -m bundler ARGS`` in a subprocess (the real entry point), output captured as text."""
    environment = {k: v for k, v in os.environ.items() if k != "BUNDLER_CACHE_DIR"} | {"SOURCE_DATE_EPOCH": EPOCH} | (env or {})
    return subprocess.run(
        [sys.executable, "-m", "bundler", *args], capture_output=True, text=True, cwd=cwd, env=environment, timeout=timeout
    )


@pytest.fixture
def collection(tmp_path: Path) -> Path:
    return make_collection(tmp_path / "notebook")
