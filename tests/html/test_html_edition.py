"""The single-file HTML editions read as a parser reads them: self-contained, navigable, reproducible.

Nothing may be *loaded* from outside the file (no script, no stylesheet link, no frame, no
remote image, no ``url()`` but ``data:``); links a reader follows to the web stay plain
``<a href>``. Every internal link resolves, notes link both ways, and both examples keep
their languages and directions.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
import tinycss2
from lxml import html

from bundler.exporters import context_for, edition_policy, formats
from bundler.exporters.html import html_edition
from bundler.model import Edition
from tests.html.conftest import LONG_URL
from tests.images.samples import gps_fingerprints

#: Elements that load or run something: none may appear in an edition.
LOADING_ELEMENTS = ("script", "link", "iframe", "frame", "object", "embed", "applet", "base", "audio", "video", "source", "track", "form")
#: Attributes that make a browser fetch what they name.
LOADING_ATTRIBUTES = ("src", "srcset", "poster", "data", "action", "formaction", "background", "longdesc", "ping", "manifest", "xlink:href")


def tree(text: str) -> html.HtmlElement:
    return html.document_fromstring(text)


def css_urls(css: str) -> list[str]:
    """Every ``url(...)`` and ``@import`` target in a stylesheet or a style attribute, as tinycss2 tokenises it."""
    found: list[str] = []

    def walk(tokens) -> None:
        for token in tokens:
            if token.type == "url":
                found.append(token.value)
            elif token.type == "function" and token.lower_name == "url":
                found.append(tinycss2.serialize(token.arguments).strip("'\" "))
            elif token.type == "at-rule" and token.lower_at_keyword == "import":
                found.append("@import")
            for name in ("content", "prelude", "arguments", "value"):
                nested = getattr(token, name, None)
                if isinstance(nested, list):
                    walk(nested)

    walk(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True))
    return found


def test_nothing_is_loaded_from_outside_the_file(all_html):
    for editions in all_html:
        for name, path in editions.paths.items():
            where = f"{editions.name} {name}"
            root = tree(path.read_text(encoding="utf-8"))
            assert not root.xpath(" | ".join(f"//{tag}" for tag in LOADING_ELEMENTS)), where
            assert not root.xpath("//meta[@http-equiv]"), where  # no refresh or redirect
            for element in root.iter():
                if not isinstance(element.tag, str):
                    continue
                for attribute, value in element.attrib.items():
                    assert not attribute.lower().startswith("on"), (where, element.tag, attribute)
                    if attribute.lower() in LOADING_ATTRIBUTES:
                        assert value.startswith(("data:image/jpeg;base64,", "data:image/png;base64,")), (where, attribute, value[:80])
                    if attribute.lower() == "href":
                        assert value.startswith("#") or urlsplit(value).scheme in ("http", "https"), (where, value)
                    if attribute.lower() == "style":
                        assert not css_urls(f"x {{{value}}}"), where
            styles = [style.text or "" for style in root.xpath("//style")]
            assert len(styles) == 1 and "figure img" in styles[0], where
            assert [url for url in css_urls(styles[0]) if not url.startswith("data:")] == [], where


def test_css_scan_finds_what_it_must_refuse():
    """The scanner above is not blind: it sees each way a stylesheet can load something."""
    css = '@import "x.css"; a { background: url(http://e.org/a.png) } b { background-image: url("data:image/png;base64,AA") }'
    assert css_urls(css) == ["@import", "http://e.org/a.png", "data:image/png;base64,AA"]


def test_every_internal_link_resolves_and_ids_are_unique(all_html):
    for editions in all_html:
        for name, path in editions.paths.items():
            root = tree(path.read_text(encoding="utf-8"))
            ids = root.xpath("//@id")
            assert len(ids) == len(set(ids)), (editions.name, name, sorted({i for i in ids if ids.count(i) > 1}))
            targets = [href[1:] for href in root.xpath("//a/@href") if href.startswith("#")]
            assert targets, (editions.name, name)
            assert sorted(set(targets) - set(ids)) == [], (editions.name, name)


def test_contents_link_every_section_and_piece_in_reading_order(all_html):
    for editions in all_html:
        root = tree(editions.text())
        contents = [href[1:] for href in root.xpath("//nav[@id='toc']//a/@href")]
        in_body = root.xpath("//main/*[self::section or self::article]/@id") + root.xpath("//section[@id='colophon']/@id")
        assert contents == in_body, editions.name
        for article in root.xpath("//article[contains(@class, 'piece')]"):
            assert article.get("id") in contents
            assert article.xpath("string(.//h1)").strip()


def test_notes_link_both_ways(kitchen_html):
    root = tree(kitchen_html.text())
    calls = root.xpath("//a[contains(@class, 'noteref')]")
    assert len(calls) == 2  # one in the English piece, one in the Arabic
    for call in calls:
        note = root.get_element_by_id(call.get("href")[1:])
        assert note.tag == "aside" and note.get("role") == "doc-footnote"
        assert note.xpath(".//a[@role='doc-backlink']/@href") == [f"#{call.get('id')}"]


def test_figures_keep_caption_and_credit_and_images_are_phone_sized(kitchen_html, bilingual_html):
    import base64
    import io

    from PIL import Image

    for editions in (kitchen_html, bilingual_html):
        root = tree(editions.text())
        figures = root.xpath("//figure")
        assert figures
        for figure in figures:
            assert figure.xpath(".//figcaption/span[@class='caption']") or figure.xpath(".//figcaption/span[@class='credit']")
        for source in root.xpath("//img/@src"):
            with Image.open(io.BytesIO(base64.b64decode(source.split(",", 1)[1]))) as image:
                # the phone profile (images.devices.PHONE): full screen in either orientation, 2400 x 1080 px
                assert max(image.size) <= 2400 and min(image.size) <= 1080
    kitchen = tree(kitchen_html.text())
    assert len(kitchen.xpath("//img")) == 2  # two figures with images; the third is its caption only
    assert kitchen.xpath("//figure[contains(@class, 'missing-image')]//span[@class='credit']/text()") == ["Archive photo"]
    # the text outside the images, and each image's own bytes (a base64 run may spell "GPS" by chance)
    text = re.sub(r"data:image/[a-z]+;base64,[A-Za-z0-9+/=]+", "", kitchen_html.text())
    assert "GPS" not in text and "ExampleCam" not in text
    for source in kitchen.xpath("//img/@src"):
        data = base64.b64decode(source.split(",", 1)[1])
        assert not any(fingerprint in data for fingerprint in gps_fingerprints())


def test_text_edition_has_no_images_but_every_caption(all_html):
    for editions in all_html:
        full, text = tree(editions.text("html")), tree(editions.text("html-text"))
        assert not text.xpath("//img") and "data:" not in editions.text("html-text")
        captions = lambda root: root.xpath("//figcaption//text()")  # noqa: E731
        assert captions(text) == captions(full), editions.name
        assert editions.paths["html-text"].stat().st_size <= editions.paths["html"].stat().st_size


def test_links_out_stay_plain_links_a_reader_can_follow(kitchen_html):
    root = tree(kitchen_html.text())
    outside = root.xpath("//a[starts-with(@href, 'http')]/@href")
    assert LONG_URL in outside and "https://video.example.org/watch/123" in outside
    # a link between two pieces of the dossier becomes an in-page link
    night = root.get_element_by_id("night-shift")
    assert night.xpath(".//a[@href='#bread-queues']")


def test_languages_and_directions_match_the_dossier(bilingual_html, aleppo_html, kitchen_html):
    root = tree(bilingual_html.text())
    assert (root.get("lang"), root.get("dir")) == ("ar", "rtl")
    english = [a for a in root.xpath("//article") if a.get("lang") == "en"]
    assert english and all(a.get("dir") == "ltr" for a in english)
    # a Latin run inside Arabic text is isolated with its own language, as in the EPUB
    assert root.xpath("//figcaption//span[@lang='en' and @dir='ltr']")
    assert (tree(aleppo_html.text()).get("lang"), tree(aleppo_html.text()).get("dir")) == ("en", "ltr")
    arabic_piece = tree(kitchen_html.text()).get_element_by_id("bread-queues-ar")
    assert (arabic_piece.get("lang"), arabic_piece.get("dir")) == ("ar", "rtl")
    assert "xml:lang" not in bilingual_html.text()


def test_colophon_lists_every_source(all_html):
    for editions in all_html:
        root = tree(editions.text())
        pieces = root.xpath("//article[contains(@class, 'piece')]")
        sources = root.xpath("//section[@id='colophon']//ol[@class='sources']/li")
        assert len(sources) == len(pieces) > 0, editions.name


def test_a_phone_browser_is_told_the_page_width(all_html):
    for editions in all_html:
        text = editions.text()
        assert text.startswith("<!DOCTYPE html>\n<html ")
        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in text
        assert '<meta charset="utf-8">' in text


def test_reproducible_byte_for_byte(kitchen_html, tmp_path):
    """Written again (another process state, the images from the cache) the file is the same, byte for byte."""
    from tests.html.conftest import wide_piece  # noqa: F401  (the fixture's dossier is rebuilt below)

    fmt = formats()["html"]
    edition = Edition("html")
    again = tmp_path / "again.html"
    from dataclasses import replace

    from bundler.errors import Report
    from tests.kitchen_sink import make_kitchen_sink

    dossier = make_kitchen_sink(tmp_path / "collection")
    first = dossier.sections[0]
    dossier = replace(dossier, sections=(replace(first, pieces=(*first.pieces, wide_piece())), *dossier.sections[1:]))
    fmt.write(dossier, edition, again, context_for(edition, Report()))
    direct = html_edition(dossier, edition, context_for(edition, Report()).images.data_uri)
    assert again.read_bytes() == kitchen_html.paths["html"].read_bytes() == direct


@pytest.mark.parametrize("name", ["html", "html-text"])
def test_formats_are_registered_with_their_file_names(name):
    fmt = formats()[name]
    assert fmt.filename("aleppo-2016") == {"html": "aleppo-2016.html", "html-text": "aleppo-2016-text.html"}[name]
    assert fmt.media_type == "text/html"


def test_html_policy_is_the_phone_policy():
    from bundler.images import PHONE_POLICY, TEXT_ONLY_POLICY

    assert edition_policy(Edition("html")) == PHONE_POLICY
    assert edition_policy(Edition("html-text")) == TEXT_ONLY_POLICY


def test_size_report_counts_inlined_images(tmp_path, kitchen_html):
    from bundler.build.budget import measure_edition

    staged = tmp_path / "kitchen.html.part"  # the build measures the file before it takes its name
    staged.write_bytes(kitchen_html.paths["html"].read_bytes())
    size = measure_edition(staged, "html")
    assert size.images > 0 and size.text > 0 and size.total == size.images + size.text
    assert len(re.findall("data:image/", kitchen_html.text())) == len(size.largest) == 2


@pytest.mark.expect_warnings(r"^W610 html: .* was over the .* budget; written with images at most")
def test_a_budget_shrinks_the_inlined_images_until_the_page_fits(kitchen_html, tmp_path):
    """The size report sees the data: URIs as images, so a budget degrades them instead of giving up."""
    from dataclasses import replace

    from bundler.build.budget import write_edition
    from bundler.errors import Report
    from tests.html.conftest import wide_piece
    from tests.kitchen_sink import make_kitchen_sink

    full = kitchen_html.paths["html"].stat().st_size
    dossier = make_kitchen_sink(tmp_path / "collection")
    first = dossier.sections[0]
    dossier = replace(dossier, sections=(replace(first, pieces=(*first.pieces, wide_piece())), *dossier.sections[1:]))
    budget = full - 40_000
    edition = Edition("html", (("budget", f"{budget} B"),))
    report = Report()
    size = write_edition(formats()["html"].write, dossier, edition, tmp_path / "out.html", context_for(edition, report))
    assert size.step > 0 and size.total <= budget and size.images > 0
    assert (tmp_path / "out.html").stat().st_size == size.total
