"""A piece that cannot be rendered is the user's error (exit 1, named), found before anything is written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bundler.errors import BundlerError
from bundler.importers import ImportOptions
from bundler.importers.piece import read_stored_piece, write_piece
from bundler.model import Paragraph, Piece, Provenance, to_data
from bundler.render.xhtml import check_pieces_render
from tests.conftest import COLLECTIONS


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bundler", *args], capture_output=True, text=True, cwd=cwd)


def collection_with_piece(root: Path, piece_data: dict) -> Path:
    """A collection of two pieces: a good one, then ``piece_data`` stored as pieces/broken/piece.json."""
    folder = root / "pieces" / "broken"
    folder.mkdir(parents=True)
    (folder / "piece.json").write_text(json.dumps({"format": "bundler-piece", "version": 1, "piece": piece_data}), encoding="utf-8")
    good = COLLECTIONS / "aleppo-2016" / "sources" / "aleppo-is-burning.txt"
    (root / "good.txt").write_text(good.read_text(encoding="utf-8"), encoding="utf-8")
    (root / "collection.yaml").write_text(
        "title: Broken pieces\nidentifier: urn:uuid:6f1d2c3b-8a4e-4f5a-9b6c-1d2e3f4a5b6c\nlanguage: en\n"
        "sections:\n  - title: All\n    pieces: [good.txt, pieces/broken/piece.json]\n"
        "editions:\n  pdf: {}\n  epub: {}\n",
        encoding="utf-8",
    )
    return root


def broken_piece(**fields) -> dict:
    data = to_data(Piece(title="The broken piece", body=(Paragraph("Fine text."),), provenance=Provenance(source_path="saved/page.html")))
    data.update(fields)
    return data


def files_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


@pytest.mark.parametrize("command", ["build", "check"])
def test_hand_broken_piece_json_is_a_located_user_error(tmp_path, command):
    body = [{"type": "Paragraph", "html": "Fine."}, {"type": "Paragraph", "html": "<em>never closed", "lang": None}]
    root = collection_with_piece(tmp_path / "c", broken_piece(body=body))
    result = (
        run_cli(command, str(root), "--out", str(tmp_path / "dist"), cwd=tmp_path)
        if command == "build"
        else run_cli(command, str(root), cwd=tmp_path)
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert "pieces/broken/piece.json" in result.stderr
    assert "'The broken piece'" in result.stderr and "body[1] (Paragraph)" in result.stderr
    assert "not well-formed XHTML" in result.stderr
    assert files_in(tmp_path / "dist") == []


def test_render_failure_names_the_piece_and_leaves_dist_empty(tmp_path):
    """A piece.json whose date is a number (edited by hand) passes reading but cannot be rendered."""
    root = collection_with_piece(tmp_path / "c", broken_piece(date=20160510))
    result = run_cli("build", str(root), "--out", str(tmp_path / "dist"), cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout and "internal error" not in result.stderr
    assert "saved/page.html" in result.stderr and "'The broken piece' cannot be rendered" in result.stderr
    assert files_in(tmp_path / "dist") == []  # the PDF comes first in the manifest and was not written either
    check = run_cli("check", str(root), cwd=tmp_path)
    assert check.returncode == 1 and "cannot be rendered" in check.stderr


def test_a_malformed_piece_is_never_stored(tmp_path):
    piece = Piece(title="Unbalanced", body=(Paragraph("<b>open"),))
    with pytest.raises(BundlerError, match="cannot be stored"):
        write_piece(piece, tmp_path / "p")
    assert not (tmp_path / "p" / "piece.json").exists()


def test_a_stored_piece_reads_back_unchanged(tmp_path):
    piece = Piece(title="Balanced", body=(Paragraph('It’s <em>fine</em> &amp; <a href="https://x.org/?a=1&amp;b=2">linked</a>'),))
    path = write_piece(piece, tmp_path / "p")
    assert read_stored_piece(path, ImportOptions()).body == piece.body


def test_rendering_check_raises_for_an_unrenderable_piece():
    from bundler.model import Dossier, Section

    piece = Piece(title="Bad date", date=20160510, slug="bad-date", body=(Paragraph("x"),))  # type: ignore[arg-type]
    dossier = Dossier(title="D", identifier="urn:x", slug="d", sections=(Section("S", (piece,), slug="s"),))
    with pytest.raises(BundlerError, match="'Bad date' cannot be rendered"):
        check_pieces_render(dossier)


@pytest.mark.slow
def test_an_edition_that_fails_after_another_was_written_leaves_dist_empty(tmp_path):
    """The PDF is complete when the EPUB fails (over its budget): neither reaches dist/."""
    root = tmp_path / "c"
    root.mkdir()
    good = COLLECTIONS / "aleppo-2016" / "sources" / "aleppo-is-burning.txt"
    (root / "good.txt").write_text(good.read_text(encoding="utf-8"), encoding="utf-8")
    (root / "collection.yaml").write_text(
        "title: Too big\nidentifier: urn:uuid:7a2e4c1d-9b3f-4e8a-8c5d-2f1e0d9c8b7a\nlanguage: en\n"
        "sections:\n  - title: All\n    pieces: [good.txt]\n"
        "editions:\n  pdf: {}\n  epub: {budget: 2 KB}\n",
        encoding="utf-8",
    )
    result = run_cli("build", str(root), "--out", str(tmp_path / "dist"), cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "does not fit its 2 KB budget" in result.stderr
    assert files_in(tmp_path / "dist") == []
