"""The collection manifest (``collection.yaml``): load, validate, resolve into a ``Dossier``.

Public API: ``find_manifest``, ``load_manifest`` and ``resolve_dossier``. They are looked up
when first used (PEP 562), so importing a module of this package (``manifest.events``, say)
does not load the resolver and, through it, the importers' image stack: the CLI's start-up
stays light (``tests/test_cli_startup.py``).
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["Manifest", "edition_formats", "find_manifest", "load_manifest", "resolve_dossier"]

_HOMES = {
    "Manifest": "bundler.manifest.document",
    "edition_formats": "bundler.manifest.resolve",
    "find_manifest": "bundler.manifest.loader",
    "load_manifest": "bundler.manifest.loader",
    "resolve_dossier": "bundler.manifest.resolve",
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_HOMES[name]), name)
