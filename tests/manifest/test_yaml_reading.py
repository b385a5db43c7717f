"""Reading and editing ``collection.yaml``: libyaml reads it, every message and line stays as the pure-Python
loader gave them, duplicate keys are all reported with their lines, and an edit keeps the editors' comments."""

from __future__ import annotations

import shutil

import pytest

from bundler.errors import ManifestError
from bundler.exporters import formats
from bundler.manifest import load_manifest, loader
from bundler.manifest.edit import add_pieces
from tests.conftest import COLLECTIONS, FIXTURES

BROKEN = sorted(p for p in (FIXTURES / "manifests").iterdir() if (p / "collection.yaml").is_file())


def problems_of(folder):
    """Every problem ``load_manifest`` reports for ``folder``, rendered as the CLI shows them."""
    try:
        load_manifest(folder, formats=formats())
    except ManifestError as exc:
        return [p.render_coded() for p in exc.problems]
    return []


def test_libyaml_reads_the_manifest():
    assert loader._FastManifestLoader.__mro__[1].__name__ == "CSafeLoader", "PyYAML without libyaml: reading is 8x slower"


@pytest.mark.parametrize(
    "folder", BROKEN + sorted(p for p in COLLECTIONS.iterdir() if (p / "collection.yaml").is_file()), ids=lambda p: p.name
)
def test_every_manifest_reads_as_the_pure_python_loader_read_it(folder, monkeypatch):
    """Same problems, same codes, same lines, same wording, whether libyaml or PyYAML's own parser reads the file."""
    fast = problems_of(folder)
    monkeypatch.setattr(loader, "_FastManifestLoader", loader._ManifestLoader)
    assert fast == problems_of(folder)


def test_syntax_error_names_its_line_and_the_fix(tmp_path):
    (tmp_path / "collection.yaml").write_text("title: T\nsections: one: two\n", encoding="utf-8")
    with pytest.raises(ManifestError) as caught:
        load_manifest(tmp_path, formats=formats())
    [problem] = caught.value.problems
    assert (problem.code, problem.line, problem.message) == ("M003", 2, "not valid YAML: the value on this line contains ': ' ('one: two')")
    assert problem.hint == 'quote the value: sections: "one: two"'
    assert problem.file == str(tmp_path / "collection.yaml")


def test_every_duplicate_key_is_reported_with_both_lines(tmp_path):
    (tmp_path / "collection.yaml").write_text(
        "title: T\nsections:\n  - title: One\n    pieces: [a.md]\n    title: Again\ntitle: Twice\n", encoding="utf-8"
    )
    with pytest.raises(ManifestError) as caught:
        load_manifest(tmp_path, validate=False)
    found = [(p.code, p.line, p.key, p.message) for p in caught.value.problems]
    assert found == [
        ("M007", 5, "sections[0].title", "duplicate key 'title' (first at line 3)"),
        ("M007", 6, "title", "duplicate key 'title' (first at line 1)"),
    ]


def test_an_added_piece_keeps_every_comment_and_line_of_the_scaffold(tmp_path):
    """The text ``bundler new`` writes, full of comments, gains two pieces and loses nothing else."""
    folder = tmp_path / "c"
    shutil.copytree(COLLECTIONS / "aleppo-2016", folder)
    original = (folder / "collection.yaml").read_text(encoding="utf-8")
    original = "# editors: keep this\n" + original.replace("sections:", "sections:  # in reading order", 1)
    edited = add_pieces(original, ["notes/a.md", "notes/b c.md"], None)
    added = [line for line in edited.splitlines() if line not in original.splitlines()]
    assert [line.strip() for line in added] == ["- notes/a.md", "- notes/b c.md"]
    assert [line for line in edited.splitlines() if line not in added] == original.splitlines()
