"""Teaser cards after the article go; cards before the text, or leading to other sites, stay (branch real16).

A "Keep reading" grid of other stories of the site, printed inside the story's own container, came
out as article text (trafilatura keeps it too: each excerpt is a paragraph like any other). It is
found by structure, in any language: cards, each with a title linked to another page of the same
site, three or more side by side, and little text after them. The pages are written here; the
importer and trafilatura run for real.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bundler import read_piece
from bundler.cleaning.teasers import _same_site_page, drop_teaser_tails
from bundler.commands.extract import piece_text
from bundler.importers.html import parse_page
from tests.importers.conftest import RIVER_STORY

STORY = RIVER_STORY

TEASERS_EN = [
    (
        "/2026/05/bridge-repairs-close-the-lower-road",
        "Bridge repairs close the lower road for a month",
        "Drivers heading for the market will have to use the hill road while the arches are pointed again.",
    ),
    (
        "/2026/05/school-choir-wins-the-county-prize",
        "School choir wins the county prize again",
        "Forty children sang three songs in two languages and took the cup home for the third year running.",
    ),
    (
        "/2026/04/new-bus-timetable-for-the-valley",
        "A new bus timetable for the valley villages",
        "Buses will run every hour on weekdays from June, and the last one will leave the town at eleven.",
    ),
    (
        "/2026/04/the-bakery-on-mill-lane-reopens",
        "The bakery on Mill Lane opens its doors again",
        "The ovens are lit at four, and the queue for the first loaves had reached the corner by seven.",
    ),
]


def english_page() -> str:
    cards = "".join(
        f'<div class="c"><a href="{href}"><img src="/i/{n}.jpg" alt=""></a><h3><a href="{href}">{title}</a></h3>'
        f"<p>{excerpt}</p><span>May {n + 1}, 2026</span></div>"
        for n, (href, title, excerpt) in enumerate(TEASERS_EN)
    )
    story = "".join(f"<p>{p}</p>" for p in STORY)
    return (
        "<!DOCTYPE html><html lang='en'><head><title>Fish ladder opens at the mill weir</title>"
        "<link rel='canonical' href='https://rivernews.example/2026/05/fish-ladder-opens'></head><body>"
        "<div class='story-wrap'><h1>Fish ladder opens at the mill weir</h1>"
        f"<div class='flow'>{story}</div>"
        f"<section class='more'><h2>Keep reading</h2><div class='grid'>{cards}</div>"
        "<a href='/latest'>See all</a></section></div>"
        "<p class='legal'>River News</p></body></html>"
    )


STORY_AR = [
    "افتتحت هيئة النهر صباح الثلاثاء سلم الأسماك الجديد بجوار سد الطاحونة القديم، بعد عامين من العمل الذي كان "
    "يتوقف كل ربيع حين تصعد الأسماك إلى أعلى النهر لتضع بيضها في المياه الهادئة.",
    "بنى المهندسون السلم على هيئة عشرين حوضا ضحلا، كل حوض أعلى من الذي تحته بقدر كف اليد، حتى تستريح الأسماك "
    "بين قفزات قصيرة بدلا من أن تقفز فوق السد كله مرة واحدة.",
    "سيعد متطوعون من نادي الصيد الأسماك التي تمر أمام نافذة في الحوض السابع خلال موسم الخريف، وقد وعدت الهيئة "
    "بأن تنشر الأعداد كل أسبوع على لوحة الإعلانات عند مدخل السد.",
    "أما الطاحونة نفسها، التي طحنت دقيق الوادي حتى ستينيات القرن الماضي، فستصبح متحفا صغيرا لحرف النهر بعد "
    "إصلاح سقفها وتأمين عجلتها الكبيرة حتى تدور من جديد أمام الزوار.",
    "وقال صيادون في أسفل النهر إنهم رأوا أول أسماك السلمون تحت السد بعد ساعة واحدة من فتح البوابات، وقالت أمينة "
    "سر النادي إنها لم تر هذا العدد من الأسماك في ذلك الجزء من النهر منذ كانت طفلة صغيرة.",
    "وتأمل الهيئة أن يجذب السلم الجديد الزوار والمدارس إلى الوادي، إذ ستقام عند الحوض السابع لوحة تشرح رحلة "
    "الأسماك من البحر إلى منابع النهر، وسيفتح الممر المحاذي للسد أمام المشاة في عطلة نهاية الأسبوع.",
]

TEASERS_AR = [
    ("/ar/akhbar/islah-aljisr", "إصلاح الجسر يغلق الطريق السفلي لمدة شهر", "سيستخدم السائقون طريق التل حتى تنتهي الأعمال."),
    ("/ar/akhbar/jawqat-almadrasa", "جوقة المدرسة تفوز بجائزة المحافظة مرة أخرى", "غنى أربعون طفلا ثلاث أغنيات بلغتين."),
    ("/ar/akhbar/jadwal-alhafilat", "جدول جديد للحافلات في قرى الوادي", "ستسير الحافلات كل ساعة في أيام العمل."),
]


def arabic_page() -> str:
    # another shape: list items, a linked title in a span of its own, an excerpt; a heading stands before the list
    cards = "".join(
        f'<li><span class="t"><a href="{href}">{title}</a></span><p>{excerpt}</p><small>٣ أيار</small></li>'
        for href, title, excerpt in TEASERS_AR
    )
    story = "".join(f"<p>{p}</p>" for p in STORY_AR)
    return (
        "<!DOCTYPE html><html lang='ar' dir='rtl'><head><meta charset='utf-8'><title>افتتاح سلم الأسماك عند سد الطاحونة</title>"
        "<meta property='og:url' content='https://www.nahr.example/ar/akhbar/sullam-alasmak'></head><body>"
        f"<article><h1>افتتاح سلم الأسماك عند سد الطاحونة</h1>{story}<h3>من أخبارنا</h3><ul class='x'>{cards}</ul></article></body></html>"
    )


def read(tmp_path: Path, name: str, html: str) -> str:
    page = tmp_path / name
    page.write_text(html, encoding="utf-8")
    return piece_text(read_piece(page))


@pytest.mark.parametrize(
    ("name", "page", "story", "teasers", "gone"),
    [
        ("ladder.html", english_page, STORY, TEASERS_EN, ("Keep reading", "See all")),  # a grid, with its heading
        ("sullam.html", arabic_page, STORY_AR, TEASERS_AR, ("من أخبارنا",)),  # a list of another shape, right to left
    ],
)
def test_teasers_after_the_story_go_with_their_heading(tmp_path: Path, name, page, story, teasers, gone):
    text = read(tmp_path, name, page())
    for paragraph in story:
        assert paragraph in text
    for _href, title, excerpt in teasers:
        assert title not in text
        assert excerpt not in text
    for words in gone:
        assert words not in text


def test_cards_before_the_text_stay():
    # the same cards as a guide's list of the stories it goes on to discuss: the text follows them
    html = english_page()
    grid_start, grid_end = html.index("<section class='more'>"), html.index("</section>") + len("</section>")
    grid = html[grid_start:grid_end]
    html = html[:grid_start] + html[grid_end:]
    html = html.replace("<div class='flow'>", f"<div class='flow'>{grid}", 1)
    tree = parse_page(html, "guide.html")
    assert drop_teaser_tails(tree.find(".//body"), "https://rivernews.example/2026/05/fish-ladder-opens") == []
    assert "Bridge repairs close the lower road" in tree.find(".//body").text_content()


def test_cards_that_lead_to_other_sites_stay(tmp_path: Path):
    # a roundup at the end of a review: its cards lead to the shops, not to the site's own stories
    html = english_page()
    for href, _title, _excerpt in TEASERS_EN:
        html = html.replace(f'href="{href}"', f'href="https://shop{len(href)}.example{href}"')
    text = read(tmp_path, "roundup.html", html)
    for _href, title, excerpt in TEASERS_EN:
        assert title in text
        assert excerpt in text


def test_two_cards_are_not_a_group():
    html = english_page()
    for href, title, excerpt in TEASERS_EN[2:]:
        html = html.replace(f'<h3><a href="{href}">{title}</a></h3><p>{excerpt}</p>', f"<p>{excerpt}</p>")
    tree = parse_page(html, "two.html")
    assert drop_teaser_tails(tree.find(".//body"), "https://rivernews.example/2026/05/fish-ladder-opens") == []
    tree = parse_page(english_page(), "four.html")
    removed = drop_teaser_tails(tree.find(".//body"), "https://rivernews.example/2026/05/fish-ladder-opens")
    assert len(removed) == 1  # the section: its heading, the grid and the "See all" link, one frame
    assert removed[0].startswith("Keep reading") and removed[0].endswith("See all")


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("/2026/05/other", True),
        ("other-story", True),
        ("https://www.rivernews.example/2026/05/other", True),
        ("https://rivernews.example/2026/05/fish-ladder-opens", False),  # this page
        ("#comments", False),
        ("/", False),  # the home page: a logo, a "Home" link
        ("https://elsewhere.example/2026/05/other", False),
        ("mailto:desk@rivernews.example", False),
        ("javascript:void(0)", False),
    ],
)
def test_same_site_page(href: str, expected: bool):
    assert _same_site_page(href, "https://rivernews.example/2026/05/fish-ladder-opens") is expected


URL = "https://rivernews.example/2026/05/fish-ladder-opens"


def test_replies_and_comments_are_not_teasers():
    # each reply is headed by its writer's name linked to a profile page of the site: a card by structure
    html = english_page().replace('<div class="c">', '<div class="c comment-item">')
    tree = parse_page(html, "comments.html")
    assert drop_teaser_tails(tree.find(".//body"), URL) == []


def test_a_list_that_holds_other_entries_is_not_a_grid_of_teasers():
    # a roundup whose last entries are the site's own projects, the others elsewhere: the list is the article's
    others = "".join(f"<div class='c'><h3>Entry {n} from a friend's workshop</h3><p>{STORY[n][:150]}</p></div>" for n in range(3))
    html = english_page().replace("<div class='grid'>", f"<div class='grid'>{others}")
    tree = parse_page(html, "roundup.html")
    assert drop_teaser_tails(tree.find(".//body"), URL) == []


def test_the_same_button_under_each_entry_is_not_a_title():
    html = english_page()
    for href, title, _excerpt in TEASERS_EN:
        html = html.replace(f'<a href="{href}">{title}</a>', f'<a href="{href}">Read the full review</a>')
    tree = parse_page(html, "buttons.html")
    assert drop_teaser_tails(tree.find(".//body"), URL) == []


def test_links_to_the_parts_of_one_page_are_not_teasers():
    # a section's list of the places in one other page: the cards lead to one page, not to three
    html = english_page()
    for n, (href, _title, _excerpt) in enumerate(TEASERS_EN):
        html = html.replace(f'href="{href}"', f'href="/2026/guide#part-{n}"')
    tree = parse_page(html, "parts.html")
    assert drop_teaser_tails(tree.find(".//body"), URL) == []


def test_cards_that_are_most_of_the_second_opinions_article_stay():
    # an index page: the cards are what trafilatura read as the article, whatever stands before them
    tree = parse_page(english_page(), "index.html")
    assert drop_teaser_tails(tree.find(".//body"), URL, article_share=lambda text: 0.8) == []
    tree = parse_page(english_page(), "story.html")
    assert len(drop_teaser_tails(tree.find(".//body"), URL, article_share=lambda text: 0.1)) == 1
