"""What ``bundler import`` is given: folders, globs, ``--from`` lists; and a retrieval date for every piece."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.capture.server import WORDS, Site, png
from tests.capture.test_capture import bundler

SINGLEFILE = f"""<!DOCTYPE html> <html lang="en"><!--
 Page saved with SingleFile
 url: https://news.example.org/harbour
 saved date: Tue Mar 14 2023 09:30:00 GMT+0100 (Central European Standard Time)
--><head><meta charset="utf-8"><title>The harbour at dawn</title></head>
<body><article><h1>The harbour at dawn</h1><p>{WORDS * 3}</p><p>{WORDS * 2}</p></article></body></html>
"""
SAVED_FROM = f"""<!DOCTYPE html>
<!-- saved from url=(0035)https://news.example.org/boats.html -->
<html lang="en"><head><meta charset="utf-8"><title>Boats in the bay</title></head>
<body><article><h1>Boats in the bay</h1><p>{WORDS * 3}</p>
<figure><img src="./Boats in the bay_files/boat.png" alt="A fishing boat"><figcaption>A fishing boat.</figcaption></figure>
<p>{WORDS * 2}</p></article></body></html>
"""
NOTE = f"A note from the road\n\n{WORDS * 3}\n"


@pytest.fixture
def saved(tmp_path) -> Path:
    """A downloads folder: a SingleFile page, a browser's "complete" page with its _files folder, a text note."""
    folder = tmp_path / "downloads"
    (folder / "Boats in the bay_files").mkdir(parents=True)
    (folder / "harbour.html").write_text(SINGLEFILE, encoding="utf-8")
    (folder / "Boats in the bay.html").write_text(SAVED_FROM, encoding="utf-8")
    (folder / "Boats in the bay_files" / "boat.png").write_bytes(png("navy"))
    (folder / "Boats in the bay_files" / "saved_resource.html").write_text("<html><body>frame</body></html>", encoding="utf-8")
    (folder / "notes").mkdir()
    (folder / "notes" / "road.txt").write_text(NOTE, encoding="utf-8")
    return folder


@pytest.fixture
def dossier(tmp_path) -> Path:
    made = tmp_path / "dossier"
    assert bundler("new", str(made), "--title", "Inputs").returncode == 0
    return made


def provenance_by_title(dossier: Path) -> dict[str, dict]:
    found = {}
    for path in (dossier / "pieces").glob("*/piece.json"):
        piece = json.loads(path.read_text(encoding="utf-8"))["piece"]
        found[piece["title"]] = piece["provenance"]
    return found


def test_a_folder_imports_every_page_with_a_progress_line_and_a_retrieval_date_each(saved, dossier):
    result = bundler("import", str(dossier), str(saved), "--retrieved", "2024-02-01")
    assert result.returncode == 0, result.stderr
    assert "importing 1/3:" in result.stderr and "importing 3/3:" in result.stderr
    found = provenance_by_title(dossier)
    assert set(found) == {"The harbour at dawn", "Boats in the bay", "A note from the road"}, "the _files folder is not a piece"
    assert found["The harbour at dawn"]["retrieved"] == "2023-03-14T08:30:00Z", "SingleFile's own date wins"
    assert found["Boats in the bay"]["retrieved"] == "2024-02-01", "'saved from' names no date: --retrieved"
    assert found["A note from the road"]["retrieved"] == "2024-02-01"


def test_without_a_date_retrieval_is_recorded_as_unknown(saved, dossier):
    assert bundler("import", str(dossier), str(saved / "notes" / "road.txt")).returncode == 0
    assert provenance_by_title(dossier)["A note from the road"]["retrieved"] == "unknown"


def test_a_saved_pages_files_folder_is_kept_with_its_original(saved, dossier):
    result = bundler("import", str(dossier), str(saved / "Boats in the bay.html"))
    assert result.returncode == 0, result.stderr
    kept = dossier / "sources" / "Boats in the bay_files"
    assert (dossier / "sources" / "Boats in the bay.html").read_bytes() == (saved / "Boats in the bay.html").read_bytes()
    assert (kept / "boat.png").read_bytes() == (saved / "Boats in the bay_files" / "boat.png").read_bytes()
    assert (kept / "saved_resource.html").is_file()


def test_a_newer_copy_of_a_saved_page_is_refused_then_replaced_with_its_files_folder(saved, dossier, tmp_path):
    assert bundler("import", str(dossier), str(saved / "Boats in the bay.html")).returncode == 0
    other = tmp_path / "other"
    (other / "Boats in the bay_files").mkdir(parents=True)
    (other / "Boats in the bay.html").write_text(
        SAVED_FROM.replace("Boats in the bay</h1>", "Boats in the bay, again</h1>"), encoding="utf-8"
    )
    (other / "Boats in the bay_files" / "boat.png").write_bytes(png("teal"))
    again = bundler("import", str(dossier), str(other / "Boats in the bay.html"))
    assert again.returncode == 1 and "E633" in again.stderr and "--replace" in again.stderr, (
        "a newer copy of one page is not a second piece"
    )
    replaced = bundler("import", str(dossier), str(other / "Boats in the bay.html"), "--replace")
    assert replaced.returncode == 0, replaced.stderr
    kept = sorted((dossier / "sources").rglob("Boats in the bay_files/boat.png"))
    assert png("teal") in [path.read_bytes() for path in kept], "the newer copy's photos are kept beside its original"


def test_a_glob_imports_what_it_matches(saved, dossier):
    result = bundler("import", str(dossier), str(saved / "*.html"))
    assert result.returncode == 0, result.stderr
    assert set(provenance_by_title(dossier)) == {"The harbour at dawn", "Boats in the bay"}


def test_an_empty_glob_or_folder_says_nothing_to_import(dossier, tmp_path):
    (tmp_path / "empty").mkdir()
    for target in (str(tmp_path / "empty"), str(tmp_path / "nothing-*.html")):
        result = bundler("import", str(dossier), target)
        assert result.returncode == 1 and "E106" in result.stderr and "nothing to import" in result.stderr


def test_from_list_takes_urls_and_paths_with_comments(saved, dossier, tmp_path):
    with Site() as site:
        listing = tmp_path / "reading-list.txt"
        listing.write_text(
            f"# to read this week\n\n{site.url('/article.html')}\n  downloads/harbour.html  \n# done\ndownloads/notes\n", encoding="utf-8"
        )
        result = bundler("import", str(dossier), "--from", str(listing))
    assert result.returncode == 0, result.stderr
    found = provenance_by_title(dossier)
    assert set(found) == {"Water returns to the old quarter", "The harbour at dawn", "A note from the road"}
    assert found["Water returns to the old quarter"]["http_status"] == 200
    assert "importing 3/3:" in result.stderr


def test_bad_from_list_and_bad_date_are_errors(dossier, tmp_path):
    missing = bundler("import", str(dossier), "--from", str(tmp_path / "absent.txt"))
    assert missing.returncode == 1 and "E171" in missing.stderr and "absent.txt" in missing.stderr
    (tmp_path / "blank.txt").write_text("# nothing yet\n\n", encoding="utf-8")
    blank = bundler("import", str(dossier), "--from", str(tmp_path / "blank.txt"))
    assert blank.returncode == 1 and "lists nothing to import" in blank.stderr
    none = bundler("import", str(dossier))
    assert none.returncode == 1 and "E171" in none.stderr
    date = bundler("import", str(dossier), str(tmp_path / "blank.txt"), "--retrieved", "last tuesday")
    assert date.returncode == 1 and "E170" in date.stderr and "'last tuesday' is not a date" in date.stderr
