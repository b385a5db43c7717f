"""A documentation page's title: not the site's name in a header ``<h1>``, not its heading's permalink mark.

Fixture pages in ``tests/fixtures/threads/`` (documentation pages beside the thread pages).
"""

from __future__ import annotations

from pathlib import Path

from lxml import html as lxml_html

from bundler.cleaning.metadata import heading_title, read_metadata
from bundler.importers import ImportOptions, read_piece
from bundler.importers.html import parse_page

PAGES = Path(__file__).parent.parent / "fixtures" / "threads"


def _meta(name: str):
    return read_metadata(parse_page((PAGES / name).read_text(encoding="utf-8"), name, []))


def test_a_header_h1_naming_the_site_gives_way_to_the_title_before_it():
    assert _meta("docs-site-heading.html").title == "Configuring the cache"
    assert read_piece(PAGES / "docs-site-heading.html", ImportOptions()).title == "Configuring the cache"


def test_a_heading_permalink_and_button_are_not_the_title():
    assert _meta("docs-permalink.html").title == "Routing tables"


def test_heading_title_keeps_real_words_and_marks_inside_them():
    def heading(markup: str) -> str:
        return heading_title(lxml_html.fragment_fromstring(markup))

    assert heading('<h1>Models<a class="headerlink" href="#models">¶</a></h1>') == "Models"
    assert heading('<h2>Intro <a href="#intro">#</a></h2>') == "Intro"
    assert heading("<h1>Crate <span>tokio</span> <button>Copy item path</button></h1>") == "Crate tokio"
    assert heading("<h1>Learning C#</h1>") == "Learning C#"
    assert heading('<h1><a href="/guide">The guide</a></h1>') == "The guide"


def test_an_icon_font_glyph_in_a_heading_is_not_the_title():
    """A private-use character is a glyph of the site's icon font (here a link sign): no font of a reader or
    of the book has it, and the archival PDF refuses a title holding one (E310)."""

    def heading(markup: str) -> str:
        return heading_title(lxml_html.fragment_fromstring(markup))

    link_icon = "\uf0c1"
    assert heading(f'<h1>Deploying playbooks<a class="headerlink" href="#deploy">{link_icon}</a></h1>') == "Deploying playbooks"
    assert heading(f'<h2>نشر الملفات<a href="#n">{link_icon}</a></h2>') == "نشر الملفات"
    assert heading(f"<h1>Release notes <span>{link_icon}</span></h1>") == "Release notes"
    assert heading(f'<h1><a href="#x">{link_icon} Tables</a></h1>') == "Tables"
    assert heading("<h1>Learning C# in 2024</h1>") == "Learning C# in 2024"


def test_an_h1_that_is_the_title_s_last_part_without_the_page_heading_stays():
    page = (
        "<html><head><title>Daily Paper - Rain closes the mountain pass</title></head>"
        "<body><h1>Rain closes the mountain pass</h1><p>Text.</p></body></html>"
    )
    assert read_metadata(parse_page(page, "x.html", [])).title == "Rain closes the mountain pass"
