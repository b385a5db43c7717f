"""Where parallel work runs: this machine's cores, or a Dask cluster for very large crawls.

Every parallel stage takes a standard ``concurrent.futures.Executor`` and maps a picklable,
top-level function over its inputs, so the same stage code runs on a local process pool or
on ``dask.distributed`` (``Client(address).get_executor()``, its standard executor
interface). Results always come back in input order, so the dossier is the same either way.
"""

from __future__ import annotations

import contextlib
import errno
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from bundler import interrupts
from bundler.errors import BundlerError

T = TypeVar("T")
R = TypeVar("R")

DASK_SCHEME = "dask://"
DASK_CONNECT_TIMEOUT = "10s"  # how long to wait for a scheduler before saying it is unreachable


@dataclass(frozen=True)
class WorkOptions:
    """How a build uses the machine: worker count, where work runs, and whether to use the cache."""

    jobs: int | None = None  # None: one worker per core
    executor: str | None = None  # None or "local": process pool; "serial"; "dask://HOST:PORT"
    cache: bool = True  # False: --no-cache (nothing read from or written to the cache)

    @property
    def worker_count(self) -> int:
        """How many local workers to start (at least one)."""
        return max(1, self.jobs or os.cpu_count() or 1)


class SerialExecutor(Executor):
    """Runs each call at once in this process: for one job, tiny inputs and debugging."""

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # handed to the caller through the future, like a pool would
            future.set_exception(exc)
        return future


def check_executor_spec(spec: str | None) -> None:
    """Reject an unknown ``--executor`` before any work starts."""
    if spec in (None, "", "local", "serial") or (spec or "").startswith(DASK_SCHEME):
        if spec and spec.startswith(DASK_SCHEME) and ":" not in spec[len(DASK_SCHEME) :]:
            raise BundlerError(f"--executor {spec}: give the scheduler's port", code="E020", hint="e.g. dask://10.0.0.5:8786")
        return
    raise BundlerError(f"unknown executor {spec!r}", code="E020", hint="use 'local', 'serial' or 'dask://HOST:PORT'")


@contextlib.contextmanager
def open_executor(options: WorkOptions, tasks: int, preload: tuple[str, ...] = (), beside: bool = False) -> Iterator[Executor]:
    """An executor for ``tasks`` calls, closed (and its cluster client disconnected) afterwards.

    ``preload`` names modules for workers started from a fork server instead of forked from
    this process: for work with libraries that run their own threads (libvips), which a child
    forked after those threads started can deadlock on. The server imports ``preload`` once,
    so each worker still starts in milliseconds.
    ``beside``: this process has work of its own to do meanwhile, so even a single call goes to
    a worker process (when the machine has a second core) instead of running here first.
    """
    spec = options.executor or "local"
    check_executor_spec(spec)
    if spec.startswith(DASK_SCHEME):
        client = _connect_dask(spec[len(DASK_SCHEME) :])
        try:
            yield client.get_executor(pure=False)
        finally:
            client.close()
        return
    workers = min(options.worker_count, max(tasks, 1))
    pooled = workers > 1 or (beside and options.worker_count > 1)
    context = _fork_server(preload) if preload and spec != "serial" and pooled else None
    if spec == "serial" or not pooled or (preload and context is None):
        yield SerialExecutor()  # also when no fork server can start (e.g. no writable temporary folder)
        return
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=die_with_parent, initargs=(os.getpid(),))
    try:
        yield pool
    except BaseException as exc:
        _stop_workers(pool)
        if isinstance(exc, OSError) and exc.errno in (errno.EMFILE, errno.ENFILE):
            raise BundlerError(
                f"too many open files to start {workers} worker processes",
                code="E705",
                hint=f"raise the limit (e.g. 'ulimit -n 4096'; now {_open_file_limit()}) or use fewer workers (--jobs 1)",
            ) from exc
        raise
    try:
        pool.shutdown(wait=True)
    except BaseException:  # an interrupt while the last jobs finish: end the workers now, not at exit
        _stop_workers(pool)
        raise


def _open_file_limit() -> str:
    try:
        import resource

        return str(resource.getrlimit(resource.RLIMIT_NOFILE)[0])
    except (ImportError, OSError, ValueError):
        return "unknown"


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """End a failed pool's workers now, so the error reaches the user instead of a hang at exit.

    When starting a worker fails part way (a process at its limit of open files: EMFILE from
    the pipe of the next worker), the pool's manager thread never starts, so nobody sends the
    workers already started their "stop"; they wait on their queue forever, and Python's exit
    waits for them. ``ProcessPoolExecutor`` has no public way to end its workers before 3.14
    (``terminate_workers``), hence its ``_processes`` here.
    """
    workers = list((getattr(pool, "_processes", None) or {}).values())  # before shutdown forgets them
    pool.shutdown(wait=False, cancel_futures=True)
    for worker in workers:
        if worker.is_alive():
            worker.kill()  # not terminate(): SIGTERM in a worker still starting is the CLI's Ctrl-C, which it may outlive
    for worker in workers:
        worker.join()


#: Linux's ``prctl`` option asking the kernel to signal a process when its parent exits.
_PR_SET_PDEATHSIG = 1


def die_with_parent(build_pid: int) -> None:
    """A worker's first act: be killed by the kernel when its parent dies, even by ``kill -9``.

    A worker's parent is the build, or the fork server, which exits as soon as the build is
    gone; without this, a killed build's workers (hundreds of MB each) finished their job and
    lived on. Where ``prctl`` is missing (not Linux) workers still stop when their queue closes.
    """
    import ctypes
    import signal

    interrupts.as_worker()  # a forked worker inherits the CLI's handlers and the mask it handed out work under
    if os.getppid() != build_pid:  # started by the fork server, whose death is the one the kernel would signal
        _exit_with_build(build_pid)
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if _process_ended(build_pid):  # the build died between this worker's fork and the request above
        os._exit(1)


def _exit_with_build(build_pid: int) -> None:
    """A worker of the fork server: exit when the build does, watched by a thread waiting on the build's pidfd.

    The kernel's parent-death signal names the fork server, and the fork server only exits when
    every holder of its "alive" pipe has closed it: the build and, by multiprocessing's design,
    each worker it started. So a build killed with ``kill -9`` during the images or the PDF layout
    left the server and its workers waiting on their queues for good (hundreds of MB each,
    holding the build's stderr open, so a caller reading it never saw the end). Where pidfds are
    missing (not Linux 5.3+) this does nothing, as before.
    """
    import select
    import threading

    try:
        build = os.pidfd_open(build_pid)
    except ProcessLookupError:  # already gone
        os._exit(1)
    except (AttributeError, OSError):
        return

    def wait_for_build() -> None:
        select.select([build], [], [])  # readable once the build has exited
        os._exit(1)

    threading.Thread(target=wait_for_build, name="bundler-build-watch", daemon=True).start()


def _process_ended(pid: int) -> bool:
    """Whether ``pid`` has exited, counting a zombie (dead, not yet reaped) as ended."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[:1] in (["Z"], ["X"])


def start_fork_server(options: WorkOptions, preload: tuple[str, ...]) -> None:
    """Start the fork server for ``open_executor(..., preload)`` now, so it imports ``preload`` while other work runs.

    Worth calling at the start of a build whose later stage will use it: the server's start
    (a fresh interpreter importing Pillow and bundler, ~0.2 s) then overlaps the import stage.
    """
    if (options.executor or "local") == "local" and options.worker_count > 1:
        _fork_server(preload)


def _fork_server(preload: tuple[str, ...]) -> multiprocessing.context.BaseContext | None:
    """The running fork server's context (started now if need be); None when it cannot start."""
    from multiprocessing import forkserver

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(preload))  # only read when the server first starts
    try:
        forkserver.ensure_running()
    except OSError:
        return None
    return context


def _connect_dask(address: str):
    try:
        from distributed import Client
    except ImportError as exc:
        raise BundlerError("the Dask executor needs the 'distributed' package", code="E021", hint="pip install 'bundler[cluster]'") from exc
    try:
        return Client(f"tcp://{address}", timeout=DASK_CONNECT_TIMEOUT, set_as_default=False)
    except OSError as exc:
        raise BundlerError(f"cannot reach the Dask scheduler at {address}: {exc}", code="E022", hint="is the scheduler running?") from exc


def submitting(executor: Executor) -> contextlib.AbstractContextManager:
    """Where work is handed to ``executor``: Ctrl-C and SIGTERM held until it is (``interrupts.held``).

    A signal inside a pool's submission left it half set up (a traceback from its internals).
    Not for ``SerialExecutor``, whose ``submit`` does the work itself: that stays interruptible.
    """
    return contextlib.nullcontext() if isinstance(executor, SerialExecutor) else interrupts.held()


def map_in_order(
    executor: Executor,
    function: Callable[[T], R],
    items: Iterable[T],
    on_done: Callable[[int], None] | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> list[R]:
    """``[function(i) for i in items]`` on ``executor``; ``on_done(count)`` after each completes.

    ``meanwhile()`` runs in this process once every call is handed out, before waiting for
    any: work of the caller's that needs none of the results takes a core the pool would
    otherwise leave to this process's waiting.
    """
    with submitting(executor):
        futures = [executor.submit(function, item) for item in items]
    if meanwhile is not None:
        meanwhile()
    index = {id(f): n for n, f in enumerate(futures)}
    results: list[Any] = [None] * len(futures)
    for count, future in enumerate(as_completed(futures), start=1):
        results[index[id(future)]] = future.result()
        interrupts.check()  # an interrupt Python swallowed (in a __del__, an at-fork hook) stops the build here
        if on_done:
            on_done(count)
    return results
