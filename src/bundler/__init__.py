"""bundler: turn collected articles into offline editions (EPUB, PDF, archival bundles)."""

from __future__ import annotations

__version__ = "0.1.0"

from bundler.importers import ImportOptions, read_piece, read_pieces  # noqa: E402

__all__ = ["ImportOptions", "__version__", "read_piece", "read_pieces"]
