"""Reading a Markdown file's YAML front matter safely: no timestamps, no alias bombs.

PyYAML's ``safe_load`` turns ``date: 2016-02-30`` into a ValueError deep in its constructor (a
traceback, not a located error) and builds an alias "billion laughs" by reference, so a title
made of nine nested aliases became a 387-million-item string only when bundler printed it. This
loader keeps dates as text (the importer parses them, and says when one is not a date) and
counts what aliases expand to before anything is built, as the manifest's loader does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bundler.errors import ImportError_
from bundler.yaml_text import unconvertible_scalar, unreadable_character

MAX_FRONT_MATTER_VALUES = 10_000  # a few dozen keys of metadata; aliases may repeat values, not explode them

#: Plain values are read as text: no field of front matter is a date, a number or a yes/no, and YAML 1.1 would
#: make ``title: No`` the title "False", ``title: 1e3`` "1000.0" and ``date: 2016-02-30`` a ValueError. Only an
#: empty value (or ``~``) is read as nothing.
_AS_TEXT = ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
_RESOLVERS_WITHOUT_TIMESTAMPS = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _AS_TEXT]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
#: Keys the importer reads as one line of text, and those it reads as a name or a list of names.
TEXT_KEYS = ("title", "standfirst", "summary", "description", "date", "source_url", "url", "site", "slug", "language", "lang")
NAME_KEYS = ("authors", "author")


class _FrontMatterLoader(yaml.SafeLoader):
    """SafeLoader reading plain values as text (no implicit dates, numbers or booleans): see ``_AS_TEXT``."""

    yaml_implicit_resolvers = _RESOLVERS_WITHOUT_TIMESTAMPS


def load_front_matter(source: str, path: Path) -> dict[str, Any]:
    """The front matter's mapping; a located E120 for YAML that is invalid, not a mapping, or an alias bomb."""
    bad = unreadable_character(source)
    if bad is not None:
        raise _error(f"front matter {bad.message} (column {bad.column})", path, bad.line + 1)
    loader = _FrontMatterLoader(source)
    try:
        node = loader.get_single_node()
        if node is not None and _expanded_size(node, {}) > MAX_FRONT_MATTER_VALUES:
            raise _error(f"aliases expand the front matter to more than {MAX_FRONT_MATTER_VALUES:,} values", path, 2)
        bad = unconvertible_scalar(node)
        if bad is not None:
            raise _error(f"front matter: {bad.message}", path, bad.line + 1)
        if isinstance(node, yaml.MappingNode):
            _check_shapes(node, path)
        meta = loader.construct_document(node) if node is not None else {}
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", 0) + 2
        raise _error(f"front matter is not valid YAML: {getattr(exc, 'problem', None) or exc}", path, line) from exc
    except RecursionError as exc:
        raise _error("front matter is nested too deeply", path, 2) from exc
    finally:
        loader.dispose()
    if not isinstance(meta, dict):
        raise _error("front matter must be a mapping of keys to values", path, 2)
    return meta or {}


def _check_shapes(root: yaml.MappingNode, path: Path) -> None:
    """E120 at its line for a known key whose value has the wrong shape, rather than its Python form as the value.

    ``authors: [[a], {b: c}]`` became the names "['a']" and "{'b': 'c'}", and ``title: [a, b]`` the
    title "['a', 'b']": a piece that looks imported and is wrong in every edition.
    """
    for key_node, value in root.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else ""
        line = value.start_mark.line + 2  # the opening '---' is line 1
        if key in TEXT_KEYS and not isinstance(value, yaml.ScalarNode):
            kind = "a list" if isinstance(value, yaml.SequenceNode) else "a mapping"
            raise _error(f"front matter {key!r} must be text, not {kind}", path, line, hint=f"write it on one line: {key}: …")
        if key in NAME_KEYS and isinstance(value, yaml.MappingNode):
            raise _error(f"front matter {key!r} must be a name or a list of names, not a mapping", path, line, hint=_NAMES_HINT)
        if key in NAME_KEYS and isinstance(value, yaml.SequenceNode):
            for item in value.value:
                if not isinstance(item, yaml.ScalarNode):
                    kind = "a list" if isinstance(item, yaml.SequenceNode) else "a mapping"
                    raise _error(
                        f"front matter {key!r} must list names, and one of them is {kind}",
                        path,
                        item.start_mark.line + 2,
                        hint=_NAMES_HINT,
                    )


_NAMES_HINT = "write one name (author: Ada Lovelace) or a list of names (authors: [Ada Lovelace, Mary Somerville])"


def _expanded_size(node: yaml.Node, sizes: dict[int, int]) -> int:
    """How many values ``node`` holds once every alias is expanded (each shared node measured once)."""
    known = sizes.get(id(node))
    if known is not None:
        return known
    sizes[id(node)] = 1  # a recursive alias counts once here; PyYAML's composer refuses it anyway
    if isinstance(node, yaml.SequenceNode):
        total = 1 + sum(_expanded_size(child, sizes) for child in node.value)
    elif isinstance(node, yaml.MappingNode):
        total = 1 + sum(_expanded_size(key, sizes) + _expanded_size(value, sizes) for key, value in node.value)
    else:
        total = 1
    sizes[id(node)] = total
    return total


def _error(message: str, path: Path, line: int, hint: str = "fix the YAML between the two '---' lines") -> ImportError_:
    return ImportError_(message, code="E120", file=str(path), line=line, hint=hint)
