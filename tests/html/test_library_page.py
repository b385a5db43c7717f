"""The library page as a place to read, in headless Chromium at a phone's size, served by the real server.

The library holds both examples as the build wrote them (HTML editions, EPUB, dossier.json):
each dossier shows its contents and a "Read now" link that opens its HTML edition from the
server; editions are described in plain words in the dossier's language; covers differ per
dossier; the page shows the OPDS feed's full address.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from lxml import html
from PIL import Image, ImageStat

from bundler.catalog import write_catalog
from bundler.catalog.render import edition_purpose
from bundler.render.cover import cover_design
from tests.chromium import run_chromium
from tests.distribution.conftest import fetch
from tests.distribution.test_browser import OUTPUT, PHONE
from tests.html.conftest import measure_in_chromium


@pytest.fixture(scope="module")
def reading_library(aleppo_html, bilingual_html, tmp_path_factory):
    """Both examples in one dist/, served on 127.0.0.1, its catalogue written with the server's address."""
    from bundler.catalog.server import LibraryServer

    dist = tmp_path_factory.mktemp("reading-library") / "dist"
    for editions in (aleppo_html, bilingual_html):
        folder = editions.paths["html"].parent
        shutil.copytree(folder, dist / folder.name)
    with LibraryServer(dist, host="127.0.0.1", port=0) as server:
        write_catalog(dist, base_url=server.url)
        yield dist, server


@pytest.fixture(scope="module")
def page(reading_library, tmp_path_factory) -> html.HtmlElement:
    _, server = reading_library
    result = run_chromium(tmp_path_factory.mktemp("chromium"), f"--window-size={PHONE[0]},{PHONE[1]}", "--dump-dom", server.url)
    assert result.returncode == 0 and "<html" in result.stdout, result.stderr[-2000:]
    return html.fromstring(result.stdout)


def articles(page) -> dict[str, html.HtmlElement]:
    return {a.get("id"): a for a in page.xpath("//article[contains(@class, 'dossier')]")}


def sidecar(dist: Path, slug: str) -> dict:
    return json.loads((dist / slug / "dossier.json").read_text(encoding="utf-8"))


def test_read_now_opens_the_html_edition_from_the_server(page, reading_library):
    dist, server = reading_library
    for slug, article in articles(page).items():
        link = article.xpath(".//a[contains(@class, 'read-now')]")
        assert len(link) == 1, slug
        url = urljoin(server.url, link[0].get("href"))
        status, headers, body = fetch(url)
        assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
        assert body == (dist / slug / f"{slug}.html").read_bytes()
        # the server's policy lets the page show the images it carries, and nothing from elsewhere
        assert "img-src 'self' data:" in headers["Content-Security-Policy"] and "script-src" not in headers["Content-Security-Policy"]


def test_each_dossier_lists_its_contents_linked_into_the_html_edition(page, reading_library):
    dist, _ = reading_library
    for slug, article in articles(page).items():
        expected = [entry["title"] for entry in sidecar(dist, slug)["contents"]]
        items = article.xpath(".//ol[contains(@class, 'contents')]/li")
        assert [item.text_content().strip() for item in items] == expected and expected, slug
        edition = html.document_fromstring((dist / slug / f"{slug}.html").read_text(encoding="utf-8"))
        for item in items:
            href = urlsplit(item.xpath("./a/@href")[0])
            assert href.path == f"{slug}/{slug}.html"
            assert edition.get_element_by_id(href.fragment).xpath("string(.//h1)").strip() == item.text_content().strip()


def test_editions_are_described_in_the_dossiers_language(page):
    found = articles(page)
    arabic, english = found["bilingual-sample"], found["aleppo-2016"]
    assert arabic.xpath("string(.//a[contains(@class, 'read-now')])") == "اقرأ الآن"
    assert english.xpath("string(.//a[contains(@class, 'read-now')])") == "Read now"

    def buttons(article) -> list[str]:
        return [a.text_content().strip() for a in article.xpath(".//ul[contains(@class, 'editions')]//a")]

    assert buttons(arabic) == [
        "لأجهزة وتطبيقات القراءة",
        "لأجهزة وتطبيقات القراءة (العربية)",  # the example's Arabic and English EPUBs say which is which
        "لأجهزة وتطبيقات القراءة (English)",
        "للقراءة في المتصفح",
        "للقراءة في المتصفح، بلا صور (الأصغر)",
    ]
    assert buttons(english) == ["For e-readers and reading apps", "Read in the browser", "Read in the browser, without pictures (smallest)"]
    assert arabic.xpath("string(.//p[@class='byline']/time)") == "مايو 2016"


def test_words_table_is_keyed_by_format_name():
    """The other engineers' formats get their words by a row in editions.json; an unknown format has none."""
    assert edition_purpose("kepub", "en") == "For Kobo" and edition_purpose("kepub", "ar-SY") == "لأجهزة كوبو"
    assert edition_purpose("zim", "ar") == "لتطبيق كيويكس" and edition_purpose("pdf", "en") == "For printing at home"
    assert edition_purpose("pdf", "fr") == "For printing at home"  # no French words yet: English
    assert edition_purpose("no-such-format", "en") == ""


def test_each_dossier_has_its_own_cover(page, reading_library):
    dist, server = reading_library
    colours = {}
    for slug, article in articles(page).items():
        status, _, _ = fetch(urljoin(server.url, article.xpath(".//img[@class='cover']/@src")[0]))
        assert status == 200
        with Image.open(dist / slug / "cover-thumb.jpg") as thumbnail:
            corner = thumbnail.convert("RGB").crop((0, thumbnail.height // 2, 12, thumbnail.height // 2 + 12))
            colours[slug] = tuple(round(c) for c in ImageStat.Stat(corner).mean)
        expected = cover_design(sidecar(dist, slug)["identifier"]).background
        assert all(abs(a - b) <= 8 for a, b in zip(colours[slug], expected, strict=True)), (slug, colours[slug], expected)
    assert colours["aleppo-2016"] != colours["bilingual-sample"]
    assert cover_design("urn:x:1") == cover_design("urn:x:1")


def test_full_opds_address_is_shown(page, reading_library):
    _, server = reading_library
    assert page.xpath("string(//header//code[@class='opds-address'])") == server.url + "opds.xml"
    status, headers, _ = fetch(server.url + "opds.xml")
    assert status == 200 and "opds-catalog" in headers["Content-Type"]


def test_library_page_fits_a_phone(reading_library):
    dist, server = reading_library
    layout = measure_in_chromium(dist / "index.html", dist)
    assert layout["width"] == 360 and layout["scrollWidth"] <= 360 and layout["overflowing"] == []
    assert len(layout["images"]) == 2
    for image in layout["images"]:
        assert image["natural"] > 0 and 0 <= image["left"] and image["right"] <= 360
    OUTPUT.mkdir(parents=True, exist_ok=True)
    screenshot = OUTPUT / "library-reading-phone.png"
    screenshot.unlink(missing_ok=True)
    run_chromium(dist / ".profile", f"--window-size={PHONE[0]},{PHONE[1] * 2}", f"--screenshot={screenshot}", server.url)
    assert screenshot.is_file()
