"""The README's five-minute tour works as written: every ``bundler`` line of its block, in order.

The block is read from README.md at test time, so a changed tour is tested as it is printed.
It runs in a copy of ``examples/tour`` (the tour's own ``cp``/``cd`` line), each command as a
real process; ``ls DIR  # a b c`` lines are checks that those files exist; ``bundler serve``
is started on a free port of 127.0.0.1 and asked for its catalogue over HTTP, then stopped.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.distribution.conftest import fetch
from tests.distribution.test_serve_command import free_port, read_until

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "examples" / "tour"
#: Shell lines of the tour that only set the scene (the test does the same itself).
SCENE = ("cp ", "cd ", ". ", "source ")


def tour_lines() -> list[str]:
    """The commands of the README's tour block, comments removed, ``a && b`` split into two."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## A five-minute tour\s+```sh\n(.*?)```", text, re.DOTALL)
    assert block, "README.md has no '## A five-minute tour' block"
    commands = []
    for line in block.group(1).splitlines():
        words = shlex.split(line, comments=True)
        current: list[str] = []
        for word in [*words, "&&"]:
            if word == "&&":
                if current:
                    commands.append(shlex.join(current))
                current = []
            else:
                current.append(word)
    return commands


def expected_listing(line: str) -> list[str]:
    """``ls dist/x/   # a  b  c`` -> ["a", "b", "c"] (the comment is what the README promises)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    (raw,) = [r for r in text.splitlines() if r.startswith(line.split()[0]) and shlex.split(r, comments=True) == shlex.split(line)]
    return raw.split("#", 1)[1].split()


def bundler(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    return subprocess.run([sys.executable, "-m", "bundler", *args], cwd=cwd, capture_output=True, text=True, env=env)


def serve_and_fetch(args: list[str], cwd: Path) -> None:
    """Start ``bundler serve`` as the tour does, on 127.0.0.1 and a free port; its catalogue must answer."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bundler", *args, "--host", "127.0.0.1", "--port", str(port)],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ, PYTHONUNBUFFERED="1"),
    )
    try:
        read_until(process, "Ctrl-C")
        status, _headers, body = fetch(f"http://127.0.0.1:{port}/opds-all.xml")
        assert status == 200 and b"my-dossier.epub" in body
        assert fetch(f"http://127.0.0.1:{port}/my-dossier/my-dossier.epub")[0] == 200
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=60)
    assert process.returncode == 0


@pytest.mark.slow
def test_every_command_of_the_tour_runs_as_written(tmp_path):
    work = tmp_path / "bundler-tour"
    shutil.copytree(SAMPLES, work)
    ran = []
    for command in tour_lines():
        words = shlex.split(command)
        if command.startswith(SCENE):
            continue
        if words[0] == "ls":
            for name in expected_listing(command):
                assert (work / words[1] / name).is_file(), f"{command}: {name} is missing"
            continue
        assert words[0] == "bundler", f"the tour runs a command this test does not know: {command}"
        if words[1] == "serve":
            serve_and_fetch(words[1:], work)
        else:
            result = bundler(words[1:], work)
            assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
            assert "Traceback" not in result.stderr
        ran.append(words[1])
    assert {"new", "import", "check", "build", "bag", "verify", "serve"} <= set(ran)
    assert (work / "bags" / "my-dossier-bag" / "bagit.txt").is_file() and not (work / "dist" / "my-dossier-bag").exists()
