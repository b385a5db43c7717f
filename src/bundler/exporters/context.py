"""The build context: everything an exporter reads besides the dossier and its edition.

An exporter's inputs are its arguments: ``write(dossier, edition, out, ctx)``. The context
carries the edition's image session (its policy, its on-disk cache, the photos' known
hashes), the warnings report, how the build uses the machine (work options), the content
cache for font subsets and PDF parts (None: no cache), and the progress display. It replaces
the context variables that a direct call silently lacked: called outside a build, an exporter
used to fall back to a default image policy chosen by its format's name, and the text-only
EPUB then shipped a front-matter photo. There is no default now: a caller outside a build
asks ``bundler.exporters.context_for(edition)``, which uses the format's declared policy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from bundler.cache import ContentCache
from bundler.errors import Report
from bundler.executor import WorkOptions
from bundler.images.policy import ImagePolicy
from bundler.images.session import ImageSession, default_cache_dir
from bundler.render.glyph_coverage import GlyphScan

#: A progress callback: (stage, done, total).
Progress = Callable[[str, int, int], None]


def no_progress(stage: str, done: int, total: int) -> None:
    """The progress display of a build nobody watches."""


@dataclass(frozen=True)
class BuildContext:
    """One edition being written: its image session and report, the machine, the cache, the display."""

    images: ImageSession
    work: WorkOptions = field(default_factory=WorkOptions)
    cache: ContentCache | None = None  # enabled cache for font subsets and PDF parts; None: nothing cached
    progress: Progress = no_progress
    glyphs: GlyphScan = field(default_factory=GlyphScan)  # the build's one scan for missing glyphs, shared by its editions

    @property
    def report(self) -> Report:
        """Where the edition's warnings go (the image session's report: one list per attempt)."""
        return self.images.report

    @property
    def policy(self) -> ImagePolicy:
        """The image policy the edition is written under."""
        return self.images.policy

    @classmethod
    def standalone(
        cls, policy: ImagePolicy, report: Report | None = None, image_cache: Path | None = None, work: WorkOptions | None = None
    ) -> BuildContext:
        """A context outside a build: the user's image cache, no content cache, no progress."""
        session = ImageSession(policy, report if report is not None else Report(), image_cache or default_cache_dir())
        return cls(session, work or WorkOptions())

    def with_images(self, policy: ImagePolicy, report: Report) -> BuildContext:
        """The same build with another image policy and report (one budget attempt); photos' hashes are shared."""
        session = ImageSession(policy, report, self.images.cache_dir, self.images.digests, self.images.damage)
        return replace(self, images=session)

    def with_cache(self, cache: ContentCache | None) -> BuildContext:
        """The same context reading and filling ``cache`` (None, or a disabled one: no cache)."""
        return replace(self, cache=cache if cache is not None and cache.enabled else None)
