"""The ZIM edition for Kiwix: zimcheck passes on both examples, Kiwix's metadata, one article per piece,
images, a full-text index, and no live link out of the dossier."""

from __future__ import annotations

import io
import re
import subprocess
import sys

import pytest
from libzim.reader import Archive
from libzim.search import Query, Searcher
from lxml import html
from PIL import Image

from bundler.exporters import context_for
from bundler.exporters.zim import shorten
from tests import warnings_guard
from tests.conftest import ALEPPO_WARNINGS, COLLECTIONS
from tests.validators import validator

pytestmark = pytest.mark.slow
EXAMPLES = {"aleppo-2016": ALEPPO_WARNINGS, "bilingual-sample": None}


@pytest.fixture(scope="module")
def zims(tmp_path_factory):
    """Each example built once as a ZIM: name -> (BuildResult, path)."""
    from bundler.build.collection import build_collection

    built = {}
    with pytest.MonkeyPatch.context() as patch:  # a module fixture runs before the per-test clock is fixed
        patch.setenv("SOURCE_DATE_EPOCH", "1462838400")
        for example, expected in EXAMPLES.items():
            out = tmp_path_factory.mktemp(f"zim-{example}")
            with warnings_guard.expected_warnings(*([expected] if expected else [])):
                result = build_collection(COLLECTIONS / example, out_dir=out, format_names=["zim"])
            built[example] = (result, result.outputs["zim"])
    return built


def _html_entries(archive: Archive) -> dict[str, bytes]:
    entries = {}
    for index in range(archive.all_entry_count):
        entry = archive._get_entry_by_id(index)
        if not entry.is_redirect and entry.get_item().mimetype == "text/html":
            entries[entry.path] = bytes(entry.get_item().content)
    return entries


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_zimcheck_finds_no_error(zims, example):
    result = subprocess.run([validator("zimcheck"), "-A", "-D", str(zims[example][1])], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "[ERROR]" not in result.stdout and "Overall Test Status: Pass" in result.stdout


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_kiwix_metadata(zims, example):
    result, path = zims[example]
    archive = Archive(path)
    meta = {key: bytes(archive.get_metadata(key)) for key in archive.metadata_keys}
    for key in ("Name", "Title", "Description", "Language", "Creator", "Publisher", "Date", "Illustration_48x48@1"):
        assert meta.get(key), key
    assert len(meta["Title"].decode()) <= 30 and len(meta["Description"].decode()) <= 80
    assert meta["Title"].decode() == shorten(result.dossier.title, 30)
    assert all(re.fullmatch(r"[a-z]{3}", code) for code in meta["Language"].decode().split(","))
    assert meta["Language"].decode().split(",")[0] == {"en": "eng", "ar": "ara"}[result.dossier.language]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", meta["Date"].decode())
    with Image.open(io.BytesIO(meta["Illustration_48x48@1"])) as icon:
        assert icon.format == "PNG" and icon.size == (48, 48)


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_contents_page_and_one_article_per_piece(zims, example):
    result, path = zims[example]
    archive = Archive(path)
    assert archive.has_main_entry and archive.main_entry.get_item().path == "index"
    pages = _html_entries(archive)
    main = html.fromstring(pages["index"])
    linked = set(main.xpath("//nav[@id='toc']//a/@href"))
    for piece in result.dossier.pieces:
        assert piece.slug in pages and piece.slug in linked, piece.slug
        article = html.fromstring(pages[piece.slug])
        assert article.find(".//h1").text_content().strip() == piece.title
        assert article.get("lang") == (piece.language or result.dossier.language)
    assert main.get("dir") == ("rtl" if result.dossier.language == "ar" else "ltr")


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_no_live_link_out_of_the_dossier(zims, example):
    archive = Archive(zims[example][1])
    for name, page in _html_entries(archive).items():
        tree = html.fromstring(page)
        for href in tree.xpath("//a/@href | //img/@src | //link/@href"):
            assert "://" not in href and not href.startswith(("//", "mailto:")), f"{name}: {href}"
            target = href.split("#")[0]
            assert not target or archive.has_entry_by_path(target), f"{name}: {href} has no entry"


def test_images_and_full_text_index(zims):
    result, path = zims["bilingual-sample"]
    archive = Archive(path)
    figures = [f for p in result.dossier.pieces for f in p.figures if f.image]
    assert figures, "the bilingual example has a photo"
    sources = {src for page in _html_entries(archive).values() for src in map(str, html.fromstring(page).xpath("//img/@src"))}
    assert sources and all(archive.get_entry_by_path(src).get_item().mimetype.startswith("image/") for src in sources)
    assert archive.has_fulltext_index
    word = next(w for w in result.dossier.pieces[0].title.split() if len(w) > 3)
    search = Searcher(archive).search(Query().set_query(word))
    assert search.getEstimatedMatches() >= 1
    assert result.dossier.pieces[0].slug in list(search.getResults(0, 10))


def test_external_link_keeps_its_address_as_text():
    from bundler.exporters.zim import html_document
    from bundler.model import Dossier

    dossier = Dossier(title="t", identifier="urn:x", slug="t", sections=())
    page = html.fromstring(html_document('<p>See <a href="https://example.org/a">the report</a>.</p>', "t", "en", dossier))
    assert not page.xpath("//a")
    assert page.xpath("//span[@class='offline-link']/@title") == ["https://example.org/a"]
    assert "the report (https://example.org/a)" in page.text_content()


def test_shorten_counts_graphemes_and_cuts_at_a_word():
    assert shorten("short", 30) == "short"
    long = "الحصار الطويل على مدينة حلب الشرقية في عام ألفين وستة عشر"
    cut = shorten(long, 30)
    assert len(cut) <= 30 and cut.endswith("…") and long.startswith(cut[:-1])


def test_missing_libzim_is_a_user_error_naming_the_extra(tmp_path):
    """Without libzim (simulated by blocking its import) the zim edition fails with exit 1 and says how to install it."""
    script = (
        "import sys; sys.modules['libzim'] = None; sys.modules['libzim.writer'] = None\n"
        "from bundler.cli import entry_point\n"
        f"sys.argv = ['bundler', 'build', {str(COLLECTIONS / 'aleppo-2016')!r}, '--format', 'zim', '--out', {str(tmp_path)!r}, '--no-cache']\n"
        "entry_point()\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert "E450" in result.stderr and "pip install 'bundler[zim]'" in result.stderr
    assert not list(tmp_path.rglob("*.zim"))


def test_a_piece_named_index_keeps_its_name(tmp_path):
    """The main page steps aside ("index_") for a piece whose slug is "index"."""
    import dataclasses

    from bundler.errors import Report
    from bundler.exporters.zim import write_zim
    from bundler.model import Edition
    from tests.kitchen_sink import make_plain_dossier

    dossier = make_plain_dossier(tmp_path / "input")
    section = dossier.sections[0]
    renamed = dataclasses.replace(section.pieces[0], slug="index")
    dossier = dataclasses.replace(
        dossier, sections=(dataclasses.replace(section, pieces=(renamed, *section.pieces[1:])), *dossier.sections[1:])
    )
    out = tmp_path / "plain.zim"
    write_zim(dossier, Edition("zim"), out, context_for(Edition("zim"), Report()))
    archive = Archive(out)
    assert archive.main_entry.get_item().path == "index_"
    assert (
        html.fromstring(bytes(archive.get_entry_by_path("index").get_item().content)).find(".//h1").text_content().strip() == renamed.title
    )


def test_two_builds_of_one_dossier_write_the_same_bytes(zims, tmp_path):
    """libzim's random UUIDs (the archive's and its two Xapian indexes') are replaced by content-derived ones
    and the checksum rewritten: a second build, written afresh, is byte for byte the first, and still whole."""
    import uuid

    from bundler.build.collection import build_collection
    from bundler.executor import WorkOptions

    first = zims["bilingual-sample"][1]
    again = build_collection(COLLECTIONS / "bilingual-sample", out_dir=tmp_path, format_names=["zim"], work=WorkOptions(cache=False))
    assert again.outputs["zim"].read_bytes() == first.read_bytes()
    archives = {example: Archive(path) for example, (_, path) in zims.items()}
    assert all(archive.check() for archive in archives.values())  # libzim verifies the rewritten MD5 checksum
    assert len({archive.uuid for archive in archives.values()}) == len(archives)  # another dossier, another UUID
    assert {uuid.UUID(str(archive.uuid)).version for archive in archives.values()} == {8}
    assert Searcher(archives["bilingual-sample"]).search(Query().set_query("library")).getEstimatedMatches() > 0


def test_a_file_not_laid_out_as_a_zim_is_refused_not_patched(tmp_path):
    from bundler.errors import ExportError
    from bundler.exporters.zim_identity import pin_identifiers

    path = tmp_path / "odd.zim"
    path.write_bytes(b"not a zim file" * 10)
    with pytest.raises(ExportError) as caught:
        pin_identifiers(path)
    assert caught.value.problems[0].code == "E451" and "odd.zim" in caught.value.problems[0].message
    assert path.read_bytes() == b"not a zim file" * 10
