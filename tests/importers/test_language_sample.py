"""The language sample of a page, read from its first paragraphs only, is the sample all of them gave (branch text7)."""

from __future__ import annotations

from lxml import html as lxml_html

from bundler.cleaning.treetext import spaced_text
from bundler.importers.html import _sample_text
from bundler.text.typography import normalise_space


def _every_paragraph(body) -> str:
    """``_sample_text`` as it stood: every paragraph of the body read, then cut."""
    paragraphs = normalise_space(" ".join(spaced_text(p) for p in body.iter("p")))
    return paragraphs[:5000] if len(paragraphs) >= 400 else normalise_space(spaced_text(body))[:5000]


def _body(paragraphs: list[str]) -> object:
    return lxml_html.document_fromstring("<html><body>" + "".join(f"<p>{p}</p>" for p in paragraphs) + "<div>menu</div></body></html>").body


def test_the_sample_is_the_one_every_paragraph_gave() -> None:
    word = "palabra "
    pages = [
        [],
        ["short"],
        [word * 40],
        [word * 700, "after"],
        [word * 100] * 30,
        ["  \n\t " * 3000, word * 700],  # white space first: long before it is spaced out, short after
        [word * 624 + "ab", "cd " * 10],  # the cut falls at the join of two paragraphs
        [word * 625, "tail"],
        ["x\x0b y " * 900, "\u2028 z " * 900],  # characters only str.split takes for space
        ["", "", word * 700, ""],
        ["<b>bold</b> and <i>" + word * 50 + "</i>"] * 20,
        ["\u0627\u0644\u0639\u0631\u0628\u064a\u0629 " * 200, "\u00a0 " * 5000, "fin"],
    ]
    for paragraphs in pages:
        body = _body(paragraphs)
        assert _sample_text(body) == _every_paragraph(body), paragraphs[:1]
    assert _sample_text(None) == ""
    assert len(_sample_text(_body([word * 700]))) == 5000
