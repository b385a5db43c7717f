"""One collection, several editions of one format: the bilingual example's whole, Arabic and English EPUBs.

The example's manifest lists ``epub`` three times (the whole dossier, ``name: ar`` with
``language: ar``, ``name: en`` with ``language: en``). Built once per module from a copy of
the example; the checks read the real files: EPUBCheck, the OPF, the cache (a warm rebuild),
the sidecar, the catalogue, the server's list of files and the bag.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

from bundler.build.collection import BuildResult, build_collection
from tests.conftest import COLLECTIONS, epubcheck_messages, run_epubcheck
from tests.test_cli import assert_user_error, run_cli

OPF = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
XHTML = {"x": "http://www.w3.org/1999/xhtml"}
SLUG = "bilingual-sample"


@dataclass(frozen=True)
class Built:
    collection: Path
    cold: BuildResult
    warm: BuildResult
    cold_bytes: dict[str, bytes]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Built:
    """The example copied, built cold (fills the cache), then built again warm."""
    collection = tmp_path_factory.mktemp("named") / SLUG
    shutil.copytree(COLLECTIONS / SLUG, collection, ignore=shutil.ignore_patterns(".cache"))
    cold = build_collection(collection, out_dir=collection.parent / "cold", format_names=["epub"])
    cold_bytes = {name: path.read_bytes() for name, path in cold.outputs.items()}
    warm = build_collection(collection, out_dir=collection.parent / "warm", format_names=["epub"])
    return Built(collection, cold, warm, cold_bytes)


def package(epub: Path):
    """The EPUB's OPF, parsed."""
    with zipfile.ZipFile(epub) as archive:
        container = etree.fromstring(archive.read("META-INF/container.xml"))
        path = container.xpath("//*[local-name()='rootfile']/@full-path")[0]
        return etree.fromstring(archive.read(path))


def piece_languages(epub: Path) -> set[str]:
    """The language of every document of the EPUB and of every article in them."""
    found = set()
    with zipfile.ZipFile(epub) as archive:
        for name in archive.namelist():
            if name.endswith(".xhtml"):
                tree = etree.fromstring(archive.read(name))
                found |= {_lang(e) for e in [tree, *tree.xpath("//x:article", namespaces=XHTML)]}
    return found - {None}


def _lang(element) -> str | None:
    return element.get("lang") or element.get("{http://www.w3.org/XML/1998/namespace}lang")


def test_three_epubs_with_distinct_file_names(built):
    outputs = built.cold.outputs
    assert set(outputs) == {"epub", "epub.ar", "epub.en"}
    assert {p.name for p in outputs.values()} == {f"{SLUG}.epub", f"{SLUG}.ar.epub", f"{SLUG}.en.epub"}
    assert len(set(built.cold_bytes.values())) == 3, "each edition has its own content (no cache key shared)"


@pytest.mark.parametrize("name", ["epub.ar", "epub.en"])
def test_each_language_edition_passes_epubcheck(built, name):
    assert epubcheck_messages(run_epubcheck(built.cold.outputs[name])) == []


@pytest.mark.parametrize(("name", "language", "progression"), [("epub.ar", "ar", "rtl"), ("epub.en", "en", "ltr")])
def test_book_language_direction_and_pieces(built, name, language, progression):
    epub = built.cold.outputs[name]
    opf = package(epub)
    assert opf.xpath("string(//dc:language)", namespaces=OPF) == language
    assert opf.xpath("string(//opf:spine/@page-progression-direction)", namespaces=OPF) == progression
    assert piece_languages(epub) == {language}, "only the pieces in the edition's language"


def test_the_whole_dossier_edition_keeps_both_languages(built):
    assert piece_languages(built.cold.outputs["epub"]) == {"ar", "en"}
    assert package(built.cold.outputs["epub"]).xpath("string(//dc:language)", namespaces=OPF) == "ar"


def test_warm_build_copies_each_edition_from_its_own_cache_entry(built):
    assert {name: path.read_bytes() for name, path in built.warm.outputs.items()} == built.cold_bytes


def test_sidecar_names_each_edition_with_its_format_and_language(built):
    sidecar = json.loads((built.cold.outputs["epub"].parent / "dossier.json").read_text(encoding="utf-8"))
    records = sidecar["editions"]
    assert {k: (r["format"], r["language"], r["file"]) for k, r in records.items()} == {
        "epub": ("epub", "", f"{SLUG}.epub"),
        "epub.ar": ("epub", "ar", f"{SLUG}.ar.epub"),
        "epub.en": ("epub", "en", f"{SLUG}.en.epub"),
    }


def test_catalogue_and_server_list_both_language_editions(built):
    from bundler.catalog import write_catalog
    from bundler.catalog.served import is_listed

    dist = built.cold.outputs["epub"].parent.parent
    write_catalog(dist)
    feed = etree.parse(str(dist / "opds-all.xml"))
    links = feed.xpath("//*[local-name()='link'][@rel='http://opds-spec.org/acquisition']")
    by_href = {link.get("href"): (link.get("type"), link.get("hreflang")) for link in links}
    assert by_href == {
        f"{SLUG}/{SLUG}.epub": ("application/epub+zip", None),
        f"{SLUG}/{SLUG}.ar.epub": ("application/epub+zip", "ar"),
        f"{SLUG}/{SLUG}.en.epub": ("application/epub+zip", "en"),
    }
    assert all(is_listed(dist, [SLUG, name]) for name in (f"{SLUG}.ar.epub", f"{SLUG}.en.epub"))


def test_bag_holds_every_edition(built, tmp_path):
    from bundler.archive.bag import write_bag

    bag = write_bag(built.collection, tmp_path / "bags", format_names=["epub"]).path
    held = sorted(p.name for p in (bag / "data" / "editions").iterdir())
    assert held == sorted([f"{SLUG}.epub", f"{SLUG}.ar.epub", f"{SLUG}.en.epub"])
    record = json.loads((bag / "data" / "provenance.json").read_text(encoding="utf-8"))["build"]["editions"]
    assert set(record) == {"epub", "epub.ar", "epub.en"}
    assert sorted(v["file"] for v in record.values()) == [f"editions/{name}" for name in held]


def test_two_editions_writing_one_file_is_a_located_manifest_error(tmp_path):
    collection = tmp_path / "twice"
    shutil.copytree(COLLECTIONS / SLUG, collection, ignore=shutil.ignore_patterns(".cache"))
    manifest = collection / "collection.yaml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace("    name: en\n", "    name: ar\n"), encoding="utf-8")
    line = [n for n, row in enumerate(manifest.read_text(encoding="utf-8").splitlines(), 1) if row == "  - format: epub"][2]
    result = run_cli("build", str(collection), "--out", str(tmp_path / "out"))
    assert_user_error(result, "M066", f"collection.yaml:{line}: editions[2]: two editions would write 'twice.ar.epub'", "name: en")
    assert not (tmp_path / "out").exists(), "nothing is written"
