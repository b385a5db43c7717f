"""Stamps of the last change in many languages, and Solar Hijri dates written in digits (issue 14).

A stamp ("Updated 3 hours ago", "Mis à jour il y a 2 heures") over an article goes from its body whether or not
it holds a date; its labels are a table per language (``stamp_labels`` in ``cleaning/rules/header_lines.yaml``).
A Persian page's date in digits alone ("۱۴۰۲/۱۰/۲۱") is a Solar Hijri date line. Every text here was written for
these tests.
"""

from __future__ import annotations

import pytest
from lxml import html

from bundler.cleaning.metadata import read_metadata
from bundler.importers import ImportOptions, read_piece

#: A story's paragraph in each language, repeated to be an article.
_STORY = {
    "en": "The library on the harbour opened its new reading room on Friday, and the first visitors came early.",
    "fr": "La bibliothèque du port a ouvert vendredi sa nouvelle salle de lecture, et les premiers lecteurs sont venus tôt.",
    "de": "Die Bibliothek am Hafen hat am Freitag ihren neuen Lesesaal eröffnet, und die ersten Besucher kamen früh.",
    "es": "La biblioteca del puerto abrió el viernes su nueva sala de lectura, y los primeros visitantes llegaron temprano.",
    "pt": "A biblioteca do porto abriu na sexta-feira a sua nova sala de leitura, e os primeiros visitantes chegaram cedo.",
    "it": "La biblioteca del porto ha aperto venerdì la nuova sala di lettura, e i primi visitatori sono arrivati presto.",
    "ru": "Библиотека у гавани в пятницу открыла новый читальный зал, и первые посетители пришли рано утром.",
    "tr": "Limandaki kütüphane cuma günü yeni okuma salonunu açtı ve ilk ziyaretçiler sabah erkenden geldi.",
    "ar": "افتتحت مكتبة الميناء يوم الجمعة قاعة القراءة الجديدة، وجاء الزوار الأوائل في الصباح الباكر.",
    "fa": "کتابخانه بندر روز جمعه سالن مطالعه تازه خود را گشود و نخستین بازدیدکنندگان صبح زود آمدند.",
    "zh": "港口图书馆星期五开放了新的阅览室，第一批读者一早就来了，馆员们在门口迎接他们。",
    "ja": "港の図書館は金曜日に新しい閲覧室を開き、最初の利用者が朝早くから訪れました。",
    "hi": "बंदरगाह के पुस्तकालय ने शुक्रवार को अपना नया वाचनालय खोला, और पहले पाठक सुबह जल्दी आ गए।",
}


def _page(tmp_path, lang: str, line: str, *, head: str = "", title: str = "A headline of the story"):
    body = "".join(f"<p>{_STORY[lang]} {_STORY[lang]}</p>" for _ in range(4))
    page = tmp_path / "page.html"
    page.write_text(
        f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'><title>{title}</title>{head}</head><body>"
        f"<article><h1>{title}</h1><p>{line}</p>{body}</article></body></html>",
        encoding="utf-8",
    )
    return read_piece(page, ImportOptions(media_dir=tmp_path / "media"))


def _text(piece) -> str:
    return "\n".join(block.html for block in piece.body if hasattr(block, "html"))


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("en", "Updated 3 hours ago"),
        ("en", "Last modified: yesterday"),
        ("fr", "Mis à jour il y a 2 heures"),
        ("de", "Aktualisiert vor 2 Stunden"),
        ("es", "Actualizado hace 3 horas"),
        ("pt", "Atualizado há 2 horas"),
        ("it", "Aggiornato 3 ore fa"),
        ("ru", "Обновлено 2 часа назад"),
        ("tr", "Güncellendi 3 saat önce"),
        ("ar", "آخر تحديث: منذ ساعتين"),
        ("fa", "آخرین به‌روزرسانی: ۲ ساعت پیش"),
        ("zh", "更新时间：3小时前"),
        ("ja", "更新：3時間前"),
        ("hi", "अपडेट किया गया: 2 घंटे पहले"),
    ],
)
def test_a_stamp_without_a_date_goes_from_the_top_of_the_body(tmp_path, lang, line):
    piece = _page(tmp_path, lang, line)
    text = _text(piece)
    assert line not in text
    assert _STORY[lang] in text


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("en", "Updates from the harbour: the reading room opens on Friday, and the first visitors are welcome."),
        ("fr", "Publié par la mairie, le guide de la bibliothèque explique les nouvelles salles et leurs horaires."),
        ("ja", "公開する予定の資料について"),
    ],
)
def test_a_sentence_that_opens_with_a_stamps_word_stays(tmp_path, lang, line):
    assert line in _text(_page(tmp_path, lang, line))


def _date_of(line: str, lang: str | None, head: str = "", footer: str = "") -> str:
    body = "<p>" + "کتابخانه بندر روز جمعه سالن مطالعه تازه خود را گشود و نخستین بازدیدکنندگان صبح زود آمدند. " * 8 + "</p>"
    lang_attribute = f' lang="{lang}"' if lang else ""
    page = (
        f"<html{lang_attribute}><head><title>T</title>{head}</head><body><h1>کتابخانه تازه بندر</h1><div>{line}</div>{body}"
        f"{footer}</body></html>"
    )
    return read_metadata(html.fromstring(page).getroottree()).date


@pytest.mark.parametrize(
    ("line", "lang", "iso"),
    [
        # a Persian page: digits alone are Solar Hijri, Persian or ASCII digits
        ("۱۴۰۲/۱۰/۲۱", "fa", "2024-01-11"),
        ("1402/10/21", "fa-IR", "2024-01-11"),
        ("تاریخ انتشار: ۱۴۰۳/۰۱/۰۱ - ۱۰:۳۰", "fa", "2024-03-20"),
        ("1402-10-21", "fa", "2024-01-11"),
        # no language declared: Persian digits say it, ASCII ones do not
        ("۱۴۰۲/۱۰/۲۱", None, "2024-01-11"),
        ("1402/10/21", None, ""),
        # an Arabic or Urdu page's Hijri date in digits is never read as Solar Hijri (Urdu writes Persian digits)
        ("١٤٤٥/٠٧/٠١", "ar", ""),
        ("۱۴۴۵/۰۷/۰۱", "ur", ""),
        ("۱۳۹۰/۰۵/۱۰", "ur", ""),
        # a Solar Hijri year 14xx past today is a misread (the Hijri year 1445 is 2066 as Solar Hijri): refused
        ("۱۴۴۵/۰۷/۰۱", "fa", ""),
        ("۱۴۴۵/۰۷/۰۱", None, ""),
        # days the calendar does not have, and a Gregorian date beside the digits, which is the one read
        ("۱۴۰۲/۱۲/۳۰", "fa", ""),
        ("۱۴۰۲/۱۳/۰۱", "fa", ""),
        ("۱۴۰۲/۱۰/۲۱ - 2024/01/12", "fa", "2024-01-12"),
        # Persian month names typed with the Arabic yeh
        ("۲۱ دي ۱۴۰۲", None, "2024-01-11"),
        ("۱ فروردين ۱۴۰۳", "ar", "2024-03-20"),
        ("۱۰ ارديبهشت ۱۴۰۳", "fa", "2024-04-29"),
    ],
)
def test_a_solar_hijri_date_in_digits_alone(line, lang, iso):
    assert _date_of(line, lang) == iso


def test_a_solar_hijri_date_in_digits_wins_over_htmldates_guess_as_a_hijri_one_does():
    """htmldate cannot read "۱۴۰۲/۱۰/۲۱" and guesses the footer's year; the converted date line is the date, and a
    date the page states in its metadata still wins."""
    footer = "<footer><p>© 2023</p></footer>"
    assert _date_of("", "fa", footer=footer) == "2023-01-01"  # htmldate's guess, from the footer
    assert _date_of("۱۴۰۲/۱۰/۲۱", "fa", footer=footer) == "2024-01-11"
    stated = '<meta property="article:published_time" content="2024-01-14T09:00:00+03:30">'
    assert _date_of("۱۴۰۲/۱۰/۲۱", "fa", stated, footer) == "2024-01-14"


def test_a_solar_hijri_date_line_in_digits_leaves_the_body(tmp_path):
    piece = _page(tmp_path, "fa", "۱۴۰۲/۱۰/۲۱")
    assert "۱۴۰۲" not in _text(piece)
    assert piece.date == "2024-01-11"
