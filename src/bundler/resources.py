"""Find the files that ship with bundler (styles, fonts, templates) and the versions of the libraries installed with it."""

from __future__ import annotations

import hashlib
import os
import re
import sys
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
    """Each distribution's installed version, None when it is not installed (for cache keys and build records).

    Read from the ``name-version.dist-info`` folders' names (one listing of each ``sys.path``
    folder per process) rather than by ``importlib.metadata.version``, which searched the path
    and parsed a METADATA file per name: 29 names a warm build, ~0.1 s of its CPU. A name not
    found so (an ``.egg-info`` or other layout) is asked of ``importlib.metadata`` as before.
    """
    found = _dist_info_versions()
    versions: dict[str, str | None] = {}
    for name in names:
        versions[name] = found.get(_distribution_key(name)) or _metadata_version(name)
    return versions


def _metadata_version(name: str) -> str | None:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _distribution_key(name: str) -> str:
    """A distribution name normalised as PEP 503 does (``Jinja2``, ``jinja2``, ``lxml_html_clean`` and ``lxml-html-clean`` alike)."""
    return re.sub(r"[-_.]+", "-", name).lower()


@cache
def _dist_info_versions() -> dict[str, str]:
    """Installed distributions by normalised name, from the ``*.dist-info`` folders on ``sys.path`` (the first found wins, as in importlib)."""
    versions: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for folder in names:
            if folder.endswith(".dist-info"):
                name, _, version = folder[: -len(".dist-info")].rpartition("-")
                if name and version:
                    versions.setdefault(_distribution_key(name), version)
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
