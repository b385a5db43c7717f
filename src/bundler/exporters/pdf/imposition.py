"""Booklet imposition: page pairs on sheets in saddle-stitch order, with pikepdf.

A photocopier prints the sheets double-sided (flip on the short edge); folded in half and
stapled, they read as a booklet. pikepdf (qpdf) draws each page as a form XObject, so
text, fonts and links inside a page stay exactly as WeasyPrint wrote them.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pikepdf loads when a booklet is imposed: every build collects this module, few impose
    import pikepdf

BLANK = 0  # a padding page in a sheet order


def padded_page_count(page_count: int) -> int:
    """Pages in the booklet: the next multiple of four (each folded sheet holds four)."""
    return max(4, -(-page_count // 4) * 4)


def saddle_stitch_order(page_count: int, right_to_left: bool = False) -> list[tuple[int, int]]:
    """The (left half, right half) 1-based page numbers of each sheet side, front then back.

    Sheet ``i`` front is ``(n - 2i, 2i + 1)`` and its back ``(2i + 2, n - 2i - 1)``; pages past
    ``page_count`` are ``BLANK``. A right-to-left booklet is bound on the right, so each pair swaps.
    """
    total = padded_page_count(page_count)
    sides = []
    for sheet in range(total // 4):
        sides.append((total - 2 * sheet, 2 * sheet + 1))
        sides.append((2 * sheet + 2, total - 2 * sheet - 1))
    if right_to_left:
        sides = [(right, left) for left, right in sides]
    return [tuple(number if number <= page_count else BLANK for number in side) for side in sides]


def impose_booklet(pdf: bytes, right_to_left: bool = False) -> bytes:
    """Put the document's pages two-up on sheets twice their width, in saddle-stitch order."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as source, pikepdf.new() as booklet:
        width, height = _page_size(source.pages[0])
        order = saddle_stitch_order(len(source.pages), right_to_left)
        forms = {index + 1: booklet.copy_foreign(page.as_form_xobject()) for index, page in enumerate(source.pages)}
        sheet_of_page: dict[int, int] = {}
        for side_index, pair in enumerate(order):
            booklet.add_blank_page(page_size=(2 * width, height))
            sheet = booklet.pages[-1]
            drawing = []
            for slot, number in enumerate(pair):
                if number == BLANK:
                    continue
                # A fixed resource name (add_overlay picks a random one) keeps the bytes reproducible.
                sheet.add_resource(forms[number], pikepdf.Name.XObject, pikepdf.Name(f"/Page{number}"))
                drawing.append(f"q 1 0 0 1 {slot * width:.4f} 0 cm /Page{number} Do Q")
                sheet_of_page[number] = side_index
            sheet.contents_add(booklet.make_stream("\n".join(drawing).encode("ascii")))
        _copy_document_data(source, booklet)
        _copy_outline(source, booklet, sheet_of_page)
        out = io.BytesIO()
        booklet.save(out, deterministic_id=True, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return out.getvalue()


def _page_size(page: pikepdf.Page) -> tuple[float, float]:
    box = page.mediabox
    return float(box[2]) - float(box[0]), float(box[3]) - float(box[1])


def _copy_document_data(source: pikepdf.Pdf, booklet: pikepdf.Pdf) -> None:
    """Title, authors, language and XMP metadata travel with the pages."""
    import pikepdf

    if "/Info" in source.trailer:
        booklet.trailer.Info = booklet.copy_foreign(source.trailer.Info)
    for key in ("/Lang", "/Metadata", "/ViewerPreferences"):
        if key in source.Root:
            booklet.Root[key] = (
                booklet.copy_foreign(source.Root[key])
                if isinstance(source.Root[key], pikepdf.Dictionary | pikepdf.Stream)
                else source.Root[key]
            )


def _copy_outline(source: pikepdf.Pdf, booklet: pikepdf.Pdf, sheet_of_page: dict[int, int]) -> None:
    """The same bookmarks, each pointing at the sheet side that carries its page."""
    with source.open_outline() as outline:
        items = [_copy_item(source, item, sheet_of_page) for item in outline.root]
    with booklet.open_outline() as target:
        target.root.extend(item for item in items if item is not None)


def _copy_item(source: pikepdf.Pdf, item: pikepdf.OutlineItem, sheet_of_page: dict[int, int]) -> pikepdf.OutlineItem | None:
    import pikepdf

    destination = item.destination
    if destination is None and item.action is not None:
        destination = item.action.get("/D")
    if not isinstance(destination, pikepdf.Array) or len(destination) == 0:
        return None
    number = pikepdf.Page(destination[0]).index + 1
    copied = pikepdf.OutlineItem(item.title, sheet_of_page.get(number, 0))
    copied.children.extend(child for child in (_copy_item(source, c, sheet_of_page) for c in item.children) if child is not None)
    return copied
