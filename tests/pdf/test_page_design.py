"""Page design measured on the built PDFs (pdfplumber): the measure of Latin body text, links the
colour of the text on paper, and booklets without a blank page before every opener.

The kitchen-sink dossier in every PDF edition is built once per session (``english`` fixture).
"""

from __future__ import annotations

import statistics
from collections import Counter
from pathlib import Path

import pdfplumber
import pytest

from bundler.exporters import context_for


def full_line_lengths(path: Path) -> list[int]:
    """Characters on each full line of body text (body size, at least 90% of the widest line of its page)."""
    lengths: list[int] = []
    with pdfplumber.open(path) as pdf:
        sizes = Counter(round(ch["size"], 1) for page in pdf.pages for ch in page.chars)
        body = sizes.most_common(1)[0][0]
        for page in pdf.pages:
            lines = [
                line
                for line in page.extract_text_lines(return_chars=True)
                if line["chars"] and round(line["chars"][0]["size"], 1) == body and line["text"].isascii() and ".." not in line["text"]
            ]
            if lines:
                widest = max(line["x1"] - line["x0"] for line in lines)
                lengths += [len(line["text"]) for line in lines if line["x1"] - line["x0"] >= 0.9 * widest]
    return lengths


PROSE = (
    "The bakery on the corner opened before dawn, as it had every morning of the winter, and the queue that formed "
    "outside it stretched past the pharmacy and the shuttered tailor's shop. People waited with their collars up, "
    "talking quietly about prices, about relatives in other towns, and about whether the flour would last the week. "
    "When the shutters rose the baker counted loaves aloud so that everyone could hear how many were left."
)


@pytest.fixture(scope="module")
def prose(tmp_path_factory) -> dict[str, Path]:
    """Twelve paragraphs of English prose as the print (A4) and booklet (A5) editions."""
    from bundler.exporters import formats
    from bundler.model import Edition, Paragraph, Piece
    from tests.pdf.conftest import EPOCH
    from tests.pdf.test_scripts_and_fonts import dossier_of

    piece = Piece(title="Morning", slug="morning", body=tuple(Paragraph(PROSE) for _ in range(12)))
    folder = tmp_path_factory.mktemp("prose")
    paths = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        for name in ("pdf", "pdf-booklet"):
            paths[name] = folder / formats()[name].filename("prose")
            formats()[name].write(dossier_of(piece), Edition(name), paths[name], context_for(Edition(name)))
    return paths


@pytest.mark.parametrize("name", ["pdf", "pdf-booklet"])
def test_latin_measure_is_60_to_75_characters_on_a4_and_a5(prose, name):
    lengths = full_line_lengths(prose[name])
    assert len(lengths) >= 30, name
    assert 60 <= statistics.median(lengths) <= 75, (name, statistics.median(lengths))


def test_links_print_in_the_colour_of_the_text(english):
    """Every character under a link in the print edition is drawn in the body text's colour."""
    with pdfplumber.open(english.paths["pdf"]) as pdf:
        body_colours = Counter(tuple(ch["non_stroking_color"] or ()) for page in pdf.pages for ch in page.chars)
        text_colour = body_colours.most_common(1)[0][0]
        linked = [
            tuple(ch["non_stroking_color"] or ())
            for page in pdf.pages
            for link in page.hyperlinks
            for ch in page.within_bbox((link["x0"], link["top"], link["x1"], link["bottom"]), strict=False).chars
        ]
    assert linked, "no link text found"
    assert set(linked) == {text_colour}, Counter(linked)


def test_phone_links_are_marked(english):
    """On the phone edition a link is coloured, unlike its text."""
    with pdfplumber.open(english.paths["pdf-phone"]) as pdf:
        text_colour = Counter(tuple(ch["non_stroking_color"] or ()) for page in pdf.pages for ch in page.chars).most_common(1)[0][0]
        linked = {
            tuple(ch["non_stroking_color"] or ())
            for page in pdf.pages
            for link in page.hyperlinks
            if link.get("uri")
            for ch in page.within_bbox((link["x0"], link["top"], link["x1"], link["bottom"]), strict=False).chars
        }
    assert linked and text_colour not in linked, linked


def blank_pages(path: Path) -> int:
    with pdfplumber.open(path) as pdf:
        return sum(1 for page in pdf.pages if not page.chars and not page.images)


def test_booklet_openers_start_on_any_page(english):
    """Only the page after the cover is left blank in a booklet; the print edition keeps recto openers."""
    assert blank_pages(english.paths["pdf-booklet"]) <= 1
    assert blank_pages(english.paths["pdf"]) > blank_pages(english.paths["pdf-booklet"])


LONG_TITLE = "Residents of the old city describe a winter of shortages, queues before dawn and the bakeries that stayed open"


def test_a_wrapped_contents_entry_hangs_and_keeps_dots_and_number_on_its_last_line(tmp_path, _epoch):
    from bundler.exporters import formats
    from bundler.model import Edition, Paragraph, Piece
    from tests.pdf.test_scripts_and_fonts import dossier_of

    pieces = (
        Piece(title=LONG_TITLE, slug="long", body=(Paragraph("Text."),)),
        Piece(title="Short", slug="short", body=(Paragraph("Text."),)),
    )
    path = tmp_path / "long.pdf"
    formats()["pdf"].write(dossier_of(*pieces), Edition("pdf"), path, context_for(Edition("pdf")))
    with pdfplumber.open(path) as pdf:
        page = next(p for p in pdf.pages if "Contents" in (p.extract_text() or ""))
        lines = page.extract_text_lines()
    first = next(n for n, line in enumerate(lines) if line["text"].startswith("Residents"))
    head, tail = lines[first], lines[first + 1]
    assert "..." not in head["text"] and not head["text"].rstrip().endswith(tuple("0123456789")), head["text"]
    assert tail["text"].rstrip()[-1].isdigit() and "..." in tail["text"], tail["text"]
    assert tail["text"].strip(". 0123456789"), f"dots and number alone on the last line: {tail['text']!r}"
    assert tail["x0"] > head["x0"] + 5, "the wrapped line does not hang under the first"


def running_heads(path: Path, band_mm: float) -> list[str]:
    """The text in each page's top margin band (above ``band_mm``, inside the edition's top margin)."""
    band = band_mm / 25.4 * 72
    with pdfplumber.open(path) as pdf:
        return [(page.crop((0, 0, page.width, band)).extract_text() or "").strip() for page in pdf.pages]


@pytest.mark.parametrize(("name", "band_mm"), [("pdf", 18)])  # the booklet is imposed two pages a sheet: same rules
def test_no_running_head_on_the_page_a_piece_opens_on(prose, name, band_mm):
    with pdfplumber.open(prose[name]) as pdf:
        texts = [page.extract_text() or "" for page in pdf.pages]
    heads = running_heads(prose[name], band_mm)
    opening = next(n for n, text in enumerate(texts) if "Morning" in text.splitlines()[1:3] or text.lstrip().startswith("Morning"))
    assert heads[opening] == "", heads[opening]  # neither head, on either side
    later = [heads[n] for n in range(opening + 1, len(texts)) if n % 2 == 0]  # right-hand pages after it (page n + 1 odd)
    assert "Morning" in later, heads


#: Arabic prose for the right-to-left book (written for this test).
ARABIC_PROSE = (
    "فتح المخبز في الزاوية أبوابه قبل الفجر كما في كل صباح من الشتاء، وامتد الطابور أمامه حتى الصيدلية والمحل المغلق. "
    "انتظر الناس وقد رفعوا ياقاتهم، يتحدثون بهدوء عن الأسعار وعن أقارب في مدن أخرى، وعن الطحين وهل يكفي الأسبوع. "
    "وحين ارتفعت الأبواب عدّ الخباز الأرغفة بصوت عال كي يسمع الجميع كم بقي منها."
)
TITLES = {"en": "Piece number {n} opens here", "ar": "تبدأ القطعة رقم {n} هنا"}
BOOK_TITLES = {"en": "Scripts", "ar": "دفتر المدينة"}


def alternating_pieces(count: int, language: str = "en"):
    """``count`` pieces, short (one page) and long (three) in turn, so pieces open on left and right pages alike."""
    from bundler.model import Paragraph, Piece

    prose = ARABIC_PROSE if language == "ar" else PROSE
    direction = "rtl" if language == "ar" else "ltr"
    return tuple(
        Piece(
            title=TITLES[language].format(n=n),
            slug=f"piece-{n}",
            language=language,
            direction=direction,
            body=tuple(Paragraph(prose) for _ in range(2 if n % 2 else 20)),
        )
        for n in range(1, count + 1)
    )


@pytest.fixture(scope="module")
def openings(tmp_path_factory) -> dict[str, Path]:
    """The print edition of alternating pieces laid out in one pass (11 pieces) and in parts (12 pieces), and in Arabic."""
    from dataclasses import replace

    from bundler.exporters import formats
    from bundler.exporters.pdf.parts import PARALLEL_MIN_PIECES
    from bundler.model import Edition
    from tests.pdf.conftest import EPOCH
    from tests.pdf.test_scripts_and_fonts import dossier_of

    folder = tmp_path_factory.mktemp("openings")
    paths = {}
    books = {
        "one pass": dossier_of(*alternating_pieces(PARALLEL_MIN_PIECES - 1)),
        "parts": dossier_of(*alternating_pieces(PARALLEL_MIN_PIECES)),
        "right to left": replace(dossier_of(*alternating_pieces(7, "ar")), title=BOOK_TITLES["ar"], language="ar", direction="rtl"),
    }
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        for mode, dossier in books.items():
            paths[mode] = folder / f"{mode.replace(' ', '-')}.pdf"
            formats()["pdf"].write(dossier, Edition("pdf"), paths[mode], context_for(Edition("pdf")))
    return paths


def heads_by_half(page, band: float) -> dict[str, str]:
    """The running head text in the left and right halves of a page's top band."""
    return {
        half: (page.crop((x, 0, x + page.width / 2, band)).extract_text() or "").strip()
        for half, x in (("left", 0), ("right", page.width / 2))
    }


@pytest.mark.parametrize("mode", ["one pass", "parts", "right to left"])
def test_a_piece_opening_on_either_side_has_no_running_head(openings, mode):
    """Opening pages: nothing in the head band, left or right; the pages after them keep both heads, on the outer side."""
    language = "ar" if mode == "right to left" else "en"
    band = 18 / 25.4 * 72
    opening_sides, continued = set(), {"verso": 0, "recto": 0}
    current = ""
    with pdfplumber.open(openings[mode]) as pdf:
        for index, page in enumerate(pdf.pages):
            text = page.crop((0, band, page.width, page.height)).extract_text() or ""  # below the heads
            heads = heads_by_half(page, band)
            # page 1 is a recto: a right page in a left-to-right book, a left page in a right-to-left one
            side = "recto" if index % 2 == 0 else "verso"
            outer = ("right" if side == "recto" else "left") if language == "en" else ("left" if side == "recto" else "right")
            inner = "left" if outer == "right" else "right"
            lines = text.splitlines()
            if lines and _is_title(lines[0], language):  # a piece's title at the top of the page: it opens here
                current = lines[0]
                opening_sides.add(side)
                assert heads == {"left": "", "right": ""}, (index + 1, side, heads)
            elif current and _is_prose(text):  # a piece continues here (the colophon after the last does not count)
                continued[side] += 1
                expected = BOOK_TITLES[language] if side == "verso" else current
                assert _same(heads[outer], expected) and heads[inner] == "", (index + 1, side, heads)
    assert opening_sides == {"recto", "verso"}, "pieces open on both sides"
    assert continued["recto"] and continued["verso"], continued


def _is_title(line: str, language: str) -> bool:
    return line.startswith("Piece number") if language == "en" else "القطعة رقم" in _logical(line)


PROSE_WORDS = ("bakery", "queue", "baker", "flour", "prices", "shutters", "الطابور", "الخباز", "الطحين", "الأرغفة", "الأسعار", "الصيدلية")


def _is_prose(text: str) -> bool:
    return any(word in _logical(text) for word in PROSE_WORDS)


def _logical(text: str) -> str:
    """pdfplumber gives Arabic in visual order (reversed); compare words either way."""
    return text + " " + text[::-1]


def _same(shown: str, expected: str) -> bool:
    """The head shows ``expected`` (Arabic may come out in visual order)."""
    return (
        shown == expected
        or shown == expected[::-1]
        or set(shown.split()) == set(expected[::-1].split())
        or set(shown.split()) == set(expected.split())
    )


LONG_URLS = (
    "https://news.example.org/2016/05/10/residents-of-the-old-city-describe-a-winter-of-shortages/index.html",
    "https://archive.example.net/captures/aleppo-bakery-queues-before-dawn-and-the-price-of-flour/2016-05-11/",
    "http://radio.example.com/programmes/evening-news/reports-from-the-besieged-neighbourhoods-of-the-east?part=2",
)


@pytest.fixture(scope="module")
def url_lines(tmp_path_factory) -> Path:
    """The narrow phone edition (90 mm) of pieces whose sources are long hyphenated URLs."""
    from bundler.exporters import formats
    from bundler.model import Edition, Paragraph, Piece, Provenance
    from tests.pdf.conftest import EPOCH
    from tests.pdf.test_scripts_and_fonts import dossier_of

    pieces = tuple(
        Piece(
            title=f"Source {n}",
            slug=f"source-{n}",
            source_url=url,
            site="Example",
            body=(Paragraph(f'Read the report at <a href="{url}">{url}</a> before the next one.'),),
            provenance=Provenance(source_path=f"sources/{n}.html", importer="html", importer_version="0.1.0"),
        )
        for n, url in enumerate(LONG_URLS, 1)
    )
    path = tmp_path_factory.mktemp("urls") / "urls-phone.pdf"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        formats()["pdf-phone"].write(dossier_of(*pieces), Edition("pdf-phone"), path, context_for(Edition("pdf-phone")))
    return path


def test_urls_break_only_after_a_slash_and_copy_exactly(url_lines):
    """Every URL as printed (body link, source line, colophon): its text is the address, its line breaks follow a slash."""
    with pdfplumber.open(url_lines) as pdf:
        lines = [line["text"] for page in pdf.pages for line in page.extract_text_lines()]
    text = "\n".join(lines)
    joined = text.replace("\n", "")
    broken = 0
    for url in LONG_URLS:
        assert joined.count(url) >= 3, (url, "in the body, the source line and the colophon, each whole")
        start = 0
        while (found := joined.find(url, start)) >= 0:
            breaks = _line_breaks_within(text, found, len(url))
            assert all(url[at - 1] == "/" for at in breaks), [url[:at] for at in breaks]
            broken += len(breaks)
            start = found + len(url)
    assert broken >= 6, "the URLs are longer than a phone line: they must break somewhere"


def _line_breaks_within(text: str, start: int, length: int) -> list[int]:
    """Offsets inside the URL (found at ``start`` in the text without newlines) where a line ended."""
    offsets, seen = [], 0
    for char in text:
        if char == "\n":
            if start < seen < start + length:
                offsets.append(seen - start)
            continue
        seen += 1
    return offsets


@pytest.fixture(scope="module", params=["one pass", "parts"])
def photo_report(request, tmp_path_factory):
    """The print edition (A4) with a 480 px photo in one piece and a 2000 px photo in another; its report.

    In parts: the same two pieces followed by short ones, enough for the parallel layout.
    """
    from bundler.errors import Report
    from bundler.exporters import formats
    from bundler.exporters.pdf.parts import PARALLEL_MIN_PIECES
    from bundler.model import Edition, Figure, FigureBlock, Paragraph, Piece, Provenance
    from tests import warnings_guard
    from tests.kitchen_sink import _image, make_photo
    from tests.pdf.conftest import EPOCH
    from tests.pdf.test_scripts_and_fonts import dossier_of

    folder = tmp_path_factory.mktemp("photos")
    pieces = tuple(
        Piece(
            title=f"A {width} px photo",
            slug=f"photo-{width}",
            body=(
                Paragraph(PROSE),
                FigureBlock(Figure(image=_image(make_photo(folder / f"{width}.jpg", (width, width * 2 // 3))), alt=f"Queue {width}")),
            ),
            provenance=Provenance(source_path=f"sources/photo-{width}.html", importer="html", importer_version="0.1.0"),
        )
        for width in (480, 2000)
    )
    if request.param == "parts":
        pieces += tuple(Piece(title=f"Short {n}", slug=f"short-{n}", body=(Paragraph(PROSE),)) for n in range(PARALLEL_MIN_PIECES))
    report = Report()
    with pytest.MonkeyPatch.context() as patch, warnings_guard.expected_warnings(r"^W320 "):
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        formats()["pdf"].write(
            dossier_of(*pieces), Edition("pdf"), folder / "photos.pdf", context_for(Edition("pdf"), report, folder / "cache")
        )
    return report


def test_a_photo_under_150_ppi_at_the_column_width_is_a_located_warning(photo_report):
    report = photo_report
    low = [w for w in report.warnings if w.code == "W320"]
    assert len(low) == 1, [w.render() for w in report.warnings]
    warning = low[0]
    # 480 px across the A4 column (140 mm, 5.51 in): 87 ppi; printed at 150 ppi instead, 81 mm wide
    assert "'A 480 px photo', photo 1 (Queue 480) is 480 px wide: 87 ppi at the 140 mm the page gives it" in warning.message
    assert "printed 81 mm wide" in warning.message
    assert warning.file == "sources/photo-480.html"
    assert "at least 827 px" in warning.hint
