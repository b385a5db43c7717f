"""The build: resolve the manifest, import every piece, then write each edition.

Stages gather before anything is written (like MkDocs): a manifest error or an import
failure stops the build before any output file is touched. Each edition is written to a
temporary file beside its destination and moved into place only when complete, so a
failed build never leaves a half-written edition that looks good.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path

from bundler import interrupts
from bundler.build.budget import write_edition
from bundler.build.edition_language import check_edition_languages, dossier_for_edition, edition_language
from bundler.build.image_stage import WORKER_MODULES, prepare_images
from bundler.build.incremental import cached_writer
from bundler.build.leftovers import sweep_cache, sweep_output, sweep_temporary
from bundler.build.result import BuildResult
from bundler.build.sidecar import write_dossier_sidecar
from bundler.cache import DamageLog, cache_root, open_cache
from bundler.errors import BundlerError, Problem, Report
from bundler.executor import WorkOptions, start_fork_server
from bundler.exporters import edition_filename, edition_policy, format_of, formats
from bundler.exporters.context import BuildContext, Progress
from bundler.images.session import ImageSession, build_image_cache
from bundler.manifest import Manifest, edition_formats, load_manifest, resolve_dossier
from bundler.model import Dossier, Edition
from bundler.render.glyph_coverage import GlyphScan, find_missing_glyphs


def parse_formats(text: str | None) -> list[str] | None:
    """Split ``epub,pdf`` into names, checking each against the registered formats."""
    if not text:
        return None
    names = [n.strip() for n in text.split(",") if n.strip()]
    known = formats()
    unknown = [n for n in names if n not in known]
    if unknown:
        import difflib

        hints = []
        for name in unknown:
            close = difflib.get_close_matches(name, list(known), n=1)
            hints.append(f"{name!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
        raise BundlerError(
            "unknown format " + ", ".join(hints),
            code="E010",
            hint="known formats: " + ", ".join(sorted(known)),
        )
    return names


def default_out_dir(dossier: Dossier) -> Path:
    """``dist/<slug>`` in the current folder."""
    return Path("dist") / dossier.slug


def build_collection(
    collection: str | Path,
    *,
    format_names: list[str] | None = None,
    out_dir: str | Path | None = None,
    progress: Progress | None = None,
    work: WorkOptions | None = None,
) -> BuildResult:
    """Build the editions of one collection; returns what was written."""
    return _build(collection, format_names, out_dir, progress or (lambda stage, done, total: None), work or WorkOptions())


def _build(
    collection: str | Path, format_names: list[str] | None, out_dir: str | Path | None, progress: Progress, work: WorkOptions
) -> BuildResult:
    """The stages of ``build_collection``: manifest, imports, images, editions, sidecar."""
    progress("manifest", 0, 1)
    manifest = load_manifest(collection, formats=formats(), remember=work.cache)  # a clean validation is cached
    progress("manifest", 1, 1)
    sweep_temporary()  # what killed builds left: their scratch folders, then their cache writes
    if work.cache:
        sweep_cache(cache_root(manifest.root))
    # --no-cache: the photos the sources carry go to a temporary folder (removed afterwards), not the cache
    media = tempfile.TemporaryDirectory(prefix=f"bundler-media-{os.getpid()}-") if not work.cache else contextlib.nullcontext(None)
    try:
        with media as folder:
            return _build_dossier(manifest, Path(folder) if folder else None, format_names, out_dir, progress, work)
    except BaseException:
        if work.cache:
            _sweep_after_failure(cache_root(manifest.root))
        raise


def _sweep_after_failure(root: Path) -> None:
    """Remove the cache writes this failed build's workers left when they were stopped.

    A failed stage kills its pool's workers (``executor._stop_workers``), and a worker killed while
    writing a photo or a piece into the cache leaves its ``.part-PID-`` file behind. The next
    build would sweep it, but a failed build must not leave temporary files as if nothing had
    happened (a full disk stays full of them). The workers are dead and joined by now, so only
    their files match; the build's own error is what the user sees, whatever this meets.
    """
    with contextlib.suppress(OSError):
        sweep_cache(root)


def _build_dossier(
    manifest: Manifest,
    media: Path | None,
    format_names: list[str] | None,
    out_dir: str | Path | None,
    progress: Progress,
    work: WorkOptions,
) -> BuildResult:
    report = Report()
    # the image stage's workers start when some source must be imported, ready by the time imports are done;
    # a warm build (every piece cached) starts no process at all
    start_image_workers = partial(start_fork_server, work, WORKER_MODULES)
    dossier = resolve_dossier(
        manifest,
        report,
        work=work,
        progress=progress,
        media_dir=media,
        on_import_work=start_image_workers,
        while_importing=_formats_warm_up(format_names or edition_formats(manifest)),
    )
    editions = _editions_to_build(dossier, format_names)
    check_edition_languages(dossier, editions, manifest)  # before any output is touched
    target_dir = Path(out_dir) / dossier.slug if out_dir else default_out_dir(dossier)
    result = BuildResult(dossier=dossier, report=report)
    sweep_output(target_dir)  # half-written editions of killed builds
    damage = DamageLog()  # W701: cache entries found damaged, discarded and rebuilt (the imports' are in the report)
    with build_image_cache(dossier.root, work.cache) as image_cache:  # --no-cache: a temporary one, removed afterwards
        digests: dict[str, str] = {}  # photos' hashes, computed once by the image stage's workers
        glyphs = GlyphScan()  # each piece scanned for missing glyphs once, whatever the editions
        warm_up = partial(_warm_up, dossier, editions, glyphs)  # the parent's, while the workers prepare photos
        # all cores; exporters then find images ready
        prepare_images(dossier, editions, work, progress, image_cache, digests, damage, warm_up)
        contexts = {e.id: _context(e, result.report, image_cache, digests, damage, glyphs, work, progress) for e in editions}
        _write_editions(dossier, editions, target_dir, result, contexts, work, progress, damage)
    result.report.warnings[:] = said_once(result.report.warnings, ONCE_PER_BUILD)
    result.report.warnings.extend(damage.problems)
    write_dossier_sidecar(result)  # dist/<slug>/dossier.json, read by the catalogue and library server
    progress("done", len(editions), len(editions))
    return result


def _formats_warm_up(names: list[str]) -> Callable[[], None] | None:
    """The named formats' ``warm_up`` work in one call, or None when none of them has any.

    The build runs it while sources are imported: after one edit, the changed page's import (its
    libraries' loading, ~0.5 s) and the PDF's layout engine's (~0.6 s) then share the two cores
    instead of following each other. ``_warm_up`` calls them again later; each loads once.
    An unknown name has none here: the writer reports it.
    """
    known = formats()
    steps = [step for step in dict.fromkeys(known[name].warm_up for name in names if name in known) if step is not None]
    if not steps:
        return None

    def warm_up() -> None:
        for step in steps:
            step()

    return warm_up


def _warm_up(dossier: Dossier, editions: list[Edition], glyphs: GlyphScan) -> None:
    """The writers' work that needs no prepared photo, done while the image stage's workers prepare them.

    The parent only waited for the workers there, and each writer did this work afterwards with
    every core but one idle: the formats' ``warm_up`` (the PDF's: loading WeasyPrint and the books'
    hyphenation patterns, before its layout workers fork) and the scan for characters no face has, which ``glyphs`` remembers
    for every edition's writer. Nothing is reported here: the writers report what they find.
    """
    languages = tuple(dict.fromkeys(edition_language(edition) or dossier.language for edition in editions))  # each book's, as laid out
    for warm_up in dict.fromkeys(format_of(edition).warm_up for edition in editions):
        if warm_up is not None:
            warm_up(languages=languages)
    find_missing_glyphs(dossier, glyphs)


def _context(
    edition: Edition,
    report: Report,
    image_cache: Path,
    digests: dict[str, str],
    damage: DamageLog,
    glyphs: GlyphScan,
    work: WorkOptions,
    progress: Progress,
) -> BuildContext:
    """What the edition's exporter is given besides the dossier: its image policy and cache, the machine, the display."""
    session = ImageSession(edition_policy(edition), report, image_cache, digests, damage)
    return BuildContext(session, work, None, progress, glyphs)


#: Warnings about the dossier's own text that every edition files alike (the book's faces lack a character):
#: the build reports each once, not once per edition. Editions replayed from the cache file theirs again.
ONCE_PER_BUILD = frozenset({"W310"})


def said_once(warnings: list[Problem], codes: frozenset[str]) -> list[Problem]:
    """``warnings`` without the repeats of an identical warning whose code is in ``codes`` (first kept, order kept)."""
    seen: set[Problem] = set()
    kept = []
    for warning in warnings:
        if warning.code in codes:
            if warning in seen:
                continue
            seen.add(warning)
        kept.append(warning)
    return kept


def _write_editions(
    dossier: Dossier,
    editions: list[Edition],
    target_dir: Path,
    result: BuildResult,
    contexts: dict[str, BuildContext],
    work: WorkOptions,
    progress: Progress,
    damage: DamageLog,
) -> None:
    """Write each edition (or copy it from the cache when nothing it depends on changed).

    Editions are written into a staging folder and moved into ``target_dir`` together once the
    last one is complete: a piece that breaks the EPUB no longer leaves the PDF written before it.
    """
    cache = open_cache(dossier.root or ".", enabled=bool(dossier.root) and work.cache, damage=damage)
    target_dir.mkdir(parents=True, exist_ok=True)
    # the id in the name: a later build sweeps the staging folder of one killed meanwhile (``leftovers.sweep_output``)
    with tempfile.TemporaryDirectory(prefix=f".staging-{os.getpid()}-", dir=target_dir) as staging:
        written: dict[str, Path] = {}
        for index, edition in enumerate(editions):
            progress(f"write {edition.id}", index, len(editions))
            staged = Path(staging) / edition_filename(edition, dossier.slug)  # slug.epub, or slug.ar.epub when named
            write = cached_writer(edition.format, format_of(edition).write, cache)  # unchanged inputs: copy the cached edition
            book = dossier_for_edition(dossier, edition)  # the pieces in the edition's language, if it names one
            result.sizes[edition.id] = write_edition(write, book, edition, staged, contexts[edition.id])
            written[edition.id] = staged
            result.editions[edition.id] = edition
        with interrupts.held():  # all of them or none: an interrupt waits until the last is in place
            for name, staged in written.items():  # every edition is complete: only now does any reach dist/
                destination = target_dir / staged.name
                os.replace(staged, destination)
                result.outputs[name] = destination


def _editions_to_build(dossier: Dossier, names: list[str] | None) -> list[Edition]:
    """The manifest's editions, or those of the formats asked for (every edition of a format, or its defaults)."""
    if names is None:
        return list(dossier.editions)
    return [edition for name in names for edition in [e for e in dossier.editions if e.format == name] or [Edition(name)]]
