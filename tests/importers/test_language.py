"""A piece's language from its text: pages without ``lang``, pages that declare the wrong one, other-language paragraphs."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import html as lxml_html

from bundler.cleaning.blocks import text_of
from bundler.importers import ImportOptions, read_piece
from bundler.model import Paragraph
from bundler.text.language import identify_language

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "language"


@pytest.mark.parametrize(
    ("page", "language", "direction"),
    [
        ("pt-no-lang.html", "pt", "ltr"),
        ("de-no-lang.html", "de", "ltr"),
        ("es-no-lang.html", "es", "ltr"),
        ("ar-no-lang.html", "ar", "rtl"),
    ],
)
def test_page_without_lang_gets_the_language_of_its_text(page, language, direction):
    piece = read_piece(FIXTURES / page)
    assert (piece.language, piece.direction) == (language, direction)
    assert not any("language" in w for w in piece.provenance.warnings)
    assert all(block.lang is None for block in piece.body if isinstance(block, Paragraph))  # one language: nothing marked


def test_the_article_not_the_page_around_it_decides():
    """English comments outweigh a short Portuguese article on the page; once they are cut away, the article decides."""
    page = FIXTURES / "pt-article-english-comments.html"
    paragraphs = " ".join(" ".join(p.itertext()) for p in lxml_html.parse(str(page)).iter("p"))
    assert identify_language(paragraphs).language == "en"  # the whole page reads as English...
    piece = read_piece(page)
    assert piece.language == "pt"  # ...but the article is Portuguese
    assert [text_of(b.html)[:14] for b in piece.body] == ["A ponte velha ", "Os ônibus vão "]
    assert piece.provenance.warnings == ()


def test_page_declaring_english_but_written_in_portuguese_is_portuguese_with_a_warning():
    piece = read_piece(FIXTURES / "declares-en-written-pt.html")
    assert piece.language == "pt" and piece.direction == "ltr"
    assert "W161: page declares language 'en', but its text is 'pt'; used 'pt'" in piece.provenance.warnings


def test_declared_region_is_kept_when_the_text_agrees():
    piece = read_piece(FIXTURES / "declares-pt-br.html")
    assert piece.language == "pt-BR"
    assert piece.provenance.warnings == ()


def test_short_page_keeps_its_declared_language():
    piece = read_piece(FIXTURES / "declares-en-short-pt.html")
    assert piece.language == "en"
    assert not any("language" in w for w in piece.provenance.warnings)


def test_a_language_given_by_the_editor_wins_without_a_warning():
    piece = read_piece(FIXTURES / "declares-en-written-pt.html", ImportOptions(language="en"))
    assert piece.language == "en"
    assert not any("language" in w for w in piece.provenance.warnings)


def test_other_language_paragraphs_are_marked_when_long_enough_to_judge():
    piece = read_piece(FIXTURES / "en-with-quotations.html")
    assert piece.language == "en"
    marks = {text_of(b.html)[:24]: b.lang for b in piece.body if isinstance(b, Paragraph)}
    assert marks["A cidade é enorme e baru"] == "pt"  # a long Portuguese quotation: detected
    assert marks["مع كل الحب والشوق إلى ال"] == "ar"  # a short Arabic line: its script is enough
    assert marks["Obrigada, minha querida."] is None  # a short Latin-script line: too little to tell
    assert [lang for lang in marks.values() if lang] == ["pt", "ar"]


def test_plain_text_without_declaration_is_detected(tmp_path):
    source = tmp_path / "biblioteca.txt"
    source.write_text(
        "A biblioteca reabre as portas\n\n"
        "Depois de seis meses de reforma, a biblioteca municipal reabriu as portas nesta segunda-feira com salas novas, "
        "mais computadores e um espaço dedicado às crianças.\n\n"
        "A diretora disse que o horário de funcionamento vai ser ampliado a partir do mês que vem.\n",
        encoding="utf-8",
    )
    piece = read_piece(source)
    assert piece.language == "pt"


def test_markdown_front_matter_language_that_the_text_contradicts(tmp_path):
    source = tmp_path / "nota.md"
    source.write_text(
        "---\ntitle: Nota dos editores\nlanguage: en\n---\n"
        "Esta coleção reúne reportagens publicadas entre março e dezembro sobre as obras na avenida principal, "
        "as reclamações dos moradores e as promessas da prefeitura. Escolhemos textos que mostram como o bairro "
        "se organizou para cobrar respostas e como os comerciantes enfrentaram meses de movimento fraco.\n",
        encoding="utf-8",
    )
    piece = read_piece(source)
    assert piece.language == "pt"
    assert "W161: page declares language 'en', but its text is 'pt'; used 'pt'" in piece.provenance.warnings
