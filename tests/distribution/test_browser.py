"""The phone page in a real headless Chromium, served by the real library server.

Chromium renders the page at a phone's width; the test reads the DOM Chromium built,
follows every download link over HTTP, and saves a screenshot for review in
``tests/output/library-phone.png``. ``make test`` installs Chromium; the run fails without it.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin

import pytest
from lxml import html
from PIL import Image

from tests.chromium import run_chromium
from tests.distribution.conftest import ARABIC_SLUG, ARABIC_TITLE, fetch

OUTPUT = Path(__file__).resolve().parent.parent / "output"
PHONE = (390, 844)


@pytest.fixture(scope="module")
def rendered_page(server, tmp_path_factory) -> html.HtmlElement:
    result = run_chromium(tmp_path_factory.mktemp("chromium"), f"--window-size={PHONE[0]},{PHONE[1]}", "--dump-dom", server.url)
    assert result.returncode == 0 and "<html" in result.stdout, result.stderr[-2000:]
    return html.fromstring(result.stdout)


def test_rendered_page_lists_every_dossier_with_working_links(rendered_page, server, library):
    articles = {a.get("id"): a for a in rendered_page.xpath("//article[contains(@class, 'dossier')]")}
    assert set(articles) == set(library.slugs)
    arabic = articles[ARABIC_SLUG]
    assert (arabic.get("dir"), arabic.get("lang")) == ("rtl", "ar")
    assert arabic.xpath("string(.//h2)").strip() == ARABIC_TITLE
    downloaded = set()
    for slug, article in articles.items():
        links = article.xpath(".//ul[contains(@class, 'editions')]//a")
        assert links, slug
        for link in links:
            url = urljoin(server.url, link.get("href"))
            status, headers, body = fetch(url)
            assert status == 200, url
            assert headers["Content-Type"] == link.get("type")
            path = url.removeprefix(server.url).replace("%20", " ")
            assert body == library.editions[path]
            downloaded.add(path)
        for image in article.xpath(".//img"):
            status, headers, _ = fetch(urljoin(server.url, image.get("src")))
            assert status == 200 and headers["Content-Type"] == "image/jpeg"
    assert downloaded == set(library.editions)
    status, _, _ = fetch(urljoin(server.url, rendered_page.xpath("//header//a/@href")[0]))
    assert status == 200


def test_phone_screenshot_is_saved_for_review(server, tmp_path):
    OUTPUT.mkdir(parents=True, exist_ok=True)
    screenshot = OUTPUT / "library-phone.png"
    screenshot.unlink(missing_ok=True)
    result = run_chromium(tmp_path / "profile", f"--window-size={PHONE[0]},{PHONE[1]}", f"--screenshot={screenshot}", server.url)
    assert screenshot.is_file(), result.stderr[-2000:]
    with Image.open(screenshot) as image:
        assert image.size == PHONE
        colours = image.convert("L").getcolors(maxcolors=1 << 16)
        assert colours is None or len(colours) > 10, "the screenshot is not a blank page"
