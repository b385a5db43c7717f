"""``Support`` remembers each block text's triples that trafilatura kept (branch dom8).

A page's blocks are scored one by one (``of``), then the whole body's share of trafilatura's
article is asked of the same texts (``share_of_texts``, in ``_recover_lost_article``): the
share is now the union of the blocks' remembered triples and of those across the joins, and
must be the very number ``share_in`` gives for the joined text, whichever is asked first.
"""

from __future__ import annotations

from bundler.cleaning.content import _WORD, Support

LINE = "the tide came in over the sand bar twice a day and the ferry waited for it"
ARTICLE = " ".join(f"{LINE} ({n}) İstanbul l'été ΟΔΟΣ" for n in range(5))
TEXTS = [LINE, "", "twice", "a day", LINE.upper(), "(3) İstanbul", "l'été ΟΔΟΣ", "x", "the tide", "came in", LINE, "…"]


def test_scores_then_shares_are_the_numbers_of_the_joined_text():
    support = Support(ARTICLE)
    for text in TEXTS:  # scored first, as select_blocks does: the triples are remembered
        assert support.of(text) == Support(ARTICLE).of_words(_WORD.findall(text.lower()))
    for start in range(len(TEXTS)):
        for end in range(start, len(TEXTS) + 1):
            part = TEXTS[start:end]
            assert support.share_of_texts(part) == support.share_in(" ".join(part)), part
            assert support.share_of_texts(part * 2) == support.share_in(" ".join(part * 2)), part


def test_shares_first_then_scores():
    support = Support(ARTICLE)
    assert support.share_of_texts(TEXTS) == support.share_in(" ".join(TEXTS)) > 0
    assert [support.of(t) for t in TEXTS] == [support.of_words(_WORD.findall(t.lower())) for t in TEXTS]
    assert Support("").share_of_texts(TEXTS) == 0.0
