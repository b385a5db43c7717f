"""The probe: where an edition's margin boxes are, read from one small WeasyPrint layout.

``margin_marks`` draws page numbers and running heads itself; what it needs to know about the
edition (each box's row, font stack, size, line height, colour, alignment, and which of page
number, dossier title or piece title it shows, for every page name and side) is read here from
a probe document laid out with the edition's own stylesheets: a lead page, then a left and a
right page of each page name the stylesheets use, whose strings hold known words. Nothing is
read from the CSS by hand. Each probe line is also placed by ``margin_marks`` and compared with
where WeasyPrint put it; an edition whose boxes this cannot read or place (a corner or side
box, two lines, letter spacing, a transform, a border, bold or italic, a line off by more than
``PROBE_TOLERANCE``) gets no geometry, and its parts keep WeasyPrint's overlays.

The probe (WeasyPrint's import and one small layout, ~0.5 s of CPU) ran on every PDF build,
so a rebuild after one piece changed paid it again: what it read is kept in the build's cache
(``cached_probe_geometry``), keyed as the laid-out parts are (the probe document, its layout
settings and ``code_digest``: bundler's styles and fonts and WeasyPrint's version).
"""

from __future__ import annotations

import dataclasses
import hashlib
from typing import Any

from bundler.cache import ContentCache, make_key
from bundler.exporters.pdf.margin_marks import MarginGeometry, MarkBox, place_line, shape_line
from bundler.exporters.pdf.native import import_weasyprint
from bundler.resources import code_digest, styles_dir

#: Page names the probe lays out ("" is an unnamed page); the stylesheets use these.
PROBED_NAMES = ("", "front", "opener")
#: What the probe puts in each string, to tell the boxes apart.
_PROBE_DOSSIER = "Dossier probe"
_PROBE_PIECE = "Piece probe"
_PROBE_PAGE = 7
#: How far (points) a probe line may be from where ``margin_marks`` puts it before the edition falls back.
PROBE_TOLERANCE = 0.25
#: WeasyPrint lays out in CSS pixels (96 per inch) and writes PDF points (72 per inch).
PX_TO_PT = 0.75


def probe_geometry(html: str, settings, extra_css: str, right_to_left: bool) -> MarginGeometry | None:
    """Lay out the probe document (``probe_markup`` in the edition's shell) with the edition's stylesheets; read its boxes."""
    import_weasyprint()
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    from bundler.exporters.pdf.base import collecting_weasyprint_log, load_stylesheets

    fonts = FontConfiguration()
    sheets = load_stylesheets(settings.stylesheets, settings.page_size, extra_css, fonts, plain_running_heads=True, faces=settings.faces)
    with collecting_weasyprint_log():
        document = weasyprint.HTML(string=html, base_url=str(styles_dir()) + "/").render(font_config=fonts, stylesheets=sheets)
    return read_geometry(document.pages, right_to_left)


def cached_probe_geometry(html: str, settings, extra_css: str, right_to_left: bool, cache: ContentCache | None) -> MarginGeometry | None:
    """``probe_geometry``, read from ``cache`` when this probe was laid out before (and stored there when not)."""
    if cache is None or not cache.enabled:
        return probe_geometry(html, settings, extra_css, right_to_left)
    key = probe_key(html, settings, extra_css, right_to_left)
    stored = cache.load_json(key, "margin probe")  # a damaged entry is reported (W701) and probed again
    if isinstance(stored, dict) and stored.get("format") == _FORMAT:
        try:
            return geometry_from_data(stored["geometry"])
        except (KeyError, TypeError, ValueError):
            pass  # written by a bug, not by a failing disk: probe again and overwrite it
    geometry = probe_geometry(html, settings, extra_css, right_to_left)
    try:
        cache.store_json(key, {"format": _FORMAT, "geometry": geometry_to_data(geometry)})
    except OSError:  # a read-only or full cache: the next build probes again
        pass
    return geometry


_FORMAT = "bundler-margin-probe-1"


def probe_key(html: str, settings, extra_css: str, right_to_left: bool) -> str:
    """Everything the probe's result depends on: its document, its layout settings (stylesheets, page size, faces) and the code."""
    document = hashlib.sha256(html.encode("utf-8")).hexdigest()
    return make_key("margin-probe", document, dataclasses.asdict(settings), extra_css, right_to_left, code_digest())


def geometry_to_data(geometry: MarginGeometry | None) -> dict[str, Any] | None:
    """The geometry as JSON-able data (floats round-trip exactly through JSON)."""
    if geometry is None:
        return None
    pages = [[name, side, [dataclasses.asdict(box) for box in boxes]] for (name, side), boxes in geometry.boxes.items()]
    return {"right_to_left": geometry.right_to_left, "pages": pages}


def geometry_from_data(data: dict[str, Any] | None) -> MarginGeometry | None:
    """``geometry_to_data`` undone."""
    if data is None:
        return None
    boxes = {}
    for name, side, found in data["pages"]:
        boxes[(str(name), str(side))] = tuple(replace_sequences(MarkBox(**box)) for box in found)
    return MarginGeometry(boxes, bool(data["right_to_left"]))


def replace_sequences(box: MarkBox) -> MarkBox:
    """JSON gives lists where the probe gave tuples (font stack, colour): tuples again, so the boxes compare equal."""
    return dataclasses.replace(box, families=tuple(box.families), color=tuple(box.color))


def probe_markup(right_to_left: bool) -> tuple[str, str]:
    """The probe's body and its extra CSS: a lead page, then a left and a right page of each probed name."""
    pages = ['<div class="bundler-overlay-page"></div>']
    for name in PROBED_NAMES:
        style = f"page: {name}" if name else ""
        for _ in range(2):
            pages.append(
                f'<div class="bundler-overlay-page" style="{style}"><span class="bundler-dossier">{_PROBE_DOSSIER}</span>'
                f'<span class="bundler-piece">{_PROBE_PIECE}</span></div>'
            )
    css = f"@page :first {{ counter-reset: page {_PROBE_PAGE}; }}\n"
    return "\n".join(pages), css


def read_geometry(pages: list, right_to_left: bool) -> MarginGeometry | None:
    """The margin boxes of the probe's laid-out pages (WeasyPrint ``Page`` objects), checked against this module's placing."""
    boxes: dict[tuple[str, str], tuple[MarkBox, ...]] = {}
    for page in pages[1:]:
        page_box = page._page_box
        key = (page_box.page_type.name or "", page_box.page_type.side)
        found = []
        for margin in page_box.children:
            if not getattr(margin, "at_keyword", None):
                continue
            box = _mark_box(margin, page_box)
            if box is None:
                return None
            if box is not _EMPTY:
                found.append(box)
        boxes.setdefault(key, tuple(found))
    return MarginGeometry(boxes, right_to_left)


_EMPTY = MarkBox("", 0, 0, 0, 0, "left", (), 0, 0, (0, 0, 0))


def _mark_box(margin, page_box) -> MarkBox | None:
    """A probe margin box as a ``MarkBox`` (``_EMPTY`` if it shows nothing), None if it holds what this module cannot draw.

    Only the top and bottom rows are read. Their one generated box spans the row (the page
    area's width), and its line sits at the left end, the right end or the middle of it.
    """
    lines = list(_line_boxes(margin))
    texts = ["".join(_texts(line)) for line in lines]
    if not any(text.strip() for text in texts):
        return _EMPTY
    if len(lines) != 1 or not margin.at_keyword.startswith(("@top-", "@bottom-")) or "corner" in margin.at_keyword:
        return None
    text = texts[0]
    content = "page" if text.isdigit() else {_PROBE_DOSSIER: "dossier", _PROBE_PIECE: "piece"}.get(text)
    style = margin.style
    if content is None or not _plain_style(margin):
        return None
    align = style["text_align_all"]
    if align not in ("left", "right", "center"):
        return None
    box = MarkBox(
        content=content,
        x=page_box.margin_left * PX_TO_PT,
        top=margin.content_box_y() * PX_TO_PT,
        width=page_box.border_width() * PX_TO_PT,
        height=margin.height * PX_TO_PT,
        align=align,
        families=tuple(style["font_family"]),
        size=style["font_size"] * PX_TO_PT,
        line_height=_line_height(style) * PX_TO_PT,
        color=tuple(float(v) for v in style["color"].to("srgb").coordinates),
    )
    return box if _matches_probe(box, lines[0], text, margin) else None


def _line_height(style) -> float:
    value = style["line_height"]
    if value == "normal":
        raise ValueError("normal line height")
    if isinstance(value, (int, float)):
        return value * style["font_size"]
    return value.value


def _plain_style(margin) -> bool:
    """True for a margin box this module draws as WeasyPrint does: plain text, no decoration."""
    style = margin.style
    try:
        _line_height(style)
    except (ValueError, AttributeError):
        return False
    return (
        style["letter_spacing"] == "normal"
        and style["word_spacing"] == 0
        and style["text_transform"] == "none"
        and style["font_weight"] == 400
        and style["font_style"] == "normal"
        and style["font_variant_caps"] == "normal"
        and style["font_stretch"] == "normal"
        and style["vertical_align"] == "middle"
        and style["text_indent"].value == 0
        and style["color"].alpha == 1
        and all(getattr(margin, f"{edge}_width", 0) == 0 for edge in ("border_top", "border_bottom", "border_left", "border_right"))
        and margin.style["text_decoration_line"] in ("none", None, frozenset())
    )


def _matches_probe(box: MarkBox, line_box, text: str, margin) -> bool:
    """Whether this module puts the probe's line where WeasyPrint put it (left end and baseline)."""
    line = shape_line(text, box, margin.style["direction"] == "rtl")
    if line is None:
        return False
    placed = place_line(line, box)
    if placed is None:
        return False
    text_box = next(_text_boxes(line_box), None)
    if text_box is None:
        return False
    x = text_box.position_x * PX_TO_PT
    baseline = (text_box.position_y + text_box.baseline) * PX_TO_PT
    return abs(placed[0] - x) <= PROBE_TOLERANCE and abs(placed[1] - baseline) <= PROBE_TOLERANCE


def _line_boxes(box):
    for child in getattr(box, "children", ()):
        if type(child).__name__ == "LineBox":
            yield child
        else:
            yield from _line_boxes(child)


def _text_boxes(box):
    if hasattr(box, "text"):
        yield box
    for child in getattr(box, "children", ()):
        yield from _text_boxes(child)


def _texts(box):
    for text_box in _text_boxes(box):
        yield text_box.text
