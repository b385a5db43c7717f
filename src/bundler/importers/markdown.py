"""Markdown notes with YAML front matter: how editors write introductions and timelines."""

from __future__ import annotations

import html
import re
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from bundler import __version__
from bundler.cleaning.blocks import html_to_blocks, parse_fragment, text_of
from bundler.cleaning.completeness import title_only_problem
from bundler.cleaning.figures import FigureContext
from bundler.cleaning.notes import extract_notes
from bundler.codes import coded
from bundler.errors import ImportError_
from bundler.importers import ImportOptions, Source
from bundler.importers.front_matter import load_front_matter
from bundler.importers.limits import read_text_source
from bundler.model import Block, Heading, Note, Paragraph, Piece, Provenance
from bundler.text.dates import parse_date
from bundler.text.encoding import decode_bytes, looks_binary
from bundler.text.language import choose_language, direction_of
from bundler.text.plain import sha256_bytes, slugify
from bundler.text.typography import smarten

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n(?:---|\.\.\.)\s*(?:\n|\Z)", re.S)


def split_front_matter(text: str, path: Path) -> tuple[dict, str]:
    """Return the YAML front matter (a mapping, possibly empty) and the Markdown after it."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    meta = load_front_matter(match.group(1), path)
    return meta, text[match.end() :]


#: Quotes and lists nested deeper than this are refused. markdown-it stops at its ``maxNesting`` (20 in the
#: commonmark preset) without a word and drops what lies below and everything after it: a list ten levels
#: deep lost its last items and every paragraph that followed.
MAX_MARKDOWN_NESTING = 100


def _renderer() -> MarkdownIt:
    # markdown-it loads here, not with the module: every import of a web page registers this importer too (~35 ms)
    from markdown_it import MarkdownIt
    from mdit_py_plugins.footnote import footnote_plugin

    renderer = (
        MarkdownIt("commonmark", {"html": True, "typographer": False, "maxNesting": MAX_MARKDOWN_NESTING})
        .enable("table")
        .enable("strikethrough")
        .use(footnote_plugin)
    )
    renderer.add_render_rule("html_block", _raw_html_block)
    renderer.add_render_rule("html_inline", _raw_html_inline)
    return renderer


#: An HTML comment: the writer's note to themselves (``<!-- check the date -->``).
_COMMENT = re.compile(r"<!--.*?-->", re.S)


def _raw_html_block(self, tokens, index, options, env) -> str:
    """Raw HTML in Markdown is shown as the text it is, never run; an HTML comment is left out.

    A comment is what a Markdown writer uses for a note nobody should read (a source to check,
    a name to keep out): every Markdown renderer hides it, and a dossier must not print it.
    """
    content = _COMMENT.sub("", tokens[index].content).strip("\n")
    return "<p>" + html.escape(content, quote=False) + "</p>\n" if content.strip() else ""


def _raw_html_inline(self, tokens, index, options, env) -> str:
    """Inline raw HTML as its text (``_raw_html_block``); an inline comment left out."""
    content = tokens[index].content
    return "" if content.startswith("<!--") else html.escape(content, quote=False)


def render_markdown(markdown: str) -> str:
    """Markdown as HTML; E834 when it is nested so deep that markdown-it would drop text (see MAX_MARKDOWN_NESTING)."""
    renderer = _renderer()
    env: dict = {}
    tokens = renderer.parse(markdown, env)
    if any(token.level >= MAX_MARKDOWN_NESTING - 1 for token in tokens):
        raise ImportError_(
            f"the Markdown nests quotes or lists more than {MAX_MARKDOWN_NESTING} levels deep; the text below would be lost",
            code="E834",
            hint="flatten the nesting (fewer '>' or less indented list items)",
        )
    return renderer.renderer.render(tokens, renderer.options, env)


def markdown_to_blocks(markdown: str, language: str = "en", figure_hook=None) -> list[Block]:
    """Render Markdown (raw HTML shown as its text, never run; HTML comments left out) into the block vocabulary (footnote markers stay as links)."""
    return html_to_blocks(parse_fragment(render_markdown(markdown)), language, figure_hook=figure_hook)


def markdown_to_piece_parts(markdown: str, language: str, context: FigureContext) -> tuple[list[Block], list[Note]]:
    """Blocks with ``![alt](src "title")`` images as figures and ``[^1]`` footnotes as notes."""
    fragment = parse_fragment(render_markdown(markdown))
    for img in fragment.iter("img"):  # the image title is its caption
        if img.get("title") and img.getparent() is not None and img.getparent().tag == "p" and len(img.getparent()) == 1:
            holder = img.getparent()
            holder.tag = "figure"
            caption = etree.SubElement(holder, "figcaption")
            caption.text = img.attrib.pop("title")
    notes, _containers = extract_notes(fragment, language)
    return html_to_blocks(fragment, language, figure_hook=context.hook), notes


def read_markdown(path: Path, options: ImportOptions) -> Piece:
    """Import a Markdown file; the title comes from front matter or the first heading."""
    raw = read_text_source(path, "Markdown")
    if not raw.strip():
        raise ImportError_(f"{path.name} is empty", code="E111", file=str(path), hint="write the article into it, or leave it out")
    if looks_binary(raw):
        raise ImportError_(
            f"{path.name} is a binary file, not Markdown", code="E112", file=str(path), hint="give bundler a .md, .txt or saved .html file"
        )
    text, warnings = decode_bytes(raw)
    meta, markdown = split_front_matter(text, path)
    choice = choose_language(markdown, str(meta.get("language") or meta.get("lang") or ""), forced=options.language)
    language = choice.tag
    context = FigureContext(page_dir=path.parent, base_url="", media_dir=options.media_dir, language=language, damage=options.damage)
    try:
        body, notes = markdown_to_piece_parts(markdown, language, context)
    except ImportError_ as exc:  # say which file: the renderer does not know it
        raise ImportError_(problems=[replace(p, file=str(path)) for p in exc.problems]) from exc
    warnings = list(warnings) + context.warnings + list(choice.warnings)
    standfirst = meta.get("standfirst") or meta.get("summary") or meta.get("description") or ""
    title = str(meta.get("title") or "")
    if not title and body and isinstance(body[0], Heading):
        title = text_of(body.pop(0).html)
    if not title:
        title = path.stem.replace("-", " ").replace("_", " ").strip().capitalize()
    warnings += title_only_problem(body, standfirst, "Markdown")
    authors = meta.get("authors") or meta.get("author") or ()
    if isinstance(authors, str):
        authors = (authors,)
    date = str(meta.get("date") or "")
    if date and not parse_date(date):
        warnings.append(coded("W651", f"front matter date {date[:40]!r} is not a date; the piece has none (write it as YYYY-MM-DD)"))
    return Piece(
        title=title,
        body=tuple(body),
        standfirst=(Paragraph(html.escape(smarten(str(standfirst), language), quote=False)),) if standfirst else (),
        notes=tuple(notes),
        authors=tuple(str(a) for a in authors),
        date=parse_date(date) or "" if date else "",
        source_url=str(meta.get("source_url") or meta.get("url") or ""),
        site=str(meta.get("site") or ""),
        language=language,
        direction=direction_of(language),
        slug=slugify(str(meta.get("slug") or title), fallback=slugify(path.stem)),  # a slug names a folder: never '../x'
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
