"""The cycle collector is paused only for the outermost page and always switched back on."""

from __future__ import annotations

import gc

import pytest

from bundler.errors import ImportError_
from bundler.importers import ImportOptions
from bundler.importers.collector import collected_after
from bundler.importers.html import read_html_bytes

PAGE = (
    b"<html><head><title>T</title></head><body><article><h1>T</h1>"
    + b"<p>A sentence of the article, long enough to count.</p>" * 20
    + b"</article></body></html>"
)


def test_page_leaves_the_collector_running(tmp_path):
    assert gc.isenabled()
    piece = read_html_bytes(PAGE, ImportOptions(media_dir=tmp_path), label="page.html")
    assert piece.body
    assert gc.isenabled()


def test_refused_page_leaves_the_collector_running(tmp_path):
    with pytest.raises(ImportError_):
        read_html_bytes(b"   ", ImportOptions(media_dir=tmp_path), label="empty.html")
    assert gc.isenabled()


def test_paused_inside_and_left_paused_for_a_caller_that_paused_it():
    with collected_after():
        assert not gc.isenabled()
        with collected_after():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner block does not switch it on under the outer one
    assert gc.isenabled()
    gc.disable()
    try:
        with collected_after():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the caller's choice stands
    finally:
        gc.enable()


def test_cyclic_garbage_is_collected_after_the_block():
    class Node:
        pass

    def cycle():
        a, b = Node(), Node()
        a.other, b.other = b, a

    gc.collect()
    with collected_after():
        for _ in range(1000):
            cycle()
    assert not any(isinstance(o, Node) for o in gc.get_objects())
