"""Ctrl-C and SIGTERM, delivered where the build can stop cleanly instead of wherever the signal lands.

A handler that raises ``KeyboardInterrupt`` at once can raise it anywhere: inside a process pool's
submission (its queues and manager thread left half set up, a traceback from its internals), or
where Python cannot raise at all (an object's ``__del__``, an at-fork hook), which prints "Exception
ignored" and lets the build run on to exit 0. Here the handler also remembers the signal, so a
swallowed interrupt is raised again at the next ``check()`` (each progress step, each finished
job), without the "Exception ignored" report; and ``held()`` blocks both signals around the moments that must not be cut (handing work to
a pool, moving finished editions into place), delivering one that arrived meanwhile at its end.

Only the command line installs the handler (``handling()``); a library caller keeps its own, and
``check``/``held`` then do nothing but hold.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Iterator

#: The signals a build treats as "stop now, cleanly".
SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(KeyboardInterrupt):
    """Ctrl-C (SIGINT) or SIGTERM: ``signum`` says which, for the exit code (128 + signum)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


class _State:
    installed = False  # the CLI's handler is in place (main thread only)
    received: int | None = None  # the first signal received, until the process ends
    holding = 0  # depth of ``held()``: a signal that trips the handler meanwhile is only remembered


_state = _State()


def _handler(signum: int, frame) -> None:
    if _state.received is None:
        _state.received = signum
    if not _state.holding:
        raise Interrupted(_state.received)


@contextlib.contextmanager
def handling() -> Iterator[None]:
    """SIGINT and SIGTERM raise ``Interrupted`` (remembered, so a swallowed one is raised again); for the CLI."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.signal(signum, _handler) for signum in SIGNALS}
    unraisable = sys.unraisablehook
    _state.installed, _state.received = True, None

    def quiet_about_interrupts(report) -> None:  # an interrupt Python could not raise is raised again at ``check``
        if not isinstance(report.exc_value, Interrupted):
            unraisable(report)

    sys.unraisablehook = quiet_about_interrupts
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        sys.unraisablehook = unraisable
        _state.installed = False


def received() -> int | None:
    """The interrupting signal received under ``handling()``, if any."""
    return _state.received


def taken() -> None:
    """The command took the interrupt as its own way to stop (``serve`` runs until Ctrl-C): not an interrupted run."""
    _state.received = None


def check() -> None:
    """Raise ``Interrupted`` if a signal came in and was swallowed where Python could not raise it."""
    if _state.received is not None and _state.installed and not _state.holding and threading.current_thread() is threading.main_thread():
        raise Interrupted(_state.received)  # in the main thread only: there the handler would have raised it


@contextlib.contextmanager
def held() -> Iterator[None]:
    """Block SIGINT and SIGTERM in this thread for the ``with`` body; one that came meanwhile is raised at its end.

    Threads and processes started inside (a pool's manager thread, its workers) inherit the
    blocked mask: the thread so that the signal comes to this one, the workers must unblock
    it (``executor.die_with_parent``). A signal the kernel hands to another thread still trips
    the handler here, which then only remembers it (``holding``).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    check()
    _state.holding += 1
    old = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    try:
        yield
    finally:
        _state.holding -= 1
        signal.pthread_sigmask(signal.SIG_SETMASK, old)  # a pending signal is handled here, at the next instruction
    check()


def as_worker() -> None:
    """A worker process forked from the build: Python's own Ctrl-C, SIGTERM's default, and no mask held.

    A fork inherits the build's handler, its state (a ``held()`` depth of one, when forked while
    work was handed out) and its blocked mask; a worker must die of SIGTERM and of Ctrl-C as before.
    """
    _state.installed, _state.holding, _state.received = False, 0, None
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, SIGNALS)
