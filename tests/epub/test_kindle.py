"""Send-to-Kindle: the rules every EPUB meets (also checked inside ``run_epubcheck``), and the build-time warnings."""

from __future__ import annotations

import dataclasses

import pytest

from bundler.errors import Report
from bundler.exporters import context_for, kindle
from bundler.exporters.epub import write_epub
from bundler.model import Edition
from tests.epub.conftest import FIXTURES
from tests.epub.kindle_rules import kindle_problems


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_fixture_epubs_meet_kindle_rules(books, name):
    assert kindle_problems(books[name].path) == []


def test_example_epub_meets_kindle_rules(aleppo_build):
    assert kindle_problems(aleppo_build.outputs["epub"]) == []


def test_ncx_has_play_order_and_depth(kitchen_sink):
    ncx = kitchen_sink.text("EPUB/toc.ncx")
    assert 'playOrder="1"' in ncx and '<meta content="2" name="dtb:depth"/>' in ncx


def test_checker_finds_what_kindle_rejects(kitchen_sink, tmp_path):
    """The checker is not a rubber stamp: a broken copy of a good EPUB fails each rule."""
    import zipfile

    broken = tmp_path / "broken.epub"
    with zipfile.ZipFile(broken, "w") as out:
        for info in kitchen_sink.infos:
            data = kitchen_sink.entries[info.filename]
            if info.filename == "EPUB/introduction.xhtml":
                data = (
                    data.replace(b" encoding='utf-8'", b"")
                    .replace(b' encoding="utf-8"', b"")
                    .replace(b"<body>", b'<body id="top"><a href="#top">x</a><img alt=""/>')
                )
            elif info.filename.endswith(".ncx"):
                data = data.replace(b' playOrder="1"', b"").replace(b'content="2" name="dtb:depth"', b'content="0" name="dtb:depth"')
            out.writestr(info, data)
    problems = "\n".join(kindle_problems(broken))
    for expected in ("no XML declaration", "targets a <body> id", "without src", "without playOrder", "dtb:depth is '0'"):
        assert expected in problems


@pytest.mark.expect_warnings(r"^W440 epub: Persian \(fa\) is not a language Kindle supports")
def test_unsupported_language_warns(tmp_path):
    dossier = FIXTURES["plain"](tmp_path / "input")
    dossier = dataclasses.replace(dossier, language="fa", direction="rtl")
    report = Report()
    write_epub(dossier, Edition("epub"), tmp_path / "fa.epub", context_for(Edition("epub"), report))
    assert [w.code for w in report.warnings] == ["W440"]
    assert "PDF" in report.warnings[0].hint


def test_arabic_is_not_warned(books):
    assert not [w for w in books["arabic-only"].report.warnings if w.code == "W440"]


@pytest.mark.expect_warnings(r"^W441 epub: .* MB is over Send-to-Kindle's 50 MB e-mail limit")
def test_size_over_email_limit_names_the_budget_option(tmp_path, monkeypatch):
    monkeypatch.setattr(kindle, "EMAIL_LIMIT", 10_000)  # bound the work: a 10 kB limit instead of a 50 MB book
    report = Report()
    write_epub(FIXTURES["plain"](tmp_path / "input"), Edition("epub"), tmp_path / "big.epub", context_for(Edition("epub"), report))
    (warning,) = report.warnings
    assert warning.code == "W441" and warning.key == "editions.epub.budget" and "budget: 50 MB" in warning.hint
