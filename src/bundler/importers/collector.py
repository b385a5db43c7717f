"""Python's cycle collector held back while a page is read, and run once after it.

Reading a web page allocates some hundreds of thousands of short-lived objects (element
proxies, strings, tuples, the libraries' own), almost all freed by reference counting as soon as
they go out of use. The cycle collector cannot know that: it runs every 700 net allocations and,
every hundredth run, walks every object the process holds, which in an importer means the
rules' and libraries' caches (some 140,000 objects once a few hundred pages have been read).
Measured on 200 real pages it was about 4% of an import's CPU time, for almost no garbage
found. Held back for the page and run once at its end, the young generations are collected
once a page instead of some ten times.

The full collection (the one that walks everything) is left to the collector's own rule: it
waits until the objects that survived since the last full run are a quarter of those it holds,
a count Python does not expose, so this module cannot tell when one is due. Full collections
(each ~0.1 s once a few hundred pages' caches are held) still come when the collector decides,
in whatever code allocates next after a page.

Only the outermost page pauses the collector (a page read again in another language, or a
caller that has paused it already, leaves it as it is), and it is always switched back on.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collected_after() -> Iterator[None]:
    """Pause the cycle collector for the block when it is running, then collect what the block left."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect(_due_generation())


#: The generations collected here: the young ones (see the module's docstring for the oldest).
_YOUNG = (0, 1)


def _due_generation() -> int:
    """The older young generation if its count is past its threshold, else the youngest: the
    collection the collector would have made at its next run, short of a full one."""
    counts, thresholds = gc.get_count(), gc.get_threshold()
    return max((g for g in _YOUNG if counts[g] > thresholds[g]), default=0)
