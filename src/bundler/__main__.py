"""``python -m bundler``."""

from bundler.cli import entry_point

entry_point()
