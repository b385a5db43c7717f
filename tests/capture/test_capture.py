"""``bundler import COLL URL``: capture over real HTTP from a site on 127.0.0.1, into a WARC, then a piece.

One capture (and one rendered capture) is made per module; the tests read what it wrote: the
WARC record by record with warcio, the piece's provenance, the kept files, and a bag of it.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import socket
import subprocess
import sys
from base64 import b32encode
from pathlib import Path

import pytest
from PIL import Image
from warcio.archiveiterator import ArchiveIterator

from bundler.model import piece_from_data
from tests.capture.server import IMAGES, Site
from tests.validators import validator


def bundler(*args: str, env=None) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "bundler", *args], capture_output=True, text=True, timeout=300, check=False, env=env)
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result


@pytest.fixture(scope="module")
def site():
    with Site() as running:
        yield running


@pytest.fixture(scope="module")
def captured(site, tmp_path_factory):
    """A collection holding one page captured through a 301 redirect."""
    dossier = tmp_path_factory.mktemp("capture") / "dossier"
    assert bundler("new", str(dossier), "--title", "Captured").returncode == 0
    result = bundler("import", str(dossier), site.url("/old-address"))
    assert result.returncode == 0, result.stderr
    return dossier, result


def stored_piece(dossier: Path) -> tuple[dict, object]:
    (path,) = (dossier / "pieces").glob("*/piece.json")
    data = json.loads(path.read_text(encoding="utf-8"))["piece"]
    return data, piece_from_data(data)


def warc_records(path: Path) -> list:
    found = []
    with path.open("rb") as stream:
        for record in ArchiveIterator(stream):
            found.append((record.rec_type, record.rec_headers, record.http_headers, record.content_stream().read()))
    return found


def the_warc(dossier: Path) -> Path:
    (warc,) = (dossier / "sources").glob("capture-127.0.0.1-*.warc.gz")
    return warc


def test_capture_names_url_final_url_status_time_and_redirect_in_provenance(captured, site):
    dossier, result = captured
    data, piece = stored_piece(dossier)
    provenance = data["provenance"]
    assert provenance["requested_url"] == site.url("/old-address")
    assert provenance["final_url"] == site.url("/article.html")
    assert provenance["http_status"] == 200
    assert provenance["redirects"] == [f"301 {site.url('/old-address')} -> {site.url('/article.html')}"]
    assert provenance["retrieved"].endswith("Z") and provenance["retrieved"][:4].isdigit() and "T" in provenance["retrieved"]
    assert provenance["source_path"] == the_warc(dossier).relative_to(dossier).as_posix()
    assert provenance["importer"] == "warc"
    assert not [w for w in provenance["warnings"] if w.startswith(("W133", "W170"))], "a warcinfo record is not damage; every image came"
    assert piece.title == "Water returns to the old quarter"
    assert "the meeting ended at dusk" in json.dumps(data["body"])
    assert "added pieces/" in result.stdout and "importing 1/1" in result.stderr


def test_every_request_and_response_is_in_the_warc_with_digests(captured, site):
    dossier, _result = captured
    records = warc_records(the_warc(dossier))
    assert records[0][0] == "warcinfo" and b"bundler" in records[0][3]
    pairs = [(kind, headers.get_header("WARC-Target-URI")) for kind, headers, _http, _body in records[1:]]
    for path in ("/old-address", "/article.html", "/img/pump.png", "/img/large.png", "/img/moved.png", "/img/well.png"):
        assert ("request", site.url(path)) in pairs and ("response", site.url(path)) in pairs, path
    assert ("response", site.url("/img/small.png")) not in pairs, "only the srcset's best image is fetched"
    by_uri = {(k, h.get_header("WARC-Target-URI")): (h, http, body) for k, h, http, body in records}
    redirect = by_uri[("response", site.url("/old-address"))][1]
    assert redirect.get_statuscode() == "301" and redirect.get_header("Location") == "/article.html"
    request_http = by_uri[("request", site.url("/article.html"))][1]
    assert request_http.protocol == "GET" and request_http.statusline.startswith("/article.html ")
    assert request_http.get_header("User-Agent").startswith("bundler/")
    for kind, headers, _http, body in records[1:]:
        assert headers.get_header("WARC-Date").endswith("Z")
        assert headers.get_header("WARC-Block-Digest", "").startswith("sha1:")
        if kind == "response":
            digest = "sha1:" + b32encode(hashlib.sha1(body).digest()).decode("ascii")
            assert headers.get_header("WARC-Payload-Digest") == digest
    assert by_uri[("response", site.url("/img/pump.png"))][2] == IMAGES["/img/pump.png"]
    assert all(user_agent.startswith("bundler/") for _path, user_agent in site.requests)


def test_warcio_check_passes(captured):
    dossier, _result = captured
    check = subprocess.run(
        [str(Path(sys.executable).parent / "warcio"), "check", str(the_warc(dossier))], capture_output=True, text=True, check=False
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_lazy_srcset_and_redirected_images_are_in_the_piece(captured):
    dossier, _result = captured
    _data, piece = stored_piece(dossier)
    images = {figure.alt.rstrip("."): figure.image for figure in piece.figures}
    assert set(images) == {"The pump house on the square", "The market at noon", "The old well"}
    folder = next((dossier / "pieces").glob("*/"))
    expected = {
        "The pump house on the square": IMAGES["/img/pump.png"],
        "The market at noon": IMAGES["/img/large.png"],
        "The old well": IMAGES["/img/well.png"],
    }
    for alt, image in images.items():
        assert image is not None and image.path, alt
        assert (folder / image.path).read_bytes() == expected[alt], alt


def test_the_event_log_records_the_capture_then_the_import(captured, site):
    """Chain of custody: a 'captured' event (URL, final URL, status, redirects, time, the WARC and its SHA-256), then 'imported'."""
    dossier, _result = captured
    log = json.loads((dossier / "provenance.json").read_text(encoding="utf-8"))["pieces"]
    ((entry, events),) = log.items()
    assert [e["event"] for e in events] == ["captured", "imported"]
    captured_event, imported = events
    warc = the_warc(dossier)
    assert captured_event["requested_url"] == site.url("/old-address") and captured_event["final_url"] == site.url("/article.html")
    assert captured_event["http_status"] == 200 and captured_event["redirects"] and captured_event["retrieved"].endswith("Z")
    assert captured_event["warc"] == warc.relative_to(dossier).as_posix()
    assert captured_event["warc_sha256"] == imported["original_sha256"] == hashlib.sha256(warc.read_bytes()).hexdigest()
    assert imported["importer"] == "warc" and imported["rules_digest"]


def test_bag_of_a_captured_collection_verifies_and_a_changed_warc_byte_fails(captured, tmp_path):
    dossier, _result = captured
    copy = tmp_path / "dossier"
    shutil.copytree(dossier, copy)
    made = bundler("bag", str(copy), "--out", str(tmp_path / "bags"), "--format", "epub")
    assert made.returncode == 0, made.stderr
    (bag,) = (tmp_path / "bags").iterdir()
    assert bundler("verify", str(bag)).returncode == 0
    (warc,) = bag.rglob("capture-*.warc.gz")
    data = bytearray(warc.read_bytes())
    data[len(data) // 2] ^= 0x01
    warc.write_bytes(bytes(data))
    failed = bundler("verify", str(bag))
    assert failed.returncode == 1
    assert warc.name in failed.stdout + failed.stderr


def test_a_captured_warc_edited_after_import_fails_check_and_bag_naming_it(captured, tmp_path):
    """The WARC is the evidentiary copy: one changed byte must stop check and bag, whatever the page inside says."""
    dossier, _result = captured
    copy = tmp_path / "dossier"
    shutil.copytree(dossier, copy)
    assert bundler("check", str(copy)).returncode == 0
    warc = the_warc(copy)
    data = bytearray(warc.read_bytes())
    data[len(data) // 2] ^= 0x01
    warc.write_bytes(bytes(data))
    for command in (("check", str(copy)), ("bag", str(copy), "--out", str(tmp_path / "bags"), "--format", "epub")):
        failed = bundler(*command)
        assert failed.returncode == 1, failed.stderr
        assert "E636" in failed.stderr and warc.name in failed.stderr, failed.stderr
    assert not (tmp_path / "bags").exists() or not any((tmp_path / "bags").iterdir())


def import_fails(site, dossier: Path, path: str, *options: str) -> subprocess.CompletedProcess:
    before = (dossier / "collection.yaml").read_bytes()
    result = bundler("import", str(dossier), site.url(path), *options)
    assert result.returncode == 1, result.stdout + result.stderr
    assert (dossier / "collection.yaml").read_bytes() == before, "nothing is written to the manifest"
    assert not (dossier / "sources").exists() or not any((dossier / "sources").iterdir())
    return result


@pytest.fixture
def empty(tmp_path):
    dossier = tmp_path / "dossier"
    assert bundler("new", str(dossier), "--title", "Empty").returncode == 0
    return dossier


def test_an_image_that_cannot_be_fetched_is_a_warning_and_the_page_is_kept(site, empty):
    result = bundler("import", str(empty), site.url("/missing-photo.html"))
    assert result.returncode == 0, result.stderr
    assert (
        f"W170 pieces/water-returns-to-the-old-quarter/piece.json: image {site.url('/img/absent.png')} not captured: HTTP 404"
        in result.stderr
    )
    data, piece = stored_piece(empty)
    assert any(w.startswith("W170") for w in data["provenance"]["warnings"])
    assert "A lost photo" in [f.alt.rstrip(".") for f in piece.figures], "its caption and alt are kept"


def test_404_is_an_error_naming_the_url(site, empty):
    result = import_fails(site, empty, "/gone.html")
    assert "E163" in result.stderr and site.url("/gone.html") in result.stderr and "HTTP 404" in result.stderr
    assert "Wayback Machine" in result.stderr


def test_server_error_says_try_later_and_how_to_save_by_hand(site, empty):
    result = import_fails(site, empty, "/broken.html")
    assert "HTTP 503" in result.stderr and "try again later" in result.stderr and "Save Page As" in result.stderr


def test_slow_server_times_out(site, empty):
    result = import_fails(site, empty, "/slow.html", "--timeout", "0.5")
    assert "E162" in result.stderr and site.url("/slow.html") in result.stderr and "0.5 seconds" in result.stderr


def test_oversized_page_is_refused(site, empty):
    result = import_fails(site, empty, "/huge.html", "--max-size", "1")
    assert "E165" in result.stderr and site.url("/huge.html") in result.stderr and "--max-size" in result.stderr


def test_non_html_is_refused(site, empty):
    result = import_fails(site, empty, "/report.pdf")
    assert "E164" in result.stderr and "application/pdf, not a web page" in result.stderr


def test_consent_wall_is_named(site, empty):
    result = import_fails(site, empty, "/paywalled.html")
    assert "E167" in result.stderr and "consent page" in result.stderr and "Save Page As" in result.stderr


def test_no_network_says_so_and_how_to_save_by_hand(empty):
    with socket.socket() as probe:  # a port nothing listens on: the connection is refused, as offline
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    before = (empty / "collection.yaml").read_bytes()
    result = bundler("import", str(empty), f"http://127.0.0.1:{port}/article.html")
    assert result.returncode == 1
    assert "E161" in result.stderr and "cannot reach 127.0.0.1" in result.stderr and "refused" in result.stderr
    assert "check the network connection" in result.stderr
    assert "Save Page As" in result.stderr and "SingleFile" in result.stderr
    assert (empty / "collection.yaml").read_bytes() == before and not any((empty / "pieces").iterdir())


def test_render_without_chromium_says_how_to_install(site, empty, tmp_path):
    bare = tmp_path / "bin"
    bare.mkdir()
    (bare / "sh").symlink_to(shutil.which("sh"))
    result = bundler("import", str(empty), site.url("/article.html"), "--render", env={"PATH": str(bare), "HOME": str(tmp_path)})
    assert result.returncode == 1
    assert "E168" in result.stderr and "Chromium" in result.stderr and "apt-get install chromium" in result.stderr
    assert not any((empty / "pieces").iterdir())


@pytest.fixture(scope="module")
def rendered(site, tmp_path_factory):
    """A page whose article is written by its script, captured with --render."""
    validator("chromium")  # required by the suite: never skipped
    dossier = tmp_path_factory.mktemp("render") / "dossier"
    assert bundler("new", str(dossier), "--title", "Rendered").returncode == 0
    result = bundler("import", str(dossier), site.url("/scripted.html"), "--render")
    assert result.returncode == 0, result.stderr
    return dossier


def test_render_captures_the_script_built_text(rendered):
    data, piece = stored_piece(rendered)
    text = json.dumps(data["body"])
    assert piece.title == "Built by script"
    assert "Paragraph 4 was written by the page" in text and "Loading" not in text


def test_render_keeps_raw_response_and_rendered_dom_in_the_warc(rendered, site):
    records = warc_records(the_warc(rendered))
    response = next(h for k, h, _http, _b in records if k == "response" and h.get_header("WARC-Target-URI") == site.url("/scripted.html"))
    conversion = next((h, body) for k, h, _http, body in records if k == "conversion")
    assert conversion[0].get_header("WARC-Refers-To") == response.get_header("WARC-Record-ID")
    assert conversion[0].get_header("WARC-Target-URI") == site.url("/scripted.html")
    assert b"Paragraph 4 was written" in conversion[1]
    raw = next(body for k, h, _http, body in records if k == "response" and h.get_header("WARC-Target-URI") == site.url("/scripted.html"))
    assert b"Paragraph 4 was written" not in raw and b"Loading" in raw


def test_render_records_what_the_browser_itself_fetched(rendered, site):
    """The page's script is fetched by Chromium alone (bundler's own fetch takes pages and images): it is in the WARC."""
    from tests.capture.server import APP_SCRIPT

    records = warc_records(the_warc(rendered))
    scripts = [
        (h, http, body) for k, h, http, body in records if k == "response" and h.get_header("WARC-Target-URI") == site.url("/app.js")
    ]
    assert len(scripts) == 1, [h.get_header("WARC-Target-URI") for k, h, _http, _b in records]
    headers, http, body = scripts[0]
    assert http.get_statuscode() == "200" and body == APP_SCRIPT.encode("utf-8")
    requests = [h for k, h, _http, _b in records if k == "request" and h.get_header("WARC-Target-URI") == site.url("/app.js")]
    assert len(requests) == 1 and requests[0].get_header("WARC-Concurrent-To") == headers.get_header("WARC-Record-ID")
    check = subprocess.run(
        [str(Path(sys.executable).parent / "warcio"), "check", str(the_warc(rendered))], capture_output=True, text=True, check=False
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_render_keeps_a_dated_full_page_screenshot_beside_the_warc(rendered):
    data, _piece = stored_piece(rendered)
    screenshot = rendered / data["provenance"]["screenshot"]
    assert screenshot.parent == the_warc(rendered).parent
    assert screenshot.name == the_warc(rendered).name.replace(".warc.gz", ".png")
    with Image.open(screenshot) as image:
        image.load()
        assert image.format == "PNG" and image.width >= 800 and image.height >= 100
        assert len(image.convert("L").getcolors(maxcolors=1 << 16) or ()) > 1, "the page was painted, not blank"
