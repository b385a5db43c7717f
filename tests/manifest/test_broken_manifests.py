"""Every broken manifest in tests/fixtures/manifests is refused by ``bundler check`` with located messages.

Each fixture folder holds a ``collection.yaml`` (plus the files it names) and ``expected.txt``:
one expected problem per line as ``LINE: KEYPATH: substring`` (an empty LINE matches any line,
an empty KEYPATH a problem about the whole file). The CLI runs as a real subprocess.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES

BROKEN = FIXTURES / "manifests"
CASES = sorted(p.name for p in BROKEN.iterdir() if (p / "expected.txt").is_file())


def expected_problems(folder: Path) -> list[tuple[str, str, str]]:
    """``(line, key, substring)`` triples from ``expected.txt`` (comment lines skipped)."""
    rows = []
    for text in (folder / "expected.txt").read_text(encoding="utf-8").splitlines():
        if text.strip() and not text.startswith("#"):
            line, key, substring = text.split(": ", 2)
            rows.append((line.strip(), key.strip(), substring))
    return rows


def reported_problems(stderr: str) -> list[str]:
    """Each ``error: ...`` block with its indented hint joined on."""
    blocks: list[str] = []
    for line in stderr.splitlines():
        if line.startswith("error: "):
            blocks.append(line[len("error: ") :])
        elif blocks and line.startswith("  "):
            blocks[-1] += " " + line.strip()
    return blocks


def matches(block: str, line: str, key: str, substring: str) -> bool:
    where = re.escape("collection.yaml:") + (re.escape(line) if line else r"\d+") + ": "
    where += re.escape(f"{key}: ") if key else r"(?!sections|title|editions)"
    return re.search(where, block) is not None and substring in block


def test_there_are_at_least_25_broken_manifests():
    assert len(CASES) >= 25


@pytest.fixture(scope="module")
def check_results() -> dict[str, subprocess.CompletedProcess]:
    """Run ``bundler check`` on every fixture once (several per process would hide crashes between them)."""
    return {
        name: subprocess.run(
            [sys.executable, "-m", "bundler", "check", str(BROKEN / name)], capture_output=True, text=True, timeout=120, check=False
        )
        for name in CASES
    }


@pytest.mark.parametrize("name", CASES)
def test_broken_manifest_is_reported(name, check_results):
    result = check_results[name]
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert result.returncode == 1, output
    blocks = reported_problems(result.stderr)
    assert blocks, output
    missing = [row for row in expected_problems(BROKEN / name) if not any(matches(b, *row) for b in blocks)]
    assert not missing, f"expected {missing} in:\n" + "\n".join(blocks)
