"""``bundler new``, ``import``, ``check`` and ``list`` through the real CLI, on a collection made in a temp folder."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import COLLECTIONS, ROOT

STREET = "A quiet street\n\n10 May 2016\n\nTHE MORNING began with bread queues and the sound of generators.\n\nBy noon the market had reopened.\n"
MARKDOWN = "---\ntitle: Second piece\nlanguage: ar\n---\n\nعاد السوق إلى العمل عند الظهر، وامتد طابور المخبز حتى الزاوية.\n"


def bundler(*args: str, cwd=None) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "bundler", *args], capture_output=True, text=True, cwd=cwd, timeout=120, check=False)
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result


@pytest.fixture
def sources(tmp_path):
    folder = tmp_path / "downloads"
    folder.mkdir()
    (folder / "street.txt").write_bytes(STREET.encode("utf-8").replace(b"\n", b"\r\n"))  # CRLF: must be kept byte for byte
    (folder / "second.md").write_text(MARKDOWN, encoding="utf-8")
    return folder


def test_new_writes_a_manifest_with_identifier_and_schema_line(tmp_path):
    result = bundler("new", str(tmp_path / "dossier"), "--title", "Aleppo: voices", "--language", "ar")
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "dossier" / "collection.yaml").read_text(encoding="utf-8")
    first = text.splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema=")
    schema = (tmp_path / "dossier" / first.split("=", 1)[1]).resolve()
    assert schema == (ROOT / "schema" / "collection.schema.json").resolve()
    assert 'title: "Aleppo: voices"' in text and "identifier: urn:uuid:" in text and "language: ar" in text
    assert (tmp_path / "dossier" / "notes" / "introduction.md").is_file()
    again = bundler("new", str(tmp_path / "dossier"), "--title", "Again")
    assert again.returncode == 1, "never overwrites a manifest"
    assert "collection.yaml already exists" in again.stderr and "choose another folder" in again.stderr
    assert 'title: "Aleppo: voices"' in (tmp_path / "dossier" / "collection.yaml").read_text(encoding="utf-8")
    wrong = bundler("new", str(tmp_path / "other"), "--title", "X", "--language", "arabic")
    assert wrong.returncode == 1
    assert "invalid language tag 'arabic'" in wrong.stderr and "did you mean 'ar'?" in wrong.stderr
    assert not (tmp_path / "other" / "collection.yaml").exists()


def test_new_import_check_list(tmp_path, sources):
    dossier = tmp_path / "dossier"
    assert bundler("new", str(dossier), "--title", "Test dossier").returncode == 0
    empty = bundler("check", str(dossier))
    assert empty.returncode == 1 and "this section has no pieces" in empty.stderr and "bundler import" in empty.stderr
    before = (dossier / "collection.yaml").read_text(encoding="utf-8")

    assert bundler("import", str(dossier), str(sources / "street.txt")).returncode == 0
    added = bundler("import", str(dossier), str(sources / "second.md"), "--section", "Later days")
    assert added.returncode == 0, added.stderr
    after = (dossier / "collection.yaml").read_text(encoding="utf-8")
    kept = [line for line in before.splitlines() if line.strip().startswith("#")]
    assert kept and all(line in after.splitlines() for line in kept), "the editors' comments survive"
    assert "      - pieces/a-quiet-street/piece.json" in after
    assert "  - title: Later days\n    pieces:\n      - pieces/second-piece/piece.json" in after

    assert (dossier / "sources" / "street.txt").read_bytes() == (sources / "street.txt").read_bytes()
    stored = json.loads((dossier / "pieces" / "a-quiet-street" / "piece.json").read_text(encoding="utf-8"))
    assert stored["piece"]["provenance"]["source_path"] == "sources/street.txt"

    again = bundler("import", str(dossier), str(sources / "street.txt"))
    assert again.returncode == 1 and "already in the collection" in again.stderr
    (sources / "other").mkdir()
    (sources / "other" / "street.txt").write_text("Another street\n\nA different text entirely.\n", encoding="utf-8")
    same_name = bundler("import", str(dossier), str(sources / "other" / "street.txt"))
    assert same_name.returncode == 1, "same name, new file: a newer copy of the same source, not a second piece"
    assert "E633" in same_name.stderr and "--replace" in same_name.stderr and "pieces/a-quiet-street/piece.json" in same_name.stderr
    (sources / "other" / "street.txt").rename(sources / "other" / "corner.txt")
    assert bundler("import", str(dossier), str(sources / "other" / "corner.txt")).returncode == 0
    assert (dossier / "sources" / "corner.txt").read_text(encoding="utf-8").startswith("Another street")
    assert (dossier / "sources" / "street.txt").read_bytes() == (sources / "street.txt").read_bytes(), "never overwritten"

    checked = bundler("check", str(dossier))
    assert checked.returncode == 0, checked.stderr
    assert "3 piece(s) in 2 section(s)" in checked.stdout

    listed = bundler("list", str(dossier))
    assert listed.returncode == 0
    assert "A quiet street" in listed.stdout and "2016-05-10" in listed.stdout and "words" in listed.stdout
    toc = json.loads(bundler("list", str(dossier), "--json").stdout)
    pieces = [p for s in toc["sections"] for p in s["pieces"]]
    assert [p["language"] for p in pieces] == ["en", "ar", "en"], "without --section, the last section grows"
    assert pieces[0]["words"] == 20 and pieces[1]["direction"] == "rtl"


def test_import_of_a_missing_file_writes_nothing(tmp_path):
    dossier = tmp_path / "dossier"
    bundler("new", str(dossier), "--title", "T")
    before = (dossier / "collection.yaml").read_bytes()
    result = bundler("import", str(dossier), str(tmp_path / "nope.html"))
    assert result.returncode == 1 and "file not found" in result.stderr
    assert (dossier / "collection.yaml").read_bytes() == before
    assert not any((dossier / "pieces").iterdir()) and not any((dossier / "sources").iterdir())


@pytest.mark.parametrize("example", ["aleppo-2016", "bilingual-sample"])
def test_check_passes_on_the_examples(example):
    result = bundler("check", str(COLLECTIONS / example))
    assert result.returncode == 0, result.stderr
    assert "ok:" in result.stdout


def test_list_shows_figures_and_warnings():
    result = bundler("list", str(COLLECTIONS / "aleppo-2016"))
    assert "1 fig (1 without image)" in result.stdout and "warning: W141 figure" in result.stdout
    bilingual = json.loads(bundler("list", str(COLLECTIONS / "bilingual-sample"), "--json").stdout)
    assert bilingual["direction"] == "rtl"
    languages = {p["language"] for s in bilingual["sections"] for p in s["pieces"]}
    assert languages == {"ar", "en"}
    assert sum(p["figures"] - p["figures_without_image"] for s in bilingual["sections"] for p in s["pieces"]) == 1
