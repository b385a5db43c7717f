"""``bundler check``: validate everything a build would touch, without building."""

from __future__ import annotations

from bundler.commands import Command
from bundler.commands._warnings import show_report, strict_failures


def add_arguments(parser) -> None:
    parser.add_argument("collection", help="collection folder (or its collection.yaml)")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors (routine notes are not)")
    parser.add_argument("--verbose", "-v", action="store_true", help="print every warning, not one line per code")


def run(args, ui) -> int:
    from bundler.build.edition_language import check_edition_languages
    from bundler.errors import Report
    from bundler.exporters import formats
    from bundler.manifest import load_manifest, resolve_dossier
    from bundler.render.xhtml import check_pieces_render

    manifest = load_manifest(args.collection, formats=formats())
    report = Report()
    dossier = resolve_dossier(manifest, report)
    check_edition_languages(dossier, list(dossier.editions), manifest)  # M065, as the build refuses it
    check_pieces_render(dossier)  # what the build would render, so a piece that breaks it fails here too
    _check_originals(manifest, report)
    show_report(ui, report.warnings, args.verbose)
    pages = len(dossier.front_matter) + len(dossier.back_matter)
    editions = ", ".join(e.id for e in dossier.editions)
    ui.say(
        f"{manifest.path}: ok: {len(dossier.pieces)} piece(s) in {len(dossier.sections)} section(s), {pages} page(s); editions: {editions}"
    )
    failures = strict_failures(report.warnings)
    if args.strict and failures:
        ui.error(f"{len(failures)} warning(s) and --strict was given")
        return 1
    return 0


def _check_originals(manifest, report) -> None:
    """Orphans are warnings (``W630``); an original whose bytes changed since import is an error (``E636``)."""
    from bundler.manifest.originals import orphan_files, refuse_changed_originals

    for path in orphan_files(manifest):
        report.warn(
            f"{path}: no entry uses this file; delete it, or list it (it would go into every bag)",
            code="W630",
            file=str(manifest.root / path),
        )
    refuse_changed_originals(manifest)


COMMANDS = {"check": Command("validate a collection without building it", add_arguments, run)}
