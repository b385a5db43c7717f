"""OUTPUT-QUALITY §1–§7 items that EPUBCheck does not check, on every fixture book."""

from __future__ import annotations

import re
import uuid
import zipfile

import langcodes
import tinycss2

from bundler.render.fonts import covered_codepoints
from bundler.text.plain import has_arabic
from tests.epub.conftest import EPUB_TYPE, NS, XML_LANG

# epub:type values with an ARIA role (DPUB-ARIA), as Ace's epub-type-has-matching-role checks them.
ROLE_FOR_TYPE = {
    t: f"doc-{t}"
    for t in (
        "chapter part introduction appendix glossary colophon toc noteref footnote endnote endnotes backlink cover "
        "abstract acknowledgments afterword bibliography conclusion dedication epigraph epilogue foreword index preface prologue"
    ).split()
}


def _opf_meta(book, prop):
    return [m.text for m in book.opf.iterfind(f".//opf:meta[@property='{prop}']", NS)]


def test_container_basics(book):
    first = book.infos[0]
    assert (first.filename, first.compress_type, first.extra) == ("mimetype", zipfile.ZIP_STORED, b"")
    names = [info.filename for info in book.infos]
    assert len(names) == len(set(names)), "duplicate zip entries (E1.11)"
    modified = _opf_meta(book, "dcterms:modified")
    assert len(modified) == 1 and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", modified[0])
    identifier = book.opf.findtext(".//dc:identifier", namespaces=NS)
    assert identifier == book.dossier.identifier
    uuid.UUID(identifier.removeprefix("urn:uuid:"))
    assert b"generator" not in book.entries["EPUB/content.opf"], "ebooklib's generator meta embeds its version"
    ncx = book.entries["EPUB/toc.ncx"].decode()
    assert f'content="{identifier}" name="dtb:uid"' in ncx, "NCX uid must equal the OPF identifier (NCX-001)"


def test_package_language_and_direction(book):
    opf = book.opf
    assert opf.get(XML_LANG) == book.dossier.language
    assert opf.findtext(".//dc:language", namespaces=NS) == book.dossier.language
    progression = opf.find("opf:spine", NS).get("page-progression-direction")
    all_arabic = all(p.direction == "rtl" for p in book.dossier.pieces) and book.dossier.direction == "rtl"
    assert progression == ("rtl" if all_arabic else "ltr")
    assert (book.dossier.slug == "arabic-only") == all_arabic


def test_accessibility_metadata_without_unchecked_claims(book):
    assert set(_opf_meta(book, "schema:accessMode")) == {"textual", "visual"}
    assert "textual" in _opf_meta(book, "schema:accessModeSufficient")
    features = set(_opf_meta(book, "schema:accessibilityFeature"))
    assert {"structuralNavigation", "tableOfContents", "readingOrder", "alternativeText"} <= features
    assert _opf_meta(book, "schema:accessibilityHazard") == ["none"]
    assert len(_opf_meta(book, "schema:accessibilitySummary")[0]) > 40
    assert not _opf_meta(book, "dcterms:conformsTo") and not _opf_meta(book, "a11y:certifiedBy"), "no conformance claim nobody checked"
    assert book.opf.find(".//opf:item[@properties='cover-image']", NS).get("href") == "cover.jpg"


def test_every_file_has_language_direction_and_title(book):
    for name, root in book.documents.items():
        lang = root.get("lang")
        assert lang and root.get(XML_LANG) == lang, name
        assert root.get("dir") in {"ltr", "rtl"}, name
        assert root.findtext("h:head/h:title", namespaces=NS).strip(), name
        assert root.find("h:body", NS).get("role") is None, f"{name}: no role on body (E2.4)"
        for element in root.iter():
            value = element.get("lang")
            if value:
                assert langcodes.tag_is_valid(value), (name, value)
    for piece in book.dossier.pieces:
        root = book.documents[f"{piece.slug}.xhtml"]
        assert (root.get("lang"), root.get("dir")) == (piece.language, piece.direction)


def test_every_image_has_alt_text(book):
    for name, root in book.documents.items():
        for img in root.iterfind(".//h:img", NS):
            assert (img.get("alt") or "").strip(), f"{name}: {img.get('src')} has no alt"
            assert not re.match(r"https?:", img.get("src")), "no remote resources (E1.7)"
    cover = book.documents["cover.xhtml"].find(".//h:img", NS)
    assert book.dossier.title in cover.get("alt") and cover.get("alt") != "Cover"


def test_roles_match_epub_types(book):
    for name, root in book.documents.items():
        for element in root.iter():
            types = (element.get(EPUB_TYPE) or "").split()
            assert "note" not in types and "pagebreak" not in types, name
            in_landmarks = any(a.get(EPUB_TYPE) == "landmarks" for a in element.iterancestors())
            for kind in types:
                if kind in ROLE_FOR_TYPE and not in_landmarks:
                    assert element.get("role") == ROLE_FOR_TYPE[kind], f"{name}: {element.tag} epub:type={kind}"


def test_notes_link_both_ways_in_the_same_file(book):
    refs_seen = 0
    for name, root in book.documents.items():
        ids = [e.get("id") for e in root.iter() if e.get("id")]
        assert len(ids) == len(set(ids)), f"{name}: duplicate ids"
        by_id = {e.get("id"): e for e in root.iter() if e.get("id")}
        for ref in root.iterfind(".//h:a[@role='doc-noteref']", NS):
            refs_seen += 1
            assert ref.get(EPUB_TYPE) == "noteref"
            note = by_id[ref.get("href").removeprefix("#")]  # same file: a bare fragment that resolves here
            assert note.tag == f"{{{NS['h']}}}aside" and note.get(EPUB_TYPE) == "footnote" and note.get("role") == "doc-footnote"
            backlinks = note.findall(".//h:a[@role='doc-backlink']", NS)
            assert [a.get("href") for a in backlinks] == [f"#{ref.get('id')}"]
    expected = sum(len(p.notes) for p in book.dossier.pieces)
    assert refs_seen == expected


def test_navigation_has_no_empty_lists_and_follows_the_spine(book):
    nav = book.documents["nav.xhtml"]
    assert nav.get("lang") == book.dossier.language and nav.get("dir") == book.dossier.direction
    assert not nav.xpath("//h:ol[not(h:li)]", namespaces=NS), "empty <ol> in nav (E1.10)"
    assert len(nav.xpath("//h:nav[@epub:type='toc']", namespaces=NS)) == 1
    landmarks = {a.get(EPUB_TYPE): a.get("href") for a in nav.xpath("//h:nav[@epub:type='landmarks']//h:a", namespaces=NS)}
    first = book.dossier.pieces[0].slug
    assert landmarks["toc"] == "nav.xhtml" and landmarks["bodymatter"] == f"{first}.xhtml"
    assert landmarks["cover"] == "cover.xhtml"
    toc = [a.get("href") for a in nav.xpath("//h:nav[@epub:type='toc']//h:a", namespaces=NS)]
    for piece in book.dossier.pieces:
        assert f"{piece.slug}.xhtml" in toc
    manifest = {i.get("id"): i.get("href") for i in book.opf.iterfind(".//opf:item", NS)}
    spine = [manifest[i.get("idref")] for i in book.opf.iterfind(".//opf:itemref", NS)]
    assert [h for h in spine if h in toc] == toc, "toc order must follow the spine (NAV-011)"
    assert all(i.get("linear") != "no" for i in book.opf.iterfind(".//opf:itemref", NS)), "OPF-096"
    ncx = book.entries["EPUB/toc.ncx"].decode()
    assert "<navMap>" in ncx and ncx.count("<navPoint") == len(toc)


def _declarations(css: str):
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type == "at-rule" and rule.lower_at_keyword == "font-face":
            continue
        if rule.type != "qualified-rule":
            continue
        selector = tinycss2.serialize(rule.prelude).strip()
        for decl in tinycss2.parse_declaration_list(rule.content, skip_comments=True, skip_whitespace=True):
            if decl.type == "declaration":
                yield selector, decl.lower_name, tinycss2.serialize(decl.value).strip().lower()


def test_stylesheet_keeps_to_the_reader_friendly_whitelist(book):
    css = book.text("EPUB/styles/book.css")
    for selector, name, value in _declarations(css):
        where = f"{selector} {{ {name}: {value} }}"
        assert name not in {"direction", "unicode-bidi", "position", "float", "flex", "grid"}, where
        assert not name.startswith(("flex-", "grid-")), where
        if name == "display":
            assert value not in {"flex", "grid", "inline-block", "inline-flex", "inline-grid"}, where
        assert not re.search(r"\d(vw|vh|vmin|vmax)\b", value), where
        if re.fullmatch(r"(html|body)", selector):
            assert name not in {"font-size", "line-height", "color", "background", "background-color"}, where
    for name, root in book.documents.items():
        assert not root.xpath("//*[@style]"), f"{name}: inline style"


def test_fonts_are_subset_declared_and_arabic_only_when_needed(book):
    fonts = {n.removeprefix("EPUB/"): d for n, d in book.entries.items() if n.endswith(".ttf")}
    css = book.text("EPUB/styles/book.css")
    declared = set(re.findall(r'url\("fonts/([^"]+)"\)', css))
    assert declared == {n.removeprefix("styles/fonts/") for n in fonts}, "every shipped font declared, no dangling @font-face"
    text = "".join(t for root in book.documents.values() for t in root.itertext())
    arabic = has_arabic(text)
    assert any("Arabic" in n for n in fonts) == arabic
    assert sum(len(d) for d in fonts.values()) < 300_000, "fonts must be subset"
    from bundler.render.fonts import FACES, EmbeddedFont

    embedded = tuple(EmbeddedFont(next(f for f in FACES if n.endswith(f.file_name)), d) for n, d in fonts.items())
    covered = covered_codepoints(embedded)
    missing = {ch for ch in text if not ch.isspace() and ord(ch) not in covered}
    assert not missing, f"characters without a glyph in any embedded font: {sorted(missing)}"


def _direction(element):
    return next(a.get("dir") for a in (element, *element.iterancestors()) if a.get("dir"))


def test_mixed_runs_are_wrapped_and_controls_stripped(book):
    for name, root in book.documents.items():
        for element in root.iter(f"{{{NS['h']}}}*"):
            if element.tag == f"{{{NS['h']}}}title":
                continue
            parent = element.getparent()
            context = _direction(element)
            checks = [(element.text or "", context)]
            if parent is not None:
                checks.append((element.tail or "", _direction(parent)))
            for text, context in checks:
                assert not re.search("[\u202a-\u202e]", text), name
                if context == "ltr":
                    assert not has_arabic(text), f"{name}: unwrapped Arabic in LTR <{element.tag}>: {text!r}"
                else:
                    assert not re.search("[A-Za-z]{2,}", text), f"{name}: unwrapped Latin in RTL <{element.tag}>: {text!r}"


def test_cover_is_a_jpeg_within_limits(book):
    from io import BytesIO

    from PIL import Image

    data = book.entries["EPUB/cover.jpg"]
    assert len(data) <= 600 * 1024
    with Image.open(BytesIO(data)) as image:
        assert image.format == "JPEG" and image.mode == "RGB" and image.size == (1600, 2400)
        assert not image.info.get("progressive") and not image.getexif()
    for name in book.entries:
        if name.startswith("EPUB/media/"):
            assert name.endswith((".jpg", ".png")), name
