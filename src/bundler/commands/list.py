"""``bundler list``: the table of contents with word counts, dates, languages and figures."""

from __future__ import annotations

import json

from bundler.codes import severity, split_coded
from bundler.commands import Command
from bundler.model import Dossier, Piece
from bundler.text.plain import word_count


def add_arguments(parser) -> None:
    parser.add_argument("collection", help="collection folder (or its collection.yaml)")
    parser.add_argument("--json", action="store_true", help="print the table of contents as JSON")


def piece_summary(piece: Piece) -> dict:
    """What an editor wants to see about one piece at a glance."""
    from bundler.commands.extract import piece_text

    figures = piece.figures
    return {
        "title": piece.title,
        "slug": piece.slug,
        "source": piece.provenance.source_path,
        "words": word_count(piece_text(piece)),
        "date": piece.date,
        "language": piece.language,
        "direction": piece.direction,
        "figures": len(figures),
        "figures_without_image": sum(1 for f in figures if f.image is None or not f.image.path),
        "warnings": list(piece.provenance.warnings),
    }


def table_of_contents(dossier: Dossier) -> dict:
    """The dossier as nested plain data: front matter, sections with pieces, back matter."""
    return {
        "title": dossier.title,
        "language": dossier.language,
        "direction": dossier.direction,
        "front": [{"title": p.title, "kind": p.kind} for p in dossier.front_matter],
        "sections": [{"title": s.title, "pieces": [piece_summary(p) for p in s.pieces]} for s in dossier.sections],
        "back": [{"title": p.title, "kind": p.kind} for p in dossier.back_matter],
    }


def format_contents(toc: dict) -> list[str]:
    """Plain text lines: one per page and piece, warnings indented under their piece."""
    pieces = [p for s in toc["sections"] for p in s["pieces"]]
    lines = [f"{toc['title']}  ({toc['language']}, {toc['direction']}; {len(toc['sections'])} section(s), {len(pieces)} piece(s))"]
    lines += [f"  front  {page['title']} ({page['kind']})" for page in toc["front"]]
    for s_number, section in enumerate(toc["sections"], 1):
        lines.append(f"  {s_number}. {section['title']}")
        for p_number, piece in enumerate(section["pieces"], 1):
            figures = f"{piece['figures']} fig" + (
                f" ({piece['figures_without_image']} without image)" if piece["figures_without_image"] else ""
            )
            warn = f"  {len(piece['warnings'])} warning(s)" if piece["warnings"] else ""
            lines.append(
                f"     {s_number}.{p_number}  {piece['title']}  |  {piece['words']:,} words  |  {piece['date'] or 'no date'}"
                f"  |  {piece['language']}  |  {figures}{warn}"
            )
            lines += [_warning_line(w) for w in piece["warnings"]]
    lines += [f"  back   {page['title']} ({page['kind']})" for page in toc["back"]]
    return lines


def _warning_line(stored: str) -> str:
    """A piece's stored warning as ``warning: CODE message`` (a routine one says ``note:``)."""
    code, message = split_coded(stored)
    return f"            {severity(code)}: {code} {message}"


def run(args, ui) -> int:
    from bundler.errors import Report, shown
    from bundler.exporters import formats
    from bundler.manifest import load_manifest, resolve_dossier

    dossier = resolve_dossier(load_manifest(args.collection, formats=formats()), Report())
    toc = table_of_contents(dossier)
    if args.json:
        ui.out(json.dumps(toc, ensure_ascii=False, indent=2))
    else:
        ui.out("\n".join(shown(line, lines=False) for line in format_contents(toc)))  # titles may hold bidi overrides
    return 0


COMMANDS = {"list": Command("show a collection's table of contents with word counts and warnings", add_arguments, run)}
