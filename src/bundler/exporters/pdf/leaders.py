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

This changes a WeasyPrint internal (the name ``handle_leader`` that its inline layout
calls), so ``install`` checks for it and leaves WeasyPrint alone if it is not there;
``tests/pdf/test_leaders.py`` compares pages drawn with and without it, pixel for pixel.
"""

from __future__ import annotations

#: How far the shaped run may differ from the dots it replaces (CSS px, summed over the run).
_TOLERANCE = 0.01


def install() -> bool:
    """Make this process's WeasyPrint draw leaders as one run each; True if it does (idempotent)."""
    try:
        from weasyprint.layout import inline
        from weasyprint.layout.inline import split_text_box
        from weasyprint.layout.leader import leader_index
    except ImportError:  # another WeasyPrint: leaders stay as WeasyPrint draws them
        return False
    original = getattr(inline, "handle_leader", None)
    if original is None:
        return False
    if getattr(original, "bundler_merged", False):
        return True

    def handle_leader(context, line, containing_block):
        original(context, line, containing_block)
        _, leader_box = leader_index(line)
        if leader_box is not None:
            merge_dots(context, leader_box, split_text_box)

    handle_leader.bundler_merged = True
    inline.handle_leader = handle_leader
    return True


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
