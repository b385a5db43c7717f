"""Hostile and damaged inputs: pieces from someone else, unclosed embeds, special files, damaged WARCs.

Each test reproduces one failure of issue 20 and checks the outcome a user needs: exit 0 with
the content kept and a warning, or exit 1 with a message that names the file; never a traceback.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
import zlib
from pathlib import Path

import pytest
from lxml import etree

from bundler.errors import BundlerError, ImportError_
from bundler.importers import ImportOptions, read_piece
from bundler.importers.piece import write_piece
from bundler.importers.warc import read_warc
from bundler.model import Embed, Figure, FigureBlock, Heading, Image, ListBlock, Note, Paragraph, Piece, Quote, Table
from tests.conftest import epubcheck_messages, run_epubcheck
from tests.test_cli import assert_user_error, run_cli

HOSTILE_BODY = [
    {
        "type": "Paragraph",
        "html": 'Before <script>alert(1)</script>after <img src="x" onerror="alert(2)"/> <a href="javascript:alert(3)">click</a>',
    },
    {
        "type": "Paragraph",
        "html": '<iframe src="https://evil.example/"></iframe>kept text <b onclick="steal()">bold</b> <blink>unknown</blink>',
    },
    {"type": "Paragraph", "html": 'odd <b>markup <i>nested &amp; kept</i></b> end<a href="#note-n1">1</a>'},
    {"type": "Heading", "level": 2, "html": 'Heading <a href=" JaVaScRiPt:alert(4)">words</a>'},
    {
        "type": "Quote",
        "blocks": [{"type": "Paragraph", "html": "<style>p{}</style>quoted words"}],
        "attribution": '<svg onload="x()">someone</svg>',
    },
    {
        "type": "Table",
        "header": [["<b>head</b>"]],
        "rows": [['cell <object data="x">fallback</object>']],
        "caption": '<form></form><u onmouseover="x()">caption</u>',
    },
    {"type": "Embed", "url": "javascript:alert(5)", "title": "a video"},
    {"type": "Embed", "url": "data:text/html,<script>x</script>", "title": ""},
]
SCRIPTING_TAGS = {"script", "iframe", "object", "embed", "svg", "form", "blink", "style"}
KEPT_WORDS = ("Before", "after", "click", "kept text", "bold", "unknown", "nested & kept", "end", "words", "quoted words")


def write_hostile_piece(folder: Path, **changes) -> Path:
    """A piece.json as a hand editor could leave it: the body replaced, other fields changed."""
    target = write_piece(Piece(title="Hostile piece", body=(Paragraph("placeholder"),), slug="hostile"), folder)
    document = json.loads(target.read_text(encoding="utf-8"))
    document["piece"]["body"] = HOSTILE_BODY
    document["piece"].update(changes)
    target.write_text(json.dumps(document), encoding="utf-8")
    return target


def test_hostile_piece_json_is_sanitised_into_a_valid_epub(tmp_path):
    collection = tmp_path / "shared"
    write_hostile_piece(
        collection / "p",
        notes=[{"id": "n1", "html": "<script>x</script>note words", "label": "1"}],
        standfirst=[{"html": '<iframe src="x"></iframe>standfirst words', "lang": None}],
    )
    (collection / "collection.yaml").write_text(
        "title: Shared\nsections:\n  - title: One\n    pieces: [p/piece.json]\neditions: {epub: {}}\n", encoding="utf-8"
    )
    result = run_cli("build", str(collection), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "p/piece.json: removed markup that bundler never writes" in result.stderr
    assert "<script>" in result.stderr and "javascript: link" in result.stderr
    epub = next((tmp_path / "out").rglob("*.epub"))
    with zipfile.ZipFile(epub) as archive:
        documents = [etree.fromstring(archive.read(n)) for n in archive.namelist() if n.endswith(".xhtml")]
    text = " ".join("".join(d.itertext()) for d in documents)
    for element in (e for d in documents for e in d.iter() if isinstance(e.tag, str)):
        assert etree.QName(element).localname not in SCRIPTING_TAGS, etree.tostring(element)
        assert not any(etree.QName(name).localname.startswith("on") for name in element.attrib), etree.tostring(element)
        assert not (element.get("href") or element.get("src") or "").strip().lower().startswith(("javascript", "data")), element.attrib
    for words in (*KEPT_WORDS, "note words", "standfirst words", "a video", "head", "cell", "caption"):
        assert words in text, words
    report = run_epubcheck(epub)
    assert [m for m in epubcheck_messages(report) if m.startswith(("FATAL", "ERROR"))] == []


def test_malformed_markup_in_a_piece_from_someone_else_is_a_located_error(tmp_path):
    collection = tmp_path / "shared"
    target = write_hostile_piece(collection / "p")
    document = json.loads(target.read_text(encoding="utf-8"))
    document["piece"]["body"].append({"type": "Paragraph", "html": "<img src=x onerror=alert(1)> bad <b>markup"})
    target.write_text(json.dumps(document), encoding="utf-8")
    (collection / "collection.yaml").write_text(
        "title: Shared\nsections:\n  - title: One\n    pieces: [p/piece.json]\neditions: {epub: {}}\n", encoding="utf-8"
    )
    result = run_cli("build", str(collection), "--out", str(tmp_path / "out"))
    assert_user_error(result, "piece.json", "not well-formed XHTML at body[8]")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.epub"))


def test_stored_piece_fields_that_reach_file_names_and_attributes_are_reduced(tmp_path):
    target = write_hostile_piece(
        tmp_path / "p",
        slug="../../outside",
        language='en" onload="x',
        direction="sideways",
        notes=[{"id": 'n1" onclick="x', "html": "words", "label": "1"}],
    )
    piece = read_piece(target)
    assert piece.slug == "outside"
    assert piece.language == "en" and piece.direction == "ltr"
    assert any("slug '../../outside' became 'outside'" in w for w in piece.provenance.warnings)
    assert any("is not a language tag" in w for w in piece.provenance.warnings)
    assert piece.notes[0].id == "n1-onclick-x"
    assert not any(isinstance(b, Embed) for b in piece.body), "an embed whose address was unsafe keeps only its words"
    assert Paragraph("a video") in piece.body


def test_a_piece_written_by_bundler_reads_back_unchanged_and_without_warnings(tmp_path):
    figure = Figure(
        Image(path=None, url="https://example.org/p.jpg?w=1&h=2"), alt='a "photo"', caption="<em>cap</em> &amp; more", id="fig-1"
    )
    piece = Piece(
        title="Round trip",
        body=(
            Paragraph('A <a href="https://example.org/a?b=1&amp;c=2" title="t">link</a>, <code>x &lt; y</code>, <br/>x<sup>2</sup>'),
            Paragraph('<span dir="rtl" lang="ar">نص عربي</span> and\u00a0no-break', "fr"),
            Heading(2, "<strong>Strong</strong> heading"),
            Quote((Paragraph("q"),), "<cite>Someone</cite>"),
            ListBlock(True, ((Paragraph("one"),), (Paragraph("two <mark>marked</mark>"),))),
            Table((("<b>h</b>",),), (("c",),), "<i>caption</i>"),
            FigureBlock(figure),
            Embed("https://video.example/watch?v=1", "video"),
        ),
        notes=(Note("1", 'note <a href="https://example.org/">link</a>', "1"),),
        source_url="https://example.org/article?id=7",
        slug="round-trip",
    )
    back = read_piece(write_piece(piece, tmp_path / "p"))
    assert back == piece


def test_damaged_field_types_in_piece_json_are_a_located_error(tmp_path):
    target = write_hostile_piece(tmp_path / "p")
    document = json.loads(target.read_text(encoding="utf-8"))
    for body in ([{"type": "Heading", "level": "two", "html": "x"}], [{"type": "Table", "header": [], "rows": [["a", 5]], "caption": ""}]):
        document["piece"]["body"] = body
        target.write_text(json.dumps(document), encoding="utf-8")
        with pytest.raises(BundlerError, match="piece.json is damaged"):
            read_piece(target)


# --- embeds that swallow the article -------------------------------------------------------

PAGE = """<html><head><title>Embed test</title></head><body><article><h1>Embed test</h1>
<p>The first paragraph of the article has enough words to count as prose, about the city and the river.</p>
<p>Before the embed: {embed} inline words after it.</p>
<p>The second paragraph goes on after the embed, about the market, the bridge, the old school and its people.</p>
<div>{embed}</div>
<p>The third paragraph closes the article with a sentence about the evening and the lights on the water.</p>
</article></body></html>"""


@pytest.mark.parametrize(
    "embed",
    [
        '<embed src="https://video.example/e">',
        '<iframe src="https://www.youtube.com/embed/x">',
        '<object data="https://video.example/o">',
        '<video src="https://video.example/v.mp4">',
        '<audio src="a.mp3">',
        '<video><source src="v.mp4"><track src="t.vtt">',
    ],
)
def test_unclosed_embeds_never_swallow_the_text_after_them(tmp_path, embed):
    page = tmp_path / "page.html"
    page.write_text(PAGE.format(embed=embed), encoding="utf-8")
    text = " ".join(
        etree.tostring(etree.fromstring(f"<x>{getattr(b, 'html', '')}</x>"), method="text", encoding="unicode")
        for b in read_piece(page).body
    )
    for words in ("first paragraph", "inline words after it", "second paragraph", "third paragraph"):
        assert words in text, (embed, words)


# --- special files ----------------------------------------------------------------------------


def test_extract_refuses_a_fifo_up_front(tmp_path):
    fifo = tmp_path / "page.html"
    os.mkfifo(fifo)
    assert_user_error(run_cli("extract", str(fifo)), "page.html", "not a regular file")


def test_extract_refuses_a_device():
    assert_user_error(run_cli("extract", "/dev/zero"), "/dev/zero", "not a regular file")


# --- damaged web archives -------------------------------------------------------------------


def article(number: int) -> bytes:
    paragraphs = "".join(
        f"<p>Paragraph {i} of page {number}, with enough words to be prose about the river and the market.</p>" for i in range(6)
    )
    return (
        f"<html><head><title>Page {number}</title></head><body><article><h1>Page {number}</h1>{paragraphs}</article></body></html>".encode()
    )


def write_archive(path: Path, pages: int = 3) -> Path:
    """A small WARC (gzipped per record when the name ends in .gz) of ``pages`` HTML responses, written by warcio."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=path.suffix == ".gz")
        for number in range(pages):
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                f"https://news.example/{number}",
                "response",
                payload=io.BytesIO(article(number)),
                http_headers=headers,
                warc_headers_dict={"WARC-Date": "2016-05-02T10:00:00Z"},
            )
            writer.write_record(record)
    return path


def page_words(piece) -> str:
    return " ".join(getattr(block, "html", "") for block in piece.body)


def record_boundaries(whole: bytes) -> set[int]:
    """Offsets where a record (a gzip member, in a .warc.gz) ends and the next begins.

    Gzip members are found by decompressing them one after another, not by searching for the gzip magic bytes:
    the record ids are random, so the compressed bytes of a record can hold ``1f 8b`` by chance."""
    if whole.startswith(b"\x1f\x8b"):
        ends, rest = [], whole
        while rest:
            member = zlib.decompressobj(wbits=31)
            member.decompress(rest)
            rest = member.unused_data
            ends.append(len(whole) - len(rest))
        return set(ends[:-1])
    marks = [i for i in range(1, len(whole)) if whole.startswith(b"WARC/1", i)]
    return {i for i in marks if whole[:i].endswith(b"\r\n\r\n")}


@pytest.mark.parametrize("name", ["crawl.warc.gz", "crawl.warc"])
def test_every_truncation_of_an_archive_is_an_error_or_whole_pages(tmp_path, name):
    """Cut the archive at every 5th byte and at each record boundary: the import says the archive is damaged,
    or every page it returns is complete (a cut exactly between two records leaves a shorter, valid archive)."""
    whole = write_archive(tmp_path / name).read_bytes()
    boundaries = record_boundaries(whole)
    assert len(boundaries) == 2
    cut_file = tmp_path / f"cut-{name}"
    damaged = 0
    for cut in sorted({*range(40, len(whole), 5), *boundaries}):
        cut_file.write_bytes(whole[:cut])
        try:
            pieces = read_warc(cut_file, ImportOptions())
        except ImportError_ as exc:
            assert "is damaged" in str(exc) or "not a readable WARC" in str(exc), (cut, str(exc))
            assert cut not in boundaries, cut
            damaged += 1
            continue
        expected = ["Page 0", "Page 1", "Page 2"][: sorted(boundaries).index(cut) + 1 if cut in boundaries else 3]
        assert [p.title for p in pieces] == expected, cut
        assert all(f"Paragraph 5 of page {n}" in page_words(p) for n, p in enumerate(pieces)), cut
    assert damaged > len(whole) // 5 - 10


def test_a_record_that_claims_500_mb_is_named_not_swallowing_the_next_page(tmp_path):
    whole = write_archive(tmp_path / "crawl.warc").read_bytes()
    start = whole.index(b"Content-Length: ")
    end = whole.index(b"\r\n", start)
    damaged = tmp_path / "page.warc"
    damaged.write_bytes(whole[:start] + b"Content-Length: 500000000" + whole[end:])
    result = run_cli("extract", str(damaged))
    assert_user_error(result, "page.warc is damaged", "https://news.example/0", "claims 500,000,000 bytes", "get another copy")


def test_a_truncated_gzip_member_is_damage_not_an_empty_piece(tmp_path):
    whole = write_archive(tmp_path / "crawl.warc.gz", pages=1).read_bytes()
    damaged = tmp_path / "page.warc.gz"
    damaged.write_bytes(whole[: len(whole) * 2 // 3])
    assert_user_error(run_cli("extract", str(damaged)), "page.warc.gz is damaged", "https://news.example/0", "cut short")


def test_pages_read_whole_from_a_damaged_archive_can_still_be_asked_for(tmp_path):
    whole = write_archive(tmp_path / "crawl.warc").read_bytes()
    damaged = tmp_path / "damaged.warc"
    damaged.write_bytes(whole[:-300])  # the last page is cut short
    with pytest.raises(ImportError_, match="news.example/2.* is cut short"):
        read_warc(damaged, ImportOptions())
    with pytest.raises(ImportError_, match="is damaged"):
        read_warc(damaged, ImportOptions(), urls=["https://news.example/2"])
    [piece] = read_warc(damaged, ImportOptions(), urls=["https://news.example/0"])
    assert "Paragraph 5 of page 0" in page_words(piece)
    assert any("damaged elsewhere" in w and "news.example/2" in w for w in piece.provenance.warnings)


# --- markup that the importer itself could leave unbalanced -------------------------------


def test_paragraphs_split_at_double_breaks_inside_inline_markup_stay_well_formed():
    from bundler.cleaning.blocks import html_to_blocks, parse_fragment

    blocks = html_to_blocks(parse_fragment("<span>First part <b>bold<br><br>still bold</b> end<br><br>third</span> tail"), "en")
    text = " ".join(text_of_fragment(b.html) for b in blocks)  # each fragment parses as XML
    for words in ("First part", "bold", "still bold", "end", "third", "tail"):
        assert words in text


def text_of_fragment(fragment: str) -> str:
    """Plain text of an inline fragment, which must be well-formed XML."""
    return "".join(etree.fromstring(f"<x>{fragment}</x>").itertext())


def test_an_attribute_too_long_for_a_file_name_does_not_break_the_import_cache(tmp_path):
    """An SVG path in an attribute looks like an address; asking the file system about it raised ENAMETOOLONG."""
    long_path = "M1216 832q0-185-131.5-316.5t-316.5-131.5 " * 12
    page = PAGE.format(embed=f'<svg viewBox="0 0 10 10"><path d="{long_path}"/></svg>')
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    (tmp_path / "collection.yaml").write_text("title: T\nsections:\n  - title: S\n    pieces: [page.html]\n", encoding="utf-8")
    result = run_cli("check", str(tmp_path))
    assert result.returncode == 0, result.stderr


def test_a_fifo_named_in_the_manifest_is_refused_not_read(tmp_path):
    os.mkfifo(tmp_path / "page.html")
    (tmp_path / "collection.yaml").write_text("title: T\nsections:\n  - title: S\n    pieces: [page.html]\n", encoding="utf-8")
    assert_user_error(run_cli("check", str(tmp_path)), "'page.html' is a FIFO, socket or device, not a file")
