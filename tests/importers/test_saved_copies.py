"""A page's remote images found in its browser-saved ``*_files`` folder, the folder listed once a page;
embeds closed whatever the case of their tags."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image as PILImage

from bundler.cleaning import figures
from bundler.cleaning.blocks import close_embeds
from bundler.importers import ImportOptions, read_piece
from bundler.model import FigureBlock

_PARAGRAPH = "<p>The bakers start before dawn, when the street is still dark and the ovens take an hour to heat.</p>"


def _png(colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", (320, 240), colour).save(out, "PNG")
    return out.getvalue()


def _page(images: list[str]) -> str:
    figures_html = "".join(
        f'<figure><img src="{src}" alt="Loaves {n}"><figcaption>Loaves {n}</figcaption></figure>' for n, src in enumerate(images)
    )
    return f"<html lang='en'><head><title>Bakery</title></head><body><article><h1>Bakery</h1>{_PARAGRAPH * 4}{figures_html}{_PARAGRAPH * 3}</article></body></html>"


def test_remote_images_come_from_the_saved_folder_listed_once_for_the_page(tmp_path, monkeypatch):
    for other in ("market", "school"):  # other saved pages in the same folder
        (tmp_path / f"{other}.html").write_text(_page([]), encoding="utf-8")
        (tmp_path / f"{other}_files").mkdir()
    saved = tmp_path / "bakery_files"
    saved.mkdir()
    (saved / "oven.png").write_bytes(_png((200, 120, 40)))
    (saved / "loaves.png").write_bytes(_png((40, 120, 200)))
    page = tmp_path / "bakery.html"
    page.write_text(
        _page(["https://example.org/img/oven.png", "https://example.org/other/loaves.png?w=640", "https://example.org/img/missing.png"]),
        encoding="utf-8",
    )
    listings = []
    real = figures.saved_page_folders

    def counted(page_dir):
        listings.append(page_dir)
        return real(page_dir)

    monkeypatch.setattr(figures, "saved_page_folders", counted)
    piece = read_piece(page, ImportOptions(media_dir=tmp_path / "media"))
    images = [block.figure.image for block in piece.body if isinstance(block, FigureBlock)]
    assert [image.url for image in images] == [
        "https://example.org/img/oven.png",
        "https://example.org/other/loaves.png?w=640",
        "https://example.org/img/missing.png",
    ]
    assert images[0].path is not None and images[1].path is not None and images[2].path is None
    assert {
        (tmp_path / "media" / Path(images[0].path).name).read_bytes(),
        (tmp_path / "media" / Path(images[1].path).name).read_bytes(),
    } == {
        (saved / "oven.png").read_bytes(),
        (saved / "loaves.png").read_bytes(),
    }
    assert listings == [tmp_path]  # three images, one listing of the page's folder


def test_embeds_are_closed_whatever_the_case_of_their_tags():
    assert close_embeds("<P>a<IFRAME src=x>b</P>") == "<P>a<IFRAME src=x></iframe>b</P>"
    assert close_embeds("<video><Source src=a.mp4><TRACK src=b.vtt></video>") == (
        "<video><Source src=a.mp4></source><TRACK src=b.vtt></track></video>"
    )
    assert (
        close_embeds("<section><span>no embed</span><aside>x</aside></section>")
        == "<section><span>no embed</span><aside>x</aside></section>"
    )
