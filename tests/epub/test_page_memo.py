"""One changed piece re-renders one EPUB page; the book is byte for byte what a clean build writes."""

from __future__ import annotations

import io
import zipfile

import pytest

from bench.corpus import with_sentence_added, write_corpus
from bundler.build.collection import build_collection
from bundler.cache import cache_root
from bundler.executor import WorkOptions

SERIAL = WorkOptions(executor="serial")


def stored_pages(collection) -> set[str]:
    return {p.name for p in (cache_root(collection) / "values").rglob("*.xhtml")}


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """Three saved pages with photos: built, one page edited and built again, then built clean (no cache)."""
    with pytest.MonkeyPatch.context() as patch:  # the collection's own cache, for this module only
        patch.delenv("BUNDLER_CACHE_DIR", raising=False)
        return _build_three(tmp_path_factory)


def _build_three(tmp_path_factory):
    root = write_corpus(3, tmp_path_factory.mktemp("memo"), source="html", jobs=1)
    out = root.parent / "dist"
    build_collection(root, format_names=["epub"], out_dir=out / "first", work=SERIAL)
    first = stored_pages(root)
    page = sorted((root / "html").glob("piece-*.html"))[1]
    text = page.read_text(encoding="utf-8")
    page.write_text(with_sentence_added(text, " A late correction.", "html"), encoding="utf-8")  # the article's last paragraph
    edited = build_collection(root, format_names=["epub"], out_dir=out / "edited", work=SERIAL)
    clean = build_collection(root, format_names=["epub"], out_dir=out / "clean", work=WorkOptions(executor="serial", cache=False))
    return root, first, stored_pages(root), edited.outputs["epub"].read_bytes(), clean.outputs["epub"].read_bytes()


def test_each_pieces_page_is_kept_and_only_the_edited_one_rendered_again(builds):
    _, first, after, _, _ = builds
    assert len(first) == 3  # one page a piece
    assert first < after and len(after - first) == 1  # the edited piece's page; the other two came from the cache


def test_the_edited_book_is_byte_for_byte_a_clean_build(builds):
    root, _, _, edited, clean = builds
    assert list((root / "html" / "photos").glob("*.jpg"))  # images are named by the book in the same order either way
    with zipfile.ZipFile(io.BytesIO(edited)) as book:
        assert any(b"A late correction." in book.read(name) for name in book.namelist() if name.endswith(".xhtml"))
    assert edited == clean
