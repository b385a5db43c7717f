"""The archive edition: PDF/A-3u claim, output intent, tags, and its sources attached."""

from __future__ import annotations

import json
import subprocess

import pikepdf
import pytest

from bundler.render.provenance import provenance_json, provenance_record
from tests.validators import validator


@pytest.fixture(scope="module")
def archive(english):
    with pikepdf.open(english.paths["pdf-archive"]) as pdf:
        yield pdf


def test_claims_pdf_a_3u_with_xmp(archive):
    meta = archive.open_metadata()
    assert meta.pdfa_status == "3U"
    assert meta["dc:title"] == "Kitchen Sink Dossier"
    assert archive.Root.Metadata.Type == "/Metadata" and archive.Root.Metadata.Subtype == "/XML"


def test_has_an_srgb_output_intent(archive):
    intent = archive.Root.OutputIntents[0]
    assert intent.S == "/GTS_PDFA1"
    assert int(intent.DestOutputProfile.N) == 3


def test_is_tagged_with_a_language(archive):
    assert bool(archive.Root.MarkInfo.Marked)
    assert "/StructTreeRoot" in archive.Root
    assert str(archive.Root.Lang) == "en"


def test_images_are_not_interpolated(archive):
    images = [image for page in archive.pages for image in page.get_images().values()]
    assert images
    assert not any(bool(image.get("/Interpolate", False)) for image in images)


def test_carries_the_manifest_and_the_provenance_record(archive, english):
    files = dict(archive.attachments)
    assert set(files) == {"collection.yaml", "provenance.json"}
    assert str(files["collection.yaml"].obj.AFRelationship) == "/Source"
    assert str(files["provenance.json"].obj.AFRelationship) == "/Data"
    manifest = files["collection.yaml"].get_file()
    assert manifest.read_bytes().startswith(b"title: Kitchen Sink Dossier")
    record = json.loads(files["provenance.json"].get_file().read_bytes())
    assert record == provenance_record(english.dossier)
    assert [p["slug"] for p in record["pieces"]] == [p.slug for p in english.dossier.pieces]
    assert record["pieces"][0]["provenance"]["source_sha256"] == "0" * 64
    assert str(manifest.obj.Params.ModDate).startswith("D:20160510000000")


def test_provenance_record_is_deterministic_and_sorted(english):
    first = provenance_json(english.dossier)
    assert first == provenance_json(english.dossier)
    data = json.loads(first)
    assert list(data) == sorted(data)


@pytest.mark.parametrize("name", ["pdf", "pdf-phone", "pdf-booklet", "pdf-archive"])
def test_qpdf_check_is_clean(english, name):
    result = subprocess.run([validator("qpdf"), "--check", str(english.paths[name])], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
