"""Detected languages on real pages (WCXB v1.0 dev split, CC-BY-4.0), read at run time from ../shared/realpages.

The pages are chosen by rule, not by hand: every page whose address hints at a language other than
English (a country domain or a language sub-domain such as ``id.`` or ``fr.``) and has a long main text,
then every k-th other long page up to 30 in all. The language each page is judged against comes from
its human ground-truth text by a count of the commonest function words of a few languages, which
shares nothing with the detector. Most of these pages are English (so the check is mostly that nothing
English is relabelled); one documentation page is in Indonesian while declaring ``lang="en"``.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bundler.importers import ImportOptions
from bundler.importers.html import read_html_bytes
from bundler.text.language import primary_language

pytestmark = pytest.mark.slow

PAGES = Path(__file__).resolve().parents[2].parent / "shared" / "realpages" / "wcxb-dev"
SAMPLE = 30
MIN_CHARS = 1500
COUNTRY_DOMAINS = {"de", "at", "fr", "es", "it", "pt", "br", "nl", "be", "no", "se", "dk", "pl", "id", "mx", "ar", "cl"}
LANGUAGE_LABELS = {"de", "fr", "es", "pt", "it", "nl", "id", "pl", "sv", "no", "da", "ru", "ja", "zh", "ar", "tr"}
FUNCTION_WORDS = {
    "en": "the and of to is in that for with this are you it not be".split(),
    "de": "der die und das ist nicht mit ein eine zu den von sich auch auf".split(),
    "fr": "le la les et des est une dans que pour pas sur qui avec du".split(),
    "es": "el la los las y que es una por para con del se no en".split(),
    "pt": "o a os as e que é um uma para com não do da em".split(),
    "it": "il la che di e è un una per con non del della sono gli".split(),
    "nl": "de het en van een is dat niet op te met zijn voor ook".split(),
    "id": "yang dan di untuk dengan ini itu dalam tidak dapat anda ke dari akan adalah".split(),
}


def _evident_language(text: str) -> str | None:
    """The language whose function words clearly dominate ``text`` (twice the runner-up), or None."""
    words = re.findall(r"[^\W\d_]+", text.lower())
    counts = {language: sum(words.count(w) for w in vocabulary) for language, vocabulary in FUNCTION_WORDS.items()}
    (best, first), (_, second) = sorted(counts.items(), key=lambda item: -item[1])[:2]
    return best if first >= 20 and first >= 2 * second else None


def _hints_a_language(url: str) -> bool:
    labels = (urlsplit(url).hostname or "").split(".")
    return labels[-1] in COUNTRY_DOMAINS or (len(labels) > 2 and labels[0] in LANGUAGE_LABELS)


def _chosen_pages() -> list[tuple[str, str, str]]:
    """(id, url, ground-truth text) of the pages this check reads."""
    pages = []
    for path in sorted((PAGES / "ground-truth").glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        text = (record.get("ground_truth") or {}).get("main_content") or ""
        if len(text) >= MIN_CHARS and record.get("url"):
            pages.append((path.stem, record["url"], text))
    hinted = [page for page in pages if _hints_a_language(page[1])]
    others = [page for page in pages if not _hints_a_language(page[1])]
    step = max(1, len(others) // max(1, SAMPLE - len(hinted)))
    return (hinted + others[::step])[:SAMPLE]


@pytest.fixture(scope="module")
def judged() -> list[tuple[str, str, str]]:
    """(page id, language the ground truth shows, language the importer chose) for each chosen page."""
    if not (PAGES / "ground-truth").is_dir():
        pytest.skip("../shared/realpages/wcxb-dev is not available")
    results = []
    for page_id, _url, text in _chosen_pages():
        evident = _evident_language(text)
        if evident is None:
            continue
        raw = gzip.decompress((PAGES / "html" / f"{page_id}.html.gz").read_bytes())
        piece = read_html_bytes(raw, ImportOptions(), label=f"{page_id}.html")
        results.append((page_id, evident, piece.language))
    return results


def test_enough_real_pages_are_judged(judged):
    assert len(judged) >= 20


def test_detected_language_matches_the_ground_truth_text(judged):
    wrong = [(page_id, evident, chosen) for page_id, evident, chosen in judged if primary_language(chosen) != evident]
    assert wrong == []


def test_a_page_in_another_language_than_it_declares_is_among_them(judged):
    """Guards the selection rule: without a non-English page the check would prove only that English stays English."""
    assert any(evident != "en" for _, evident, _ in judged)
