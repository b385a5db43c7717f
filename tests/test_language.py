"""Language tags (on langcodes) and language detection (py3langid): the rules a piece's language follows."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bundler.text import language as lang
from bundler.text import language_scoring
from bundler.text.language import (
    choose_language,
    close_languages,
    detect_language,
    direction_of,
    identify_language,
    normalise_tag,
    paragraph_language,
    primary_language,
    same_language,
    settle_language,
)

# Hand-written texts, a few sentences each (about 300-400 letters: enough to overrule a declaration).
PORTUGUESE = (
    "A prefeitura anunciou ontem que as obras na avenida principal vão continuar até o fim do ano. "
    "Os moradores do bairro reclamam da falta de água há mais de três semanas, e os comerciantes dizem "
    "que o movimento caiu pela metade. Segundo o relatório, a inflação caiu pelo segundo mês consecutivo, "
    "mas os preços dos alimentos continuam altos."
)
SPANISH = (
    "El ayuntamiento anunció ayer que las obras en la avenida principal continuarán hasta final de año. "
    "Los vecinos del barrio se quejan de la falta de agua desde hace más de tres semanas, y los comerciantes "
    "dicen que las ventas han caído a la mitad. Según el informe, la inflación bajó por segundo mes consecutivo."
)
GERMAN = (
    "Die Stadtverwaltung kündigte gestern an, dass die Bauarbeiten auf der Hauptstraße bis Jahresende dauern "
    "werden. Die Anwohner beklagen sich seit mehr als drei Wochen über fehlendes Wasser, und die Händler sagen, "
    "dass ihr Umsatz um die Hälfte gesunken ist."
)
ENGLISH = (
    "The city council announced yesterday that the roadworks on the main avenue will continue until the end of "
    "the year. Residents have been complaining about the lack of water for more than three weeks, and shopkeepers "
    "say their takings have halved since the street was closed."
)
ARABIC = (
    "أعلنت البلدية أمس أن الأعمال في الشارع الرئيسي ستستمر حتى نهاية العام. يشكو سكان الحي من انقطاع المياه "
    "منذ أكثر من ثلاثة أسابيع، ويقول التجار إن مبيعاتهم انخفضت إلى النصف منذ إغلاق الشارع."
)


# --- tags -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "normal"),
    [("EN_us", "en-US"), ("en-us", "en-US"), ("pt-br", "pt-BR"), ("zh-hant-tw", "zh-Hant-TW"), ("iw", "he"), ("AR", "ar")],
)
def test_normalise_tag(tag, normal):
    assert normalise_tag(tag) == normal


@pytest.mark.parametrize("not_a_tag", ["", "  ", "english", "x", "en--us", "123456789"])
def test_normalise_tag_says_nothing_for_what_is_not_a_tag(not_a_tag):
    assert normalise_tag(not_a_tag) == ""


@pytest.mark.parametrize(
    ("tag", "primary"), [("pt-BR", "pt"), ("EN_us", "en"), ("ar", "ar"), ("zh-Hant-TW", "zh"), ("", ""), ("english", "")]
)
def test_primary_language(tag, primary):
    assert primary_language(tag) == primary


@pytest.mark.parametrize("tag", ["ar", "ar-SY", "fa", "he", "iw", "ur", "ps", "ckb", "sd", "ug", "yi", "dv", "az-Arab", "pa-Arab"])
def test_right_to_left_languages_and_scripts(tag):
    assert direction_of(tag) == "rtl"


@pytest.mark.parametrize("tag", ["en", "pt-BR", "de", "az", "pa", "ku", "tr", "zh-Hant", "", "not a tag"])
def test_left_to_right_languages_and_scripts(tag):
    assert direction_of(tag) == "ltr"


def test_close_languages_are_near_relatives_only():
    assert close_languages("no", "da") and close_languages("ms", "id") and close_languages("ar", "arz") and close_languages("pt-BR", "pt")
    assert not close_languages("en", "pt") and not close_languages("es", "pt") and not close_languages("ar", "fa")


def test_no_hand_made_tag_splits_left_in_the_source():
    """Every place that needs a tag's primary language asks bundler.text.language (one helper on langcodes)."""
    source = Path(lang.__file__).parent
    offenders = [
        str(path.relative_to(source))
        for path in source.rglob("*.py")
        if path.name != "language.py" and any(s in path.read_text(encoding="utf-8") for s in ('language.split("-")', 'lang.split("-")'))
    ]
    assert offenders == []


# --- detection --------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [(PORTUGUESE, "pt"), (SPANISH, "es"), (GERMAN, "de"), (ENGLISH, "en"), (ARABIC, "ar")])
def test_detection_names_the_language_confidently(text, expected):
    detection = identify_language(text)
    assert detection is not None and detection.language == expected
    assert detection.names_language() and detection.letters > 150


def test_detection_has_nothing_to_say_about_numbers_or_nothing():
    assert identify_language("") is None
    assert identify_language("12 345 — 2026-11-30 ... 42%") is None


def test_detection_reads_only_a_sample_of_a_long_text():
    detection = identify_language(PORTUGUESE * 200)  # ~70 000 characters
    assert detection is not None and detection.language == "pt" and detection.letters <= lang.SAMPLE_CHARS


# Uncertain texts as well as clear ones: mixed languages, near relatives, a line of a menu, numbers with a word.
RANKED_TEXTS = (
    PORTUGUESE,
    ARABIC,
    SPANISH[:120] + " " + PORTUGUESE[:120],
    ENGLISH[:90] + " " + ARABIC[:90],
    "Home | News | Sport | Contact",
    "Saldo 12 345,00 — 30/11/2026",
    "Selamat pagi, apa kabar? Saya baik-baik saja.",
    "Hej, hvordan går det? Jeg har det godt.",
)


@pytest.mark.parametrize("text", RANKED_TEXTS)
def test_one_pass_of_the_model_reads_as_classify_and_rank_do(text):
    """The detector scores a text once and reads the scores both ways: the same as py3langid's ``classify``
    (best label, its probability) and ``rank`` (the likeliest labels, best first) each scoring it again."""
    sample = " ".join(text[: lang.SAMPLE_CHARS].split())
    ranking = lang._ranking(sample)
    assert lang._scorer() is not None  # the fast scorer, not the fallback, is what is checked here
    assert ranking[0] == lang._identifier().classify(sample)
    assert list(ranking) == lang._identifier().rank(sample)[: lang.RANKED]


def test_the_fast_scorer_computes_py3langids_probabilities_to_the_bit():
    """``language_scoring`` keeps the feature rows in single precision and reads the ranking with numpy; the
    probabilities must still be py3langid's own, bit for bit, on short and long texts, mixed scripts and no
    features at all, so that no threshold (0.9, 0.95, 0.99) can be crossed differently."""
    import numpy as np

    scorer, identifier = lang._scorer(), lang._identifier()
    texts = [*RANKED_TEXTS, PORTUGUESE * 20, ARABIC * 10, ENGLISH[:7], "!!!", "", "ÇA VA TRÈS BIEN, MERCI"]
    for text in texts + texts:  # the second time, every row is already converted
        assert np.array_equal(scorer.probabilities(text), identifier._decide(text)), text[:40]
    # walked together (as a page's paragraphs are), each text is still ranked as py3langid ranks it alone
    for text, ranking in zip(texts, scorer.rankings(texts, 140), strict=True):
        assert list(ranking) == identifier.rank(text)
        assert ranking[0] == identifier.classify(text)


def test_the_scorer_holds_only_the_rows_it_used_and_still_scores_to_the_bit(monkeypatch):
    """Each worker keeps the single-precision rows its texts used, not a table the size of the model (57 MB):
    a fresh scorer with room for 8 rows grows as texts need more, and every probability stays py3langid's."""
    import numpy as np

    monkeypatch.setattr(language_scoring, "FIRST_ROWS", 8)
    identifier = lang._identifier()
    scorer = language_scoring.LanguageScorer(identifier)
    texts = [*RANKED_TEXTS, PORTUGUESE * 20, ARABIC * 10, "ÇA VA TRÈS BIEN, MERCI"]
    used: set[int] = set()
    for text in texts + texts:
        assert np.array_equal(scorer.probabilities(text), identifier._decide(text)), text[:40]
        found = scorer._count_features([identifier._encode(text)])[0]
        used.update(found[0].tolist() if found else [])
    assert scorer._used == len(used) > 8  # grown, one row per feature used, none twice
    assert len(scorer._rows) < 2 * len(used) < len(identifier.nb_ptc) // 10


def test_threads_sharing_one_scorer_while_its_table_grows_score_as_py3langid(monkeypatch):
    """A dask worker imports pieces on several threads of one process, all asking the one scorer:
    its table of rows grows under them (here from 8 rows, every text at once, many times over)."""
    from concurrent.futures import ThreadPoolExecutor

    import numpy as np

    monkeypatch.setattr(language_scoring, "FIRST_ROWS", 8)
    identifier = lang._identifier()
    texts = [*RANKED_TEXTS, PORTUGUESE * 20, ARABIC * 10, GERMAN, SPANISH, "ÇA VA TRÈS BIEN, MERCI"]
    expected = [identifier._decide(text) for text in texts]
    for _ in range(20):
        scorer = language_scoring.LanguageScorer(identifier)
        with ThreadPoolExecutor(8) as pool:
            found = list(pool.map(scorer.probabilities, texts * 4))
        assert all(np.array_equal(got, want) for got, want in zip(found, expected * 4, strict=True))


def test_a_pages_paragraphs_judged_together_get_what_each_gets_alone():
    paragraphs = [PORTUGUESE, ENGLISH, "مع كل الحب والشوق إلى الوادي", "Sim.", "", ARABIC, SPANISH, "12 345", GERMAN]
    together = lang.paragraph_languages(paragraphs, "en")
    assert together == [lang.paragraph_language(text, "en") for text in paragraphs]
    assert together == ["pt", None, "ar", None, None, "ar", "es", None, "de"]
    many = paragraphs * 30  # more than one batch of the scorer's walk
    assert len(many) > language_scoring.BATCH and lang.paragraph_languages(many, "en") == together * 30


def test_without_the_fast_scorer_py3langids_own_rank_gives_the_same_answers(monkeypatch):
    """Should py3langid's internals move, the scorer refuses to be made and ``rank`` is used instead."""
    from bundler.text.language_scoring import LanguageScorer

    with pytest.raises(AttributeError):
        LanguageScorer(object())
    texts = [PORTUGUESE, ENGLISH, ARABIC, SPANISH[:120] + " " + PORTUGUESE[:120], "Hej, hvordan går det? Jeg har det godt."]
    fast = lang.identify_languages(texts)
    lang._rankings_seen.clear()
    monkeypatch.setattr(lang, "_scorer", lambda: None)
    assert lang.identify_languages(texts) == fast
    lang._rankings_seen.clear()


def test_letters_and_scripts_are_counted_as_the_regular_expressions_count_them():
    """The counts take shortcuts (ASCII by bytes, deletion of runs); they must match a match per letter."""
    import re

    letter = re.compile(r"[^\W\d_]")
    arabic = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
    latin = re.compile("[A-Za-z\u00c0-\u024f]")
    codes = [*range(0xD800), *range(0xE000, 0x10000), *range(0x10000, 0x110000, 97)]  # the BMP, and a spread beyond
    every_kind = "".join(map(chr, codes))
    for text in (*RANKED_TEXTS, ENGLISH, ARABIC, "x_y 42 ½ ² ٣ Ⅻ ß ǅ", "", every_kind):
        assert lang.count_letters(text) == len(letter.findall(text))
        assert lang.count_scripts(text) == (len(arabic.findall(text)), len(latin.findall(text)))
    assert lang._has_letters("1" * 500 + "a" * 80, 80) and not lang._has_letters("a" * 79 + "1" * 500, 80)


def test_the_unpacked_model_kept_in_the_cache_is_the_shipped_one(tmp_path, monkeypatch):
    """The model unpacked once into the user's cache (one ``.npy`` per array, the large ones memory-mapped) classifies
    exactly as py3langid's packed file; a damaged or missing array is unpacked again, not trusted and not an error."""
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    monkeypatch.setenv("BUNDLER_CACHE_DIR", str(tmp_path))
    shipped = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    unpacked = lang._unpacked_model(LanguageIdentifier, MODEL_DIR / MODEL_FILE)
    entries = {path.stem.rpartition("-")[2]: path for path in tmp_path.rglob("*.npy")}
    assert sorted(entries) == sorted(lang._MODEL_ARRAYS)
    sizes = {name: path.stat().st_size for name, path in entries.items()}
    for text in RANKED_TEXTS:
        assert unpacked.rank(text) == shipped.rank(text)
    for damaged in ("ptc", "out_feat"):  # a mapped array garbled, a read one cut short
        data = entries[damaged].read_bytes()
        entries[damaged].write_bytes(data[:4096] + bytes(len(data) - 4096) if damaged == "ptc" else data[:4096])
        again = lang._unpacked_model(LanguageIdentifier, MODEL_DIR / MODEL_FILE)
        assert again.rank(PORTUGUESE) == shipped.rank(PORTUGUESE) and entries[damaged].stat().st_size == sizes[damaged]
    entries["classes"].unlink()
    assert lang._unpacked_model(LanguageIdentifier, MODEL_DIR / MODEL_FILE).rank(ARABIC) == shipped.rank(ARABIC)


def test_detect_language_keeps_its_old_contract_for_existing_callers():
    from bundler.text.plain import detect_language as old_name

    assert old_name is detect_language
    assert detect_language(PORTUGUESE) == "pt" and detect_language(ARABIC) == "ar"
    assert detect_language("") == "en" and detect_language("", default="ar") == "ar"
    assert detect_language("مرحبا") == "ar"  # too short to detect: the script decides
    assert detect_language("ok then", default="ar") == "en"


def test_model_ships_inside_the_package_and_nothing_is_fetched():
    """The detector's model is a file in the installed wheel; a run with sockets disabled still detects."""
    from py3langid.langid import MODEL_DIR, MODEL_FILE

    assert (Path(MODEL_DIR) / MODEL_FILE).is_file()
    code = (
        "import socket\n"
        "def refuse(*a, **k): raise OSError('network used')\n"
        "socket.socket.connect = refuse\nsocket.create_connection = refuse\n"
        "from bundler.text.language import identify_language\n"
        f"print(identify_language({PORTUGUESE!r}).language)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "pt"


# --- a piece's language -----------------------------------------------------------------------


def test_undeclared_page_gets_the_detected_language():
    assert choose_language(PORTUGUESE).tag == "pt"
    assert choose_language(ARABIC).tag == "ar"
    assert choose_language(GERMAN, "").warnings == ()


def test_undeclared_short_page_keeps_the_default_or_its_script():
    assert choose_language("Aviso importante.").tag == "en"
    assert choose_language("تنبيه").tag == "ar"


def test_declaration_that_agrees_is_kept_with_its_region():
    assert choose_language(PORTUGUESE, "pt-br") == lang.LanguageChoice("pt-BR")
    assert choose_language(ENGLISH, "EN_us") == lang.LanguageChoice("en-US")


def test_declaration_the_text_contradicts_is_overruled_with_a_warning():
    choice = choose_language(PORTUGUESE, "en")
    assert choice.tag == "pt"
    assert choice.warnings == ("W161: page declares language 'en', but its text is 'pt'; used 'pt'",)


def test_declaration_stands_when_the_text_is_too_short_to_contradict_it():
    short = "A biblioteca estará fechada na segunda-feira."
    assert identify_language(short).language == "pt"  # the detector has an opinion...
    assert choose_language(short, "en") == lang.LanguageChoice("en")  # ...but not enough text to overrule


def test_declaration_stands_against_a_near_relative():
    norwegian_bokmaal = (
        "Kommunen kunngjorde i går at arbeidet i hovedgaten vil fortsette til slutten av året. Beboerne har klaget over "
        "mangel på vann i mer enn tre uker, og butikkeierne sier at omsetningen er halvert siden gaten ble stengt. "
        "Ifølge rapporten falt prisene for andre måned på rad, men maten er fortsatt dyr."
    )
    assert choose_language(norwegian_bokmaal, "en").tag == "no"  # enough text to overrule a stranger...
    assert choose_language(norwegian_bokmaal, "da") == lang.LanguageChoice("da")  # ...but not a near relative


def test_a_declaration_that_is_no_tag_is_replaced_by_detection_with_a_warning():
    choice = choose_language(SPANISH, "Spanish, Castilian")
    assert choice.tag == "es"
    assert "not a language tag" in choice.warnings[0] and "Spanish, Castilian" in choice.warnings[0]


def test_a_forced_language_skips_detection():
    assert choose_language(PORTUGUESE, "en", forced="ar") == lang.LanguageChoice("ar")


def test_main_text_settles_what_the_whole_page_suggested():
    first = choose_language("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore " * 4)
    assert first.tag == "la"
    assert settle_language(first, ENGLISH).tag == "en"
    agreed = choose_language(PORTUGUESE, "en")
    assert settle_language(agreed, PORTUGUESE) is agreed
    assert settle_language(agreed, "Sim.") is agreed  # too little main text: the first judgement stands


# --- paragraphs -------------------------------------------------------------------------------


def test_long_paragraph_in_another_language_is_marked():
    assert paragraph_language(PORTUGUESE, "en") == "pt"
    assert paragraph_language(ENGLISH, "pt-BR") == "en"


def test_paragraph_in_the_pieces_language_is_not_marked():
    assert paragraph_language(PORTUGUESE, "pt-BR") is None
    assert paragraph_language(ENGLISH, "en") is None


def test_short_paragraph_is_marked_by_script_only():
    assert paragraph_language("Obrigada, minha querida amiga.", "en") is None  # Latin script in a Latin piece
    assert paragraph_language("مع كل الحب والشوق إلى الوادي", "en") == "ar"
    assert paragraph_language("Thank you for everything, my friend.", "ar") == "en"
    assert paragraph_language("Sim.", "ar") is None  # too short to mark at all


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=400), declared=st.text(max_size=20))
def test_any_text_and_any_declaration_give_a_choice_not_an_error(text, declared):
    """Input is never a reason for a traceback: odd tags, lone surrogates, control characters."""
    choice = choose_language(text, declared)
    assert choice.tag and direction_of(choice.tag) in {"ltr", "rtl"}
    marked = paragraph_language(text, choice.tag)
    assert marked is None or (marked and not same_language(marked, choice.tag))


_TAG_FORMS = """
import json, sys
from bundler.text.language import normalise_tag, primary_language
tags = ["EN_us", "iw", "pt-BR", "not a tag", ""]
print("RESULT=" + json.dumps({"forms": [[normalise_tag(t), primary_language(t)] for t in tags], "langcodes": "langcodes" in sys.modules}))
"""


def _tag_forms(cache: Path) -> dict:
    env = {**os.environ, "BUNDLER_CACHE_DIR": str(cache)}
    result = subprocess.run([sys.executable, "-c", _TAG_FORMS], capture_output=True, text=True, env=env, timeout=300)
    lines = [line for line in result.stdout.splitlines() if line.startswith("RESULT=")]
    assert result.returncode == 0 and lines, result.stderr[-2000:]
    return json.loads(lines[0].removeprefix("RESULT="))


def test_a_tags_forms_are_remembered_so_a_later_process_does_not_load_langcodes_and_a_damaged_memo_is_recomputed(tmp_path):
    first = _tag_forms(tmp_path)
    assert first["langcodes"] is True
    assert first["forms"] == [["en-US", "en"], ["he", "he"], ["pt-BR", "pt"], ["", ""], ["", ""]]
    again = _tag_forms(tmp_path)
    assert again == {"forms": first["forms"], "langcodes": False}
    memos = list((tmp_path / "language").glob("*.json"))
    assert len(memos) == 1  # one file for every tag, not one a tag
    memos[0].write_text('{"EN-us": ["xx", ', encoding="utf-8")  # cut short: not trusted
    assert _tag_forms(tmp_path) == first


_MANY_TAGS = """
import json, sys
import langcodes
from bundler.text.language import TAG_MEMO_LIMIT, normalise_tag
tags = [f"x-{n:04d}" for n in range(TAG_MEMO_LIMIT + 50)] + ["pt-BR"]
print("RESULT=" + json.dumps({"right": all(normalise_tag(t) == langcodes.standardize_tag(t) for t in tags), "limit": TAG_MEMO_LIMIT}))
"""


def test_the_tag_memo_keeps_a_bounded_number_of_tags_whatever_a_page_declares(tmp_path):
    env = {**os.environ, "BUNDLER_CACHE_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", _MANY_TAGS], capture_output=True, text=True, env=env, timeout=300)
    lines = [line for line in result.stdout.splitlines() if line.startswith("RESULT=")]
    assert result.returncode == 0 and lines, result.stderr[-2000:]
    outcome = json.loads(lines[0].removeprefix("RESULT="))
    assert outcome["right"] is True  # past the limit a tag is still answered, only not remembered
    memos = list((tmp_path / "language").glob("*"))
    assert len(memos) == 1
    remembered = json.loads(memos[0].read_text(encoding="utf-8"))
    assert len(remembered) == outcome["limit"]
    assert "pt-BR" not in remembered and remembered["x-0000"][0] == "x-0000"
