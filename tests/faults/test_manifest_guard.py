"""The manifest's alias guard counts what aliases add; file names compare in one Unicode form.

A large dossier with ordinary per-piece overrides was refused as an alias bomb, and a file
saved in the other normalisation form was "not found" next to a suggestion of itself.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from bundler.errors import ManifestError
from bundler.exporters import formats
from bundler.manifest import load_manifest
from tests.test_cli import assert_user_error, run_cli


def write_large_collection(root: Path, pieces: int, per_section: int = 100) -> Path:
    """``pieces`` Markdown pieces, each listed with seven overrides, ``per_section`` to a section."""
    (root / "pieces").mkdir(parents=True)
    lines = ["title: A large dossier", "language: en", "sections:"]
    for number in range(pieces):
        if number % per_section == 0:
            lines += [f"  - title: Section {number // per_section + 1}", "    pieces:"]
        (root / "pieces" / f"p{number}.md").write_text(f"# Piece {number}\n\nText of piece {number}.\n", encoding="utf-8")
        lines += [
            f"      - source: pieces/p{number}.md",
            f"        title: Piece number {number}",
            f"        date: 2016-05-{1 + number % 28:02d}",
            "        authors: [A. Writer, B. Editor]",
            "        language: en",
            "        note: Checked against the archived copy",
            f"        source_url: https://news.example/{number}",
            "        site: News Example",
        ]
    (root / "collection.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


@pytest.mark.parametrize("pieces", [1_200, 10_000])
def test_large_dossiers_with_overrides_load(tmp_path, pieces):
    manifest = load_manifest(write_large_collection(tmp_path / "big", pieces), formats=formats())
    listed = [entry for section in manifest.data["sections"] for entry in section["pieces"]]
    assert len(listed) == pieces
    assert listed[-1]["title"] == f"Piece number {pieces - 1}"


def test_aliases_that_repeat_a_value_are_fine(tmp_path):
    (tmp_path / "a.md").write_text("# A\n\nText.\n", encoding="utf-8")
    entries = "\n".join("      - {source: a.md, authors: *people}" for _ in range(500))
    (tmp_path / "collection.yaml").write_text(
        f"title: T\nx-people: &people [One, Two, Three]\nsections:\n  - title: S\n    pieces:\n{entries}\n", encoding="utf-8"
    )
    manifest = load_manifest(tmp_path, validate=False)
    assert manifest.data["sections"][0]["pieces"][499]["authors"] == ["One", "Two", "Three"]


def test_a_long_manifest_may_use_an_alias_in_every_entry(tmp_path):
    """6,000 entries naming a shared list of people: aliases add 24,000 values, fewer than the file writes out."""
    (tmp_path / "a.md").write_text("# A\n\nText.\n", encoding="utf-8")
    entries = "\n".join(f"      - {{source: a.md, title: Entry {n}, authors: *people}}" for n in range(6_000))
    (tmp_path / "collection.yaml").write_text(
        f"title: T\nx-people: &people [One, Two, Three]\nsections:\n  - title: S\n    pieces:\n{entries}\n", encoding="utf-8"
    )
    manifest = load_manifest(tmp_path, validate=False)
    assert len(manifest.data["sections"][0]["pieces"]) == 6_000


def test_an_alias_bomb_is_refused_at_the_alias_that_explodes(tmp_path):
    rows = ["title: T", "a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for name, previous in zip("bcdef", "abcde", strict=True):
        rows.append(f"{name}: &{name} [{', '.join(['*' + previous] * 10)}]")
    rows += ["sections: []"]
    (tmp_path / "collection.yaml").write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(ManifestError) as caught:
        load_manifest(tmp_path, formats=formats())
    found = caught.value.problems[0]
    assert found.code == "M009" and "aliases expand the manifest" in found.message
    assert found.line in range(2, 8)


@pytest.mark.parametrize(("on_disk", "written"), [("NFD", "NFC"), ("NFC", "NFD")])
def test_file_names_match_in_either_normalisation_form(tmp_path, on_disk, written):
    folder_name, file_name = "Ḥalab", "café-ḥalab.md"
    folder = tmp_path / unicodedata.normalize(on_disk, folder_name)
    folder.mkdir()
    (folder / unicodedata.normalize(on_disk, file_name)).write_text("# Café in Aleppo\n\nWords from the café.\n", encoding="utf-8")
    source = unicodedata.normalize(written, f"{folder_name}/{file_name}")
    (tmp_path / "collection.yaml").write_text(
        f"title: T\nsections:\n  - title: S\n    pieces:\n      - {source}\neditions: {{epub: {{}}}}\n", encoding="utf-8"
    )
    result = run_cli("check", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "1 piece(s)" in result.stdout + result.stderr


def test_a_missing_file_is_still_not_found(tmp_path):
    (tmp_path / "café.md").write_text("# C\n\nText.\n", encoding="utf-8")
    (tmp_path / "collection.yaml").write_text("title: T\nsections:\n  - title: S\n    pieces: [cafe-missing.md]\n", encoding="utf-8")
    assert_user_error(run_cli("check", str(tmp_path)), "file not found: 'cafe-missing.md'")
