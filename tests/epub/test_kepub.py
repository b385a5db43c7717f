"""The Kobo edition (kepub): Kobo's wrapper and koboSpans on every sentence and image, EPUBCheck 0/0.

Built once per module: the fixture dossiers (English, bilingual both ways, Arabic) written
directly, and both example collections built from their manifests.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from bundler.errors import Report
from bundler.exporters import context_for
from bundler.exporters.epub import write_epub
from bundler.exporters.kepub import koboize, write_kepub
from bundler.model import Edition
from tests import warnings_guard
from tests.conftest import ALEPPO_WARNINGS, COLLECTIONS, epubcheck_messages, run_epubcheck
from tests.epub.conftest import FIXTURES
from tests.epub.kindle_rules import kindle_problems

pytestmark = pytest.mark.slow
H = "http://www.w3.org/1999/xhtml"
KOBO_ID = re.compile(r"^kobo\.(\d+)\.(\d+)$")
_SKIPPED = {f"{{{H}}}{name}" for name in ("script", "style", "head", "title")}


def _documents(path: Path) -> dict[str, etree._Element]:
    with zipfile.ZipFile(path) as archive:
        return {n: etree.fromstring(archive.read(n)) for n in archive.namelist() if n.endswith(".xhtml") and not n.endswith("nav.xhtml")}


@pytest.fixture(scope="module")
def kepubs(tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    """name -> (plain EPUB, Kobo EPUB) for every fixture dossier and both examples."""
    from bundler.build.collection import build_collection

    built = {}
    for name, make in FIXTURES.items():
        folder = tmp_path_factory.mktemp(f"kepub-{name}")
        dossier = make(folder / "input")
        plain, kobo = folder / "plain.epub", folder / f"{dossier.slug}.kepub.epub"
        write_epub(dossier, Edition("epub"), plain, context_for(Edition("epub"), Report()))
        write_kepub(dossier, Edition("kepub"), kobo, context_for(Edition("kepub"), Report()))
        built[name] = (plain, kobo)
    for example, expected in (("aleppo-2016", ALEPPO_WARNINGS), ("bilingual-sample", None)):
        out = tmp_path_factory.mktemp(f"kepub-{example}")
        with warnings_guard.expected_warnings(*([expected] if expected else [])):
            result = build_collection(COLLECTIONS / example, out_dir=out, format_names=["epub", "kepub"])
        built[example] = (result.outputs["epub"], result.outputs["kepub"])
    return built


NAMES = [*sorted(FIXTURES), "aleppo-2016", "bilingual-sample"]


@pytest.mark.parametrize("name", NAMES)
def test_kepub_passes_epubcheck(kepubs, name):
    assert epubcheck_messages(run_epubcheck(kepubs[name][1])) == []


@pytest.mark.parametrize("name", NAMES)
def test_every_text_sits_in_a_kobo_span(kepubs, name):
    """Outside koboSpans there is only whitespace; every image is inside one; the reading text is unchanged."""
    plain, kobo = (_documents(p) for p in kepubs[name])
    assert plain.keys() == kobo.keys()
    for doc_name, root in kobo.items():
        body = root.find(f"{{{H}}}body")
        for text in body.xpath(".//text()"):
            parent = text.getparent()
            inside = parent.xpath("ancestor-or-self::h:span[@class='koboSpan']", namespaces={"h": H})
            assert inside or not text.strip() or parent.tag in _SKIPPED, f"{doc_name}: {text!r} outside a koboSpan"
        for image in body.iter(f"{{{H}}}img"):
            assert image.getparent().get("class") == "koboSpan", f"{doc_name}: image outside a koboSpan"
        plain_text = "".join(plain[doc_name].find(f"{{{H}}}body").itertext())
        assert "".join(body.itertext()).split() == plain_text.split(), f"{doc_name}: text changed"


@pytest.mark.parametrize("name", NAMES)
def test_kobo_ids_are_unique_and_numbered(kepubs, name):
    for doc_name, root in _documents(kepubs[name][1]).items():
        spans = root.xpath("//h:span[@class='koboSpan']", namespaces={"h": H})
        ids = [s.get("id") for s in spans]
        assert len(ids) == len(set(ids)), doc_name
        numbers = [tuple(map(int, KOBO_ID.match(i).groups())) for i in ids]
        paragraphs = sorted({p for p, _ in numbers})
        assert paragraphs == list(range(1, len(paragraphs) + 1)), f"{doc_name}: paragraphs numbered 1..n"
        for paragraph in paragraphs:
            sentences = [s for p, s in numbers if p == paragraph]
            assert sentences == list(range(1, len(sentences) + 1)), f"{doc_name}: sentences of {paragraph} numbered 1..n"


@pytest.mark.parametrize("name", NAMES)
def test_body_is_in_kobo_columns(kepubs, name):
    for doc_name, root in _documents(kepubs[name][1]).items():
        body = root.find(f"{{{H}}}body")
        assert [c.get("id") for c in body] == ["book-columns"], doc_name
        assert [c.get("id") for c in body[0]] == ["book-inner"], doc_name
        assert not (body.text or "").strip()


def test_cover_and_notes_as_kobo_expects(kepubs):
    with zipfile.ZipFile(kepubs["kitchen-sink"][1]) as archive:
        assert archive.infolist()[0].filename == "mimetype" and archive.infolist()[0].compress_type == zipfile.ZIP_STORED
        opf = etree.fromstring(archive.read("EPUB/content.opf"))
    ns = {"o": "http://www.idpf.org/2007/opf"}
    cover = opf.xpath("//o:item[@properties='cover-image']", namespaces=ns)
    assert len(cover) == 1
    assert opf.xpath("//o:meta[@name='cover']/@content", namespaces=ns) == [cover[0].get("id")]
    documents = _documents(kepubs["kitchen-sink"][1])
    calls = [a for root in documents.values() for a in root.iter(f"{{{H}}}a") if a.get("{http://www.idpf.org/2007/ops}type") == "noteref"]
    notes = {
        aside.get("id")
        for root in documents.values()
        for aside in root.iter(f"{{{H}}}aside")
        if aside.get("{http://www.idpf.org/2007/ops}type") == "footnote"
    }
    assert calls and all(a.get("href").split("#")[1] in notes for a in calls)


def test_arabic_sentences_are_spanned_at_arabic_punctuation():
    document = (
        '<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml" lang="ar" dir="rtl"><head><title>t</title></head>'
        "<body><p>هل انتهى الحصار؟ نعم، <em>انتهى. ثم</em> غادر الجميع.</p><figure><img src='a.jpg' alt='x'/><figcaption>صورة.</figcaption></figure></body></html>"
    ).encode()
    root = etree.fromstring(koboize(document))
    spans = [("".join(s.itertext()), s.get("id")) for s in root.iter(f"{{{H}}}span")]
    assert spans == [
        ("هل انتهى الحصار؟ ", "kobo.1.1"),
        ("نعم، ", "kobo.1.2"),
        ("انتهى. ", "kobo.1.3"),  # the sentence ends inside <em>: cut there, not at the markup
        ("ثم", "kobo.1.4"),
        (" غادر الجميع.", "kobo.1.5"),
        ("", "kobo.2.1"),  # the image
        ("صورة.", "kobo.3.1"),
    ]
    assert root.find(f".//{{{H}}}em")[0].get("id") == "kobo.1.3"


def test_kepub_is_reproducible(kepubs, tmp_path):
    dossier = FIXTURES["arabic-only"](tmp_path / "input")
    again = tmp_path / "again.kepub.epub"
    write_kepub(dossier, Edition("kepub"), again, context_for(Edition("kepub"), Report()))
    assert again.read_bytes() == kepubs["arabic-only"][1].read_bytes()


@pytest.mark.parametrize("name", NAMES)
def test_kepub_meets_kindle_rules_too(kepubs, name):
    assert kindle_problems(kepubs[name][1]) == []
