"""Find the files that ship with bundler (styles, fonts, templates) and the versions of the libraries installed with it."""

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


def installed_versions(names: tuple[str, ...]) -> dict[str, str | None]:
    """Each distribution's installed version, None when it is not installed (for cache keys and build records)."""
    from importlib import metadata

    versions: dict[str, str | None] = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions
