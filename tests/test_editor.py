"""The editor's commands on a real collection: import --replace, remove, move, and check's
orphans and edited originals. Results are checked in collection.yaml (comments kept), on disk
and in the collection's event log; every user error is exit 1 with a message naming the thing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from bundler.cli import main
from bundler.manifest.cache import import_code_digest

ROOT = Path(__file__).resolve().parent.parent
TOUR = ROOT / "examples" / "tour"
ARTICLE = "pieces/the-bakery-on-the-corner-keeps-its-ovens-lit/piece.json"
NOTES = "pieces/notes-from-the-editors/piece.json"
STREET = "pieces/a-quiet-street/piece.json"
COMMENT = "# the editors' own comment: keep me"


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    return code, out.out, out.err


def entries(collection: Path) -> list[tuple[str, str]]:
    data = yaml.safe_load((collection / "collection.yaml").read_text(encoding="utf-8"))
    return [(s["title"], p if isinstance(p, str) else p["source"]) for s in data["sections"] for p in s["pieces"] or []]


def events(collection: Path) -> dict:
    return json.loads((collection / "provenance.json").read_text(encoding="utf-8"))["pieces"]


@pytest.fixture
def collection(tmp_path, capsys, monkeypatch) -> Path:
    """Two sections: Reports (the tour's article and notes) and Streets (a text piece); a comment in the manifest."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1462838400")
    work = tmp_path / "work"
    shutil.copytree(TOUR, work)
    (work / "street.txt").write_text("A quiet street\n\n10 May 2016\n\nThe morning began with bread queues.\n", encoding="utf-8")
    folder = tmp_path / "dossier"
    assert run(capsys, "new", str(folder), "--title", "Editing")[0] == 0
    assert run(capsys, "import", str(folder), str(work / "saved" / "article.html"), str(work / "notes.md"), "--section", "Reports")[0] == 0
    assert run(capsys, "import", str(folder), str(work / "street.txt"), "--section", "Streets")[0] == 0
    manifest = folder / "collection.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("sections:\n", f"sections:\n  {COMMENT}\n"), encoding="utf-8")
    return folder


def newer_article(tmp_path: Path) -> Path:
    """The same page saved again later: one sentence changed, same name, same URL."""
    folder = tmp_path / "later"
    shutil.copytree(TOUR / "saved", folder)
    page = folder / "article.html"
    page.write_text(page.read_text(encoding="utf-8").replace("four thousand loaves", "five thousand loaves"), encoding="utf-8")
    return page


def test_reimporting_the_same_page_is_refused_and_replace_keeps_the_earlier_original(collection, tmp_path, capsys):
    manifest_before = (collection / "collection.yaml").read_text(encoding="utf-8")
    photo = collection / "sources" / "article_files" / "ovens.jpg"
    assert photo.read_bytes() == (TOUR / "saved" / "article_files" / "ovens.jpg").read_bytes(), "the saved page's folder is kept with it"
    old_original = (collection / "sources" / "article.html").read_bytes()
    code, _, err = run(capsys, "import", str(collection), str(TOUR / "saved" / "article.html"))
    assert code == 1 and "E102" in err and "already in the collection" in err
    page = newer_article(tmp_path)
    code, _, err = run(capsys, "import", str(collection), str(page))
    assert code == 1 and "E633" in err and ARTICLE in err and "--replace" in err
    assert (collection / "collection.yaml").read_text(encoding="utf-8") == manifest_before and not (
        collection / "sources" / "article-2.html"
    ).exists()

    code, out, _ = run(capsys, "import", str(collection), str(page), "--replace")
    assert code == 0 and f"replaced {ARTICLE}" in out
    assert (collection / "collection.yaml").read_text(encoding="utf-8") == manifest_before, "the entry stays where it was"
    assert (collection / "sources" / "article.html").read_bytes() == page.read_bytes()
    stored = json.loads((collection / ARTICLE).read_text(encoding="utf-8"))["piece"]
    assert "five thousand loaves" in json.dumps(stored) and stored["provenance"]["source_path"] == "sources/article.html"
    (kept,) = (collection / "history").iterdir()
    assert (kept / "sources" / "article.html").read_bytes() == old_original
    assert (kept / "sources" / "article_files" / "ovens.jpg").is_file() and (
        collection / "sources" / "article_files" / "ovens.jpg"
    ).is_file()
    assert "four thousand loaves" in (kept / ARTICLE).read_text(encoding="utf-8")
    log = events(collection)[ARTICLE]
    assert [e["event"] for e in log] == ["imported", "replaced"]
    assert log[1]["rules_digest"] == import_code_digest() and log[1]["importer"] == "html" and log[1]["importer_version"]
    assert log[1]["previous_source_sha256"] == log[0]["source_sha256"] != log[1]["source_sha256"]
    assert log[1]["at"] == "2016-05-10T00:00:00Z" and log[1]["tool"].startswith("bundler ")
    code, _, err = run(capsys, "check", str(collection))
    assert code == 0 and "W630" not in err, "history/ is kept on purpose, not an orphan"


def test_replace_without_a_matching_piece_is_refused(collection, tmp_path, capsys):
    other = tmp_path / "other.txt"
    other.write_text("Another place\n\n11 May 2016\n\nA different story.\n", encoding="utf-8")
    code, _, err = run(capsys, "import", str(collection), str(other), "--replace")
    assert code == 1 and "E634" in err and "other.txt" in err and "without --replace" in err
    assert not (collection / "sources" / "other.txt").exists()


def test_move_reorders_and_changes_section_keeping_comments(collection, capsys):
    code, out, _ = run(capsys, "move", str(collection), "notes-from-the-editors", "--to", "Reports", "--before", ARTICLE)
    assert code == 0 and "moved" in out
    assert entries(collection) == [("Reports", NOTES), ("Reports", ARTICLE), ("Streets", STREET)]
    code, _, err = run(capsys, "move", str(collection), STREET, "--to", "Reports", "--after", NOTES)
    assert code == 0 and "W632" in err and "'Streets'" in err, "the section it left is empty now: said so"
    assert entries(collection) == [("Reports", NOTES), ("Reports", STREET), ("Reports", ARTICLE)]
    text = (collection / "collection.yaml").read_text(encoding="utf-8")
    assert COMMENT in text and "pieces: []" in text
    log = events(collection)[STREET]
    assert log[-1]["event"] == "moved" and log[-1]["from_section"] == "Streets" and log[-1]["to_section"] == "Reports"


def test_move_errors_name_the_problem(collection, capsys):
    before = (collection / "collection.yaml").read_text(encoding="utf-8")
    code, _, err = run(capsys, "move", str(collection), ARTICLE, "--to", "Nowhere")
    assert code == 1 and "E631" in err and "'Nowhere'" in err
    code, _, err = run(capsys, "move", str(collection), ARTICLE, "--to", "Reports", "--before", STREET)
    assert code == 1 and "E632" in err and STREET in err
    code, _, err = run(capsys, "move", str(collection), "no-such-piece", "--to", "Reports")
    assert code == 1 and "E630" in err and "no-such-piece" in err
    assert (collection / "collection.yaml").read_text(encoding="utf-8") == before


def test_remove_deletes_the_entry_and_its_files(collection, capsys):
    code, out, _ = run(capsys, "remove", str(collection), "a-quiet-street")
    assert code == 0 and f"removed {STREET}" in out
    assert STREET not in [e for _s, e in entries(collection)]
    assert not (collection / STREET).parent.exists() and not (collection / "sources" / "street.txt").exists()
    assert COMMENT in (collection / "collection.yaml").read_text(encoding="utf-8")
    assert events(collection)[STREET][-1]["event"] == "removed"
    code, _, err = run(capsys, "remove", str(collection), STREET)
    assert code == 1 and "E630" in err


def test_remove_keeps_files_another_entry_uses(collection, capsys):
    from bundler.manifest.edit import add_pieces

    copy = "pieces/bakery-copy/piece.json"
    shutil.copytree((collection / ARTICLE).parent, (collection / copy).parent)
    manifest = collection / "collection.yaml"
    manifest.write_text(add_pieces(manifest.read_text(encoding="utf-8"), [copy], "Reports"), encoding="utf-8")
    code, _, err = run(capsys, "remove", str(collection), ARTICLE)
    assert code == 0 and "W631" in err and "sources/article.html" in err and copy in err
    assert (collection / "sources" / "article.html").is_file(), "shared with the copy: kept"
    assert (collection / "sources" / "article_files" / "ovens.jpg").is_file(), "the page's photo goes with the page"
    assert not (collection / ARTICLE).exists() and (collection / copy).is_file()


@pytest.mark.expect_warnings(r"^W630 sources/forgotten\.html: no entry uses this file")
def test_check_reports_orphans_and_edited_originals(collection, capsys):
    code, _, err = run(capsys, "remove", str(collection), ARTICLE)
    assert code == 0 and not (collection / "sources" / "article_files").exists(), "removed with its page"
    assert run(capsys, "import", str(collection), str(TOUR / "saved" / "article.html"))[0] == 0
    (collection / "sources" / "forgotten.html").write_text("<p>left behind</p>", encoding="utf-8")
    code, _, err = run(capsys, "check", str(collection), "--verbose")
    assert code == 0 and "W630" in err and "sources/forgotten.html" in err
    original = collection / "sources" / "article.html"
    data = bytearray(original.read_bytes())
    data[200] ^= 0x01
    original.write_bytes(bytes(data))
    code, _, err = run(capsys, "check", str(collection))
    assert code == 1 and "E636" in err and "sources/article.html" in err and ARTICLE in err and "--replace" in err


def test_refresh_updates_a_piece_from_a_file_of_any_name(collection, tmp_path, capsys):
    page = newer_article(tmp_path)
    renamed = page.with_name("bakery-saved-again.html")
    page.rename(renamed)
    code, out, _ = run(capsys, "refresh", str(collection), "the-bakery-on-the-corner-keeps-its-ovens-lit", str(renamed))
    assert code == 0 and f"refreshed {ARTICLE}" in out
    assert (collection / "sources" / "article.html").read_bytes() == renamed.read_bytes()
    assert [e["event"] for e in events(collection)[ARTICLE]] == ["imported", "replaced"]
    code, _, err = run(capsys, "refresh", str(collection), ARTICLE, str(tmp_path / "nowhere.html"))
    assert code == 1 and "E101" in err and "nowhere.html" in err
    code, _, err = run(capsys, "refresh", str(collection), "nothing-like-it", str(renamed))
    assert code == 1 and "E630" in err and "nothing-like-it" in err


def cleaned_by_an_older_bundler(collection: Path) -> str:
    """The stored piece as an earlier bundler might have left it: other text, and the retrieval date given then."""
    path = collection / ARTICLE
    stored = path.read_text(encoding="utf-8")
    assert "four thousand loaves" in stored
    older = stored.replace("four thousand loaves", "four thousand LOAVES").replace('"retrieved": "unknown"', '"retrieved": "2016-05-09"')
    path.write_text(older, encoding="utf-8")
    return older


@pytest.mark.parametrize("given", ["the page given at first", "the collection's own original"])
def test_replace_with_the_same_bytes_cleans_the_page_again_and_keeps_the_original(collection, capsys, given):
    page = TOUR / "saved" / "article.html" if given == "the page given at first" else collection / "sources" / "article.html"
    manifest_before = (collection / "collection.yaml").read_text(encoding="utf-8")
    original = (collection / "sources" / "article.html").read_bytes()
    older = cleaned_by_an_older_bundler(collection)

    code, _, err = run(capsys, "import", str(collection), str(page))
    assert code == 1 and "E102" in err and "to clean it again with this version of bundler, add --replace" in err
    assert (collection / ARTICLE).read_text(encoding="utf-8") == older, "refused: nothing written"

    code, out, _ = run(capsys, "import", str(collection), str(page), "--replace")
    assert code == 0 and f"cleaned {ARTICLE}" in out and "again from its original sources/article.html" in out
    stored = json.loads((collection / ARTICLE).read_text(encoding="utf-8"))["piece"]
    assert "four thousand loaves" in json.dumps(stored) and "LOAVES" not in json.dumps(stored), "cleaned anew from the original"
    assert stored["provenance"]["retrieved"] == "2016-05-09", "the retrieval date recorded at first is kept"
    assert stored["provenance"]["source_path"] == "sources/article.html"
    assert stored["body"], "the photo's figure and text are there"
    assert any((collection / ARTICLE).parent.glob("media/*")), "the saved page's photo is read from the kept _files/ again"
    assert (collection / "sources" / "article.html").read_bytes() == original
    assert (collection / "collection.yaml").read_text(encoding="utf-8") == manifest_before
    (kept,) = (collection / "history").iterdir()
    assert (kept / ARTICLE).read_text(encoding="utf-8") == older, "the earlier piece is kept"
    assert not (kept / "sources").exists(), "an unchanged original is not copied into history"
    log = events(collection)[ARTICLE]
    assert [e["event"] for e in log] == ["imported", "replaced"]
    assert log[1]["same_original"] is True and log[1]["previous_source_sha256"] == log[1]["source_sha256"] == log[0]["source_sha256"]
    assert log[1]["rules_digest"] == import_code_digest()
    assert run(capsys, "check", str(collection))[0] == 0, "the original still matches its recorded digest"

    code, out, err = run(capsys, "import", str(collection), str(page), "--replace")
    assert code == 0 and "N150" in err and "comes out the same" in err and "left as it is" in err
    assert len(list((collection / "history").iterdir())) == 1 and len(events(collection)[ARTICLE]) == 2, "nothing to do, nothing done"


def test_refresh_from_the_original_itself_cleans_it_again(collection, capsys):
    older = cleaned_by_an_older_bundler(collection)
    original = collection / "sources" / "article.html"
    code, out, _ = run(capsys, "refresh", str(collection), "the-bakery-on-the-corner-keeps-its-ovens-lit", str(original))
    assert code == 0 and f"cleaned {ARTICLE}" in out
    (kept,) = (collection / "history").iterdir()
    assert (kept / ARTICLE).read_text(encoding="utf-8") == older and not (kept / "sources").exists()
    assert "LOAVES" not in (collection / ARTICLE).read_text(encoding="utf-8")
    code, out, _ = run(capsys, "refresh", str(collection), ARTICLE, str(original))
    assert code == 0 and "comes out the same" in out and len(list((collection / "history").iterdir())) == 1


def test_replace_does_not_take_a_damaged_piece_for_the_page(collection, capsys):
    damaged = json.dumps({"format": "x", "piece": ["not", "a", "piece"]})
    (collection / ARTICLE).write_text(damaged, encoding="utf-8")
    code, _, err = run(capsys, "import", str(collection), str(TOUR / "saved" / "article.html"), "--replace")
    assert code == 1 and "E634" in err and "no piece in the collection comes from" in err
    assert (collection / ARTICLE).read_text(encoding="utf-8") == damaged and not (collection / "history").exists()


def test_a_shell_glob_over_sources_passes_over_a_saved_pages_folder(collection, capsys):
    """``bundler import C C/sources/* --replace``: the shell names article.html and article_files/ both."""
    sources = collection / "sources"
    assert (sources / "article_files").is_dir()
    expanded = sorted(str(p) for p in sources.iterdir())  # what the shell gives for sources/*
    assert str(sources / "article_files") in expanded

    code, out, err = run(capsys, "import", str(collection), *expanded, "--replace")
    assert code == 0, err
    assert "E106" not in err and "article_files" not in out

    code, _, err = run(capsys, "import", str(collection), str(sources / "article_files"), "--replace")
    assert code == 1
    assert "E106" in err and "article_files is the folder of the saved page" in err and "article.html" in err
    assert "its photos are read from article_files/" in err
