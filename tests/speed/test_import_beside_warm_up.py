"""After one edit, the changed page is imported in a worker while the build loads the PDF's layout engine.

Issue 19 (one-changed rebuilds): a build that must import one source read it in its own process
(~0.5 s of library loading and the page), then loaded WeasyPrint for the PDF (~0.6 s): two
single-core steps, one after the other, on a two-core machine. ``import_all``'s ``meanwhile``
now runs in the build's process while even a single source is imported in a worker. Each run
is a fresh interpreter, so ``sys.modules`` shows what the build's process itself loaded.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PAGE = sorted((Path(__file__).resolve().parents[1] / "fixtures" / "pages" / "arabic").glob("*.html"))[0]

_IMPORT = """
import json, os, sys
from pathlib import Path
from bundler.cache import DamageLog
from bundler.executor import WorkOptions
from bundler.importers import ImportOptions
from bundler.manifest.imports import import_all
from bundler.model import to_data
forks = []
os.register_at_fork(before=lambda: forks.append(os.getpid()))
meanwhile_ran = []
def meanwhile():
    meanwhile_ran.append({"pid": os.getpid(), "trafilatura": "trafilatura" in sys.modules})
request = (Path(sys.argv[3]), ImportOptions(media_dir=Path(sys.argv[1])))
read = import_all([request], None, WorkOptions(jobs=int(sys.argv[2])), DamageLog(), meanwhile=meanwhile if sys.argv[4] == "yes" else None)
piece = to_data(read(*request))
print("RESULT=" + json.dumps({"piece": piece, "forks": len(forks), "meanwhile": meanwhile_ran, "pid": os.getpid(),
                              "trafilatura": "trafilatura" in sys.modules}, default=str))
"""


def _import(media: Path, jobs: int, meanwhile: bool) -> dict:
    command = [sys.executable, "-c", _IMPORT, str(media), str(jobs), str(PAGE), "yes" if meanwhile else "no"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    lines = [line for line in result.stdout.splitlines() if line.startswith("RESULT=")]
    assert result.returncode == 0 and lines, result.stderr[-3000:]
    return json.loads(lines[0].removeprefix("RESULT="))


def test_one_source_is_imported_in_a_worker_while_the_build_does_its_own_work(tmp_path):
    beside = _import(tmp_path / "beside", 2, meanwhile=True)
    alone = _import(tmp_path / "alone", 2, meanwhile=False)
    one_core = _import(tmp_path / "one-core", 1, meanwhile=True)
    # with work of its own, the build forked one worker for the single page and never loaded the extractor itself
    assert beside["forks"] == 1 and beside["trafilatura"] is False
    assert beside["meanwhile"] == [{"pid": beside["pid"], "trafilatura": False}]
    # without it (an EPUB-only build has none), the page is read in the build's process: no process to start
    assert alone["forks"] == 0 and alone["trafilatura"] is True and alone["meanwhile"] == []
    # on one core nothing could run beside it: the page first, then the work, in one process
    assert one_core["forks"] == 0 and one_core["meanwhile"] == [{"pid": one_core["pid"], "trafilatura": True}]
    assert beside["piece"]["body"] and beside["piece"] == alone["piece"] == one_core["piece"]
