"""The same page gives the same piece bytes in every run: no temporary media folder's name gets out.

A page's own photos (a ``data:`` URI, a file beside it) are stored while it is read in a
folder of that run, whose name is random. ``bundler import`` must store them under names made
from their content, ``bundler extract`` must print them so, and that folder must be gone when
the run ends. Each run is a separate process with its own temporary folder (``TMPDIR``), as
two imports on two days would be.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

from PIL import Image as PILImage

PARAGRAPH = "The harbour master logged every boat that came in before the storm, and the list was read aloud at dusk."


def _png(colour: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (480, 320), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def _page(folder: Path) -> Path:
    """An article with one photo inline as a data: URI and one in a file beside it."""
    folder.mkdir(parents=True)
    (folder / "beside.png").write_bytes(_png((20, 120, 40)))
    inline = base64.b64encode(_png((200, 30, 30))).decode("ascii")
    paragraphs = [f"<p>{PARAGRAPH} ({n})</p>" for n in range(8)]
    paragraphs.insert(3, f'<figure><img src="data:image/png;base64,{inline}" alt="A red buoy"><figcaption>The buoy.</figcaption></figure>')
    paragraphs.insert(6, '<figure><img src="beside.png" alt="A green hull"><figcaption>The hull, drying.</figcaption></figure>')
    page = folder / "harbour.html"
    page.write_text(
        f"""<!DOCTYPE html><html lang="en"><head><title>The harbour log</title></head><body><article>
<h1>The harbour log</h1>{"".join(paragraphs)}
</article></body></html>""",
        encoding="utf-8",
    )
    return page


def _bundler(*args: str, temporary: Path, cwd: Path) -> subprocess.CompletedProcess:
    temporary.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "TMPDIR": str(temporary), "SOURCE_DATE_EPOCH": "1462838400"}
    done = subprocess.run([sys.executable, "-m", "bundler", *args], cwd=cwd, env=env, capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr.decode()
    return done


def _stored(collection: Path) -> dict[str, bytes]:
    return {p.relative_to(collection).as_posix(): p.read_bytes() for p in sorted((collection / "pieces").rglob("*")) if p.is_file()}


def test_importing_a_page_with_its_own_photos_twice_stores_the_same_bytes(tmp_path):
    page = _page(tmp_path / "saved")
    stored = []
    for run in ("one", "two"):
        collection = tmp_path / run / "dossier"
        _bundler("new", str(collection), "--title", "Log", temporary=tmp_path / run / "tmp", cwd=tmp_path)
        _bundler("import", str(collection), str(page), temporary=tmp_path / run / "tmp", cwd=tmp_path)
        stored.append(_stored(collection))
        assert not list((tmp_path / run / "tmp").iterdir()), "a temporary folder was left behind"
    assert stored[0] == stored[1]
    (piece_file,) = [name for name in stored[0] if name.endswith("piece.json")]
    piece = json.loads(stored[0][piece_file])["piece"]
    paths = sorted(f["figure"]["image"]["path"] for f in piece["body"] if f.get("type") == "FigureBlock")
    media = sorted(name.split("/", 2)[2] for name in stored[0] if "/media/" in name)
    assert len(paths) == 2 and paths == media, (paths, media)
    assert all(
        p.startswith("media/") and hashlib.sha256(stored[0][f"{piece_file.rsplit('/', 1)[0]}/{p}"]).hexdigest().startswith(Path(p).stem)
        for p in paths
    )
    assert str(tmp_path) not in stored[0][piece_file].decode()


def test_extract_prints_the_same_bytes_every_run_and_leaves_no_folder(tmp_path):
    page = _page(tmp_path / "saved")
    for format_ in ("json", "html"):
        outputs = []
        for run in ("one", "two"):
            temporary = tmp_path / f"{format_}-{run}"
            outputs.append(_bundler("extract", "--format", format_, str(page), temporary=temporary, cwd=tmp_path).stdout)
            assert not list(temporary.iterdir()), f"extract --format {format_} left {list(temporary.iterdir())}"
        assert outputs[0] == outputs[1], format_
        assert b"bundler-" not in outputs[0] and str(tmp_path).encode() not in outputs[0]
    piece = json.loads(outputs_json := _bundler("extract", "--format", "json", str(page), temporary=tmp_path / "j", cwd=tmp_path).stdout)
    figures = [block["figure"] for block in piece["body"] if block.get("type") == "FigureBlock"]
    assert [f["image"]["path"] for f in figures] == [f"media/{f['image']['sha256'][:32]}.png" for f in figures], outputs_json[:400]
    html = outputs[0].decode()
    assert html.count('src="data:image/png;base64,') == 2


def test_a_library_read_without_a_media_folder_cleans_up_at_exit(tmp_path):
    page = _page(tmp_path / "saved")
    script = (
        "import sys; from pathlib import Path; from bundler import read_piece\n"
        "piece = read_piece(sys.argv[1])\n"
        "paths = [Path(f.image.path) for f in piece.figures]\n"
        "assert len(paths) == 2 and all(p.is_file() for p in paths), paths\n"
    )
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env = {**os.environ, "TMPDIR": str(temporary)}
    done = subprocess.run([sys.executable, "-c", script, str(page)], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert not list(temporary.iterdir())
