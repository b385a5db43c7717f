"""piece.json storage, text-level manifest edits, size limits, and the bilingual example as a real EPUB."""

from __future__ import annotations

import json
import zipfile

import pytest
import yaml
from PIL import Image as PILImage

from bundler.errors import BundlerError, ManifestError
from bundler.exporters import formats
from bundler.importers import read_piece
from bundler.importers.piece import write_piece
from bundler.manifest import load_manifest
from bundler.manifest.edit import add_pieces
from bundler.manifest.loader import MAX_MANIFEST_BYTES
from bundler.model import Figure, FigureBlock, Image, ListBlock, Paragraph, Piece, Quote
from tests.conftest import ALEPPO_WARNINGS, COLLECTIONS, epubcheck_messages, run_epubcheck


def test_stored_piece_round_trips_with_media_copied(tmp_path):
    photo = tmp_path / "photo.jpg"
    PILImage.new("RGB", (40, 30), (200, 10, 10)).save(photo, "JPEG")
    figure = Figure(Image(path=str(photo), media_type="image/jpeg", width=40, height=30), alt="red", caption="A red square", credit="Us")
    piece = Piece(
        title="عنوان",
        body=(Paragraph("نص"), FigureBlock(figure), Quote((FigureBlock(figure),)), ListBlock(False, ((Paragraph("x"),),))),
        language="ar",
        direction="rtl",
        note="an editor's note",
    )
    target = write_piece(piece, tmp_path / "stored")
    stored = json.loads(target.read_text(encoding="utf-8"))
    media = list((tmp_path / "stored" / "media").iterdir())
    assert len(media) == 1, "the same image is stored once, by content"
    assert stored["piece"]["body"][1]["figure"]["image"]["path"] == f"media/{media[0].name}"
    photo.unlink()
    back = read_piece(target)
    assert back.title == "عنوان" and back.note == "an editor's note" and back.direction == "rtl"
    assert [f.image.path for f in back.figures] == [str(media[0].resolve())] * 2
    assert back.body[3] == piece.body[3]


def test_stored_piece_may_not_point_outside_its_folder(tmp_path):
    write_piece(Piece(title="t", body=(FigureBlock(Figure(Image(path=None, url="http://x/y.jpg"))),)), tmp_path / "p")
    target = tmp_path / "p" / "piece.json"
    data = json.loads(target.read_text(encoding="utf-8"))
    data["piece"]["body"][0]["figure"]["image"]["path"] = "../../etc/passwd"
    target.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(BundlerError, match="leaves the piece's folder"):
        read_piece(target)
    target.write_text("{not json", encoding="utf-8")
    with pytest.raises(BundlerError, match="not valid JSON"):
        read_piece(target)


MANIFEST = """# comment at the top
title: T   # trailing comment
sections:
  - title: One
    pieces:
      - a.md   # first

      # a comment about section two
  - title: Two
    pieces: [b.md]
editions: {epub: {}}
"""


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        (None, "    pieces: [b.md, new.md]\n"),
        ("One", "      - a.md   # first\n      - new.md\n\n      # a comment about section two\n"),
        ("Three", "    pieces: [b.md]\n  - title: Three\n    pieces:\n      - new.md\neditions"),
    ],
)
def test_add_pieces_inserts_text_in_place(section, expected):
    result = add_pieces(MANIFEST, ["new.md"], section)
    assert expected in result
    assert [line for line in MANIFEST.splitlines() if "#" in line] == [line for line in result.splitlines() if "#" in line]
    assert len(result.splitlines()) - len(MANIFEST.splitlines()) in (0, 1, 3)


def test_add_pieces_to_empty_flow_lists_and_crlf():
    text = "title: T\r\nsections:\r\n  - title: One\r\n    pieces: []  # fill me\r\n"
    result = add_pieces(text, ["x y.md", "b: c.md"], "One")
    assert "\r\n" in result and "\n" not in result.replace("\r\n", "")
    data = yaml.safe_load(result)
    assert data["sections"][0]["pieces"] == ["x y.md", "b: c.md"]
    assert "# fill me" in result
    fresh = yaml.safe_load(add_pieces("title: T\nsections: []\n", ["a.md"], None))
    assert fresh["sections"] == [{"title": "Pieces", "pieces": ["a.md"]}]


def test_huge_manifest_is_refused_without_parsing(tmp_path):
    (tmp_path / "collection.yaml").write_text("title: T\n" + "#" * (MAX_MANIFEST_BYTES + 10) + "\n", encoding="utf-8")
    with pytest.raises(ManifestError, match="the limit is"):
        load_manifest(tmp_path, formats=formats())


@pytest.mark.expect_warnings(ALEPPO_WARNINGS)
def test_dates_stay_text_and_note_reaches_the_piece():
    from bundler.executor import WorkOptions
    from bundler.manifest import resolve_dossier

    manifest = load_manifest(COLLECTIONS / "aleppo-2016", formats=formats())
    assert manifest.data["date"] == "2016-05-10"
    dossier = resolve_dossier(manifest, work=WorkOptions(executor="serial"))
    assert dossier.pieces[0].note.startswith("Kept as published on 10 May 2016")
    assert dossier.pieces[0].authors == ("Mark Boothroyd",)
    assert dossier.sections[0].intro, "the section intro file was read"


@pytest.fixture(scope="module")
def bilingual_epub(tmp_path_factory):
    from bundler.build.collection import build_collection

    out = tmp_path_factory.mktemp("bilingual")
    return build_collection(COLLECTIONS / "bilingual-sample", out_dir=out, format_names=["epub"]).outputs["epub"]


@pytest.mark.slow
def test_bilingual_example_is_a_valid_rtl_epub(bilingual_epub):
    report = run_epubcheck(bilingual_epub)
    problems = [m for m in epubcheck_messages(report) if not m.startswith("WARNING")]
    assert problems == []
    with zipfile.ZipFile(bilingual_epub) as archive:
        texts = {name: archive.read(name).decode("utf-8") for name in archive.namelist() if name.endswith((".xhtml", ".opf"))}
    everything = "\n".join(texts.values())
    pieces = [text for name, text in texts.items() if "library-reopens" in name or "volunteer-diary" in name]
    assert pieces and all('lang="ar"' in text and 'dir="rtl"' in text for text in pieces)
    assert "Open Shelves Network" in everything and "حلقة القراءة" in everything
    assert "An English piece inside an Arabic dossier" in everything, "the manifest's note is rendered"
    assert any(name.endswith((".jpg", ".jpeg")) for name in zipfile.ZipFile(bilingual_epub).namelist())


@pytest.mark.slow
def test_bilingual_epub_spine_follows_the_mixed_dossier_rule(bilingual_epub):
    """An Arabic dossier with English pieces keeps ltr page progression (one global value, OUTPUT-QUALITY E4.4);
    its documents still carry dir="rtl"."""
    with zipfile.ZipFile(bilingual_epub) as archive:
        opf = next(archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".opf"))
        nav = archive.read(next(n for n in archive.namelist() if n.endswith("nav.xhtml"))).decode("utf-8")
    assert 'page-progression-direction="rtl"' not in opf
    assert 'dir="rtl"' in nav
