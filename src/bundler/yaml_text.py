"""What YAML text must be checked for before PyYAML reads it: the two ways it crashes instead of erring.

PyYAML refuses a raw NUL or other control character with a ``ReaderError`` raised while the
loader is being *made* (outside the ``try`` that wraps parsing), and it constructs an integer
with ``int()``, so a number of more than 4,300 digits (Python's limit on converting strings to
integers) or a scalar given an explicit tag it cannot hold (``!!int abc``, ``!!timestamp
2016-02-30``) is a ``ValueError`` from deep inside the constructor: in both cases a traceback
naming neither the file nor the line. The manifest's loader and the Markdown front matter's
loader ask here first and turn the answer into their own located error.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

import yaml
from yaml.constructor import SafeConstructor

#: YAML 1.1's printable set, as PyYAML's reader checks it: everything else is refused before parsing.
_NOT_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
#: Python refuses to convert longer digit strings to int (``sys.get_int_max_str_digits``'s default).
MAX_NUMBER_DIGITS = 4300
#: Tags whose plain scalars the safe constructor converts (and may fail to); ``str`` needs no check.
_CONVERTED = {f"tag:yaml.org,2002:{name}" for name in ("int", "float", "bool", "null", "timestamp", "binary")}
_NAMES = {0: "NUL", 0x1B: "ESC", 0x7F: "DEL", 0xFFFE: "U+FFFE", 0xFFFF: "U+FFFF"}


@dataclass(frozen=True)
class YamlTextProblem:
    """Where the text cannot be read, and why, for the caller to put in its own coded error."""

    line: int  # 1-based
    column: int  # 1-based
    message: str


def character_name(char: str) -> str:
    """A control character as a user can look it up: ``NUL``, ``ESC``, ``U+0001``."""
    code = ord(char)
    return _NAMES.get(code) or f"U+{code:04X}" + (f" {unicodedata.name(char)}" if unicodedata.name(char, "") else "")


def unreadable_character(text: str) -> YamlTextProblem | None:
    """The first character YAML cannot hold in its text (NUL, other C0 and C1 controls, lone surrogates)."""
    bad = _NOT_PRINTABLE.search(text)
    if bad is None:
        return None
    line_start = text.rfind("\n", 0, bad.start()) + 1
    return YamlTextProblem(
        line=text.count("\n", 0, bad.start()) + 1,
        column=bad.start() - line_start + 1,
        message=f"holds the control character {character_name(bad.group())}, which YAML text cannot hold",
    )


def each_node(root: yaml.Node | None) -> Iterator[yaml.Node]:
    """Every node under ``root`` once, in the order the text writes them.

    A loop, not recursion: the text may be nested as deep as the composer allowed, and an alias
    makes a node appear twice (it is visited once).
    """
    seen: set[int] = set()
    pending = [root] if root is not None else []
    while pending:
        node = pending.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        if isinstance(node, yaml.MappingNode):
            pending += [part for pair in reversed(node.value) for part in reversed(pair)]
        elif isinstance(node, yaml.SequenceNode):
            pending += reversed(node.value)


def unconvertible_scalar(root: yaml.Node | None) -> YamlTextProblem | None:
    """The first scalar the safe constructor would fail on with a Python error rather than a YAML one.

    Only scalars it converts are tried (numbers, booleans, dates, ``!!binary``): each alone, so the
    answer names its line. Strings, the bulk of a manifest, are not converted and cost nothing.
    """
    constructor = SafeConstructor()
    for node in each_node(root):
        if isinstance(node, yaml.ScalarNode) and node.tag in _CONVERTED:
            problem = _convert(constructor, node)
            if problem:
                return YamlTextProblem(line=node.start_mark.line + 1, column=node.start_mark.column + 1, message=problem)
    return None


def _convert(constructor: SafeConstructor, node: yaml.ScalarNode) -> str:
    digits = sum(c.isdigit() for c in node.value)
    if node.tag.endswith(":int") and digits > MAX_NUMBER_DIGITS:
        return f"a number of {digits:,} digits is too long to read (the limit is {MAX_NUMBER_DIGITS:,}); quote it to keep it as text"
    try:
        constructor.construct_object(node)
    except (ValueError, OverflowError, TypeError) as exc:
        shown = node.value if len(node.value) <= 40 else node.value[:40] + "…"
        return f"{shown!r} cannot be read as {node.tag.rsplit(':', 1)[-1]} ({exc}); quote it to keep it as text"
    except yaml.YAMLError:
        return ""  # the loader reports it, located, in its own words
    finally:
        constructor.constructed_objects.clear()
    return ""
