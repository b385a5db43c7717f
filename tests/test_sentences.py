"""The sentence segmenter behind the Kobo edition's koboSpans (bundler.text.sentences)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bundler.text.sentences import boundaries, split_sentences

CASES = {
    "abbreviations, decimals, acronyms": (
        "Dr. Smith arrived at 3.5 pm. He left the U.S. Army in 2016. Then what?",
        ["Dr. Smith arrived at 3.5 pm. ", "He left the U.S. Army in 2016. ", "Then what?"],
    ),
    "initials": ("J. R. Smith wrote it. Fin.", ["J. R. Smith wrote it. ", "Fin."]),
    "closing quote stays with its sentence": ("He said “Stop!” Then he ran.", ["He said “Stop!” ", "Then he ran."]),
    "closing bracket stays": ("(It rained.) We left.", ["(It rained.) ", "We left."]),
    "lower case after a terminal goes on": ('"Go!" he said. Wait... what? Yes.', ['"Go!" he said. ', "Wait... what? ", "Yes."]),
    "ellipsis ends a sentence before a capital": ("No… It ended.", ["No… ", "It ended."]),
    "Arabic question mark and full stop; the Arabic comma does not end": (
        "قال: هل انتهى؟ نعم، انتهى. ثم غادر.",
        ["قال: هل انتهى؟ ", "نعم، انتهى. ", "ثم غادر."],
    ),
    "Urdu full stop": ("یہ کتاب ہے۔ وہ قلم ہے۔", ["یہ کتاب ہے۔ ", "وہ قلم ہے۔"]),
    "CJK terminals need no space": ("今日は晴れ。明日は雨！本当？", ["今日は晴れ。", "明日は雨！", "本当？"]),
    "bidi mark after the stop stays with the sentence": ("مرحبا.\u200f ثم ذهب.", ["مرحبا.\u200f ", "ثم ذهب."]),
    "a line break ends a sentence": ("Line one\nLine two", ["Line one\n", "Line two"]),
    "no split inside a web address or a number": ("See example.com for 1.000.000 more.", ["See example.com for 1.000.000 more."]),
    "e.g. and Fig.": ("See e.g. the Fig. 3 caption. Next.", ["See e.g. the Fig. 3 caption. ", "Next."]),
    "no terminal at all": ("just words", ["just words"]),
    "empty": ("", []),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_sentences(name):
    text, expected = CASES[name]
    assert split_sentences(text) == expected


def test_boundaries_are_offsets_between_sentences():
    assert boundaries("One. Two. Three.") == [5, 10]


_ALPHABET = st.sampled_from(list("ab AB.?!…؟۔،。！？”)\u200f\u200e\n3") + ["Dr.", "U.S.", "نعم", "漢字", "  "])


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, max_size=40).map("".join))
def test_segments_join_back_to_the_input(text):
    pieces = split_sentences(text)
    assert "".join(pieces) == text
    assert all(pieces)  # no empty sentence


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_any_text_joins_back(text):
    assert "".join(split_sentences(text)) == text


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["Dr. Who came.", "Он пришёл.", "هل جاء؟", "来た。", "It is 3.5 m long!"]), min_size=1, max_size=8))
def test_sentences_separated_by_a_space_are_found(sentences):
    text = " ".join(sentences)
    assert [s.strip() for s in split_sentences(text)] == sentences
