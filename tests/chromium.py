"""Headless Chromium for the browser tests: one command line, with everything that could reach the network off.

The library page, the HTML edition and the accessibility check all drive the same browser the
same way; ``make test`` installs it and the run fails without it (``tests/validators.py``).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.validators import validator


def run_chromium(profile: Path, *args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    """Run headless Chromium with a fresh profile folder and ``args``; output captured as text."""
    command = [
        validator("chromium"),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
