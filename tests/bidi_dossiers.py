"""Bilingual dossiers written for the bidi tests, and readers of visual order from PDFs and EPUBs.

Each dossier is an Arabic collection with English sentences ending in punctuation inside
Arabic paragraphs, a URL and a file name inside Arabic text, an English piece whose title
has quotes and ``&`` (so the Arabic contents page lists it), and a bilingual subtitle. Two
texts of the same kind: ``fixture``, which the rules were written against, and ``held-out``,
written afterwards and never used to tune them.

Each case lists ``LINES``: a paragraph in logical order with the units a reader expects
marked by U+2066 LEFT-TO-RIGHT ISOLATE ... U+2069 POP DIRECTIONAL ISOLATE. python-bidi's
``get_display`` of that string is the visual order the edition must show; the edition's
own markup is not consulted to say what is right.
"""

from __future__ import annotations

import unicodedata
import zipfile
from pathlib import Path

from bidi import get_display
from lxml import etree

LRI, RLI, PDI = "\u2066", "\u2067", "\u2069"

#: name -> (files of the collection, paragraphs as a reader expects them: isolates mark the units)
TEXTS: dict[str, dict] = {
    "fixture": {
        "title": "مكتبة الصيف",
        "subtitle": "ملف تجريبي عن القراءة — A summer reading dossier",
        "arabic": [
            "بدأت الحلقة مساء الأحد. ⁦The children read aloud.⁩",
            "اقرأ التقرير على ⁦https://example.org/reports/2016/summer/⁩ قبل يوم الخميس.",
            "كتب المتطوعون ⁦Library notes, Volume 2⁩ في دفتر صغير.",
            "قالت المعلمة: ⁦Well done, everyone!⁩ ثم عاد الجميع إلى البيت.",
            "حفظنا النص في ملف ⁦notes/summer-2016.txt⁩ على الحاسوب.",
        ],
        "english_title": "“Books & Bread”: a summer report",
        "english": [
            "The children of the reading circle met every Sunday in the summer.",
            "They called the back room ⁧غرفة القراءة⁩, the reading room.",
        ],
    },
    "held-out": {
        "title": "دفتر الحديقة",
        "subtitle": "ملف عن حديقة الحي — A neighbourhood garden file",
        "arabic": [
            "زرعنا البذور في الربيع. ⁦We planted tomatoes and mint.⁩",
            "الخريطة منشورة على ⁦https://garden.example.net/maps/plot-7?view=full⁩ لمن يريد.",
            "سجلت اللجنة ⁦Garden Committee, Report 3⁩ في الأرشيف.",
            "سأل الطفل: ⁦Can we water them today?⁩ فضحك الجميع.",
            "أرسل الصور إلى ⁦garden@example.net⁩ قبل نهاية الشهر.",
        ],
        "english_title": "“Seeds & Soil”: notes from the plot",
        "english": [
            "Every plot in the garden has a name written on a wooden sign.",
            "The oldest plot is called ⁧حوض الجدة⁩, the bed of the grandmother.",
        ],
    },
}


def plain(line: str) -> str:
    """A paragraph's logical text as a writer types it: the isolates taken out."""
    return line.replace(LRI, "").replace(RLI, "").replace(PDI, "")


def write_collection(folder: Path, case: str, editions: str) -> Path:
    """Write the ``case`` dossier as a collection folder with the given ``editions:`` YAML block."""
    text = TEXTS[case]
    (folder / "sources").mkdir(parents=True, exist_ok=True)
    arabic_body = "\n\n".join(plain(line) for line in text["arabic"])
    english_body = "\n\n".join(plain(line) for line in text["english"])
    (folder / "sources" / "arabic.md").write_text(
        f"---\ntitle: يوم في المكتبة\nauthors: [فريق التحرير]\ndate: 2016-05-12\nlanguage: ar\n---\n\n{arabic_body}\n", encoding="utf-8"
    )
    (folder / "sources" / "english.md").write_text(
        f"---\ntitle: '{text['english_title']}'\nauthors: [Reading Circle Editors]\ndate: 2016-05-20\nlanguage: en\n---\n\n{english_body}\n",
        encoding="utf-8",
    )
    (folder / "collection.yaml").write_text(
        f"title: {text['title']}\nsubtitle: {text['subtitle']}\nidentifier: urn:uuid:0b7c41e2-6f1c-4b7d-9a55-2d3e8f{len(case):06d}\n"
        "language: ar\neditors: [فريق التحرير, Reading Circle Editors]\ndate: 2016-05\ncover: auto\n"
        "sections:\n  - title: القراءة — Reading\n    pieces:\n      - sources/arabic.md\n      - sources/english.md\n"
        f"editions:\n{editions}",
        encoding="utf-8",
    )
    return folder


def expected_visual(line: str, base: str) -> str:
    """What a reader must see, left to right: the Unicode bidi algorithm applied to the marked-up line."""
    return comparable(get_display(line, base_dir="R" if base == "rtl" else "L"))


def comparable(text: str) -> str:
    """Visual text in a form both sides share: no spaces or bidi controls, presentation forms folded."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(char for char in folded if not char.isspace() and char not in {LRI, RLI, PDI, "\u200e", "\u200f"})


def pdf_visual_lines(path: Path) -> list[str]:
    """Every text line of a PDF as it is seen: glyphs left to right by position (pdfplumber).

    PDF text is drawn in visual order, so sorting a line's glyphs by x reads what a reader
    sees. A glyph standing for several characters (an Arabic lam-alef ligature) holds them in
    logical order; in a right-to-left word they are turned round to match the visual string.
    """
    import pdfplumber

    lines: list[str] = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            rows: list[list[dict]] = []
            for char in sorted(page.chars, key=lambda c: (c["top"] + c["bottom"]) / 2):
                middle = (char["top"] + char["bottom"]) / 2
                if rows and abs(middle - _middle(rows[-1])) < 0.35 * char["size"]:
                    rows[-1].append(char)
                else:
                    rows.append([char])
            lines += ["".join(_glyph_text(c["text"]) for c in sorted(row, key=lambda c: c["x0"])) for row in rows]
    return [comparable(line) for line in lines]


def _middle(row: list[dict]) -> float:
    return sum((c["top"] + c["bottom"]) / 2 for c in row) / len(row)


def _glyph_text(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text)
    rtl = any(unicodedata.bidirectional(char) in {"R", "AL"} for char in folded)
    return folded[::-1] if rtl and len(folded) > 1 else folded


XHTML = "{http://www.w3.org/1999/xhtml}"


def epub_visual_paragraphs(path: Path) -> list[str]:
    """Every paragraph and list item of an EPUB as the Unicode bidi algorithm displays it.

    The markup's ``dir`` attributes become the isolates HTML gives them (``unicode-bidi:
    isolate``), and python-bidi lays the paragraph out in its own base direction: what a
    conforming reading system shows on one line.
    """
    found = []
    with zipfile.ZipFile(path) as book:
        for name in sorted(n for n in book.namelist() if n.endswith(".xhtml")):
            root = etree.fromstring(book.read(name))
            for element in root.iter(f"{XHTML}p", f"{XHTML}li", f"{XHTML}h1"):
                base = next((a.get("dir") for a in (element, *element.iterancestors()) if a.get("dir")), "ltr")
                found.append(expected_visual(_isolated_text(element, top=True), base))
    return found


def _isolated_text(element, top: bool = False) -> str:
    text = element.text or ""
    for child in element:
        if isinstance(child.tag, str) and child.tag not in {f"{XHTML}ol", f"{XHTML}ul"}:
            text += _isolated_text(child)
        text += child.tail or ""
    direction = element.get("dir")
    if not top and direction in {"ltr", "rtl"}:
        return (LRI if direction == "ltr" else RLI) + text + PDI
    return text
