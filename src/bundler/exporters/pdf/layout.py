"""One WeasyPrint layout as a picklable job, run on a worker, cached by content.

``pdf_parts`` cuts a large dossier into documents that lay out independently; this module
lays each out (on the process pool of ``bundler.executor``) and reports what the assembler
needs to know about every page: its side, its page name, whether it is blank, the running
head it would carry, the anchors and bookmarks on it, and where its content box starts.
A job's result is stored under a key of its markup, settings and bundler's code, so an
unchanged part is never laid out twice.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import multiprocessing.util
import os
import re
import shutil
from collections.abc import Iterable, Iterator
from concurrent.futures import Executor, Future, as_completed
from dataclasses import dataclass
from pathlib import Path

from bundler import interrupts
from bundler.cache import make_key
from bundler.executor import DASK_SCHEME, open_executor, submitting
from bundler.exporters.context import BuildContext
from bundler.exporters.pdf.base import LogMessage, collecting_weasyprint_log, load_stylesheets
from bundler.exporters.pdf.image_refs import image_fetcher
from bundler.exporters.pdf.native import import_weasyprint
from bundler.exporters.pdf.resolution import ImagePlacement, image_placements
from bundler.render.script_faces import ScriptFace
from bundler.resources import code_digest, styles_dir


@dataclass(frozen=True)
class LayoutSettings:
    """Everything but the markup that decides a layout: stylesheets, page size, image options."""

    stylesheets: tuple[str, ...]  # files in styles/
    page_size: str
    dpi: int
    jpeg_quality: int | None  # None: photos embedded as prepared, not encoded again
    identifier: str
    extra_css: str = ""
    plain_running_heads: bool = False  # overlays: string(piece, first-except) read as string(piece)
    faces: tuple[ScriptFace, ...] = ()  # installed faces for scripts the project's fonts lack (script_faces)


@dataclass(frozen=True)
class LayoutJob:
    """A whole XHTML document (in a file) to lay out; ``lead``: its first page is a throw-away lead page."""

    source: str  # path of the document
    sha256: str  # of the document's bytes: the cache key, without reading it again
    settings: LayoutSettings
    lead: bool = False
    stubs: tuple[str, ...] = ()  # hidden anchors standing in for other parts' anchors
    cost: int = 0  # estimated layout work (``layout_cost``): the costliest jobs start first
    images: tuple[tuple[str, str], ...] = ()  # photos referred to as ``bundler-image:<name>``: (name, file)


@dataclass(frozen=True)
class PageInfo:
    """What the assembler needs to know about one laid-out page."""

    side: str  # "left" or "right"
    name: str  # CSS page name ("" for none)
    blank: bool  # a blank page WeasyPrint inserted for a left/right break
    running: str  # the value string(piece) has on this page
    anchors: tuple[str, ...] = ()  # ids on this page (stubs left out)
    bookmarks: tuple[tuple[int, str, float, float, str], ...] = ()  # level, label, x, y (CSS px), state


@dataclass(frozen=True)
class LaidOut:
    """A laid-out document: its PDF (lead pages removed) and its pages."""

    path: str
    pages: tuple[PageInfo, ...]
    wants_recto: bool = False  # its first block asked for a recto (a blank followed the lead page)
    content_x: tuple[tuple[str, float], ...] = ()  # side -> x of the content box (CSS px) of unnamed pages
    equal_widths: bool = True  # left and right pages have content boxes of one width
    log: tuple[LogMessage, ...] = ()
    images: tuple[ImagePlacement, ...] = ()  # each image as laid out, for the print resolution check

    def x_of(self, side: str) -> float | None:
        """Where the content box of a ``side`` page starts, if such a page was laid out."""
        return dict(self.content_x).get(side)


@dataclass(frozen=True)
class Placement:
    """Where a laid-out part goes in the book (chosen by ``pdf_parts``, applied by ``pdf_assembly``)."""

    part: LaidOut
    first_page: int  # number of its first page in the book (1-based)
    blank_before: bool  # a blank page goes before it so that it starts on a recto
    flipped: bool  # its pages land on the other side than they were laid out on


def load_weasyprint(languages: Iterable[str] = ()) -> None:
    """Import WeasyPrint in this process (~0.6 s of CPU) and the hyphenation patterns of ``languages``: the PDF formats' ``warm_up``.

    The parent needs both before the layout workers fork (``LayoutRound``) and WeasyPrint for
    the margin probe; the build does it while the image stage's workers prepare photos, instead
    of afterwards with both cores waiting for it. (The patterns, ~0.12 CPU s for English, were
    loaded at the first layout job's start, while the other core waited for the first job.) Its
    native libraries are opened by their sonames (``native.import_weasyprint``), not found with
    ``ldconfig``/``gcc`` subprocesses.
    """
    import_weasyprint()
    load_hyphenation(languages)


def load_hyphenation(languages: Iterable[str]) -> None:
    """Load pyphen's hyphenation patterns for each of ``languages`` it has into this process.

    WeasyPrint reads a language's patterns at its first hyphenated word in a process (``pyphen.Pyphen``,
    kept in pyphen's module cache by file): 0.13 CPU s for English, paid again by every layout worker
    on its first job. Loaded by the build before the workers fork (``LayoutRound``), it is read once.
    A language without patterns is skipped (WeasyPrint does not hyphenate it either).
    """
    import pyphen

    for language in dict.fromkeys(languages):
        if language and pyphen.language_fallback(language):
            pyphen.Pyphen(lang=language)


def lay_out(job: LayoutJob, out: str) -> LaidOut:
    """Lay out one document and write its PDF to ``out``; runs in a worker process."""
    import_weasyprint()  # a worker forked from the build has it; a cluster's worker imports it here
    import weasyprint

    settings = job.settings
    fonts, shared = _edition_stylesheets(settings)
    options = {
        "stylesheets": [*shared, *([weasyprint.CSS(string=settings.extra_css, font_config=fonts)] if settings.extra_css else [])],
        "pdf_identifier": settings.identifier.encode("utf-8"),
        "optimize_images": settings.jpeg_quality is not None,
        "jpeg_quality": settings.jpeg_quality,
        "dpi": settings.dpi,
    }
    with collecting_weasyprint_log() as messages:
        fetcher = image_fetcher(dict(job.images)) if job.images else None
        document = weasyprint.HTML(
            string=Path(job.source).read_text(encoding="utf-8"), base_url=str(styles_dir()) + "/", url_fetcher=fetcher
        ).render(font_config=fonts, **options)
        skip = _lead_pages(document.pages) if job.lead else 0
        kept = document.copy(document.pages[skip:])
        kept.write_pdf(out, **options)
    content_x, equal_widths = _content_boxes(document.pages)
    return LaidOut(
        path=out,
        pages=tuple(_page_info(page, set(job.stubs)) for page in document.pages[skip:]),
        wants_recto=skip > 1,
        content_x=content_x,
        equal_widths=equal_widths,
        log=tuple(messages),
        images=image_placements(document.pages[skip:]),
    )


#: Stylesheets a worker has parsed, by what they were parsed from: a few editions at most per book.
_PARSED_STYLESHEETS: dict[tuple, tuple[object, list]] = {}
_PARSED_STYLESHEETS_KEPT = 4
_OWNER = [0]  # the process that parsed them
_INHERITED: list[dict] = []  # a parent's, kept alive (unused) in a forked worker


def _edition_stylesheets(settings: LayoutSettings) -> tuple[object, list]:
    """The font configuration and the edition's parsed stylesheets (all but ``extra_css``), once per worker.

    A book is 40-odd layout jobs on each worker's share, and every one parsed the same
    stylesheets and loaded the same ``@font-face`` files into a new font configuration
    (5-10% of an overlay job). WeasyPrint reads both without changing them while it lays out,
    so a worker keeps them for the jobs after; each job's own CSS (its page counter, the
    hidden margin boxes) is parsed apart, into the same configuration.
    """
    from weasyprint.text.fonts import FontConfiguration

    if _OWNER[0] != os.getpid():  # first use in this process
        _INHERITED.append(dict(_PARSED_STYLESHEETS))  # a forked worker must not delete its parent's font folders
        _PARSED_STYLESHEETS.clear()
        _OWNER[0] = os.getpid()
        multiprocessing.util.Finalize(None, _forget_stylesheets, exitpriority=10)  # a worker's exit runs it, atexit does not
    key = (settings.stylesheets, settings.page_size, settings.plain_running_heads, settings.faces)
    found = _PARSED_STYLESHEETS.get(key)
    if found is None:
        if len(_PARSED_STYLESHEETS) >= _PARSED_STYLESHEETS_KEPT:
            _PARSED_STYLESHEETS.pop(next(iter(_PARSED_STYLESHEETS)))
        fonts = FontConfiguration()
        sheets = load_stylesheets(settings.stylesheets, settings.page_size, "", fonts, settings.plain_running_heads, settings.faces)
        found = _PARSED_STYLESHEETS[key] = (fonts, sheets)
    return found


def _forget_stylesheets() -> None:
    """Delete the kept font configurations' folders of ``@font-face`` files, at a worker's exit.

    A configuration deletes its folder when it is freed, but it sits in reference cycles with
    the styles computed from it, so only a collection frees it: a full collection of a worker's
    heap after its layouts, ~0.1 CPU s, which both workers paid at the very end of a book while
    the build waited for them before assembling it (a worker ends with ``os._exit``, so nothing
    else needs the collection). Each folder is deleted here as its configuration's own clean-up
    would; a configuration without the folder WeasyPrint keeps (another version) is collected.
    """
    kept = [fonts for fonts, _ in _PARSED_STYLESHEETS.values()]
    _PARSED_STYLESHEETS.clear()
    if all(_delete_font_folder(fonts) for fonts in kept):
        return
    gc.collect()


def _delete_font_folder(fonts: object) -> bool:
    """Delete the folder a WeasyPrint font configuration copied its fonts into; False if it has none we know of."""
    if not hasattr(fonts, "_folder"):
        return False
    folder = fonts._folder
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        fonts._folder = None  # its own clean-up, when it is freed (if ever), has nothing left to do
    return True


def _lead_pages(pages: list) -> int:
    """The lead page and the blank pages after it that a recto break added."""
    count = 1
    while count < len(pages) and pages[count]._page_box.page_type.blank:
        count += 1
    return count


def _content_boxes(pages: list) -> tuple[tuple[tuple[str, float], ...], bool]:
    """Where unnamed left and right pages put their content, and whether the widths agree."""
    x_by_side: dict[str, float] = {}
    widths = set()
    for page in pages:
        box = page._page_box
        if box.page_type.name:
            continue
        x_by_side.setdefault(box.page_type.side, box.content_box_x())
        widths.add(round(box.width, 3))
    return tuple(sorted(x_by_side.items())), len(widths) <= 1


def _page_info(page, stubs: set[str]) -> PageInfo:
    box = page._page_box
    return PageInfo(
        side=box.page_type.side,
        name=box.page_type.name or "",
        blank=box.page_type.blank,
        running=_margin_text(box, "@top-center"),
        anchors=tuple(a for a in page.anchors if a not in stubs),
        bookmarks=tuple((level, label, x, y, state) for level, label, (x, y), state in page.bookmarks),
    )


def _margin_text(page_box, at_keyword: str) -> str:
    """The text a margin box of the page holds (the hidden one carrying ``string(piece)``)."""
    for child in page_box.children:
        if getattr(child, "at_keyword", None) == at_keyword:
            return "".join(_texts(child))
    return ""


def _texts(box):
    if hasattr(box, "text"):
        yield box.text
    for child in getattr(box, "children", ()):
        yield from _texts(child)


def _lay_out_entry(entry: tuple[LayoutJob, str]) -> LaidOut:
    job, out = entry
    return lay_out(job, out)


def job_key(job: LayoutJob) -> str:
    """The cache key of a layout: its markup, settings and the code that lays it out.

    Not where its photos' files are: the markup names each by a hash of its bytes.
    """
    return make_key("pdf-layout", job.sha256, dataclasses.asdict(job.settings), job.lead, job.stubs, code_digest())


#: What WeasyPrint's layout of a document costs, in characters of its text: each element (a box to
#: style, lay out and draw) and each photo (read, drawn, embedded) weighs as much as this many
#: characters. Least squares on a cold 200-piece build's jobs (``bench/pdf_timeline.py --fit``) gave
#: 48 and 1,731 with one run under load; the order of the parts barely moves between the two
#: (bench/README, "Layout jobs priced by their elements").
ELEMENT_COST = 70
PHOTO_COST = 5_000
_TAG = re.compile(r"<[^>]*>")
_START_TAG = re.compile(r"<[A-Za-z]")


def layout_features(markup: str) -> tuple[int, int, int]:
    """What a document's layout cost follows: characters of text, elements, photos."""
    text = len(markup) - sum(len(tag) for tag in _TAG.findall(markup))
    return text, len(_START_TAG.findall(markup)), markup.count("<img")


def layout_cost(markup: str) -> int:
    """How much work a document is to lay out, roughly, in characters of text (``layout_features`` weighted)."""
    text, elements, photos = layout_features(markup)
    return text + ELEMENT_COST * elements + PHOTO_COST * photos


@contextlib.contextmanager
def open_layout_pool(ctx: BuildContext, tasks: int) -> Iterator[Executor]:
    """One pool of ``ctx.work``'s local cores for every layout of a book (parts, then overlays and contents).

    Its workers start at the first job, from a parent that has WeasyPrint loaded (``LayoutRound``).
    """
    work = ctx.work
    local = dataclasses.replace(work, executor=None) if (work.executor or "").startswith(DASK_SCHEME) else work
    with open_executor(local, tasks) as executor:
        yield executor


def lay_out_all(jobs: list[LayoutJob], scratch: Path, label: str, ctx: BuildContext, executor: Executor | None = None) -> list[LaidOut]:
    """Lay out every job (cached ones are read back from ``ctx.cache``) on ``executor`` (or a pool of its own), in order.

    Jobs are started costliest first, so no large part is left running alone at the end
    while the other cores wait; results come back in the order of ``jobs``.
    """
    with contextlib.nullcontext(executor) if executor else open_layout_pool(ctx, len(jobs)) as pool:
        layout_round = LayoutRound(scratch, label, ctx, pool)
        for job in jobs:
            layout_round.add(job)
        return layout_round.finish()


class LayoutRound:
    """Layout jobs handed to the pool while the parent still writes the next ones; results in the order added.

    A barrier between writing documents and laying them out left the workers idle while the
    parent wrote every part document (a serial second or more for a 200-piece book). Here the
    first ``eager`` jobs start as soon as they are added; the rest wait until ``finish`` and
    then start costliest first (``layout_cost``), so a round still ends on small jobs rather than
    one large part running alone; jobs added ``last`` start after all of them, as filler for the
    core that finishes first. Each result is stored in the cache as it arrives, not after the last.
    Which worker lays out what, and when, never changes a result: each job is laid out alone.
    """

    def __init__(self, scratch: Path, label: str, ctx: BuildContext, pool: Executor, eager: int = 0, languages: Iterable[str] = ()) -> None:
        self.scratch = scratch
        # the book's language: in its back matter and contents, laid out again whenever a piece changes; its patterns are
        # loaded before the workers fork. A piece's other language stays the worker's to load (only when its part is laid out)
        self.languages = tuple(languages)
        self.label = label  # names the output files (``label-index.pdf``) and, by default, the progress stage
        self.ctx = ctx
        self.pool = pool
        self.eager = eager
        self.jobs: list[LayoutJob | None] = []  # None: a layout found by ``add_found``
        self.results: list[LaidOut | None] = []
        self.waiting: list[tuple[int, str]] = []  # (index, cache key) not yet handed to the pool
        self.trailing: list[tuple[int, str]] = []  # the same, to start after every waiting one
        self.running: dict[Future, tuple[int, str]] = {}

    def add(self, job: LayoutJob, last: bool = False) -> None:
        """Take one more job: read back from the cache, started now, or kept for ``finish`` (``last``: to start after the others)."""
        index = len(self.jobs)
        self.jobs.append(job)
        cache = self.ctx.cache
        key = job_key(job) if cache else ""
        self.results.append(cached_layout(cache, key) if cache else None)
        if self.results[index] is not None:
            return
        if last:
            self.trailing.append((index, key))
        elif len(self.running) < self.eager:
            self._start(index, key)
        else:
            self.waiting.append((index, key))

    def add_found(self, laid: LaidOut) -> None:
        """Take a layout found without its job (``part_sources``), in its place in the order."""
        self.jobs.append(None)
        self.results.append(laid)

    def finish(self, stage_label: str | None = None) -> list[LaidOut]:
        """Start the waiting jobs costliest first, then the ``last`` ones, wait for all, and return every job's layout in order."""
        self.waiting.sort(key=lambda item: -self.jobs[item[0]].cost)  # stable: equal costs keep their order
        for index, key in [*self.waiting, *self.trailing]:
            self._start(index, key)
        self.waiting, self.trailing = [], []
        stage = f"pdf {stage_label or self.label}"
        total = len(self.running)
        self.ctx.progress(stage, 0, total)
        cache = self.ctx.cache
        for count, future in enumerate(as_completed(list(self.running)), start=1):
            index, key = self.running[future]
            laid = future.result()
            interrupts.check()
            self.results[index] = laid
            if cache:
                cache.store_file(key, Path(laid.path), ".pdf")
                cache.store_json(key, dataclasses.asdict(laid) | {"path": ""})
            self.ctx.progress(stage, count, total)
        self.running = {}
        return [result for result in self.results if result is not None]

    def _start(self, index: int, key: str) -> None:
        import_weasyprint()  # before the workers fork: each would import it again, 0.6 s of CPU
        load_hyphenation(self.languages)  # likewise, 0.13 s a language (loaded once: pyphen keeps them)

        out = str(self.scratch / f"{self.label}-{index}.pdf")
        with submitting(self.pool):  # not cut inside the pool's submission
            self.running[self.pool.submit(_lay_out_entry, (self.jobs[index], out))] = (index, key)


def cached_layout(cache, key: str) -> LaidOut | None:
    """The stored layout of ``key`` (its PDF verified), or None."""
    path = cache.find(key, ".pdf", "PDF part")
    data = cache.load_json(key, "PDF part record")
    if path is None or not isinstance(data, dict):
        return None
    try:
        return laid_out_from_data(data, str(path))
    except (KeyError, TypeError, ValueError):
        return None


def laid_out_from_data(data: dict, path: str) -> LaidOut:
    """A ``LaidOut`` read back from its JSON form (lists become tuples again)."""
    pages = tuple(
        PageInfo(
            side=p["side"],
            name=p["name"],
            blank=p["blank"],
            running=p["running"],
            anchors=tuple(p["anchors"]),
            bookmarks=tuple((int(b[0]), str(b[1]), float(b[2]), float(b[3]), str(b[4])) for b in p["bookmarks"]),
        )
        for p in data["pages"]
    )
    return LaidOut(
        path=path,
        pages=pages,
        wants_recto=bool(data["wants_recto"]),
        content_x=tuple((str(side), float(x)) for side, x in data["content_x"]),
        equal_widths=bool(data["equal_widths"]),
        log=tuple((int(level), str(text)) for level, text in data["log"]),
        images=tuple(ImagePlacement(**image) for image in data.get("images", ())),
    )
