"""Shared fixtures: built editions of the example dossiers, and real validators."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests import warnings_guard
from tests.validators import epubcheck_jar, missing_validators, validator

ROOT = Path(__file__).resolve().parent.parent
_TREE = pytest.StashKey[dict]()
COLLECTIONS = ROOT / "collections"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
#: The one warning the example dossier gives: its plain-text source names a photo it cannot hold.
ALEPPO_WARNINGS = r"^W141 figure 'Children walking home from school in Aleppo': no image in a plain-text source"


#: Folders of the repository no test may write into (builds go to temporary folders).
UNTOUCHED = (COLLECTIONS, ROOT / "dist", ROOT / "styles", ROOT / "schema", ROOT / "examples")


def tree_state(folders=UNTOUCHED) -> dict[str, tuple[int, int]]:
    """Every file under ``folders``, ignored ones too, with its size and modification time."""
    return {
        str(path.relative_to(ROOT)): (path.stat().st_size, path.stat().st_mtime_ns)
        for folder in folders
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def pytest_sessionstart(session: pytest.Session) -> None:
    """Fail the whole run, before any test, when a validator is missing: a skipped check is a check that lies."""
    problem = missing_validators()
    if problem:
        raise pytest.UsageError(problem)
    session.config.stash[_TREE] = tree_state()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run when a test wrote into the repository (a cache or an edition in collections/, dist/...)."""
    before = session.config.stash.get(_TREE, None)
    if before is None or exitstatus not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        return
    after = tree_state()
    changed = sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))
    if changed:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        listed = "\n  ".join(changed[:20])
        if reporter:
            reporter.write_line(f"\nERROR: tests wrote into the repository (build in tmp_path instead):\n  {listed}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "expect_warnings(*patterns): warnings this test must give (see tests/warnings_guard.py)")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item):
    """Each test starts with no warnings seen; what its fixtures' setup warns counts as its own."""
    warnings_guard.WATCH.reset()
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    """After a passing test body, fail it on a warning it did not declare."""
    result = yield
    warnings_guard.check(item)
    return result


@pytest.fixture(scope="session", autouse=True)
def _watch_warnings():
    """Install the warnings guard for the session (tests/warnings_guard.py)."""
    with pytest.MonkeyPatch.context() as patch:
        warnings_guard.install(patch)
        yield
        warnings_guard.uninstall()


@pytest.fixture(scope="session", autouse=True)
def _own_cache(tmp_path_factory):
    """Every build in the run caches into a temporary folder: never ``collections/*/.cache``, nor a user cache,
    nor editions left by an earlier run."""
    root = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BUNDLER_CACHE_DIR", str(root / "bundler"))
        patch.setenv("XDG_CACHE_HOME", str(root / "xdg"))
        yield root


@pytest.fixture(autouse=True)
def _reproducible_clock(monkeypatch):
    """Every test builds with a fixed SOURCE_DATE_EPOCH unless it sets its own."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1462838400")


def run_epubcheck(path: Path) -> dict:
    """Run the real W3C EPUBCheck (shipped by the PyPI ``epubcheck`` package) and return its JSON report.

    Send-to-Kindle's rules (``tests/epub/kindle_rules.py``) are checked on the same file and any
    they break are added as ERROR messages with ID ``KINDLE``: every EPUB the suite validates
    must meet them too.
    """
    from tests.epub.kindle_rules import kindle_problems

    report = path.with_suffix(".epubcheck.json")
    result = subprocess.run(
        [validator("java"), "-jar", str(epubcheck_jar()), str(path), "--json", str(report)], capture_output=True, text=True, check=False
    )
    assert report.is_file(), f"EPUBCheck wrote no report (exit {result.returncode}): {result.stderr[-2000:]}"
    found = json.loads(report.read_text(encoding="utf-8"))
    kindle = [{"severity": "ERROR", "ID": "KINDLE", "message": problem, "locations": []} for problem in kindle_problems(path)]
    found.setdefault("messages", []).extend(kindle)
    return found


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

    from bundler.build.collection import build_collection

    os.environ["SOURCE_DATE_EPOCH"] = "1462838400"
    out = tmp_path_factory.mktemp("aleppo")
    with warnings_guard.expected_warnings(ALEPPO_WARNINGS):
        return build_collection(COLLECTIONS / "aleppo-2016", out_dir=out, format_names=["epub", "pdf"])


#: Test folders whose session fixtures build whole editions: under ``pytest -n 2 --dist loadgroup`` each such folder
#: runs on one worker, so its editions are built once; every other test file is a group of its own, so a module's
#: fixtures are set up once too.
_ONE_WORKER_FOLDERS = {"pdf", "epub", "html", "distribution"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Group the tests for pytest-xdist's ``loadgroup`` scheduling (a no-op for a run on one process)."""
    tests = ROOT / "tests"
    for item in items:
        parts = item.path.relative_to(tests).parts
        group = parts[0] if parts[0] in _ONE_WORKER_FOLDERS else "/".join(parts)
        item.add_marker(pytest.mark.xdist_group(group))
