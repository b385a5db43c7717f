"""Errors and warnings that carry where and what to do; only the CLI renders them."""

from __future__ import annotations

import errno
import re
from dataclasses import dataclass, field

#: What a terminal must not be handed raw: C0 controls (but the line end messages are built with), DEL, C1
#: controls, and the bidi embeddings, overrides and isolates, which reorder the rest of the line (a file named
#: ``evil\u202egpj.html`` shows as ``evilhtml.jpg``). Arabic letters and the marks LRM/RLM stay as they are.
_UNSHOWABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def shown(text: str, *, lines: bool = True) -> str:
    """``text`` safe to print on a terminal: each control or bidi override written as its escape (``\\x1b``,
    ``\\u202e``), so a file name or title cannot colour, move or reorder the line it is shown in.
    ``lines=False`` escapes line ends too (a file name, where one would forge a new message line)."""
    pattern = _UNSHOWABLE if lines else _UNSHOWABLE_OR_LINE_END
    return pattern.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", text)


_UNSHOWABLE_OR_LINE_END = re.compile(_UNSHOWABLE.pattern[:-1] + "\n\r]")


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


_SPACE_HINT = "free some space there, or write elsewhere: --out DIR for editions, BUNDLER_CACHE_DIR=DIR or --no-cache for the cache, TMPDIR=DIR for temporary files"
_ACCESS_HINT = "check the folder's owner and permissions, or write elsewhere (--out DIR, BUNDLER_CACHE_DIR=DIR or --no-cache)"
_FILES_HINT = "raise the limit (e.g. 'ulimit -n 4096') or use fewer workers (--jobs 1)"
#: errno -> (code, what went wrong, what to do): failures of the environment that a user can fix, not bugs.
OS_ERRORS: dict[int, tuple[str, str, str]] = {
    errno.ENOSPC: ("E701", "no space left on the disk", _SPACE_HINT),
    errno.EDQUOT: ("E701", "the disk quota is used up", _SPACE_HINT),
    errno.EFBIG: ("E701", "the file is larger than this system allows", _SPACE_HINT),
    errno.EROFS: (
        "E702",
        "the file system is read-only",
        "write elsewhere: --out DIR for editions, BUNDLER_CACHE_DIR=DIR or --no-cache for the cache",
    ),
    errno.EACCES: ("E703", "permission denied", _ACCESS_HINT),
    errno.EPERM: ("E703", "operation not permitted", _ACCESS_HINT),
    errno.ENAMETOOLONG: ("E704", "the file name is too long", "use a shorter output folder, collection path or file name"),
    errno.EMFILE: ("E705", "too many open files", _FILES_HINT),
    errno.ENFILE: ("E705", "too many open files in the system", _FILES_HINT),
    errno.EIO: ("E706", "input/output error", "the disk may be failing: copy the collection to another disk and build again"),
    errno.ENOTDIR: ("E707", "a folder was expected but a file is in the way", "move the file, or choose another folder"),
    errno.EISDIR: ("E707", "a file was expected but a folder is in the way", "move the folder, or choose another name"),
    errno.ELOOP: ("E830", "a symbolic link points back at itself (a loop)", "remove the link, or point it at a real file"),
}
#: Python before 3.13 reports a symbolic-link loop met by ``Path.resolve()`` as this RuntimeError, not as ELOOP.
_SYMLINK_LOOP = re.compile(r"^Symlink loop from '(.*)'$")


def environment_problem(exc: BaseException) -> Problem | None:
    """The user-fixable operating-system failure (full disk, read-only, permissions...) behind ``exc``, or None.

    Follows the chain of causes, since libraries wrap what the system said.
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in OS_ERRORS:
            code, what, hint = OS_ERRORS[current.errno]
            paths = [str(p) for p in (current.filename, current.filename2) if p not in (None, "")]
            where = " -> ".join(paths) if paths else "(the system did not say which file)"
            return Problem(f"{what}: {where}", code=code, hint=hint)
        loop = _SYMLINK_LOOP.match(str(current)) if type(current) is RuntimeError else None
        if loop:
            code, what, hint = OS_ERRORS[errno.ELOOP]
            return Problem(f"{what}: {loop.group(1)}", code=code, hint=hint)
        current = current.__cause__ or current.__context__
    return None


def naming(exc: OSError, path: object) -> OSError:
    """``exc`` with ``path`` as its file name when the system gave none (a failed write names no file)."""
    if exc.filename is not None or exc.errno is None:
        return exc
    named = type(exc)(exc.errno, exc.strerror or "", str(path))
    named.__cause__ = exc.__cause__
    return named
