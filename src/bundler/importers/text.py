"""Plain-text dumps: title line, date line, paragraphs, photo lines, trailing boilerplate.

This is the shape of text copied out of a browser (the seed article): blank lines separate
blocks; a photo shows up as its alt line immediately followed by its caption with the
credit in parentheses; the site's furniture trails at the end.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from bundler import __version__
from bundler.cleaning.boilerplate import is_boilerplate
from bundler.cleaning.completeness import title_only_problem
from bundler.cleaning.credits import split_credit
from bundler.codes import coded
from bundler.errors import ImportError_
from bundler.importers import ImportOptions, Source
from bundler.importers.limits import read_text_source
from bundler.model import Figure, FigureBlock, Paragraph, Piece, Provenance
from bundler.text.dates import parse_date
from bundler.text.encoding import decode_bytes, looks_binary
from bundler.text.language import choose_language, direction_of
from bundler.text.plain import sha256_bytes, slugify
from bundler.text.typography import normalise_space, smarten

#: An all-capitals lead-in ("AT THE time of writing") marks where a story's body starts;
#: whatever comes before it is the standfirst.
_LEAD_IN = re.compile(r"^[A-Z][A-Z'’\-]+(?:\s+[A-Z][A-Z'’\-]*)+\s+[a-z]")
_MAX_STANDFIRST = 3


def read_text(path: Path, options: ImportOptions) -> Piece:
    """Import one plain-text article."""
    raw = read_text_source(path, "plain-text")
    if looks_binary(raw):
        raise ImportError_(
            f"{path.name} is a binary file, not text", code="E112", file=str(path), hint="give bundler a .txt, .md or saved .html file"
        )
    text, encoding_warnings = decode_bytes(raw)
    blocks = _split_blocks(text)
    if not blocks:
        raise ImportError_(f"{path.name} has no text to import", code="E111", file=str(path), hint="is the file empty?")
    warnings = list(encoding_warnings)
    title = blocks.pop(0)
    date = ""
    if blocks and parse_date(blocks[0]):
        date = parse_date(blocks.pop(0)) or ""
    while blocks and is_boilerplate(blocks[-1]):
        blocks.pop()
    blocks = [b for b in blocks if not is_boilerplate(b)]
    language = choose_language(" ".join(blocks[:10]) or title, forced=options.language).tag
    body, figure_warnings = _blocks_to_body(blocks, language)
    warnings += figure_warnings
    standfirst, body = _split_standfirst(body)
    warnings += title_only_problem(body, standfirst, "text")
    return Piece(
        title=smarten(title, language),
        body=tuple(body),
        standfirst=tuple(standfirst),
        date=date,
        language=language,
        direction=direction_of(language),
        slug=slugify(title, fallback=slugify(path.stem)),
        provenance=Provenance(
            source_path=options.source_label or path.name,
            source_sha256=sha256_bytes(raw),
            importer="text",
            importer_version=__version__,
            warnings=tuple(warnings),
        ),
    )


def _split_blocks(text: str) -> list[str]:
    """Blocks separated by blank lines; lines inside a block keep their breaks."""
    chunks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    return [c.strip("\n") for c in chunks if c.strip()]


def _blocks_to_body(blocks: list[str], language: str) -> tuple[list, list[str]]:
    body: list = []
    warnings: list[str] = []
    for block in blocks:
        figure = _figure_from_block(block, language)
        if figure is not None:
            body.append(FigureBlock(figure))
            warnings.append(coded("W141", f"figure {figure.caption!r}: no image in a plain-text source; caption and credit kept"))
            continue
        body.append(Paragraph(html.escape(smarten(normalise_space(block), language), quote=False)))
    return body, warnings


def _figure_from_block(block: str, language: str) -> Figure | None:
    """Recognise "alt line / caption (credit)" pairs left where a photo was."""
    lines = [normalise_space(line) for line in block.split("\n") if line.strip()]
    if len(lines) == 2 and lines[1].startswith(lines[0]) and len(lines[0].split()) <= 30:
        caption, credit = split_credit(lines[1])
        return Figure(
            image=None, alt=smarten(lines[0], language), caption=html.escape(smarten(caption, language), quote=False), credit=credit
        )
    if len(lines) == 1 and len(lines[0].split()) <= 30 and not lines[0].endswith((".", "!", "?", ":", "؟")):
        caption, credit = split_credit(lines[0])
        if credit and caption:
            return Figure(
                image=None, alt=smarten(caption, language), caption=html.escape(smarten(caption, language), quote=False), credit=credit
            )
    return None


def _split_standfirst(body: list) -> tuple[list[Paragraph], list]:
    """Paragraphs before an all-capitals lead-in are the standfirst (at most three)."""
    for index, block in enumerate(body[: _MAX_STANDFIRST + 1]):
        if isinstance(block, Paragraph) and _LEAD_IN.match(html.unescape(block.html)):
            if 0 < index and all(isinstance(b, Paragraph) for b in body[:index]):
                return list(body[:index]), body[index:]
            break
    return [], body


def _looks_like_text(head: bytes) -> bool:
    return b"\x00" not in head and not head.lstrip().startswith((b"<", b"\xef\xbb\xbf<"))


SOURCES = {
    "text": Source(read=read_text, suffixes=(".txt", ".text"), sniff=_looks_like_text, description="plain text"),
}
