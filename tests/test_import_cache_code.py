"""The import cache follows the code: a changed cleaning rule re-imports a cached piece.

bundler's package is copied (with its styles) and run from the copy in a subprocess, so the
test edits the copy's ``cleaning/rules/boilerplate.yaml`` as a developer would, without
touching the checkout other tests read.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from bundler.manifest.cache import IMPORT_CODE, import_code_digest

ROOT = Path(__file__).resolve().parent.parent
MARKER = "Donations to the night shelter can be left at the parish office."
TEXT = f"""Night shelter opens in the old school
9 March 2016

The old school on the hill opened its doors as a night shelter on Tuesday, with forty beds in
the gymnasium and a kitchen run by volunteers from the three nearest streets.

By the second night every bed was taken, and the volunteers put mattresses in the corridors.

{MARKER}
"""
MANIFEST = "title: Shelter notes\nlanguage: en\nsections:\n  - title: Notes\n    pieces:\n      - shelter.txt\n"


@pytest.fixture
def bundler_copy(tmp_path: Path) -> Path:
    """A copy of bundler's sources and styles: the ``src`` folder to put on PYTHONPATH."""
    source = Path(__import__("bundler").__file__).resolve().parent
    shutil.copytree(source, tmp_path / "copy" / "src" / "bundler", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "styles", tmp_path / "copy" / "styles")
    return tmp_path / "copy" / "src"


def build_text(collection: Path, src: Path, *extra: str) -> str:
    """Build the EPUB with the copied bundler; returns the text of its chapters."""
    out = collection.parent / "dist"
    shutil.rmtree(out, ignore_errors=True)
    env = {k: v for k, v in os.environ.items() if k != "BUNDLER_CACHE_DIR"} | {"PYTHONPATH": str(src)}
    command = [sys.executable, "-m", "bundler", "build", str(collection), "-f", "epub", "--out", str(out), "--executor", "serial", *extra]
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    (epub,) = out.rglob("*.epub")
    with zipfile.ZipFile(epub) as archive:
        return "".join(archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xhtml"))


def test_a_changed_cleaning_rule_reimports_the_cached_piece(tmp_path, bundler_copy):
    collection = tmp_path / "shelter"
    collection.mkdir()
    (collection / "collection.yaml").write_text(MANIFEST, encoding="utf-8")
    (collection / "shelter.txt").write_text(TEXT, encoding="utf-8")
    assert MARKER in build_text(collection, bundler_copy)
    entries = sorted((collection / ".cache" / "imports").iterdir())

    rules = bundler_copy / "bundler" / "cleaning" / "rules" / "boilerplate.yaml"
    rules.write_text(rules.read_text(encoding="utf-8").replace("blocks:\n", "blocks:\n  - '^donations to the night shelter\\b.*$'\n", 1))

    assert MARKER not in build_text(collection, bundler_copy, "--no-cache")
    assert MARKER not in build_text(collection, bundler_copy), "a cached build must follow the changed rule"
    assert sorted((collection / ".cache" / "imports").iterdir()) != entries


def test_the_import_code_digest_covers_the_rules_files():
    package = Path(__import__("bundler").__file__).resolve().parent
    assert "cleaning" in IMPORT_CODE and (package / "cleaning" / "rules" / "boilerplate.yaml").is_file()
    assert len(import_code_digest()) == 64 and import_code_digest() is import_code_digest()  # computed once
