"""``bundler new``: scaffold a collection folder with a manifest editors can fill."""

from __future__ import annotations

from pathlib import Path

from bundler.commands import Command


def add_arguments(parser) -> None:
    parser.add_argument("folder", help="the new collection's folder (created if missing)")
    parser.add_argument("--title", required=True, help='the dossier\'s title, e.g. "Aleppo 2016"')
    parser.add_argument("--language", default="en", help="the dossier's language as a BCP 47 tag (default: en; ar for right-to-left)")
    parser.add_argument("--section", default="Pieces", help="the first section's title (default: Pieces)")


def run(args, ui) -> int:
    from bundler.errors import BundlerError
    from bundler.manifest.checks import check_language
    from bundler.manifest.document import Manifest
    from bundler.manifest.scaffold import new_collection

    folder = Path(args.folder)
    problems = check_language(Manifest(path=folder / "collection.yaml", data={}), "language", args.language)
    if problems:
        raise BundlerError(problems[0].message, code=problems[0].code, hint=problems[0].hint)
    manifest = new_collection(folder, args.title, args.language, args.section)
    ui.say(f"created {manifest}")
    ui.say(f'next: bundler import {folder} ARTICLE.html --section "{args.section}", then bundler check {folder}')
    return 0


COMMANDS = {"new": Command("scaffold a new collection", add_arguments, run)}
