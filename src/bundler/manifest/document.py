"""The parsed manifest as data: ``Manifest`` and the ``problem`` that points into it.

Parsing (``loader``), validation (``schema``) and value checks (``checks``, ``editions``) all
work on this one record, so each depends on it and none on another in a loop.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bundler.errors import Problem

MANIFEST_NAME = "collection.yaml"
_LAST_STEP = re.compile(r"(\.[^.\[\]]*|\[\d+\])$")


@dataclass(frozen=True)
class Manifest:
    """A parsed manifest: its data, where it lives, and the line of every key path."""

    path: Path
    data: dict[str, Any]
    lines: dict[str, int] = field(default_factory=dict)
    text: str = ""

    @property
    def root(self) -> Path:
        """The collection folder; every path in the manifest is relative to it."""
        return self.path.parent

    def line(self, key: str) -> int:
        """The line of ``key`` (e.g. ``sections[0].pieces[2]``), or of its nearest parent."""
        while key:
            if key in self.lines:
                return self.lines[key]
            parent = _LAST_STEP.sub("", key)
            key = "" if parent == key else parent
        return 1


def problem(manifest: Manifest, key: str, message: str, code: str, hint: str = "") -> Problem:
    """A problem located at ``key`` in ``manifest``."""
    return Problem(message, code=code, file=str(manifest.path), line=manifest.line(key), key=key, hint=hint)
