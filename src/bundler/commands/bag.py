"""``bundler bag``: a BagIt 1.0 bag of a collection, its editions and their provenance."""

from __future__ import annotations

from bundler.commands import Command
from bundler.commands._warnings import show_report

ARCHIVES = ("tar", "zip")  # bundler.archive.bag.ARCHIVES, spelled here so --help need not import the bag stack


def add_arguments(parser) -> None:
    parser.add_argument("collection", help="collection folder (or its collection.yaml)")
    parser.add_argument(
        "--out", "-o", help="where the bag goes (default: bags/, never dist/, which a library serves); it is named <collection>-bag"
    )
    parser.add_argument("--archive", choices=ARCHIVES, help="also pack the bag into one .tar or .zip file (instead of a folder)")
    parser.add_argument("--format", "-f", dest="formats", help="editions to include, e.g. epub,pdf (default: the manifest's editions)")
    parser.add_argument(
        "--sign", metavar="KEY", help="sign the bag's tag manifest with this Ed25519 private key (PEM; see `bundler keygen`)"
    )


def run(args, ui) -> int:
    from pathlib import Path

    from bundler.archive.bag import write_bag
    from bundler.build.collection import parse_formats

    names = parse_formats(args.formats)
    key = Path(args.sign) if args.sign else None
    result = write_bag(args.collection, args.out, archive=args.archive, format_names=names, sign_key=key)
    show_report(ui, result.build.report.warnings)
    ui.say(f"bag: {result.path}" + (f" (signed with {key})" if key else ""))
    check = f"bundler verify {result.path}" + (f" --key {key}.pub" if key else "")
    ui.say(f"check it any time with: {check}")
    return 0


COMMANDS = {"bag": Command("write a BagIt bag: sources, pieces, editions and provenance", add_arguments, run)}
