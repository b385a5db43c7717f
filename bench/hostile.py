"""An attacker's generator: hostile and broken variants of every input, run through the real CLI.

Writes each variant (this script's own fixtures, nothing copied) into a scratch folder, then runs
``bundler extract``, ``bundler import`` into a fresh collection, ``bundler check`` and ``bundler build``
on it, each in a fresh interpreter under a memory limit, and judges the outcome a user needs:

- exit 0 or 1 only (never 3, never killed), and never a Python traceback;
- on exit 1, a message with a problem code that names the file;
- after a failed build, nothing in ``dist/`` that looks finished;
- the maximum resident memory of each step (bounded work, not wall-clock limits).

Run: ``.venv/bin/python bench/hostile.py [--only NAME,...] [--formats epub,html] [--keep DIR]``.
Prints one line per variant and step; exits 1 when any outcome is wrong.
"""

from __future__ import annotations

import argparse
import base64
import io
import os
import re
import resource
import struct
import subprocess
import sys
import tempfile
import zlib
from collections.abc import Callable
from pathlib import Path

MEMORY_LIMIT = 3 * 2**30  # bytes of address space per step: a bomb must fail inside it, not take the machine
CODE = re.compile(r"\b[A-Z]\d{3}\b")
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")  # what no message may print raw

PROSE = (
    "The river rose through the night and by morning the lower streets were under water; the market moved "
    "to the school yard, where the stall holders set out what they had saved on borrowed tables. "
)


def page(title: str = "A hostile page", body: str = "", head: str = "", charset: str = "utf-8") -> str:
    """An article page with enough prose to be kept, and ``body`` put inside the article."""
    paragraphs = "".join(f"<p>{PROSE * 2} Paragraph {i}.</p>" for i in range(4))
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="{charset}"><title>{title}</title>{head}</head>'
        f"<body><article><h1>{title}</h1>{paragraphs}{body}<p>Closing words of the article.</p></article></body></html>"
    )


# --- images ---------------------------------------------------------------------------------


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bomb(width: int = 60_000, height: int = 60_000) -> bytes:
    """A PNG declaring width x height grey pixels, whose zeros compress ~1000:1 (a decompression bomb)."""
    header = png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
    compressor = zlib.compressobj(9)
    row = b"\0" * (width + 1)
    data = b"".join(compressor.compress(row) for _ in range(min(height, 4000))) + compressor.flush()
    return b"\x89PNG\r\n\x1a\n" + header + png_chunk(b"IDAT", data) + png_chunk(b"IEND", b"")


def jpeg_huge_header() -> bytes:
    """A small JPEG whose frame header claims 65,000 x 65,000 pixels."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (16, 16), "red").save(out, "JPEG")
    data = bytearray(out.getvalue())
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", 65000, 65000)
    return bytes(data)


def gif_huge_header() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("P", (8, 8)).save(out, "GIF")
    data = bytearray(out.getvalue())
    data[6:10] = struct.pack("<HH", 65535, 65535)
    return bytes(data)


def gif_many_frames(frames: int = 3000) -> bytes:
    from PIL import Image

    images = [Image.new("P", (64, 64), i % 256) for i in range(frames)]
    out = io.BytesIO()
    images[0].save(out, "GIF", save_all=True, append_images=images[1:], duration=10)
    return out.getvalue()


def webp_huge_header() -> bytes:
    """A VP8X WebP whose canvas claims 16,000 x 16,000 pixels."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGBA", (8, 8), (1, 2, 3, 4)).save(out, "WEBP", lossless=True)
    data = out.getvalue()
    canvas = (16000 - 1).to_bytes(3, "little") * 2
    vp8x = b"VP8X" + struct.pack("<I", 10) + b"\x10\0\0\0" + canvas
    body = b"WEBP" + vp8x + data[12:]
    return b"RIFF" + struct.pack("<I", len(body)) + body


def small_jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (200, 120), (90, 120, 160)).save(out, "JPEG")
    return out.getvalue()


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    + "]>"
)
SVG_BOMB = BILLION_LAUGHS + '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>&lol9;</text></svg>'
SVG_XXE = (
    '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><text>&xxe;</text></svg>'
)


def saved_page(folder: Path, name: str, images: dict[str, bytes], srcs: list[str] | None = None, extra: str = "") -> Path:
    """A saved page ``name.html`` with a ``name_files`` folder holding ``images``; ``srcs`` overrides the img sources."""
    files = folder / f"{name}_files"
    files.mkdir(parents=True, exist_ok=True)
    for file_name, data in images.items():
        (files / file_name).write_bytes(data)
    sources = srcs if srcs is not None else [f"{name}_files/{n}" for n in images]
    figures = "".join(
        f'<figure><img src="{s}" alt="picture {i}"><figcaption>Caption {i}. Photo: Someone</figcaption></figure>'
        for i, s in enumerate(sources)
    )
    target = folder / f"{name}.html"
    target.write_text(page(body=figures + extra), encoding="utf-8")
    return target


# --- variants: each writes its input(s) into a folder and returns the paths to import ----------

Variant = Callable[[Path], list[Path]]
VARIANTS: dict[str, Variant] = {}


def variant(name: str):
    def register(make: Variant) -> Variant:
        VARIANTS[name] = make
        return make

    return register


def write(path: Path, data: bytes | str) -> list[Path]:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data)
    return [path]


@variant("html-deep-100k")
def _(d):
    return write(d / "deep.html", page(body="<div>" * 100_000 + "deep words" + "</div>" * 100_000))


@variant("html-deep-inline-100k")
def _(d):
    return write(d / "deepi.html", page(body="<p>" + "<b><i>" * 50_000 + "deep words" + "</i></b>" * 50_000 + "</p>"))


@variant("html-unclosed-100k")
def _(d):
    return write(d / "unclosed.html", page(body="<div><span><table><tr><td>" * 25_000 + "lost words"))


@variant("html-200mb")
def _(d):
    path = d / "huge.html"
    with path.open("w", encoding="utf-8") as out:
        out.write(page().split("</article>")[0])
        chunk = f"<p>{PROSE}</p>" * 1000
        for _ in range(200 * 2**20 // len(chunk)):
            out.write(chunk)
        out.write("</article></body></html>")
    return [path]


@variant("html-60mb-one-paragraph")
def _(d):
    return write(d / "onepara.html", page(body="<p>" + "word " * (12 * 2**20) + "</p>"))


@variant("html-billion-laughs")
def _(d):
    return write(d / "lol.html", BILLION_LAUGHS + page(body="<p>&lol9;</p>")[len("<!DOCTYPE html>") :])


@variant("xhtml-billion-laughs")
def _(d):
    xhtml = page(body="<p>&lol9;</p>")[len("<!DOCTYPE html>") :].replace("<html", '<html xmlns="http://www.w3.org/1999/xhtml"')
    return write(d / "lol.xhtml", BILLION_LAUGHS + xhtml)


@variant("xhtml-xxe")
def _(d):
    xhtml = page(body="<p>&xxe;</p>")[len("<!DOCTYPE html>") :].replace("<html", '<html xmlns="http://www.w3.org/1999/xhtml"')
    return write(d / "xxe.xhtml", '<?xml version="1.0"?><!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' + xhtml)


@variant("html-inline-svg-bomb")
def _(d):
    return write(d / "svg.html", page(body=SVG_BOMB.split("?>", 1)[1]))


@variant("img-svg-bomb")
def _(d):
    return [saved_page(d, "svgbomb", {"a.svg": SVG_BOMB.encode()})]


@variant("img-svg-xxe")
def _(d):
    return [saved_page(d, "svgxxe", {"a.svg": SVG_XXE.encode()})]


@variant("img-png-bomb")
def _(d):
    return [saved_page(d, "pngbomb", {"a.png": png_bomb()})]


@variant("img-jpeg-huge-header")
def _(d):
    return [saved_page(d, "jpegbig", {"a.jpg": jpeg_huge_header()})]


@variant("img-gif-huge-header")
def _(d):
    return [saved_page(d, "gifbig", {"a.gif": gif_huge_header()})]


@variant("img-gif-3000-frames")
def _(d):
    return [saved_page(d, "gifframes", {"a.gif": gif_many_frames()})]


@variant("img-webp-huge-header")
def _(d):
    return [saved_page(d, "webpbig", {"a.webp": webp_huge_header()})]


@variant("img-truncated")
def _(d):
    return [saved_page(d, "trunc", {"a.jpg": small_jpeg()[:300], "b.png": png_bomb(100, 100)[:60]})]


@variant("img-lying")
def _(d):
    return [saved_page(d, "lying", {"a.jpg": b"<html>not a picture</html>", "b.png": small_jpeg(), "c.gif": b""})]


@variant("img-path-escapes")
def _(d):
    (d / "secret.jpg").parent.mkdir(parents=True, exist_ok=True)
    (d / "secret.jpg").write_bytes(small_jpeg())
    srcs = [
        "../../etc/passwd",
        "/etc/passwd",
        "file:///etc/passwd",
        "esc_files/../secret.jpg",
        str(d / "secret.jpg"),
        "file://" + str(d / "secret.jpg"),
    ]
    return [saved_page(d, "esc", {"ok.jpg": small_jpeg()}, srcs=["esc_files/ok.jpg", *srcs])]


@variant("img-symlink-out")
def _(d):
    path = saved_page(d, "link", {"ok.jpg": small_jpeg()}, srcs=["link_files/ok.jpg", "link_files/passwd.jpg", "link_files/loop.jpg"])
    os.symlink("/etc/passwd", d / "link_files" / "passwd.jpg")
    os.symlink("loop.jpg", d / "link_files" / "loop.jpg")
    return [path]


@variant("img-data-uri-50mb")
def _(d):
    blob = base64.b64encode(b"\xff\xd8\xff" + os.urandom(37 * 2**20)).decode()
    return write(
        d / "datauri.html",
        page(body=f'<figure><img src="data:image/jpeg;base64,{blob}" alt="big"><figcaption>Big one</figcaption></figure>'),
    )


@variant("img-data-uri-bomb")
def _(d):
    blob = base64.b64encode(png_bomb()).decode()
    return write(
        d / "databomb.html", page(body=f'<figure><img src="data:image/png;base64,{blob}" alt="bomb"><figcaption>Bomb</figcaption></figure>')
    )


@variant("img-data-uri-broken")
def _(d):
    return write(d / "databroken.html", page(body='<img src="data:image/png;base64,!!!notbase64" alt="x"><img src="data:,">'))


for _codec, _bom in (("utf-16-le", True), ("utf-16-be", True), ("utf-16-le", False), ("utf-32-le", True), ("utf-32-be", False)):

    def _make(d, codec=_codec, bom=_bom):
        text = page(title="صفحة عربية", body="<p>نص عربي في الصفحة.</p>", charset="utf-8" if bom else codec)
        data = text.encode(codec)
        boms = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff", "utf-32-le": b"\xff\xfe\0\0", "utf-32-be": b"\0\0\xfe\xff"}
        return write(d / f"{codec}.html", (boms[codec] if bom else b"") + data)

    VARIANTS[f"enc-{_codec}-{'bom' if _bom else 'nobom'}"] = _make


@variant("enc-declares-1256-is-utf8")
def _(d):
    return write(d / "lie.html", page(title="عنوان", body="<p>نص عربي صحيح.</p>", charset="windows-1256").encode("utf-8"))


@variant("enc-declares-utf8-is-1256")
def _(d):
    return write(d / "lie2.html", page(title="عنوان", body="<p>نص عربي صحيح.</p>").encode("cp1256"))


@variant("enc-unknown-charset")
def _(d):
    return write(d / "unk.html", page(charset="x-no-such-charset"))


@variant("chars-nul-surrogates-controls")
def _(d):
    title = "Title\x00with\x01nul\x1bcontrols\x7f and \ud800 lone"
    body = "<p>NUL\x00here &#0; &#xD800; &#x1F; &#xFFFE; \x0b\x0c text</p>"
    return write(d / "nul.html", page(title=title, body=body).encode("utf-8", "surrogatepass"))


@variant("chars-rtl-override-title-and-name")
def _(d):
    return write(d / "evil\u202egpj.html", page(title="Invoice \u202efdp.exe\u202c \u2066x\u2069", body="<p>\u202eReversed words</p>"))


@variant("chars-title-10k")
def _(d):
    return write(d / "longtitle.html", page(title="Long " * 2000))


@variant("chars-duplicate-ids")
def _(d):
    body = '<p id="a">one<a href="#a">link</a></p><h2 id="a">Heading</h2><p id="a">three</p><p id="fn1">x<sup id="fn1"><a href="#fn1">1</a></sup></p>'
    return write(d / "dupids.html", page(body=body))


@variant("html-no-article")
def _(d):
    return write(d / "empty.html", "<html><head><title>Nothing</title></head><body><nav><a href=/>Home</a></nav></body></html>")


@variant("html-binary-garbage")
def _(d):
    return write(d / "garbage.html", os.urandom(200_000))


@variant("html-empty-file")
def _(d):
    return write(d / "zero.html", b"")


# --- plain text and Markdown ----------------------------------------------------------------


@variant("txt-nul-controls")
def _(d):
    return write(d / "t.txt", "Title\x00 with NUL\x1b[31m\n2016-05-02\n\n" + (PROSE + "\x00\x07\n\n") * 5)


@variant("txt-utf16-nobom")
def _(d):
    return write(d / "t16.txt", ("عنوان\n\n" + "نص عربي. " * 50 + "\n\n" + PROSE).encode("utf-16-le"))


@variant("txt-title-10k-one-line")
def _(d):
    return write(d / "long.txt", "x" * 10_000 + "\n\n" + PROSE * 3)


@variant("txt-200mb-one-line")
def _(d):
    path = d / "oneline.txt"
    with path.open("w") as out:
        out.write("Title\n\n")
        for _ in range(200):
            out.write("word " * (2**20 // 5))
    return [path]


@variant("md-yaml-bomb-front-matter")
def _(d):
    bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\n"
        for i in range(8)
    )
    return write(d / "bomb.md", "---\ntitle: Bomb\n" + bomb + "---\n\n" + PROSE)


@variant("md-broken-front-matter")
def _(d):
    return write(d / "broken.md", "---\ntitle: [unclosed\n\tdate: x\n---\n\n" + PROSE)


@variant("md-front-matter-types")
def _(d):
    return write(d / "types.md", "---\ntitle: [1, 2]\nauthor: {a: b}\ndate: 2016-02-30\nlang: 5\n---\n\n" + PROSE)


@variant("md-front-matter-python-tag")
def _(d):
    return write(d / "tag.md", "---\ntitle: !!python/object/apply:os.system ['echo pwned']\n---\n\n" + PROSE)


@variant("md-deep-quotes")
def _(d):
    return write(d / "deep.md", "# Deep\n\n" + PROSE + "\n\n" + ">" * 100_000 + " deep words\n")


@variant("md-deep-lists")
def _(d):
    return write(d / "lists.md", "# Lists\n\n" + PROSE + "\n\n" + "".join("  " * i + "- item\n" for i in range(5000)))


@variant("md-image-escapes")
def _(d):
    return write(
        d / "img.md",
        "# Img\n\n"
        + PROSE
        + "\n\n![a](../../etc/passwd)\n\n![b](/etc/passwd)\n\n![c](file:///etc/passwd)\n\n![d](data:image/png;base64,AAAA)\n",
    )


@variant("md-html-inline-hostile")
def _(d):
    return write(d / "html.md", "# H\n\n" + PROSE + '\n\n<script>alert(1)</script><div onclick="x">' + "<div>" * 50_000 + "deep</div>\n")


@variant("md-bom-crlf-tabs")
def _(d):
    return write(d / "bom.md", "\ufeff---\r\ntitle:\tTabbed\r\n---\r\n\r\n" + PROSE + "\r\n")


# --- web archives ---------------------------------------------------------------------------


def warc_record(url: str, payload: bytes, content_type: str = "text/html; charset=utf-8", length: int | None = None) -> bytes:
    http = b"HTTP/1.1 200 OK\r\nContent-Type: " + content_type.encode() + b"\r\n\r\n" + payload
    head = (
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:12345678-1234-1234-1234-123456789abc>\r\n"
        f"WARC-Date: 2016-05-02T10:00:00Z\r\nWARC-Target-URI: {url}\r\nContent-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(http) if length is None else length}\r\n\r\n"
    )
    return head.encode() + http + b"\r\n\r\n"


@variant("warc-gzip-bomb")
def _(d):
    path = d / "bomb.warc.gz"
    head = warc_record("https://x.example/bomb", b"", length=2**31)
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    with path.open("wb") as out:
        out.write(compressor.compress(head))
        zeros = b"\0" * 2**20
        for _ in range(2048):
            out.write(compressor.compress(zeros))
        out.write(compressor.flush())
    return [path]


@variant("warc-not-a-warc")
def _(d):
    return write(d / "fake.warc", page().encode())


@variant("warc-gz-not-gzip")
def _(d):
    return write(d / "fake.warc.gz", b"WARC/1.0\r\n" + os.urandom(1000))


@variant("warc-utf16-payload-and-deep")
def _(d):
    data = warc_record("https://x.example/u16", b"\xff\xfe" + page(title="UTF16").encode("utf-16-le")) + warc_record(
        "https://x.example/deep", page(title="Deep", body="<div>" * 100_000 + "deep").encode()
    )
    return write(d / "mixed.warc", data)


@variant("warc-negative-length")
def _(d):
    return write(d / "neg.warc", warc_record("https://x.example/n", page().encode(), length=-5))


@variant("warc-bad-uri-and-date")
def _(d):
    record = warc_record("javascript:alert(1)\u202e", page().encode()).replace(b"2016-05-02T10:00:00Z", b"99999-99-99")
    return write(d / "uri.warc", record)


# --- manifests ------------------------------------------------------------------------------

MANIFEST_PIECE = "one.md"


def manifest(d: Path, text: str | bytes) -> list[Path]:
    (d / "col").mkdir(parents=True, exist_ok=True)
    (d / "col" / MANIFEST_PIECE).write_text("# One\n\n" + PROSE, encoding="utf-8")
    write(d / "col" / "collection.yaml", text)
    return []


@variant("manifest-self-include")
def _(d):
    return manifest(d, "title: T\nsections:\n  - title: S\n    pieces: [collection.yaml, one.md]\n")


@variant("manifest-piece-twice")
def _(d):
    return manifest(d, "title: T\nsections:\n  - title: S\n    pieces: [one.md, one.md, ./one.md]\n")


@variant("manifest-bom-tabs")
def _(d):
    return manifest(d, "\ufefftitle: T\nsections:\n\t- title: S\n\t  pieces: [one.md]\n")


@variant("manifest-bom-only")
def _(d):
    return manifest(d, "\ufefftitle: T\nsections:\n  - title: S\n    pieces: [one.md]\n")


@variant("manifest-alias-bomb")
def _(d):
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'] + [
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 10) + "]" for i in range(8)
    ]
    return manifest(d, "\n".join(lines) + "\ntitle: T\nsections:\n  - title: S\n    pieces: [one.md]\n")


@variant("manifest-escaping-paths")
def _(d):
    return manifest(d, "title: T\nsections:\n  - title: S\n    pieces: [../../../../etc/passwd, /etc/hostname, one.md]\n")


@variant("manifest-non-utf8")
def _(d):
    return manifest(d, "title: \xe9t\xe9\nsections:\n  - title: S\n    pieces: [one.md]\n".encode("latin-1"))


@variant("manifest-non-utf8-file-name")
def _(d):
    manifest(d, "title: T\nsections:\n  - title: S\n    pieces: [one.md]\n")
    name = os.fsencode(str(d / "col")) + b"/caf\xe9.md"
    with open(name, "wb") as out:
        out.write(b"# Cafe\n\n" + PROSE.encode())
    return [Path(os.fsdecode(name))]


@variant("manifest-control-chars-and-rtl")
def _(d):
    return manifest(d, 'title: "T\\0\\x1b\u202e"\nsections:\n  - title: "S\\u202e\\x07"\n    pieces: [one.md]\n')


@variant("manifest-duplicate-keys-wrong-types")
def _(d):
    return manifest(d, "title: T\ntitle: U\nsections: 5\neditions: [epub]\n")


@variant("manifest-deep-nesting")
def _(d):
    return manifest(d, "title: T\nx: " + "[" * 50_000 + "]" * 50_000 + "\nsections:\n  - title: S\n    pieces: [one.md]\n")


@variant("manifest-python-tag")
def _(d):
    return manifest(d, "title: !!python/object/apply:os.system ['echo pwned']\nsections:\n  - title: S\n    pieces: [one.md]\n")


@variant("manifest-is-directory")
def _(d):
    (d / "col" / "collection.yaml").mkdir(parents=True)
    return []


@variant("manifest-symlink-loop")
def _(d):
    (d / "col").mkdir(parents=True)
    os.symlink("collection.yaml", d / "col" / "collection.yaml")
    return []


# --- round 12: raw controls and long numbers in YAML, huge titles, names, empty and misplaced files ------------


def piece_manifest(pieces: str = "[one.md]", head: str = "title: T\n") -> str:
    return f"{head}sections:\n  - title: S\n    pieces: {pieces}\n"


for _name, _text in {
    "manifest-raw-nul": "title: T\x00x\n",
    "manifest-raw-esc": "title: T\x1b[31mred\n",
    "manifest-raw-c1": "title: T\x85\x9bx\n",
    "manifest-raw-del-in-section": None,
    "manifest-5000-digit-number": "title: T\nnumber: " + "9" * 5000 + "\n",
    "manifest-5000-digit-negative": "title: T\nsubtitle: -" + "9" * 5000 + "\n",
    "manifest-5000-digit-float": "title: T\nsubtitle: " + "9" * 5000 + ".5e99999\n",
    "manifest-bad-int-tag": "title: T\ndate: !!int abc\n",
    "manifest-bad-timestamp-tag": "title: T\ndate: !!timestamp 2016-02-30\n",
    "manifest-bad-binary-tag": "title: T\ncover: !!binary '!!!'\n",
    "manifest-set-tag": "title: !!set {a, b}\n",
    "manifest-title-10k": "title: " + "Long title words " * 600 + "\n",
    "manifest-title-one-word-5k": "title: " + "x" * 5000 + "\n",
    "manifest-subtitle-editors-huge": "title: T\nsubtitle: " + "Sub " * 2000 + "\neditors: [" + ", ".join(["Editor Name"] * 500) + "]\n",
    "manifest-title-rtl-controls": 'title: "\u202eevil\u2066 عنوان \u202c"\n',
    "manifest-recursive-alias": "title: T\nx: &a [*a]\n",
    "manifest-merge-key-bomb": "a: &a {k0: 1, k1: 1, k2: 1, k3: 1, k4: 1, k5: 1, k6: 1, k7: 1, k8: 1, k9: 1}\n"
    + "".join(f"m{i}: &m{i} {{<<: [*{'a' if i == 0 else f'm{i - 1}'}], x{i}: 1}}\n" for i in range(30))
    + "title: T\n",
    "manifest-sections-null": None,
    "manifest-one-line-3mb": "title: T\ndescription: " + "word " * 600_000 + "\n",
    "manifest-nested-mapping-keys": "title: T\n? [a, b]\n: c\n? {x: y}\n: d\n",
}.items():

    def _make(d, text=_text, name=_name):
        if name == "manifest-raw-del-in-section":
            return manifest(d, "title: T\nsections:\n  - title: S\x7fx\n    pieces: [one.md]\n")
        if name == "manifest-sections-null":
            return manifest(d, "title: T\nsections:\n  -\n  - title:\n    pieces:\n")
        return manifest(d, piece_manifest(head=text))

    VARIANTS[_name] = _make


@variant("manifest-utf16")
def _(d):
    return manifest(d, piece_manifest().encode("utf-16"))


@variant("manifest-zero-byte")
def _(d):
    return manifest(d, b"")


@variant("manifest-only-comments")
def _(d):
    return manifest(d, "# nothing\n# here\n")


@variant("manifest-piece-zero-byte")
def _(d):
    manifest(d, piece_manifest("[one.md, empty.md, empty.txt, empty.html]"))
    for name in ("empty.md", "empty.txt", "empty.html"):
        write(d / "col" / name, b"")
    return []


@variant("manifest-piece-is-directory")
def _(d):
    manifest(d, piece_manifest("[one.md, folder.md]"))
    (d / "col" / "folder.md").mkdir()
    return []


@variant("manifest-piece-symlink-loop")
def _(d):
    manifest(d, piece_manifest("[one.md, loop.md]"))
    os.symlink("loop.md", d / "col" / "loop.md")
    return []


@variant("manifest-piece-symlink-out")
def _(d):
    manifest(d, piece_manifest("[one.md, out.md]"))
    os.symlink("/etc/hostname", d / "col" / "out.md")
    return []


@variant("manifest-piece-name-rtl")
def _(d):
    manifest(d, piece_manifest('[one.md, "evil\u202edm.md"]'))
    write(d / "col" / "evil\u202edm.md", "# Evil\n\n" + PROSE)
    return []


@variant("manifest-piece-name-control")
def _(d):
    manifest(d, piece_manifest('[one.md, "o\\x1bne.md"]'))
    write(d / "col" / "o\x1bne.md", "# Escaped\n\n" + PROSE)
    return []


@variant("manifest-piece-twice-via-symlink")
def _(d):
    manifest(d, piece_manifest("[one.md, same.md]"))
    os.symlink("one.md", d / "col" / "same.md")
    return []


@variant("manifest-duplicate-nested-keys")
def _(d):
    return manifest(d, "title: T\nsections:\n  - title: S\n    title: S2\n    pieces: [one.md]\n    pieces: [one.md]\n")


def cover_manifest(d: Path, data: bytes | None, name: str = "cover.png") -> list[Path]:
    manifest(d, piece_manifest(head=f"title: T\ncover: {name}\n"))
    if data is not None:
        write(d / "col" / name, data)
    return []


def png_of(width: int, height: int) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("L", (width, height), 128).save(out, "PNG")
    return out.getvalue()


@variant("cover-is-html")
def _(d):
    return cover_manifest(d, page().encode(), "cover.jpg")


@variant("cover-zero-byte")
def _(d):
    return cover_manifest(d, b"")


@variant("cover-1x60000")
def _(d):
    return cover_manifest(d, png_of(1, 60_000))


@variant("cover-60000x1")
def _(d):
    return cover_manifest(d, png_of(60_000, 1))


@variant("cover-png-bomb")
def _(d):
    return cover_manifest(d, png_bomb())


@variant("cover-png-12k-square")
def _(d):
    return cover_manifest(d, png_bomb(12_000, 12_000))


@variant("cover-is-directory")
def _(d):
    cover_manifest(d, None)
    (d / "col" / "cover.png").mkdir()
    return []


@variant("cover-svg-bomb")
def _(d):
    return cover_manifest(d, SVG_BOMB.encode(), "cover.svg")


@variant("cover-symlink-loop")
def _(d):
    cover_manifest(d, None)
    os.symlink("cover.png", d / "col" / "cover.png")
    return []


# Markdown front matter and text files


@variant("md-front-matter-raw-nul")
def _(d):
    return write(d / "fmnul.md", "---\ntitle: T\x00x\n---\n\n" + PROSE)


@variant("md-front-matter-raw-esc")
def _(d):
    return write(d / "fmesc.md", "---\ntitle: T\x1b[31mx\nauthor: \x85\n---\n\n" + PROSE)


@variant("md-front-matter-5000-digits")
def _(d):
    return write(d / "fmnum.md", "---\ntitle: T\ncount: " + "9" * 5000 + "\n---\n\n" + PROSE)


@variant("md-front-matter-bad-tags")
def _(d):
    return write(d / "fmtag.md", "---\ntitle: T\ndate: !!timestamp 2016-02-30\nn: !!int x\n---\n\n" + PROSE)


@variant("md-front-matter-recursive-alias")
def _(d):
    return write(d / "fmrec.md", "---\ntitle: T\nx: &a [*a]\n---\n\n" + PROSE)


@variant("md-front-matter-title-types")
def _(d):
    return write(d / "fmtypes.md", "---\ntitle: 12345\nauthor: [1, [2, [3]]]\nlang: null\ndate: 99999-01-01\n---\n\n" + PROSE)


@variant("md-zero-byte")
def _(d):
    return write(d / "zero.md", b"")


@variant("md-only-front-matter")
def _(d):
    return write(d / "onlyfm.md", "---\ntitle: Nothing else\n---\n")


@variant("md-title-10k")
def _(d):
    return write(d / "mdlong.md", "# " + "Long heading words " * 600 + "\n\n" + PROSE)


@variant("md-long-word-1mb")
def _(d):
    return write(d / "word.md", "# Word\n\n" + PROSE + "\n\n" + "x" * 2**20 + "\n")


@variant("md-table-2000-columns")
def _(d):
    row = "|" + "|".join(f"c{i}" for i in range(2000)) + "|\n"
    return write(d / "table.md", "# Table\n\n" + PROSE + "\n\n" + row + "|" + "---|" * 2000 + "\n" + row * 3)


@variant("txt-zero-byte")
def _(d):
    return write(d / "zero.txt", b"")


@variant("txt-only-whitespace")
def _(d):
    return write(d / "blank.txt", " \n\t\n\u00a0\n" * 1000)


@variant("txt-name-esc")
def _(d):
    return write(d / "red\x1b[31m.txt", "Title\n\n" + PROSE * 3)


@variant("txt-name-newline")
def _(d):
    return write(d / "two\nlines.txt", "Title\n\n" + PROSE * 3)


@variant("txt-name-rtl-override")
def _(d):
    return write(d / "evil\u202etxt.md", "Title\n\n" + PROSE * 3)


@variant("txt-name-bidi-isolates-arabic")
def _(d):
    return write(d / "\u2067مقال\u2069 عربي.txt", "عنوان\n\n" + "نص عربي طويل. " * 60)


@variant("txt-is-directory")
def _(d):
    (d / "folder.txt").mkdir(parents=True)
    return [d / "folder.txt"]


@variant("txt-symlink-loop")
def _(d):
    d.mkdir(parents=True, exist_ok=True)
    os.symlink("loop.txt", d / "loop.txt")
    return [d / "loop.txt"]


# web pages


@variant("html-huge-numeric-entity")
def _(d):
    return write(d / "entity.html", page(body="<p>&#" + "9" * 5000 + "; &#x" + "f" * 5000 + "; &#99999999999;</p>"))


@variant("html-lang-and-dir-garbage")
def _(d):
    text = page(body="<p dir='sideways' lang='\u202e'>x</p>").replace('lang="en"', 'lang="' + "x-" * 5000 + '" dir="bogus"')
    return write(d / "lang.html", text)


@variant("html-attribute-10mb")
def _(d):
    return write(d / "attr.html", page(body='<p class="' + "c " * (5 * 2**20) + '">classy</p>'))


@variant("html-long-word-1mb")
def _(d):
    return write(d / "word.html", page(body="<p>" + "x" * 2**20 + "</p>"))


@variant("html-pre-one-line-1mb")
def _(d):
    return write(d / "pre.html", page(body="<pre>" + "code(); " * (2**17) + "</pre>"))


@variant("html-30k-paragraphs")
def _(d):
    return write(d / "many.html", page(body="".join(f"<p>{PROSE[:60]} {i}</p>" for i in range(30_000))))


@variant("html-same-image-3000-times")
def _(d):
    path = saved_page(d, "many", {"a.jpg": small_jpeg()}, srcs=["many_files/a.jpg"] * 3000)
    return [path]


@variant("html-title-rtl-controls-in-name")
def _(d):
    return write(d / "\u202e\u2066x\u2069.html", page(title="\u202e\u2066Title\u2069"))


@variant("html-is-directory")
def _(d):
    (d / "folder.html").mkdir(parents=True)
    return [d / "folder.html"]


@variant("html-symlink-loop")
def _(d):
    d.mkdir(parents=True, exist_ok=True)
    os.symlink("loop.html", d / "loop.html")
    return [d / "loop.html"]


@variant("html-charset-utf7")
def _(d):
    return write(d / "utf7.html", page(charset="utf-7", body="<p>+ADw-script+AD4-alert(1)+ADw-/script+AD4-</p>"))


@variant("img-1x60000")
def _(d):
    return [saved_page(d, "tall", {"a.png": png_of(1, 60_000)})]


@variant("img-60000x1")
def _(d):
    return [saved_page(d, "wide", {"a.png": png_of(60_000, 1)})]


@variant("img-png-12k-square")
def _(d):
    return [saved_page(d, "square", {"a.png": png_bomb(12_000, 12_000)})]


@variant("img-png-text-chunk-bomb")
def _(d):
    text = zlib.compress(b"\0" * (64 * 2**20), 9)
    data = png_of(100, 100)
    bomb = data[:-12] + png_chunk(b"zTXt", b"Comment\0\0" + text) + data[-12:]
    return [saved_page(d, "ztxt", {"a.png": bomb})]


@variant("img-is-html")
def _(d):
    return [saved_page(d, "ishtml", {"a.png": page().encode(), "b.jpg": b"<svg xmlns='http://www.w3.org/2000/svg'/>"})]


@variant("img-is-directory")
def _(d):
    path = saved_page(d, "imgdir", {}, srcs=["imgdir_files/folder.jpg"])
    (d / "imgdir_files" / "folder.jpg").mkdir()
    return [path]


@variant("img-cmyk-and-16bit")
def _(d):
    from PIL import Image

    cmyk, wide = io.BytesIO(), io.BytesIO()
    Image.new("CMYK", (300, 200), (10, 200, 30, 40)).save(cmyk, "JPEG")
    Image.new("I;16", (300, 200), 40000).save(wide, "PNG")
    return [saved_page(d, "modes", {"a.jpg": cmyk.getvalue(), "b.png": wide.getvalue()})]


@variant("img-apng-2000-frames")
def _(d):
    from PIL import Image

    frames = [Image.new("L", (64, 64), i % 256) for i in range(2000)]
    out = io.BytesIO()
    frames[0].save(out, "PNG", save_all=True, append_images=frames[1:])
    return [saved_page(d, "apng", {"a.png": out.getvalue()})]


# web archives


@variant("warc-truncated-record")
def _(d):
    return write(d / "cut.warc", warc_record("https://x.example/cut", page().encode())[:-2000])


@variant("warc-truncated-gzip")
def _(d):
    data = gzip_member(warc_record("https://x.example/cutgz", page().encode()))
    return write(d / "cut.warc.gz", data[: len(data) // 2])


@variant("warc-second-record-truncated")
def _(d):
    second = warc_record("https://x.example/b", page(title="B").encode())
    return write(d / "two.warc", warc_record("https://x.example/a", page(title="A").encode()) + second[: len(second) // 2])


@variant("warc-zero-byte")
def _(d):
    return write(d / "zero.warc", b"")


@variant("warc-headers-only")
def _(d):
    return write(d / "head.warc", b"WARC/1.0\r\nWARC-Type: response\r\n")


@variant("warc-header-line-4mb")
def _(d):
    record = warc_record("https://x.example/h", page().encode()).replace(
        b"WARC-Date:", b"X-Junk: " + b"j" * (4 * 2**20) + b"\r\nWARC-Date:"
    )
    return write(d / "bighead.warc", record)


@variant("warc-huge-length-number")
def _(d):
    record = warc_record("https://x.example/n", page().encode())
    record = re.sub(rb"Content-Length: \d+", b"Content-Length: " + b"9" * 5000, record, count=1)
    return write(d / "numlen.warc", record)


@variant("warc-is-directory")
def _(d):
    (d / "folder.warc").mkdir(parents=True)
    return [d / "folder.warc"]


# round 18


@variant("html-relative-embeds")
def _(d):
    body = '<object data="clip.swf"></object><video src="v.mp4" title="A clip"></video><ul><li>item<embed src="e.swf"></li></ul>'
    return write(d / "embeds.html", page(body=body))


@variant("img-formats-avif-tiff-bmp-ico-jp2")
def _(d):
    from PIL import Image

    def encoded(mode: str, kind: str, **options) -> bytes:
        out = io.BytesIO()
        Image.new(mode, (300, 200), (40, 90, 160) if mode == "RGB" else 0).save(out, kind, **options)
        return out.getvalue()

    images = {
        "a.avif": encoded("RGB", "AVIF"),
        "b.tif": encoded("F", "TIFF"),
        "c.bmp": encoded("RGB", "BMP"),
        "d.ico": encoded("RGB", "ICO"),
        "e.jp2": encoded("RGB", "JPEG2000"),
        "f.png": encoded("RGB", "PNG")[:-40],  # cut short: IEND and the end of IDAT lost
    }
    return [saved_page(d, "formats", images)]


@variant("txt-title-only")
def _(d):
    return write(d / "title.txt", "A title and nothing under it\n")


@variant("md-heading-only")
def _(d):
    return write(d / "heading.md", "# A heading and nothing under it\n")


@variant("warc-png-served-as-html")
def _(d):
    record = warc_record("https://x.example/photo", b"\x89PNG\r\n\x1a\n" + b"\0" * 400, content_type="text/html")
    return write(d / "png.warc", record)


@variant("warc-gzip-encoding-damaged")
def _(d):
    packed = gzip_member(page().encode())
    damaged = packed[:200] + bytes(b ^ 0x55 for b in packed[200:400]) + packed[400:]  # warcio returns it still packed
    return write(d / "gz.warc", warc_record("https://x.example/gz", damaged, content_type="text/html\r\nContent-Encoding: gzip"))


@variant("manifest-edition-name-300")
def _(d):
    return manifest(d, piece_manifest() + "editions:\n  - {format: epub, name: " + "a" * 300 + "}\n")


@variant("manifest-intro-relative-link")
def _(d):
    return manifest(d, "title: T\nsections:\n  - title: S\n    intro: 'See [the map](map.html).'\n    pieces: [one.md]\n")


# round 19


@variant("warc-chunked-broken")
def _(d):
    body = page().encode()
    framing = "text/html\r\nTransfer-Encoding: chunked"
    return write(d / "chunks.warc", warc_record("https://x.example/ch", b"3e8\r\n" + body[:1000] + b"\r\nzz\r\n" + body[1000:], framing))


@variant("warc-chunk-cut-short")
def _(d):
    body = page().encode()
    framing = "text/html\r\nTransfer-Encoding: chunked"
    return write(d / "cutchunk.warc", warc_record("https://x.example/cc", b"%x\r\n" % (len(body) + 5000) + body, framing))


@variant("warc-brotli-page")
def _(d):
    import brotli

    return write(d / "br.warc", warc_record("https://x.example/br", brotli.compress(page().encode()), "text/html\r\nContent-Encoding: br"))


@variant("warc-brotli-bomb")
def _(d):
    import brotli

    packer = brotli.Compressor(quality=5)  # 1 GB in about a kilobyte, packed a megabyte at a time (this process stays small)
    bomb = packer.process(b"<p>") + b"".join(packer.process(b"a" * (1 << 20)) for _ in range(1024)) + packer.finish()
    return write(d / "brbomb.warc", warc_record("https://x.example/bomb", bomb, "text/html\r\nContent-Encoding: br"))


@variant("img-cut-short-png-jpeg-gif")
def _(d):
    from PIL import Image

    def cut(kind: str) -> bytes:
        out = io.BytesIO()
        Image.effect_noise((400, 300), 50).convert("RGB").save(out, kind)
        return out.getvalue()[:-200]

    return [saved_page(d, "cut", {"a.png": cut("PNG"), "b.jpg": cut("JPEG"), "c.gif": cut("GIF")})]


@variant("md-front-matter-shapes")
def _(d):
    return write(d / "shapes.md", f"---\ntitle: No\nauthors: [[a], {{b: c}}]\n---\n\n{PROSE}\n")


@variant("manifest-yes-and-null-keys")
def _(d):
    return manifest(d, piece_manifest(head="title: T\nyes: 1\n~: 2\n"))


@variant("html-unsplittable-addresses")
def _(d):
    body = '<a href="http://[::1/x">map</a><figure><img src="http://[::1/x.png" alt="p"><figcaption>Bracketed.</figcaption></figure>'
    return write(d / "v6.html", "<!-- saved from url=(0020)http://[::1/page -->\n" + page(body=body, head='<base href="//[zz/">'))


@variant("warc-unsplittable-target")
def _(d):
    return write(d / "v6.warc", warc_record("http://[::1/page#top", page(body='<img src="a.png" alt="a">').encode()))


def gzip_member(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    return compressor.compress(data) + compressor.flush()


# --- running --------------------------------------------------------------------------------


def limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def bundler(*args: str, cwd: Path | None = None) -> tuple[subprocess.CompletedProcess, float, float]:
    """The real CLI in a fresh interpreter under the memory limit: (result, CPU seconds, max RSS in MB)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run(
        [sys.executable, "-m", "bundler", *args],
        capture_output=True,
        text=True,
        errors="replace",
        check=False,
        cwd=cwd,
        preexec_fn=limit_memory,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1462838400"},
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return result, cpu, after.ru_maxrss / 1024


def judge(step: str, result: subprocess.CompletedProcess, names: list[str]) -> list[str]:
    """What is wrong with one step's outcome (empty when it is what a user needs)."""
    wrong = []
    text = result.stderr + result.stdout
    if result.returncode not in (0, 1):
        wrong.append(f"exit {result.returncode}")
    if "Traceback (most recent call last)" in text:
        wrong.append("traceback")
    if RAW_CONTROL.search(result.stderr):
        wrong.append("raw control or bidi override in a message")
    if result.returncode == 1:
        if not CODE.search(result.stderr):
            wrong.append("no problem code")
        if names and not any(n in result.stderr for n in names):
            wrong.append("file not named")
    return wrong


def escaped(name: str) -> str:
    """A file name as bundler's messages show it (``bundler.errors.shown``, with line ends escaped)."""
    from bundler.errors import shown

    return shown(name, lines=False)


def finished_looking(dist: Path) -> list[str]:
    """Files in dist/ that look like finished editions."""
    return [str(p.relative_to(dist)) for p in dist.rglob("*") if p.is_file() and not p.name.startswith(".")] if dist.exists() else []


def run_variant(name: str, folder: Path, formats: str) -> list[str]:
    inputs = VARIANTS[name](folder)
    collection = folder / "col"
    listed = sorted(collection.iterdir()) if not inputs and collection.is_dir() else []  # a manifest's pieces and cover
    shown_names = [os.fsencode(p.name).decode("utf-8", "replace") for p in inputs or listed] or ["collection.yaml"]
    names = [escaped(n) for n in shown_names]  # as a message shows it: controls and bidi overrides escaped
    problems = []
    steps: list[tuple[str, tuple[str, ...]]] = []
    if inputs:
        steps.append(("extract", ("extract", str(inputs[0]), "--format", "text")))
        bundler("new", str(collection), "--title", "Hostile")
        steps.append(("import", ("import", str(collection), *map(str, inputs))))
    steps += [
        ("check", ("check", str(collection))),
        ("build", ("build", str(collection), "--format", formats, "--out", str(folder / "dist"))),
    ]
    for step, args in steps:
        result, cpu, rss = bundler(*args)
        wrong = judge(step, result, names)
        if step == "build" and result.returncode != 0 and finished_looking(folder / "dist"):
            wrong.append(f"left in dist: {finished_looking(folder / 'dist')[:3]}")
        last = (result.stderr.strip().splitlines() or [""])[-1][:160]
        print(
            f"{name:40} {step:8} exit {result.returncode} cpu {cpu:6.1f}s rss {rss:6.0f}MB {'; '.join(wrong) or 'ok':20} | {last}",
            flush=True,
        )
        if wrong:
            problems.append(f"{name} {step}: {', '.join(wrong)}")
            tail = "\n".join(result.stderr.strip().splitlines()[-6:])
            print("    " + tail.replace("\n", "\n    "), flush=True)
        if step == "import" and result.returncode != 0:
            break  # a refused import leaves nothing to check or build
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated variant names (or prefixes)")
    parser.add_argument("--formats", default="epub,html")
    parser.add_argument("--keep", default="", help="write the variants here and keep them")
    parser.add_argument("--list", action="store_true")
    args = parser.parse_args()
    if args.list:
        print("\n".join(VARIANTS))
        return 0
    wanted = [n for n in VARIANTS if not args.only or any(n.startswith(p) for p in args.only.split(","))]
    problems = []
    with tempfile.TemporaryDirectory(prefix="bundler-hostile-") as scratch:
        root = Path(args.keep or scratch)
        for name in wanted:
            folder = root / name
            folder.mkdir(parents=True, exist_ok=True)
            try:
                problems += run_variant(name, folder, args.formats)
            finally:
                if not args.keep:
                    subprocess.run(["rm", "-rf", str(folder)], check=False)
    print(f"\n{len(wanted)} variants, {len(problems)} wrong outcomes")
    for problem in problems:
        print(f"  {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
