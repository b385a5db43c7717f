"""``dom.remove``: one helper takes an element out and keeps its tail; a blank tail is kept only when asked.

The cleaners drop a whitespace-only tail (layout newlines between blocks are not text);
reading a heading's title word by word keeps it, or two words either side of a removed
button would run together.
"""

from __future__ import annotations

from lxml import html as lxml_html

from bundler.cleaning.dom import remove
from bundler.cleaning.metadata import heading_title


def _fragment(markup: str):
    return lxml_html.fragment_fromstring(markup, create_parent="div")


def test_text_tail_is_kept_after_the_previous_sibling_or_in_the_parent():
    root = _fragment("<b>one</b><i>gone</i> two<u>gone</u> three")
    remove(root.find("i"))
    remove(root.find("u"))
    assert root.text_content() == "one two three"
    first = _fragment("<i>gone</i>lead <b>x</b>")
    remove(first.find("i"))
    assert first.text == "lead " and first.text_content() == "lead x"


def test_blank_tail_is_dropped_by_default_and_kept_on_request():
    dropped = _fragment("<b>Foo</b><button>Copy</button> <b>Bar</b>")
    remove(dropped.find("button"))
    assert dropped.text_content() == "FooBar"
    kept = _fragment("<b>Foo</b><button>Copy</button> <b>Bar</b>")
    remove(kept.find("button"), keep_blank_tail=True)
    assert kept.text_content() == "Foo Bar"
    first = _fragment("<button>Copy</button> <b>Bar</b>")
    remove(first.find("button"), keep_blank_tail=True)
    assert first.text == " "


def test_removing_the_root_is_a_no_op():
    root = _fragment("<b>kept</b>")
    remove(root)
    assert root.text_content() == "kept"


def test_heading_title_keeps_the_space_where_a_button_stood():
    heading = lxml_html.fragment_fromstring(
        '<h2><span>Struct</span><button>Copy item path</button> <code>Vec</code><a href="#x">¶</a></h2>'
    )
    assert heading_title(heading) == "Struct Vec"
