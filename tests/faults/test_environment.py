"""Failures of the machine, not of bundler: exit 1 and a sentence that names the path, never a traceback.

Real conditions, not simulated ones: a small tmpfs that fills up (when the tests run as root and
may mount; otherwise the process's file-size limit, ``RLIMIT_FSIZE``, which fails writes with
EFBIG the same way), a tmpfs mounted read-only, a folder without write permission (root sheds
its override capability through ``setpriv`` first), a name longer than the system allows, and
a limit of open files. Each run is bounded by a subprocess timeout, never by a stopwatch.
"""

from __future__ import annotations

import contextlib
import os
import resource
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.conftest import run_cli

FORMATS = "epub,pdf"


def _can_mount() -> bool:
    return os.geteuid() == 0 and shutil.which("mount") is not None


@contextlib.contextmanager
def tmpfs(folder: Path, size: str, read_only: bool = False, fill: Path | None = None) -> Iterator[Path]:
    """A real small file system at ``folder`` (``fill``: copied in before it turns read-only); unmounted afterwards."""
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        if fill is not None:
            shutil.copytree(fill, folder / fill.name)
        if read_only:
            subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def file_size_limit(limit: int):
    """A ``preexec_fn`` capping the size of any file the build writes (writes past it fail with EFBIG)."""

    def limit_size() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return limit_size


def assert_user_error(result: subprocess.CompletedProcess, code_text: str, path: Path) -> None:
    """Exit 1, no traceback, a message saying what happened, which path, and what to do."""
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    assert code_text in result.stderr, result.stderr
    assert str(path) in result.stderr, result.stderr
    assert "\n  (" in result.stderr, "a hint says what to do"


def litter(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def test_a_full_output_disk(collection, tmp_path):
    disk = tmp_path / "disk"
    if _can_mount():
        with tmpfs(disk, "64k"):
            result = run_cli("build", str(collection), "--format", FORMATS, "--out", str(disk))
            assert_user_error(result, "no space left on the disk", disk)
            assert litter(disk) == [], "no half-written edition is left on the full disk"
    else:  # not root: the file-size limit fails the same writes (EFBIG)
        result = _run_limited(["build", str(collection), "--format", FORMATS, "--out", str(disk)], 64 * 1024)
        assert_user_error(result, "larger than this system allows", disk)
        assert [p for p in litter(disk) if p.suffix in (".epub", ".pdf", ".part")] == []


def test_a_full_cache_disk(collection, tmp_path):
    cache = tmp_path / "cache"
    if not _can_mount():
        pytest.skip("needs root to mount a small tmpfs for the cache")
    with tmpfs(cache, "64k"):
        result = run_cli(
            "build", str(collection), "--format", FORMATS, "--out", str(tmp_path / "dist"), env={"BUNDLER_CACHE_DIR": str(cache)}
        )
        assert_user_error(result, "no space left on the disk", cache)
        assert "BUNDLER_CACHE_DIR" in result.stderr and "--no-cache" in result.stderr
        assert [p for p in litter(cache) if ".part" in p.name] == []


def test_a_read_only_output_folder(collection, tmp_path):
    if not _can_mount():
        pytest.skip("needs root to mount a read-only tmpfs")
    with tmpfs(tmp_path / "stick", "1m", read_only=True) as stick:
        result = run_cli("build", str(collection), "--format", "epub", "--out", str(stick))
        assert_user_error(result, "the file system is read-only", stick)


def test_a_read_only_collection_names_the_cache_and_builds_with_no_cache(collection, tmp_path):
    if not _can_mount():
        pytest.skip("needs root to mount a read-only tmpfs")
    with tmpfs(tmp_path / "media", "8m", read_only=True, fill=collection) as media:
        copy = media / collection.name
        result = run_cli("build", str(copy), "--format", "epub", "--out", str(tmp_path / "dist"))
        assert_user_error(result, "the file system is read-only", copy / ".cache")
        assert "--no-cache" in result.stderr
        result = run_cli("build", str(copy), "--format", "epub", "--out", str(tmp_path / "dist"), "--no-cache")
        assert result.returncode == 0, result.stderr
        assert (tmp_path / "dist" / collection.name / f"{collection.name}.epub").is_file()


def test_catalog_on_read_only_media(collection, tmp_path):
    if not _can_mount():
        pytest.skip("needs root to mount a read-only tmpfs")
    dist = tmp_path / "dist"
    assert run_cli("build", str(collection), "--format", "epub", "--out", str(dist)).returncode == 0
    with tmpfs(tmp_path / "stick", "8m", read_only=True, fill=dist) as stick:
        result = run_cli("catalog", str(stick / "dist"))
        assert_user_error(result, "the file system is read-only", stick / "dist")


def test_a_folder_without_write_permission(collection, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    command = ["build", str(collection), "--format", "epub", "--out", str(locked)]
    if os.geteuid() == 0:  # root writes anywhere: shed the capability that lets it
        if shutil.which("setpriv") is None:
            pytest.skip("needs setpriv to run without root's override of permissions")
        result = _run_without_override(command)
    else:
        result = run_cli(*command)
    assert_user_error(result, "permission denied", locked)


def test_a_name_too_long(collection, tmp_path):
    out = tmp_path / ("n" * 300)
    result = run_cli("build", str(collection), "--format", "epub", "--out", str(out))
    assert_user_error(result, "the file name is too long", out)


EXHAUST_FILES = """
import resource, sys
from bundler.errors import environment_problem
resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))
held = []
try:
    while True:
        held.append(open(sys.argv[1], "rb"))
except OSError as exc:
    problem = environment_problem(exc)
    print(problem.code, problem.render())
"""


def test_too_many_open_files_is_a_user_error(tmp_path):
    """The kernel's own EMFILE (a process at its limit of open files) maps to E705 with what to do.

    The mapping the CLI applies to any command; a whole build at its limit is the next test.
    """
    target = tmp_path / "some-file"
    target.write_text("x")
    import sys

    result = subprocess.run([sys.executable, "-c", EXHAUST_FILES, str(target)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("E705 too many open files: " + str(target)), result.stdout
    assert "ulimit -n" in result.stdout


def open_file_limit(limit: int):
    """A ``preexec_fn`` capping how many files the build may hold open (``ulimit -n``)."""

    def limit_files() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))

    return limit_files


def test_a_build_at_its_open_file_limit_fails_with_e705_not_a_hang(collection, tmp_path):
    """Starting the pool's workers runs out of descriptors part way: E705, exit 1, and the build ends.

    It used to hang: the worker already started waited on its queue forever, and Python's exit
    waited for it. The subprocess timeout is only a guard against that hang coming back.
    """
    out = tmp_path / "out"
    result = _run(["build", str(collection), "--format", "epub", "--jobs", "4", "--out", str(out)], open_file_limit(16))
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    assert "E705 too many open files to start 4 worker processes" in result.stderr, result.stderr
    assert "ulimit -n" in result.stderr and "--jobs 1" in result.stderr
    assert litter(out) == []


def test_keygen_on_a_full_disk_leaves_no_empty_key(tmp_path):
    """A key that could not be written is not left empty under its name (the next keygen refused to replace it)."""
    keys = tmp_path / "keys"
    keys.mkdir()
    result = _run_limited(["keygen", str(keys / "my-key.pem")], 0)
    assert_user_error(result, "larger than this system allows", keys / "my-key.pem")
    assert list(keys.iterdir()) == []


def test_new_on_a_full_disk_leaves_no_empty_manifest(tmp_path):
    """``new`` that could not write its manifest leaves none, so ``new`` can be run again once there is room."""
    folder = tmp_path / "dossier"
    result = _run_limited(["new", str(folder), "--title", "Aleppo 2016"], 0)
    assert_user_error(result, "larger than this system allows", folder)
    assert not (folder / "collection.yaml").exists()
    assert [p for p in folder.rglob("*") if p.is_file()] == []
    again = _run(["new", str(folder), "--title", "Aleppo 2016"], None)
    assert again.returncode == 0, again.stderr


def _run(args: list[str], preexec) -> subprocess.CompletedProcess:
    import sys

    env = {k: v for k, v in os.environ.items() if k != "BUNDLER_CACHE_DIR"}
    return subprocess.run(
        [sys.executable, "-m", "bundler", *args], capture_output=True, text=True, env=env, preexec_fn=preexec, timeout=600
    )


def _run_limited(args: list[str], limit: int) -> subprocess.CompletedProcess:
    return _run(args, file_size_limit(limit))


def _run_without_override(args: list[str]) -> subprocess.CompletedProcess:
    import sys

    caps = "-dac_override,-dac_read_search,-fowner"
    env = {k: v for k, v in os.environ.items() if k != "BUNDLER_CACHE_DIR"}
    command = ["setpriv", f"--bounding-set={caps}", f"--inh-caps={caps}", sys.executable, "-m", "bundler", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
