"""Cleaning rules shared by every importer: boilerplate lines, caption/credit splitting.

The rules themselves are data (``rules/*.yaml`` beside this file); this package only
applies them, in one documented order.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

#: libyaml's parser when PyYAML was built with it (the manifest's loader does the same), else the pure-Python one.
_RULES_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_rules(path: Path) -> Any:
    """A shipped rules file, parsed as ``yaml.safe_load`` parses it.

    Every process that imports a page reads the shipped rules files; PyYAML's pure-Python parser took
    ~0.045 s of CPU for them, libyaml's ~0.006 s (the same data: ``tests/test_rules_files.py``).
    That start-up is paid once by each one-changed rebuild.
    """
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_RULES_LOADER)
