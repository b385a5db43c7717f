"""The command line: parse arguments, call the library, render errors, draw progress.

Exit codes: 0 success, 1 a problem with the user's input or environment (message, no traceback:
a full disk, a read-only or forbidden folder, too many open files are the user's to fix),
2 usage error, 3 an internal error (with a request to report it), 130 interrupted by Ctrl-C
(SIGINT), 143 stopped by SIGTERM.
Nothing else in bundler prints.
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import traceback
from functools import cache

from bundler import __version__, interrupts
from bundler.codes import severity
from bundler.errors import BundlerError, Problem, environment_problem, shown

EXIT_OK, EXIT_USER, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
EXIT_TERMINATED = 143  # 128 + SIGTERM, as a shell reports a process SIGTERM ended


class UI:
    """Terminal output: messages to stdout, warnings/errors/progress to stderr.

    Every message passes through ``shown``: file names and titles come from the user's files, and a
    control character or bidi override in one must not colour, move or reorder the terminal's line.
    Primary output (``out``) is the user's own text, written as it is.
    """

    def __init__(self, quiet: bool = False, progress: str = "auto") -> None:
        self.quiet = quiet
        self.interactive = sys.stderr.isatty() and not quiet and progress == "auto"
        self.lines = progress == "lines" and not quiet  # each progress step as a plain line (logs, scripts)

    def say(self, text: str) -> None:
        if not self.quiet:
            print(shown(text))

    def out(self, text: str) -> None:
        """Primary output (e.g. ``extract``): always printed, never decorated."""
        sys.stdout.write(text if text.endswith("\n") else text + "\n")

    def warn(self, text: str) -> None:
        if not self.quiet:
            print(f"warning: {shown(text)}", file=sys.stderr)

    def error(self, text: str) -> None:
        print(f"error: {shown(text)}", file=sys.stderr)

    def note(self, text: str) -> None:
        if not self.quiet:
            print(f"note: {shown(text, lines=False)}", file=sys.stderr)  # one line each

    def problem(self, problem: Problem) -> None:
        """One recorded warning or note, labelled by its catalogued severity and led by its code."""
        if not self.quiet:
            print(f"{severity(problem.code)}: {shown(problem.render_coded())}", file=sys.stderr)

    @contextlib.contextmanager
    def progress(self, title: str):
        """Yield ``update(stage, done, total)``; draws a bar only on a terminal, or plain lines if asked."""
        if self.lines:

            def line(stage: str, done: int, total: int) -> None:
                interrupts.check()  # each step is a point where a swallowed interrupt stops the build
                print(shown(f"progress: {title}: {stage} {done}/{total}"), file=sys.stderr, flush=True)

            yield line
            return
        if not self.interactive:
            yield lambda stage, done, total: interrupts.check()
            return
        from rich.markup import escape
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        with Progress(
            TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), transient=True
        ) as bar:
            task = bar.add_task(escape(shown(title)), total=1)

            def update(stage: str, done: int, total: int) -> None:
                interrupts.check()
                bar.update(task, description=escape(shown(f"{title}: {stage}")), completed=done, total=max(total, 1))

            yield update


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse's default exit code is 2 already; keep the text short
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


@cache
def commands() -> dict:
    import bundler.commands as package
    from bundler.registry import collect

    return collect(package, "COMMANDS")


def make_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="bundler", description="Turn collected articles into offline editions: EPUB, PDF and archival bundles.")
    parser.add_argument("--version", action="version", version=f"bundler {__version__}")
    parser.add_argument("--quiet", "-q", action="store_true", help="print only errors")
    parser.add_argument(
        "--progress",
        choices=("auto", "lines", "off"),
        default="auto",
        help="auto: a bar on a terminal, nothing otherwise; lines: one line per step on stderr (for logs); off: none",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, command in sorted(commands().items()):
        child = sub.add_parser(name, help=command.help, description=command.help)
        command.add_arguments(child)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    parser = make_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    if not args.command:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    ui = UI(quiet=args.quiet, progress=args.progress)
    try:
        with interrupts.handling():
            code = commands()[args.command].run(args, ui)
            interrupts.check()  # one Python swallowed after the command's last step: still an interrupted run
            return code
    except BundlerError as exc:
        interrupt = _interrupted(exc)
        if interrupt is not None:  # an interrupt some stage reported as its own failure
            return _report_interrupt(ui, interrupt)
        for problem in exc.problems:
            ui.error(problem.render_coded())
        if len(exc.problems) > 1:
            ui.error(f"{len(exc.problems)} problems; nothing was written")
        return EXIT_USER
    except KeyboardInterrupt as exc:
        return _report_interrupt(ui, exc)
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # an internal error (show it, ask for a report), unless the system refused
        interrupt = _interrupted(exc)
        if interrupt is not None:  # Ctrl-C or SIGTERM while a pool started: the pool's own error hides it
            return _report_interrupt(ui, interrupt)
        found = environment_problem(exc)
        if found is not None:  # full disk, read-only folder, permissions: the user's to fix, no traceback
            ui.error(found.render_coded())
            ui.error("nothing half-written was kept")
            return EXIT_USER
        traceback.print_exc()
        ui.error(f"internal error in bundler {__version__}; please report it with the traceback above")
        return EXIT_INTERNAL


def _interrupted(exc: BaseException) -> KeyboardInterrupt | None:
    """The interrupt (Ctrl-C, SIGTERM) behind ``exc`` in its chain of causes, if one is."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, KeyboardInterrupt):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def _report_interrupt(ui: UI, exc: KeyboardInterrupt) -> int:
    """One line for an interrupted command; 143 for SIGTERM, 130 for Ctrl-C."""
    signum = getattr(exc, "signum", None) or interrupts.received()
    if signum == signal.SIGTERM:
        ui.error("interrupted by SIGTERM; nothing half-written was kept")
        return EXIT_TERMINATED
    ui.error("interrupted; nothing half-written was kept")
    return EXIT_INTERRUPTED


def entry_point() -> None:
    """Console-script entry point."""
    sys.exit(main())


if __name__ == "__main__":
    entry_point()
