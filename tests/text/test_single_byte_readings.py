"""A short single-byte text is read in the charset whose reading reads as a language, not the detector's first guess.

The fixtures in ``tests/fixtures/encodings`` are short notes written for these tests, saved in
Latin-1, cp1252 and cp1250 without any charset declared. charset_normalizer alone read the French
note as cp1250 ("naďf") and the Polish one as cp1252 ("¯ó³ta ³ódŸ").
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bundler import read_piece
from bundler.commands.extract import piece_text
from bundler.text.encoding import _broken_letters, decode_bytes

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "encodings"


@pytest.mark.parametrize(
    ("name", "charset", "words"),
    [
        ("note-fr.latin1.txt", "latin-1", ["café", "Müller", "naïf", "crèmes brûlées"]),
        ("recette-es.cp1252.md", "cp1252", ["niña", "piña", "mañana", "Núñez"]),
        ("lettre-fr.latin1.html", "latin-1", ["idée", "naïve", "Hélène"]),
        ("notatka-pl.cp1250.txt", "cp1250", ["Żółta łódź", "Wiśniewska", "wiązkę śliwek"]),
    ],
)
def test_each_note_is_read_in_the_charset_it_was_written_in(name: str, charset: str, words: list[str]) -> None:
    raw = (FIXTURES / name).read_bytes()
    text, warnings = decode_bytes(raw)
    assert text == raw.decode(charset)
    assert all(word in text for word in words)
    assert len(warnings) == 1 and warnings[0].startswith("N111"), warnings


@pytest.mark.parametrize("name", ["note-fr.latin1.txt", "recette-es.cp1252.md", "lettre-fr.latin1.html"])
def test_an_imported_latin1_note_keeps_its_accents(name: str) -> None:
    text = piece_text(read_piece(FIXTURES / name))
    assert "naďf" not in text and "nińa" not in text and "naďve" not in text
    assert any(word in text for word in ("naïf", "niña", "naïve"))


@pytest.mark.parametrize(
    ("text", "charset"),
    [
        ("Une idée naïve, dit Müller.", "cp1252"),
        ("El niño comió piña en la mañana.", "latin-1"),
        ("São Paulo não é capital.", "cp1252"),
        ("Ísland er fallegt land, þökk fyrir.", "cp1252"),
        ("Årets sommar var lång och våt.", "cp1252"),
        ("Türkçe öğrenmek çok güzel, değil mi? Işık", "cp1254"),
        ("Tā tiek pārbaudīts rūpīgi, ļoti labi.", "cp1257"),
        ("שלום לכולם, מה שלומכם היום?", "cp1255"),
    ],
)
def test_a_sentence_the_detector_alone_misread_is_read_right(text: str, charset: str) -> None:
    assert decode_bytes(text.encode(charset))[0] == text


@pytest.mark.parametrize(
    ("text", "charset"),
    [
        ("Příliš žluťoučký kůň úpěl ďábelské ódy.", "cp1250"),
        ("Árvíztűrő tükörfúrógép, őrült öt ügyvéd.", "cp1250"),
        ("Привет, как дела? Сегодня хорошая погода.", "cp1251"),
        ("Καλημέρα σας, τι κάνετε σήμερα;", "cp1253"),
        ("مرحبا بكم في هذا الموقع الجميل", "cp1256"),
        ("Straße über Öl, schön grün.", "latin-1"),
        ("这是一个中文测试文本，谢谢。", "gbk"),
    ],
)
def test_texts_the_detector_read_right_stay_right(text: str, charset: str) -> None:
    assert decode_bytes(text.encode(charset))[0] == text


def test_a_misread_shows_in_its_letters() -> None:
    assert _broken_letters("wi¹zka") == 1  # a superscript digit inside a word
    assert _broken_letters("naĎve MŁller") == 2  # a capital inside a lower-case word
    assert _broken_letters("Caf別") == 1  # another script inside a Latin word
    assert _broken_letters("naïve Müller L'été « café » これはテストです。") == 0
