"""The CLI's contract: exit codes, and a one-paragraph message instead of a traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import COLLECTIONS


def run_cli(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bundler", *args], capture_output=True, text=True, cwd=cwd, timeout=300)


def test_version_and_help():
    assert run_cli("--version").stdout.startswith("bundler ")
    result = run_cli("--help")
    assert result.returncode == 0 and "build" in result.stdout


def test_no_command_is_usage_error():
    assert run_cli().returncode == 2


def test_unknown_option_is_usage_error():
    result = run_cli("build", "--no-such-option")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def assert_user_error(result: subprocess.CompletedProcess, *needles: str) -> None:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    for needle in needles:
        assert needle in result.stderr


def test_missing_collection(tmp_path):
    assert_user_error(run_cli("build", str(tmp_path / "nope")), "no collection manifest", "nope")


def test_broken_yaml_names_file_and_line(tmp_path):
    (tmp_path / "collection.yaml").write_text("title: x\nsections:\n  - title: [unclosed\n", encoding="utf-8")
    assert_user_error(run_cli("build", str(tmp_path)), "collection.yaml:", "not valid YAML")


def test_unknown_format_suggests_the_right_one(tmp_path):
    assert_user_error(
        run_cli("build", str(COLLECTIONS / "aleppo-2016"), "--format", "epbu", "--out", str(tmp_path)), "unknown format 'epbu'", "epub"
    )
    assert not any(tmp_path.iterdir()), "nothing is written when the command is wrong"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("page.txt", b"", "page.txt has no text to import"),
        ("page.txt", b"\x00\x01\x02binary", "page.txt is a binary file, not text"),
        ("notes.md", b"", "notes.md is empty"),
        ("notes.md", b"\x00\x01\x02binary", "notes.md is a binary file, not Markdown"),
    ],
)
def test_extract_unusable_file_is_a_user_error(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    result = run_cli("extract", str(path))
    assert_user_error(result, message)
    assert not result.stdout, "nothing is printed as if it were the piece"
