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

_RESOLVERS_WITHOUT_TIMESTAMPS = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _FrontMatterLoader(yaml.SafeLoader):
    """SafeLoader without implicit timestamps: an impossible date stays text instead of raising ValueError."""

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


def _error(message: str, path: Path, line: int) -> ImportError_:
    return ImportError_(message, code="E120", file=str(path), line=line, hint="fix the YAML between the two '---' lines")
