"""Bags you can defend: bag-info from the manifest, written outside dist/, each piece's event log,
an Ed25519 signature that ``verify --key`` checks (valid, tampered, wrong key), and an original
edited after import refused by ``bag`` and named by ``verify``."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import bagit
import pytest

from bundler.cli import main

ROOT = Path(__file__).resolve().parent.parent.parent
ARTICLE = ROOT / "examples" / "tour" / "saved" / "article.html"
FIELDS = "organization: Example Evidence Unit\ncontact_name: Rana Example\ncontact_email: rana@example.org\n"


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    return code, out.out, out.err


@pytest.fixture(scope="module")
def signed(tmp_path_factory):
    """A collection with the tour's article, a key pair, and a signed bag written from another folder."""
    folder = tmp_path_factory.mktemp("signed")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1462838400")
        patch.chdir(folder)
        assert main(["new", "dossier", "--title", "Signed"]) == 0
        manifest = folder / "dossier" / "collection.yaml"
        manifest.write_text(manifest.read_text(encoding="utf-8").replace("title: Signed\n", "title: Signed\n" + FIELDS), encoding="utf-8")
        assert main(["import", "dossier", str(ARTICLE), "--section", "Reports"]) == 0
        assert main(["keygen", "key.pem"]) == 0
        assert main(["bag", "dossier", "--sign", "key.pem", "--format", "epub-text"]) == 0
    return folder


def test_bag_goes_to_bags_not_dist_with_manifest_fields(signed):
    bag = signed / "bags" / "dossier-bag"
    assert (bag / "bagit.txt").is_file() and not (signed / "dist" / "dossier-bag").exists()
    info = bagit.Bag(str(bag)).info
    assert info["Source-Organization"] == "Example Evidence Unit"
    assert info["Contact-Name"] == "Rana Example" and info["Contact-Email"] == "rana@example.org"
    assert info["Bagging-Date"] == "2016-05-10", "SOURCE_DATE_EPOCH pins it; else it is the day of bagging"
    assert info["External-Description"] == "Signed"


def test_each_piece_carries_its_event_log_and_the_editions_built(signed):
    record = json.loads((signed / "bags" / "dossier-bag" / "data" / "provenance.json").read_text(encoding="utf-8"))
    (piece,) = record["pieces"]["pieces"]
    kinds = [e["event"] for e in piece["events"]]
    assert kinds == ["imported", "built"]
    imported, built = piece["events"]
    assert imported["source_sha256"] == hashlib.sha256(ARTICLE.read_bytes()).hexdigest() and imported["rules_digest"]
    assert built["editions"]["epub-text"]["file"] == "editions/dossier-text.epub"


def test_signature_valid_tampered_and_wrong_key(signed, tmp_path, capsys):
    bag = signed / "bags" / "dossier-bag"
    code, out, _ = run(capsys, "verify", str(bag), "--key", str(signed / "key.pem.pub"))
    assert code == 0 and "intact" in out and "signed by that key" in out

    assert main(["keygen", str(tmp_path / "other.pem")]) == 0
    capsys.readouterr()
    code, out, _ = run(capsys, "verify", str(bag), "--key", str(tmp_path / "other.pem.pub"))
    assert code == 1 and "E637" in out and "does not match" in out

    copy = tmp_path / "tampered"
    shutil.copytree(bag, copy)
    info = copy / "bag-info.txt"
    info.write_text(info.read_text(encoding="utf-8").replace("Example Evidence Unit", "Someone Else"), encoding="utf-8")
    _rewrite_tag_manifests(copy)  # fixity alone would now pass: only the signature can tell
    code, out, _ = run(capsys, "verify", str(copy), "--key", str(signed / "key.pem.pub"))
    assert code == 1 and "E637" in out and "tagmanifest-sha256.txt.sig" in out

    (copy / "tagmanifest-sha256.txt.sig").unlink()
    code, out, _ = run(capsys, "verify", str(copy), "--key", str(signed / "key.pem.pub"))
    assert code == 1 and "not signed" in out


def test_one_changed_byte_of_the_original_is_named(signed, tmp_path, capsys):
    copy = tmp_path / "bag"
    shutil.copytree(signed / "bags" / "dossier-bag", copy)
    original = copy / "data" / "collection" / "dossier" / "sources" / "article.html"
    data = bytearray(original.read_bytes())
    data[300] ^= 0x01
    original.write_bytes(bytes(data))
    code, out, _ = run(capsys, "verify", str(copy))
    assert code == 1 and "changed: data/collection/dossier/sources/article.html" in out
    assert "E636: data/collection/dossier/sources/article.html" in out


def test_bag_refuses_an_original_edited_after_import(signed, tmp_path, capsys):
    collection = tmp_path / "dossier"
    shutil.copytree(signed / "dossier", collection)
    original = collection / "sources" / "article.html"
    original.write_bytes(original.read_bytes().replace(b"four thousand", b"forty thousand"))
    code, _, err = run(capsys, "bag", str(collection), "--out", str(tmp_path / "bags"), "--format", "epub-text")
    assert code == 1 and "E636" in err and "sources/article.html" in err and "--replace" in err
    assert not (tmp_path / "bags" / "dossier-bag").exists()


def test_key_errors(signed, tmp_path, capsys):
    not_a_key = tmp_path / "key.txt"
    not_a_key.write_text("hello", encoding="utf-8")
    code, _, err = run(capsys, "bag", str(signed / "dossier"), "--out", str(tmp_path / "b"), "--sign", str(not_a_key))
    assert code == 1 and "E635" in err and "key.txt" in err and "bundler keygen" in err
    code, _, err = run(capsys, "verify", str(signed / "bags" / "dossier-bag"), "--key", str(tmp_path / "missing.pub"))
    assert code == 1 and "E635" in err and "missing.pub" in err
    code, _, err = run(capsys, "keygen", str(signed / "key.pem"))
    assert code == 1 and "E638" in err and "already exists" in err


def _rewrite_tag_manifests(bag: Path) -> None:
    for manifest in bag.glob("tagmanifest-*.txt"):
        algorithm = manifest.stem.split("-", 1)[1]
        lines = []
        for line in manifest.read_text(encoding="utf-8").splitlines():
            _digest, name = line.split(maxsplit=1)
            lines.append(f"{hashlib.new(algorithm, (bag / name).read_bytes()).hexdigest()}  {name}\n")
        manifest.write_text("".join(lines), encoding="utf-8")
