"""CLI commands: one module per command group, each declaring ``COMMANDS``.

A command is ``Command(help, add_arguments, run)``; ``run(args, ui)`` returns an exit
code. The CLI collects them like importers and exporters, so a new command is one file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    """A sub-command of ``bundler``."""

    help: str
    add_arguments: Callable
    run: Callable
