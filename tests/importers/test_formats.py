"""Plain text (the seed), Markdown with front matter, folders and globs, and the extract command."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image as PILImage

from bundler import read_pieces
from bundler.cleaning.blocks import text_of
from bundler.commands.extract import piece_text
from bundler.importers import ImportOptions, read_piece
from bundler.text.typography import smarten
from tests.importers.conftest import PAGES, SEED


@pytest.mark.skipif(not SEED.exists(), reason="the shared seed article is not available")
def test_seed_imports_as_the_issue_describes():
    piece = read_piece(SEED)
    assert piece.title == "Aleppo is burning" and piece.date == "2016-05-10"
    assert len(piece.standfirst) == 2 and text_of(piece.standfirst[0].html).startswith("The Syrian regime")
    (figure,) = piece.figures
    assert figure.caption == "Children walking home from school in Aleppo" and figure.credit == "Jordi Bernabeu Farrús"
    text = piece_text(piece)
    assert text.count("Children walking home from school in Aleppo") == 0
    for furniture in ("First published at", "Further Reading", "From the archives"):
        assert furniture not in text
    assert text.rstrip().endswith("it is being crushed.")


def test_markdown_front_matter_footnotes_and_figures(tmp_path):
    (tmp_path / "img").mkdir()
    PILImage.new("RGB", (320, 200), (200, 100, 50)).save(tmp_path / "img" / "class.jpg")
    (tmp_path / "intro.md").write_text(
        '---\ntitle: "Why this dossier"\nauthors: [Editors]\ndate: 2016-05-20\nsummary: How the pieces were chosen.\n---\n'
        "We chose pieces that show the city's civil society.[^1]\n\n"
        '![Children in a classroom](img/class.jpg "A school in the east of the city (Photo: Kesh Malek)")\n\n'
        "[^1]: Selection made in May 2016.\n",
        encoding="utf-8",
    )
    piece = read_piece(tmp_path / "intro.md", ImportOptions(media_dir=tmp_path / "media"))
    assert piece.title == "Why this dossier" and piece.date == "2016-05-20" and piece.authors == ("Editors",)
    assert text_of(piece.standfirst[0].html) == "How the pieces were chosen."
    assert piece.notes[0].html == "Selection made in May 2016." and 'href="#note-fn1"' in piece.body[0].html
    (figure,) = piece.figures
    assert (figure.alt, figure.caption, figure.credit) == ("Children in a classroom", "A school in the east of the city", "Kesh Malek")
    assert figure.image.width == 320 and figure.image.path.startswith(str(tmp_path / "media"))


def test_markdown_comments_are_left_out_and_raw_html_is_shown_as_text(tmp_path):
    """An HTML comment is the writer's note to themselves: no edition prints it. Other raw HTML is text, never run."""
    (tmp_path / "note.md").write_text(
        "# Field notes\n\n"
        "The market reopened on Tuesday.<!-- source: Ahmad, do not name -->\n\n"
        "<!--\nto check: the second date\nwith the desk\n-->\n"
        "Bread queues were shorter. <!-- inline: ask Rania --> Prices held.\n\n"
        "<!-- a note --> Shops kept <script>alert(1)</script> odd hours.\n\n"
        "Code keeps its text: `<!-- in code -->`.\n",
        encoding="utf-8",
    )
    piece = read_piece(tmp_path / "note.md")
    text = piece_text(piece)
    for secret in ("Ahmad", "second date", "with the desk", "Rania", "a note", "<!--"):
        assert secret not in text.replace("<!-- in code -->", ""), secret
    assert "The market reopened on Tuesday." in text and "Bread queues were shorter." in text and "Prices held." in text
    assert "Shops kept <script>alert(1)</script> odd hours." in " ".join(text.split())
    assert "<!-- in code -->" in text
    assert all("<script" not in block.html for block in piece.body), "raw HTML is escaped, never markup"


def test_read_pieces_takes_folders_and_globs_and_skips_saved_files():
    folder = PAGES / "saved-files"
    pieces = read_pieces(folder)
    assert len(pieces) == 3
    assert len(read_pieces(str(folder / "*.html"))) == 3


def test_extract_formats():
    page = PAGES / "newspaper" / "newspaper-clinic.html"

    def run(fmt):
        command = [sys.executable, "-m", "bundler", "extract", str(page), "--format", fmt]
        return subprocess.run(command, capture_output=True, text=True, timeout=120)

    text, data, markup = run("text"), run("json"), run("html")
    assert text.returncode == data.returncode == markup.returncode == 0
    assert text.stdout.splitlines()[0] == "A clinic moves underground" and "Photograph" not in text.stdout
    piece = json.loads(data.stdout)
    assert piece["figures" if "figures" in piece else "body"] and piece["provenance"]["source_sha256"]
    assert "<script" not in markup.stdout and "A clinic moves underground" in markup.stdout


@given(st.text(alphabet=st.sampled_from(list("ab '\"-.…—“”‘’ \n")), max_size=40))
def test_smarten_is_idempotent(text):
    once = smarten(text, "en")
    assert smarten(once, "en") == once


def test_arabic_text_is_left_alone():
    text = 'قال "المعلم": الحضور انخفض... - إلى النصف'
    assert smarten(text, "ar") == text


def test_html_import_is_idempotent_on_its_own_output(tmp_path):
    piece = read_piece(PAGES / "wordpress" / "wordpress-bakery.html")
    rendered = "".join(f"<p>{b.html}</p>" for b in piece.body if hasattr(b, "html"))
    page = tmp_path / "again.html"
    page.write_text(
        f"<html><head><title>{piece.title}</title></head><body><article><h1>{piece.title}</h1>{rendered}</article></body></html>"
    )
    again = read_piece(page)
    assert [b.html for b in again.body if hasattr(b, "html")] == [b.html for b in piece.body if hasattr(b, "html")]
