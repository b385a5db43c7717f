"""The one XHTML renderer behind every edition: EPUB and PDF differ only in wrapping.

Templates live in ``templates/`` as files. A ``Target`` tells the renderer how the
output addresses pieces and media (separate files in an EPUB, one document in a PDF);
nothing else about the output format leaks in here, so the editions cannot drift.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
import jinja2.bccache
from lxml import etree

from bundler import __version__
from bundler.cache import cache_root
from bundler.cleaning.blocks import text_of
from bundler.errors import BundlerError, ExportError
from bundler.model import BLOCK_TYPES, Dossier, Edition, Figure, Piece, Section, TextPage
from bundler.resources import templates_dir
from bundler.text.bidi import bilingual_halves, first_strong_direction
from bundler.text.language import primary_language
from bundler.text.plain import direction_of, site_host


@dataclass(frozen=True)
class Target:
    """How one output addresses things: piece links, media files, EPUB semantics."""

    href_for: Callable[[str], str]  # piece slug -> href of that piece
    media_href: Callable[[Figure], str | None]  # figure -> image src, or None to omit the image
    epub: bool = False
    link_map: dict[str, str] = field(default_factory=dict)  # normalised source URL -> piece slug
    piece_slug: str = ""
    note_ids: frozenset[str] = frozenset()
    inline_notes: bool = False  # PDF: each note's text replaces its call, styled as a page-bottom footnote
    note_texts: dict[str, str] = field(default_factory=dict)  # note id -> note HTML, set per piece when inline_notes
    page_numbers: Mapping[str, int] | None = None  # PDF contents rendered apart: slug -> page it starts on
    taken_ids: set[str] = field(default_factory=set)  # ids given out in this piece (a note called twice needs two)


LABELS = {
    "en": {
        "source": "Source",
        "retrieved": "retrieved",
        "sources": "Sources",
        "published": "published",
        "credits": "Credits",
        "original": "Original file",
        "rights": "Rights",
        "built_with": "Built with",
        "edited_by": "Edited by",
        "contents": "Contents",
        "cover": "Cover",
        "notes": "Notes",
        "landmarks": "Landmarks",
        "title_page": "Title page",
        "checksums": "Checksums",
        "checksums_note": "SHA-256 of each original file, as sha256sum prints it.",
    },
    "ar": {
        "source": "المصدر",
        "retrieved": "استُرجع في",
        "sources": "المصادر",
        "published": "نُشر في",
        "credits": "الصور",
        "original": "الملف الأصلي",
        "rights": "الحقوق",
        "built_with": "أُنتج بواسطة",
        "edited_by": "تحرير",
        "contents": "المحتويات",
        "cover": "الغلاف",
        "notes": "الحواشي",
        "landmarks": "معالم الكتاب",
        "title_page": "صفحة العنوان",
        "checksums": "البصمات",
        "checksums_note": "بصمة SHA-256 لكل ملف أصلي، كما يطبعها sha256sum.",
    },
}


def labels_for(language: str) -> dict[str, str]:
    """Interface words in the dossier's language (English when we have no translation)."""
    return LABELS.get(primary_language(language), LABELS["en"])


def normalise_url(url: str) -> str:
    """A URL reduced to host and path, so http/https, www. and trailing slashes match."""
    parts = urlsplit(url.strip())
    host = site_host(parts.netloc)
    return f"{host}{parts.path.rstrip('/')}" + (f"?{parts.query}" if parts.query else "")


def build_link_map(dossier: Dossier) -> dict[str, str]:
    """Map every piece's source URL to its slug, for in-book links between pieces."""
    return {normalise_url(p.source_url): p.slug for p in dossier.pieces if p.source_url}


_LINK = re.compile(r'<a href="([^"]*)"([^>]*)>')


def rewrite_inline(fragment: str, target: Target) -> str:
    """Turn note references into two-way note links and links to pieces into in-book links."""

    def replace_link(match: re.Match[str]) -> str:
        href, rest = html.unescape(match.group(1)), match.group(2)
        if href.startswith("#note-"):
            note = href[len("#note-") :]
            if note in target.note_ids:
                slug, note = target.piece_slug, html.escape(note)
                epub = ' epub:type="noteref"' if target.epub else ""
                call_id = unique_id(target, f"{slug}-nref-{note}")  # the note's backlink goes to the first call
                return f'<a class="noteref" href="#{slug}-note-{note}" id="{call_id}"{epub} role="doc-noteref"{rest}>'
            return "<a>"
        if href.startswith("#"):
            return "<a>"
        slug = target.link_map.get(normalise_url(href)) if "://" in href else None
        if slug:
            return f'<a href="{html.escape(target.href_for(slug))}"{rest}>'
        return match.group(0)

    if target.inline_notes:
        fragment = _NOTE_CALL.sub(lambda m: _inline_note(m.group(1), m.group(0), target), fragment)
    rewritten = _LINK.sub(replace_link, fragment)
    return _ANY_LINK.sub(_unlinked_when_empty, re.sub(r"<a>(.*?)</a>", r"\1", rewritten))


_ANY_LINK = re.compile(r"<a\b[^>]*\bhref=[^>]*>(.*?)</a>", re.S)


def _unlinked_when_empty(match: re.Match[str]) -> str:
    """A link with nothing to read or see (a space, a line break: an icon the page drew in CSS) loses its ``<a>``.

    A screen reader would announce it as an unnamed link (axe ``link-name``, WCAG 2.4.4) and a
    reader cannot tap what is not there; the target stays in the piece's source.
    """
    inner = match.group(1)
    if "<img" in inner or text_of(inner).strip():
        return match.group(0)
    return inner


_NOTE_CALL = re.compile(r'<a href="#note-([^"]*)"[^>]*>.*?</a>')


def _inline_note(note: str, call: str, target: Target) -> str:
    """A note call replaced by the note itself, for renderers that float notes to the page foot."""
    if note not in target.note_texts:
        return call
    text = rewrite_inline(target.note_texts[note], replace(target, inline_notes=False))
    note_id = unique_id(target, f"{target.piece_slug}-note-{html.escape(note)}")
    return f'<span class="footnote-inline" id="{note_id}" role="doc-footnote">{text}</span>'


def unique_id(target: Target, wanted: str) -> str:
    """``wanted``, or ``wanted-2``, ``-3``… when this piece already used it (EPUBCheck RSC-005: duplicate ID)."""
    candidate, number = wanted, 2
    while candidate in target.taken_ids:
        candidate, number = f"{wanted}-{number}", number + 1
    target.taken_ids.add(candidate)
    return candidate


def _kind(block) -> str:
    kind = type(block).__name__
    if type(block) not in BLOCK_TYPES:
        raise TypeError(f"not a block: {kind}")
    return kind


_ARABIC_MONTHS = ("يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر")
_ENGLISH_MONTHS = tuple(date(2000, month, 1).strftime("%B") for month in range(1, 13))


def _human_date(iso: str, language: str) -> str:
    """A date in words in the reader's language ("10 May 2016", "10 مايو 2016"); a month or a range too.

    Generated text never shows an ISO date to a reader; a value that is not a date is shown as written.
    """
    if "/" in iso:
        return " – ".join(_human_date(part, language) for part in iso.split("/", 1))
    months = _ARABIC_MONTHS if language.startswith("ar") else _ENGLISH_MONTHS
    text = iso[:10] if len(iso) > 10 and iso[10:11] in {"T", " "} else iso
    if re.fullmatch(r"\d{4}-\d{2}", text) and 1 <= int(text[5:]) <= 12:
        return f"{months[int(text[5:]) - 1]} {text[:4]}"
    try:
        value = date.fromisoformat(text)
    except ValueError:
        return iso
    return f"{value.day} {months[value.month - 1]} {value.year}"


def generated_date(iso: str, language: str) -> str:
    """A date in text bundler writes (retrieved, built, cover): in words in Arabic, ISO (the day) otherwise.

    An Arabic reader should not meet ``2016-05-10`` inside Arabic prose; the English editions keep
    the ISO day their readers and tests already rely on.
    """
    return _human_date(iso, language) if language.startswith("ar") else (iso[:10] if len(iso) > 10 else iso)


def separator(previous: str, following: str, language: str, mark: str = ",") -> str:
    """The comma (or semicolon) between two items of generated text: Arabic ``،`` ``؛`` in Arabic.

    Between two items of one direction the mark is theirs, whatever the book's language: two
    English names in an Arabic colophon keep ", " and read as one English phrase inside their
    isolated run; two Arabic names in an English colophon get "، ".
    """
    arabic = {",": "، ", ";": "؛ "}[mark]
    sides = {first_strong_direction(text_of(str(previous))), first_strong_direction(text_of(str(following)))}
    if sides == {"ltr"}:
        return f"{mark} "
    if sides == {"rtl"}:
        return arabic
    return arabic if language.startswith("ar") else f"{mark} "


def join_list(items, language: str, mark: str = ",") -> str:
    """Items joined by ``separator``s, for generated text (editors, authors, credits)."""
    from markupsafe import Markup, escape

    joined, previous = Markup(""), None
    for item in items:
        if previous is not None:
            joined += separator(previous, item, language, mark)
        joined += escape(item)
        previous = item
    return joined


_EPUB_TYPES = {"introduction": "introduction", "timeline": "appendix", "glossary": "glossary", "colophon": "colophon"}


class _TemplateCodeCache(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept in the user's cache (Jinja checks each against its template's source).

    Compiling the templates took every build that renders a page about 0.2 s; a missing,
    read-only, full or damaged cache only means compiling them again, never a failed build.
    """

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, EOFError, ValueError, TypeError):
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            Path(self.directory).mkdir(parents=True, exist_ok=True)
            super().dump_bytecode(bucket)
        except OSError:
            pass


@cache
def environment() -> jinja2.Environment:
    """The Jinja environment with the filters the templates use."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        bytecode_cache=_TemplateCodeCache(str(cache_root(None, "templates"))),
    )
    env.filters["kind"] = _kind
    env.filters["inline"] = lambda fragment, t: _markup(rewrite_inline(fragment, t))
    env.filters["plain"] = text_of
    env.filters["direction"] = direction_of
    env.filters["halves"] = bilingual_halves  # a bilingual title: each half on its own line
    env.filters["human_date"] = _human_date
    env.filters["join_list"] = join_list
    env.filters["separator"] = separator
    env.filters["generated_date"] = generated_date
    env.filters["epub_type"] = lambda kind: _EPUB_TYPES.get(kind, "chapter")
    return env


def _markup(text: str):
    from markupsafe import Markup

    return Markup(text)


def render_template(name: str, **context) -> str:
    """Render one template file."""
    return environment().get_template(name).render(version=__version__, **context)


def edition_title(dossier: Dossier, edition: Edition | None) -> str:
    """The title on the cover: the edition's ``title`` option, else the dossier's."""
    return str(edition.option("title", dossier.title)) if edition else dossier.title


def document_fields(dossier: Dossier, edition: Edition | None) -> dict[str, object]:
    """What every one-document shell (the HTML edition, the PDF's document) says of the book in its head."""
    return {
        "title": edition_title(dossier, edition),
        "lang": dossier.language,
        "dir": direction_of(dossier.language),
        "authors": dossier.credited,
        "description": dossier.description or dossier.subtitle,
    }


def render_piece(piece: Piece, dossier: Dossier, target: Target, note: str = "") -> str:
    """The ``<article>`` for one piece: well-formed XHTML, or an error that names the piece and its source."""
    scoped = replace(target, piece_slug=piece.slug, note_ids=frozenset(n.id for n in piece.notes), taken_ids=set())
    if target.inline_notes:
        scoped = replace(scoped, note_texts={n.id: n.html for n in piece.notes})
    try:
        article = render_template(
            "piece.xhtml.j2", piece=piece, dossier=dossier, t=scoped, note=note, labels=labels_for(piece.language or dossier.language)
        )
        etree.fromstring(_XHTML_CHECK.format(article).encode("utf-8"), _STRICT_XML)
    except BundlerError:
        raise
    except Exception as exc:  # any fault in one piece's data is the user's to fix, with its name on it
        raise piece_render_error(piece, exc) from exc
    return article


_XHTML_CHECK = '<div xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">{}</div>'
_STRICT_XML = etree.XMLParser(resolve_entities=False, no_network=True)


def piece_render_error(piece: Piece, exc: Exception) -> ExportError:
    """A user-facing error for a piece that cannot be rendered: which piece, from which file, and why."""
    source = piece.provenance.source_path or piece.source_url or piece.slug
    reason = exc.msg if isinstance(exc, etree.XMLSyntaxError) else f"{type(exc).__name__}: {exc}"
    return ExportError(
        f"piece {piece.title!r} cannot be rendered: {reason}",
        code="E404",
        file=source,
        hint="fix or re-import that source (a piece.json edited by hand must keep each field's type and well-formed XHTML)",
    )


def check_pieces_render(dossier: Dossier) -> None:
    """Render every piece as the EPUB and the PDF would, for ``bundler check``.

    ``check`` then fails, with the piece's name, on anything that would make the build fail
    while rendering it (the build itself finds it while writing, and stages its editions so
    that nothing reaches ``dist/``).
    """
    targets = (
        Target(href_for=lambda slug: f"{slug}.xhtml", media_href=_no_image, epub=True, link_map=build_link_map(dossier)),
        Target(href_for=lambda slug: f"#{slug}", media_href=_no_image, inline_notes=True, link_map=build_link_map(dossier)),
    )
    for piece in dossier.pieces:
        for target in targets:
            render_piece(piece, dossier, target)


def _no_image(figure: Figure) -> None:
    """Images are checked by the image stage; the rendering check leaves them out."""
    return None


def render_section(section: Section, dossier: Dossier, target: Target) -> str:
    """A section opener: title and introduction."""
    return render_template("section.xhtml.j2", section=section, dossier=dossier, t=target)


def render_text_page(page: TextPage, dossier: Dossier, target: Target) -> str:
    """Front or back matter written by the editors."""
    return render_template("textpage.xhtml.j2", page=page, dossier=dossier, t=target)


def render_title_page(dossier: Dossier, target: Target) -> str:
    """The title page: title, subtitle, editors, date."""
    return render_template("titlepage.xhtml.j2", dossier=dossier, t=target, labels=labels_for(dossier.language))


def render_colophon(dossier: Dossier, target: Target, build_date: str, hashes_apart: bool = False) -> str:
    """Every source with its provenance, the rights statement and the build's date and tool.

    ``hashes_apart``: the entries leave out their sources' hashes, which the edition prints on a
    page of their own (the print PDF's checksums page, ``exporters/pdf/checksums.py``).
    """
    return render_template(
        "colophon.xhtml.j2",
        dossier=dossier,
        t=target,
        labels=labels_for(dossier.language),
        build_date=build_date,
        hashes_apart=hashes_apart,
    )


def render_nav(toc: list[dict], landmarks: list[dict], dossier: Dossier) -> str:
    """The EPUB navigation body: ``toc`` entries are {href, title, children}, landmarks {type, href, title}."""
    return render_template("nav.xhtml.j2", toc=toc, landmarks=landmarks, labels=labels_for(dossier.language))


def render_cover_page(src: str, alt: str) -> str:
    """The EPUB cover page body: the cover image with its alt text."""
    return render_template("cover.xhtml.j2", src=src, alt=alt)


def render_document(body: str, title: str, language: str, stylesheets: tuple[str, ...] = (), body_class: str = "") -> str:
    """Wrap a body in a complete XHTML5 document with language and direction."""
    return render_template(
        "document.xhtml.j2",
        body=_markup(body),
        title=title,
        lang=language,
        dir=direction_of(language),
        stylesheets=stylesheets,
        body_class=body_class,
    )
