"""A kitchen-sink dossier built straight from the model, for exporter tests.

It uses every block type, figures with and without images, caption/credit pairs, notes,
an in-dossier link, an Arabic piece, a mixed-direction paragraph, front and back matter.
Exporter tests use it so they test exporters, not importers. Images are generated here
with Pillow (deterministic), never downloaded.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image as PILImage
from PIL import ImageDraw

from bundler.model import (
    Dossier,
    Edition,
    Embed,
    Figure,
    FigureBlock,
    Heading,
    Image,
    ListBlock,
    Note,
    Paragraph,
    Piece,
    Preformatted,
    Provenance,
    Quote,
    Rule,
    Section,
    Table,
    TextPage,
)
from bundler.text.plain import sha256_file


def make_photo(path: Path, size: tuple[int, int] = (1200, 800), seed: int = 0, gps: bool = False) -> Path:
    """A deterministic photo-like JPEG (gradients and shapes), optionally with GPS EXIF."""
    width, height = size
    image = PILImage.new("RGB", size)
    pixels = image.load()
    for y in range(0, height):
        for x in range(0, width, 1):
            pixels[x, y] = ((x * 255 // width + seed * 40) % 256, (y * 255 // height) % 256, ((x + y + seed * 17) * 3) % 256)
    draw = ImageDraw.Draw(image)
    for i in range(6):
        box = (width * i // 7, height // 4, width * i // 7 + width // 9, height * 3 // 4)
        draw.ellipse(box, fill=((i * 50 + seed) % 256, 120, 200 - i * 20))
    exif = PILImage.Exif()
    exif[0x010F] = "ExampleCam"  # Make
    exif[0xA431] = "SERIAL-0042-KS"  # BodySerialNumber
    if gps:
        exif[0x8825] = {1: "N", 2: (36.0, 12.0, 3.5), 3: "E", 4: (37.0, 9.0, 41.25)}
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "JPEG", quality=92, exif=exif.tobytes())
    return path


def _image(path: Path) -> Image:
    with PILImage.open(path) as opened:
        width, height = opened.size
    return Image(path=str(path), url="", media_type="image/jpeg", width=width, height=height, sha256=sha256_file(path))


def make_kitchen_sink(folder: Path, *, language: str = "en") -> Dossier:
    """Build the kitchen-sink dossier, writing its images into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    photo = make_photo(folder / "market.jpg", seed=1)
    photo_gps = make_photo(folder / "street.jpg", seed=2, gps=True)

    english = Piece(
        title="Bread queues in the old city",
        standfirst=(Paragraph("Residents describe a winter of <em>shortages</em> and improvisation."),),
        authors=("Jane Example", "Omar Sample"),
        date="2016-05-01",
        source_url="https://news.example.org/2016/05/bread-queues",
        site="Example News",
        language="en",
        direction="ltr",
        slug="bread-queues",
        body=(
            Paragraph(
                'Queues formed before dawn outside the last working bakery.<a href="#note-1">1</a> '
                'A neighbour’s account is in <a href="https://news.example.org/2016/05/night-shift/">the night shift</a>.'
            ),
            Heading(2, "Prices"),
            Table(
                header=(("Item", "March", "April"),),
                rows=(("Bread (bundle)", "50", "120"), ("Rice (kg)", "300", "650")),
                caption="Market prices in pounds",
            ),
            FigureBlock(
                Figure(
                    image=_image(photo),
                    alt="A market stall under a striped awning",
                    caption="The covered market in April.",
                    credit="Sam Photographer/Example Agency",
                    id="fig-market",
                )
            ),
            ListBlock(False, ((Paragraph("Flour arrives twice a week."),), (Paragraph("Fuel for ovens is <strong>rationed</strong>."),))),
            Quote((Paragraph("We bake with what we have."),), attribution="A baker"),
            Paragraph('The word for bread, <span lang="ar" dir="rtl">خبز</span>, was painted on the shutter.'),
            Rule(),
            Preformatted("07:00  queue opens\n09:30  bread runs out"),
            FigureBlock(
                Figure(
                    image=_image(photo_gps),
                    alt="A narrow street with washing lines",
                    caption="A street near the market.",
                    credit="Lee Example",
                )
            ),
            FigureBlock(
                Figure(image=None, alt="A destroyed bakery", caption="The second bakery after the strike.", credit="Archive photo")
            ),
            Embed(url="https://video.example.org/watch/123", title="Video: the queue at dawn"),
            ListBlock(True, ((Paragraph("First step."),), (Paragraph("Second step."),))),
        ),
        notes=(Note(id="1", html="Interviews were held on 28 and 29 April.", label="1"),),
        provenance=Provenance(
            source_path="sources/bread-queues.html",
            source_sha256="0" * 64,
            source_url="https://news.example.org/2016/05/bread-queues",
            retrieved="2016-05-02",
            importer="html",
            importer_version="0.1.0",
        ),
    )
    night = Piece(
        title="The night shift",
        authors=("Omar Sample",),
        date="2016-05-03",
        source_url="https://news.example.org/2016/05/night-shift",
        site="Example News",
        slug="night-shift",
        body=(
            Paragraph('Bakers work through the night. See also <a href="https://news.example.org/2016/05/bread-queues">the queues</a>.'),
        ),
        provenance=Provenance(source_path="sources/night-shift.md", importer="markdown", importer_version="0.1.0"),
    )
    arabic = Piece(
        title="طوابير الخبز في المدينة القديمة",
        standfirst=(Paragraph("شهادات من السكان عن شتاء من النقص."),),
        authors=("سارة مثال",),
        date="2016-05-04",
        site="موقع مثال",
        language="ar",
        direction="rtl",
        slug="bread-queues-ar",
        body=(
            Paragraph('اصطف الناس قبل الفجر أمام آخر مخبز يعمل في الحي.<a href="#note-1">١</a>'),
            Paragraph('قالت منظمة <span lang="en" dir="ltr">Example Relief</span> إن الأسعار ارتفعت بنسبة 140% في شهر واحد.'),
            Heading(2, "الأسعار"),
            ListBlock(False, ((Paragraph("الطحين يصل مرتين في الأسبوع."),), (Paragraph("الوقود محدود."),))),
        ),
        notes=(Note(id="1", html="أجريت المقابلات في أواخر نيسان.", label="١"),),
        provenance=Provenance(source_path="sources/bread-ar.txt", importer="text", importer_version="0.1.0"),
    )
    intro = TextPage(title="Introduction", slug="introduction", kind="introduction", body=(Paragraph("This dossier tests every feature."),))
    timeline = TextPage(
        title="Timeline",
        slug="timeline",
        kind="timeline",
        body=(ListBlock(False, ((Paragraph("<strong>1 May</strong> — queues reported."),),)),),
    )
    return Dossier(
        title="Kitchen Sink Dossier",
        subtitle="Every feature in one place",
        identifier="urn:uuid:0f8b6a52-3c1e-4f7e-9d61-1f0b4c2a9e11",
        slug="kitchen-sink",
        language=language,
        direction="rtl" if language == "ar" else "ltr",
        editors=("Example Editor",),
        publisher="bundler tests",
        date="2016-05-10",
        subjects=("Testing", "Bread"),
        rights="CC BY 4.0 for the editors' texts; articles reproduced for testing.",
        description="A dossier that uses every block type, figures, notes and Arabic text.",
        sections=(
            Section(title="Reports", slug="reports", intro=(Paragraph("Two reports from the same week."),), pieces=(english, night)),
            Section(title="بالعربية", slug="arabic", pieces=(arabic,)),
        ),
        front_matter=(intro,),
        back_matter=(timeline,),
        editions=(Edition("epub"), Edition("pdf")),
        root=str(folder),
    )


def make_arabic_dossier(folder: Path) -> Dossier:
    """An all-Arabic dossier (every piece right-to-left): the EPUB gets RTL page progression."""
    folder.mkdir(parents=True, exist_ok=True)
    photo = make_photo(folder / "souq.jpg", size=(900, 600), seed=3)
    first = Piece(
        title="ليلة في المخبز",
        standfirst=(Paragraph("يعمل الخبازون طوال الليل لتأمين الخبز للحي."),),
        authors=("سارة مثال",),
        date="2016-05-05",
        source_url="https://news.example.org/ar/2016/05/night-bakery",
        site="موقع مثال",
        language="ar",
        direction="rtl",
        slug="night-bakery",
        body=(
            Paragraph(
                'بدأ العمل في الساعة العاشرة مساءً.<a href="#note-1">١</a> انظر أيضاً <a href="https://news.example.org/ar/2016/05/souq">السوق المسقوف</a>.'
            ),
            Paragraph("قال متحدث باسم منظمة Example Relief إن الطحين يكفي أسبوعاً واحداً."),
            FigureBlock(Figure(image=_image(photo), alt="أكياس طحين مكدسة في مخزن", caption="مخزن الطحين في أيار.", credit="مصور مثال")),
            Heading(2, "الوقود"),
            Quote((Paragraph("نخبز بما لدينا."),), attribution="خباز"),
        ),
        notes=(Note(id="1", html="أجريت المقابلة في الخامس من أيار.", label="١"),),
        provenance=Provenance(source_path="sources/night-bakery.txt", importer="text", importer_version="0.1.0", retrieved="2016-05-06"),
    )
    second = Piece(
        title="السوق المسقوف",
        authors=("عمر مثال",),
        date="2016-05-06",
        source_url="https://news.example.org/ar/2016/05/souq",
        site="موقع مثال",
        language="ar",
        direction="rtl",
        slug="souq",
        body=(
            Paragraph("عادت بعض المحال إلى العمل بعد أسابيع من الإغلاق."),
            ListBlock(True, ((Paragraph("الخضار"),), (Paragraph("الخبز"),))),
        ),
        provenance=Provenance(source_path="sources/souq.txt", importer="text", importer_version="0.1.0"),
    )
    intro = TextPage(
        title="مقدمة", slug="introduction", kind="introduction", body=(Paragraph("ملف تجريبي باللغة العربية فقط."),), language="ar"
    )
    return Dossier(
        title="ملف الخبز",
        subtitle="شهادات من مدينة محاصرة",
        identifier="urn:uuid:6c1f3a0e-8b2d-4e55-a0c4-2b7e9d1f5a33",
        slug="arabic-only",
        language="ar",
        direction="rtl",
        editors=("محرر مثال",),
        date="2016-05-10",
        rights="للقراءة والأرشفة فقط.",
        sections=(Section(title="تقارير", slug="reports", pieces=(first, second)),),
        front_matter=(intro,),
        editions=(Edition("epub"),),
        root=str(folder),
    )


def make_plain_dossier(folder: Path, *, pieces: int = 2, paragraphs: int = 3) -> Dossier:
    """An English dossier without images or footnotes; ``pieces`` scales it for speed tests."""
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for number in range(1, pieces + 1):
        body = tuple(
            Paragraph(f"Paragraph {p} of report {number}: the council met on Tuesday and agreed to reopen the school.")
            for p in range(1, paragraphs + 1)
        )
        made.append(
            Piece(
                title=f"Report number {number}",
                authors=("Jane Example",),
                date="2016-05-01",
                source_url=f"https://news.example.org/plain/{number}",
                site="Example News",
                slug=f"report-{number}",
                body=body,
                provenance=Provenance(source_path=f"sources/report-{number}.md", importer="markdown", importer_version="0.1.0"),
            )
        )
    return Dossier(
        title="Plain Dossier",
        identifier="urn:uuid:9d2e4b71-5a3c-4f08-b6e2-7c1a0f3d8e44",
        slug="plain",
        editors=("Example Editor",),
        date="2016-05-10",
        sections=(Section(title="Reports", slug="reports", pieces=tuple(made)),),
        editions=(Edition("epub"),),
        root=str(folder),
    )
