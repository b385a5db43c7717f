"""Hostile inputs, round 19: what round 18 saw and left, each reproduced and checked for the outcome a user needs.

Exit 0 with the words (and photos) kept, or exit 1 with a coded message naming the piece or the file;
never a traceback, never a piece silently shortened.
"""

from __future__ import annotations

import gzip
import json

import brotli

from tests.faults.test_hostile_round18 import article, warc_response
from tests.test_cli import assert_user_error, run_cli


def imported_text(collection) -> str:
    (path,) = (collection / "pieces").glob("*/piece.json")
    return json.dumps(json.loads(path.read_text(encoding="utf-8"))["piece"]["body"], ensure_ascii=False)


def new_collection(tmp_path, name: str = "col"):
    collection = tmp_path / name
    assert run_cli("new", str(collection), "--title", "Archives").returncode == 0
    return collection


def test_a_warc_page_with_broken_chunked_framing_is_refused_not_imported_short(tmp_path):
    """A chunk size ``zz`` after the first 1,000 bytes (warcio read the rest as unframed), a chunk cut short,
    and a body that ends without its last chunk: each was imported as the part it held, without a word."""
    page = article("").encode()
    chunked = "Content-Type: text/html; charset=utf-8\r\nTransfer-Encoding: chunked\r\n"
    cases = {
        "bad-size.warc": (b"3e8\r\n" + page[:1000] + b"\r\nzz\r\n" + page[1000:], "breaks after 1,000 bytes"),
        "cut-in-chunk.warc": (b"%x\r\n" % (len(page) + 5000) + page, "cut short inside a chunk"),
        "no-last-chunk.warc": (b"%x\r\n" % len(page) + page + b"\r\n", "without its last chunk"),
    }
    collection = new_collection(tmp_path)
    for name, (body, said) in cases.items():
        (tmp_path / name).write_bytes(warc_response("https://x.example/chunked", body, chunked))
        result = run_cli("import", str(collection), str(tmp_path / name))
        assert_user_error(result, "E133", name, "the page https://x.example/chunked: its chunked body", said)
    assert not list((collection / "pieces").glob("*/piece.json"))


def test_a_warc_page_framed_in_whole_chunks_or_stored_unframed_is_read_whole(tmp_path):
    page = article("").encode()
    chunked = "Content-Type: text/html; charset=utf-8\r\nTransfer-Encoding: chunked\r\n"
    framed = b"".join(b"%x\r\n" % len(page[i : i + 700]) + page[i : i + 700] + b"\r\n" for i in range(0, len(page), 700)) + b"0\r\n\r\n"
    for name, body in {"framed.warc": framed, "unframed.warc": page}.items():
        collection = new_collection(tmp_path, f"col-{name}")
        (tmp_path / name).write_bytes(warc_response("https://x.example/whole", body, chunked))
        result = run_cli("import", str(collection), str(tmp_path / name))
        assert result.returncode == 0, result.stderr
        assert "Closing words." in imported_text(collection) and "3e8" not in imported_text(collection)


def test_a_brotli_encoded_warc_page_is_unpacked(tmp_path):
    """brotli is in the lock (fonttools' WOFF2); warcio's hook for it fails on brotli 1.2 (an AttributeError that
    read as archive damage "after its start")."""
    collection = new_collection(tmp_path)
    packed = brotli.compress(article("").encode())
    (tmp_path / "br.warc").write_bytes(
        warc_response("https://x.example/br", packed, "Content-Type: text/html; charset=utf-8\r\nContent-Encoding: br\r\n")
    )
    result = run_cli("import", str(collection), str(tmp_path / "br.warc"))
    assert result.returncode == 0, result.stderr
    assert "Closing words." in imported_text(collection)


def test_brotli_and_gzip_inside_chunks_are_unpacked(tmp_path):
    page = article("").encode()
    for coding, packed in {"br": brotli.compress(page), "gzip": gzip.compress(page)}.items():
        collection = new_collection(tmp_path, f"col-{coding}")
        body = b"%x\r\n" % len(packed) + packed + b"\r\n0\r\n\r\n"
        headers = f"Content-Type: text/html\r\nContent-Encoding: {coding}\r\nTransfer-Encoding: chunked\r\n"
        (tmp_path / f"{coding}.warc").write_bytes(warc_response("https://x.example/c", body, headers))
        result = run_cli("import", str(collection), str(tmp_path / f"{coding}.warc"))
        assert result.returncode == 0, result.stderr
        assert "Closing words." in imported_text(collection)


def test_a_damaged_or_bomb_brotli_page_is_refused_naming_it(tmp_path):
    packed = brotli.compress(article("").encode())
    bomb = brotli.compress(b"<p>" + b"a" * (300 * 2**20), quality=5)  # 300 MB in a few hundred bytes
    cases = {
        "damaged.warc": (packed[:40] + bytes(b ^ 0x5A for b in packed[40:120]) + packed[120:], "its br (brotli) coding is damaged"),
        "cut.warc": (packed[: len(packed) // 2], "its br (brotli) coding is cut short"),
        "bomb.warc": (bomb, "holds more than 64 MB"),
    }
    collection = new_collection(tmp_path)
    for name, (body, said) in cases.items():
        headers = "Content-Type: text/html\r\nContent-Encoding: br\r\n"
        (tmp_path / name).write_bytes(warc_response("https://x.example/br", body, headers))
        result = run_cli("import", str(collection), str(tmp_path / name))
        assert_user_error(result, "E133", name, "https://x.example/br", said)
