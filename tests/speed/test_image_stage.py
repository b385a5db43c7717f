"""The image stage prepares every edition's images on all cores, without changing any output."""

from __future__ import annotations

import shutil

from PIL import Image as PILImage
from PIL import ImageDraw

from bundler.build.collection import build_collection
from bundler.build.image_stage import ImageJob, image_jobs, largest_first, prepare_images
from bundler.executor import WorkOptions
from bundler.exporters import formats
from bundler.manifest import load_manifest, resolve_dossier
from bundler.model import Edition


def write_photo_collection(root):
    """Two article pages, each with one photo of camera size saved beside it."""
    (root / "pages" / "photos").mkdir(parents=True)
    entries = []
    for number in range(1, 3):
        photo = PILImage.effect_noise((1800, 1200), 40 + number).convert("RGB")
        ImageDraw.Draw(photo).ellipse((200 * number, 200, 900, 900), fill=(180, 40 * number, 60))
        photo.save(root / "pages" / "photos" / f"p{number}.jpg", quality=85)
        body = " ".join(f"Sentence {i} of the report on the market in Eastmere, told by those who were there." for i in range(10))
        (root / "pages" / f"report-{number}.html").write_text(
            f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Report {number}</title></head><body><article>'
            f"<h1>Report {number}</h1><p>{body}</p>"
            f'<figure><img src="photos/p{number}.jpg" alt="The market"><figcaption>The market at dawn.</figcaption></figure>'
            f"<p>{body}</p></article></body></html>",
            encoding="utf-8",
        )
        entries.append(f"      - pages/report-{number}.html")
    (root / "collection.yaml").write_text(
        "\n".join(["title: Photo dossier", "language: en", "sections:", "  - title: Reports", "    pieces:", *entries, ""]),
        encoding="utf-8",
    )
    return root


def test_every_image_is_prepared_once_per_policy_and_outputs_do_not_change(tmp_path, monkeypatch):
    monkeypatch.delenv("BUNDLER_CACHE_DIR", raising=False)
    root = write_photo_collection(tmp_path / "photo-dossier")
    dossier = resolve_dossier(load_manifest(root, formats=formats()), work=WorkOptions(executor="serial"))
    editions = [Edition("epub"), Edition("pdf")]
    jobs = image_jobs(dossier, editions)
    assert len(jobs) == 4  # two photos, two policies (EPUB size limits, print resolution)
    seen = []
    assert prepare_images(dossier, editions, WorkOptions(jobs=2), lambda *a: seen.append(a)) == 4
    assert seen[-1] == ("images", 4, 4)
    prepared = sorted((root / ".cache" / "images").glob("*.jpg"))
    assert len(prepared) == 4
    staged = build_collection(root, format_names=["epub", "pdf"], out_dir=tmp_path / "staged", work=WorkOptions(jobs=2))
    shutil.rmtree(root / ".cache")
    clean = build_collection(root, format_names=["epub", "pdf"], out_dir=tmp_path / "clean", work=WorkOptions(cache=False))
    for name in ("epub", "pdf"):
        assert staged.outputs[name].read_bytes() == clean.outputs[name].read_bytes(), name


def test_the_first_rebuild_after_a_fresh_import_reuses_the_edition(tmp_path, monkeypatch):
    """A fresh import and a cached one keep images at different paths; the key must not see it."""
    monkeypatch.delenv("BUNDLER_CACHE_DIR", raising=False)
    root = write_photo_collection(tmp_path / "photo-dossier")
    cold = build_collection(root, format_names=["epub"], out_dir=tmp_path / "cold", work=WorkOptions(jobs=2))
    stored = sorted((root / ".cache" / "values").rglob("*.out"))
    assert len(stored) == 1
    warm = build_collection(root, format_names=["epub"], out_dir=tmp_path / "warm", work=WorkOptions(jobs=2))
    assert sorted((root / ".cache" / "values").rglob("*.out")) == stored
    assert warm.outputs["epub"].read_bytes() == cold.outputs["epub"].read_bytes()
    (root / "pages" / "report-1.html").write_text(
        (root / "pages" / "report-1.html").read_text(encoding="utf-8").replace("The market at dawn.", "The market at noon."),
        encoding="utf-8",
    )
    build_collection(root, format_names=["epub"], out_dir=tmp_path / "new-caption", work=WorkOptions(jobs=2))
    assert len(list((root / ".cache" / "values").rglob("*.out"))) == 2  # an edited page is a new edition


def test_a_warm_build_has_no_image_jobs_and_a_lost_image_is_prepared_again(tmp_path, monkeypatch):
    monkeypatch.delenv("BUNDLER_CACHE_DIR", raising=False)
    root = write_photo_collection(tmp_path / "photo-dossier")
    dossier = resolve_dossier(load_manifest(root, formats=formats()), work=WorkOptions(executor="serial"))
    editions = [Edition("epub")]
    assert prepare_images(dossier, editions, WorkOptions(jobs=2)) == 2
    assert image_jobs(dossier, editions) == []  # each source hash recorded at import, each prepared file cached
    lost = sorted((root / ".cache" / "images").glob("*.jpg"))[0]
    lost.unlink()
    again = image_jobs(dossier, editions)
    assert len(again) == 1 and again[0].sha256 and lost.name.startswith(again[0].sha256[:32])
    assert prepare_images(dossier, editions, WorkOptions(jobs=2)) == 1
    assert lost.is_file()


def test_the_parent_warms_up_once_while_photos_are_prepared_and_not_on_a_warm_build(tmp_path, monkeypatch):
    monkeypatch.delenv("BUNDLER_CACHE_DIR", raising=False)
    root = write_photo_collection(tmp_path / "photo-dossier")
    dossier = resolve_dossier(load_manifest(root, formats=formats()), work=WorkOptions(executor="serial"))
    editions = [Edition("pdf")]
    seen: list[tuple] = []
    calls: list[int] = []
    progress = lambda *a: seen.append(a)  # noqa: E731
    assert prepare_images(dossier, editions, WorkOptions(jobs=2), progress, meanwhile=lambda: calls.append(len(seen))) == 2
    assert calls == [1], "the warm-up ran before the stage began or more than once"  # after ("images", 0, 2), before any result
    assert seen[-1] == ("images", 2, 2) and len(sorted((root / ".cache" / "images").glob("*.jpg"))) == 2
    assert prepare_images(dossier, editions, WorkOptions(jobs=2), meanwhile=lambda: calls.append(-1)) == 0
    assert calls == [1], "a warm build (nothing to prepare) warmed up"


def test_the_largest_photos_are_prepared_first_so_the_stage_does_not_end_on_one_core(tmp_path):
    sizes = {"a.jpg": 10, "b.jpg": 300, "c.jpg": 10, "d.jpg": 2000}
    for name, size in sizes.items():
        (tmp_path / name).write_bytes(b"\xff" * size)
    jobs = [ImageJob(str(tmp_path / name), None, tmp_path) for name in [*sizes, "missing.jpg"]]
    ordered = [job.path.rsplit("/", 1)[1] for job in largest_first(jobs)]
    assert ordered == ["d.jpg", "b.jpg", "a.jpg", "c.jpg", "missing.jpg"]  # equal sizes keep their order
