"""bundler's version, in a module that imports nothing, so the foundation (the cache's keys) can read it
without importing the package's ``__init__`` and, through it, the importers."""

__version__ = "0.1.0"
