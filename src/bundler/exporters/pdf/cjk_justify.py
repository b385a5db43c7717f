"""Justified Japanese and Chinese lines: the extra space of a line goes between characters.

Japanese and Chinese books justify every line but the last of a paragraph, spreading the
line's spare width evenly between characters (CSS ``text-justify: inter-character``, the
default for these languages). WeasyPrint 70 justifies by widening spaces only
(``layout.inline.justify_line`` counts spaces and no-break spaces), and Japanese has none, so
``text-align: justify`` left every Japanese line ragged. This module teaches it the CJK
rule, in the two places its justification lives:

- counting: a text box in Japanese or Chinese counts, besides its spaces, one expansion
  opportunity after each CJK character that another character follows in the same box;
- drawing: when WeasyPrint re-creates the box's Pango layout with the line's spacing, that
  spacing is added after each of those characters (Pango letter-spacing, the attribute
  WeasyPrint itself uses for word spacing).

The width WeasyPrint adds to a box is spacing x count, and Pango draws exactly that, so the
line ends at the measure. Nothing else changes: other languages, unjustified text and the
text layer (no character is added). It is applied, once per process, before any layout.
"""

from __future__ import annotations

import re

#: Ideographs, kana, CJK punctuation and full-width forms: where Japanese and Chinese lines may be widened.
_CJK = re.compile("[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
_JUSTIFIED_BY_CHARACTER = ("ja", "zh")
_applied = False


def inter_character(style) -> bool:
    """Whether text in this style is justified between characters (Japanese and Chinese)."""
    lang = (style["lang"] or "").lower()
    return lang.split("-")[0] in _JUSTIFIED_BY_CHARACTER


def expansion_points(text: str) -> list[int]:
    """Indexes of the CJK characters of ``text`` after which a justified line may widen (not the last one)."""
    return [match.start() for match in _CJK.finditer(text) if match.end() < len(text)]


def enable_cjk_justification() -> None:
    """Patch WeasyPrint's justification for Japanese and Chinese (idempotent)."""
    global _applied
    if _applied:
        return
    from weasyprint import formatting_structure
    from weasyprint.layout import inline
    from weasyprint.text import line_break
    from weasyprint.text.ffi import pango

    count_spaces = inline.count_expandable_spaces
    set_text = line_break.Layout.set_text

    def count_expandable_spaces(box):
        count = count_spaces(box)
        if isinstance(box, formatting_structure.boxes.TextBox) and inter_character(box.style):
            count += len(expansion_points(box.text))
        return count

    def set_text_justified(self, text, justify=False):
        set_text(self, text, justify)
        if not (justify and self.justification_spacing and inter_character(self.style)):
            return
        points = expansion_points(self.text)
        if not points:
            return
        attributes = pango.pango_layout_get_attributes(self.layout)
        if attributes == line_break.ffi.NULL:
            attributes = line_break.ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)
        spacing = int(self.justification_spacing * line_break.TO_UNITS)
        for index in points:
            start = len(self.text[:index].encode("utf-8"))
            # Pango drops the outer half of the spacing of the layout's first character (as WeasyPrint notes for spaces)
            attribute = pango.pango_attr_letter_spacing_new(spacing * (2 if index == 0 else 1))
            attribute.start_index, attribute.end_index = start, start + len(self.text[index].encode("utf-8"))
            pango.pango_attr_list_change(attributes, attribute)
        pango.pango_layout_set_attributes(self.layout, attributes)

    inline.count_expandable_spaces = count_expandable_spaces
    line_break.Layout.set_text = set_text_justified
    _applied = True
