"""What an import worker needs before its first web page, loaded once by a build about to fork its workers.

A cold build imports its pieces in worker processes forked from the build. Each worker used to
load, before its first page, every importer module, the extraction libraries (trafilatura,
htmldate, langcodes and what they import, with their module-level regular expressions) and the
language model: about half a second of CPU time per worker, spent again by every worker. Loaded
in the build just before the fork, it is paid once and every worker starts with it (its memory
shared copy-on-write). A warm build, which starts no worker, never calls this.
"""

from __future__ import annotations

import importlib

#: The libraries reading a web page loads at its first use of them (the importer modules import them lazily).
PAGE_LIBRARIES = ("trafilatura", "htmldate", "htmldate.core", "langcodes", "charset_normalizer")


def load_importer() -> None:
    """Import every importer and the libraries a web page needs, and load the language model."""
    from bundler.importers import sources
    from bundler.text.language import load_language_model

    sources()
    for name in PAGE_LIBRARIES:
        importlib.import_module(name)
    load_language_model()


def release_importer() -> None:
    """Drop what ``load_importer`` loaded that takes memory and can be loaded again: the language model.

    Called by the build once its import workers are done. The modules stay (Python cannot unload
    them), but the model's ~40 MB would otherwise be counted again in every process the build forks
    later (a PDF's layout workers) and held through the image and write stages.
    """
    from bundler.text.language import release_language_model

    release_language_model()
