"""``bundler build``: make the editions of a collection."""

from __future__ import annotations

from bundler.commands import Command
from bundler.commands._warnings import show_report, strict_failures


def add_arguments(parser) -> None:
    parser.add_argument("collection", help="collection folder (or its collection.yaml)")
    parser.add_argument("--format", "-f", dest="formats", help="comma-separated formats, e.g. epub,pdf (default: the manifest's editions)")
    parser.add_argument("--out", "-o", help="output folder (default: dist/); files go in OUT/<collection>/")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors (routine notes are not)")
    parser.add_argument("--verbose", "-v", action="store_true", help="print every warning, not one line per code")
    parser.add_argument("--no-cache", action="store_true", help="ignore and do not fill the cache in <collection>/.cache (a clean build)")
    parser.add_argument("--jobs", "-j", type=int, help="worker processes (default: one per CPU core)")
    parser.add_argument("--executor", help="where the import stage runs: local (default), serial, or dask://HOST:PORT")


def run(args, ui) -> int:
    from bundler.build.collection import build_collection, parse_formats
    from bundler.executor import WorkOptions, check_executor_spec

    names = parse_formats(args.formats)
    check_executor_spec(args.executor)
    with ui.progress("build") as progress:
        work = WorkOptions(jobs=args.jobs, executor=args.executor, cache=not args.no_cache)
        result = build_collection(args.collection, format_names=names, out_dir=args.out, progress=progress, work=work)
    show_report(ui, result.report.warnings, args.verbose)
    for name, path in result.outputs.items():
        ui.say(f"{name}: {path} ({path.stat().st_size:,} bytes)")
    for size in result.sizes.values():
        ui.say(size.render())
    failures = strict_failures(result.report.warnings)
    if args.strict and failures:
        ui.error(f"{len(failures)} warning(s) and --strict was given")
        return 1
    return 0


COMMANDS = {"build": Command("build the editions of a collection", add_arguments, run)}
