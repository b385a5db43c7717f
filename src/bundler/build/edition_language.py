"""One book per language from a dossier that mixes them: the edition option ``language``.

``editions: {epub: {language: ar}, pdf: {language: en}}`` gives an Arabic EPUB and an
English PDF of one collection. The edition keeps the pieces in that language (by each
piece's language, declared or detected), the sections that still hold a piece, and the
front and back matter written in it; the book takes the language and its direction (the
EPUB's ``page-progression-direction``, the PDF's page sides and viewer direction). A title
written in both languages ("حلقات القراءة — Reading circles") keeps the half in the book's
language; a title in one language only is kept as written, so an English book may carry
an Arabic title on its cover.
"""

from __future__ import annotations

import unicodedata
from dataclasses import replace

from bundler.cleaning.blocks import text_of
from bundler.errors import ManifestError
from bundler.manifest.document import problem
from bundler.model import Dossier, Edition
from bundler.text.bidi import bilingual_halves, first_strong_direction
from bundler.text.language import direction_of, normalise_tag, same_language


def edition_language(edition: Edition) -> str:
    """The language an edition selects, or "" for every piece."""
    return normalise_tag(str(edition.option("language", "") or ""))


def dossier_for_edition(dossier: Dossier, edition: Edition) -> Dossier:
    """The dossier an edition is made from: the part in its language, under its own ``title`` if it names one.

    The title is set here, the one place a dossier is tailored to an edition, so every format
    (the EPUB's metadata and title page, the generated cover, the ZIM's metadata, the PDF and
    HTML) carries it alike; a title an editor wrote for the edition is kept whole, not halved.
    """
    book = _in_edition_language(dossier, edition)
    title = edition.option("title")
    return replace(book, title=str(title)) if isinstance(title, str) and title.strip() else book


def _in_edition_language(dossier: Dossier, edition: Edition) -> Dossier:
    """The whole dossier, or the part in the edition's language."""
    language = edition_language(edition)
    if not language:
        return dossier
    direction = direction_of(language)
    sections = tuple(
        replace(
            section,
            title=half_in(section.title, direction),
            intro=tuple(b for b in section.intro if _written_in(_block_text(b), direction)),
            pieces=kept,
        )
        for section in dossier.sections
        if (kept := tuple(p for p in section.pieces if same_language(p.language or dossier.language, language)))
    )
    return replace(
        dossier,
        language=language,
        direction=direction,
        title=half_in(dossier.title, direction),
        subtitle=half_in(dossier.subtitle, direction),
        sections=sections,
        front_matter=tuple(p for p in dossier.front_matter if same_language(p.language or dossier.language, language)),
        back_matter=tuple(p for p in dossier.back_matter if same_language(p.language or dossier.language, language)),
    )


def check_edition_languages(dossier: Dossier, editions: list[Edition], manifest) -> None:
    """Raise a manifest error (file:line) for an edition whose language no piece is written in."""

    problems = []
    for edition in editions:
        language = edition_language(edition)
        if language and not dossier_for_edition(dossier, edition).sections:
            found = sorted({p.language or dossier.language for p in dossier.pieces})
            problems.append(
                problem(
                    manifest,
                    f"{edition.where}.language",
                    f"no piece is in {language!r}, the language the {edition.id} edition selects",
                    "M065",
                    "the pieces are in: " + ", ".join(found) + " (set a piece's language in the manifest, or choose one of these)",
                )
            )
    if problems:
        raise ManifestError(problems=problems)


def half_in(text: str, direction: str) -> str:
    """The half of a bilingual title written in ``direction``; the title itself when it is not bilingual."""
    halves = bilingual_halves(text)
    return next((half for half in halves if first_strong_direction(half) == direction), text) if len(halves) == 2 else text


def _written_in(text: str, direction: str) -> bool:
    """True when ``text`` holds letters of ``direction`` (strong bidi characters of it)."""
    wanted = {"R", "AL"} if direction == "rtl" else {"L"}
    return any(unicodedata.bidirectional(char) in wanted for char in text)


def _block_text(block) -> str:
    return text_of(getattr(block, "html", "") or "")
