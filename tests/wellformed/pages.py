"""Fixture pages written for these tests: each reproduces one way a real page broke the build."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

FILLER = (
    "The council met on Tuesday evening to discuss the budget for the coming year, and the debate ran late into the night "
    "as members argued over the cost of repairs to the old market hall and the library on the square."
)


def page(title: str, body: str, *, lang: str = "en", head: str = "", h1: str | None = None) -> str:
    """A plain article page: enough running text for the importer to find the article."""
    paragraphs = "".join(f"<p>{FILLER} ({n})</p>" for n in range(4))
    return (
        f'<!DOCTYPE html><html lang="{lang}"{" dir=rtl" if lang == "ar" else ""}><head><meta charset="utf-8">'
        f"<title>{title}</title>{head}</head><body><header><nav><a href='/'>Home</a></nav></header>"
        f"<main><article><h1>{h1 if h1 is not None else title}</h1>{body}{paragraphs}</article></main>"
        "<footer><p>Copyright the site</p></footer></body></html>"
    )


def write_pages(folder: Path) -> dict[str, Path]:
    """Write every fixture page (and the photo one of them shows) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (640, 400), (90, 120, 150)).save(folder / "photo.jpg", quality=80)
    pages = {
        "figure-in-link": page(
            "Photo essay from the market",
            '<p class="credit"><span style="font-size:8px">Image credit: A. Photographer<br></span></p>'
            '<p>Open it: <a href="https://example.org/full.jpg"><figure><img src="photo.jpg" alt="Stalls under the arches" '
            'width="640" height="400"><figcaption>The market at dawn<br></figcaption></figure>full size</a> and read on.</p>',
        ),
        "10-things": page("10 things in tech you missed this week", "<p>Number one is the start of the list.</p>"),
        "arabic": page(
            "حلب تحت الحصار",
            "<p>قال السكان إن القصف استمر طوال الليل في الأحياء الشرقية من المدينة، وإن المستشفيات امتلأت بالجرحى.</p>" * 3,
            lang="ar",
        ),
        "chinese": page("北京的冬天", "<p>Winter in Beijing, a report in English under a Chinese headline.</p>"),
        "russian": page("Москва слезам не верит", "<p>A review of the film, written in English.</p>"),
        "entities": page(
            "Tutoring results &#8216;sobering&#8217; &amp; R&amp;D cut",
            "<p>The results were described as sobering by researchers.</p>",
            head=(
                '<meta property="og:title" content="Tutoring results &#8216;sobering&#8217; &amp; R&amp;D cut">'
                '<script type="application/ld+json">{"@type": "NewsArticle", '
                '"headline": "Tutoring results &#8216;sobering&#8217; &#038; R&amp;D cut"}</script>'
            ),
        ),
        "headings": page(
            "Where the river goes",
            "<h2>Upstream</h2><p>The source is a spring.</p><h6>Read Later</h6>"
            "<h5>A jump down</h5><p>Three levels below the last heading.</p><h2>Downstream</h2><p>The delta.</p>",
        ),
    }
    paths = {}
    for name, markup in pages.items():
        paths[name] = folder / f"{name}.html"
        paths[name].write_text(markup, encoding="utf-8")
    return paths
