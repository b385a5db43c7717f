"""An article that comes out empty, or far smaller than its page, is loud at import and coded at build.

Fixture pages are written here: a script-only page (the app shell a saved single-page site
leaves behind), an article page with menus around it, and a page whose photos are remote
and have no alt text (routine notes). The CLI runs as a real subprocess.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from bundler.cleaning.completeness import MIN_SHARE, REAL_ARTICLE_WORDS, body_problem, check_body, visible_words
from bundler.codes import split_coded
from bundler.importers import ImportOptions, read_piece
from bundler.importers.html import parse_page
from bundler.model import Paragraph
from bundler.text.plain import word_count

SENTENCES = [
    "The bakery on the corner opened at dawn, and the queue reached the mosque before the first loaves came out.",
    "Families who had fled the eastern districts in the winter were coming back to check on their flats.",
    "Most found the doors forced and the windows gone, but the walls still standing and the furniture mostly there.",
    "A teacher had reopened two classrooms in the basement of the school, with benches carried from the hall upstairs.",
    "Water came by truck twice a week, and neighbours shared the cost of filling the tanks on the roofs.",
    "In the evenings the street was dark except for the shop that sold current from its generator by the ampere.",
]
ARTICLE = "\n".join(f"<p>{SENTENCES[i % len(SENTENCES)]} ({i + 1})</p>" for i in range(24))
MENU = "".join(f"<li><a href='/s/{n}'>Section {n}</a></li>" for n in range(12))

ARTICLE_PAGE = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Back to the old city</title></head>
<body><nav><ul>{MENU}</ul></nav><main><article><h1>Back to the old city</h1>{ARTICLE}</article></main>
<footer><p>Copyright 2016 Example Post. All rights reserved.</p></footer></body></html>"""

SCRIPT_ONLY_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Siege diary, day 40</title>
<script>window.__STATE__ = {"article": "loaded later"};</script></head>
<body><div id="root"></div><noscript>Please enable JavaScript to read this article.</noscript>
<script src="/static/app.js"></script></body></html>"""

REMOTE_PHOTOS_PAGE = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Market day</title></head>
<body><article><h1>Market day</h1>
<p>{SENTENCES[0]}</p><img src="https://photos.example.org/market-1.jpg"><p>{SENTENCES[1]}</p>
<img src="https://photos.example.org/market-2.jpg"><p>{SENTENCES[2]}</p><img src="https://photos.example.org/market-3.jpg">
<p>{SENTENCES[3]}</p><p>{SENTENCES[4]}</p></article></body></html>"""


def bundler(*args: str) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "bundler", *args], capture_output=True, text=True, timeout=300, check=False)
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result


@pytest.fixture
def pages(tmp_path):
    folder = tmp_path / "saved"
    folder.mkdir()
    for name, text in {"article.html": ARTICLE_PAGE, "diary.html": SCRIPT_ONLY_PAGE, "market.html": REMOTE_PHOTOS_PAGE}.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def dossier(tmp_path):
    folder = tmp_path / "dossier"
    assert bundler("new", str(folder), "--title", "Completeness").returncode == 0
    return folder


def codes_of(piece) -> list[str]:
    return [split_coded(w)[0] for w in piece.provenance.warnings]


def test_body_problem_thresholds():
    assert body_problem(0, 900, None).startswith("W130: ") and "~900 visible" in body_problem(0, 900, None)
    tiny = body_problem(12, 2400, 800)
    assert tiny.startswith("W131: ") and "12 words kept of ~2,400 visible" in tiny and "800 words" in tiny
    assert body_problem(12, 2400, REAL_ARTICLE_WORDS) == "", "a short extraction is no evidence of a lost article"
    assert body_problem(int(800 * MIN_SHARE) + 1, 2400, 800) == ""
    assert body_problem(12, 2400, None) == "", "without trafilatura's opinion, small is not refused"


def test_check_body_asks_trafilatura_when_the_body_is_small():
    page = parse_page(ARTICLE_PAGE)
    kept_all = [Paragraph(s) for s in SENTENCES * 4]
    assert check_body(kept_all, page) == []
    [problem] = check_body([Paragraph("The bakery on the corner opened at dawn.")], page)
    code, message = split_coded(problem)
    assert code == "W131" and "8 words kept of ~" in message and "trafilatura found an article" in message


def test_a_real_article_page_imports_without_a_body_warning(pages):
    piece = read_piece(pages / "article.html", ImportOptions())
    assert len(piece.body) >= 20
    assert not {"W130", "W131"} & set(codes_of(piece))


def test_a_script_only_page_is_imported_with_w130(pages):
    piece = read_piece(pages / "diary.html", ImportOptions())
    assert piece.title == "Siege diary, day 40" and "W130" in codes_of(piece)


def test_import_refuses_an_empty_page_and_writes_nothing(pages, dossier):
    before = (dossier / "collection.yaml").read_bytes()
    result = bundler("import", str(dossier), str(pages / "article.html"), str(pages / "diary.html"))
    assert result.returncode == 1
    assert "error: E115 " in result.stderr and "diary.html" in result.stderr
    assert "0 words kept of ~" in result.stderr and "--allow-empty" in result.stderr
    problems = [line for line in result.stderr.splitlines() if not line.startswith("note: importing ")]  # progress lines name each
    assert "article.html" not in "\n".join(problems), "only the empty page is named"
    assert (dossier / "collection.yaml").read_bytes() == before
    assert not (dossier / "pieces").exists() or not any((dossier / "pieces").iterdir())


def test_allow_empty_imports_it_and_prints_the_warning_with_its_code(pages, dossier):
    result = bundler("import", str(dossier), str(pages / "diary.html"), "--allow-empty")
    assert result.returncode == 0, result.stderr
    assert "added pieces/" in result.stdout
    assert "warning: W130 pieces/" in result.stderr and "no article text found" in result.stderr


def test_extract_refuses_an_empty_page_as_import_does(pages):
    result = bundler("extract", str(pages / "diary.html"))
    assert result.returncode == 1 and result.stdout == ""
    assert "error: E115 " in result.stderr and "diary.html" in result.stderr and "--allow-empty" in result.stderr


def test_extract_allow_empty_prints_what_there_is(pages):
    result = bundler("extract", str(pages / "diary.html"), "--allow-empty")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Siege diary, day 40", "the headline, and no text that is not on the page"
    kept = bundler("extract", str(pages / "article.html"))
    assert kept.returncode == 0 and kept.stdout.startswith("Back to the old city\n")


def test_import_prints_each_warning_and_counts_routine_notes_once_per_piece(pages, dossier):
    result = bundler("import", str(dossier), str(pages / "market.html"), str(pages / "diary.html"), "--allow-empty")
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert [line for line in lines if "N142" in line] == [
        "note: N142 pieces/market-day/piece.json: remote image not fetched; caption and alt text kept — 3 times"
    ]
    assert [line for line in lines if "N144" in line] == [
        "note: N144 pieces/market-day/piece.json: image without alt text or caption; alt text filled in — 3 times"
    ]
    assert any(line.startswith("warning: W130 pieces/siege-diary-day-40/piece.json: no article text found") for line in lines)


def test_build_summarises_by_code_and_strict_fails_on_warnings_not_notes(pages, dossier):
    assert bundler("import", str(dossier), str(pages / "market.html"), str(pages / "article.html")).returncode == 0
    notes_only = bundler("build", str(dossier), "--format", "epub-text", "--out", str(dossier.parent / "out"), "--strict")
    assert notes_only.returncode == 0, "routine notes never fail --strict"
    summary = [line for line in notes_only.stderr.splitlines() if "N142" in line]
    assert summary == ["note: N142 remote image not fetched; caption and alt text kept — 3 times in 1 piece: sources/market.html"]
    assert "--verbose prints each one" in notes_only.stderr

    assert bundler("import", str(dossier), str(pages / "diary.html"), "--allow-empty").returncode == 0
    strict = bundler("build", str(dossier), "--format", "epub-text", "--out", str(dossier.parent / "out"), "--strict")
    assert strict.returncode == 1
    assert "warning: W130 sources/diary.html: no article text found" in strict.stderr
    assert "1 warning(s) and --strict was given" in strict.stderr

    verbose = bundler("check", str(dossier), "--verbose")
    assert verbose.returncode == 0
    assert (
        sum(line.startswith("note: N142 sources/market.html: image https://photos.example.org/") for line in verbose.stderr.splitlines())
        == 3
    )


def write_crawl(path, pages: dict[str, str]):
    """A WARC of HTML responses (url -> page), as a crawler would save them."""
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for url, text in pages.items():
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(text.encode()), http_headers=headers))
    return path


def test_import_of_a_warc_names_the_emptied_page_by_its_address(tmp_path, dossier):
    crawl = write_crawl(
        tmp_path / "crawl.warc.gz", {"https://news.example.org/old-city": ARTICLE_PAGE, "https://news.example.org/diary": SCRIPT_ONLY_PAGE}
    )
    result = bundler("import", str(dossier), str(crawl))
    assert result.returncode == 1
    [refusal] = [line for line in result.stderr.splitlines() if line.startswith("error: E115")]
    assert "crawl.warc.gz" in refusal and "https://news.example.org/diary" in refusal and "old-city" not in refusal
    assert bundler("import", str(dossier), str(crawl), "--allow-empty").returncode == 0


def test_the_warning_is_the_same_whether_or_not_the_page_is_counted():
    """With trafilatura's text at hand, check_body counts the page's visible words only when a warning
    is possible (branch dom7); the answer must be what counting first gives, for every size of body."""
    page = parse_page(ARTICLE_PAGE)
    visible = visible_words(page)
    warned = 0
    for extracted in (" ".join(SENTENCES * 4), " ".join(SENTENCES[:1]), ""):
        for kept_sentences in (0, 1, 2, 6, 24):
            blocks = [Paragraph(s) for s in (SENTENCES * 4)[:kept_sentences]]
            kept = word_count(" ".join(b.html for b in blocks))
            asked = kept and visible > REAL_ARTICLE_WORDS and kept < MIN_SHARE * visible
            expected = body_problem(kept, visible, word_count(extracted) if asked else None)
            assert check_body(blocks, page, extracted) == ([expected] if expected else []), (extracted[:20], kept_sentences)
            warned += bool(expected)
    assert warned >= 4, "W130 and W131 both come up"
    assert check_body([], page, "")[0].startswith("W130: ") and f"~{visible:,} visible" in check_body([], page, "")[0]
