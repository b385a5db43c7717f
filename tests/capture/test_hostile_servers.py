"""``bundler import URL`` against servers that answer badly or with malice, over real HTTP on 127.0.0.1.

Each refusal is exit 1 with a coded message naming the address, and nothing written to the
collection; each page that can be kept is kept whole. No assertion is about time: a stalled
server is ended by ``--timeout`` and the test checks the message.
"""

from __future__ import annotations

import json

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.capture.server import Site
from tests.capture.test_capture import bundler, import_fails, stored_piece, the_warc, warc_records


@pytest.fixture(scope="module")
def site():
    with Site() as running:
        yield running


@pytest.fixture
def empty(tmp_path):
    dossier = tmp_path / "dossier"
    assert bundler("new", str(dossier), "--title", "Hostile").returncode == 0
    return dossier


def test_a_redirect_loop_stops_with_e166(site, empty):
    result = import_fails(site, empty, "/loop")
    assert "E166" in result.stderr and "more than 10 redirects" in result.stderr and site.url("/loop") in result.stderr


@pytest.mark.parametrize(
    ("path", "said"),
    [
        ("/to-file", "redirects to 'file:///etc/passwd', which bundler does not follow (a file: address"),
        ("/to-script", "redirects to an address that is not valid"),
        ("/refresh-to-file.html", "redirects to 'file:///etc/passwd', which bundler does not follow"),
    ],
)
def test_a_redirect_out_of_the_web_is_refused_not_a_traceback(site, empty, path, said):
    result = import_fails(site, empty, path)
    assert "E166" in result.stderr and said in result.stderr and site.url(path) in result.stderr


def test_an_endless_body_stops_at_the_size_limit(site, empty):
    result = import_fails(site, empty, "/endless.html", "--max-size", "1")
    assert "E165" in result.stderr and "more than 1,048,576 bytes came" in result.stderr


def test_a_gzip_bomb_stops_at_the_size_limit_once_unpacked(site, empty):
    result = import_fails(site, empty, "/gzip-bomb.html", "--max-size", "1")
    assert "E165" in result.stderr and "once uncompressed" in result.stderr and site.url("/gzip-bomb.html") in result.stderr


def test_a_server_that_stalls_mid_body_is_ended_by_the_timeout(site, empty):
    result = import_fails(site, empty, "/stall-mid-body.html", "--timeout", "0.5")
    assert "E162" in result.stderr and "no complete answer within 0.5 seconds" in result.stderr


@pytest.mark.parametrize(
    ("path", "said"),
    [
        ("/no-content", "answered HTTP 204, not a page"),
        ("/data.json", "is application/json, not a web page"),
        ("/photo.png", "is image/png, not a web page"),
    ],
)
def test_answers_that_are_not_a_page_are_refused(site, empty, path, said):
    result = import_fails(site, empty, path)
    assert ("E163" in result.stderr or "E164" in result.stderr) and said in result.stderr


@pytest.mark.parametrize(
    ("path", "said"),
    [
        ("/not-http", "illegal status line"),
        ("/huge-header.html", "sent a broken answer"),
        ("/cut-short.html", "without sending complete message body"),
        ("/broken-chunks.html", "illegal chunk header"),
    ],
)
def test_a_broken_answer_is_not_called_an_unreachable_site(site, empty, path, said):
    """The server was reached: telling the user to check their network would send them the wrong way."""
    result = import_fails(site, empty, path)
    assert "E173" in result.stderr and "127.0.0.1 sent a broken answer" in result.stderr and said in result.stderr
    assert "check the network connection" not in result.stderr


def test_an_address_httpx_refuses_is_e160_not_a_traceback(empty):
    before = (empty / "collection.yaml").read_bytes()
    for url in ("http://[::1/page", "http://127.0.0.1/page?\x1b[31m"):
        result = bundler("import", str(empty), url)
        assert result.returncode == 1 and "E160" in result.stderr and "not a web address bundler can fetch" in result.stderr
        assert "\x1b" not in result.stderr, "the control character is shown escaped"
    assert (empty / "collection.yaml").read_bytes() == before


def test_a_meta_refresh_stub_is_followed_to_the_article(site, empty):
    result = bundler("import", str(empty), site.url("/refresh.html"))
    assert result.returncode == 0, result.stderr
    data, piece = stored_piece(empty)
    assert piece.title == "Water returns to the old quarter", "the stub saying 'Redirecting' is not the piece"
    assert data["provenance"]["final_url"] == site.url("/article.html")
    assert data["provenance"]["redirects"] == [f"200 {site.url('/refresh.html')} -> {site.url('/article.html')} (meta refresh)"]
    uris = {h.get_header("WARC-Target-URI") for kind, h, _http, _body in warc_records(the_warc(empty)) if kind == "response"}
    assert {site.url("/refresh.html"), site.url("/article.html")} <= uris, "both answers are kept as evidence"


def test_a_slow_refresh_is_a_page_reloading_not_a_redirect(site, empty):
    result = bundler("import", str(empty), site.url("/refresh-later.html"))
    assert result.returncode == 0, result.stderr
    data, piece = stored_piece(empty)
    assert piece.title == "Water returns to the old quarter" and data["provenance"]["redirects"] == []


def test_a_lying_charset_and_a_hostile_file_name_do_not_change_the_piece(site, empty):
    for path in ("/lying-charset.html", "/disposition.html"):
        result = bundler("import", str(empty), site.url(path))
        assert result.returncode == 0, result.stderr
    texts = [json.loads(p.read_text(encoding="utf-8"))["piece"] for p in sorted((empty / "pieces").glob("*/piece.json"))]
    assert any("The café council met on Tuesday" in json.dumps(t["body"], ensure_ascii=False) for t in texts), "UTF-8 read as UTF-8"
    assert not list(empty.parent.glob("evil.html")) and not list(empty.rglob("evil.html")), "Content-Disposition names no file"


def test_a_brotli_page_sent_unasked_is_unpacked_and_kept_as_sent(site, empty):
    result = bundler("import", str(empty), site.url("/brotli.html"))
    assert result.returncode == 0, result.stderr
    data, piece = stored_piece(empty)
    assert piece.title == "Water returns to the old quarter" and "the meeting ended at dusk" in json.dumps(data["body"])
    with the_warc(empty).open("rb") as stream:  # headers only: warcio's own brotli hook fails on brotli 1.2
        codings = [r.http_headers.get_header("Content-Encoding") for r in ArchiveIterator(stream) if r.rec_type == "response"]
    assert codings[0] == "br", "the WARC holds the page as it came (its images after it)"


def test_a_gzip_body_cut_short_is_a_broken_answer(site, empty):
    result = import_fails(site, empty, "/gzip-cut.html")
    assert "E173" in result.stderr and "its gzip coding is cut short" in result.stderr


def test_a_timeout_or_size_that_is_not_a_sensible_number_is_e174(site, empty):
    """``--timeout -1`` / ``nan`` and ``--max-size inf`` were tracebacks; ``--max-size -5`` refused every page."""
    for option, value in (("--timeout", "-1"), ("--timeout", "nan"), ("--max-size", "inf"), ("--max-size", "-5"), ("--timeout", "1e9")):
        result = import_fails(site, empty, "/article.html", option, value)
        assert "E174" in result.stderr and f"{option} " in result.stderr and "not a number bundler can use" in result.stderr


def test_an_address_with_a_password_is_refused_before_it_is_sent(site, empty):
    """httpx sends user:password as an Authorization header: the WARC's request record and the provenance would keep it."""
    url = site.url("/article.html").replace("http://", "http://me:secret@")
    asked = len(site.requests)
    result = bundler("import", str(empty), url)
    assert result.returncode == 1 and "E160" in result.stderr and "holds a user name or password" in result.stderr
    assert len(site.requests) == asked, "nothing was fetched"
    assert not any((empty / "pieces").iterdir())


def test_image_addresses_python_cannot_split_are_passed_over(site, empty):
    """``<img src="http://[::1/x.png">`` (and a ``<base>`` like it) was a traceback ("Invalid IPv6 URL") in the capture."""
    result = bundler("import", str(empty), site.url("/bracketed.html"))
    assert result.returncode == 0, result.stderr
    _data, piece = stored_piece(empty)
    assert "The old well" in [f.alt.rstrip(".") for f in piece.figures], "the figure keeps its words"
