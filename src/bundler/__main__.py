"""``python -m bundler``."""

from bundler.cli import entry_point

if __name__ == "__main__":  # worker processes may import this module again; they must not run the CLI
    entry_point()
