"""The library catalogue: OPDS 1.2 feeds and a phone page, written into ``dist/`` itself.

``write_catalog(dist)`` reads every dossier folder (``catalog.library``), extracts cover
thumbnails from the EPUBs (``catalog.covers``), and renders ``opds.xml`` (navigation),
``opds-all.xml`` (acquisition; plus one per language when there are several) and
``index.html`` (``catalog.render``). Output is deterministic (dates from ``bundler.clock``)
and every file is written atomically, so a phone never downloads a half-written feed.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from bundler.catalog.covers import COVER_NAME, THUMBNAIL_NAME, load_cover, write_cover_images
from bundler.catalog.library import LibraryDossier, read_library
from bundler.catalog.render import (
    DossierView,
    FeedInfo,
    LibraryInfo,
    language_name,
    render_acquisition,
    render_index_page,
    render_navigation,
    words_for,
)
from bundler.clock import build_time, iso_seconds, parse_iso
from bundler.errors import Report
from bundler.files import write_atomically

ROOT_FEED = "opds.xml"
ALL_FEED = "opds-all.xml"
INDEX_PAGE = "index.html"


@dataclass
class CatalogResult:
    """What ``write_catalog`` wrote, for the command's summary and for tests."""

    dossiers: list[LibraryDossier]
    files: list[Path] = field(default_factory=list)
    report: Report = field(default_factory=Report)


def write_catalog(dist: str | Path, *, title: str = "", base_url: str = "") -> CatalogResult:
    """Write the OPDS feeds, cover thumbnails and ``index.html`` for every dossier in ``dist``.

    ``base_url`` (``http://HOST:PORT/``, known when ``bundler serve`` writes the catalogue) lets
    the page show the OPDS feed's full address, which a reader types into an e-reader app.
    """

    dist = Path(dist)
    report = Report()
    dossiers = read_library(dist, report)
    result = CatalogResult(dossiers=dossiers, report=report)

    def write(path: Path, content: bytes | str) -> None:
        data = content.encode("utf-8") if isinstance(content, str) else content
        write_atomically(path, lambda tmp: tmp.write_bytes(data))
        result.files.append(path)

    library = replace(describe_library(dossiers, title), base_url=base_url)
    views = [_view_of(dossier, dist, write, report) for dossier in dossiers]
    feeds = _feeds_for(library, views)
    write(dist / ROOT_FEED, render_navigation(library, feeds))
    for feed in feeds:
        chosen = [v for v in views if not feed.language or v.language == feed.language]
        write(dist / feed.href, render_acquisition(library, feed, chosen))
    write(dist / INDEX_PAGE, render_index_page(library, views))
    return result


def describe_library(dossiers: list[LibraryDossier], title: str = "") -> LibraryInfo:
    """The library's language (its most common dossier language), title, id and timestamp."""
    languages = Counter(d.language for d in dossiers)
    language = sorted(languages.items(), key=lambda item: (-item[1], item[0]))[0][0] if dossiers else "en"
    direction = next((d.direction for d in dossiers if d.language == language), "ltr")
    title = title or words_for(language)["library"]
    newest = max((d.modified for d in dossiers if d.modified), default="")
    return LibraryInfo(
        title=title,
        id=f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'bundler-library:' + title)}",
        updated=iso_seconds(build_time(newest)),
        language=language,
        direction=direction,
    )


def _view_of(dossier: LibraryDossier, dist: Path, write, report: Report) -> DossierView:
    cover = None
    if dossier.cover:
        image = load_cover(dossier.cover, report)
        if image is not None:
            cover = write_cover_images(dist / dossier.slug, image, write)
    if cover is None:  # a cover from an earlier catalogue must not outlive the EPUB's
        for name in (COVER_NAME, THUMBNAIL_NAME):
            (dist / dossier.slug / name).unlink(missing_ok=True)
    modified = parse_iso(dossier.modified) if dossier.modified else None
    updated = iso_seconds(modified) if modified else iso_seconds(build_time(dossier.date))
    return DossierView(dossier=dossier, cover=cover, updated=updated, words=words_for(dossier.language))


def _feeds_for(library: LibraryInfo, views: list[DossierView]) -> list[FeedInfo]:
    """The acquisition feeds: all dossiers, plus one per language when there is more than one."""
    words = words_for(library.language)
    feeds = [FeedInfo(words["all"], _feed_id(library, "all"), ALL_FEED, words["all_summary"])]
    languages = sorted({v.language for v in views})
    if len(languages) > 1:
        for code in languages:
            name = language_name(code)
            count = sum(v.language == code for v in views)
            feeds.append(
                FeedInfo(
                    words["in_language"].format(language=name),
                    _feed_id(library, f"lang:{code}"),
                    f"opds-lang-{code}.xml",
                    f"{name}: {count}",
                    language=code,
                )
            )
    return feeds


def _feed_id(library: LibraryInfo, name: str) -> str:
    """A stable ``urn:uuid:`` for one feed of this library."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'bundler-library:{library.title}:{name}')}"
