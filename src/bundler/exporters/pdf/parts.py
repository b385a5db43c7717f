"""A large PDF laid out in parts on every core, then assembled into the one book.

WeasyPrint lays out a document on one core, and layout is most of a PDF build. Every section,
every run of ``PIECES_PER_PART`` pieces and every text page starts on a fresh page, so each
can be laid out alone. What crosses part boundaries is put back afterwards:

- **page numbers and running heads**: parts are laid out with their margin boxes hidden
  (a hidden ``@top-center`` records the ``string(piece)`` of each page); the assembler draws
  them (``margin_marks``, placed as a small probe layout of the edition shows, ``margin_probe``).
  A part with a head it cannot draw faithfully keeps the old way: an *overlay* laid out by
  WeasyPrint with the edition's own stylesheets at the part's true first page number and
  side, stamped onto the part's pages;
- **recto breaks and left/right pages**: each part starts after a throw-away lead page, so
  the part itself shows whether its first block wants a recto (a blank page appears); the
  assembler inserts that blank where the book needs it, and shifts a part whose pages land
  on the other side sideways by the difference of the left and right margins;
- **contents, links and outline**: links to other parts point at hidden stubs, the assembler
  rebuilds the named destinations and the outline from where each anchor really landed, and
  the cover and contents are laid out last with those page numbers written in.

Parts and overlays are cached by content, so a rebuild after one piece changed lays out one
part again. The result depends on the dossier only, never on the number of cores.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from html import escape, unescape
from pathlib import Path
from typing import TypeVar

from bundler.cache import ContentCache
from bundler.errors import ExportError
from bundler.exporters.context import BuildContext
from bundler.exporters.pdf.assembly import assemble_book, load_pikepdf
from bundler.exporters.pdf.base import (
    Fragment,
    FragmentSource,
    LogMessage,
    PdfLayout,
    document_markup,
    edition_title,
    fragment_sources,
    pdf_fragments,
    pdf_script_faces,
    stylesheet_names,
)
from bundler.exporters.pdf.image_refs import ImageReferences
from bundler.exporters.pdf.layout import (
    LaidOut,
    LayoutJob,
    LayoutRound,
    LayoutSettings,
    Placement,
    job_key,
    layout_cost,
    open_layout_pool,
)
from bundler.exporters.pdf.margin_marks import MarginGeometry, plan_part
from bundler.exporters.pdf.margin_probe import cached_probe_geometry, probe_markup
from bundler.exporters.pdf.part_sources import PartSources
from bundler.images.session import ImageSession
from bundler.model import Dossier, Edition
from bundler.text.plain import direction_of

#: Pieces laid out together in one part: small enough that one changed piece re-lays out
#: little, large enough that the fonts each part embeds stay a small share of the file.
PIECES_PER_PART = 10
#: Below this many pieces a dossier is laid out in one pass: there is little to share out.
PARALLEL_MIN_PIECES = 12
#: How often the contents may change its own length before we give up (it converges at once in practice).
MAX_FRONT_PASSES = 3

_HIDDEN_MARGIN_BOXES = (
    "top-left-corner top-left top-right top-right-corner bottom-left-corner bottom-left bottom-center "
    "bottom-right bottom-right-corner left-top left-middle left-bottom right-top right-middle right-bottom"
).split()
#: Parts: no margin boxes, but the running head each page would carry, laid out hidden.
PART_CSS = (
    "@page { "
    + " ".join(f"@{box} {{ content: none !important; }}" for box in _HIDDEN_MARGIN_BOXES)
    + " @top-center { content: string(piece, first-except) !important; visibility: hidden !important; } }\n"
    ".bundler-lead { break-after: page; }\n"
)
STUBS_CSS = ".bundler-stubs { position: absolute; top: 0; left: 0; width: 0; height: 0; overflow: hidden; visibility: hidden; }\n"
OVERLAY_CSS = (
    ".bundler-overlay-page { break-before: page; }\n"
    ".bundler-overlay-page:first-child { break-before: auto; }\n"
    ".bundler-overlay-page span { visibility: hidden; }\n"
    ".bundler-dossier { string-set: dossier content(text); }\n"
    ".bundler-piece { string-set: piece content(text); }\n"
)
#: The fragments laid out last, at the front, once the other pages are numbered.
FRONT_KINDS = ("cover", "toc")
#: A rendered fragment or one still to render: parts are cut by kind alone.
FragmentT = TypeVar("FragmentT", Fragment, FragmentSource)
_ID = re.compile(r'\sid="([^"]+)"')
_LOCAL_HREF = re.compile(r'\shref="#([^"]+)"')


def renders_in_parts(dossier: Dossier, layout: PdfLayout) -> bool:
    """Parts for a large dossier; one pass for a small one and for a tagged or PDF/A edition."""
    return len(dossier.pieces) >= PARALLEL_MIN_PIECES and layout.variant is None and not layout.tags


def group_into_parts(fragments: Iterable[FragmentT]) -> Iterator[list[FragmentT]]:
    """The body parts, in order: each text page, section (with its first pieces) and run of pieces alone.

    The cover and contents are left out: they are laid out last, with the page numbers.
    """
    part: list[FragmentT] = []
    for fragment in fragments:
        if fragment.kind in FRONT_KINDS:
            continue
        continues = fragment.kind == "piece" and part and part[0].kind in ("section", "piece")
        if not continues or sum(f.kind == "piece" for f in part) >= PIECES_PER_PART:
            if part:
                yield part
            part = []
        part.append(fragment)
    if part:
        yield part


def front_fragments(dossier: Dossier, edition: Edition, images: ImageSession, numbers: Mapping[str, int]) -> list[Fragment]:
    """The cover and the contents, with the contents' page numbers written in."""
    return list(itertools.takewhile(lambda f: f.kind in FRONT_KINDS, pdf_fragments(dossier, edition, images, page_numbers=numbers)))


def stub_ids(markup: str) -> list[str]:
    """Anchors ``markup`` links to but does not hold: they live in other parts (attribute text unescaped)."""
    defined = {unescape(value) for value in _ID.findall(markup)}
    return sorted({unescape(href) for href in _LOCAL_HREF.findall(markup)} - defined)


def stubs_markup(ids: list[str]) -> str:
    """Hidden, sizeless anchors, so WeasyPrint keeps links that point into other parts."""
    if not ids:
        return ""
    return '<div class="bundler-stubs">' + "".join(f'<span id="{escape(i)}"></span>' for i in ids) + "</div>"


def place_parts(front_pages: int, parts: list[LaidOut], right_to_left: bool) -> list[Placement]:
    """Number every part's pages after the front matter, inserting blanks before recto starts."""
    placements = []
    count = front_pages
    for part in parts:
        blank = part.wants_recto and count % 2 == 1  # the next page would be a verso
        count += blank
        first_side = recto_side(right_to_left) if count % 2 == 0 else verso_side(right_to_left)
        placements.append(Placement(part, count + 1, blank, bool(part.pages) and part.pages[0].side != first_side))
        count += len(part.pages)
    return placements


def recto_side(right_to_left: bool) -> str:
    """Page 1 is a right page in a left-to-right book and a left page in a right-to-left one."""
    return "left" if right_to_left else "right"


def verso_side(right_to_left: bool) -> str:
    """The other side."""
    return "right" if right_to_left else "left"


def anchor_pages(front: LaidOut, placements: list[Placement]) -> dict[str, int]:
    """The book page each anchor is on (its first occurrence)."""
    pages: dict[str, int] = {}
    for number, info in enumerate(front.pages, start=1):
        for anchor in info.anchors:
            pages.setdefault(anchor, number)
    for placement in placements:
        for offset, info in enumerate(placement.part.pages):
            for anchor in info.anchors:
                pages.setdefault(anchor, placement.first_page + offset)
    return pages


def render_in_parts(
    dossier: Dossier, edition: Edition, layout: PdfLayout, ctx: BuildContext, seen_images: list | None = None
) -> tuple[bytes, list[LogMessage]]:
    """Lay out the parts in parallel (``ctx.work``'s cores, ``ctx.cache``'s parts), then the front matter (and any overlays).

    ``seen_images`` receives where each image was laid out (front matter first, then the parts).
    """
    settings = LayoutSettings(
        stylesheets=stylesheet_names(dossier, layout),
        page_size=layout.page_size,
        dpi=layout.dpi,
        jpeg_quality=layout.jpeg_quality,
        identifier=dossier.identifier,
        faces=pdf_script_faces(dossier),
    )
    right_to_left = direction_of(dossier.language) == "rtl"
    with tempfile.TemporaryDirectory(prefix=f"bundler-pdf-{os.getpid()}-") as folder:  # the id: a later build sweeps a killed one's
        scratch = Path(folder)
        references = ImageReferences(ctx.images)
        bodies = group_into_parts(fragment_sources(dossier, edition, ctx.images, image_href=references.href))
        sources = PartSources(dossier, edition, layout.name, ctx.images, ctx.glyphs, ctx.cache)
        part_settings = replace(settings, extra_css=PART_CSS + STUBS_CSS)
        with open_layout_pool(ctx, len(dossier.pieces) // PIECES_PER_PART + 1) as pool:  # one pool for both rounds; at least 2 jobs
            # the first jobs lay out while the parent writes the next parts' documents
            first = LayoutRound(scratch, "layout", ctx, pool, eager=ctx.work.worker_count, languages=(dossier.language,))
            for n, body in enumerate(bodies):
                source_key = sources.key(body, part_settings, lead=True)
                found = sources.find(source_key)
                if found is not None:  # laid out before from the same sources: not even rendered
                    sources.report_photos(body)
                    first.add_found(found)
                    continue
                job = _part_job(dossier, edition, layout, part_settings, body, scratch / f"part-{n}.xhtml", references)
                sources.remember(source_key, job_key(job))
                first.add(job)
            # the contents with guessed numbers (only its page count is used) starts after every part: the
            # core that finishes its parts first lays it out while the other ends its last part
            guess = defaultdict(lambda: 8888)  # every entry as wide as most books' page numbers
            first.add(_front_job(dossier, edition, layout, settings, guess, scratch / "front-guess.xhtml", ctx.images), last=True)
            laid = first.finish()
            parts, front = laid[:-1], laid[-1]
            title = edition_title(dossier, edition)
            for _ in range(MAX_FRONT_PASSES):
                placements = place_parts(len(front.pages), parts, right_to_left)
                numbers = anchor_pages(front, placements)
                listed = defaultdict(int, numbers)  # an entry without an anchor (none expected) shows 0, as before
                second = LayoutRound(scratch, "contents", ctx, pool, eager=1)  # the contents starts before the probe
                second.add(_front_job(dossier, edition, layout, settings, listed, scratch / "front.xhtml", ctx.images))
                # the probe (a small layout in the parent, remembered after the first pass) now fills the core
                # the contents job leaves idle, instead of running before it while both cores wait
                geometry = margin_geometry(dossier, edition, layout, settings, right_to_left, ctx.cache)
                marks = [plan_part(geometry, placement.part.pages, placement.first_page, title) for placement in placements]
                overlaid = [n for n, plan in enumerate(marks) if plan is None]  # parts whose marks the assembler cannot draw
                for n in overlaid:
                    second.add(
                        _overlay_job(dossier, edition, layout, settings, placements[n], right_to_left, scratch / f"overlay-{n}.xhtml")
                    )
                load_pikepdf()  # the assembler's library, loaded in this spare time rather than after the contents
                laid = second.finish("overlay" if overlaid else "contents")
                if len(laid[0].pages) == len(front.pages):
                    front = laid[0]
                    overlays: list[LaidOut | None] = [None] * len(placements)
                    for n, overlay in zip(overlaid, laid[1:], strict=True):
                        overlays[n] = overlay
                    break
                front = laid[0]  # the real page numbers changed the contents' length: place again
            else:
                raise ExportError("the contents would not settle on a page count", code="E062", hint="please report this dossier")
        messages = [m for part in (front, *parts) for m in part.log]
        if seen_images is not None:
            seen_images.extend(image for part in (front, *parts) for image in part.images)
        return assemble_book(front, placements, overlays, marks), messages


#: Margin geometry of the editions probed in this process, by what decides it (a probe is one small layout).
_GEOMETRIES: dict[tuple, MarginGeometry | None] = {}


def margin_geometry(
    dossier: Dossier, edition: Edition, layout: PdfLayout, settings: LayoutSettings, right_to_left: bool, cache: ContentCache | None = None
) -> MarginGeometry | None:
    """Where the edition's margin boxes are and what they show (``margin_marks``), None if it cannot be read.

    Probed once per process and kept in ``cache`` between builds (``margin_probe.cached_probe_geometry``).
    """
    body, css = probe_markup(right_to_left)
    html = document_markup(dossier, edition, layout.name, body)
    key = (hashlib.sha256(html.encode("utf-8")).hexdigest(), settings.stylesheets, settings.page_size, settings.faces)
    if key not in _GEOMETRIES:
        _GEOMETRIES[key] = cached_probe_geometry(html, settings, OVERLAY_CSS + css, right_to_left, cache)
    return _GEOMETRIES[key]


def write_job(
    path: Path,
    markup: str,
    settings: LayoutSettings,
    lead: bool = False,
    stubs: tuple[str, ...] = (),
    images: tuple[tuple[str, str], ...] = (),
) -> LayoutJob:
    """A layout job whose document waits in a file: workers read it, the parent need not keep it."""
    data = markup.encode("utf-8")
    path.write_bytes(data)
    return LayoutJob(str(path), hashlib.sha256(data).hexdigest(), settings, lead, stubs, layout_cost(markup), images)


def _part_job(
    dossier: Dossier,
    edition: Edition,
    layout: PdfLayout,
    settings: LayoutSettings,
    body: list[FragmentSource],
    path: Path,
    references: ImageReferences,
) -> LayoutJob:
    """A part's document, its fragments rendered now; ``settings`` are the parts' (hidden margin boxes, stubs)."""
    markup = "\n".join(fragment.render() for fragment in body)
    stubs = stub_ids(markup)
    html = document_markup(dossier, edition, layout.name, '<div class="bundler-lead"></div>\n' + markup + stubs_markup(stubs))
    return write_job(path, html, settings, lead=True, stubs=tuple(stubs), images=references.used_by(markup))


def _front_job(
    dossier: Dossier,
    edition: Edition,
    layout: PdfLayout,
    settings: LayoutSettings,
    numbers: dict[str, int],
    path: Path,
    images: ImageSession,
) -> LayoutJob:
    markup = "\n".join(fragment.markup for fragment in front_fragments(dossier, edition, images, numbers))
    stubs = stub_ids(markup)
    html = document_markup(dossier, edition, layout.name, markup + stubs_markup(stubs))
    return write_job(path, html, replace(settings, extra_css=STUBS_CSS), stubs=tuple(stubs))


def _overlay_job(
    dossier: Dossier, edition: Edition, layout: PdfLayout, settings: LayoutSettings, placement: Placement, right_to_left: bool, path: Path
) -> LayoutJob:
    """Empty pages carrying only what the margin boxes show, numbered and sided as in the book."""
    first_side = recto_side(right_to_left) if placement.first_page % 2 == 1 else verso_side(right_to_left)
    title = escape(edition_title(dossier, edition))
    pages = []
    for info in placement.part.pages:
        name = f"page: {info.name}; " if info.name else ""
        # the dossier's title on every page but an opening one (its recorded head is empty there), as in one pass
        dossier_span = f'<span class="bundler-dossier">{title if info.running else ""}</span>'
        pages.append(
            f'<div class="bundler-overlay-page" style="{name}">{dossier_span}<span class="bundler-piece">{escape(info.running)}</span></div>'
        )
    html = document_markup(dossier, edition, layout.name, "\n".join(pages), root_style=f"break-before: {first_side}")
    counter = f"@page :first {{ counter-reset: page {placement.first_page}; }}\n"
    # Each overlay page sets its own head (empty on an opening page, as the part recorded it): the
    # edition's "first-except" would blank them all, so the overlay reads the plain string.
    return write_job(path, html, replace(settings, extra_css=OVERLAY_CSS + counter, plain_running_heads=True))
