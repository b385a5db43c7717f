"""A large dossier's PDF laid out in parts on several cores must be the same book as one pass.

Same pages (pixel for pixel at low resolution, and word for word), same outline, same links
landing on the same pages, page numbers and running heads where one pass puts them, and the
same bytes whatever the number of cores or the state of the cache. The dossier here is made
so that the hard cases happen: a part that must start on a recto (a blank page before it), and
parts whose pages land on the other side than they were laid out on (shifted sideways).
"""

from __future__ import annotations

import hashlib
import subprocess
import tempfile
from dataclasses import replace
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageChops

import bundler.exporters.pdf.assembly as assembly
import bundler.exporters.pdf.parts as pdf_parts
from bundler.cache import ContentCache
from bundler.executor import SerialExecutor, WorkOptions
from bundler.exporters import context_for
from bundler.exporters.context import BuildContext
from bundler.exporters.pdf.document import PdfLayout, render_pdf
from bundler.exporters.pdf.image_refs import ImageReferences
from bundler.exporters.pdf.layout import (
    ELEMENT_COST,
    PHOTO_COST,
    LayoutRound,
    LayoutSettings,
    lay_out_all,
    layout_cost,
    layout_features,
    open_layout_pool,
)
from bundler.model import Dossier, Edition, FigureBlock, Paragraph
from tests.kitchen_sink import make_kitchen_sink
from tests.pdf.conftest import poppler
from tests.pdf.pdf_checks import outline, page_texts, words_of

PRINT = PdfLayout("print", ("pdf.css",), page_size="A4")


def renumbered(body: tuple, number: int) -> tuple:
    """A copy's blocks with its figure ids made its own: one document cannot hold two 'fig-market' anchors."""
    return tuple(
        replace(block, figure=replace(block.figure, id=f"{block.figure.id}-{number}"))
        if isinstance(block, FigureBlock) and block.figure.id
        else block
        for block in body
    )


def make_large_dossier(folder: Path, language: str = "en") -> Dossier:
    """The kitchen-sink pieces repeated to 16, each a different length, in two sections.

    One title holds a star (Noto Sans Symbols2, a face ``margin_marks`` does not draw): its part
    keeps WeasyPrint's overlay while the others have their marks drawn by the assembler.
    """
    sink = make_kitchen_sink(folder, language=language)
    english, night = sink.sections[0].pieces
    arabic = sink.sections[1].pieces[0]
    pieces = []
    for number in range(13):
        base = (english, night, arabic)[number % 3]
        extra = tuple(
            Paragraph(f"Added paragraph {n} of copy {number}: the committee met again and wrote down what it saw.")
            for n in range(number * 4)
        )
        url = base.source_url if number < 3 else f"https://news.example.org/copies/{number}"
        body = renumbered(base.body, number) + extra
        title = f"{base.title} ({number})" + (" ★" if number == 12 else "")  # the longest copy: heads on several pages
        pieces.append(replace(base, slug=f"{base.slug}-{number}", title=title, source_url=url, body=body))
    first = replace(sink.sections[0], pieces=tuple(pieces))
    second = replace(
        sink.sections[1], pieces=(arabic, replace(night, slug="night-ar", title="The night shift, again"), replace(english, slug="bq-3"))
    )
    return replace(sink, sections=(first, second))


def render(dossier: Dossier, parts: bool, layout: PdfLayout = PRINT, ctx: BuildContext | None = None) -> bytes:
    """The print PDF laid out in parts (``parts=True``) or in one pass."""
    edition = Edition(layout.name if layout.name != "print" else "pdf")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pdf_parts, "PARALLEL_MIN_PIECES", 12 if parts else 10**9)
        return render_pdf(dossier, edition, layout, ctx or context_for(edition))


@pytest.fixture(scope="module", params=["en", "ar"])
def books(request, tmp_path_factory) -> dict:
    """The same large dossier as one pass and in parts, with where each part was placed."""
    language = request.param
    folder = tmp_path_factory.mktemp(f"parts-{language}")
    dossier = make_large_dossier(folder / "collection", language)
    placements, overlays, marks = [], [], []
    original = assembly.assemble_book

    def recording(front, placed, overlaid, drawn=None):
        placements.extend(placed)
        overlays.extend(overlaid)
        marks.extend(drawn or [])
        return original(front, placed, overlaid, drawn)

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1462838400")
        whole = folder / "whole.pdf"
        whole.write_bytes(render(dossier, parts=False))
        patch.setattr(pdf_parts, "assemble_book", recording)  # pdf_parts imports it by name
        split = folder / "parts.pdf"
        split.write_bytes(render(dossier, parts=True))
    return {
        "dossier": dossier,
        "whole": whole,
        "parts": split,
        "placements": placements,
        "overlays": overlays,
        "marks": marks,
        "folder": folder,
        "language": language,
    }


def test_the_dossier_exercises_blanks_and_side_changes(books):
    placements = books["placements"]
    assert len(placements) >= 4
    assert any(p.blank_before for p in placements), "no part needed a blank page before it"
    assert any(p.flipped for p in placements), "no part landed on the other side"


def _letters(text: str) -> list[str]:
    """The Latin letters, digits and signs of a page, in any order.

    In any order: the overlay is drawn last, so extraction order differs. Latin only: a part
    embeds its own font subsets, and WeasyPrint maps a glyph shared by several Arabic forms
    (alef, alef with hamza and damma) to the text it met first in *that* document, so the
    extracted Arabic letters can differ while the glyphs drawn do not (the pixel test covers them).
    """
    return sorted(character for character in text if character.isascii() and not character.isspace())


def test_same_pages_letter_for_letter(books):
    whole, split = page_texts(books["whole"]), page_texts(books["parts"])
    assert len(whole) == len(split)
    for number, (one, other) in enumerate(zip(whole, split, strict=True), start=1):
        assert _letters(one) == _letters(other), f"page {number} differs"
    numbered = [text for text in split if str(len(split) - 1) in words_of(text)]
    assert numbered, "the page numbers are missing"


#: The print edition's top and bottom margins (styles/pdf.css), where the page numbers and running heads are.
TOP_MARGIN_MM, BOTTOM_MARGIN_MM = 22, 24
#: Pixels of a page's margin strips (at 40 dpi, grey) allowed to differ from one pass by more than 48 levels:
#: the marks are drawn by the assembler (margin_marks), not by WeasyPrint, at positions within 0.01 pt of its.
MARGIN_PIXELS_ALLOWED = 12


def test_same_pages_pixel_for_pixel(books, tmp_path):
    """The body of every page pixel for pixel; the margin strips (drawn marks) within a few pixels."""
    pdftoppm = poppler("pdftoppm")
    images = {}
    for name in ("whole", "parts"):
        subprocess.run([pdftoppm, "-r", "40", "-gray", str(books[name]), str(tmp_path / name)], check=True)
        images[name] = sorted(tmp_path.glob(f"{name}-*.pgm"))
    assert len(images["whole"]) == len(images["parts"]) > 20
    for one, other in zip(images["whole"], images["parts"], strict=True):
        with Image.open(one) as a, Image.open(other) as b:
            top, bottom = (round(mm / 25.4 * 40) for mm in (TOP_MARGIN_MM, BOTTOM_MARGIN_MM))
            body = (0, top, a.width, a.height - bottom)
            changed = sum(ImageChops.difference(a.crop(body), b.crop(body)).histogram()[48:])
            assert changed == 0, f"{other.name}: {changed} body pixels differ from the one-pass layout"
            difference = ImageChops.difference(a, b)
            strips = ((0, 0, a.width, top), (0, a.height - bottom, a.width, a.height))
            margin = sum(sum(difference.crop(box).histogram()[48:]) for box in strips)
        assert margin <= MARGIN_PIXELS_ALLOWED, f"{other.name}: {margin} margin pixels differ from the one-pass layout"


def margin_lines(path: Path) -> list[list[tuple[str, float, float, str, float]]]:
    """Each page's margin glyphs (text, x, baseline, font without subset tag, size), top to bottom, left to right."""
    import pdfplumber

    found = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            top, bottom = (mm / 25.4 * 72 for mm in (TOP_MARGIN_MM, BOTTOM_MARGIN_MM))
            chars = [c for c in page.chars if c["bottom"] <= top or c["top"] >= page.height - bottom]
            chars.sort(key=lambda c: (round(c["matrix"][5]), c["x0"]))
            found.append([(c["text"], c["x0"], c["matrix"][5], c["fontname"].split("+")[-1], round(c["size"], 2)) for c in chars])
    return found


def test_margin_marks_drawn_by_the_assembler_where_one_pass_puts_them(books):
    """Overlays only where a head needs an undrawn face; each page's marks: same text, font and size, within 0.5 pt of one pass."""
    overlaid = [overlay is not None for overlay in books["overlays"]]
    starred = [any("★" in info.running for info in placement.part.pages) for placement in books["placements"]]
    assert overlaid == starred and 0 < sum(overlaid) < len(overlaid), "only the part with a head in another face keeps its overlay"
    assert [plan is None for plan in books["marks"]] == overlaid
    whole, split = margin_lines(books["whole"]), margin_lines(books["parts"])
    assert len(whole) == len(split)
    for number, (one, other) in enumerate(zip(whole, split, strict=True), start=1):
        assert [(c[0], c[3], c[4]) for c in one] == [(c[0], c[3], c[4]) for c in other], f"page {number}"
        for a, b in zip(one, other, strict=True):
            assert abs(a[1] - b[1]) <= 0.5 and abs(a[2] - b[2]) <= 0.5, (number, a, b)
    headed = [line for line in split if any(c[4] == 8.5 for c in line)]
    assert len(headed) >= 10, "too few running heads to compare"
    if books["language"] == "ar":
        assert any(c[3] == "Noto-Naskh-Arabic" for line in split for c in line), "no Arabic running head was drawn"


def _strip_text(line: list, size: float) -> str:
    return "".join(c[0] for c in line if c[4] == size)


def test_heads_copy_as_their_titles_and_sides_alternate(books):
    """A Latin head copies out as the piece's title; the dossier's title on versos, piece's on rectos; none on openers and blanks."""
    dossier, split = books["dossier"], margin_lines(books["parts"])
    titles = {piece.title for piece in dossier.pieces}
    title = dossier.title
    rtl = books["language"] == "ar"
    page_width = 595.28
    seen_piece = seen_dossier = 0
    for number, line in enumerate(split, start=1):
        head = [c for c in line if c[4] == 8.5]
        text = "".join(c[0] for c in head)
        if not head:
            continue
        recto = number % 2 == 1
        on_left = head[0][1] < page_width / 2
        assert on_left == (recto == rtl), f"page {number}: head on the wrong side"
        if text == title:
            assert not recto, f"page {number}: the dossier's title on a recto"
            seen_dossier += 1
        elif text.isascii():
            assert text in titles and recto, f"page {number}: {text!r}"
            seen_piece += 1
    assert seen_piece >= 3 and seen_dossier >= 3
    numbers = [_strip_text(line, 9.0) for line in split]
    opening = [n for n, line in enumerate(split, start=1) if numbers[n - 1] and not any(c[4] == 8.5 for c in line)]
    assert len(opening) >= 3, "no opening page without a head"
    blank = [n for n, line in enumerate(split, start=1) if not line and n > 4]
    assert blank, "no blank page (without marks) in the body"


def _outline_pages(path: Path) -> list[tuple[int, str, int]]:
    with pikepdf.open(path) as pdf, pdf.open_outline() as tree:
        index = {page.obj.objgen: n for n, page in enumerate(pdf.pages)}
        found = []

        def walk(items, depth):
            for item in items:
                found.append((depth, item.title, index[item.destination[0].objgen]))
                walk(item.children, depth + 1)

        walk(tree.root, 0)
        return found


def test_same_outline_pointing_at_the_same_pages(books):
    assert _outline_pages(books["parts"]) == _outline_pages(books["whole"])
    assert len(outline(books["parts"])) >= 5


def _links(path: Path) -> list[tuple[int, str, int]]:
    """Every internal link: the page it is on, its destination name and the page that name lands on."""
    with pikepdf.open(path) as pdf:
        index = {page.obj.objgen: n for n, page in enumerate(pdf.pages)}
        names = pikepdf.NameTree(pdf.Root.Names.Dests)
        found = []
        for number, page in enumerate(pdf.pages):
            for annotation in page.obj.get("/Annots", []):
                if "/Dest" in annotation:
                    target = names.get(str(annotation.Dest))
                    found.append((number, str(annotation.Dest), index[target[0].objgen] if target is not None else -1))
        return found


def test_links_land_where_they_land_in_one_pass(books):
    split = _links(books["parts"])
    assert split == _links(books["whole"])
    assert all(page >= 0 for _, _, page in split), "a link points at a missing destination"
    contents_links = [link for link in split if link[0] < 4]
    assert len(contents_links) >= len(books["dossier"].pieces), "the contents' entries are not links"


def test_reproducible_whatever_the_cores_and_the_cache(books, tmp_path):
    dossier = books["dossier"]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1462838400")
        events = []
        base = context_for(Edition("pdf"))
        watched = replace(base, work=WorkOptions(jobs=1), progress=lambda stage, done, total: events.append((stage, done, total)))
        serial = render(dossier, parts=True, ctx=watched)
        cached = base.with_cache(ContentCache(tmp_path / "cache"))
        filled = render(dossier, parts=True, ctx=cached)
        patch.setattr(pdf_parts, "_GEOMETRIES", {})  # a new process: the margin probe comes from the cache too
        from_cache = render(dossier, parts=True, ctx=cached)
    assert serial == filled == from_cache == books["parts"].read_bytes()
    layout = [event for event in events if event[0] == "pdf layout"]
    assert layout[0][1] == 0 and layout[-1][1] == layout[-1][2] >= 4, "the layout stage did not report its counts"


def test_one_changed_piece_lays_out_one_part_again(books, tmp_path):
    dossier = books["dossier"]
    cache = ContentCache(tmp_path / "cache")
    section = dossier.sections[0]
    piece = section.pieces[5]
    edited = replace(piece, body=(Paragraph("An edited first paragraph, about as long as before."), *piece.body[1:]))
    changed = replace(dossier, sections=(replace(section, pieces=(*section.pieces[:5], edited, *section.pieces[6:])), dossier.sections[1]))
    ctx = context_for(Edition("pdf")).with_cache(cache)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1462838400")
        render(dossier, parts=True, ctx=ctx)
        before = set((tmp_path / "cache").rglob("*.pdf"))
        edited_pdf = render(changed, parts=True, ctx=ctx)
        after = set((tmp_path / "cache").rglob("*.pdf"))
    assert len(after - before) == 1, "more than the changed part was laid out again"
    assert "An edited first paragraph" in " ".join(page_texts_of(edited_pdf, tmp_path))


def page_texts_of(pdf: bytes, folder: Path) -> list[str]:
    path = folder / "edited.pdf"
    path.write_bytes(pdf)
    return page_texts(path)


def test_small_dossiers_and_the_archive_stay_one_pass(tmp_path):
    small = make_kitchen_sink(tmp_path / "small")
    assert not pdf_parts.renders_in_parts(small, PRINT)
    large = make_large_dossier(tmp_path / "large")
    assert pdf_parts.renders_in_parts(large, PRINT)
    assert not pdf_parts.renders_in_parts(large, PdfLayout("archive", ("pdf.css",), variant="pdf/a-3u", tags=True))


def test_stubs_stand_in_for_anchors_of_other_parts_only():
    markup = '<p id="held">x</p><a href="#held">1</a><a href="#a&amp;b">2</a><a href="#elsewhere">3</a><a href="https://x.example/#y">4</a>'
    assert pdf_parts.stub_ids(markup) == ["a&b", "elsewhere"]
    assert 'id="a&amp;b"' in pdf_parts.stubs_markup(pdf_parts.stub_ids(markup))


class RecordingExecutor(SerialExecutor):
    """Runs each job at once, in this process, noting the order jobs were started in."""

    def __init__(self) -> None:
        self.started: list[str] = []

    def submit(self, fn, /, *args, **kwargs):
        self.started.append(Path(args[0][0].source).stem)
        return super().submit(fn, *args, **kwargs)


def sized_jobs(folder: Path) -> tuple[dict[str, int], list]:
    """Four small documents of different layout cost (paragraph counts), one with a photo."""
    settings = LayoutSettings(stylesheets=("common.css", "pdf.css"), page_size="A4", dpi=200, jpeg_quality=None, identifier="x")
    paragraphs = {"short": 2, "long": 150, "middle": 60, "photo": 1}
    Image.new("RGB", (40, 30), "#468").save(folder / "photo.jpg")
    jobs = []
    for name, count in paragraphs.items():
        photo = f'<img src="{(folder / "photo.jpg").as_uri()}" alt=""/>' if name == "photo" else ""
        body = photo + "".join(
            f"<p>Paragraph {n} of the {name} part, long enough to fill a line or two of the page.</p>" for n in range(count)
        )
        html = f'<html xmlns="http://www.w3.org/1999/xhtml"><head><title>{name}</title></head><body>{body}</body></html>'
        jobs.append(pdf_parts.write_job(folder / f"{name}.xhtml", html, settings))
    return paragraphs, jobs


def test_costliest_layouts_start_first_and_come_back_in_order(tmp_path):
    """Parts start largest first (a large one left for last keeps one core busy alone); results keep the book's order."""
    paragraphs, jobs = sized_jobs(tmp_path)
    executor = RecordingExecutor()
    laid = lay_out_all(jobs, tmp_path, "layout", context_for(Edition("pdf")), executor)
    assert executor.started == ["long", "middle", "photo", "short"]  # a photo weighs as much as dozens of paragraphs
    pages = {name: len(result.pages) for name, result in zip(paragraphs, laid, strict=True)}
    assert pages["long"] > pages["middle"] > pages["short"] == pages["photo"] == 1
    assert [Path(result.path).name for result in laid] == [f"layout-{n}.pdf" for n in range(4)]
    assert layout_cost("<p>x</p>") < layout_cost("<img/>")


def test_a_round_starts_its_first_jobs_while_the_rest_are_written_then_the_costliest(tmp_path):
    """The first ``eager`` jobs lay out as soon as they are added (the parent writes the next documents meanwhile);
    the others wait for ``finish`` and start costliest first; results come back in the order added."""
    paragraphs, jobs = sized_jobs(tmp_path)
    executor = RecordingExecutor()
    layout_round = LayoutRound(tmp_path, "layout", context_for(Edition("pdf")), executor, eager=1)
    layout_round.add(jobs[0])
    assert executor.started == ["short"] and (tmp_path / "layout-0.pdf").is_file()  # laid out before the next was added
    for job in jobs[1:]:
        layout_round.add(job)
    assert executor.started == ["short"]
    laid = layout_round.finish()
    assert executor.started == ["short", "long", "middle", "photo"]
    assert [Path(result.path).name for result in laid] == [f"layout-{n}.pdf" for n in range(4)]
    pages = {name: len(result.pages) for name, result in zip(paragraphs, laid, strict=True)}
    assert pages["long"] > pages["middle"] > pages["short"] == pages["photo"] == 1


def test_a_job_added_last_starts_after_the_others_and_keeps_its_place(tmp_path):
    """The contents' guess is filler for the core that ends its parts first: it starts after every part, even a
    smaller one, and its result still comes back where it was added."""
    paragraphs, jobs = sized_jobs(tmp_path)
    executor = RecordingExecutor()
    layout_round = LayoutRound(tmp_path, "layout", context_for(Edition("pdf")), executor, eager=1)
    layout_round.add(jobs[1], last=True)  # "long", the costliest, is not started eagerly either
    for job in (jobs[0], jobs[2], jobs[3]):
        layout_round.add(job)
    assert executor.started == ["short"]
    laid = layout_round.finish()
    assert executor.started == ["short", "middle", "photo", "long"]
    assert [Path(result.path).name for result in laid] == [f"layout-{n}.pdf" for n in range(4)]
    assert len(laid[0].pages) > len(laid[2].pages) > len(laid[1].pages) == 1  # long, middle, short as added


def test_layout_cost_is_text_with_elements_and_photos_weighted():
    markup = '<div class="a"><p>Ab &amp; c</p><img src="x.jpg" alt=""/></div>'
    assert layout_features(markup) == (len("Ab &amp; c"), 3, 1)
    assert layout_cost(markup) == len("Ab &amp; c") + 3 * ELEMENT_COST + PHOTO_COST
    assert layout_cost("<p>" + "x" * 4000 + "</p>") < layout_cost('<p><img src="x.jpg"/></p>')  # a photo outweighs a long paragraph


def font_programs(path: Path) -> tuple[int, set[str], int]:
    """(distinct font programs, faces named by the font dictionaries, bytes of the programs)."""
    import pikepdf

    programs: dict[tuple[int, int], int] = {}
    faces = set()
    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            if hasattr(obj, "get") and obj.get("/Type") == "/FontDescriptor":
                faces.add(str(obj.get("/FontName")).split("+")[-1])
                for key in ("/FontFile2", "/FontFile3"):
                    if key in obj:
                        programs[obj[key].objgen] = len(obj[key].read_raw_bytes())
    return len(programs), faces, sum(programs.values())


def test_each_face_embedded_once_for_the_whole_book(books):
    """Parts embed their own subsets; the assembled book keeps one program per face, no larger than one pass's."""
    count, faces, size = font_programs(books["parts"])
    _, whole_faces, whole_size = font_programs(books["whole"])
    assert faces == whole_faces and len(faces) >= 5, sorted(faces)  # Noto Serif (3 styles), Naskh (2), DejaVu Sans Mono
    assert count <= len(faces), (count, sorted(faces))
    assert size <= whole_size * 1.1, (size, whole_size)


def test_layout_workers_leave_no_font_folders_behind(tmp_path):
    """Workers keep one font configuration for all their jobs and delete its folder of font files when they exit.

    Each configuration copies the ``@font-face`` fonts (~6 MB) into a temporary folder that only
    its clean-up deletes; a configuration per job, freed by nobody before a worker exits, left
    one such folder per layout job behind (44 for a 200-piece book).
    """
    settings = LayoutSettings(stylesheets=("common.css", "pdf.css"), page_size="A4", dpi=200, jpeg_quality=None, identifier="x")
    jobs = [
        pdf_parts.write_job(
            tmp_path / f"{n}.xhtml",
            f'<html xmlns="http://www.w3.org/1999/xhtml"><head><title>{n}</title></head><body><p>Part {n}.</p></body></html>',
            settings,
        )
        for n in range(4)
    ]
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    ctx = replace(context_for(Edition("pdf")), work=WorkOptions(jobs=2))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tempfile, "tempdir", str(temporary))  # the forked workers inherit it
        with open_layout_pool(ctx, len(jobs)) as pool:
            assert not isinstance(pool, SerialExecutor)
            laid = lay_out_all(jobs, tmp_path, "layout", ctx, pool)
    assert [len(result.pages) for result in laid] == [1, 1, 1, 1]
    assert sorted(path.name for path in temporary.iterdir()) == []


def test_parts_name_their_photos_by_reference_to_the_prepared_files(tmp_path):
    """Part markup carries no base64 photos: each is ``bundler-image:<hash of its bytes>``, the job lists its file."""
    dossier = make_large_dossier(tmp_path / "collection")
    images = context_for(Edition("pdf")).images
    references = ImageReferences(images)
    markup = "\n".join(f.markup for f in pdf_parts.pdf_fragments(dossier, Edition("pdf"), images, image_href=references.href))
    used = references.used_by(markup)
    assert used and "data:image/jpeg" not in markup
    for name, path in used:
        assert f'src="bundler-image:{name}"' in markup
        assert Path(path).name == name and Path(path).is_file()
        assert name.startswith(hashlib.sha256(Path(path).read_bytes()).hexdigest()[:32])  # the bytes change, the markup does
