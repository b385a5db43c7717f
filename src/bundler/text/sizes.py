"""File sizes as people write and read them: ``"2 MB"`` in a manifest, ``1.4 MB`` in a report.

One parser (the manifest's budgets, the build's budget check) and one formatter (the build's
size report and the library page), so a budget and the size it is compared with read alike.
"""

from __future__ import annotations

import re
from typing import Any

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|KiB|MiB|GiB)?\s*$", re.I)
_SIZE_UNITS = {"b": 1, "kb": 1000, "mb": 1000**2, "gb": 1000**3, "kib": 1024, "mib": 1024**2, "gib": 1024**3}


def parse_size(value: Any) -> int | None:
    """Bytes in ``"2 MB"``, ``"500KB"``, ``"1.5 MiB"`` or a plain number; None if not a size."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if value > 0 else None
    match = _SIZE.match(str(value))
    if not match:
        return None
    number, unit = float(match.group(1)), (match.group(2) or "b").lower()
    size = int(number * _SIZE_UNITS[unit])
    return size if size > 0 else None


def format_size(size: int, *, megabyte_digits: int = 1) -> str:
    """``912 B``, ``380 KB``, ``1.4 MB``, ``2.1 GB``: decimal units, as budgets are written and phones show storage.

    ``megabyte_digits=2`` tells ``1.99 MB`` from ``2.00 MB`` where a size is compared with a budget.
    """
    if size >= 1000**3:
        return f"{size / 1000**3:.{megabyte_digits}f} GB"
    if size >= 1000**2:
        return f"{size / 1000**2:.{megabyte_digits}f} MB"
    if size >= 1000:
        return f"{size / 1000:.0f} KB"
    return f"{size} B"
