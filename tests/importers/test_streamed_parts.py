"""A page streamed in parts (React server rendering) is imported whole, each part in its place.

The fixture is written here: the article's first section is in place, the second arrives at
the end of the body as ``<div hidden id="S:1">`` for the ``<template id="P:1">`` placeholder,
and the third as ``<div hidden id="S:2">`` for a ``<template id="B:2">`` still loading. No
script runs offline, so before the parts were moved they stayed hidden and were dropped.
"""

from __future__ import annotations

from bundler.importers import ImportOptions, read_piece
from bundler.model import Heading, Paragraph

SECTIONS = [
    (
        "How the ferry timetable is set",
        "The harbour board meets each autumn to set the winter timetable, weighing the tides, the crew rosters "
        "and the number of school children who cross each morning to the secondary school on the mainland.",
    ),
    (
        "Why the evening crossing was cut",
        "Last winter the evening crossing carried fewer than ten passengers on most days, and the board moved "
        "its crew to the early boat, which had been leaving travellers behind on the pier in bad weather.",
    ),
    (
        "What islanders can do",
        "Islanders who need a late crossing for work can ask for the request boat, which runs on two days' "
        "notice; the board will review the numbers again in March before the summer timetable is printed.",
    ),
]


def streamed_page() -> str:
    def section(index: int) -> str:
        heading, text = SECTIONS[index]
        return f"<h2>{heading}</h2><p>{text}</p>"

    return (
        "<!doctype html><html lang='en'><head><title>The winter ferry timetable</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        "<main><article><h1>The winter ferry timetable</h1>"
        f"{section(0)}<div><template id='P:1'></template></div>"
        "<template id='B:2'></template><div>Loading...</div>"
        "</article></main><footer>The island news</footer>"
        f"<div hidden id='S:1'>{section(1)}</div><div hidden id='S:2'>{section(2)}</div>"
        "</body></html>"
    )


def test_every_streamed_part_is_imported_in_its_place(tmp_path):
    page = tmp_path / "ferry.html"
    page.write_text(streamed_page(), encoding="utf-8")
    piece = read_piece(page, ImportOptions())
    headings = [b.html for b in piece.body if isinstance(b, Heading)]
    assert headings == [heading for heading, _text in SECTIONS]
    text = " ".join(b.html for b in piece.body if isinstance(b, Paragraph))
    positions = [text.find(body[:60]) for _heading, body in SECTIONS]
    assert -1 not in positions and positions == sorted(positions), text
    assert "W130" not in " ".join(piece.provenance.warnings)


def test_a_hidden_part_without_its_placeholder_stays_hidden(tmp_path):
    page = tmp_path / "orphan.html"
    html = streamed_page().replace("<template id='P:1'></template>", "")
    page.write_text(html, encoding="utf-8")
    text = " ".join(b.html for b in read_piece(page, ImportOptions()).body if isinstance(b, Paragraph))
    assert SECTIONS[1][1][:60] not in text  # nothing says where it goes: hidden content stays out
    assert SECTIONS[2][1][:60] in text
