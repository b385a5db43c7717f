"""Hostile and damaged inputs: pieces from someone else, unclosed embeds, special files, damaged WARCs.

Each test reproduces one failure of issue 20 and checks the outcome a user needs: exit 0 with
the content kept and a warning, or exit 1 with a message that names the file; never a traceback.
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from bundler.errors import BundlerError
from bundler.importers import read_piece
from bundler.importers.piece import write_piece
from bundler.model import Embed, Figure, FigureBlock, Heading, Image, ListBlock, Note, Paragraph, Piece, Quote, Table
from tests.conftest import epubcheck_messages, run_epubcheck
from tests.test_cli import assert_user_error, run_cli

HOSTILE_BODY = [
    {
        "type": "Paragraph",
        "html": 'Before <script>alert(1)</script>after <img src=x onerror="alert(2)"> <a href="javascript:alert(3)">click</a>',
    },
    {
        "type": "Paragraph",
        "html": '<iframe src="https://evil.example/"></iframe>kept text <b onclick="steal()">bold</b> <blink>unknown</blink>',
    },
    {"type": "Paragraph", "html": 'bad <b>markup <i>left unclosed & stray </q> end<a href="#note-n1">1</a>'},
    {"type": "Heading", "level": 2, "html": 'Heading <a href=" JaVaScRiPt:alert(4)">words</a>'},
    {
        "type": "Quote",
        "blocks": [{"type": "Paragraph", "html": "<style>p{}</style>quoted words"}],
        "attribution": "<svg onload=x>someone</svg>",
    },
    {
        "type": "Table",
        "header": [["<b>head</b>"]],
        "rows": [["cell <object data=x>fallback"]],
        "caption": '<form></form><u onmouseover="x()">caption</u>',
    },
    {"type": "Embed", "url": "javascript:alert(5)", "title": "a video"},
    {"type": "Embed", "url": "data:text/html,<script>x</script>", "title": ""},
]
SCRIPTING_TAGS = {"script", "iframe", "object", "embed", "svg", "form", "blink", "style"}
KEPT_WORDS = ("Before", "after", "click", "kept text", "bold", "unknown", "left unclosed", "stray", "end", "words", "quoted words")


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
        standfirst=[{"html": "<iframe src=x></iframe>standfirst words", "lang": None}],
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
            Heading(3, "<strong>Strong</strong> heading"),
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
    document["piece"]["body"] = [{"type": "Heading", "level": "two", "html": "x"}]
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
