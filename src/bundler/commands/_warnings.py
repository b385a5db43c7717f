"""How ``build``, ``check``, ``bag`` and ``import`` show warnings: one line per code, or every line.

A real dossier can raise a hundred warnings, most of them routine (a remote photo not
fetched, alt text filled in). Printed one by one they bury the one that matters, such as
an article imported empty, so by default each code gets one line: how many times, in
which pieces. ``--verbose`` prints every warning as before. ``--strict`` fails on
warnings, never on routine notes, so it can be used on real pages.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from bundler.codes import CODES, NOTE, severity, split_coded
from bundler.errors import Problem

if TYPE_CHECKING:
    from bundler.model import Piece

#: How many pieces a summary line names before it says "and N more".
NAMED_PLACES = 4


def show_report(ui, problems: list[Problem], verbose: bool = False) -> None:
    """Print the report: every problem when ``verbose``, else one line per code."""
    if verbose:
        for problem in problems:
            ui.problem(problem)
        return
    by_code: dict[str, list[Problem]] = defaultdict(list)
    for problem in problems:
        by_code[problem.code].append(problem)
    for code in sorted(by_code, key=lambda c: (severity(c) == NOTE, c)):
        group = by_code[code]
        if len(group) == 1:
            ui.problem(group[0])
        else:
            ui.problem(Problem(summary_line(code, group), code=code))
    if any(len(group) > 1 for group in by_code.values()):
        ui.note(_totals(problems))


def show_piece_warnings(ui, where: str, stored: tuple[str, ...]) -> None:
    """What ``bundler import`` says about one piece it added: every warning, each routine note once with its count."""
    problems = [Problem(message, code=code, file=where) for code, message in map(split_coded, stored)]
    for problem in problems:
        if severity(problem.code) != NOTE:
            ui.problem(problem)
    notes: dict[str, list[Problem]] = defaultdict(list)
    for problem in problems:
        if severity(problem.code) == NOTE:
            notes[problem.code].append(problem)
    for code, group in sorted(notes.items()):
        if len(group) == 1:
            ui.problem(group[0])
        else:
            summary = CODES[code].summary if code in CODES else group[0].message
            ui.problem(Problem(f"{summary} — {len(group)} times", code=code, file=where))


def summary_line(code: str, group: list[Problem]) -> str:
    """``summary — N times in K pieces: a, b, c and 2 more`` for one code."""
    entry = CODES.get(code)
    summary = entry.summary if entry else group[0].message
    places = list(dict.fromkeys(p.file for p in group if p.file))
    line = f"{summary} — {len(group)} times"
    if places:
        noun = "piece" if entry and entry.stage == "import" else "file"
        named = ", ".join(places[:NAMED_PLACES]) + (f" and {len(places) - NAMED_PLACES} more" if len(places) > NAMED_PLACES else "")
        line += f" in {len(places)} {noun}{'s' if len(places) > 1 else ''}: {named}"
    return line


def _totals(problems: list[Problem]) -> str:
    warnings = len(strict_failures(problems))
    notes = len(problems) - warnings
    return f"{warnings} warning(s) and {notes} note(s) in all; --verbose prints each one"


def strict_failures(problems: list[Problem]) -> list[Problem]:
    """The problems ``--strict`` fails on: warnings (and anything uncatalogued), not routine notes."""
    return [p for p in problems if severity(p.code) != NOTE]


#: Importer warnings that make ``bundler import`` and ``bundler extract`` refuse a page unless ``--allow-empty`` is given.
EMPTY_BODY_CODES = ("W130", "W131")


_EMPTY_PAGE_HINT = (
    "open the page in a browser: if it shows no article (a consent or login wall, an article loaded by script), "
    "save it again once it does; if it does, bundler missed the text: import it with --allow-empty and please report the page"
)
#: A text or Markdown file has no browser view: its writer only has to put the article under the title.
_EMPTY_FILE_HINT = "write the article under its title (a blank line after the title line), or import it with --allow-empty"


def empty_body_refusals(piece: Piece, given: str, allow_empty: bool) -> list[Problem]:
    """An ``E115`` problem for a piece whose article came out empty or far smaller than its page.

    Such a page is usually a consent wall, a login page or an article loaded by script: kept
    silently, it would sit in an evidence dossier as a title with no text.
    """
    if allow_empty:
        return []
    found = [split_coded(w) for w in piece.provenance.warnings]
    what = "; ".join(message for code, message in found if code in EMPTY_BODY_CODES)
    if not what:
        return []
    page = f" ({piece.source_url})" if piece.source_url and piece.provenance.importer == "warc" else ""
    return [
        Problem(
            f"refused{page}: {what}",
            code="E115",
            file=given,
            hint=_EMPTY_FILE_HINT if piece.provenance.importer in ("text", "markdown") else _EMPTY_PAGE_HINT,
        )
    ]
