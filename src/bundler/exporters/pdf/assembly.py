"""Parts laid out apart, put together into one PDF with pikepdf.

The assembler takes the cover and contents (laid out last, at their true place), then each
part's pages in order: a blank page before a part that must start on a recto, a sideways
shift for a part whose pages land on the other side than they were laid out on, and the
page numbers and running heads: drawn here (``margin_marks``), or, for a part whose heads
could not be drawn here, its WeasyPrint overlay stamped on each page. It then writes the
named destinations (so links across parts work) and the outline from where each anchor and
bookmark really landed, and gives each face one font program for the whole book (``pdf_fonts``). Saving with a deterministic ID keeps the file reproducible.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterable

from bundler.errors import ExportError
from bundler.exporters.pdf.fonts import share_font_programs
from bundler.exporters.pdf.layout import LaidOut, PageInfo, Placement
from bundler.exporters.pdf.margin_marks import DRAWN_FACES, MarkFonts, PageMarks, marks_stream

#: WeasyPrint lays out in CSS pixels (96 per inch) and writes PDF points (72 per inch).
PX_TO_PT = 0.75
#: The resource name the page-number and running-head overlay is drawn under.
OVERLAY_NAME = "/BundlerMarginBoxes"


def load_pikepdf() -> None:
    """Import pikepdf now (~0.05 CPU s), the build's while the contents is laid out on a worker.

    ``assemble_book`` imported it on its first line: at the book's serial end, with every other
    core idle, where the parent had spare time a moment before (``parts.render_in_parts``).
    """
    import pikepdf  # noqa: F401


def assemble_book(
    front: LaidOut, placements: list[Placement], overlays: list[LaidOut | None], marks: list[list[PageMarks | None] | None] | None = None
) -> bytes:
    """One PDF: the front pages, then every part (with blanks, shifts and margin marks), links and outline.

    A part's page numbers and running heads come from ``marks`` (drawn here, ``margin_marks``)
    or, for a part whose marks could not be drawn here, from its WeasyPrint ``overlays`` entry.
    """
    import pikepdf

    marks = marks if marks is not None else [None] * len(placements)
    with contextlib.ExitStack() as opened:
        book = opened.enter_context(pikepdf.open(front.path))
        width, height = (float(v) for v in book.pages[0].mediabox[2:4])
        fonts = MarkFonts(book)
        destinations = _owned_destinations(book, front, first=0, shifts=[0.0] * len(book.pages))
        bookmarks = list(_bookmarks(front.pages, first=0, shifts=[0.0] * len(front.pages), height=height))
        for placement, overlay, plan in zip(placements, overlays, marks, strict=True):
            if placement.blank_before:
                book.add_blank_page(page_size=(width, height))
            part = opened.enter_context(pikepdf.open(placement.part.path))
            stamps = opened.enter_context(pikepdf.open(overlay.path)).pages if overlay is not None else [None] * len(part.pages)
            drawn = plan if plan is not None else [None] * len(part.pages)
            first = len(book.pages)
            shifts = [_shift(placement, info) for info in placement.part.pages]
            for name, place in _owned_destinations(part, placement.part, first, shifts).items():
                destinations.setdefault(name, place)  # an id used twice: the first wins, as in one pass
            bookmarks += _bookmarks(placement.part.pages, first, shifts, height)
            for page, info, shift, stamp, page_marks in zip(part.pages, placement.part.pages, shifts, stamps, drawn, strict=True):
                book.pages.append(page)
                placed = book.pages[-1]
                if shift:
                    _translate(placed, shift)
                if info.blank:
                    continue
                if stamp is not None:
                    _stamp(book, placed, stamp)
                elif page_marks:
                    _draw_marks(placed, page_marks, fonts)
        fonts.finish()
        _write_destinations(book, destinations)
        _write_outline(book, bookmarks)
        share_font_programs(book)  # one program per face, not one per part
        buffer = io.BytesIO()
        book.save(buffer, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return buffer.getvalue()


def _shift(placement: Placement, info: PageInfo) -> float:
    """How far (points) a page moves sideways when it lands on the other side than it was laid out on."""
    if not placement.flipped:
        return 0.0
    other = "right" if info.side == "left" else "left"
    laid, landed = placement.part.x_of(info.side), placement.part.x_of(other)
    if laid is None or landed is None or not placement.part.equal_widths:
        raise ExportError("a PDF part cannot move to the other side of the spread", code="E062", hint="please report this dossier")
    return (landed - laid) * PX_TO_PT


def _translate(page, shift: float) -> None:
    """Move the page's drawing and its link areas ``shift`` points to the right."""
    import pikepdf

    page.contents_add(f"q 1 0 0 1 {shift:.4f} 0 cm\n".encode("ascii"), prepend=True)
    page.contents_add(b"\nQ\n")
    for annotation in page.obj.get("/Annots", pikepdf.Array()):
        rect = [float(v) for v in annotation.Rect]
        annotation.Rect = pikepdf.Array([rect[0] + shift, rect[1], rect[2] + shift, rect[3]])


def _stamp(book, page, stamp) -> None:
    """Draw the overlay page over ``page`` as a form XObject under a fixed name.

    Not ``Page.add_overlay``: it names the XObject at random, and the file must be reproducible.
    """
    import pikepdf

    form = book.copy_foreign(stamp.as_form_xobject())
    shared = page.obj.get("/Resources", pikepdf.Dictionary())  # WeasyPrint shares one among all pages
    own = {key: shared[key] for key in shared.keys()}
    xobjects = shared.get("/XObject", pikepdf.Dictionary())
    own["/XObject"] = pikepdf.Dictionary({**{key: xobjects[key] for key in xobjects.keys()}, OVERLAY_NAME: form})
    page.obj.Resources = pikepdf.Dictionary(own)
    page.contents_add(b"q\n", prepend=True)
    page.contents_add(f"\nQ\nq {OVERLAY_NAME} Do Q\n".encode("ascii"))


#: The resource names the drawn marks' fonts go under, one per face.
MARK_FONT_NAMES = {family: f"/BundlerMark{n}" for n, family in enumerate(DRAWN_FACES)}


def _draw_marks(page, page_marks: PageMarks, fonts: MarkFonts) -> None:
    """Append the page's number and running heads, drawn with the marks' fonts under fixed names."""
    import pikepdf

    height = float(page.mediabox[3])
    stream = marks_stream(page_marks, fonts, height, MARK_FONT_NAMES)
    used = {glyph.face for _, line, _, _ in page_marks for glyph in line.glyphs}
    shared = page.obj.get("/Resources", pikepdf.Dictionary())  # WeasyPrint shares one among all pages
    own = {key: shared[key] for key in shared.keys()}
    font_names = shared.get("/Font", pikepdf.Dictionary())
    own["/Font"] = pikepdf.Dictionary(
        {**{key: font_names[key] for key in font_names.keys()}, **{MARK_FONT_NAMES[face]: fonts.resource(face) for face in sorted(used)}}
    )
    page.obj.Resources = pikepdf.Dictionary(own)
    page.contents_add(b"q\n", prepend=True)
    page.contents_add(b"\nQ\n" + stream)


def _owned_destinations(pdf, laid: LaidOut, first: int, shifts: list[float]) -> dict[str, tuple[int, float, float]]:
    """The named destinations a laid-out document really holds (not its stubs), as book positions."""
    import pikepdf

    owned = {anchor for info in laid.pages for anchor in info.anchors}
    names = pdf.Root.get("/Names")
    if names is None or "/Dests" not in names:
        return {}
    index_of = {page.obj.objgen: n for n, page in enumerate(pdf.pages)}
    found = {}
    for name, target in pikepdf.NameTree(names.Dests).items():
        page = index_of.get(target[0].objgen)
        if name in owned and page is not None:
            found[name] = (first + page, float(target[2]) + shifts[page], float(target[3]))
    return found


def _bookmarks(pages: Iterable[PageInfo], first: int, shifts: list[float], height: float) -> list[tuple[int, str, int, float, float, str]]:
    """Each page's bookmarks as (level, label, book page, x, y, state), in PDF points."""
    return [
        (level, label, first + n, x * PX_TO_PT + shifts[n], height - y * PX_TO_PT, state)
        for n, info in enumerate(pages)
        for level, label, x, y, state in info.bookmarks
    ]


def _destination(book, page: int, x: float, y: float):
    import pikepdf

    return pikepdf.Array([book.pages[page].obj, pikepdf.Name.XYZ, round(x, 4), round(y, 4), 0])


def _write_destinations(book, destinations: dict[str, tuple[int, float, float]]) -> None:
    """Replace the name tree of destinations with the book's."""
    import pikepdf

    tree = pikepdf.NameTree.new(book)
    for name in sorted(destinations):
        tree[name] = _destination(book, *destinations[name])
    if "/Names" not in book.Root:
        book.Root.Names = pikepdf.Dictionary()
    book.Root.Names.Dests = tree.obj


def _write_outline(book, bookmarks: list[tuple[int, str, int, float, float, str]]) -> None:
    """The outline, nested by bookmark level as WeasyPrint nests it: under the last lower level."""
    import pikepdf

    with book.open_outline() as outline:
        outline.root.clear()
        parents: list[tuple[int, pikepdf.OutlineItem]] = []
        for level, label, page, x, y, state in bookmarks:
            item = pikepdf.OutlineItem(label, _destination(book, page, x, y))
            item.is_closed = state == "closed"
            while parents and parents[-1][0] >= level:
                parents.pop()
            (parents[-1][1].children if parents else outline.root).append(item)
            parents.append((level, item))
