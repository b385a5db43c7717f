"""The date tables every dateparser language makes (``page_dates._language_tables``) are built once a machine.

Reading dateparser's 205 languages and folding their words cost ~0.5 s of CPU in every process that
met a date string English could not read. The tables are now stored in the user's cache (keyed by
what they are made from, with the SHA-256 of their text) and read back. These tests hold the stored
tables to the ones built from dateparser directly (as ``_month_table`` built them before), htmldate's
month words to htmldate's own function, and a damaged, foreign or unwritable store to a rebuild.
"""

from __future__ import annotations

import pytest
from dateparser.languages.loader import default_loader
from htmldate import extractors

from bundler.cleaning import page_dates


def _clear():
    for cached in (page_dates._language_tables, page_dates._month_table, page_dates._stored_month_words):
        cached.cache_clear()


@pytest.fixture
def fresh_store(tmp_path, monkeypatch):
    """An empty cache folder, and no tables in memory (as in a new process)."""
    monkeypatch.setenv("BUNDLER_CACHE_DIR", str(tmp_path / "cache"))
    _clear()
    yield tmp_path / "cache" / "date-tables"
    _clear()


def _reference_table():
    """``_month_table``'s contents read from dateparser's languages directly (its construction before the store)."""
    months: dict[str, set[str]] = {}
    vocabulary: dict[str, set[str]] = {}
    order = []
    for locale in default_loader.get_locales():
        order.append(locale.shortname)
        for key in page_dates.MONTH_KEYS:
            for name in locale.info.get(key, []):
                if isinstance(name, str) and name.strip():
                    months.setdefault(page_dates._fold(name), set()).add(locale.shortname)
        for phrase in set(page_dates._words_of(locale.info)):
            for word in page_dates._LETTER_RUNS.findall(page_dates._fold(phrase)):
                vocabulary.setdefault(word, set()).add(locale.shortname)
    return page_dates._MonthTable(months, {w: frozenset(v) for w, v in vocabulary.items()}, tuple(order), page_dates._universal_words())


def _same_table(a, b) -> None:
    assert a.order == b.order
    assert a.vocabulary == b.vocabulary
    assert a.universal == b.universal
    assert a.spaced == b.spaced
    assert a.unspaced == b.unspaced


def _htmldate_own_words() -> frozenset[str]:
    page_dates.install_parser()
    own = page_dates._REPLACED_MONTH_WORDS[0]
    return own.__wrapped__() if hasattr(own, "__wrapped__") else own()


def test_the_stored_tables_are_the_ones_built_from_dateparser(fresh_store):
    reference = _reference_table()
    built = page_dates._month_table()  # nothing stored yet: built, then stored
    files = list(fresh_store.glob("*.json"))
    assert len(files) == 1
    _same_table(built, reference)
    _clear()
    read = page_dates._month_table()  # read back from the store
    _same_table(read, reference)
    assert page_dates._stored_month_words() == _htmldate_own_words()


def test_htmldate_reads_its_month_words_from_the_store(fresh_store, monkeypatch):
    page_dates.install_parser()
    assert extractors.month_words is page_dates._stored_month_words
    assert extractors.month_words() == _htmldate_own_words()
    # its date-cue test gives the same answers as with its own function
    texts = ("Published on 12 de março", "Ledger of the harbour", "3 марта", "١٢ مارس", "le 5 juillet", "Kahvaltı saati")
    bounds = extractors.datetime(1995, 1, 1), extractors.datetime(2030, 1, 1)
    stored = [extractors.has_date_cue(text, *bounds) for text in texts]
    monkeypatch.setattr(extractors, "month_words", page_dates._REPLACED_MONTH_WORDS[0])
    assert stored == [extractors.has_date_cue(text, *bounds) for text in texts]
    assert any(stored) and not all(stored)


@pytest.mark.parametrize("damage", ["garbled", "truncated", "not json", "other layout"])
def test_a_damaged_store_is_built_again(fresh_store, damage):
    page_dates._month_table()
    (path,) = fresh_store.glob("*.json")
    digest, _, text = path.read_text(encoding="utf-8").partition("\n")
    import hashlib

    def signed(body: str) -> str:
        return hashlib.sha256(body.encode("utf-8")).hexdigest() + "\n" + body

    path.write_text(
        {
            "garbled": digest + "\n" + text.replace('"en"', '"xx"', 1),
            "truncated": digest + "\n" + text[: len(text) // 2],
            "not json": signed(text[: len(text) // 2]),
            "other layout": signed('{"months": {}}'),
        }[damage],
        encoding="utf-8",
    )
    _clear()
    _same_table(page_dates._month_table(), _reference_table())
    assert page_dates._stored_month_words() == _htmldate_own_words()
    _clear()
    _same_table(page_dates._month_table(), _reference_table())  # and the rebuilt copy was stored whole


def test_an_unwritable_store_builds_the_tables_each_time(fresh_store):
    fresh_store.parent.mkdir(parents=True)
    fresh_store.write_text("a file where the folder should be", encoding="utf-8")
    _same_table(page_dates._month_table(), _reference_table())
    assert fresh_store.is_file()
