"""Find the files that ship with bundler: styles, fonts and templates."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def styles_dir() -> Path:
    """The ``styles/`` folder: inside the installed wheel, or at the top of a source checkout."""
    for candidate in (_PACKAGE / "styles", _PACKAGE.parent.parent / "styles"):
        if (candidate / "fonts").is_dir():
            return candidate
    raise FileNotFoundError("bundler's styles/ folder is missing; reinstall bundler")


def templates_dir() -> Path:
    """The Jinja templates used by the XHTML renderer."""
    return _PACKAGE / "templates"


def font_path(name: str) -> Path:
    """A font file shipped in ``styles/fonts``."""
    return styles_dir() / "fonts" / name
