"""A deterministic benchmark corpus: N article pages with photos, captions and a manifest.

Everything is synthetic and seeded (``random.Random(seed)``): the text is built from
sentence templates over a small word list written here, the photos are noise, gradients
and shapes drawn with Pillow at realistic sizes (1600-3000 px JPEGs of 0.3-1 MB), so the
same ``--pieces`` always gives the same bytes. Each piece is written as an HTML article
page (``<figure>``/``<figcaption>`` with a credit; photos beside it in ``html/photos/``, as a
saved page keeps them) and as Markdown with YAML front matter,
so the benchmark can use whichever importer the checkout has.

    python bench/corpus.py --pieces 200            # -> bench/output/corpus-200/
"""

from __future__ import annotations

import argparse
import html
import random
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter

OUTPUT = Path(__file__).resolve().parent / "output"
SIZES = (10, 50, 200, 1000)

_NOUNS = (
    "council", "market", "bridge", "clinic", "school", "harbour", "archive", "district", "union", "court",
    "ministry", "village", "river", "convoy", "bakery", "library", "station", "garden", "factory", "shelter",
    "newspaper", "committee", "hospital", "checkpoint", "neighbourhood", "ceasefire", "budget", "election",
    "harvest", "strike", "witness", "family", "teacher", "doctor", "reporter", "volunteer", "engineer", "mayor",
)  # fmt: skip
_VERBS = (
    "reopened", "closed", "rebuilt", "documented", "questioned", "welcomed", "delayed", "funded", "blocked",
    "described", "recorded", "repaired", "organised", "announced", "rejected", "supported", "visited", "counted",
)  # fmt: skip
_ADJECTIVES = (
    "local", "northern", "crowded", "quiet", "temporary", "damaged", "new", "old", "independent", "small",
    "municipal", "public", "volunteer-run", "eastern", "rural", "busy", "makeshift", "long-awaited",
)  # fmt: skip
_TIMES = ("on Monday", "last winter", "in the spring", "after the storm", "before dawn", "this week", "in March", "two years ago")
_PLACES = ("Northfield", "Eastmere", "Port Halden", "Vellbridge", "Ashcombe", "Lowmarsh", "Kerrow", "Santon Vale")
_NAMES = ("Amal Haddad", "Jonas Berg", "Priya Raman", "Tomás Ruiz", "Lena Okafor", "Sami Nasser", "Hana Kim", "Eli Moreau")
_TEMPLATES = (
    "The {adj} {noun} in {place} was {verb} {time}, according to people who live nearby.",
    "{name} said the {noun} had been {verb} twice and that the {adj} {noun2} still needed help.",
    "Residents {verb} the plan at a {adj} meeting {time}, and many asked what would happen to the {noun}.",
    "By the end of the day the {noun2} had {verb} the request, though the {adj} {noun} remained uncertain.",
    "Records kept by the {noun} show that it was {verb} {time}, long before the {noun2} was {verb2}.",
    "\u201cWe {verb} what we could,\u201d {name} told reporters outside the {adj} {noun}.",
    "Nobody at the {noun2} in {place} would say who had {verb} the {adj} {noun}.",
    "The {noun} is {adj} now, but {time} it was the busiest {noun2} in {place}.",
)


@dataclass(frozen=True)
class PhotoSpec:
    """One photo to draw: where, how big, and its seed."""

    path: Path
    width: int
    height: int
    seed: int


def make_sentence(rng: random.Random) -> str:
    """One sentence from a template; nouns, verbs and names drawn from the word lists."""
    template = rng.choice(_TEMPLATES)
    text = template.format(
        adj=rng.choice(_ADJECTIVES),
        noun=rng.choice(_NOUNS),
        noun2=rng.choice(_NOUNS),
        verb=rng.choice(_VERBS),
        verb2=rng.choice(_VERBS),
        time=rng.choice(_TIMES),
        place=rng.choice(_PLACES),
        name=rng.choice(_NAMES),
    )
    return text[0].upper() + text[1:]


def make_paragraph(rng: random.Random) -> str:
    """Three to seven sentences: a typical news paragraph (60-140 words)."""
    return " ".join(make_sentence(rng) for _ in range(rng.randint(3, 7)))


def draw_photo(spec: PhotoSpec) -> Path:
    """Draw a photo-like JPEG: coloured low-frequency noise, shapes and grain (compresses like a photo)."""
    if spec.path.exists():
        return spec.path
    rng = random.Random(spec.seed)
    w, h = spec.width, spec.height
    channels = []
    for _ in range(3):
        low = Image.effect_noise((max(8, w // 64), max(8, h // 64)), 60).resize((w, h), Image.BICUBIC)
        mid = Image.effect_noise((w // 8, h // 8), 40).resize((w, h), Image.BILINEAR)
        channels.append(ImageChops.add(Image.blend(low, mid, 0.3), Image.new("L", (w, h), rng.randint(0, 60)), 1.0, -20))
    image = Image.merge("RGB", channels)
    draw = ImageDraw.Draw(image)
    for _ in range(rng.randint(4, 12)):
        x, y, size = rng.randrange(w), rng.randrange(h), rng.randint(w // 20, w // 5)
        colour = tuple(rng.randrange(256) for _ in range(3))
        shape = draw.rectangle if rng.random() < 0.5 else draw.ellipse
        shape((x, y, x + size, y + int(size * rng.uniform(0.5, 2))), fill=colour)
    grain = Image.effect_noise((w, h), 18).convert("RGB")
    image = ImageChops.add(image, grain, 2.0, -64).filter(ImageFilter.GaussianBlur(0.6))
    spec.path.parent.mkdir(parents=True, exist_ok=True)
    temporary = spec.path.with_suffix(".part")
    image.save(temporary, "JPEG", quality=85)
    temporary.replace(spec.path)
    return spec.path


@dataclass(frozen=True)
class Article:
    """One synthetic article, ready to be written as HTML or Markdown."""

    number: int
    title: str
    author: str
    date: str
    blocks: tuple[tuple[str, str], ...]  # ("p" | "h2" | "quote" | "figure", text or photo index)
    figures: tuple[tuple[PhotoSpec, str, str, str], ...]  # (photo, alt, caption, credit)

    @property
    def stem(self) -> str:
        return f"piece-{self.number:04d}"


def make_article(number: int, root: Path, seed: int) -> Article:
    """An article of 600-1800 words with 0-3 photos placed between paragraphs."""
    rng = random.Random(seed * 100_003 + number)
    title = f"The {rng.choice(_ADJECTIVES)} {rng.choice(_NOUNS)} of {rng.choice(_PLACES)}"
    figures = []
    for index in range(rng.choices((0, 1, 2, 3), weights=(2, 5, 3, 1))[0]):
        width = rng.choice((1600, 2000, 2400, 2400, 3000))
        height = width * rng.choice((2, 3)) // 3
        photo = PhotoSpec(root / "html" / "photos" / f"{number:04d}-{index + 1}.jpg", width, height, seed * 1_000_003 + number * 10 + index)
        noun, place = rng.choice(_NOUNS), rng.choice(_PLACES)
        caption = f"The {rng.choice(_ADJECTIVES)} {noun} in {place}, photographed {rng.choice(_TIMES)}."
        figures.append((photo, f"A {noun} in {place}", caption, f"Photo: {rng.choice(_NAMES)}"))
    blocks: list[tuple[str, str]] = []
    words = 0
    target = rng.randint(600, 1800)
    while words < target:
        paragraph = make_paragraph(rng)
        words += len(paragraph.split())
        blocks.append(("p", paragraph))
        roll = rng.random()
        if roll < 0.06:
            blocks.append(("h2", f"{rng.choice(_ADJECTIVES).capitalize()} {rng.choice(_NOUNS)}s"))
        elif roll < 0.1:
            blocks.append(("quote", make_sentence(rng)))
    for index in range(len(figures)):
        blocks.insert(min(len(blocks), 1 + index * 4), ("figure", str(index)))
    date = f"2016-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    return Article(number, title, rng.choice(_NAMES), date, tuple(blocks), tuple(figures))


def article_html(article: Article) -> str:
    """A news-site article page: header, byline, body with figures, and site chrome to strip."""
    e = html.escape
    body = []
    for kind, text in article.blocks:
        if kind == "p":
            body.append(f"<p>{e(text)}</p>")
        elif kind == "h2":
            body.append(f"<h2>{e(text)}</h2>")
        elif kind == "quote":
            body.append(f"<blockquote><p>{e(text)}</p></blockquote>")
        else:
            photo, alt, caption, credit = article.figures[int(text)]
            body.append(
                f'<figure><img src="photos/{photo.path.name}" alt="{e(alt)}" width="{photo.width}" height="{photo.height}">'
                f'<figcaption>{e(caption)} <span class="credit">{e(credit)}</span></figcaption></figure>'
            )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{e(article.title)} | The Vale Courier</title>"
        f'<meta name="author" content="{e(article.author)}">'
        f'<meta property="article:published_time" content="{article.date}">'
        f'<link rel="canonical" href="https://courier.example/{article.stem}"></head>\n<body>'
        '<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/subscribe">Subscribe</a></nav>\n'
        f'<article><h1>{e(article.title)}</h1><p class="byline">By {e(article.author)}, '
        f'<time datetime="{article.date}">{article.date}</time></p>\n'
        + "\n".join(body)
        + "</article>\n<footer><p>\u00a9 The Vale Courier. All rights reserved.</p></footer></body></html>\n"
    )


def article_markdown(article: Article) -> str:
    """The same article as Markdown with YAML front matter (for checkouts without an HTML importer)."""
    lines = ["---", f'title: "{article.title}"', f'author: "{article.author}"', f"date: {article.date}", "---", ""]
    for kind, text in article.blocks:
        if kind == "p":
            lines += [text, ""]
        elif kind == "h2":
            lines += [f"## {text}", ""]
        elif kind == "quote":
            lines += [f"> {text}", ""]
        else:
            photo, alt, caption, credit = article.figures[int(text)]
            lines += [f'![{alt}](../html/photos/{photo.path.name} "{caption} {credit}")', ""]
    return "\n".join(lines)


def write_manifest(root: Path, articles: list[Article], source: str) -> Path:
    """``collection.yaml`` with sections of up to 50 pieces, sourcing ``html`` or ``markdown`` files."""
    suffix = ".html" if source == "html" else ".md"
    lines = [
        f"title: Benchmark dossier of {len(articles)} pieces",
        "language: en",
        "editors: [bundler benchmark]",
        "date: 2016-05-10",
        "identifier: urn:uuid:00000000-0000-4000-8000-" + f"{len(articles):012d}",
        "sections:",
    ]
    per_section = 50 if len(articles) > 100 else 10
    for start in range(0, len(articles), per_section):
        lines.append(f"  - title: Part {start // per_section + 1}")
        lines.append("    pieces:")
        lines += [f"      - {source}/{a.stem}{suffix}" for a in articles[start : start + per_section]]
    lines += ["editions:", "  epub: {}", "  pdf: {}", ""]
    path = root / "collection.yaml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def with_sentence_added(text: str, marker: str, kind: str) -> str:
    """``text`` with ``marker`` at the end of the article's last paragraph.

    In a web page that is the last ``</p>`` before ``</article>``: the page's last ``</p>`` is its
    footer, which the importer removes, so an edit there changed only the source's hash and
    measured a rebuild in which no piece's text changed.
    """
    if kind != "html":
        head, _, tail = text.rpartition("\n\n")
        return head + marker + "\n\n" + tail
    article, end, rest = text.partition("</article>")
    head, _, tail = article.rpartition("</p>")
    return head + marker + "</p>" + tail + end + rest


def write_corpus(pieces: int, out: Path = OUTPUT, seed: int = 2016, source: str = "html", jobs: int | None = None) -> Path:
    """Write (or complete) the corpus of ``pieces`` articles; returns its collection folder."""
    root = out / f"corpus-{pieces}"
    articles = [make_article(n, root, seed) for n in range(1, pieces + 1)]
    for folder in ("html", "markdown", "html/photos"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    for article in articles:
        (root / "html" / f"{article.stem}.html").write_text(article_html(article), encoding="utf-8")
        (root / "markdown" / f"{article.stem}.md").write_text(article_markdown(article), encoding="utf-8")
    photos = [photo for article in articles for photo, *_ in article.figures if not photo.path.exists()]
    if photos:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            list(pool.map(draw_photo, photos, chunksize=4))
    write_manifest(root, articles, source)
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pieces", type=int, action="append", help=f"corpus size (repeatable; default {SIZES[:3]})")
    parser.add_argument("--out", type=Path, default=OUTPUT)
    parser.add_argument("--source", choices=("html", "markdown"), default="html")
    args = parser.parse_args()
    for size in args.pieces or SIZES[:3]:
        root = write_corpus(size, args.out, source=args.source)
        photos = sorted((root / "html" / "photos").glob("*.jpg"))
        megabytes = sum(p.stat().st_size for p in photos) / 1e6
        print(f"{root}: {size} pieces, {len(photos)} photos ({megabytes:.0f} MB)")


if __name__ == "__main__":
    main()
