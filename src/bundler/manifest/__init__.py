"""The collection manifest (``collection.yaml``): load, validate, resolve into a ``Dossier``.

Public API: ``find_manifest``, ``load_manifest`` and ``resolve_dossier``.
"""

from bundler.manifest.document import Manifest
from bundler.manifest.loader import find_manifest, load_manifest
from bundler.manifest.resolve import resolve_dossier

__all__ = ["Manifest", "find_manifest", "load_manifest", "resolve_dossier"]
