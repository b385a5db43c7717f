"""What a build produced: the dossier, the files written, their sizes and the warnings.

Its own module, below the build, so that what reads a build's outcome (the sidecar, the
archive, the CLI) does not import the orchestrator that makes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bundler.errors import Report
from bundler.model import Dossier, Edition


@dataclass
class BuildResult:
    """What a build produced: the dossier, the files written, and its warnings."""

    dossier: Dossier
    outputs: dict[str, Path] = field(default_factory=dict)  # by edition id: "epub", or "epub.ar" when named
    report: Report = field(default_factory=Report)
    sizes: dict = field(default_factory=dict)  # edition id -> budget.SizeReport
    editions: dict[str, Edition] = field(default_factory=dict)  # edition id -> the edition written
