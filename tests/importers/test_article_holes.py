"""An untrusted root keeps the blocks in the holes trafilatura left in the article it read.

trafilatura drops parts of an article it otherwise finds (the later entries of a list article,
a price list, short paragraphs). Inside a weak root (``<main>``, the whole body) the importer
used to keep only the blocks trafilatura agreed with, and lost them; now the blocks between
the first and the last one it agrees with stay, unless they are mostly links.
"""

from __future__ import annotations

from lxml import html as lxml_html

from bundler.cleaning.blocks import html_to_blocks
from bundler.cleaning.content import Support, block_text, select_blocks

ENTRIES = [
    "The cottage of the lighthouse keeper at the northern cape has been restored by volunteers over three winters, "
    "and its kitchen now serves soup to walkers who reach the headland before the afternoon fog rolls in.",
    "Further south the salt marsh boardwalk runs for two kilometres between reed beds where herons nest; the "
    "wardens ask visitors to keep dogs on a short lead between March and July while the chicks are fledging.",
    "The ferry to the island leaves twice a day in summer and once in winter, weather allowing, and the crossing "
    "takes forty minutes past the seal colony that basks on the sandbank at low tide.",
    "At the old rope works a small museum shows how hemp was twisted into cable for ships along a walk four hundred "
    "metres long, with a working machine that children are allowed to turn on Saturday mornings.",
]
MENU = ["Home", "Walks", "Ferries", "Museums", "Contact us"]


def page_blocks() -> list:
    """A root holding a menu, four entries and a footer line, read into blocks."""
    menu = "<ul>" + "".join(f'<li><a href="/{m.lower()}">{m}</a></li>' for m in MENU) + "</ul>"
    entries = "".join(f"<h2>Stop {n}</h2><p>{text}</p>" for n, text in enumerate(ENTRIES, 1))
    related = '<ul><li><a href="/a">Ten more coastal walks</a></li><li><a href="/b">Where to eat on the cape</a></li></ul>'
    # the related list sits between the entries: it is mostly links, so it stays out
    middle = entries.replace("<h2>Stop 3</h2>", related + "<h2>Stop 3</h2>")
    root = lxml_html.fromstring(f"<main>{menu}{middle}<p>Copyright the coast trust, all rights reserved.</p></main>")
    return html_to_blocks(root, "en", "")


def test_the_entries_trafilatura_dropped_between_those_it_kept_stay():
    blocks = page_blocks()
    # trafilatura read the first and the last entry only (it took the middle ones for teasers)
    support = Support(ENTRIES[0] + "\n" + ENTRIES[3])
    kept = " ".join(block_text(b) for b in select_blocks(blocks, support, trusted=False))
    for entry in ENTRIES:
        assert entry in kept
    assert "Stop 2" in kept and "Stop 3" in kept  # the headings of the entries in the hole
    assert "Ten more coastal walks" not in kept  # a link list inside the span is not the article
    assert "Contact us" not in kept and "Copyright" not in kept  # the menu and footer lie outside the span


def test_without_a_hole_only_the_agreed_blocks_of_an_untrusted_root_stay():
    blocks = page_blocks()
    kept = " ".join(block_text(b) for b in select_blocks(blocks, Support(ENTRIES[1]), trusted=False))
    assert ENTRIES[1] in kept
    assert ENTRIES[0] not in kept and ENTRIES[2] not in kept
