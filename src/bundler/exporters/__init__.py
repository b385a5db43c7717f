"""Exporters: one module per output format, each writing a ``Dossier`` to one file.

Each module declares ``FORMATS = {name: Format(...)}``. Exporters write to the path they are
given; the build moves the file into place only once it is complete. A format declares what
the rest of the build needs to know about it (its image policy, the edition options it takes),
so adding a format is one module: nothing else chooses by a format's name.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bundler.errors import ExportError, Report
from bundler.exporters.context import BuildContext
from bundler.images.policy import EPUB_POLICY, ImagePolicy, policy_for
from bundler.model import Dossier, Edition
from bundler.registry import collect

#: How a format writes: ``write(dossier, edition, out, ctx)``; warnings go to ``ctx.report``.
Writer = Callable[[Dossier, Edition, Path, BuildContext], None]


@dataclass(frozen=True)
class Format:
    """An output format: its file name, how to write it, and what it needs from the build."""

    write: Writer
    suffix: str  # file name after the dossier slug, e.g. ".epub" or "-phone.pdf"
    media_type: str
    description: str = ""
    options: tuple[str, ...] = ()  # edition options this format accepts beyond manifest.editions.COMMON_OPTIONS
    image_policy: ImagePolicy = EPUB_POLICY  # its images before the edition's ``images`` option adjusts them
    #: Work the writer will need done that waits for no photo (loading its layout engine): the build
    #: runs it while the image stage's workers prepare the photos, when there are photos to prepare,
    #: with the book's languages (``warm_up(languages=...)``; during the import, before they are known, without).
    warm_up: Callable[..., None] | None = None

    def filename(self, slug: str) -> str:
        """The output file name for a dossier."""
        return f"{slug}{self.suffix}"


@cache
def formats() -> dict[str, Format]:
    """Every registered output format, by name."""
    return collect(sys.modules[__name__], "FORMATS")


def format_of(edition: Edition) -> Format:
    """The registered format an edition names."""
    known = formats()
    if edition.format not in known:
        raise ExportError(
            f"unknown format {edition.format!r}", code="E010", hint="known formats: " + ", ".join(sorted(known)), key="editions"
        )
    return known[edition.format]


def edition_filename(edition: Edition, slug: str) -> str:
    """The file an edition is written to: ``slug.epub``, or ``slug.ar.epub`` for the edition named ar."""
    return edition.file_name(slug, format_of(edition).suffix)


def edition_policy(edition: Edition) -> ImagePolicy:
    """The image policy an edition asks for: its format's declared policy adjusted by its ``images`` option."""
    return policy_for(edition, format_of(edition).image_policy)


def context_for(edition: Edition, report: Report | None = None, image_cache: Path | None = None) -> BuildContext:
    """A context for writing ``edition`` outside a build (tests, scripts): its format's policy, no content cache."""
    return BuildContext.standalone(edition_policy(edition), report, image_cache)
