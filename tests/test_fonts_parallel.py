"""Font subsets made on a process pool: the same bytes as one process, in the same caches, and no pool for one job.

Real fontTools on the project's own fonts. Whether child processes ran is read from the
kernel's accounting of finished children (``RUSAGE_CHILDREN``), not from a mock.
"""

from __future__ import annotations

import hashlib
import resource
from pathlib import Path

import fontTools
import pytest

from bundler import fonts
from bundler.cache import ContentCache, using_cache
from bundler.executor import WorkOptions, using_work

#: Latin (with accents and typographic quotes) and Arabic (letters and Arabic-Indic digits): all six faces.
TEXT = "Aleppo, 3 August — the market reopened. «حلب تحترق» قالت الصحفية، ٣ آب ٢٠١٦. Œuvre, naïve café."

#: SHA-256 of each subset of TEXT as made by the eager-loading subsetter before the pool and lazy loading.
PINNED = {
    "NotoSerif-Regular.ttf": "1b9399453343d0f42d6aee63e6d68f311d2423c674c0efb1cbf9a25805dc2ac0",
    "NotoSerif-Bold.ttf": "3589485f02308765f9012e445f7af7dfb71f8e02466f9bc1d2b9a3e683337e56",
    "NotoSerif-Italic.ttf": "3d546da3ae5e485d06ace01c0633105779fca1962e9b97f39124ab4957c51076",
    "NotoSerif-BoldItalic.ttf": "812cbb2405da94b5ec79361832106865812334fee0608683e453653bc6b08189",
    "NotoNaskhArabic-Regular.ttf": "0ed3bee6bce6d7539a877ac280c4eabb8c65d6f813de51f84893017e5506d16c",
    "NotoNaskhArabic-Bold.ttf": "bf361499582f0f39e51bfbe2eb312e1f45c1c551d0a037e3871b2ad8322057fd",
}
PINNED_FONTTOOLS = "4.68.0"


def children_cpu_seconds() -> float:
    """CPU time of this process's finished (waited-for) child processes."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def subset_cold(work: WorkOptions, store: ContentCache) -> tuple[dict[str, bytes], float]:
    """Subset TEXT with nothing in memory; returns the subsets by file and the children's CPU time."""
    fonts.forget_subsets()
    before = children_cpu_seconds()
    with using_work(work), using_cache(store):
        embedded = fonts.subset_fonts(TEXT)
    return {font.face.file_name: font.data for font in embedded}, children_cpu_seconds() - before


def stored_subsets(store: ContentCache) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in Path(store.root).rglob("*.ttf")}


@pytest.fixture(scope="module")
def serial_subsets(tmp_path_factory) -> dict[str, bytes]:
    subsets, children = subset_cold(WorkOptions(jobs=1), ContentCache(tmp_path_factory.mktemp("serial-cache")))
    assert children == 0, "one job: no worker process"
    return subsets


def test_the_pool_gives_the_bytes_of_one_process_and_fills_the_build_cache(serial_subsets, tmp_path):
    store = ContentCache(tmp_path / "cache")
    parallel, children = subset_cold(WorkOptions(jobs=2), store)
    assert children > 0, "two jobs: the faces were subset in worker processes"
    assert list(parallel) == [face.file_name for face in fonts.FACES], "all six faces, in declaration order"
    assert parallel == serial_subsets
    assert sorted(stored_subsets(store).values()) == sorted(parallel.values())


@pytest.mark.skipif(fontTools.version != PINNED_FONTTOOLS, reason="subset bytes are pinned for one fontTools release")
def test_lazy_loading_keeps_the_bytes_of_the_eager_subsetter(serial_subsets):
    assert {name: hashlib.sha256(data).hexdigest() for name, data in serial_subsets.items()} == PINNED


def test_the_serial_executor_starts_no_pool(serial_subsets, tmp_path):
    subsets, children = subset_cold(WorkOptions(jobs=2, executor="serial"), ContentCache(tmp_path / "cache"))
    assert children == 0
    assert subsets == serial_subsets


def test_a_warm_cache_starts_no_pool(serial_subsets, tmp_path):
    store = ContentCache(tmp_path / "cache")
    subset_cold(WorkOptions(jobs=2), store)
    from_disk, children = subset_cold(WorkOptions(jobs=2), store)  # memory forgotten: every face from the build cache
    assert children == 0 and from_disk == serial_subsets
    before = children_cpu_seconds()
    with using_work(WorkOptions(jobs=2)):
        from_memory = fonts.subset_fonts(TEXT)
    assert children_cpu_seconds() == before
    assert {font.face.file_name: font.data for font in from_memory} == serial_subsets


def test_a_face_failing_in_a_worker_raises_what_the_serial_path_raises():
    jobs = [("NotoSerif-Regular.ttf", frozenset(range(0x41, 0x5B))), ("NotoSerif-Missing.ttf", frozenset(range(0x41, 0x5B)))]
    with pytest.raises(Exception) as serial:
        fonts._subset_now(jobs, workers=1)
    with pytest.raises(Exception) as parallel:
        fonts._subset_now(jobs, workers=2)
    assert isinstance(serial.value, FileNotFoundError)
    assert type(parallel.value) is type(serial.value) and str(parallel.value) == str(serial.value)
