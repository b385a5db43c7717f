"""The cover image: the manifest's own picture, or one set in the project's fonts.

Every library view (Kobo, Apple Books, KOReader) shows a cover, and a blank one makes a
dossier hard to find. The generated cover draws title, subtitle, editors and date with
Pillow in the fonts of ``styles/fonts``; nothing random, no clock, so the JPEG bytes are
the same on every build. Arabic needs shaping (joined letter forms) and bidi reordering:
Pillow does both through libraqm, which its wheels ship and which loads the system's
FriBiDi (present wherever WeasyPrint's Pango is); we use it rather than a second shaping
library. Without raqm an Arabic title would come out as broken, disjoined letters, so
the cover then carries no text and the build says why.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps, features

from bundler.errors import ExportError, Report
from bundler.manifest.checks import cover_image_problem
from bundler.model import Dossier
from bundler.resources import styles_dir
from bundler.text.dates import date_in_words
from bundler.text.plain import has_arabic

COVER_SIZE = (1600, 2400)
MAX_BYTES = 600 * 1024
_INK = (244, 241, 234)
_MARGIN = 150
#: (background, accent) pairs, all dark enough for the light ink; a dossier's identifier picks one.
_PALETTES = (
    ((34, 49, 63), (200, 169, 81)),  # navy and gold
    ((92, 32, 38), (232, 190, 120)),  # oxblood and sand
    ((26, 72, 62), (214, 196, 130)),  # pine and straw
    ((62, 42, 86), (222, 182, 204)),  # plum and rose
    ((48, 64, 36), (198, 208, 124)),  # olive and lime
    ((78, 54, 30), (238, 202, 142)),  # umber and wheat
    ((20, 62, 92), (150, 210, 232)),  # deep blue and sky
    ((52, 52, 58), (232, 142, 92)),  # slate and orange
)
_MOTIFS = ("lines", "dots", "arcs", "blocks")
_BAND = (60, 280)  # the motif's band, above the top rule


@dataclass(frozen=True)
class CoverDesign:
    """What sets one dossier's cover apart on a shelf: colours and a motif, all from its identifier."""

    background: tuple[int, int, int]
    accent: tuple[int, int, int]
    motif: str
    seed: bytes  # more digest bytes: the motif's spacing and sizes


def cover_design(identifier: str) -> CoverDesign:
    """The same identifier always gives the same design; different dossiers almost always different ones."""
    digest = hashlib.sha256(identifier.encode("utf-8")).digest()
    background, accent = _PALETTES[digest[0] % len(_PALETTES)]
    return CoverDesign(background, accent, _MOTIFS[digest[1] % len(_MOTIFS)], digest[2:])


def cover_jpeg(dossier: Dossier, report: Report) -> bytes:
    """The cover as baseline JPEG bytes within the size limits (E5.1)."""
    if cover_picture_path(dossier) is not None:
        return _normalise(_load(dossier), report)
    return _encode(draw_cover(dossier, report))


def cover_alt(dossier: Dossier) -> str:
    """Alt text that says what the cover shows: it is all text, so the text is the alternative."""
    parts = [dossier.title] + ([dossier.subtitle] if dossier.subtitle else [])
    return "Cover: " + " — ".join(parts) if not has_arabic(dossier.title) else "الغلاف: " + " — ".join(parts)


def cover_picture_path(dossier: Dossier) -> Path | None:
    """The manifest's own cover picture (relative to the collection), or None for a generated cover."""
    if not dossier.cover or dossier.cover == "auto":
        return None
    path = Path(dossier.cover)
    return Path(dossier.root) / path if not path.is_absolute() and dossier.root else path


def _load(dossier: Dossier) -> Image.Image:
    path = cover_picture_path(dossier)
    unusable = cover_image_problem(path)
    if unusable:  # bundler check says the same; a build without a check must not decode a bomb either
        raise ExportError(
            f"the cover image {unusable}", file=str(path), key="cover", code="E410", hint="use a JPEG or PNG file, or `cover: auto`"
        )
    try:
        with Image.open(path) as opened:
            opened.load()
            return ImageOps.exif_transpose(opened)
    except (OSError, ValueError) as exc:
        raise ExportError(
            f"cannot read the cover image: {exc}", file=str(path), key="cover", code="E410", hint="use a JPEG or PNG file, or `cover: auto`"
        ) from exc


def _normalise(image: Image.Image, report: Report) -> bytes:
    """RGB, no alpha, no metadata, fitted inside the cover size."""
    if image.mode in {"RGBA", "LA", "P"}:
        image = image.convert("RGBA")
        flat = Image.new("RGB", image.size, (255, 255, 255))
        flat.paste(image, mask=image.getchannel("A"))
        image = flat
    image = image.convert("RGB")
    image.thumbnail(COVER_SIZE, Image.Resampling.LANCZOS)
    if image.width < 600 or image.height < 600:  # a sliver (1×60,000 px) as much as a thumbnail
        report.warn(f"the cover image is only {image.width}×{image.height} pixels; e-readers show it blurred", "W410")
    return _encode(image)


def _encode(image: Image.Image) -> bytes:
    for quality in (88, 80, 70, 60, 50):
        out = io.BytesIO()
        image.save(out, "JPEG", quality=quality, optimize=True, progressive=False, subsampling="4:2:0")
        if out.tell() <= MAX_BYTES:
            break
    return out.getvalue()


def _font(name: str, size: int) -> ImageFont.FreeTypeFont:
    engine = ImageFont.Layout.RAQM if features.check("raqm") else ImageFont.Layout.BASIC
    return ImageFont.truetype(str(styles_dir() / "fonts" / name), size, layout_engine=engine)


def _face(arabic: bool, bold: bool) -> str:
    if arabic:
        return "NotoNaskhArabic-Bold.ttf" if bold else "NotoNaskhArabic-Regular.ttf"
    return "NotoSerif-Bold.ttf" if bold else "NotoSerif-Italic.ttf"


def _runs(line: str) -> list[tuple[str, bool]]:
    """Split a line into runs ``(text, is_arabic)`` in logical order.

    Neither shipped face covers both scripts, so each run is drawn in its own face (a
    one-font line would show boxes for the other script's letters). Neutral characters
    join the run before them, except punctuation the Arabic face lacks (an em dash):
    that becomes a run of its own in the Latin face, so it still sits between the runs.
    """
    kinds: list[str] = []
    texts: list[str] = []
    arabic_cmap = _arabic_cmap()
    for char in line:
        if char.isalpha():
            kind = "ar" if has_arabic(char) else "lat"
        elif kinds and kinds[-1] == "ar" and ord(char) not in arabic_cmap:
            kind = "gap"
        else:
            kind = kinds[-1] if kinds and not (kinds[-1] == "gap" and not char.isspace()) else "lat"
        if kinds and (kind == kinds[-1] or (not char.isalpha() and kind != "gap")):
            texts[-1] += char
        else:
            kinds.append(kind)
            texts.append(char)
    if len(texts) > 1 and not any(c.isalpha() for c in texts[0]) and kinds[0] != "gap":
        texts[1] = texts[0] + texts[1]
        del texts[0], kinds[0]
    return [(text, kind == "ar") for text, kind in zip(texts, kinds, strict=True)]


@cache
def _arabic_cmap() -> frozenset[int]:
    """Code points the Arabic face can draw."""
    from fontTools.ttLib import TTFont

    with TTFont(str(styles_dir() / "fonts" / "NotoNaskhArabic-Regular.ttf"), lazy=True) as font:
        return frozenset(font.getBestCmap())


class _Setter:
    """Measures and draws mixed-script lines at one size, each run in its own face."""

    def __init__(self, draw: ImageDraw.ImageDraw, bold: bool, size: int) -> None:
        self.draw, self.bold, self.size = draw, bold, size
        self.fonts = {arabic: _font(_face(arabic, bold), size) for arabic in (False, True)}

    def _direction(self, arabic: bool) -> str | None:
        return ("rtl" if arabic else "ltr") if features.check("raqm") else None

    def _visual(self, line: str) -> list[tuple[str, bool]]:
        runs = [(text.strip() if len(_runs(line)) == 1 else text, arabic) for text, arabic in _runs(line)]
        first_strong = next((arabic for text, arabic in runs if any(c.isalpha() for c in text)), False)
        return list(reversed(runs)) if first_strong else runs

    def width(self, line: str) -> float:
        return sum(self.draw.textlength(text, font=self.fonts[arabic], direction=self._direction(arabic)) for text, arabic in _runs(line))

    def draw_line(self, centre: int, top: int, line: str) -> None:
        x = centre - self.width(line) / 2
        for text, arabic in self._visual(line):
            font = self.fonts[arabic]
            self.draw.text((x, top), text, font=font, fill=_INK, anchor="la", direction=self._direction(arabic))
            x += self.draw.textlength(text, font=font, direction=self._direction(arabic))

    def wrap(self, text: str, width: int) -> list[str]:
        """Greedy line breaking on spaces, measured with the real shaped widths."""
        lines: list[str] = []
        for word in text.split():
            candidate = f"{lines[-1]} {word}" if lines else word
            if lines and self.width(candidate) <= width:
                lines[-1] = candidate
            else:
                lines.append(word)
        return lines


_MIN_SIZE = 40
#: More characters than ``max_lines`` lines can show at the smallest size: a longer text is cut before
#: it is measured, so a title of thousands of words costs what a long title costs.
_CHARS_PER_LINE = 80


def _fit(draw: ImageDraw.ImageDraw, text: str, bold: bool, start: int, max_lines: int) -> tuple[_Setter, list[str]]:
    """The largest size (stepping down) at which ``text`` fits in ``max_lines`` lines; at the smallest size,
    what does not fit is cut with an ellipsis, so a text of any length stays inside its block and the margins."""
    width = COVER_SIZE[0] - 2 * _MARGIN
    text = " ".join(text.split())
    limit = _CHARS_PER_LINE * max_lines
    cut = len(text) > limit
    text = text[:limit]
    size = start
    while True:
        setter = _Setter(draw, bold, size)
        lines = setter.wrap(text, width)
        fits = not cut and all(setter.width(line) <= width for line in lines)
        if len(lines) <= max_lines and fits:
            return setter, lines
        if size <= _MIN_SIZE:
            return setter, _cut_to(setter, lines, max_lines, width, cut)
        size -= 8


def _cut_to(setter: _Setter, lines: list[str], max_lines: int, width: int, cut: bool) -> list[str]:
    """``lines`` cut to ``max_lines``, each inside ``width``; the last line shown ends in an ellipsis if anything is left out."""
    shown: list[str] = []
    for number, line in enumerate(lines[:max_lines]):
        last = number == max_lines - 1 or number == len(lines) - 1
        more = last and (cut or len(lines) > max_lines)
        if setter.width(line) <= width and not more:
            shown.append(line)
            continue
        low, high = 0, len(line)  # the longest prefix that fits with the ellipsis after it
        while low < high:
            middle = (low + high + 1) // 2
            if setter.width(line[:middle].rstrip() + "…") <= width:
                low = middle
            else:
                high = middle - 1
        shown.append(line[:low].rstrip() + "…")
    return shown


def _draw_block(draw: ImageDraw.ImageDraw, text: str, bold: bool, top: int, start: int, max_lines: int) -> int:
    setter, lines = _fit(draw, text, bold, start, max_lines)
    step = int(setter.size * (1.45 if has_arabic(text) else 1.2))
    for line in lines:
        setter.draw_line(COVER_SIZE[0] // 2, top, line)
        top += step
    return top


def draw_cover(dossier: Dossier, report: Report) -> Image.Image:
    """A typographic cover: motif, title, rule, subtitle, and editors with the date in words at the foot.

    Colours and motif come from the dossier's identifier (``cover_design``), so a shelf of
    dossiers is not a row of identical navy covers, and a rebuild gives the same cover.
    """
    design = cover_design(dossier.identifier or dossier.title)
    image = Image.new("RGB", COVER_SIZE, design.background)
    draw = ImageDraw.Draw(image)
    _draw_motif(draw, design)
    date = date_in_words(dossier.date, dossier.language) if dossier.date else ""
    texts = [dossier.title, dossier.subtitle, ", ".join(dossier.editors), date]
    if not features.check("raqm") and any(has_arabic(t) for t in texts):
        report.warn("Pillow has no libraqm here, so Arabic cannot be shaped; the generated cover carries no text", "W411")
        draw.rectangle((_MARGIN, 700, COVER_SIZE[0] - _MARGIN, 712), fill=design.accent)
        return image
    draw.rectangle((_MARGIN, 320, COVER_SIZE[0] - _MARGIN, 328), fill=design.accent)
    bottom = _draw_block(draw, dossier.title, True, 480, 150, 5)
    if dossier.subtitle:
        draw.rectangle((COVER_SIZE[0] // 2 - 120, bottom + 40, COVER_SIZE[0] // 2 + 120, bottom + 46), fill=design.accent)
        _draw_block(draw, dossier.subtitle, False, bottom + 110, 72, 4)
    foot = [t for t in texts[2:] if t]
    top = COVER_SIZE[1] - 180 - 80 * len(foot)
    for line in foot:
        top = _draw_block(draw, line, False, top, 52, 1)
    draw.rectangle((_MARGIN, COVER_SIZE[1] - 140, COVER_SIZE[0] - _MARGIN, COVER_SIZE[1] - 132), fill=design.accent)
    return image


def _draw_motif(draw: ImageDraw.ImageDraw, design: CoverDesign) -> None:
    """A quiet pattern in the band above the top rule, a third of the way from ground to accent.

    Few, broad, low-contrast shapes on a 16-pixel grid: JPEG stores them in a few kilobytes
    (thin diagonal hatching cost the cover 118 KB).
    """
    colour = tuple(b + (a - b) // 3 for b, a in zip(design.background, design.accent, strict=True))
    left, right, (top, bottom) = _MARGIN, COVER_SIZE[0] - _MARGIN, _BAND
    seed = design.seed
    step = 64 + 16 * (seed[0] % 3)
    if design.motif == "lines":
        for number, y in enumerate(range(top, bottom - 16, step)):
            length = (right - left) * (40 + seed[number % len(seed)] % 61) // 100 // 16 * 16
            draw.rectangle((left, y, left + length, y + 15), fill=colour)
    elif design.motif == "dots":
        radius = 16 + 8 * (seed[1] % 2)
        for row, y in enumerate(range(top + radius, bottom - radius, step)):
            offset = (step // 2) * (row % 2)
            for x in range(left + radius + offset, right - radius, step):
                draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=colour)
    elif design.motif == "arcs":
        centre = left + (right - left) * (seed[2] % 100) // 100
        for radius in range(step, bottom - top + step, step):
            draw.arc((centre - radius, bottom - radius, centre + radius, bottom + radius), 180, 360, fill=colour, width=16)
        draw.rectangle((0, bottom, COVER_SIZE[0], 319), fill=design.background)  # arcs stop at the band's foot
    else:  # blocks: a row of squares, some filled
        size = step - 16
        for number, x in enumerate(range(left, right - size, step)):
            if seed[number % len(seed)] % 3:
                draw.rectangle((x, top + 32, x + size, top + 32 + size), fill=colour)
