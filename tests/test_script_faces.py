"""Choosing installed faces for the scripts the project's fonts lack, naming them in the CSS, and the
two text changes of the printed markup (U+FFFD for a character no face has, whole Korean words).

Real font files: the project's, and Debian's fonts-noto-core and fonts-noto-cjk (the set-up installs them).
"""

from __future__ import annotations

from pathlib import Path

from bundler.render.glyph_coverage import missing_characters, script_faces_for
from bundler.render.printed_runs import keep_korean_words, replace_undrawable
from bundler.render.script_faces import cjk_face_for, name_families
from bundler.render.script_subsets import characters_by_language, codepoints_by_face, drawn_by_project_faces, subset_script_faces


def test_the_installed_faces_are_there():
    from bundler.render.script_faces import CJK_COLLECTION, system_script_faces

    assert CJK_COLLECTION.is_file(), "install Debian's fonts-noto-cjk (make install does)"
    assert len(system_script_faces()) > 100, "install Debian's fonts-noto-core (make install does)"


def families(text: str) -> list[str]:
    return [face.family for face in script_faces_for(text)]


def test_each_script_gets_the_face_named_after_it_and_latin_needs_none():
    assert families("Plain English, «quotes», 3 − 2 → 1 ✓ 🙂 and العربية") == []
    assert families("Next ᐅ and back ᐊ") == ["Noto Sans Canadian Aboriginal"]
    assert families("Tamil ௪ Telugu ౪ Lao ໔") == ["Noto Serif Lao", "Noto Serif Tamil", "Noto Serif Telugu"]  # not Grantha
    assert families("שלום and नमस्ते") == ["Noto Serif Devanagari", "Noto Serif Hebrew"]  # serif before sans
    assert families("東京 서울") == []  # CJK is set in the CJK faces the stacks name by language


def test_only_characters_no_installed_face_has_are_missing():
    assert missing_characters("ᐅ 𓀀 ሰላም") == ()
    assert missing_characters("a 𐕰 \uf0c1 b") == ("\uf0c1", "𐕰")  # private use is drawn (as a box), so it is reported
    assert missing_characters("it\x92s\ta\nb") == ("\x92",)  # a stray C1 control is drawn as a box by Pango; tab and newline are not


def test_cjk_face_by_language_tag():
    assert cjk_face_for("ja").family == "Noto Serif CJK JP"
    assert cjk_face_for("ko-KR").family == "Noto Serif CJK KR"
    assert cjk_face_for("zh-Hant-TW").family == "Noto Serif CJK TC"
    assert cjk_face_for("zh").family == "Noto Serif CJK SC"
    assert cjk_face_for("en") is None


def test_families_go_before_the_generic_family_of_every_stack_and_font_face_rules_are_left_alone():
    css = (
        '@font-face { font-family: "Noto Serif"; src: url("a.ttf"); }\n'
        'body { font-family: "Noto Serif", "Noto Emoji", serif; }\n'
        'pre { font-family: "DejaVu Sans Mono", monospace; }\n'
        '@page { @top-left { font-family: "Noto Serif", "Noto Emoji"; font-size: 8pt; } }\n'
    )
    named = name_families(css, ("Noto Serif Hebrew", "Noto Sans Canadian Aboriginal"))
    assert '@font-face { font-family: "Noto Serif"; src' in named
    assert 'body { font-family: "Noto Serif", "Noto Emoji", "Noto Serif Hebrew", "Noto Sans Canadian Aboriginal", serif; }' in named
    assert 'pre { font-family: "DejaVu Sans Mono", "Noto Serif Hebrew", "Noto Sans Canadian Aboriginal", monospace; }' in named
    assert '@top-left { font-family: "Noto Serif", "Noto Emoji", "Noto Serif Hebrew", "Noto Sans Canadian Aboriginal"; font-size' in named


def test_an_epub_takes_each_character_from_the_face_its_language_stack_reaches_first():
    page = (
        b'<html xmlns="http://www.w3.org/1999/xhtml" lang="en"><body><p>Tokyo \xe6\x9d\xb1 and a box \xe1\x90\x85</p>'
        b'<p lang="ko">\xec\x84\x9c\xec\x9a\xb8 OK</p></body></html>'
    )
    by_face = {face.family: points for face, points in codepoints_by_face(characters_by_language([page])).items()}
    assert by_face["Noto Serif CJK JP"] == {ord("東")}  # English text: only what the project's faces lack
    assert {ord("서"), ord("울"), ord("O"), ord("K")} <= by_face["Noto Serif CJK KR"]  # Korean text: first in its stack
    assert by_face["Noto Sans Canadian Aboriginal"] == {0x1405}


def test_a_character_no_face_has_is_printed_as_the_replacement_character_in_text_only():
    markup = '<p title="\uf0c1">Link \uf0c1 and 𐕰, not ᐅ</p>'
    assert replace_undrawable(markup) == '<p title="\uf0c1">Link \ufffd and \ufffd, not ᐅ</p>'
    assert replace_undrawable("<p>plain</p>") == "<p>plain</p>"
    assert replace_undrawable("<p>it\x92s</p>") == "<p>it\ufffds</p>"
    separated = '<p title="a\u2028b">one\u2028two\u2029</p>'
    assert replace_undrawable(separated) == '<p title="a\u2028b">one<br/>two<br/></p>'
    assert replace_undrawable("<head><title>one\u2028two</title></head>") == "<head><title>one two</title></head>"


def test_korean_words_are_wrapped_whole_and_other_text_is_not():
    markup = '<p lang="ko">서울에서는 비가 내렸다. (OK)</p><p>English only</p>'
    assert keep_korean_words(markup) == (
        '<p lang="ko"><span class="ko-word">서울에서는</span> <span class="ko-word">비가</span> '
        '<span class="ko-word">내렸다.</span> (OK)</p><p>English only</p>'
    )


def test_a_faces_character_map_is_kept_across_builds_and_read_again_when_damaged(tmp_path, monkeypatch):
    """The ~190 installed faces' maps cost a second a build; they are kept in the user's cache, keyed by the file."""
    import json

    from bundler.render import script_faces

    monkeypatch.setenv("BUNDLER_CACHE_DIR", str(tmp_path))
    font = next(p for p in (Path(__file__).parent.parent / "styles" / "fonts").glob("*.ttf"))
    truth = script_faces._read_face(str(font), 0)
    script_faces._face_facts.cache_clear()
    assert script_faces._face_facts(str(font), 0) == truth
    (entry,) = (tmp_path / "fonts").glob("*.json")
    family, ranges = json.loads(entry.read_text(encoding="utf-8"))
    assert family == truth[0] and sum(last - first + 1 for first, last in ranges) == len(truth[1])
    script_faces._face_facts.cache_clear()
    assert script_faces._face_facts(str(font), 0) == truth  # read back from the entry
    entry.write_text('["half', encoding="utf-8")
    script_faces._face_facts.cache_clear()
    assert script_faces._face_facts(str(font), 0) == truth  # a damaged entry: the font is read again
    assert json.loads(entry.read_text(encoding="utf-8"))[0] == truth[0]
    script_faces._face_facts.cache_clear()


def test_documents_the_project_faces_draw_are_known_without_parsing_and_any_doubt_parses_them():
    latin = b'<html xmlns="http://www.w3.org/1999/xhtml" lang="en"><body><p xml:lang="fr">Caf\xc3\xa9 &amp; cr\xc3\xa8me</p></body></html>'
    korean_ascii = latin.replace(b'xml:lang="fr"', b"xml:lang='ko'")  # ASCII only, but Korean text takes the Korean face first
    reference = latin.replace(b"Caf\xc3\xa9", b"&#x6771;")  # a CJK character written as a reference
    cjk = latin.replace(b"Caf\xc3\xa9", b"\xe6\x9d\xb1")
    entity_lang = latin.replace(b'lang="en"', b'lang="&#106;a"')
    assert drawn_by_project_faces([latin])
    for doubtful in (korean_ascii, reference, cjk, entity_lang):
        assert not drawn_by_project_faces([latin, doubtful])
    # the quick answer is the parse's: nothing to subset for the Latin page, a face for each of the others
    assert codepoints_by_face(characters_by_language([latin])) == {}
    assert subset_script_faces([latin]) == ()
    for doubtful in (korean_ascii, reference, cjk):
        assert codepoints_by_face(characters_by_language([doubtful]))
        assert {subset.face for subset in subset_script_faces([doubtful])} == set(codepoints_by_face(characters_by_language([doubtful])))
