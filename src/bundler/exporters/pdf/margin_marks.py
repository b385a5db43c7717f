"""Page numbers and running heads drawn straight onto an assembled book's pages.

A book laid out in parts (``parts``) has its margin boxes hidden while the parts are laid
out; what they would show is only known once every part has its place. Laying out one more
WeasyPrint document per part just to draw a number and a title on each page cost about a
seventh of a cold build (WeasyPrint's margin-box machinery, a font subset per document and
a PDF per part). Here the assembler draws them itself:

- **where**: one small *probe* document per edition is laid out by WeasyPrint with the
  edition's own stylesheets (``margin_probe``): for each page name and side it gives every
  margin box that shows something, its rectangle, font stack, size, line height, colour and
  alignment, and which of page number, dossier title or piece title it carries. Nothing is
  read from the CSS by hand, so a stylesheet that moves a head moves it here too.
- **what**: a head is split into runs by the Unicode bidi algorithm (``python-bidi``, base
  direction of the book) and by face (the first face of the stack that has the character, as
  Pango picks it; a space takes its neighbour's face), each run shaped by HarfBuzz in that
  face, the runs put in visual order, and the line placed in its box as WeasyPrint places a
  one-line margin box (text-align, vertical-align middle, the line box's strut).
- **how**: glyphs are drawn from a Type0/CIDFontType2 font per face (Identity-H, glyph id as
  CID, ``/W`` widths, a ``/ToUnicode`` map so heads copy and search as text); the program is
  the face cut to the glyphs drawn, which the assembler's font sharing then merges with the
  book's own subset of that face.

What is not drawn here (the caller keeps WeasyPrint's overlay for that part only): a head
with a character neither shipped Noto Serif nor Noto Naskh Arabic draws first (CJK, math,
symbols, emoji, other scripts), a head with explicit bidi controls or a mirrored bracket
other than ( ) [ ] { } (the bracket-pair rule is applied here, for those), a head too wide for one
line of its box (WeasyPrint would wrap it), a page name the probe did not see, and any
edition whose probe shows something this module does not read (another margin box, letter
spacing, a transform, a border, a non-regular weight or style, or a probe line that does not
come out where this module computes it).
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from bundler.resources import styles_dir

#: Faces this module shapes and embeds: the families of the font stacks it can draw, by file.
DRAWN_FACES = {"Noto Serif": "NotoSerif-Regular.ttf", "Noto Naskh Arabic": "NotoNaskhArabic-Regular.ttf"}
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@dataclass(frozen=True)
class MarkBox:
    """One margin box as the edition lays it out: where, in what type, and what it shows."""

    content: str  # "page", "dossier" or "piece"
    x: float  # content box, PDF points, y measured down from the top of the page
    top: float
    width: float
    height: float
    align: str  # "left", "right" or "center"
    families: tuple[str, ...]
    size: float  # points
    line_height: float  # points
    color: tuple[float, float, float]


@dataclass(frozen=True)
class MarginGeometry:
    """Every margin box that shows something, by (page name, side)."""

    boxes: dict[tuple[str, str], tuple[MarkBox, ...]]
    right_to_left: bool

    def boxes_for(self, name: str, side: str) -> tuple[MarkBox, ...] | None:
        """The boxes of a page, or None for a page kind the probe did not lay out."""
        return self.boxes.get((name, side))


@dataclass(frozen=True)
class Glyph:
    """One glyph drawn: its face, id, pen position (points, from the line's left end) and the text it stands for."""

    face: str
    gid: int
    x: float
    y: float
    advance: int  # font units
    text: str


@dataclass(frozen=True)
class Line:
    """A shaped one-line head: its glyphs in visual order, its width and where its baseline sits in its line box."""

    glyphs: tuple[Glyph, ...]
    width: float
    above: float  # line box top to baseline, points
    below: float


# --- faces ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Face:
    family: str
    path: str
    upem: int
    ascender: int
    descender: int  # negative
    codepoints: frozenset[int]


@cache
def face_named(family: str) -> _Face | None:
    """A drawn face by family name (None for one this module does not draw)."""
    import uharfbuzz as hb

    file = DRAWN_FACES.get(family)
    if file is None:
        return None
    path = styles_dir() / "fonts" / file
    face = hb.Face(hb.Blob(path.read_bytes()))
    extents = hb.Font(face).get_font_extents("ltr")
    return _Face(family, str(path), face.upem, extents.ascender, extents.descender, frozenset(face.unicodes))


@cache
def _hb_font(path: str):
    import uharfbuzz as hb

    return hb.Font(hb.Face(hb.Blob(Path(path).read_bytes())))


def _face_of_char(char: str, families: tuple[str, ...]) -> str | None:
    """The family Pango draws ``char`` with: the first of the stack that has it (None if that is not a drawn face)."""
    for family in families:
        face = face_named(family)
        if face is None:
            return None  # a face before any drawn one that might have it, or none has it: not drawn here
        if ord(char) in face.codepoints:
            return family
    return None


def _is_spacing(char: str) -> bool:
    """Characters Pango never picks a font for (spaces, controls): they join a neighbouring run."""
    return unicodedata.category(char) in ("Zs", "Cc", "Cf", "Zl", "Zp") and char != "\u1680"


# --- shaping --------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def shape_line(text: str, box: MarkBox, right_to_left: bool) -> Line | None:
    """``text`` shaped as one line of ``box``, or None when this module cannot draw it faithfully.

    Cached: a book repeats its title on every verso and each piece's title on its pages.
    """
    if not text or any(char in _BIDI_CONTROLS for char in text):
        return None
    faces = _assign_faces(text, box.families)
    if faces is None:
        return None
    levels = _bidi_levels(text, right_to_left)
    if levels is None:
        return None
    runs = _runs(text, faces, levels)
    glyphs: list[Glyph] = []
    pen = 0.0
    for start, end, family, level in _visual_order(runs):
        shaped, advance = _shape_run(text[start:end], family, level % 2 == 1, box.size, pen)
        glyphs += shaped
        pen += advance
    used = {faces[i] for i in range(len(text))}
    above, below = _line_extents([face_named(f) for f in sorted(used)], box)
    return Line(tuple(glyphs), pen, above, below)


def _assign_faces(text: str, families: tuple[str, ...]) -> list[str] | None:
    """Each character's family; spaces take the next drawn character's (else the previous one's)."""
    faces: list[str | None] = []
    for char in text:
        if _is_spacing(char):
            faces.append(None)
            continue
        family = _face_of_char(char, families)
        if family is None:
            return None
        faces.append(family)
    known = [f for f in faces if f is not None]
    if not known:
        return None
    resolved: list[str] = []
    following = None
    for index in range(len(faces) - 1, -1, -1):  # fill from the right: a space takes the face after it
        if faces[index] is not None:
            following = faces[index]
        resolved.append(faces[index] or following or "")
    resolved.reverse()
    last = known[-1]
    return [face or last for face in resolved]


def _bidi_levels(text: str, right_to_left: bool) -> list[int] | None:
    """The resolved embedding level of each character (UAX #9, paragraph direction of the book)."""
    from bidi import algorithm

    storage = algorithm.get_empty_storage()
    storage["base_level"] = 1 if right_to_left else 0
    storage["base_dir"] = "R" if right_to_left else "L"
    algorithm.get_embedding_levels(text, storage)
    algorithm.explicit_embed_and_overrides(storage, False)
    algorithm.resolve_weak_types(storage, False)
    if not _resolve_bracket_pairs(storage["chars"], right_to_left):
        return None
    algorithm.resolve_neutral_types(storage, False)
    algorithm.resolve_implicit_levels(storage, False)
    chars = storage["chars"]
    if len(chars) != len(text):
        return None
    return [int(char["level"]) for char in chars]


#: Paired brackets (UAX #9 BD14-BD16) this module resolves; another mirrored opening or closing sign is not drawn here.
_BRACKET_PAIRS = {"(": ")", "[": "]", "{": "}"}
_CLOSERS = {closer: opener for opener, closer in _BRACKET_PAIRS.items()}


def _strong(kind: str) -> str | None:
    """A resolved bidi type as the direction N0 reads it: numbers count as right to left."""
    return "L" if kind == "L" else "R" if kind in ("R", "AL", "EN", "AN") else None


def _resolve_bracket_pairs(chars: list[dict], right_to_left: bool) -> bool:
    """Rule N0 (bracket pairs take the direction of what they hold or surround), which python-bidi's algorithm lacks.

    One line, no explicit embeddings: a single isolating run sequence at the base level.
    Returns False for a bracket this module does not pair (the caller falls back).
    """
    stack: list[tuple[str, int]] = []
    pairs = []
    for index, char in enumerate(ch["ch"] for ch in chars):
        if char in _BRACKET_PAIRS and chars[index]["type"] == "ON":
            stack.append((char, index))
        elif char in _CLOSERS and chars[index]["type"] == "ON":
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth][0] == _CLOSERS[char]:
                    pairs.append((stack[depth][1], index))
                    del stack[depth:]
                    break
        elif unicodedata.mirrored(char) and unicodedata.category(char) in ("Ps", "Pe"):
            return False
    embedding = "R" if right_to_left else "L"
    for opening, closing in sorted(pairs):
        inside = {_strong(chars[i]["type"]) for i in range(opening + 1, closing)} - {None}
        if embedding in inside:
            direction = embedding
        elif inside:
            before = next((_strong(chars[i]["type"]) for i in range(opening - 1, -1, -1) if _strong(chars[i]["type"])), embedding)
            direction = before if before != embedding else embedding
        else:
            continue
        chars[opening]["type"] = chars[closing]["type"] = direction
    return True


def _runs(text: str, faces: list[str], levels: list[int]) -> list[tuple[int, int, str, int]]:
    """Maximal spans of one face and one level: (start, end, family, level), in logical order."""
    runs: list[tuple[int, int, str, int]] = []
    start = 0
    for index in range(1, len(text) + 1):
        if index == len(text) or faces[index] != faces[start] or levels[index] != levels[start]:
            runs.append((start, index, faces[start], levels[start]))
            start = index
    return runs


def _visual_order(runs: list[tuple[int, int, str, int]]) -> list[tuple[int, int, str, int]]:
    """The runs left to right (UAX #9 rule L2: reverse every sequence at or above each level, highest first)."""
    ordered = list(runs)
    if not ordered:
        return ordered
    highest = max(run[3] for run in ordered)
    lowest_odd = min((run[3] for run in ordered if run[3] % 2), default=highest + 1)
    for level in range(highest, lowest_odd - 1, -1):
        index = 0
        while index < len(ordered):
            if ordered[index][3] >= level:
                end = index
                while end < len(ordered) and ordered[end][3] >= level:
                    end += 1
                ordered[index:end] = reversed(ordered[index:end])
                index = end
            else:
                index += 1
    return ordered


def _shape_run(text: str, family: str, rtl: bool, size: float, pen: float) -> tuple[list[Glyph], float]:
    """One run shaped by HarfBuzz: its glyphs left to right and its advance (points)."""
    import uharfbuzz as hb
    from bidi.algorithm import MIRRORED

    face = face_named(family)
    assert face is not None
    buffer = hb.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    buffer.direction = "rtl" if rtl else "ltr"
    hb.shape(_hb_font(face.path), buffer)
    scale = size / face.upem
    glyphs = []
    cluster_text = _cluster_texts(text, [info.cluster for info in buffer.glyph_infos])
    if rtl:  # a mirrored sign is drawn (and copied) as its mirror: "(" at an odd level shows ")"
        cluster_text = ["".join(MIRRORED.get(char, char) for char in piece) for piece in cluster_text]
    x = pen
    for info, position, piece in zip(buffer.glyph_infos, buffer.glyph_positions, cluster_text, strict=True):
        glyphs.append(Glyph(family, info.codepoint, x + position.x_offset * scale, position.y_offset * scale, position.x_advance, piece))
        x += position.x_advance * scale
    return glyphs, x - pen


def _cluster_texts(text: str, clusters: list[int]) -> list[str]:
    """The text each glyph stands for: its cluster's characters on the cluster's first glyph, nothing on the others."""
    starts = sorted(set(clusters))
    ends = {start: (starts[i + 1] if i + 1 < len(starts) else len(text)) for i, start in enumerate(starts)}
    seen: set[int] = set()
    found = []
    for cluster in clusters:
        found.append("" if cluster in seen else text[cluster : ends[cluster]])
        seen.add(cluster)
    return found


def _line_extents(faces: list, box: MarkBox) -> tuple[float, float]:
    """Line box top-to-baseline and baseline-to-bottom (points), as WeasyPrint sets one line of text.

    The text box is as tall as the line height, its fonts' ascent and descent (the largest of
    the faces it uses, as Pango measures a line) centred in it; the line box also holds the
    strut of the box's first face; the line box spans both.
    """
    first = face_named(next(f for f in box.families if face_named(f) is not None))
    strut = _half_leading_extents([first], box)
    text = _half_leading_extents(faces, box)
    return max(strut[0], text[0]), max(strut[1], text[1])


def _half_leading_extents(faces: list, box: MarkBox) -> tuple[float, float]:
    ascent = max(face.ascender * box.size / face.upem for face in faces)
    descent = max(-face.descender * box.size / face.upem for face in faces)
    half = (box.line_height - ascent - descent) / 2
    return ascent + half, descent + half


def place_line(line: Line, box: MarkBox) -> tuple[float, float] | None:
    """Where the line's left end and baseline go (points from the page's left and top), or None if it would wrap."""
    if line.width > box.width + 0.01:
        return None
    free = box.width - line.width
    x = box.x + {"left": 0.0, "right": free, "center": free / 2}[box.align]
    baseline = box.top + (box.height - (line.above + line.below)) / 2 + line.above
    return x, baseline


# --- drawing --------------------------------------------------------------------------------


class MarkFonts:
    """The Type0 fonts the marks are drawn with, one per face, filled in once every page is drawn."""

    def __init__(self, book) -> None:
        import pikepdf

        self.book = book
        self.fonts: dict[str, object] = {}
        self.glyphs: dict[str, dict[int, tuple[int, str]]] = {}
        self._pikepdf = pikepdf

    def resource(self, family: str):
        """The (indirect) font dictionary of ``family``, made on first use."""
        pikepdf = self._pikepdf
        if family not in self.fonts:
            self.fonts[family] = self.book.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type0))
            self.glyphs[family] = {}
        return self.fonts[family]

    def use(self, glyph: Glyph) -> None:
        """Note a glyph drawn: its width and text go into its font when it is finished."""
        self.resource(glyph.face)
        known = self.glyphs[glyph.face]
        if glyph.gid not in known or (not known[glyph.gid][1] and glyph.text):
            known[glyph.gid] = (glyph.advance, glyph.text)

    def finish(self) -> None:
        """Write each font: descendant CIDFont, descriptor, subset program, widths and ToUnicode map."""
        from bundler.exporters.pdf.fonts import _subset_face

        pikepdf = self._pikepdf
        for family, font in sorted(self.fonts.items()):
            face = face_named(family)
            glyphs = self.glyphs[family]
            tag = _subset_tag(family, glyphs)
            name = pikepdf.Name(f"/{tag}+{family.replace(' ', '-')}")
            program = _subset_face((face.path, 0), frozenset(glyphs))
            scale = 1000 / face.upem
            descriptor = pikepdf.Dictionary(
                Type=pikepdf.Name.FontDescriptor,
                FontName=name,
                FontFamily=pikepdf.String(family),
                Flags=4,
                FontBBox=pikepdf.Array([0, round(face.descender * scale), 1000, round(face.ascender * scale)]),
                ItalicAngle=0,
                Ascent=round(face.ascender * scale),
                Descent=round(face.descender * scale),
                CapHeight=round(face.ascender * scale),
                StemV=80,
                StemH=80,
                FontFile2=pikepdf.Stream(self.book, program, Length1=len(program)),
            )
            widths = pikepdf.Array()
            for gid in sorted(glyphs):
                widths.extend([gid, pikepdf.Array([round(glyphs[gid][0] * scale)])])
            cid_font = pikepdf.Dictionary(
                Type=pikepdf.Name.Font,
                Subtype=pikepdf.Name.CIDFontType2,
                BaseFont=name,
                CIDSystemInfo=pikepdf.Dictionary(Registry=pikepdf.String("Adobe"), Ordering=pikepdf.String("Identity"), Supplement=0),
                FontDescriptor=self.book.make_indirect(descriptor),
                W=widths,
                CIDToGIDMap=pikepdf.Name.Identity,
            )
            font.BaseFont = name
            font.Encoding = pikepdf.Name("/Identity-H")
            font.DescendantFonts = pikepdf.Array([self.book.make_indirect(cid_font)])
            font.ToUnicode = pikepdf.Stream(self.book, _to_unicode(glyphs))


def _subset_tag(family: str, glyphs: dict[int, tuple[int, str]]) -> str:
    """Six capitals from the glyphs drawn: the same marks, the same name."""
    digest = hashlib.sha256((family + ",".join(map(str, sorted(glyphs)))).encode()).digest()
    return "".join(chr(ord("A") + byte % 26) for byte in digest[:6])


def _to_unicode(glyphs: dict[int, tuple[int, str]]) -> bytes:
    """A ToUnicode CMap: each glyph id to the text it was drawn for."""
    entries = [(gid, text) for gid, (_, text) in sorted(glyphs.items()) if text]
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        "<0000> <FFFF>",
        "endcodespacerange",
    ]
    for start in range(0, len(entries), 100):
        chunk = entries[start : start + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        lines += [f"<{gid:04X}> <{text.encode('utf-16-be').hex().upper()}>" for gid, text in chunk]
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines).encode("ascii")


def mark_texts(number: int, running: str, title: str) -> dict[str, str]:
    """What each kind of box shows on a page: its number, the dossier's title (not on an opening page), the piece's head."""
    return {"page": str(number), "dossier": title if running else "", "piece": running}


def page_marks(boxes: tuple[MarkBox, ...], texts: dict[str, str], right_to_left: bool) -> list[tuple[MarkBox, Line, float, float]] | None:
    """Each box's shaped line and its place, or None if any cannot be drawn here."""
    found = []
    for box in boxes:
        text = " ".join(texts[box.content].split())  # white space collapses as in the margin box
        if not text:
            continue
        line = shape_line(text, box, right_to_left)
        placed = line and place_line(line, box)
        if not placed:
            return None
        found.append((box, line, *placed))
    return found


def marks_stream(marks: list[tuple[MarkBox, Line, float, float]], fonts: MarkFonts, page_height: float, names: dict[str, str]) -> bytes:
    """The content stream drawing ``marks``: each glyph at its place, in its face, size and colour."""
    parts = ["q"]
    for box, line, x, baseline in marks:
        r, g, b = box.color
        parts.append(f"BT {r:.4f} {g:.4f} {b:.4f} rg")
        current = None
        for glyph in line.glyphs:
            fonts.use(glyph)
            if glyph.face != current:
                parts.append(f"{names[glyph.face]} {box.size:.4f} Tf")
                current = glyph.face
            parts.append(f"1 0 0 1 {x + glyph.x:.4f} {page_height - baseline + glyph.y:.4f} Tm <{glyph.gid:04X}> Tj")
        parts.append("ET")
    parts.append("Q")
    return ("\n".join(parts) + "\n").encode("ascii")


# --- per part -------------------------------------------------------------------------------

#: One page's marks: each box's shaped line and its left end and baseline (points from left and top).
PageMarks = list[tuple[MarkBox, Line, float, float]]


def page_side(number: int, right_to_left: bool) -> str:
    """The side a book page is on: page 1 is a right page, or a left one in a right-to-left book."""
    recto = "left" if right_to_left else "right"
    verso = "right" if right_to_left else "left"
    return recto if number % 2 == 1 else verso


def plan_part(geometry: MarginGeometry | None, pages: tuple, first_page: int, title: str) -> list[PageMarks | None] | None:
    """The marks of each of a part's pages (None on a blank page), or None if the part needs WeasyPrint's overlay."""
    if geometry is None:
        return None
    plan: list[PageMarks | None] = []
    for offset, info in enumerate(pages):
        if info.blank:
            plan.append(None)
            continue
        number = first_page + offset
        boxes = geometry.boxes_for(info.name, page_side(number, geometry.right_to_left))
        if boxes is None:
            return None
        marks = page_marks(boxes, mark_texts(number, info.running, title), geometry.right_to_left)
        if marks is None:
            return None
        plan.append(marks)
    return plan
