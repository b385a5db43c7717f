"""bundler: turn collected articles into offline editions (EPUB, PDF, archival bundles)."""

from __future__ import annotations

# isort: off
from bundler.version import __version__  # first: modules the next line imports read it from this package
from bundler.importers import ImportOptions, read_piece, read_pieces

# isort: on

__all__ = ["ImportOptions", "__version__", "read_piece", "read_pieces"]
