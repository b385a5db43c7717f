"""Exporters: one module per output format, each writing a ``Dossier`` to one file.

Each module declares ``FORMATS = {name: Format(...)}``. Exporters write to the path they are
given; the build moves the file into place only once it is complete.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bundler.errors import Report
from bundler.model import Dossier, Edition


@dataclass(frozen=True)
class Format:
    """An output format: its file name and how to write it."""

    write: Callable[[Dossier, Edition, Path, Report], None]
    suffix: str  # file name after the dossier slug, e.g. ".epub" or "-phone.pdf"
    media_type: str
    description: str = ""
    options: tuple[str, ...] = ()  # edition options this format accepts beyond manifest.editions.COMMON_OPTIONS

    def filename(self, slug: str) -> str:
        """The output file name for a dossier."""
        return f"{slug}{self.suffix}"


@cache
def formats() -> dict[str, Format]:
    """Every registered output format, by name."""
    import bundler.exporters as package
    from bundler.registry import collect

    return collect(package, "FORMATS")
