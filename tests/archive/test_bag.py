"""BagIt bags: valid for the bagit library and for ``bundler verify``; every tampering is named."""

from __future__ import annotations

import shutil
import tarfile
import zipfile
from pathlib import Path

import bagit
import pytest

from bundler.archive.bag import verify_bag, write_bag
from bundler.cli import main
from bundler.importers.piece import write_piece
from bundler.model import Figure, FigureBlock, Paragraph, Piece, Provenance
from bundler.model import Image as ImageRef
from tests.images.samples import gps_fingerprints
from tests.images.test_editions import all_bytes
from tests.kitchen_sink import make_photo

MANIFEST = """title: Street photos
identifier: urn:uuid:5b1f0c2e-9d7a-4c1b-8e2f-3a4b5c6d7e8f
language: en
date: 2016-05-10
publisher: Example Archive
description: A dossier with one photo carrying GPS EXIF.
sections:
  - title: Streets
    pieces:
      - pieces/street/piece.json
editions:
  epub: {}
  epub-text: {}
  pdf: {}
"""


def make_photo_collection(folder: Path) -> Path:
    """A collection whose only piece has a photo with GPS position, camera make and serial."""
    photo = make_photo(folder / "incoming" / "street.jpg", gps=True)
    piece = Piece(
        title="A street near the market",
        slug="street",
        body=(
            Paragraph("The street was quiet in the morning."),
            FigureBlock(Figure(ImageRef(str(photo), media_type="image/jpeg"), alt="A street", caption="The street.", credit="Lee Example")),
        ),
        provenance=Provenance(
            source_url="https://news.example.org/street", retrieved="2016-05-02", importer="html", importer_version="0.1.0"
        ),
    )
    collection = folder / "streets"
    write_piece(piece, collection / "pieces" / "street")
    (collection / "collection.yaml").write_text(MANIFEST, encoding="utf-8")
    shutil.rmtree(folder / "incoming")
    return collection


@pytest.fixture(scope="module")
def bag(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("bag")
    collection = make_photo_collection(folder)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1462838400")
        return write_bag(collection, folder / "out").path


def test_bag_validates_with_bagit_and_verify(bag):
    bagit.Bag(str(bag)).validate()
    assert (bag / "bagit.txt").read_text() == "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
    info = bagit.Bag(str(bag)).info
    assert info["Bagging-Date"] == "2016-05-10" and info["Source-Organization"] == "Example Archive"
    assert verify_bag(bag).intact
    assert main(["verify", str(bag)]) == 0


def test_payload_holds_sources_pieces_editions_and_provenance(bag):
    import json

    data = bag / "data"
    assert (data / "collection" / "streets" / "collection.yaml").read_text() == MANIFEST
    assert (data / "pieces" / "street" / "piece.json").is_file()
    assert sorted(p.name for p in (data / "editions").iterdir()) == ["streets-text.epub", "streets.epub", "streets.pdf"]
    record = json.loads((data / "provenance.json").read_text())
    assert record["pieces"]["pieces"][0]["provenance"]["source_url"] == "https://news.example.org/street"
    assert record["build"]["source_date_epoch"] == "1462838400"
    editions = record["build"]["editions"]
    assert editions["epub"]["sha256"] == bagit.Bag(str(bag)).entries["data/editions/streets.epub"]["sha256"]


def test_editions_in_the_bag_carry_no_location(bag):
    secrets = gps_fingerprints()
    for edition in (bag / "data" / "editions").iterdir():
        assert not [s for blob in all_bytes(edition) for s in secrets if s in blob], edition.name


@pytest.mark.parametrize(
    "member",
    ["data/editions/streets.epub", "data/collection/streets/collection.yaml", "data/provenance.json", "data/pieces/street/piece.json"],
)
def test_one_flipped_byte_is_named(bag, tmp_path, member, capsys):
    copy = tmp_path / "bag"
    shutil.copytree(bag, copy)
    target = copy / member
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))
    fixity = verify_bag(copy)
    assert fixity.changed == [member] and not fixity.intact
    with pytest.raises(bagit.BagValidationError):
        bagit.Bag(str(copy)).validate()
    assert main(["verify", str(copy)]) == 1
    assert f"changed: {member}" in capsys.readouterr().out


def test_missing_and_added_files_are_named(bag, tmp_path, capsys):
    copy = tmp_path / "bag"
    shutil.copytree(bag, copy)
    (copy / "data" / "editions" / "streets.pdf").unlink()
    (copy / "data" / "editions" / "extra.txt").write_text("not part of the bag")
    fixity = verify_bag(copy)
    assert fixity.missing == ["data/editions/streets.pdf"] and fixity.added == ["data/editions/extra.txt"]
    assert main(["verify", str(copy)]) == 1
    out = capsys.readouterr().out
    assert "missing: data/editions/streets.pdf" in out and "added: data/editions/extra.txt" in out


def test_tar_and_zip_bags_verify(bag, tmp_path):
    collection = bag.parent.parent / "streets"
    for kind, opener in (("tar", tarfile.is_tarfile), ("zip", zipfile.is_zipfile)):
        packed = write_bag(collection, tmp_path / kind, archive=kind).path
        assert packed.name == f"streets-bag.{kind}" and opener(packed)
        assert verify_bag(packed).intact
        assert main(["verify", str(packed)]) == 0


def test_verify_rejects_a_folder_that_is_not_a_bag(tmp_path, capsys):
    assert main(["verify", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert f"{tmp_path.name} is not a bag (no bagit.txt)" in err and "give the bag folder or its .tar/.zip" in err
