"""Whole editions under the image policy: no location data anywhere, 5× smaller, budgets, text-only."""

from __future__ import annotations

import io
import shutil
import zipfile
from dataclasses import replace
from pathlib import Path

import pikepdf
import pytest

from bundler.build.budget import measure_edition, parse_size, write_edition
from bundler.errors import ExportError, Report
from bundler.exporters import context_for, formats
from bundler.model import Dossier, Edition, Figure, FigureBlock, Paragraph, Piece, Section
from bundler.model import Image as ImageRef
from tests.conftest import epubcheck_messages, run_epubcheck
from tests.images import samples
from tests.kitchen_sink import make_kitchen_sink


def write(dossier: Dossier, edition: Edition, out: Path, report: Report | None = None) -> Path:
    destination = out / formats()[edition.format].filename(dossier.slug)
    write_edition(formats()[edition.format].write, dossier, edition, destination, context_for(edition, report or Report()))
    return destination


def all_bytes(path: Path) -> list[bytes]:
    """The file, plus every zip entry decompressed, plus every PDF stream raw and decoded."""
    data = path.read_bytes()
    found = [data]
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            found += [archive.read(name) for name in archive.namelist()]
    elif data.startswith(b"%PDF"):
        with pikepdf.open(path) as pdf:
            for obj in pdf.objects:
                if isinstance(obj, pikepdf.Stream):
                    found.append(obj.read_raw_bytes())
                    try:
                        found.append(obj.read_bytes())
                    except pikepdf.PdfError:
                        pass
    return found


@pytest.fixture(scope="module")
def kitchen(tmp_path_factory) -> tuple[Path, dict[str, Path], Report]:
    folder = tmp_path_factory.mktemp("kitchen")
    dossier = make_kitchen_sink(folder / "sources")
    report = Report()
    built = {name: write(dossier, Edition(name), folder / "out", report) for name in ("epub", "pdf", "epub-text")}
    return folder, built, report


def test_no_gps_camera_or_serial_in_any_edition(kitchen):
    folder, built, _ = kitchen
    source = (folder / "sources" / "street.jpg").read_bytes()
    secrets = samples.gps_fingerprints()
    assert sum(secret in source for secret in secrets) >= 4  # the source really carries them
    for name, path in built.items():
        leaks = [(secret, index) for index, blob in enumerate(all_bytes(path)) for secret in secrets if secret in blob]
        assert not leaks, f"{name} leaks {leaks}"


def test_pdf_images_are_downsampled_for_print(kitchen):
    _, built, _ = kitchen
    with pikepdf.open(built["pdf"]) as pdf:
        widths = [int(o.Width) for o in pdf.objects if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Image"]
    assert widths and max(widths) <= 1300


def test_text_only_edition_has_no_images_and_passes_epubcheck(kitchen):
    _, built, _ = kitchen
    with zipfile.ZipFile(built["epub-text"]) as archive:
        names = archive.namelist()
        text = b"".join(archive.read(n) for n in names if n.endswith(".xhtml")).decode()
        opf = archive.read("EPUB/content.opf").decode()
    images = [n for n in names if n.lower().endswith((".jpg", ".jpeg", ".png", ".gif", ".webp"))]
    assert images == []  # no photos and no cover image: "no images at all"
    assert "<img" not in text
    assert "cover-image" not in opf and ">visual<" not in opf  # accessMode textual only
    assert "The covered market in April." in text and "Sam Photographer/Example Agency" in text
    assert built["epub-text"].stat().st_size < built["epub"].stat().st_size
    assert epubcheck_messages(run_epubcheck(built["epub-text"])) == []


def photo_dossier(folder: Path, photos: list[Path], extra: tuple = ()) -> Dossier:
    figures = tuple(
        FigureBlock(Figure(ImageRef(str(p)), alt=f"Photo {i}", caption=f"Caption {i}.", credit="Test Photographer"))
        for i, p in enumerate(photos)
    )
    piece = Piece(title="Photos", slug="photos", body=(Paragraph("Large photographs follow."), *figures, *extra))
    return Dossier(
        title="Photo dossier",
        identifier="urn:uuid:7d0c3f4e-1111-4a2b-9c3d-5e6f7a8b9c0d",
        slug="photos",
        sections=(Section("Photos", (piece,), slug="s"),),
        root=str(folder),
    )


@pytest.fixture(scope="module")
def large_photos(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("photos")
    return [samples.write(folder / f"photo-{i}.jpg", samples.jpeg_bytes(samples.noisy_photo(seed=i))) for i in range(3)]


def test_default_epub_is_five_times_smaller_than_originals(tmp_path, large_photos):
    dossier = photo_dossier(tmp_path, large_photos)
    original = write(dossier, Edition("epub", (("images", "keep"),)), tmp_path / "original")
    default = write(dossier, Edition("epub"), tmp_path / "default")
    assert original.stat().st_size >= 5 * default.stat().st_size, (original.stat().st_size, default.stat().st_size)


@pytest.fixture(scope="module")
def many_photos(tmp_path_factory) -> list[Path]:
    """Eight grainy photos already at the EPUB size limit: each lands near 400 KB, together over 2 MB."""
    folder = tmp_path_factory.mktemp("many")
    return [samples.write(folder / f"p{i}.jpg", samples.jpeg_bytes(samples.noisy_photo((1600, 1200), seed=i, noise=0.8))) for i in range(8)]


@pytest.mark.expect_warnings(r"^W610 epub: .* MB was over the 2\.00 MB budget; written with images at most")
def test_budget_is_fitted_by_degrading_images(tmp_path, many_photos):
    dossier = photo_dossier(tmp_path, many_photos)
    report = Report()
    unbudgeted = measure_edition(write(dossier, Edition("epub"), tmp_path / "plain"), "epub")
    assert unbudgeted.total > parse_size("2 MB")
    destination = write(dossier, Edition("epub", (("budget", "2 MB"),)), tmp_path / "budget", report)
    assert destination.stat().st_size <= 2_000_000
    assert [w for w in report.warnings if w.code == "W610"]


def test_budget_that_cannot_be_met_fails_and_writes_nothing(tmp_path, large_photos):
    dossier = photo_dossier(tmp_path, large_photos)
    with pytest.raises(ExportError) as caught:
        write(dossier, Edition("epub", (("budget", "50 KB"),)), tmp_path / "tiny")
    message = str(caught.value)
    assert "50 KB budget" in message and "fonts" in message and "raise the budget" in message
    assert not list((tmp_path / "tiny").glob("*.epub")) and not list((tmp_path / "tiny").glob("*.part"))


@pytest.mark.parametrize(("text", "expected"), [("2 MB", 2_000_000), ("500 KB", 500_000), ("1.5 MiB", 1_572_864), (1234, 1234)])
def test_budget_sizes_parse(text, expected):
    assert parse_size(text) == expected


def test_size_report_names_the_largest_contributors(kitchen):
    _, built, _ = kitchen
    size = measure_edition(built["epub"], "epub")
    assert size.total == built["epub"].stat().st_size
    assert size.images > 0 and size.fonts > 0 and size.text > 0
    assert len(size.largest) == 5 and size.largest[0][1] >= size.largest[-1][1]
    assert "largest:" in size.render()


@pytest.mark.expect_warnings(r"^W601 image broken\.jpg cannot be used: broken or truncated image")
def test_identical_images_stored_once_and_broken_image_keeps_caption(tmp_path):
    photo = samples.write(tmp_path / "a.jpg", samples.jpeg_bytes(samples.noisy_photo((800, 600))))
    copy = tmp_path / "copy-of-a.jpg"
    shutil.copy(photo, copy)
    broken = samples.write(tmp_path / "broken.jpg", photo.read_bytes()[:2000])
    extra = (FigureBlock(Figure(ImageRef(str(broken)), alt="Broken", caption="The broken one.", credit="Nobody")),)
    dossier = photo_dossier(tmp_path, [photo, copy], extra)
    dossier = replace(
        dossier, sections=(replace(dossier.sections[0], pieces=(*dossier.sections[0].pieces, replace(dossier.pieces[0], slug="again"))),)
    )
    report = Report()
    epub = write(dossier, Edition("epub"), tmp_path / "out", report)
    with zipfile.ZipFile(epub) as archive:
        images = [n for n in archive.namelist() if n.startswith("EPUB/media/")]
        text = archive.read(next(n for n in archive.namelist() if n.endswith("photos.xhtml"))).decode()
    assert len(images) == 1
    assert "The broken one." in text and text.count("<img") == 2
    assert [w.code for w in report.warnings] == ["W601"]
    assert epubcheck_messages(run_epubcheck(epub)) == []
    assert io.BytesIO  # zip and pikepdf read the real files above
