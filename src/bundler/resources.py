"""Find the files that ship with bundler (styles, fonts, templates) and the versions of the libraries installed with it."""

from __future__ import annotations

import hashlib
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


#: The rendering libraries whose version shapes an edition's bytes (part of ``code_digest``).
RENDERING_LIBRARIES = ("weasyprint", "ebooklib", "Pillow", "pyvips-binary", "uharfbuzz", "pikepdf", "pydyf", "fonttools", "Jinja2", "lxml")


@cache
def code_digest() -> str:
    """A digest of the code and assets that shape an edition (bundler's package and styles, the rendering libraries)."""
    digest = hashlib.sha256()
    for root in (_PACKAGE, styles_dir()):
        for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for name, version in installed_versions(RENDERING_LIBRARIES).items():
        digest.update(f"{name}={version or 'none'};".encode())
    return digest.hexdigest()
