"""CLI start-up stays light: --version, --help and check do not load the export, archive or server stacks."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import COLLECTIONS

# Libraries only build/bag/serve need; each costs tens to hundreds of milliseconds to import.
HEAVY = {"weasyprint", "ebooklib", "PIL", "bagit", "starlette", "uvicorn", "dask", "distributed", "fontTools", "pikepdf"}
# check resolves the manifest, which imports pieces (Pillow reads photos) and collects the exporters
# (ebooklib, fontTools and pikepdf load with them); it must still not touch PDF, archive or server code.
NOT_FOR_CHECK = {"weasyprint", "bagit", "starlette", "uvicorn", "dask", "distributed"}


def imported_by(code: str) -> set[str]:
    """Top-level packages in ``sys.modules`` after running ``code`` in a fresh interpreter."""
    script = f"import json, sys\n{code}\nprint('MODULES=' + json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})))"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    lines = [line for line in result.stdout.splitlines() if line.startswith("MODULES=")]
    assert lines, result.stderr[-2000:]
    line = lines[0]
    return set(json.loads(line.removeprefix("MODULES=")))


def test_version_imports_no_heavy_library():
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "bundler", "--version"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stdout.startswith("bundler ")
    imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}
    assert "bundler.cli" in imported  # the measurement saw the CLI load
    assert not {name for name in imported if name.split(".")[0] in HEAVY}


def test_help_of_every_command_imports_no_heavy_library():
    code = (
        "from bundler.cli import commands, main\n"
        "main(['--help'])\n"
        "for name in commands():\n"
        "    main([name, '--help'])\n"
        "assert {'bag', 'build', 'catalog', 'check', 'extract', 'import', 'list', 'new', 'serve', 'verify'} <= set(commands())"
    )
    imported = imported_by(code)
    assert "bundler" in imported
    assert not imported & HEAVY, imported & HEAVY


def test_check_does_not_import_pdf_archive_or_server_code():
    imported = imported_by(f"from bundler.cli import main\nassert main(['-q', 'check', {str(COLLECTIONS / 'aleppo-2016')!r}]) == 0")
    assert "lxml" in imported  # the pieces really were imported
    assert not imported & NOT_FOR_CHECK, imported & NOT_FOR_CHECK


def test_bag_command_offers_the_archives_the_bag_writer_knows():
    from bundler.archive.bag import ARCHIVES
    from bundler.commands import bag

    assert bag.ARCHIVES == ARCHIVES
