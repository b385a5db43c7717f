"""A cold build loads the importer once, before it forks its import workers, and the pieces are the same.

Issue 19: each import worker used to load the importer modules, the extraction libraries and the
language model before its first page (about half a second of CPU time a worker). The build now
loads them just before forking, so the workers inherit them, and drops the model (~40 MB) once they are
done, so that workers forked later (the PDF's layout) do not inherit it too. Each run is a fresh interpreter,
so ``sys.modules`` shows what the build process itself loaded.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

FIXTURE_PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"
PAGES = sorted(FIXTURE_PAGES.glob("bilingual/*.html")) + sorted(FIXTURE_PAGES.glob("arabic/*.html"))

_IMPORT = """
import json, os, sys
from pathlib import Path
from bundler.cache import DamageLog
from bundler.executor import WorkOptions
from bundler.importers import ImportOptions
from bundler.manifest.imports import import_all
from bundler.model import to_data
from bundler.text import language
media = Path(sys.argv[1])
held_at_fork = []  # whether the build held the model at each fork of a worker
os.register_at_fork(before=lambda: held_at_fork.append(language._identifier.cache_info().currsize == 1))
requests = [(Path(p), ImportOptions(media_dir=media)) for p in sys.argv[3:]]
read = import_all(requests, None, WorkOptions(jobs=2, executor=sys.argv[2]), DamageLog())
pieces = [to_data(read(path, options)) for path, options in requests]
loaded = {"trafilatura": "trafilatura" in sys.modules, "model": language._identifier.cache_info().currsize == 1, "at fork": held_at_fork}
print("RESULT=" + json.dumps({"loaded": loaded, "pieces": pieces}, default=str))
"""


def _import(media: Path, executor: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", _IMPORT, str(media), executor, *map(str, PAGES)], capture_output=True, text=True, timeout=600
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("RESULT=")]
    assert result.returncode == 0 and lines, result.stderr[-3000:]
    return json.loads(lines[0].removeprefix("RESULT="))


def test_the_build_loads_the_importer_before_forking_workers_and_the_pieces_are_the_serial_ones(tmp_path):
    assert len(PAGES) == 6
    pooled = _import(tmp_path / "pooled", "local")
    serial = _import(tmp_path / "serial", "serial")
    # the pool's parent read no page itself, yet held the libraries and the model when it forked its workers,
    # and dropped the model once they were done
    assert pooled["loaded"] == {"trafilatura": True, "model": False, "at fork": [True, True]}
    assert pooled["pieces"] == serial["pieces"]
    assert {piece["language"] for piece in pooled["pieces"]} >= {"ar", "en"}
