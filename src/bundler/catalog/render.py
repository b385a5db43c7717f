"""Render the OPDS feeds and the phone page from templates in ``templates/library/``."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from bundler.catalog.covers import CoverImages
from bundler.catalog.library import EditionFile, LibraryDossier
from bundler.resources import styles_dir, templates_dir
from bundler.text.dates import date_in_words
from bundler.text.language import primary_language
from bundler.text.sizes import format_size

NAVIGATION_TYPE = "application/atom+xml;profile=opds-catalog;kind=navigation"
ACQUISITION_TYPE = "application/atom+xml;profile=opds-catalog;kind=acquisition"
TYPES = {"navigation": NAVIGATION_TYPE, "acquisition": ACQUISITION_TYPE}

#: Characters XML 1.0 forbids; a stray one in a title would make the whole feed unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class LibraryInfo:
    """Feed-level facts: the library's title, id, language and timestamp."""

    title: str
    id: str
    updated: str
    language: str
    direction: str
    author: str = "bundler"
    root: str = "opds.xml"
    base_url: str = ""  # the address the library is served at ("http://192.168.1.5:8080/"), when known

    @property
    def opds_address(self) -> str:
        """The full address of the OPDS feed an e-reader app asks for (relative when the server is unknown)."""
        return self.base_url + self.root


@dataclass(frozen=True)
class FeedInfo:
    """One acquisition feed listed in the navigation feed."""

    title: str
    id: str
    href: str
    summary: str
    rel: str = "subsection"
    language: str = ""


@dataclass(frozen=True)
class DossierView:
    """A library dossier plus what the templates need: its cover files and words."""

    dossier: LibraryDossier
    cover: CoverImages | None
    updated: str
    words: dict = field(default_factory=dict)

    def __getattr__(self, name: str):
        return getattr(self.dossier, name)

    @property
    def summary(self) -> str:
        return self.dossier.description or self.dossier.subtitle

    @property
    def date_words(self) -> str:
        """The dossier's date as a reader says it, in the dossier's language."""
        return date_in_words(self.dossier.date, self.dossier.language) if self.dossier.date else ""

    def purpose(self, edition: EditionFile) -> str:
        """What an edition is for, in the dossier's language ("For printing at home"), or "" when unknown.

        An edition that holds one language of a bilingual dossier says which, in that language's
        own name: the Arabic and the English EPUB are otherwise the same words.
        """
        words = edition_purpose(edition.format, self.dossier.language)
        return f"{words} ({language_name(edition.language)})" if words and edition.language else words


@cache
def labels() -> dict:
    """Interface words per language (``templates/library/labels.json``)."""
    return json.loads((templates_dir() / "library" / "labels.json").read_text(encoding="utf-8"))


@cache
def edition_words() -> dict:
    """Plain words for each edition by format name and language (``templates/library/editions.json``)."""
    table = json.loads((templates_dir() / "library" / "editions.json").read_text(encoding="utf-8"))
    return {name: words for name, words in table.items() if not name.startswith("_")}


def edition_purpose(format_name: str, language: str) -> str:
    """What an edition of ``format_name`` is for, in ``language`` (English without a translation; "" unknown)."""
    words = edition_words().get(format_name, {})
    return words.get(primary_language(language), words.get("en", ""))


def words_for(language: str) -> dict:
    """The page's words in ``language``, English where there is no translation."""
    table = labels()
    return table.get(primary_language(language), table["en"])


def language_name(language: str) -> str:
    """``ar`` -> ``العربية``: the language's own name when known, else its code."""
    return labels()["languages"].get(primary_language(language), language)


def render_navigation(library: LibraryInfo, feeds: list[FeedInfo]) -> str:
    """The root OPDS navigation feed."""
    return _environment().get_template("navigation.xml.j2").render(library=library, feeds=feeds, types=TYPES)


def render_acquisition(library: LibraryInfo, feed: FeedInfo, dossiers: list[DossierView]) -> str:
    """One OPDS acquisition feed with an entry per dossier."""
    return _environment().get_template("acquisition.xml.j2").render(library=library, feed=feed, dossiers=dossiers, types=TYPES)


def render_index_page(library: LibraryInfo, dossiers: list[DossierView]) -> str:
    """The static ``index.html`` for phone browsers (no JavaScript)."""
    css = (styles_dir() / "library.css").read_text(encoding="utf-8")
    return (
        _environment()
        .get_template("index.html.j2")
        .render(library=library, dossiers=dossiers, types=TYPES, css=jinja2_markup(css), words=words_for(library.language))
    )


def href_of(path: str) -> str:
    """Percent-encode a library-relative path for use in ``href``/``src`` (keeps ``/`` and ``#``)."""
    return quote(path, safe="/#")


def jinja2_markup(text: str) -> Markup:
    """Mark CSS as safe for the page: it is our own file, and escaping would break selectors."""
    return Markup(text.replace("</", "<\\/"))


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir() / "library"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["href"] = href_of
    env.filters["filesize"] = format_size
    env.finalize = _drop_non_xml_characters
    return env


def _drop_non_xml_characters(value):
    """Remove characters XML forbids from every value a template prints (CSS marked safe is ours)."""
    if isinstance(value, Markup):
        return value
    return _NOT_XML.sub("", value) if isinstance(value, str) else value
