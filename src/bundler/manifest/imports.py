"""The import stage: every source named by the manifest, imported in parallel, cached.

Sources are imported up front on an executor (local processes, or a Dask cluster), each
through the content-addressed import cache unless ``--no-cache`` was given. Import errors
travel back as data (a list of ``Problem``), not as pickled exceptions, so every failing
piece is still reported at once with its manifest key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from bundler.cache import DamageLog
from bundler.errors import BundlerError, Problem
from bundler.executor import WorkOptions, map_in_order, open_executor
from bundler.importers import ImportOptions, read_piece
from bundler.importers.startup import load_importer, release_importer
from bundler.manifest.cache import find_cached_piece, import_code_digest, read_cached_piece
from bundler.model import Piece

ImportRequest = tuple[Path, ImportOptions]
#: Fewer sources to import than this (a rebuild after an edit or two) do not call ``on_misses``: the
#: image workers it starts early (~0.2-0.3 s of CPU in their own process) are seldom needed then, the
#: edited pages' photos being prepared already, and the image stage starts them itself when they are.
EARLY_WORK_MIN_MISSES = 3
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class ImportJob:
    """One source to import (picklable: it crosses process and machine boundaries)."""

    path: Path
    options: ImportOptions
    cache_root: Path | None  # None: --no-cache


@dataclass(frozen=True)
class ImportOutcome:
    """A piece, or the problems that stopped it."""

    piece: Piece | None
    problems: tuple[Problem, ...] = ()
    damaged: tuple[Problem, ...] = ()  # W701: damaged cache entries met (and discarded) on the way


def import_source(job: ImportJob) -> ImportOutcome:
    """Import one source (through the cache when it has one); runs in a worker.

    The job's own damage log is filled (cache entries, photos in the cache's media folder) and
    travels back as data, like its errors.
    """
    damage = DamageLog()
    options = replace(job.options, damage=damage)
    if job.cache_root is None:
        outcome = _import_outcome(lambda: read_piece(job.path, options))
    else:
        outcome = _import_outcome(lambda: read_cached_piece(job.path, options, job.cache_root))
    return replace(outcome, damaged=tuple(damage.problems))


def _import_outcome(read: Callable[[], Piece]) -> ImportOutcome:
    try:
        return ImportOutcome(read())
    except BundlerError as exc:
        return ImportOutcome(None, tuple(exc.problems))


def _cached_outcome(job: ImportJob, damage: DamageLog) -> ImportOutcome | None:
    """The job's piece from the import cache, looked up in this process; None when it must really be imported.

    A damaged entry met here is discarded (and imported again by a worker) and reported to ``damage`` (W701).
    """
    if job.cache_root is None:
        return None
    piece = find_cached_piece(job.path, replace(job.options, damage=damage), job.cache_root)
    return ImportOutcome(piece) if piece is not None else None


def _forks_workers(work: WorkOptions, tasks: int) -> bool:
    """Whether ``open_executor`` will fork local worker processes from this one for ``tasks`` imports."""
    import multiprocessing

    local = (work.executor or "local") == "local"
    return local and min(work.worker_count, tasks) > 1 and multiprocessing.get_context().get_start_method() == "fork"


def import_all(
    requests: list[ImportRequest],
    cache_root: Path | None,
    work: WorkOptions,
    damage: DamageLog,
    progress: Progress | None = None,
    on_misses: Callable[[], None] | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> Callable[[Path, ImportOptions], Piece]:
    """Import every distinct request at once; returns a reader that hands out the results.

    Pieces the import cache holds are read here, in this process (about a millisecond each);
    only the others go to worker processes, and ``on_misses()`` is called first when there are
    ``EARLY_WORK_MIN_MISSES`` or more (the build starts the image workers' fork server then: a warm
    build, or one after a single edit, needs neither).
    ``meanwhile()`` is work of the build's that needs no piece (loading the PDF's layout engine):
    it runs in this process while the workers import, even when only one source must be (after
    one edit, the page's import and that load, ~0.5 s each, then take both cores instead of one
    after the other). It runs only when something is imported.
    Damaged cache entries met (W701) are added to ``damage``.
    """
    if cache_root is not None:
        import_code_digest()  # once here, not in every worker forked from this process
    jobs = list(dict.fromkeys(ImportJob(path, options, cache_root) for path, options in requests))
    report = progress or (lambda stage, done, total: None)
    report("import", 0, len(jobs))
    found = {(job.path, job.options): outcome for job in jobs if (outcome := _cached_outcome(job, damage)) is not None}
    misses = [job for job in jobs if (job.path, job.options) not in found]
    if found:
        report("import", len(found), len(jobs))
    if misses:  # a warm build has none: no worker is started
        if on_misses is not None and len(misses) >= EARLY_WORK_MIN_MISSES:
            on_misses()
        forks = _forks_workers(work, len(misses))
        if forks:
            load_importer()  # once here: every worker forked below starts with it instead of loading it again
        with open_executor(work, len(misses), beside=meanwhile is not None) as executor:
            outcomes = map_in_order(executor, import_source, misses, lambda done: report("import", len(found) + done, len(jobs)), meanwhile)
        if forks:
            release_importer()  # the model loaded for the workers: not carried into the later stages' workers
        found.update(((job.path, job.options), outcome) for job, outcome in zip(misses, outcomes, strict=True))
    damage.add(problem for outcome in found.values() for problem in outcome.damaged)

    def imported(path: Path, options: ImportOptions) -> Piece:
        outcome = found.get((path, options))
        if outcome is None:
            outcome = import_source(ImportJob(path, options, cache_root))
            damage.add(outcome.damaged)
        if outcome.piece is None:
            raise BundlerError(problems=list(outcome.problems))
        return outcome.piece

    return imported
