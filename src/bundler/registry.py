"""Collects what each format module declares, so adding a format means adding one file.

An importer module declares ``SOURCES = {name: Source(...)}``; an exporter module declares
``FORMATS = {name: Format(...)}``. Modules are visited in sorted name order (never import
order), and a name declared twice is an error rather than a silent override.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType
from typing import Any


def collect(package: ModuleType, attribute: str) -> dict[str, Any]:
    """Merge the ``attribute`` mappings of every module in ``package`` and its sub-packages (``exporters/pdf/``)."""
    found: dict[str, Any] = {}
    owners: dict[str, str] = {}
    for module in _modules(package):
        for name, value in getattr(module, attribute, {}).items():
            if name in found:
                raise RuntimeError(f"{attribute} name {name!r} is declared by both {owners[name]} and {module.__name__}")
            found[name] = value
            owners[name] = module.__name__
    return found


def _modules(package: ModuleType) -> list[ModuleType]:
    """The package's public modules in sorted name order, a sub-package's modules after the sub-package itself."""
    modules: list[ModuleType] = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        modules.append(module)
        if info.ispkg:
            modules += _modules(module)
    return modules
