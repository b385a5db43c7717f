"""Markdown notes with YAML front matter: how editors write introductions and timelines."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from markdown_it import MarkdownIt

from bundler import __version__
from bundler.blocks import html_to_blocks, parse_fragment
from bundler.dates import parse_date
from bundler.encoding import decode_bytes
from bundler.errors import ImportError_
from bundler.importers import ImportOptions, Source
from bundler.model import Block, Heading, Piece, Provenance
from bundler.text import detect_language, direction_of, sha256_bytes, slugify

_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n(?:---|\.\.\.)\s*(?:\n|\Z)", re.S)


def split_front_matter(text: str, path: Path) -> tuple[dict, str]:
    """Return the YAML front matter (a mapping, possibly empty) and the Markdown after it."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", 0) + 2
        raise ImportError_(f"front matter is not valid YAML: {getattr(exc, 'problem', exc)}", file=str(path), line=line) from exc
    if not isinstance(meta, dict):
        raise ImportError_("front matter must be a mapping of keys to values", file=str(path), line=2)
    return meta, text[match.end() :]


def markdown_to_blocks(markdown: str, language: str = "en") -> list[Block]:
    """Render Markdown (raw HTML disabled) into the block vocabulary."""
    renderer = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table").enable("strikethrough")
    return html_to_blocks(parse_fragment(renderer.render(markdown)), language)


def read_markdown(path: Path, options: ImportOptions) -> Piece:
    """Import a Markdown file; the title comes from front matter or the first heading."""
    raw = path.read_bytes()
    text, warnings = decode_bytes(raw)
    meta, markdown = split_front_matter(text, path)
    language = options.language or str(meta.get("language") or meta.get("lang") or detect_language(markdown))
    body = markdown_to_blocks(markdown, language)
    title = str(meta.get("title") or "")
    if not title and body and isinstance(body[0], Heading):
        from bundler.blocks import text_of

        title = text_of(body.pop(0).html)
    if not title:
        title = path.stem.replace("-", " ").replace("_", " ").strip().capitalize()
    authors = meta.get("authors") or meta.get("author") or ()
    if isinstance(authors, str):
        authors = (authors,)
    date = str(meta.get("date") or "")
    return Piece(
        title=title,
        body=tuple(body),
        authors=tuple(str(a) for a in authors),
        date=parse_date(date) or "" if date else "",
        source_url=str(meta.get("source_url") or meta.get("url") or ""),
        site=str(meta.get("site") or ""),
        language=language,
        direction=direction_of(language),
        slug=str(meta.get("slug") or slugify(title, fallback=slugify(path.stem))),
        provenance=Provenance(
            source_path=options.source_label or path.name,
            source_sha256=sha256_bytes(raw),
            source_url=str(meta.get("source_url") or meta.get("url") or ""),
            importer="markdown",
            importer_version=__version__,
            warnings=tuple(warnings),
        ),
    )


SOURCES = {
    "markdown": Source(read=read_markdown, suffixes=(".md", ".markdown"), description="Markdown with YAML front matter"),
}
