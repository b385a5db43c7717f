"""One changed piece re-renders one fragment of the HTML edition; the file is byte for byte a clean build's.

A three-piece corpus with photos (``bench/corpus.py``) is built with the HTML edition, one page
edited, built again, and built clean (no cache). A fourth build with nothing changed must read
every piece's fragment from the cache (``FragmentMemo.found``) and write the same bytes; a
fragment entry damaged on disk is reported (W701) and rendered again.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from bench.corpus import with_sentence_added, write_corpus
from bundler.build.collection import build_collection
from bundler.cache import ContentCache, DamageLog, cache_root
from bundler.errors import Report
from bundler.executor import WorkOptions
from bundler.exporters import formats, html_fragments
from bundler.exporters.context import BuildContext
from bundler.exporters.html import html_edition
from bundler.exporters.html_fragments import FragmentMemo
from bundler.images.policy import PHONE_POLICY
from bundler.manifest import load_manifest, resolve_dossier

SERIAL = WorkOptions(executor="serial")


def stored_fragments(collection) -> set:
    return {p for p in (cache_root(collection) / "values").rglob("*" + html_fragments.SUFFIX)}


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:  # the collection's own cache, for this module only
        patch.delenv("BUNDLER_CACHE_DIR", raising=False)
        root = write_corpus(3, tmp_path_factory.mktemp("fragments"), source="html", jobs=1)
        out = root.parent / "dist"
        build_collection(root, format_names=["html"], out_dir=out / "first", work=SERIAL)
        first = stored_fragments(root)
        page = sorted((root / "html").glob("piece-*.html"))[1]
        text = page.read_text(encoding="utf-8")
        page.write_text(with_sentence_added(text, " A late correction.", "html"), encoding="utf-8")  # the article's last paragraph
        edited = build_collection(root, format_names=["html"], out_dir=out / "edited", work=SERIAL)
        after = stored_fragments(root)
        clean = build_collection(root, format_names=["html"], out_dir=out / "clean", work=WorkOptions(executor="serial", cache=False))
        return root, first, after, edited.outputs["html"].read_bytes(), clean.outputs["html"].read_bytes()


def test_each_pieces_fragment_is_kept_and_only_the_edited_one_rendered_again(builds):
    _, first, after, _, _ = builds
    assert len(first) == 3
    assert first < after and len(after - first) == 1


def test_the_edited_edition_is_byte_for_byte_a_clean_build(builds):
    _, _, _, edited, clean = builds
    assert b"A late correction." in edited
    assert edited.count(b"data:image/") >= 2  # the photos are in it
    assert b"bundler-image-" not in edited  # no stand-in left behind
    assert edited == clean


def _render_all(root, cache: ContentCache) -> tuple[bytes, FragmentMemo]:
    """The HTML edition of the corpus as the build writes it, with ``cache`` for the fragments."""
    manifest = load_manifest(root, formats=formats())
    dossier = resolve_dossier(manifest, Report(), work=SERIAL)
    ctx = BuildContext.standalone(PHONE_POLICY, image_cache=root.parent / "images")
    memo = FragmentMemo(cache, dossier)
    return html_edition(dossier, None, ctx.images.data_uri, memo.render), memo


def test_a_warm_render_reads_every_fragment_and_a_damaged_one_is_rendered_again(builds, tmp_path):
    root = builds[0]
    cache = ContentCache(tmp_path / "cache", damage=DamageLog())
    cold, memo = _render_all(root, cache)
    assert memo.found == 0
    warm, memo = _render_all(root, cache)
    assert memo.found == 3 and warm == cold

    victim = sorted(stored_fragments_in(cache))[0]
    victim.write_bytes(victim.read_bytes()[:40])
    again, memo = _render_all(root, cache)
    assert again == cold and memo.found == 2
    assert [p.code for p in cache.damage.problems] == ["W701"]
    assert f"{victim}: damaged {html_fragments.KIND} in the cache" in cache.damage.problems[0].render_coded()


def stored_fragments_in(cache: ContentCache) -> set:
    return set((cache.root / "values").rglob("*" + html_fragments.SUFFIX))


def test_the_key_changes_with_the_code_and_the_dossiers_language(builds, tmp_path, monkeypatch):

    root = builds[0]
    cache = ContentCache(tmp_path / "cache", damage=DamageLog())
    _render_all(root, cache)
    before = stored_fragments_in(cache)
    monkeypatch.setattr(html_fragments, "code_digest", lambda: "another release")  # bundler's code, templates, styles, Jinja's version
    _, memo = _render_all(root, cache)
    assert memo.found == 0 and len(stored_fragments_in(cache)) == 2 * len(before)
    monkeypatch.undo()

    dossier = resolve_dossier(load_manifest(root, formats=formats()), Report(), work=SERIAL)
    french = replace(dossier, language="fr")
    memo = FragmentMemo(cache, french)
    images = BuildContext.standalone(PHONE_POLICY, image_cache=root.parent / "images").images
    html_edition(french, None, images.data_uri, memo.render)
    assert memo.found == 0  # the same pieces, images and code: only the dossier's language differs
