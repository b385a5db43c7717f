"""``bundler verify`` on the malformed bags it exists to judge: exit 1 and the reason, never a traceback.

The bags are made by the real ``bagit`` library (small payloads, so each test is cheap), then
damaged the way a disk, a careless copy or a hostile sender would.
"""

from __future__ import annotations

import io
import os
import shutil
import tarfile
import zipfile
from pathlib import Path

import bagit
import pytest

from bundler.archive.bag import unpack_bag
from bundler.errors import BundlerError
from tests.faults.conftest import run_cli as run_faults_cli
from tests.test_cli import assert_user_error, run_cli


@pytest.fixture
def bag(tmp_path) -> Path:
    """A valid BagIt bag with two payload files and sha256 + sha512 manifests."""
    folder = tmp_path / "dossier-bag"
    (folder / "pieces").mkdir(parents=True)
    (folder / "pieces" / "piece.json").write_text('{"title": "one"}\n', encoding="utf-8")
    (folder / "provenance.json").write_text("{}\n", encoding="utf-8")
    bagit.make_bag(str(folder), checksums=["sha256", "sha512"])
    return folder


def not_intact(result, *reasons: str) -> None:
    """Exit 1, 'NOT intact', each reason printed, no traceback."""
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "NOT intact" in result.stdout + result.stderr
    for reason in reasons:
        assert reason in result.stdout, result.stdout


def test_an_intact_bag_passes(bag):
    result = run_cli("verify", str(bag))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "intact" in result.stdout + result.stderr


def test_manifest_line_without_a_path(bag):
    manifest = bag / "manifest-sha256.txt"
    manifest.write_text(manifest.read_text(encoding="utf-8") + "0" * 64 + "\n", encoding="utf-8")
    not_intact(run_cli("verify", str(bag)), "manifest-sha256.txt:3: not 'CHECKSUM  PATH'")


def test_manifest_that_is_not_utf8(bag):
    manifest = bag / "manifest-sha256.txt"
    manifest.write_bytes(manifest.read_bytes() + b"\xff\xfe bad  data/x\n")
    not_intact(run_cli("verify", str(bag)), "manifest-sha256.txt:3: not UTF-8 text (byte 0xff)")


def test_manifest_with_an_unknown_algorithm(bag):
    (bag / "manifest-md7.txt").write_text("abc  data/provenance.json\n", encoding="utf-8")
    not_intact(run_cli("verify", str(bag)), "manifest-md7.txt: unknown checksum algorithm 'md7'")


def test_manifest_path_that_leaves_the_bag(bag):
    manifest = bag / "manifest-sha256.txt"
    manifest.write_text(manifest.read_text(encoding="utf-8") + "0" * 64 + "  data/../../outside\n", encoding="utf-8")
    not_intact(run_cli("verify", str(bag)), "leaves the bag")


def test_links_and_special_files_in_a_bag_folder_are_reasons_not_reads(bag):
    (bag / "data" / "passwd").symlink_to("/etc/passwd")
    os.mkfifo(bag / "data" / "pipe")  # reading it would block forever
    not_intact(
        run_cli("verify", str(bag)),
        "data/passwd is a symbolic link",
        "data/pipe is a special file",
    )


def tar_of(bag: Path, out: Path, *extra: tarfile.TarInfo) -> Path:
    """``bag`` as a .tar, plus extra (hostile) entries."""
    with tarfile.open(out, "w") as archive:
        archive.add(bag, arcname=bag.name)
        for info in extra:
            archive.addfile(info, io.BytesIO(b"x" * info.size) if info.isfile() else None)
    return out


def entry(name: str, kind: bytes = tarfile.REGTYPE, link: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, link
    info.size = 1 if kind == tarfile.REGTYPE else 0
    return info


@pytest.mark.parametrize(
    ("hostile", "reason"),
    [
        (entry("dossier-bag/data/../../../escaped.txt"), "unsafe entry in archive"),
        (entry("/tmp/absolute.txt"), "does not contain exactly one bag folder"),  # extracted inside, as tmp/...
        (entry("dossier-bag/data/link", tarfile.SYMTYPE, "/etc/passwd"), "unsafe entry in archive"),
        (entry("dossier-bag/data/up", tarfile.SYMTYPE, "../../../../etc/passwd"), "unsafe entry in archive"),
        (entry("dossier-bag/data/zero", tarfile.CHRTYPE), "unsafe entry in archive"),
        (entry("dossier-bag/data/pipe", tarfile.FIFOTYPE), "unsafe entry in archive"),
    ],
)
def test_hostile_tar_entries_are_refused(bag, tmp_path, hostile, reason):
    archive = tar_of(bag, tmp_path / "bag.tar", hostile)
    assert_user_error(run_cli("verify", str(archive)), "bag.tar", reason)
    assert not (tmp_path.parent / "escaped.txt").exists()


def test_a_link_inside_the_bag_of_a_tar_is_a_reason(bag, tmp_path):
    archive = tar_of(bag, tmp_path / "bag.tar", entry("dossier-bag/data/alias", tarfile.SYMTYPE, "provenance.json"))
    not_intact(run_cli("verify", str(archive)), "data/alias is a symbolic link")


@pytest.mark.parametrize("member", ["bagit.txt", "data/pieces/piece.json"])
def test_truncated_tar_is_damaged_not_a_crash(bag, tmp_path, member):
    whole = tar_of(bag, tmp_path / "whole.tar")
    with tarfile.open(whole) as archive:
        cut = archive.getmember(f"dossier-bag/{member}")
    truncated = tmp_path / "bag.tar"
    truncated.write_bytes(whole.read_bytes()[: cut.offset_data + cut.size // 2])  # ends inside that file's bytes
    assert_user_error(run_cli("verify", str(truncated)), "bag.tar is damaged", "truncated or corrupt")


def test_truncated_zip_is_a_user_error(bag, tmp_path):
    whole = Path(shutil.make_archive(str(tmp_path / "whole"), "zip", root_dir=bag.parent, base_dir=bag.name)).read_bytes()
    truncated = tmp_path / "bag.zip"
    truncated.write_bytes(whole[: len(whole) - 30])
    assert_user_error(run_cli("verify", str(truncated)), "bag.zip")


def zip_declaring(bag: Path, out: Path, declared: int, members: int) -> Path:
    """``bag`` as a real .zip plus ``members`` tiny files whose headers each declare ``declared`` bytes.

    The sizes are patched into both the local and the central headers, the way a hand-made
    archive bomb lies; ``zipfile`` believes them, and ``extractall`` would write up to them.
    """
    shutil.make_archive(str(out.with_suffix("")), "zip", root_dir=bag.parent, base_dir=bag.name)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        for n in range(members):
            archive.writestr(f"{bag.name}/data/zeros-{n}.bin", b"\0" * 1024)
    data = bytearray(out.read_bytes())
    for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = data.find(signature)
        while start != -1:
            name_length = int.from_bytes(data[start + size_at + 4 : start + size_at + 6], "little")
            name_at = start + (30 if signature == b"PK\x03\x04" else 46)
            if b"zeros-" in data[name_at : name_at + name_length]:
                data[start + size_at : start + size_at + 4] = declared.to_bytes(4, "little")
            start = data.find(signature, start + 4)
    out.write_bytes(bytes(data))
    return out


@pytest.mark.parametrize(
    ("members", "reason"),
    [
        (1, "x its own size"),  # 4 GiB declared by a few kilobytes: over the ratio
        (20, "more than the 64.0 GiB bundler unpacks"),  # 80 GiB: over the absolute cap
    ],
)
def test_a_zip_bomb_is_refused_before_anything_is_written(bag, tmp_path, members, reason):
    archive = zip_declaring(bag, tmp_path / "bag.zip", 0xFFFF0000, members)
    with zipfile.ZipFile(archive) as opened:
        assert sum(i.file_size for i in opened.infolist()) > members * 0xF0000000  # the lie is what zipfile reads
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    result = run_faults_cli("verify", str(archive), env={"TMPDIR": str(scratch)})
    assert_user_error(result, "E625", str(archive), "would unpack to", reason, "archive bomb")
    assert list(scratch.iterdir()) == []
    into = tmp_path / "into"
    into.mkdir()
    with pytest.raises(BundlerError, match="would unpack to"):
        unpack_bag(archive, into)
    assert list(into.iterdir()) == []  # refused before extracting a single member


def test_a_genuine_zip_bag_still_verifies(bag, tmp_path):
    archive = Path(shutil.make_archive(str(tmp_path / "bag"), "zip", root_dir=bag.parent, base_dir=bag.name))
    result = run_cli("verify", str(archive))
    assert result.returncode == 0, result.stdout + result.stderr
