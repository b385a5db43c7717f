"""File sizes as people write them in a manifest: ``"2 MB"``, ``"500KB"``, ``"1.5 MiB"``.

Below both the manifest (which checks a ``budget``) and the build (which fits an edition into
it), so the build does not reach up into the manifest's checks for it.
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
