"""Find the furniture that closes an article inside its own container: the writer's bio, doubled lines.

``cleaning.asides`` removes author cards it can tell by their link to the author's page. Many
sites print the bio as plain paragraphs at the end of the story, with no such link: the
writer's name on a line of its own, perhaps a job title, then "Jane Doe is a reporter who
...". The page's metadata names the writer, so the rule needs no words of any language:

- a *closing bio* is one of the last blocks of the body that is the writer's name, or opens
  with their full name (or, right after such a line, with their first name); a short line
  between them (the job title) and the heading over them ("About the author") go with them.

Two more rules read words, in several languages, and only at the end of the body, where a
site's furniture follows the story:

- a *closing section* is a short last section whose heading names furniture ("Disclaimer",
  "About the author", "Media contact"); a section the story goes on after is the writer's own;
- a *closing line* is one of the last paragraphs that is a plea for donations, a "did you
  enjoy this?", an affiliate disclosure or a last-updated stamp (a licence notice stays: who may reuse the text
  matters to an archive).

A block the same as the one before it (a price box's "Save 15%" printed for two screen sizes)
is dropped as well: a reader never needs a line twice in a row.

The thresholds live in ``rules/closing.yaml``.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from pathlib import Path

from bundler.cleaning import read_rules
from bundler.cleaning.blocks import text_of
from bundler.cleaning.content import block_text, without_note_references
from bundler.cleaning.measure import WORD
from bundler.model import Block, FigureBlock, Heading, ListBlock, Paragraph
from bundler.text.typography import normalise_space

_RULES = Path(__file__).with_name("rules") / "closing.yaml"


@cache
def _rules() -> dict:
    return read_rules(_RULES)


def drop_closing_bio(blocks: list[Block], authors: list[str]) -> list[Block]:
    """``blocks`` without the writer's bio among the last ``bio_window`` text blocks (see the module)."""
    names = [_words(a) for a in authors]
    names = [n for n in names if n]
    if not names or len(blocks) < 2:
        return blocks
    window = _tail_indexes(blocks, _rules()["bio_window"])
    dropped: set[int] = set()
    opened_by_name = False
    for index in window:
        block = blocks[index]
        if not isinstance(block, Paragraph):
            opened_by_name = False
            continue
        words = _words(text_of(block.html))
        if _is_name_line(words, names) or _opens_with_full_name(words, names):
            dropped.add(index)
            opened_by_name = True
        elif opened_by_name and (_opens_with_first_name(words, names) or len(words) <= _rules()["title_line_words"]):
            dropped.add(index)  # the bio after a name line ("Jane is ..."), or the job title under it
        else:
            opened_by_name = False
    story = [i for i, b in enumerate(blocks) if _has_text(b) and i not in dropped]
    if not dropped or len(story) < _rules()["min_story_blocks"]:
        return blocks  # nothing found, or hardly anything but the bio: it may be the page's point
    dropped |= _heading_over(blocks, dropped)
    return [b for i, b in enumerate(blocks) if i not in dropped]


def drop_closing_furniture(blocks: list[Block]) -> list[Block]:
    """``blocks`` without a closing section or closing lines among the last ``closing_window`` text blocks."""
    rules = _rules()
    window = _tail_indexes(blocks, rules["closing_window"])
    dropped = {i for i in window if isinstance(blocks[i], Paragraph) and _closing_line().match(normalise_space(text_of(blocks[i].html)))}
    for index in window:
        block = blocks[index]
        if _is_closing_heading(block):
            rest = range(index, len(blocks))
            last_section = all(_is_closing_heading(blocks[i]) for i in rest if isinstance(blocks[i], Heading))
            if last_section and sum(len(_words(block_text(blocks[i]))) for i in rest) <= rules["section_max_words"]:
                dropped |= set(rest)
            break
    if not dropped:
        return blocks
    return [b for i, b in enumerate(blocks) if i not in dropped]


def _is_closing_heading(block: Block) -> bool:
    return isinstance(block, Heading) and bool(_closing_heading().match(normalise_space(text_of(block.html))))


@cache
def _closing_heading() -> re.Pattern[str]:
    alternatives = "|".join(f"(?:{p})" for p in _rules()["closing_headings"])
    return re.compile(rf"^(?:{alternatives})\s*[:：.]?$", re.IGNORECASE | re.UNICODE)


@cache
def _closing_line() -> re.Pattern[str]:
    alternatives = "|".join(f"(?:{p})" for p in _rules()["closing_lines"])
    return re.compile(rf"^(?:{alternatives})$", re.IGNORECASE | re.UNICODE)


def drop_doubled_blocks(blocks: list[Block]) -> list[Block]:
    """Drop a paragraph or heading whose text is the same as the block just before it."""
    kept: list[Block] = []
    previous = ""
    for block in blocks:
        text = _html_key(without_note_references(block.html)) if isinstance(block, (Paragraph, Heading)) else ""
        if text and text == previous:
            continue
        previous = text
        kept.append(block)
    return kept


def _key(block: Block) -> str:
    if isinstance(block, (Paragraph, Heading)):
        return _html_key(block.html)
    return ""


@lru_cache(maxsize=8192)
def _html_key(html: str) -> str:
    """The words of a block's markup: the three closing passes (and ``_tail_indexes`` in each) ask
    it of every block of the body, so each block's text is read and split once."""
    return " ".join(_words(text_of(html)))


def _tail_indexes(blocks: list[Block], size: int) -> list[int]:
    """Indexes of the last ``size`` blocks that hold text (figures and rules do not count), in order;
    never more than the second half of them: a short brief's lead may open with its writer's name."""
    found = [i for i in range(len(blocks) - 1, -1, -1) if _has_text(blocks[i])]
    return sorted(found[: min(size, len(found) // 2)])


def _has_text(block: Block) -> bool:
    return not isinstance(block, FigureBlock) and bool(_key(block) or isinstance(block, ListBlock))


def _heading_over(blocks: list[Block], dropped: set[int]) -> set[int]:
    """The short heading right above the first dropped block, when nothing but dropped blocks follows it."""
    first = min(dropped)
    before = first - 1
    if before < 0 or not isinstance(blocks[before], Heading):
        return set()
    if len(_key(blocks[before]).split()) > _rules()["title_line_words"]:
        return set()
    following = [i for i in range(first, len(blocks)) if _has_text(blocks[i])]
    return {before} if all(i in dropped for i in following) else set()


def _words(text: str) -> list[str]:
    return WORD.findall(normalise_space(text).lower())


def _is_name_line(words: list[str], names: list[list[str]]) -> bool:
    """The block is a writer's name, perhaps with a title after a comma ("Jane Doe, MD")."""
    return any(words[: len(n)] == n and len(words) <= len(n) + 2 for n in names)


def _opens_with_full_name(words: list[str], names: list[list[str]]) -> bool:
    return any(len(n) >= 2 and words[: len(n)] == n and len(words) > len(n) + 2 for n in names)


def _opens_with_first_name(words: list[str], names: list[list[str]]) -> bool:
    return any(len(n) >= 2 and words[:1] == n[:1] for n in names)
