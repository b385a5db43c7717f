"""``bundler catalog``: write the OPDS catalogue and the phone page into a dist/ folder."""

from __future__ import annotations

from bundler.commands import Command


def add_arguments(parser) -> None:
    parser.add_argument("dist", help="the folder `bundler build` wrote into (e.g. dist)")
    parser.add_argument("--title", default="", help="the library's name (default: “Offline library”, in the main language)")


def run(args, ui) -> int:
    from bundler.catalog import INDEX_PAGE, ROOT_FEED, write_catalog

    result = write_catalog(args.dist, title=args.title)
    for warning in result.report.warnings:
        ui.problem(warning)
    editions = sum(len(d.editions) for d in result.dossiers)
    ui.say(f"catalogue: {len(result.dossiers)} dossier(s), {editions} edition(s)")
    ui.say(f"OPDS feed for e-reader apps: {args.dist.rstrip('/')}/{ROOT_FEED}")
    ui.say(f"page for phone browsers: {args.dist.rstrip('/')}/{INDEX_PAGE}")
    ui.say("serve it on the local network with: bundler serve " + args.dist)
    return 0


COMMANDS = {"catalog": Command("write an OPDS catalogue and index.html for a dist/ folder", add_arguments, run)}
