"""Errors and warnings that carry where and what to do; only the CLI renders them."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One problem found in the user's input: what, where, and what to do about it."""

    message: str
    code: str = ""  # from the catalogue in bundler.codes; every raise and warning names one
    file: str = ""
    line: int = 0
    key: str = ""  # manifest key path, e.g. "sections[1].pieces[3]"
    hint: str = ""

    def render(self) -> str:
        """Render as ``file:line: key: message (hint)`` for the terminal."""
        where = self.file
        if self.file and self.line:
            where = f"{self.file}:{self.line}"
        parts = [p for p in (where, self.key) if p]
        head = ": ".join(parts + [self.message])
        return f"{head}\n  ({self.hint})" if self.hint else head

    def render_coded(self) -> str:
        """``CODE file:line: key: message``: how the CLI shows it, so the code can be looked up in the README."""
        return f"{self.code} {self.render()}" if self.code else self.render()


class BundlerError(Exception):
    """A problem with the user's input. The CLI prints it and exits with status 1."""

    def __init__(self, message: str = "", *, problems: list[Problem] | None = None, **where) -> None:
        if problems is None:
            problems = [Problem(message, **where)]
        self.problems = list(problems)
        super().__init__("\n".join(p.render() for p in self.problems))


class ImportError_(BundlerError):
    """A source could not be imported (unreadable, empty, not an article)."""


class ManifestError(BundlerError):
    """The collection manifest is invalid; carries every problem found at once."""


class ExportError(BundlerError):
    """An edition could not be written (e.g. over its size budget)."""


@dataclass
class Report:
    """Warnings collected during a build, with stable codes, for the build report."""

    warnings: list[Problem] = field(default_factory=list)

    def warn(self, message: str, code: str, **where) -> None:
        """Record a recoverable problem under its catalogued code (a warning, or a routine note)."""
        self.warnings.append(Problem(message, code=code, **where))
