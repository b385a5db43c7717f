"""Contents leaders drawn as one run of dots per entry instead of one text box per dot.

WeasyPrint lays out ``leader(".")`` as a copy of the one-dot text box for every dot that
fits (``weasyprint.layout.leader.handle_leader``), each placed one dot's width further
left from the end of the line. A 200-piece contents has ~13,000 of them: every one is
moved with its block at each page break and drawn as a text object of its own, and they
were 61% of the contents' layout, which is laid out twice a cold build, the second time on
one core while the other waits.

After WeasyPrint placed the dots, the run is replaced by a single text box holding the
same number of dots, shaped by Pango at the leftmost dot's place. Pango advances each dot
by the width WeasyPrint stepped by, so the run ends where the last dot ended and every dot
lands within a twentieth of a point of where it was (the glyph widths written in the PDF
round its advance slightly differently); the merge is skipped when the widths disagree,
e.g. a font that kerns dot pairs. The same page, drawn as one glyph run per entry.

Before merging, the dots are placed by ``place_leader``, WeasyPrint's own placement with two
faults fixed that put contents page numbers out of line (see its docstring): every number now
ends at the text block's edge, on its entry's last line, with dots up to it.

This changes a WeasyPrint internal (the name ``handle_leader`` that its inline layout
calls), so ``install`` checks for it and leaves WeasyPrint alone if it is not there;
``tests/pdf/test_leaders.py`` compares pages drawn with one box per dot and with runs, pixel
for pixel, and ``tests/pdf/test_contents_numbers.py`` measures where the numbers land.
"""

from __future__ import annotations

import math

#: How far the shaped run may differ from the dots it replaces (CSS px, summed over the run).
_TOLERANCE = 0.01


def install() -> bool:
    """Make this process's WeasyPrint place leaders to the text block's edge, drawn as one run each; True if it does (idempotent)."""
    try:
        from weasyprint.layout import inline
        from weasyprint.layout.inline import split_text_box
        from weasyprint.layout.leader import leader_index  # noqa: F401 (place_leader needs it)
    except ImportError:  # another WeasyPrint: leaders stay as WeasyPrint draws them
        return False
    original = getattr(inline, "handle_leader", None)
    if original is None:
        return False
    if getattr(original, "bundler_merged", False):
        return True

    def handle_leader(context, line, containing_block):
        leader_box = place_leader(context, line, containing_block)
        if leader_box is not None:
            merge_dots(context, leader_box, split_text_box)
        indent_right_to_left(line, containing_block)

    handle_leader.bundler_merged = True
    inline.handle_leader = handle_leader
    return True


def place_leader(context, line, containing_block):
    """Fill the line's leader with dots from its text to what follows it; the leader box, or None.

    WeasyPrint 70's ``handle_leader`` gives the leader the containing block's width less the
    line's content, forgetting the line's ``text-indent``: a contents entry that hangs
    (``text-indent: -1.5em``) and fits on one line ended 1.5em short of the entries that wrap,
    and a positive indent would push the page number past the edge. It also steps dots back
    from the block's content edge only, so where the number hangs into the entry's end padding
    (pdf.css) a wrapped entry's dots stopped 2.5em before it. Here the width the leader takes
    is the line's own (indent counted), and dots fill the leader's whole span, on a grid from
    the content edge so that they line up from one entry to the next.
    """
    from weasyprint.layout.leader import leader_index

    index, leader_box = leader_index(line)
    if index is None or len(leader_box.children) != 1 or leader_box.children[0].width <= 0:
        return None
    (dot,) = leader_box.children
    rtl = line.style["direction"] == "rtl"
    # Right to left the indent counts when ``indent_right_to_left`` then moves the line by it (the dots'
    # grid shifted to meet it there); else WeasyPrint sets the line at the start edge whatever the indent.
    shift = _right_to_left_shift(line, containing_block)
    indent = 0 if rtl and not shift else getattr(line, "text_indent", 0) or 0
    extra = containing_block.width - indent - sum(child.margin_width() for child in line.children if child.is_in_normal_flow())
    for shape in context.excluded_shapes:
        if shape.position_y + shape.height > line.position_y:
            extra -= shape.width
    line.width = containing_block.width
    if rtl:
        leader_box.translate(dx=-extra)
    start = leader_box.position_x
    anchor = containing_block.content_box_x() + (0 if rtl else containing_block.width) - shift
    leader_box.children = tuple(_dot_at(dot, x) for x in _grid(start, start + extra + dot.width, anchor, dot.width))
    box = line
    while index is not None:  # widen the leader's parents, move what follows it (as WeasyPrint does)
        for child in box.children[index[0] + 1 :]:
            if child.is_in_normal_flow():
                child.translate(dx=-extra if rtl else extra)
        box = box.children[index[0]]
        box.width += extra
        index = index[1]
    return leader_box


def indent_right_to_left(line, containing_block) -> None:
    """Move a right-to-left first line by its ``text-indent`` from the block's start (right) edge.

    WeasyPrint 70 shortens a first line by its indent but, right to left, still sets it at the
    block's start edge, so the indent lands at the line's end: a contents entry whose lines hang
    (``text-indent: -1.5em`` in pdf.css) had its first line 1.5em in from where it belongs, level
    with its wrapped lines instead of hanging out past them as left to right. Only a line set at
    its start edge (``text-align: start``, as the contents have) is moved; a leader's line was
    widened by the indent (``place_leader``), so its page number stays at the end edge.
    """
    shift = _right_to_left_shift(line, containing_block)
    if shift:
        line.translate(dx=shift)


def _right_to_left_shift(line, containing_block) -> float:
    """How far ``indent_right_to_left`` moves the line (0 for any line it leaves alone)."""
    indent = getattr(line, "text_indent", 0) or 0
    if not indent or containing_block.style["direction"] != "rtl" or _alignment(line) != "start":
        return 0
    return -indent


def _alignment(line) -> str:
    """The line's ``text-align`` as ``start``, ``end`` or what else it is (WeasyPrint's ``text_align``, last line too)."""
    align = line.style["text_align_all"]
    if line.style["text_align_last"] not in ("auto", align):
        return "mixed"  # the first line may be the last, aligned otherwise: left alone
    if align in ("left", "right"):
        return "start" if (align == "left") ^ (line.style["direction"] == "rtl") else "end"
    return align


def _grid(left: float, right: float, anchor: float, step: float) -> list[float]:
    """Left edges of the ``step``-wide cells between ``left`` and ``right`` on the grid through ``anchor``, right to left."""
    first = math.ceil((left - anchor) / step - _TOLERANCE)
    last = math.floor((right - step - anchor) / step + _TOLERANCE)
    return [anchor + n * step for n in range(last, first - 1, -1)]


def _dot_at(dot, x: float):
    placed = dot.copy()
    placed.position_x = x
    return placed


def merge_dots(context, leader_box, split_text_box) -> None:
    """Replace the leader's copies of one text box by one box of the same text repeated, where they were."""
    dots = leader_box.children
    if len(dots) < 2:
        return
    leftmost = min(dots, key=lambda box: box.position_x)
    span = max(box.position_x for box in dots) - leftmost.position_x + leftmost.width
    merged, _, _ = split_text_box(context, leftmost.copy_with_text(leftmost.text * len(dots)), None, 0)
    if merged is None or abs(merged.width - span) > _TOLERANCE or abs(merged.width - leftmost.width * len(dots)) > _TOLERANCE:
        return  # the run would not put every dot where it was: keep the copies
    merged.position_x = leftmost.position_x
    merged.position_y = leftmost.position_y
    leader_box.children = (merged,)
