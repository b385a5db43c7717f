"""Say what a YAML syntax error in ``collection.yaml`` means, on the line where the editor must act.

PyYAML words its errors for parser writers ("expected <block end>, but found '?'", "mapping
values are not allowed here") and often marks the line *after* the mistake: a key without its
colon is reported on the next line, an unclosed ``[`` where the parser gave up. Editors make
a handful of mistakes over and over (a missing colon, a title with ``: `` in it, a line indented
one step too far or not far enough, a list item without its ``- ``, a bracket or quote left
open); this module recognises each from the error and the lines around it, and names the line
to change and the fix. An error it does not recognise keeps PyYAML's wording and a general hint.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

GENERAL_HINT = "check indentation and that values containing ': ', ' #', '[' or '{' are quoted"

_KEY = re.compile(r"(?P<dash>-\s+)?(?P<key>[^\s:#'\"\[\]{},][^:#]*?):(?:\s|$)")


@dataclass(frozen=True)
class SyntaxAdvice:
    """Where the mistake is (1-based line), what it is, and how to fix it."""

    line: int
    message: str
    hint: str


def explain_yaml_error(text: str, exc: yaml.YAMLError) -> SyntaxAdvice:
    """The line to change, a message and a fix for one YAML syntax error in ``text``."""
    lines = text.splitlines()
    problem = str(getattr(exc, "problem", None) or exc)
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark else 0
    for explain in (_unclosed, _missing_colon_on_key_line, _mapping_value_here, _indented_less):
        advice = explain(lines, problem, str(getattr(exc, "context", None) or ""), mark, context_mark)
        if advice is not None:
            return advice
    context = getattr(exc, "context", None)
    message = f"not valid YAML: {problem}" + (f" ({context})" if context and "found" in problem else "")
    return SyntaxAdvice(line, message, GENERAL_HINT)


def _text(lines: list[str], number: int) -> str:
    """Line ``number`` (1-based) without its end, or "" past the end."""
    return lines[number - 1].rstrip() if 0 < number <= len(lines) else ""


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _previous_content(lines: list[str], number: int) -> int:
    """The number of the nearest line above ``number`` that holds YAML (not blank, not a comment), or 0."""
    for candidate in range(number - 1, 0, -1):
        stripped = _text(lines, candidate).strip()
        if stripped and not stripped.startswith("#"):
            return candidate
    return 0


def _key_column(line: str) -> int:
    """The column a line's key starts at (after a ``- `` that opens a list item)."""
    match = _KEY.match(line.lstrip(" "))
    dash = len(match.group("dash") or "") if match else 0
    return _indent(line) + dash


def _unclosed(lines, problem, context, mark, context_mark) -> SyntaxAdvice | None:
    """A ``[``, ``{`` or quote opened and never closed: name the line it was opened on."""
    if context_mark is None:
        return None
    opened = context_mark.line + 1
    if context.startswith("while parsing a flow sequence"):
        what, close = "'['", "']'"
    elif context.startswith("while parsing a flow mapping"):
        what, close = "'{'", "'}'"
    elif context.startswith("while scanning a quoted scalar"):
        quote = _text(lines, opened)[context_mark.column : context_mark.column + 1] or '"'
        what, close = f"the quote {quote}", quote
    else:
        return None
    message = f"not valid YAML: {what} opened on line {opened} is not closed"
    return SyntaxAdvice(opened, message, f"close it with {close} on line {opened}, or quote the whole value")


def _missing_colon_on_key_line(lines, problem, context, mark, context_mark) -> SyntaxAdvice | None:
    """``publisher Desk Nineteen``: PyYAML says "could not find expected ':'" on the next line."""
    if "could not find expected ':'" not in problem or context_mark is None:
        return None
    return _missing_colon(lines, context_mark.line + 1)


def _missing_colon(lines: list[str], number: int) -> SyntaxAdvice:
    """Line ``number`` holds a key without its colon: show it with the colon put in."""
    written = _text(lines, number).strip()
    dash = "- " if written.startswith("- ") else ""
    words = written.removeprefix(dash).split(None, 1)
    fixed = f"{dash}{words[0]}: {words[1]}" if len(words) == 2 else f"{dash}{words[0] if words else ''}:"
    message = f"not valid YAML: no ':' after the key in {written!r}"
    return SyntaxAdvice(number, message, f"write {fixed!r} (a key, a colon, a space, then the value)")


def _mapping_value_here(lines, problem, context, mark, context_mark) -> SyntaxAdvice | None:
    """ "mapping values are not allowed here": a ': ' inside a value, or a line under one that cannot hold it."""
    if "mapping values are not allowed here" not in problem or mark is None:
        return None
    number = mark.line + 1
    line = _text(lines, number)
    head = line[: mark.column]
    key = _KEY.match(line.lstrip(" "))
    if key and len(line) - len(line.lstrip(" ")) + key.end() <= mark.column:
        value = line.lstrip(" ")[key.end() :].strip()
        quoted = value.replace('"', '\\"')
        hint = f'quote the value: {(key.group("dash") or "")}{key.group("key")}: "{quoted}"'
        return SyntaxAdvice(number, f"not valid YAML: the value on this line contains ': ' ({value!r})", hint)
    above = _previous_content(lines, number)
    if not above or ":" in head:
        return None
    previous = _text(lines, above)
    previous_body = previous.strip().removeprefix("- ").strip()
    if not _KEY.match(previous.lstrip(" ")) and " " in previous_body and not previous_body.startswith(("'", '"', "[", "{")):
        return _missing_colon(lines, above)
    if previous.lstrip(" ").startswith("- ") and not _KEY.match(previous.lstrip(" ")):
        column = _indent(previous)
        message = f"not valid YAML: this line is indented under line {above}, a list item that is already complete"
        hint = f"to make it a new item, begin it with '- ' at column {column + 1}: - {line.strip()}"
        return SyntaxAdvice(number, message, hint)
    if _indent(line) > _key_column(previous):
        column = _key_column(previous)
        message = f"not valid YAML: this line is indented more than line {above} above it, which already has its value"
        hint = f"line it up with line {above} (start its key at column {column + 1}, {column} spaces), or put '- ' before a new list item"
        return SyntaxAdvice(number, message, hint)
    return None


def _indented_less(lines, problem, context, mark, context_mark) -> SyntaxAdvice | None:
    """ "expected <block end>": a line indented less than the mapping it belongs to, yet more than its parent."""
    if not problem.startswith("expected <block end>") or mark is None:
        return None
    number = mark.line + 1
    above = _previous_content(lines, number)
    if not above:
        return None
    column = _key_column(_text(lines, above))
    message = f"not valid YAML: this line does not line up with line {above} above it"
    hint = f"start its key at column {column + 1} ({column} spaces) to go on with that entry, or begin it with '- ' for a new list item"
    return SyntaxAdvice(number, message, hint)
