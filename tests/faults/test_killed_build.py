"""A killed build leaves nothing that outlives it: its workers die with it, and the next build sweeps its files.

A real build runs in a subprocess with two workers; once its worker processes exist it is
killed with ``kill -9`` (nothing can clean up) or stopped with SIGTERM (it unwinds like Ctrl-C).
Waiting is bounded by a count of polls, never by a stopwatch.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import pytest

from tests.faults.conftest import EPOCH, run_cli

POLLS = 1200  # of 0.05 s each: how long a build may take to start its workers, or its workers to go
POLL = 0.05


def start_build(collection: Path, out: Path, scratch: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "BUNDLER_CACHE_DIR"} | {"SOURCE_DATE_EPOCH": EPOCH, "TMPDIR": str(scratch)}
    command = [sys.executable, "-m", "bundler", "build", str(collection), "--format", "epub,pdf", "--out", str(out), "--jobs", "2"]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def wait_for_workers(build: subprocess.Popen) -> list[psutil.Process]:
    """The build's descendants once a worker forked from it (same command line) is running."""
    main = psutil.Process(build.pid)
    for _ in range(POLLS):
        family = main.children(recursive=True)
        if any(child.cmdline() == main.cmdline() for child in family if _alive(child)):
            return family
        assert build.poll() is None, "the build ended before it started a worker"
        time.sleep(POLL)
    pytest.fail("the build started no worker")


def _alive(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def wait_until_gone(processes: list[psutil.Process]) -> list[psutil.Process]:
    for _ in range(POLLS):
        left = [p for p in processes if _alive(p)]
        if not left:
            return []
        time.sleep(POLL)
    return left


def dead_pid() -> int:
    """The id of a process that has just exited (a killed build's, as far as a sweep can tell)."""
    finished = subprocess.Popen(["true"])
    finished.wait()
    return finished.pid


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    folder = tmp_path / "tmp"
    folder.mkdir()
    return folder


def test_kill_9_takes_the_workers_along_and_the_next_build_sweeps_the_litter(collection, tmp_path, scratch):
    out = tmp_path / "dist"
    build = start_build(collection, out, scratch)
    family = wait_for_workers(build)
    build.send_signal(signal.SIGKILL)
    build.wait()
    assert wait_until_gone(family) == [], "worker processes outlived the killed build"

    dead = dead_pid()
    editions = out / collection.name
    editions.mkdir(parents=True, exist_ok=True)
    cache = collection / ".cache"
    (editions / f".{collection.name}.pdf.{dead}-x1y2z3.part").write_bytes(b"%PDF-1.7 half an edition")
    live = editions / f".{collection.name}.epub.{os.getpid()}-k4l5m6.part"  # a running build's (this process is alive)
    live.write_bytes(b"PK still being written")
    (cache / "values" / "ab").mkdir(parents=True, exist_ok=True)
    (cache / "values" / "ab" / f".part-{dead}-q1w2e3").write_bytes(b"half a value")
    (cache / "imports").mkdir(parents=True, exist_ok=True)
    (cache / "imports" / f".part-{dead}-r4t5y6").mkdir()
    (scratch / f"bundler-pdf-{dead}-u7i8o9").mkdir()
    staging = editions / f".staging-{dead}-a1s2d3"  # killed while writing its editions: one done, one half
    staging.mkdir()
    (staging / f"{collection.name}.epub").write_bytes(b"PK a whole edition, staged")
    (staging / f".{collection.name}.pdf.{dead}-z9x8c7.part").write_bytes(b"%PDF-1.7 half")

    env_tmp = {"TMPDIR": str(scratch)}
    result = run_cli("build", str(collection), "--format", "epub,pdf", "--out", str(out), env=env_tmp)
    assert result.returncode == 0, result.stderr

    leftovers = [p for p in (*out.rglob("*"), *cache.rglob(".part-*")) if ".part" in p.name]
    assert leftovers == [live], leftovers
    assert not staging.exists()
    assert [p.name for p in editions.iterdir() if p.name.startswith(".staging-")] == []
    assert [p.name for p in scratch.iterdir() if p.name.startswith("bundler-")] == []


def test_sigterm_unwinds_like_an_interrupt(collection, tmp_path, scratch):
    out = tmp_path / "dist"
    build = start_build(collection, out, scratch)
    family = wait_for_workers(build)
    build.send_signal(signal.SIGTERM)
    _, stderr = build.communicate(timeout=600)
    assert build.returncode == 143, stderr  # even when it landed where Python drops a handler's exception (os.fork's hooks)
    assert "interrupted" in stderr and "Traceback" not in stderr, stderr
    assert [p.name for p in out.rglob("*") if p.is_file() and p.suffix in (".epub", ".pdf")] == []
    assert wait_until_gone(family) == []
    assert [p for p in out.rglob("*") if ".part" in p.name] == []
    assert [p.name for p in scratch.iterdir() if p.name.startswith("bundler-")] == []


def test_unattributed_leftovers_of_older_bundlers_go_once_they_are_old(tmp_path):
    from bundler.build.leftovers import UNATTRIBUTED_AGE, sweep_cache, sweep_output

    old_edition = tmp_path / ".dossier.epub.ab12cd34.part"  # an older bundler's name: no process id
    young_edition = tmp_path / ".dossier.pdf.ef56gh78.part"  # may be a running older bundler's
    kept = tmp_path / "dossier.epub"
    for path in (old_edition, young_edition, kept):
        path.write_bytes(b"x")
    old_staging, young_staging = tmp_path / ".staging-qw12er34", tmp_path / ".staging-ty56ui78"
    old_staging.mkdir()
    young_staging.mkdir()
    cache = tmp_path / "cache"
    (cache / "images").mkdir(parents=True)
    old_image = cache / "images" / ".img.k9l8m7"
    old_image.write_bytes(b"x")
    long_ago = time.time() - UNATTRIBUTED_AGE - 60
    for path in (old_edition, old_image, old_staging):
        os.utime(path, (long_ago, long_ago))

    assert sweep_output(tmp_path) == [old_edition, old_staging]
    assert sweep_cache(cache) == [old_image]
    assert young_edition.exists() and kept.exists()


def test_killed_bag_and_import_runs_leave_nothing_the_next_one_keeps(tmp_path):
    """``bag`` stages a whole build in ``.bag-PID-xxxx`` beside the bags; ``import`` writes ``.NAME.PID-xxxx.part``
    in ``sources/`` and ``pieces/``. A killed run's are removed by the next; a live one's and the user's own files stay."""
    from bundler.build.leftovers import sweep_bag_staging, sweep_import_parts

    dead = dead_pid()
    bags = tmp_path / "bags"
    killed_bag, live_bag, bag = bags / f".bag-{dead}-a1b2c3", bags / f".bag-{os.getpid()}-d4e5f6", bags / "notebook-bag"
    for folder in (killed_bag, live_bag, bag):
        folder.mkdir(parents=True)
    assert sweep_bag_staging(bags) == [killed_bag]
    assert sorted(p.name for p in bags.iterdir()) == sorted([live_bag.name, bag.name])

    sources = tmp_path / "sources"
    sources.mkdir()
    killed_copy = sources / f".page.html.{dead}-g7h8i9.part"
    users_own = sources / ".notes.part"  # no writer's id: the user's file, however old
    for path in (killed_copy, users_own, sources / "page.html"):
        path.write_bytes(b"<p>")
    long_ago = time.time() - 10 * 86_400
    os.utime(users_own, (long_ago, long_ago))
    assert sweep_import_parts(sources) == [killed_copy]
    assert sorted(p.name for p in sources.iterdir()) == [".notes.part", "page.html"]


def make_photos_slow_to_prepare(collection: Path) -> None:
    """Large noise PNGs (under the photos' own names) in place of the collection's small photos.

    The two small photos took the image stage about 0.1 s, and under the whole suite's load the test
    once found the stage and its workers gone when it looked; these take it about 0.4 s idle, and
    JPEG's shrink-on-load would make large JPEGs cheap again.
    """
    import numpy
    from PIL import Image

    photos = sorted(collection.rglob("*.jpg"))
    assert len(photos) > 1, "the fault collection has photos for both workers"
    for seed, photo in enumerate(photos):  # each its own noise: equal photos would be prepared once
        noise = numpy.random.default_rng(seed).integers(0, 256, size=(3000, 4000, 3), dtype=numpy.uint8)
        Image.fromarray(noise).save(photo, format="PNG", compress_level=1)


def test_kill_9_while_fork_server_workers_run_takes_them_and_the_server_along(collection, tmp_path, scratch):
    """The images are prepared on workers of a fork server: their parent-death signal names the server,
    which outlived a killed build while its workers held it open (each waiting on its queue for good)."""
    moment = "images 0/"
    make_photos_slow_to_prepare(collection)
    # A short TMPDIR: the fork server listens on a Unix socket under it, whose path may hold 107 bytes;
    # under pytest-xdist the scratch folder's path is long enough that the server cannot start, and the
    # build (rightly) prepares the photos in its own process, with no worker to see.
    short_scratch = Path(tempfile.mkdtemp(prefix="kb-", dir="/tmp"))
    env = {k: v for k, v in os.environ.items() if k != "BUNDLER_CACHE_DIR"} | {"SOURCE_DATE_EPOCH": EPOCH, "TMPDIR": str(short_scratch)}
    command = [sys.executable, "-m", "bundler", "--progress", "lines", "build", str(collection), "--format", "pdf"]
    command += ["--out", str(tmp_path / "dist"), "--jobs", "2", "--no-cache"]
    build = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    for line in build.stderr:
        if line.startswith("progress: ") and moment in line:
            break
    else:
        pytest.fail(f"the build ended before {moment!r}")
    main = psutil.Process(build.pid)
    family: list[psutil.Process] = []
    for _ in range(POLLS * 10):  # the server and at least one of its workers (a grandchild of the build)
        family = main.children(recursive=True)
        if any(child.ppid() != build.pid for child in family if _alive(child)):
            break
        time.sleep(POLL / 10)  # the stage lasts well under a second on an idle machine: look often
    else:
        pytest.fail("no worker of a fork server started")
    build.send_signal(signal.SIGKILL)
    build.wait()
    assert wait_until_gone(family) == [], "processes of the killed build outlived it"
    build.stderr.close()
    shutil.rmtree(short_scratch, ignore_errors=True)
