"""``bundler bag``: a BagIt 1.0 bag of a collection, its editions and their provenance."""

from __future__ import annotations

from bundler.commands import Command
from bundler.commands._warnings import show_report

ARCHIVES = ("tar", "zip")  # bundler.bag.ARCHIVES, spelled here so --help need not import the bag stack


def add_arguments(parser) -> None:
    parser.add_argument("collection", help="collection folder (or its collection.yaml)")
    parser.add_argument("--out", "-o", help="where the bag goes (default: dist/); it is named <collection>-bag")
    parser.add_argument("--archive", choices=ARCHIVES, help="also pack the bag into one .tar or .zip file (instead of a folder)")
    parser.add_argument("--format", "-f", dest="formats", help="editions to include, e.g. epub,pdf (default: the manifest's editions)")


def run(args, ui) -> int:
    from bundler.bag import write_bag
    from bundler.build import parse_formats

    names = parse_formats(args.formats)
    result = write_bag(args.collection, args.out, archive=args.archive, format_names=names)
    show_report(ui, result.build.report.warnings)
    ui.say(f"bag: {result.path}")
    ui.say(f"check it any time with: bundler verify {result.path}")
    return 0


COMMANDS = {"bag": Command("write a BagIt bag: sources, pieces, editions and provenance", add_arguments, run)}
