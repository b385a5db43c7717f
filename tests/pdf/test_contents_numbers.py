"""Every contents page number sits at the text block's end edge, on its entry's last line, dots up to it.

Built by the real exporter (print, phone, and print with an Arabic root) from pieces whose titles
wrap onto zero, one and two more lines of the contents, and measured with pdfplumber: the number
ends at the page's margin (right margin left to right, left margin right to left, to within
half a point, never past it), on the baseline of the last words of its title, and the leader's
dots run up to it. WeasyPrint 70 forgot a hanging entry's text-indent when it filled the leader
(single-line entries ended 1.5em short of wrapped ones) and stepped the dots back only from the
block's content edge (a wrapped entry's dots stopped 2.5em before its number).
"""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest

from bundler.exporters import context_for, formats
from bundler.model import Dossier, Edition, Paragraph, Piece, Section

MM = 72 / 25.4
#: Words whose titles end with a word of their own (found again on the entry's last line).
LAST_WORDS = {
    "en": ["Alder", "Birchwood", "Cedarhill", "Dunmore", "Elmstead", "Fernley", "Glenrock", "Hawthorn", "Ivybridge"],
    "ar": ["الأرز", "البلوط", "الزيتون", "النخيل", "الصنوبر", "السرو", "الليمون", "الرمان", "التين"],
}
#: Title openings of growing length (our own words), so entries take one, two and three lines.
OPENINGS = {
    "en": "Residents of the old city describe a winter of shortages, queues before dawn and the bakeries that stayed open in",
    "ar": "يصف سكان المدينة القديمة شتاء من النقص وطوابير قبل الفجر والمخابز التي بقيت مفتوحة في حي",
}
#: (edition, language) -> the text block's edges (left, right) in mm from the page's left, by page side.
EDGES = {
    ("pdf", "en"): {"right": (30, 40), "left": (40, 30)},
    ("pdf-phone", "en"): {"right": (5, 5), "left": (5, 5)},
    ("pdf", "ar"): {"right": (30, 40), "left": (40, 30)},
}
#: A digit's bottom may differ from a letter's by rounding only (points).
BASELINE = 0.5


def long_titled(language: str) -> Dossier:
    """Nine pieces: titles of 1 to 9 steps of the opening's words, each ending with its own last word."""
    words = OPENINGS[language].split()
    direction = "rtl" if language == "ar" else "ltr"
    pieces = tuple(
        Piece(
            title=" ".join(words[: 2 + n * len(words) // 4] + [last]),
            slug=f"piece-{n}",
            language=language,
            direction=direction,
            body=tuple(Paragraph("Text. " * 40 * n) for _ in range(1 + n)),
        )
        for n, last in enumerate(LAST_WORDS[language])
    )
    return Dossier(
        title="Contents",
        identifier="urn:uuid:5c0c7a2e-0000-4000-8000-0000000010c1",
        slug="contents",
        language=language,
        direction=direction,
        sections=(Section(title=LAST_WORDS[language][0], slug="section", pieces=pieces),),
        date="2016-05-10",
    )


def page_side(number: int, language: str) -> str:
    """Page 1 is a right page left to right and a left page right to left (WeasyPrint)."""
    odd = "right" if language == "en" else "left"
    return odd if number % 2 else ("left" if odd == "right" else "right")


def contents_entries(path: Path, language: str) -> list[dict]:
    """Each contents line that ends in a page number: its number's chars, its other chars, page number."""
    entries = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:  # only contents lines end in dots and digits
            for line in page.extract_text_lines(return_chars=True):
                chars = sorted((c for c in line["chars"] if c["text"].strip()), key=lambda c: c["x0"])
                if language == "ar":
                    chars.reverse()  # the number is the leftmost run, at the line's end
                digits = []
                while chars and chars[-1]["text"].isdigit():
                    digits.append(chars.pop())
                if digits and chars and chars[-1]["text"] == ".":
                    entries.append({"page": page.page_number, "digits": digits, "rest": chars, "width": page.width})
    return entries


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("contents")
    paths = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1462838400")
        for name, language in EDGES:
            path = folder / f"{name}-{language}.pdf"
            formats()[name].write(long_titled(language), Edition(name), path, context_for(Edition(name)))
            paths[name, language] = path
    return paths


@pytest.mark.parametrize(("name", "language"), list(EDGES))
def test_every_contents_number_sits_at_the_text_block_edge_on_its_entry_last_line(built, name, language):
    entries = contents_entries(built[name, language], language)
    for last in LAST_WORDS[language][1:]:  # every piece's entry ends on a numbered line with its last word
        assert any(last in "".join(c["text"] for c in entry["rest"]) for entry in entries), last
    assert len(entries) >= len(LAST_WORDS[language]) + 1  # the section, the pieces, the sources
    for entry in entries:
        left, right = EDGES[name, language][page_side(entry["page"], language)]
        digits, rest = entry["digits"], entry["rest"]
        number = "".join(c["text"] for c in sorted(digits, key=lambda c: c["x0"]))
        where = f"page {entry['page']}, number {number}"
        if language == "ar":
            edge = left * MM
            assert edge - 0.01 <= min(c["x0"] for c in digits) <= edge + BASELINE, where
            gap = min(c["x0"] for c in rest) - max(c["x1"] for c in digits)
        else:
            edge = entry["width"] - right * MM
            assert edge - BASELINE <= max(c["x1"] for c in digits) <= edge + 0.01, where
            gap = min(c["x0"] for c in digits) - max(c["x1"] for c in rest)
        assert gap < 6, f"{where}: the dots stop {gap:.1f} pt before the number"
        words = [c for c in rest if c["text"] != "."]
        assert words, f"{where}: dots and number alone on a line"
        assert all(abs(c["bottom"] - words[-1]["bottom"]) < BASELINE for c in digits), where


def start_offsets(path: Path, language: str) -> list[float]:
    """How far in from the text block's start edge each contents line begins (pt), page by page, top to bottom."""
    offsets = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            chars = [c for c in page.chars if c["text"].strip()]
            if "...." not in "".join(c["text"] for c in chars):
                continue  # not a contents page: no leader
            size = max({round(c["size"], 1) for c in chars}, key=lambda s: sum(round(c["size"], 1) == s for c in chars))
            rows: dict[int, list] = {}
            for c in chars:
                if round(c["size"], 1) == size and c["text"] != "." and not c["text"].isdigit():
                    rows.setdefault(round(c["top"]), []).append(c)
            left, right = EDGES["pdf", language][page_side(page.page_number, language)]
            for top in sorted(rows):
                if language == "ar":
                    offsets.append(page.width - right * MM - max(c["x1"] for c in rows[top]))
                else:
                    offsets.append(min(c["x0"] for c in rows[top]) - left * MM)
    return offsets


def test_right_to_left_contents_hang_as_left_to_right(built):
    """Sections flush with the heading, pieces 1.4em in, wrapped lines hanging 1.5em further: in both directions.

    WeasyPrint 70 shortened a right-to-left first line by its (negative) text-indent but set it
    at the start edge all the same: every Arabic entry's first line stood level with its wrapped
    lines, a section 1.5em in from the heading.
    """
    em = 11  # pdf.css: the contents' size
    expected = {0.0, round(1.4 * em, 1), round(2.9 * em, 1)}
    for language in ("en", "ar"):
        offsets = start_offsets(built["pdf", language], language)
        assert {round(offset, 1) for offset in offsets} == expected, (language, sorted(set(offsets)))
        assert round(offsets[0], 1) == 0.0  # the first line is the section's
