"""The image stage: every figure's image prepared for every edition, in parallel, before writing.

Exporters prepare images one at a time as they meet them (``ImageSession.prepare``), and a
prepared image is kept on disk by (source SHA-256, policy). Resizing and re-encoding
hundreds of camera-sized photos is the heaviest part of a cold build and each image is
independent, so this stage fills that on-disk cache on all cores first; the exporters
then find every image ready. Nothing is returned across processes but a flag: images stay
files on disk, never all in memory at once.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from bundler.cache import DamageLog
from bundler.errors import Problem, Report
from bundler.executor import DASK_SCHEME, WorkOptions, map_in_order, open_executor
from bundler.exporters import edition_policy
from bundler.images.session import ImageSession, collection_cache_dir
from bundler.model import Dossier, Edition, Figure, Image

Progress = Callable[[str, int, int], None]
#: Imported once by the image workers' fork server (see ``open_executor``). NumPy (the quality
#: search's) too: each worker imported it again, ~0.1 CPU s apiece at the start of the stage; the
#: server only starts when something must be imported, so a warm build still never loads it. Not
#: pyvips: libvips starts threads, which a forked child must not inherit.
WORKER_MODULES = ("bundler.build.image_stage", "bundler.images.session", "bundler.images.prepare", "bundler.images.perceptual", "numpy")


@dataclass(frozen=True)
class ImageJob:
    """One source image under one edition's policy (picklable)."""

    path: str
    policy: object  # bundler.images.ImagePolicy (frozen)
    cache_dir: Path
    sha256: str = ""  # the source's, when the import recorded it


def prepare_one(job: ImageJob) -> tuple[str | None, tuple[Problem, ...]]:
    """Prepare one image into the on-disk cache; runs in a worker.

    Returns the source's SHA-256 (None if unreadable) and the damaged cache entries it met
    (W701), which travel back as data for the build report.
    """
    keep_image_memory()
    session = ImageSession(job.policy, Report(), job.cache_dir, digests={}, damage=DamageLog())
    session.prepare(Figure(image=Image(path=job.path, sha256=job.sha256)))
    return session.digests.get(str(Path(job.path))), tuple(session.damage.problems)


#: Freed image buffers Pillow keeps for the next photo (each at most its 16 MB block size).
KEPT_BLOCKS = 4


@functools.cache
def keep_image_memory() -> None:
    """Let Pillow reuse the memory of one photo's images for the next, in a process that prepares many.

    By default Pillow returns every image buffer to the system and asks for fresh pages for
    the next: ~1,700 page faults a photo (its resized copy alone is 6 MB), each page zeroed by
    the kernel. Keeping a few freed blocks cut the faults of preparing 160 photos from 300,000
    to 29,000 and the CPU a photo by ~5-10%, for at most ``KEPT_BLOCKS`` × 16 MB held per worker.
    The pixels are the same: Pillow fills or writes every pixel of a new image, reused block or not.
    """
    from PIL import Image as PILImage

    PILImage.core.set_blocks_max(max(KEPT_BLOCKS, PILImage.core.get_blocks_max()))


def image_jobs(dossier: Dossier, editions: list[Edition], cache_dir: Path | None = None) -> list[ImageJob]:
    """Each distinct (image file, effective policy) the editions will need and the cache lacks.

    Editions that ask the same get it once; an image whose source hash the import recorded
    and whose prepared file is already cached needs no job (a warm build starts no workers).
    """
    cache_dir = cache_dir or collection_cache_dir(dossier.root)  # the build's: $BUNDLER_CACHE_DIR, or a temporary one with --no-cache
    images = dict.fromkeys((f.image.path, f.image.sha256) for p in dossier.pieces for f in p.figures if f.image and f.image.path)
    jobs: list[ImageJob] = []
    for policy in dict.fromkeys(edition_policy(edition).effective() for edition in editions):
        if not policy.include:
            continue
        session = ImageSession(policy, cache_dir=cache_dir)
        for path, sha256 in images:
            if Path(path).is_file() and not (sha256 and session.has_prepared(sha256)):
                jobs.append(ImageJob(path, policy, cache_dir, sha256))
    return jobs


def largest_first(jobs: list[ImageJob]) -> list[ImageJob]:
    """``jobs`` with the largest source files first (ties in their order), so the stage does not end on one core with a big photo.

    A photo's work grows with its decoded size, which its file size follows closely enough;
    the small ones at the end then fill both cores until the last.
    """
    return sorted(jobs, key=lambda job: -_file_size(job.path))


def _file_size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def prepare_images(
    dossier: Dossier,
    editions: list[Edition],
    work: WorkOptions,
    progress: Progress | None = None,
    cache_dir: Path | None = None,
    digests: dict[str, str] | None = None,
    damage: DamageLog | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> int:
    """Fill the build's image cache for ``editions`` on all local cores; returns the job count.

    ``cache_dir`` is the build's image cache (the collection's by default); with ``--no-cache``
    the build passes a temporary folder (``build_image_cache``), so the stage still runs in
    parallel; without one it does nothing rather than fill the collection's cache. The photos'
    hashes the workers computed go into ``digests`` (the build's sessions share it), so the
    exporters need not hash each photo again. Damaged cached images the workers met (W701)
    go to ``damage``. ``meanwhile()`` is the build's own work that needs no prepared photo, run
    in this process while the workers prepare them (not at all when no photo needs preparing).
    """
    if not dossier.root or (not work.cache and cache_dir is None):
        return 0
    jobs = largest_first(image_jobs(dossier, editions, cache_dir))
    if not jobs:
        return 0
    report = progress or (lambda stage, done, total: None)
    report("images", 0, len(jobs))
    local = replace(work, executor=None) if (work.executor or "").startswith(DASK_SCHEME) else work  # files are local
    with open_executor(local, len(jobs), preload=WORKER_MODULES) as executor:  # libvips: never in a forked child
        outcomes = map_in_order(executor, prepare_one, jobs, lambda done: report("images", done, len(jobs)), meanwhile)
    if damage is not None:
        damage.add(problem for _, damaged in outcomes for problem in damaged)
    known = digests if digests is not None else {}
    known.update((str(Path(job.path)), digest) for job, (digest, _) in zip(jobs, outcomes, strict=True) if digest)
    return len(jobs)
