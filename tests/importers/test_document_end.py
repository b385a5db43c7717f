"""A page whose template closes the document before the article: the article is read as a browser shows it.

Some site templates end their header partial with ``</body></html>`` and write the article after
it. Browsers show it (HTML5 puts what follows into the body); libxml2 dropped everything after
``</html>``, so the piece kept only the menus. Found on a real page of the dev set (0310).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bundler.commands.extract import piece_text
from bundler.importers import read_piece
from bundler.importers.html import parse_page, reopen_document
from tests.importers.conftest import RIVER_STORY, norm

#: A site's mega-menu: enough link text that, with the article lost, the menu passed for the page's text.
SECTIONS = (
    "Services",
    "Industries",
    "Pricing",
    "About",
    "Contact",
    "Payroll",
    "Taxes",
    "Hiring",
    "Benefits",
    "Careers",
    "Guides",
    "Support",
)
MENU = "".join(
    f'<li><a href="/{word.lower()}">{word}</a><ul>'
    + "".join(f'<li><a href="/{word.lower()}/{n}">{word} option {n}</a></li>' for n in range(6))
    + "</ul></li>"
    for word in SECTIONS
)
HEADER = f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>The fish ladder opens</title></head><body><header><nav><ul>{MENU}</ul></nav></header>'
ARTICLE = "<main><article><h1>The fish ladder opens</h1>" + "".join(f"<p>{p}</p>" for p in RIVER_STORY) + "</article></main>"
FOOTER = "<footer><p>Copyright the Valley Gazette</p></footer>"


@pytest.mark.parametrize(
    "closing",
    ["</body></html>", "</BODY>\n</HTML>", "</html>", "</body>"],
    ids=["body and html", "upper case", "html alone", "body alone"],
)
def test_an_article_after_the_document_end_is_imported(tmp_path: Path, closing: str):
    page = tmp_path / "early-end.html"
    page.write_text(f"{HEADER}{closing}\n{ARTICLE}{FOOTER}</body></html>\n", encoding="utf-8")
    text = norm(piece_text(read_piece(page)))
    for paragraph in RIVER_STORY:
        assert norm(paragraph) in text
    assert "Industries" not in text and "Pricing" not in text, "the menu is furniture, not the article"


def test_the_article_is_in_the_body_the_rules_read():
    tree = parse_page(f"{HEADER}</body></html>{ARTICLE}{FOOTER}")
    body = tree.find(".//body")
    assert norm(RIVER_STORY[2]) in norm(" ".join(body.itertext()))
    assert [child.tag for child in tree.getroot()] == ["head", "body"], "nothing hangs beside the body"


@pytest.mark.parametrize(
    "page",
    [
        f"{HEADER}{ARTICLE}{FOOTER}</body></html>",
        f"{HEADER}{ARTICLE}{FOOTER}</body>\n</html>\n\n",
        f"{HEADER}{ARTICLE}{FOOTER}",
        f"{HEADER}{ARTICLE}{FOOTER}</body> \n </html>",
    ],
    ids=["ends", "ends with white space", "no end tags", "spaces between"],
)
def test_a_page_that_ends_where_it_should_is_left_as_it_is(page: str):
    assert reopen_document(page) is page
