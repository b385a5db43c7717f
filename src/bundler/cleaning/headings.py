"""Heading levels inside a piece: a clean outline under the piece title.

The piece title is the document's ``<h1>``; the body's headings start at ``<h2>`` and never
skip a level (Ace's heading-order rule; screen readers navigate by it). Source pages jump
(``h2`` then ``h5``), start deep (an ``h4`` for the first section) and keep buttons as headings
("Read Later" as ``<h6>``). Every importer's blocks pass through ``normalise_headings``.
The button texts are data in ``rules/headings.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from lxml import etree

from bundler.cleaning import read_rules
from bundler.cleaning.blocks import parse_inline, text_of
from bundler.model import Block, Heading, ListBlock, Paragraph, Quote, map_blocks
from bundler.text.typography import normalise_space

_RULES = Path(__file__).with_name("rules") / "headings.yaml"
FIRST_LEVEL = 2  # the piece title is level 1
LAST_LEVEL = 6


@dataclass(frozen=True)
class HeadingRules:
    """The parsed ``headings.yaml``."""

    max_words: int
    ui_text: re.Pattern[str]


@cache
def heading_rules() -> HeadingRules:
    """Load the heading rules once per process."""
    data = read_rules(_RULES)
    pattern = "|".join(f"(?:{p})" for p in data["ui_text"])
    return HeadingRules(max_words=int(data["max_words"]), ui_text=re.compile(rf"^(?:{pattern})[\s.!:…]*$", re.I))


def normalise_headings(blocks: tuple[Block, ...]) -> tuple[Block, ...]:
    """Drop button headings, demote headings with nothing under them, and renumber levels without jumps."""
    flat = _without_buttons(blocks)
    return _relevel(_demote_empty(flat), _Outline())


def is_button_heading(heading: Heading) -> bool:
    """A short heading whose text is a control ("Read Later", "Share this") rather than a title."""
    text = normalise_space(text_of(heading.html))
    rules = heading_rules()
    return not text or (len(text.split()) <= rules.max_words and bool(rules.ui_text.match(text)))


def is_link_only(heading: Heading) -> bool:
    """A heading that is one link and nothing else: a teaser for another page, not a section title."""
    if "<a" not in heading.html:  # no link element at all (most headings): nothing to parse
        return False
    try:
        holder = parse_inline(heading.html)
    except etree.XMLSyntaxError:  # repaired before this runs; a heading that is not XML is no link
        return False
    children = [c for c in holder if isinstance(c.tag, str)]
    return (
        len(children) == 1
        and children[0].tag == "a"
        and not (holder.text or "").strip()
        and not (children[0].tail or "").strip()
        and bool(children[0].get("href"))
    )


def _without_buttons(blocks: tuple[Block, ...]) -> tuple[Block, ...]:
    kept: list[Block] = []
    for block in blocks:
        if isinstance(block, Heading) and is_button_heading(block):
            continue
        if isinstance(block, Heading) and is_link_only(block):
            block = Paragraph(block.html)
        elif isinstance(block, Quote):
            block = replace(block, blocks=_without_buttons(block.blocks))
        elif isinstance(block, ListBlock):
            block = replace(block, items=tuple(_without_buttons(item) for item in block.items))
        kept.append(block)
    return tuple(kept)


def _demote_empty(blocks: tuple[Block, ...]) -> tuple[Block, ...]:
    """A heading followed by nothing, or straight by a heading of its rank or above, titles nothing: a paragraph."""
    result: list[Block] = []
    for index, block in enumerate(blocks):
        if isinstance(block, Heading):
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            if following is None or (isinstance(following, Heading) and following.level <= block.level):
                block = Paragraph(block.html)
        result.append(block)
    return tuple(result)


@dataclass
class _Outline:
    """Source levels of the headings still open, outermost first."""

    open_levels: list[int] = field(default_factory=list)

    def level_for(self, source_level: int) -> int:
        while self.open_levels and self.open_levels[-1] >= source_level:
            self.open_levels.pop()
        self.open_levels.append(source_level)
        return min(FIRST_LEVEL - 1 + len(self.open_levels), LAST_LEVEL)


def _relevel(blocks: tuple[Block, ...], outline: _Outline) -> tuple[Block, ...]:
    """Renumber in document order (nested quotes and lists included), one outline for the piece."""
    return map_blocks(blocks, lambda block: Heading(outline.level_for(block.level), block.html) if isinstance(block, Heading) else block)
