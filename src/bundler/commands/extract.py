"""``bundler extract``: print one cleaned piece (text, json or html)."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

from bundler.commands import Command
from bundler.commands._capture import base_url_option
from bundler.commands._warnings import empty_body_refusals
from bundler.errors import ImportError_
from bundler.importers import ImportOptions, read_piece
from bundler.importers.piece import stored_piece_data


def add_arguments(parser) -> None:
    parser.add_argument("path", help="an HTML, text, Markdown or WARC file")
    parser.add_argument(
        "--format",
        choices=("text", "json", "html"),
        default="text",
        help="text: running text only; json: the whole piece as 'bundler import' stores it (photos named media/HASH.EXT); html: cleaned XHTML, photos inline",
    )
    parser.add_argument("--base-url", default="", help="resolve relative links against this URL")
    parser.add_argument(
        "--allow-empty",
        action="store_true",
        help="print a page whose article came out empty or far smaller than the page (refused otherwise, as by import)",
    )


_NOTE_REF = re.compile(r"(<sup>)?<a href=\"#note-[^\"]*\">[^<]*</a>(</sup>)?")


def piece_text(piece) -> str:
    """The article's running text, one block per line, figures, captions and note markers left out.

    The title and standfirst come first: a reader's idea of "the article text" (and the
    usual human ground truth for extraction benchmarks) starts with the headline.
    """
    from bundler.cleaning.blocks import text_of as plain
    from bundler.model import Heading, ListBlock, Paragraph, Preformatted, Quote, Table

    def text_of(fragment: str) -> str:
        return plain(_NOTE_REF.sub("", fragment))

    lines: list[str] = [piece.title]
    lines += [text_of(p.html) for p in piece.standfirst]

    def walk(blocks) -> None:
        for block in blocks:
            if isinstance(block, (Paragraph, Heading)):
                lines.append(text_of(block.html))
            elif isinstance(block, ListBlock):
                for item in block.items:
                    walk(item)
            elif isinstance(block, Quote):
                walk(block.blocks)
            elif isinstance(block, Preformatted):
                lines.append(block.text)
            elif isinstance(block, Table):
                for row in block.header + block.rows:
                    lines.append(" | ".join(text_of(c) for c in row))

    walk(piece.body)
    return "\n".join(line.strip() for line in lines if line.strip())


def run(args, ui) -> int:
    # The page's own photos go to a folder of this run, removed when it ends: the output names
    # them by content (json) or carries them (html), never by a temporary path that differs per run.
    with tempfile.TemporaryDirectory(prefix="bundler-extract-") as media:
        piece = read_piece(args.path, ImportOptions(base_url=base_url_option(args.base_url), media_dir=Path(media)))
        refused = empty_body_refusals(piece, str(args.path), args.allow_empty)
        if refused:
            raise ImportError_(problems=refused)
        if args.format == "json":
            ui.out(json.dumps(stored_piece_data(piece), ensure_ascii=False, indent=2))
        elif args.format == "html":
            ui.out(_piece_html(piece))
        else:
            ui.out(piece_text(piece))
    return 0


def _piece_html(piece) -> str:
    """The piece as one XHTML page, its stored photos inline as ``data:`` URIs (the page stands alone)."""
    from bundler.model import Dossier, Section
    from bundler.render.assets import data_uri
    from bundler.render.xhtml import Target, render_document, render_piece

    dossier = Dossier(
        title=piece.title,
        identifier="",
        slug="extract",
        sections=(Section("", (piece,)),),
        language=piece.language,
        direction=piece.direction,
    )

    def media_href(figure) -> str | None:
        image = figure.image
        if image is None:
            return None
        if not image.path:
            return image.url or None
        return data_uri(Path(image.path).read_bytes(), image.media_type or "application/octet-stream")

    target = Target(href_for=lambda slug: f"#{slug}", media_href=media_href)
    return render_document(render_piece(piece, dossier, target), piece.title, piece.language)


COMMANDS = {"extract": Command("print one cleaned piece to stdout", add_arguments, run)}
