"""A body that keeps a small share of the page's prose is imported with W134, never as a silent stub.

The pages are written here. The thread is a link post (a headline linking to another site, no
story text) whose replies are marked ``comment``: the furniture rules drop the replies, trafilatura's
reading leaves comments out too, so neither W130 nor W131 can see the loss, and the body is the
headline and a sidebar's help line. The article page has the same replies under a story several
times longer: the story is the piece and nothing warns. The importer, trafilatura and the CLI run
for real.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from bundler.cleaning.completeness import MIN_PROSE_WORDS, check_body, max_prose_words, prose_words
from bundler.codes import split_coded
from bundler.importers import ImportOptions, read_piece
from bundler.importers.html import parse_page
from bundler.model import Paragraph

REPLIES = [
    "I read the paper last night and the method section is far more careful than the headline suggests.",
    "The sample was small, though, and nobody has tried the same thing with a second group of volunteers yet.",
    "My uncle worked on something similar in the nineties and they gave up when the funding ran out.",
    "Does anyone know whether the data are public, or do we have to write to the authors and ask for them?",
    "They are on the journal's site under supplementary material, in a spreadsheet with one sheet per site.",
    "What I would like to know is how long the effect lasted after the treatment stopped, weeks or months.",
]
STORY = [
    "The clinic in the north of the city opened its doors to the first volunteers on a wet Monday in March.",
    "Each of them had lost the sense of smell after an infection, some of them more than three years before.",
    "For twelve weeks they came back twice a week to sniff a tray of jars, from cloves and lemon to smoke.",
    "The nurses wrote down what each volunteer could name, and how sure they were, on a card kept in a drawer.",
    "By the end of the trial most of them could tell coffee from vinegar again, and a few could name the rose.",
    "The researchers say the result needs a larger group before anyone calls it a treatment, and they agree.",
]


def comments(count: int = 8) -> str:
    """Replies as a link aggregator marks them: a ``comment`` box with a user line, the text, and buttons."""
    return "\n".join(
        f'<div class="comment" id="c{i}"><p class="tagline"><a href="/user/u{i}">reader{i}</a> {10 - i} points</p>'
        f'<div class="usertext-body"><div class="md"><p>{REPLIES[i % 6]}</p><p>{REPLIES[(i + 2) % 6]}</p></div></div>'
        f'<ul class="buttons"><li><a href="#c{i}">permalink</a></li><li><a href="#r{i}">reply</a></li></ul></div>'
        for i in range(count)
    )


LINK_POST = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Volunteers grew back a lost sense of smell : science</title></head>
<body><div id="header"><a href="/">home</a> <a href="/r/science">science</a></div>
<div class="side"><form action="/search"><input name="q"></form>
<div class="md"><p>Use the search box to find older threads about the same study by title or author.</p></div></div>
<div class="content" role="main"><div class="thing link"><p class="title">
<a href="https://news.example.org/smell">Volunteers grew back a lost sense of smell</a> (news.example.org)</p>
<p class="tagline">submitted by <a href="/user/op">op</a></p></div>
<div class="commentarea">{comments()}</div></div></body></html>"""

STORY_WITH_COMMENTS = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>The smell clinic</title></head>
<body><nav><a href="/">Home</a> <a href="/health">Health</a></nav>
<main><article><h1>The smell clinic</h1>{"".join(f"<p>{STORY[i % 6]}</p>" for i in range(24))}</article>
<section class="comments"><h2>Comments</h2>{comments(6)}</section></main></body></html>"""


def bundler(*args: str) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "bundler", *args], capture_output=True, text=True, timeout=300, check=False)
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result


@pytest.fixture
def pages(tmp_path):
    folder = tmp_path / "saved"
    folder.mkdir()
    (folder / "thread.html").write_text(LINK_POST, encoding="utf-8")
    (folder / "story.html").write_text(STORY_WITH_COMMENTS, encoding="utf-8")
    return folder


def codes_of(piece) -> dict[str, str]:
    return dict(split_coded(w) for w in piece.provenance.warnings)


def test_a_link_post_whose_replies_were_left_out_is_imported_with_w134(pages):
    piece = read_piece(pages / "thread.html", ImportOptions())
    found = codes_of(piece)
    assert "W134" in found, piece.provenance.warnings
    assert "words of prose the page shows" in found["W134"] and "comments" in found["W134"]
    assert not {"W130", "W131"} & set(found), "not refused: the body is not empty and trafilatura saw no more"


def test_a_story_longer_than_a_fifth_of_its_comments_has_no_w134(pages):
    piece = read_piece(pages / "story.html", ImportOptions())
    assert "The clinic in the north of the city" in " ".join(b.html for b in piece.body if isinstance(b, Paragraph))
    assert "W134" not in codes_of(piece)


def test_import_keeps_the_piece_and_prints_w134_with_its_code(pages, tmp_path):
    dossier = tmp_path / "dossier"
    assert bundler("new", str(dossier), "--title", "Threads").returncode == 0
    result = bundler("import", str(dossier), str(pages / "thread.html"), str(pages / "story.html"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("added pieces/") == 2
    warned = [line for line in result.stderr.splitlines() if line.startswith("warning: W134 ")]
    assert len(warned) == 1 and "words of prose the page shows" in warned[0], result.stderr
    assert "smell-clinic" not in warned[0]


def test_prose_is_paragraphs_of_sentences_not_menus_links_or_captions():
    sentence = "The river rose above the bridge on the second night of the storm."  # 13 words
    page = parse_page(
        "<html><body>"
        f"<p>{sentence}</p>"
        f"<p><b>{sentence}</b> <i>a</i> b c</p>"  # 16 words, single-letter text nodes
        "<p>Photo: the bridge at dawn.</p>"  # a caption, under eight words
        "<p><a href='/a'>One story title here</a> | <a href='/b'>Another story title here</a> | <a href='/c'>A third</a></p>"
        f"<div><p>{sentence} <a href='/more'>Read more</a></p></div>"  # 15 words, 2 of them a link
        "<ul><li>A list item is not a paragraph even when it is long enough to be one</li></ul>"
        "</body></html>"
    )
    assert prose_words(page) == 13 + 16 + 15
    assert max_prose_words(page) >= prose_words(page), "the bound never undercounts"


def test_the_bound_is_never_below_the_count_on_the_pages_here():
    for text in (LINK_POST, STORY_WITH_COMMENTS):
        page = parse_page(text)
        assert max_prose_words(page) >= prose_words(page) >= MIN_PROSE_WORDS


def test_the_page_is_measured_only_when_the_bound_lets_a_warning_through():
    page = parse_page(LINK_POST)

    def never() -> None:
        raise AssertionError("the page was rebuilt although no warning was possible")

    story = " ".join(STORY)
    kept = [Paragraph(story)]
    assert check_body(kept, never, story, prose_bound=None) == [], "no bound: the check is not asked for"
    assert check_body(kept, never, story, prose_bound=5 * len(story.split())) == []
    assert check_body(kept, never, story, prose_bound=MIN_PROSE_WORDS - 1) == []
    [problem] = check_body([Paragraph("Volunteers grew back a lost sense of smell.")], lambda: page, "", max_prose_words(page))
    assert split_coded(problem)[0] == "W134"
