"""The OPDS catalogue and the phone page, read back as a client would: feedparser over real HTTP."""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
from urllib.parse import urljoin

import feedparser
import pytest
from lxml import etree, html
from PIL import Image

from bundler.catalog import write_catalog
from bundler.catalog.render import ACQUISITION_TYPE, NAVIGATION_TYPE
from tests.distribution.conftest import ARABIC_SLUG, ARABIC_TITLE, fetch

ACQUISITION = "http://opds-spec.org/acquisition"
THUMBNAIL = "http://opds-spec.org/image/thumbnail"


def parse_feed(url: str):
    status, headers, body = fetch(url)
    assert status == 200, url
    feed = feedparser.parse(body, response_headers={"content-location": url, "content-type": headers["Content-Type"]})
    assert not feed.bozo, feed.get("bozo_exception")
    return feed, headers


def acquisition_feed(server):
    navigation, _ = parse_feed(server.url + "opds.xml")
    link = next(link for e in navigation.entries for link in e.links if link.get("type") == ACQUISITION_TYPE and "all" in link.href)
    return parse_feed(urljoin(server.url + "opds.xml", link.href))


def test_navigation_feed_links_to_acquisition_feeds(server, library):
    feed, headers = parse_feed(server.url + "opds.xml")
    assert headers["Content-Type"] == NAVIGATION_TYPE
    assert feed.feed.title and feed.feed.id.startswith("urn:uuid:")
    assert {link.rel for link in feed.feed.links} >= {"self", "start"}
    assert len(feed.entries) == 3  # all dossiers, plus one feed per language (ar, en)
    for entry in feed.entries:
        (link,) = [link for link in entry.links if link.get("type") == ACQUISITION_TYPE]
        child, child_headers = parse_feed(urljoin(server.url + "opds.xml", link.href))
        assert child_headers["Content-Type"] == ACQUISITION_TYPE
        assert child.entries, link.href
        assert entry.id.startswith("urn:uuid:") and entry.updated


def test_every_entry_and_link_of_the_acquisition_feed(server, library):
    feed, _ = acquisition_feed(server)
    entries = {entry.id: entry for entry in feed.entries}
    assert len(entries) == len(library.slugs)
    served = set()
    for entry in feed.entries:
        assert entry.title and entry.updated_parsed and entry.language
        acquisitions = [link for link in entry.links if link.rel == ACQUISITION]
        assert acquisitions, entry.title
        for link in acquisitions:
            url = urljoin(server.url, link.href)
            status, headers, body = fetch(url)
            path = url.removeprefix(server.url)
            assert status == 200, url
            assert body == library.editions[path]
            assert headers["Content-Type"] == link.type
            assert int(headers["Content-Length"]) == int(link.length) == len(body)
            served.add(path)
        for link in entry.links:
            if link.rel != ACQUISITION:
                status, _, _ = fetch(urljoin(server.url, link.href.split("#")[0]))
                assert status == 200, link.href
    assert served == set(library.editions), "every edition on disk is in the catalogue, once"


def test_example_dossier_metadata_comes_from_the_sidecar(server, library):
    feed, _ = acquisition_feed(server)
    sidecar = json.loads((library.dist / "aleppo-2016" / "dossier.json").read_text(encoding="utf-8"))
    (entry,) = [e for e in feed.entries if e.id == sidecar["identifier"]]
    assert entry.title == sidecar["title"] == "Aleppo 2016"
    assert [a.name for a in entry.authors] == sidecar["editors"]
    assert entry.summary == sidecar["description"]
    assert entry.language == "en"
    assert entry.updated == sidecar["modified"]
    assert {t.term for t in entry.tags} == set(sidecar["subjects"])
    links = {link.href.rsplit("/", 1)[-1]: link for link in entry.links if link.rel == ACQUISITION}
    assert links["aleppo-2016.epub"].type == "application/epub+zip"
    assert links["aleppo-2016.pdf"].type == "application/pdf"
    for record in sidecar["editions"].values():
        assert int(links[record["file"]].length) == record["size"]


def test_arabic_dossier_entry_without_its_stale_edition_and_with_cover(server, library):
    feed, _ = acquisition_feed(server)
    (entry,) = [e for e in feed.entries if e.title == ARABIC_TITLE]
    assert entry.language == "ar"
    links = {link.href.rsplit("/", 1)[-1]: link for link in entry.links if link.rel == ACQUISITION}
    assert set(links) == {f"{ARABIC_SLUG}.epub", f"{ARABIC_SLUG}.pdf"}, "a phone PDF the sidecar does not name is stale"
    assert links[f"{ARABIC_SLUG}.pdf"].title == "PDF"
    (thumbnail,) = [link for link in entry.links if link.rel == THUMBNAIL]
    status, headers, body = fetch(urljoin(server.url, thumbnail.href))
    assert status == 200 and headers["Content-Type"] == "image/jpeg"
    image = Image.open(io.BytesIO(body))
    assert image.format == "JPEG" and image.width <= 200 and image.height <= 300 and image.height > image.width
    assert not image.getexif(), "the cover photo's EXIF (with GPS) must not reach the catalogue"
    assert b"ExampleCam" not in body and b"SERIAL-0042" not in body


def test_folder_without_sidecar_is_listed_by_its_files(server):
    feed, _ = acquisition_feed(server)
    (entry,) = [e for e in feed.entries if e.title == "field-notes"]
    (link,) = [link for link in entry.links if link.rel == ACQUISITION]
    assert link.type == "application/zip" and link.title == "ZIP"


def test_feeds_are_well_formed_opds(library):
    for name in ("opds.xml", "opds-all.xml", "opds-lang-ar.xml", "opds-lang-en.xml"):
        tree = etree.parse(str(library.dist / name))
        assert tree.getroot().tag == "{http://www.w3.org/2005/Atom}feed"
    tree = etree.parse(str(library.dist / "opds-lang-ar.xml"))
    atom = {"a": "http://www.w3.org/2005/Atom"}
    assert tree.xpath("//a:entry/a:title/text()", namespaces=atom) == [ARABIC_TITLE]
    assert tree.xpath("//a:entry/@xml:lang", namespaces=atom) == ["ar"]
    names = {p.name for p in library.dist.iterdir()}
    assert "outside-dir" not in (library.dist / "opds-all.xml").read_text(encoding="utf-8")
    assert "empty-folder" not in (library.dist / "opds-all.xml").read_text(encoding="utf-8")
    assert "index.html" in names


def test_index_page_lists_every_dossier_with_rtl_marked(library):
    page = html.parse(str(library.dist / "index.html")).getroot()
    articles = {a.get("id"): a for a in page.xpath("//article[@class='dossier']")}
    assert set(articles) == set(library.slugs)
    arabic = articles[ARABIC_SLUG]
    assert arabic.get("dir") == "rtl" and arabic.get("lang") == "ar"
    assert arabic.xpath("string(.//h2)") == ARABIC_TITLE
    assert articles["aleppo-2016"].get("dir") == "ltr"
    assert not page.xpath("//script"), "the page works without JavaScript"
    css = page.xpath("string(//style)")
    assert '"Noto Naskh Arabic"' in css and "&#34;" not in css, "the stylesheet is inlined unescaped"
    hrefs = [a.get("href") for a in page.xpath("//ul[@class='editions']//a")]
    assert sorted(h.replace("%20", " ") for h in hrefs) == sorted(library.editions)
    assert "للطباعة في البيت" in arabic.text_content(), 'the Arabic entry\'s words are Arabic (the PDF is "for printing at home")'
    assert arabic.xpath(".//img[@class='cover']/@src") == [f"{ARABIC_SLUG}/cover-thumb.jpg"]
    sizes = [s.text for s in page.xpath("//span[@class='size']")]
    assert sizes and all(re.fullmatch(r"\d+ (B|KB)|\d+\.\d (MB|GB)", s) for s in sizes), sizes


def test_catalogue_is_deterministic_and_uses_the_build_clock(library, tmp_path, monkeypatch):
    copy = tmp_path / "dist"
    shutil.copytree(library.dist, copy, symlinks=True)
    write_catalog(copy)
    for name in ("opds.xml", "opds-all.xml", "index.html", f"{ARABIC_SLUG}/cover-thumb.jpg"):
        assert (copy / name).read_bytes() == (library.dist / name).read_bytes(), name
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1500000000")
    write_catalog(copy)
    assert "<updated>2017-07-14T02:40:00Z</updated>" in (copy / "opds.xml").read_text(encoding="utf-8")
    leftovers = [p.name for p in copy.rglob("*.part")]
    assert leftovers == [".aleppo-2016.epub.x.part"], "no temporary files of ours are left behind (only the fixture's trap)"


def test_sidecar_written_by_the_build_matches_the_files(library):
    sidecar = json.loads((library.dist / "aleppo-2016" / "dossier.json").read_text(encoding="utf-8"))
    assert sidecar["format"] == "bundler-dossier/1"
    assert sidecar["identifier"] == "urn:uuid:33a0b92b-33a3-4e10-9742-5c37a77eba1c"
    assert sidecar["language"] == "en" and sidecar["direction"] == "ltr"
    assert set(sidecar["editions"]) >= {"epub", "pdf"}
    for record in sidecar["editions"].values():
        data = (library.dist / "aleppo-2016" / record["file"]).read_bytes()
        assert record["size"] == len(data)
        assert record["sha256"] == hashlib.sha256(data).hexdigest()


def test_catalog_command(library, tmp_path):
    from bundler.cli import main

    copy = tmp_path / "dist"
    shutil.copytree(library.dist, copy, symlinks=True)
    (copy / "opds.xml").unlink()
    assert main(["catalog", str(copy), "--title", "Hotspot library"]) == 0
    assert "<title>Hotspot library</title>" in (copy / "opds.xml").read_text(encoding="utf-8")


def test_catalog_command_on_a_missing_folder_is_a_user_error(tmp_path, capsys):
    from bundler.cli import main

    assert main(["catalog", str(tmp_path / "nope")]) == 1
    captured = capsys.readouterr()
    assert "not a folder" in captured.err and "Traceback" not in captured.err


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param("{not json", marks=pytest.mark.expect_warnings(r"^W802 unreadable sidecar \(Expecting property name")),
        pytest.param('["a list"]', marks=pytest.mark.expect_warnings(r"^W802 sidecar is not a JSON object; using file names instead$")),
        pytest.param(
            '{"editions": {"epub": {"file": "../../secret/secret.txt"}}}',
            marks=pytest.mark.expect_warnings(r"^W803 edition 'epub': bad file name '\.\./\.\./secret/secret\.txt'; ignored$"),
        ),
    ],
)
def test_broken_sidecar_falls_back_to_files(tmp_path, bad):
    folder = tmp_path / "dist" / "x"
    folder.mkdir(parents=True)
    (folder / "x.epub").write_bytes(b"not really an epub")
    (folder / "dossier.json").write_text(bad, encoding="utf-8")
    result = write_catalog(tmp_path / "dist")
    (dossier,) = result.dossiers
    assert [e.file for e in dossier.editions] == ["x.epub"]
    assert result.report.warnings


def test_sidecar_cover_matches_the_epub(library):
    from bundler.build.sidecar import find_epub_cover

    sidecar = json.loads((library.dist / "aleppo-2016" / "dossier.json").read_text(encoding="utf-8"))
    member = find_epub_cover(library.dist / "aleppo-2016" / "aleppo-2016.epub")
    assert (sidecar["cover"] or {}).get("member") == member
    assert find_epub_cover(library.dist / ARABIC_SLUG / f"{ARABIC_SLUG}.epub") == "OEBPS/images/cover photo.jpg"


@pytest.mark.expect_warnings(r"^W805 edition 'epub': halab-ar\.epub changed since the build; checksum recomputed$")
def test_stale_cover_is_removed_when_the_epub_loses_it(library, tmp_path):
    copy = tmp_path / "dist"
    shutil.copytree(library.dist / ARABIC_SLUG, copy / ARABIC_SLUG)
    assert (copy / ARABIC_SLUG / "cover-thumb.jpg").exists()
    (copy / ARABIC_SLUG / f"{ARABIC_SLUG}.epub").write_bytes(b"no longer a zip")
    result = write_catalog(copy)
    assert not (copy / ARABIC_SLUG / "cover-thumb.jpg").exists()
    assert 'class="cover"' not in (copy / "index.html").read_text(encoding="utf-8")
    assert any(w.code == "W805" for w in result.report.warnings), "the changed file is noticed"
