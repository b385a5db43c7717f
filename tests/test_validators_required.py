"""A machine without a validator fails the run with a message; it never runs a green suite that checked nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT
from tests.validators import VALIDATORS, find_validator


def tools_folder(folder: Path, leave_out: str = "") -> Path:
    """A folder of links to every validator (but ``leave_out``), to be the whole PATH of a pytest run."""
    folder.mkdir()
    for name in VALIDATORS:
        if name != leave_out:
            path = Path(find_validator(name))
            (folder / path.name).symlink_to(path)
    return folder


def collect_with_path(path: Path) -> subprocess.CompletedProcess:
    """``pytest --collect-only`` of one small module with PATH set to ``path`` alone: session start runs, no test does."""
    env = {**os.environ, "PATH": str(path)}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", "tests/test_cli_startup.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )


def test_a_run_without_java_fails_and_names_it(tmp_path):
    result = collect_with_path(tools_folder(tmp_path / "bin", leave_out="java"))
    output = result.stdout + result.stderr
    assert result.returncode == 4, output  # pytest's usage error: nothing ran
    assert "java (runs EPUBCheck on every EPUB): not on PATH; Debian package 'default-jre-headless'" in output
    assert "apt-get install default-jre-headless" in output
    assert "qpdf" not in output and "Traceback" not in output


def test_the_same_run_with_every_validator_starts(tmp_path):
    """The control: the PATH above plus Java passes the check, so the failure above is Java's absence alone."""
    result = collect_with_path(tools_folder(tmp_path / "bin"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "missing" not in result.stdout + result.stderr
