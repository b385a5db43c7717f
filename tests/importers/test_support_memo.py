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


def _has_lines_by_expression(text: str, words: list[str]) -> bool:
    """``Support.has_lines`` as it was written: one expression compiled for every phrase asked."""
    import re

    if not words:
        return False
    lines = "\n" + "\n".join(" ".join(_WORD.findall(line.lower())) for line in text.splitlines()) + "\n"
    return re.search("\n" + "[ \n]".join(map(re.escape, words)) + "\n", lines) is not None


def test_has_lines_is_the_expression_search():
    """``has_lines`` finds whole lines by a string search (no expression compiled a phrase): the same answer as the
    expression on lines that repeat, end or begin a text, hold a phrase across line breaks, inside a word, after
    an empty line, with CRLF and other line separators, Greek final sigma and Chinese characters."""
    import random

    text = (
        "Recent posts\n\nThe tide came in\r\nover the sand bar\x0bΟΔΟΣ ΣΟΦΟΣ\u2028twice a day\n"
        "the tide came in over the sand bar twice\n  \nsand\nbar\n多云 转晴\nsandbar\nstar\n"
    )
    rng = random.Random(15)
    words = _WORD.findall(text.lower())
    asked = [[], ["sand"], ["bar"], ["and"], ["sand", "bar"], ["posts"], ["recent", "posts"], ["star"], ["ar"]]
    asked += [words[start : start + rng.randint(1, 6)] for start in (rng.randrange(len(words)) for _ in range(300))]
    asked += [[word[1:] or word] for word in words] + [[word[:-1] or word, "tide"] for word in words]
    for variant in (text, text.strip(), "\n" + text, text.replace("\n", "\r\n"), "", "sand bar"):
        support = Support(variant)
        answers = [support.has_lines(list(phrase)) for phrase in asked]
        assert answers == [_has_lines_by_expression(variant, list(phrase)) for phrase in asked], repr(variant)
        if variant == text:
            assert 20 < sum(answers) < len(asked) - 20  # both answers exercised
