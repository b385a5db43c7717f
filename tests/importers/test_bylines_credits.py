"""Bylines, credits, caption chrome and closing lines in one mechanism, in many languages (issue 14).

A byline is recognised, dropped from the body and read as the author from one table
(``cleaning/rules/header_lines.yaml``) in every language, whether the names are links and however
many there are; photo-credit labels, gallery chrome and closing pleas are data per language as
well; Hijri and Solar Hijri date lines are date lines. Every text here was written for these tests.
"""

from __future__ import annotations

import pytest
from lxml import html

from bundler.cleaning.closing import drop_closing_furniture
from bundler.cleaning.credits import split_credit, strip_credit_label
from bundler.cleaning.figures import _is_noise
from bundler.cleaning.header_lines import byline_names, is_byline, is_date_line, split_names
from bundler.cleaning.metadata import PageMeta, read_metadata
from bundler.importers.html import tidy_edges
from bundler.model import Heading, Paragraph


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("By Jane Doe and John Roe", ["Jane Doe", "John Roe"]),
        ("Von Jonas Hartmann, Lea Berger und Tim Kraus", ["Jonas Hartmann", "Lea Berger", "Tim Kraus"]),
        ("Par Claire Dubois et Paul Martin", ["Claire Dubois", "Paul Martin"]),
        ("Por Lucía Fernández y Pablo Ortega", ["Lucía Fernández", "Pablo Ortega"]),
        ("Di Marco Rossi e Giulia Bianchi", ["Marco Rossi", "Giulia Bianchi"]),
        ("Автор: Анна Смирнова и Иван Петров", ["Анна Смирнова", "Иван Петров"]),
        ("Yazan: Mehmet Yılmaz ve Ayşe Demir", ["Mehmet Yılmaz", "Ayşe Demir"]),
        ("بقلم سارة الحسن و أحمد يوسف", ["سارة الحسن", "أحمد يوسف"]),
        ("王丽、李强 报道", ["王丽", "李强"]),
        ("नवीन कुमार और प्रिया शर्मा द्वारा", ["नवीन कुमार", "प्रिया शर्मा"]),
        ("نویسنده: مریم احمدی", ["مریم احمدی"]),
        # a role or an agency after the name is not a second writer
        ("By Jane Doe, Staff Writer", ["Jane Doe"]),
        ("By Jane Doe | Reuters", ["Jane Doe"]),
        ("Par Claire Dubois - Le Courrier", ["Claire Dubois"]),
        # sentences that open with a byline's word are not bylines
        ("Par Claire Dubois, le maire a dit hier soir que la halle ouvrira bientôt", []),
        ("Von der Leyen und Macron trafen sich", []),
        ("By the way", []),
    ],
)
def test_byline_names(line, names):
    assert byline_names(line) == names


@pytest.mark.parametrize("line", ["By admin", "by jdoe | 12 May 2024", "Written by the editors", "By the editors of the weekly"])
def test_a_line_opening_with_a_byline_only_word_is_a_byline_whatever_follows(line):
    """ "By", "Written by" (and "بقلم", "propos recueillis par") open no sentence: the line is a byline even without a capitalised name."""
    assert is_byline(line)
    assert byline_names(line) == []  # ... but names nobody


@pytest.mark.parametrize("line", ["Par ailleurs, le maire a dit", "Di Maio", "Von Trapp", "Text Messages Explained"])
def test_lines_that_are_no_bylines(line):
    assert not is_byline(line)


def test_joining_words_are_lower_case():
    """ "ET" after a time is no "et": a byline element's date line is not split into names there."""
    assert split_names("October 17, 2023 6:01 PM ET Heard on All Things Considered") == [
        "October 17",
        "2023 6:01 PM ET Heard on All Things Considered",
    ]
    assert split_names("Jane Doe, John Roe und Lea Berger") == ["Jane Doe", "John Roe", "Lea Berger"]


@pytest.mark.parametrize(
    ("markup", "authors"),
    [
        ('<p>Par <a href="/auteur/claire-dubois">Claire Dubois</a></p>', ["Claire Dubois"]),
        ('<div><span>By</span> <a href="/a">Jane Doe</a> and <a href="/b">John Roe</a></div>', ["Jane Doe", "John Roe"]),
        ('<p>Di <a href="/a">Marco Rossi</a> e <a href="/b">Giulia Bianchi</a></p>', ["Marco Rossi", "Giulia Bianchi"]),
        (
            '<div class="x"><p>Von <b><a href="/a">Jonas Hartmann</a></b>, <a href="/b">Lea Berger</a> und Tim Kraus</p></div>',
            ["Jonas Hartmann", "Lea Berger", "Tim Kraus"],
        ),
        ('<p>كتبت: <a href="/a">سارة الحسن</a></p>', ["سارة الحسن"]),
    ],
)
def test_a_byline_whose_names_are_links_names_the_writers(markup, authors):
    page = f"<html><head><title>T</title></head><body><h1>A headline for the story</h1>{markup}<p>{'Text of the story. ' * 20}</p></body></html>"
    assert read_metadata(html.fromstring(page).getroottree()).authors == authors


@pytest.mark.parametrize(
    "line",
    [
        "Par Claire Dubois et Paul Martin",
        "By Jane Doe and John Roe",
        "Di Marco Rossi e Giulia Bianchi",
        "By admin",
        "Yazan: Mehmet Yılmaz ve Ayşe Demir",
    ],
)
def test_a_byline_goes_from_the_top_of_the_body_in_every_language(line):
    story = [Paragraph("A first paragraph of the story that is long enough to be the story itself, and more.")] * 3
    kept = tidy_edges([Paragraph(line), *story], "A headline", PageMeta(), [])
    assert kept == story


def test_a_byline_goes_from_a_page_of_posts_too():
    """On a page of posts (date lines further down) the first post's date stays, but a byline does not."""
    posts = [Paragraph("Publié le 12 mai 2024 à 10h32"), Paragraph("A reply that says something of its own about the thread.")] * 5
    kept = tidy_edges([Paragraph("Par Claire Dubois"), *posts], "A thread", PageMeta(), [])
    assert kept == posts


@pytest.mark.parametrize(
    "line",
    [
        "١ رجب ١٤٤٥ هـ",
        "الأحد ١٥ رمضان ١٤٤٥ هـ",
        "الجمعة ١ رجب ١٤٤٥ هـ الموافق ١٢ يناير ٢٠٢٤ م",
        "١٤٤٥/٠٧/٠١ هـ",
        "پنجشنبه ۲۱ دی ۱۴۰۲ - ۱۰:۳۰",
        "تاریخ انتشار: ۲۱ دی ۱۴۰۲",
        "۱۴۰۲/۱۰/۲۱",
        "۱۱ ژانویه ۲۰۲۴",
    ],
)
def test_hijri_and_solar_hijri_date_lines(line):
    assert is_date_line(line)


def test_a_sentence_with_a_hijri_date_is_no_date_line():
    assert not is_date_line("في ١٥ رمضان ١٤٤٥ هـ خرج الناس إلى الشوارع للاحتفال بالعيد الكبير")


@pytest.mark.parametrize(
    ("text", "caption", "credit"),
    [
        ("La ruota del mulino è stata ricostruita. Foto di Luca Ferri", "La ruota del mulino è stata ricostruita.", "Luca Ferri"),
        ("The wheel was rebuilt. Photo by Jane Doe", "The wheel was rebuilt.", "Jane Doe"),
        ("La verrière a été remplacée. Photo de Marc Lefèvre", "La verrière a été remplacée.", "Marc Lefèvre"),
        ("Der Lesesaal am Sonntag. Bild: Anna Vogel", "Der Lesesaal am Sonntag.", "Anna Vogel"),
        ("A sala de leitura. Imagem: Rita Sousa", "A sala de leitura.", "Rita Sousa"),
        ("Читальный зал. Снимок: Игорь Петров", "Читальный зал.", "Игорь Петров"),
        ("Okuma salonu. Görsel: Ayşe Demir", "Okuma salonu.", "Ayşe Demir"),
        ("新的阅览室。图片：李强", "新的阅览室。", "李强"),
        ("新しい閲覧室。撮影：田中健一", "新しい閲覧室。", "田中健一"),
        ("सभागार का दृश्य। तस्वीर: राहुल वर्मा", "सभागार का दृश्य।", "राहुल वर्मा"),
        ("سالن تازه‌ی مطالعه. عکس: علی رضایی", "سالن تازه‌ی مطالعه.", "علی رضایی"),
        ("Une fête au village (Crédit : Marc Lefèvre)", "Une fête au village", "Marc Lefèvre"),
    ],
)
def test_credit_labels_in_many_languages(text, caption, credit):
    found_caption, found_credit = split_credit(text)
    assert (found_caption.rstrip("."), found_credit) == (caption.rstrip("."), credit)


@pytest.mark.parametrize(
    ("text", "credit"),
    [
        ("Photo: Jane Doe", "Jane Doe"),
        ("Foto di Luca Ferri", "Luca Ferri"),
        ("摄影：李强", "李强"),
        ("Фото: Игорь Петров", "Игорь Петров"),
        ("عکس: علی رضایی", "علی رضایی"),
        ("© Agence Ouest", "Agence Ouest"),
    ],
)
def test_a_credit_elements_label_goes_in_many_languages(text, credit):
    assert strip_credit_label(text) == credit


@pytest.mark.parametrize(
    "text",
    [
        "Afficher la légende",
        "Bildunterschrift einblenden",
        "Ocultar pie de foto",
        "Mostra didascalia",
        "Скрыть подпись",
        "Agrandir l'image",
        "Bild vergrößern",
        "Ver galería",
        "Ingrandisci la foto",
        "Увеличить фото",
        "Fotoğrafı büyüt",
        "查看大图",
        "画像を拡大",
        "गैलरी देखें",
        "تكبير الصورة",
        "Photo 3 sur 12",
        "Bild 3 von 12",
        "Foto 3 de 12",
        "Фото 3 из 12",
        "صورة 3 من 12",
        "第3张/共12张",
    ],
)
def test_caption_chrome_in_many_languages(text):
    assert _is_noise(text)


@pytest.mark.parametrize("text", ["La halle rouverte au public", "Фото на память", "Der Bildhauer bei der Arbeit"])
def test_captions_are_not_chrome(text):
    assert not _is_noise(text)


_STORY = [
    "The harbour authority opened the new quay on Monday after two years of building work on the old pier.",
    "Fishing boats that had moored in the next town came back the same afternoon, their crews said.",
    "The council will decide in the spring whether the fish market moves back to the quay as well.",
    "Residents asked for a footpath along the water, which the plans do not yet include at all.",
    "Work on the breakwater continues until the end of the year, weather permitting, the authority said.",
]


@pytest.mark.parametrize(
    "line",
    [
        "Soutenez notre journalisme indépendant : abonnez-vous dès aujourd'hui.",
        "Unterstützen Sie unabhängigen Journalismus mit einem Abo.",
        "Apoya nuestro periodismo suscribiéndote hoy.",
        "Gostou deste artigo? Partilhe com os seus amigos.",
        "Sostieni il nostro giornalismo con una donazione.",
        "Поддержите редакцию: подпишитесь на нашу рассылку.",
        "Bizi destekleyin, bağımsız habercilik için abone olun.",
        "支持我们，请订阅本报。",
        "この記事を気に入ったら、シェアしてください。",
        "हमें सपोर्ट करें, सदस्यता लें।",
        "ادعم الصحافة المستقلة واشترك اليوم.",
        "Atualizado em 04/10/2025",
        "Обновлено: 04.10.2025",
        "最后更新：2025-10-04",
        "آخر تحديث: ٤ أكتوبر ٢٠٢٥",
    ],
)
def test_closing_lines_in_many_languages(line):
    blocks = [Paragraph(p) for p in _STORY] + [Paragraph(line)]
    assert drop_closing_furniture(blocks) == blocks[:-1]


@pytest.mark.parametrize("heading", ["关于作者", "著者について", "लेखक के बारे में", "درباره نویسنده"])
def test_closing_headings_in_more_languages(heading):
    blocks = [Paragraph(p) for p in _STORY] + [Heading(2, heading), Paragraph("A writer who lives by the harbour.")]
    assert drop_closing_furniture(blocks) == blocks[:-2]


@pytest.mark.parametrize(
    ("line", "iso"),
    [
        ("الجمعة ١ رجب ١٤٤٥ هـ الموافق ١٢ يناير ٢٠٢٤ م", "2024-01-12"),
        ("پنجشنبه ۲۱ دی ۱۴۰۲ - ۱۱ ژانویه ۲۰۲۴", "2024-01-11"),
        # a Hijri or Solar Hijri date alone is converted (Umm al-Qura; the Persian calendar), never read as the year 1445
        ("١ رجب ١٤٤٥ هـ", "2024-01-13"),
        ("1 رجب 1445 هـ", "2024-01-13"),
        ("١٤٤٥/٠٧/٠١ هـ", "2024-01-13"),
        ("الاثنين ١ رمضان ١٤٤٥ هـ", "2024-03-11"),
        ("٣٠ ذو الحجة ١٤٤٤ هـ", "2023-07-18"),
        ("پنجشنبه ۲۱ دی ۱۴۰۲", "2024-01-11"),
        ("۱ فروردین ۱۴۰۳", "2024-03-20"),
        ("تاریخ انتشار: ۱۴۰۳/۰۱/۰۱ ه.ش", "2024-03-20"),
        ("۳۰ اسفند ۱۴۰۳", "2025-03-20"),  # 1403 is a leap year
        ("۱۴۰۲/۱۰/۲۱", ""),  # digits without an era name no calendar: not guessed
        # days a calendar does not have, and years outside the tables, are refused
        ("٣٠ رجب ١٤٤٥ هـ", ""),  # Rajab 1445 has 29 days in Umm al-Qura
        ("١٤٤٥/١٣/٠١ هـ", ""),
        ("١ رجب ١٦٠٠ هـ", ""),
        ("۳۰ اسفند ۱۴۰۲", ""),  # 1402 is not
        ("۱۴۰۳/۰۰/۱۰ ه.ش", ""),
        ("۹۹ دی ۱۴۰۲", ""),
        ("١ محرم ١٣٤٣ هـ", ""),  # 1924: a real day, but no date of a web page
    ],
)
def test_the_gregorian_date_of_a_date_line_under_the_headline(line, iso):
    """A page without a date in its metadata: the Gregorian date of its date line is read, or else its Hijri or
    Solar Hijri date converted."""
    body = "<p>" + "افتتحت البلدية صباح الجمعة مكتبة عامة جديدة في وسط المدينة. " * 8 + "</p>"
    page = f'<html lang="ar"><head><title>T</title></head><body><h1>عنوان الخبر هنا</h1><div>{line}</div>{body}</body></html>'
    assert read_metadata(html.fromstring(page).getroottree()).date == iso


def _arabic_page(head: str, line: str) -> str:
    body = "<p>" + "افتتحت البلدية صباح الجمعة مكتبة عامة جديدة في وسط المدينة. " * 8 + "</p>"
    footer = "<footer><p>© 2023 جريدة المدينة</p></footer>"
    return f'<html lang="ar"><head><title>T</title>{head}</head><body><h1>عنوان الخبر هنا</h1><div>{line}</div>{body}{footer}</body></html>'


@pytest.mark.parametrize(
    ("head", "line", "iso"),
    [
        # htmldate cannot read the Hijri line and guesses the copyright's year; the converted line is the date
        ("", "١ رجب ١٤٤٥ هـ", "2024-01-13"),
        ("", "چهارشنبه ۱ فروردین ۱۴۰۳", "2024-03-20"),
        # a date the page states in its metadata still wins
        ('<meta property="article:published_time" content="2024-01-14T09:00:00+03:00">', "١ رجب ١٤٤٥ هـ", "2024-01-14"),
        # a Gregorian date line is htmldate's to read, as before
        ("", "الجمعة ١٢ يناير ٢٠٢٤", "2024-01-12"),
    ],
)
def test_a_hijri_date_line_against_htmldates_guess(head, line, iso):
    assert read_metadata(html.fromstring(_arabic_page(head, line)).getroottree()).date == iso
