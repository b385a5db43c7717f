"""``fix_text_by_line`` and ``is_bad`` give what ftfy's own ``fix_text`` (with our options) and ``is_bad`` give, on
texts that exercise every fixer and every kind of mojibake ftfy's badness expression looks for."""

from __future__ import annotations

import random

import ftfy
import ftfy.badness
import pytest
from ftfy import chardata

from bundler.text.encoding import _FTFY_ACTIVE, fix_text_by_line, is_bad


def _ftfy(text: str) -> str:
    return ftfy.fix_text(text, normalization="NFC", uncurl_quotes=False, fix_line_breaks=False)


_ARTICLE = "The café’s owner said “we stay” — and they did… ﬁne ＡＢＣ　ｘ\n"
_MOJIBAKE = _ARTICLE.encode("utf-8").decode("cp1252", errors="replace")
_CASES = {
    "plain ASCII markup": "<html><body>\n<p>Hello, world.</p>\n</body></html>\n" * 3,
    "mojibake between ASCII lines": "<p>one</p>\n" + _MOJIBAKE + "<p>two</p>\n" + _MOJIBAKE,
    "Latin-1 read as UTF-8 C1 controls": "plain\n" + _ARTICLE.encode("utf-8").decode("latin-1") + "end",
    "entities before the first markup are unescaped": "Tom &amp; Jerry &eacute;\n&lt;b&gt;\n<p>A &amp; B</p>\n&amp; after\n",
    "entities with no markup at all": "fish &amp; chips\nno newline at the end &eacute;",
    "controls, escapes and byte-order marks": "a\x01b\x0bc\x7f\n\x1b[31mred\x1b[0m\n\ufeffword\u206a\n\x0cform feed\n",
    "decomposed accents": "Cafe\u0301 au lait\nnaïve\n",
    "mixed good and bad lines": "Ã©tÃ©\nété\nâ€œquotedâ€\n日本語\u3000テキスト\nعربي\n",
    "lone surrogates": "ok\n\ud800 lone\n",
    "no line break, bad at the end": "x" * 500 + "Ã©",
    "empty": "",
}


@pytest.mark.parametrize("text", _CASES.values(), ids=_CASES.keys())
def test_same_as_ftfy(text):
    assert fix_text_by_line(text) == _ftfy(text)


def test_same_as_ftfy_on_segments_cut_by_length(monkeypatch):
    """A line longer than ftfy's segment limit is cut every ``max_decode_length`` characters, here as there."""
    original = ftfy.TextFixerConfig.__new__.__defaults__
    monkeypatch.setattr(ftfy.TextFixerConfig.__new__, "__defaults__", tuple(40 if d == 1_000_000 else d for d in original))
    assert ftfy.TextFixerConfig().max_decode_length == 40
    text = ("abc Ã© def " * 30 + "\n" + "plain " * 30 + "&amp; é" + "\n") * 3 + "<p>" + "Ã©" * 50
    assert fix_text_by_line(text) == _ftfy(text)
    assert fix_text_by_line(text) != text


def test_every_character_a_fixer_acts_on_is_active():
    """The characters ftfy's tables map (controls, ligatures, wide forms), C1 controls, "&" and ESC all send a line to ftfy."""
    acted_on = [*chardata.CONTROL_CHARS, *chardata.LIGATURES, *chardata.WIDTH_MAP, *range(0x80, 0xA0), ord("&"), 0x1B, 0xD800]
    assert all(_FTFY_ACTIVE.match(chr(code)) for code in acted_on)
    assert not any(_FTFY_ACTIVE.match(char) for char in "\t\n\r abc<>;#'\"~")


_WORLD = "Café “quoted” — naïve façade, 5 €, ½ cup, 20 °C, Ελληνικά, русский, عربي, हिन्दी, 日本語, ✔ ok… ﬁ"
_ENCODINGS = (
    "sloppy-windows-1252",
    "latin-1",
    "macroman",
    "cp437",
    "sloppy-windows-1251",
    "sloppy-windows-1253",
    "iso-8859-2",
    "sloppy-windows-1250",
    "sloppy-windows-1257",
)


def _mojibake() -> list[str]:
    """``_WORLD`` and its words as UTF-8 read in each single-byte charset ftfy knows (twice, for double mojibake)."""
    import ftfy.bad_codecs  # noqa: F401 (registers the sloppy codecs)

    found = []
    for word in [_WORLD, *_WORLD.split()]:
        for encoding in _ENCODINGS:
            once = word.encode("utf-8").decode(encoding, errors="replace")
            twice = once.encode("utf-8").decode(encoding, errors="replace")
            found += [once, twice]
    return found


def _padded(texts: list[str]) -> list[str]:
    """Each text with ASCII around it at every distance up to past the search reach, and two of them that far apart."""
    padded = []
    for index, text in enumerate(texts):
        for gap in range(0, 15):
            padded += [" " * gap + text, text + "a" * gap, texts[index - 1] + ("x " * gap)[:gap] + text]
    return padded


def test_is_bad_is_ftfys_on_mojibake_of_every_charset():
    texts = _padded(_mojibake() + ["Ã ", "a Ã ", "aÃ b", "ГўВЂВ\x9dx", "β€™", "ā€", "√±", "‚Äô", "× ²", "Œ1", "É°"])
    assert sum(map(ftfy.badness.is_bad, texts)) > len(texts) // 2  # many are bad, and some are not
    assert [is_bad(text) for text in texts] == [ftfy.badness.is_bad(text) for text in texts]


def test_is_bad_and_fix_text_are_ftfys_on_random_mixtures():
    """Random strings over ASCII and every character class ftfy's badness expression names (a fixed seed)."""
    from ftfy.badness import MOJIBAKE_CATEGORIES

    classes = "".join(MOJIBAKE_CATEGORIES.values())
    alphabet = sorted(set(classes) - {"-"} | set("aZ .,?!\n<&;\x81\x9d\u3000ﬁÂÃÎÐØÙ×°Œœ√≈‚βāвГВЂΒΞ"))
    rng = random.Random(6)
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40))) for _ in range(3000)]
    assert [is_bad(text) for text in texts] == [ftfy.badness.is_bad(text) for text in texts]
    assert [fix_text_by_line(text) for text in texts[:600]] == [_ftfy(text) for text in texts[:600]]


def test_fix_text_is_ftfys_on_mojibake_of_every_charset():
    text = "\n".join(["<p>page</p>", *_mojibake(), "plain line", "&amp; after markup"])
    assert fix_text_by_line(text) == _ftfy(text)
    assert fix_text_by_line(text) != text


def _encoding_texts() -> list[str]:
    """Mojibake of every charset padded, random mixtures over ftfy's badness classes, and a few built by hand."""
    from ftfy.badness import MOJIBAKE_CATEGORIES

    classes = "".join(MOJIBAKE_CATEGORIES.values())
    alphabet = sorted(set(classes) - {"-"} | set("aZ .,?!\n<&;\x81\x9d\u3000ﬁÂÃÎÐØÙ×°Œœ√≈‚βāвГВЂΒΞ"))
    rng = random.Random(15)
    mixtures = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40))) for _ in range(1500)]
    by_hand = [
        "Ã©tÃ© and été on one line",  # mojibake beside good text: the whole text cannot be re-encoded
        "cafÃ©\r\nâ€œquotedâ€\r\n",  # CRLF
        "split â€\n™ across a line",  # a mojibake sequence cut by a line break
        "Â£5 and 5 €",  # bad by ftfy's measure, yet left as it is
        "ÃƒÂ©",  # twice mis-decoded: two steps
        "plain",
        "",
    ]
    return _padded(_mojibake())[::7] + mixtures + by_hand


def test_fix_encoding_and_its_change_are_ftfys():
    """``_ftfy_fix_encoding`` gives ``ftfy.fix_encoding``'s text and ``_fix_encoding_changes`` whether it differs
    from the input (W113's question, answered from ftfy's first step), on texts where it does and does not."""
    from bundler.text.encoding import _fix_encoding_changes, _ftfy_fix_encoding

    texts = _encoding_texts()
    published = [ftfy.fix_encoding(text) for text in texts]
    assert [_ftfy_fix_encoding(text) for text in texts] == published
    changes = [_fix_encoding_changes(text) for text in texts]
    assert changes == [fixed != text for fixed, text in zip(published, texts, strict=True)]
    assert 50 < sum(changes) < len(texts) - 50  # both answers are exercised


def test_each_skipped_fixer_has_nothing_to_act_on():
    """A table fixer is skipped only when its search finds none of the table's keys, and it then changes nothing."""
    from ftfy import fixes

    from bundler.text.encoding import _FIXERS_AFTER_ENCODING, _ftfy_fixers

    fixers = _ftfy_fixers()
    assert fixers is not None and [fixer for _, fixer in fixers] == [getattr(fixes, name) for name in _FIXERS_AFTER_ENCODING]
    tables = {
        fixes.fix_latin_ligatures: chardata.LIGATURES,
        fixes.fix_character_width: chardata.WIDTH_MAP,
        fixes.remove_control_chars: chardata.CONTROL_CHARS,
    }
    assert {fixer for keys, fixer in fixers if keys is not None} == set(tables)
    for keys, fixer in fixers:
        if keys is None:
            continue
        for code in range(0x110000):
            if 0xD800 <= code < 0xE000:
                continue
            char = chr(code)
            if not keys.search(char):
                assert fixer(char) == char, (fixer.__name__, hex(code))
            else:
                assert code in tables[fixer]


def test_the_step_by_step_repair_is_ftfys_own_on_another_release(monkeypatch):
    """On an ftfy release other than the one followed, ftfy's own ``fix_and_explain`` and ``fix_encoding`` are called."""
    from bundler.text import encoding

    texts = [*_CASES.values(), "\n".join(_mojibake()[:40])]
    expected = [(fix_text_by_line(text), encoding._fix_encoding_changes(text)) for text in texts]
    monkeypatch.setattr(ftfy, "__version__", "0.0")
    encoding._ftfy_fixers.cache_clear()
    encoding._ftfy_one_step.cache_clear()
    try:
        assert encoding._ftfy_fixers() is None and encoding._ftfy_one_step() is None
        assert [(fix_text_by_line(text), encoding._fix_encoding_changes(text)) for text in texts] == expected
    finally:
        encoding._ftfy_fixers.cache_clear()
        encoding._ftfy_one_step.cache_clear()


#: The real pages whose decoded text reaches ftfy (all 22 of the 997 are repaired, W113).
_REPAIRED_PAGES = ("0527", "0666", "0688", "2362", "4177", "4267", "4304", "4420", "4517", "4912")


def test_real_pages_repaired_as_ftfy_repairs_them():
    """On real pages with mojibake, the repaired text is ftfy's ``fix_text`` to the character and W113 is given
    exactly when ``ftfy.fix_encoding`` changes the page (pages read at run time, never copied)."""
    import gzip
    from pathlib import Path

    from bundler.text.encoding import decode_bytes

    pages = Path(__file__).resolve().parents[2].parent / "shared" / "realpages" / "wcxb-dev" / "html"
    for page in _REPAIRED_PAGES:
        raw = gzip.decompress((pages / f"{page}.html.gz").read_bytes())
        text = raw.decode("utf-8")
        repaired, warnings = decode_bytes(raw)
        assert repaired == _ftfy(text) != text, page
        assert any(w.startswith("W113") for w in warnings) == (ftfy.fix_encoding(text) != text), page
