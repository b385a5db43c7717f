"""Read ``collection.yaml`` keeping line numbers, so every problem can say where it is.

PyYAML alone is too lenient for an editors' file: it keeps the last of two duplicate keys,
turns ``2016-02-30`` into a crash, and expands aliases without limit. This loader composes
the node tree first (which keeps every line), checks it, then constructs the data.

Reading uses PyYAML's libyaml composer (six times faster than the pure-Python one on a
10,000-piece manifest; ruamel.yaml, which ``edit`` uses to keep comments, is three times
slower than the pure-Python one there). A document libyaml rejects is parsed again by the
pure-Python loader, so a syntax error reads the same wherever libyaml is missing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bundler.errors import ManifestError, Problem
from bundler.manifest.characters import find_unwritable_characters
from bundler.manifest.document import MANIFEST_NAME, Manifest
from bundler.manifest.editions import FormatTable
from bundler.manifest.schema import validate_manifest
from bundler.manifest.validated import validate_remembered
from bundler.manifest.yaml_syntax import explain_yaml_error
from bundler.yaml_text import each_node, unconvertible_scalar, unreadable_character

__all__ = ["MANIFEST_NAME", "Manifest", "find_manifest", "load_manifest"]

MAX_MANIFEST_BYTES = 4_000_000  # a table of contents (10,000 pieces with overrides), not a data dump
MAX_ALIAS_VALUES = 20_000  # aliases may repeat a value, not explode it (billion laughs)
_UTF8_BOM = b"\xef\xbb\xbf"
_OTHER_BOMS = (b"\xff\xfe", b"\xfe\xff")


_RESOLVERS_WITHOUT_TIMESTAMPS = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _ManifestLoader(yaml.SafeLoader):
    """SafeLoader without implicit timestamps: dates stay text, so impossible ones can be reported."""

    yaml_implicit_resolvers = _RESOLVERS_WITHOUT_TIMESTAMPS


class _FastManifestLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when PyYAML was built with it
    """The same loader on libyaml's parser; its error messages differ, so errors are re-read by ``_ManifestLoader``."""

    yaml_implicit_resolvers = _RESOLVERS_WITHOUT_TIMESTAMPS


def find_manifest(collection: str | Path) -> Path:
    """Accept a collection folder or a manifest file and return the manifest's path."""
    path = Path(collection)
    if path.is_dir():
        path = path / MANIFEST_NAME
    if not path.is_file():
        hint = 'create one with: bundler new DIR --title "..."' if path.name == MANIFEST_NAME else ""
        raise ManifestError(f"no collection manifest at {path}", file=str(path), code="M001", hint=hint)
    return path


def load_manifest(collection: str | Path, *, formats: FormatTable | None = None, validate: bool = True, remember: bool = False) -> Manifest:
    """Parse the manifest and validate it, reporting every problem at once.

    Validation needs the formats its editions may name (``bundler.exporters.formats()``): the
    exporters sit above the manifest, so the caller passes them in. Without them only
    ``validate=False`` (parse, lines, duplicate keys) is possible, never a silent half-check.
    ``remember``: a clean validation is kept in the collection's cache and not repeated while
    the manifest, the files it names and bundler are unchanged (``manifest.validated``; builds).
    """
    if validate and formats is None:
        raise TypeError("load_manifest needs formats= (bundler.exporters.formats()) to validate the editions, or validate=False")
    path = find_manifest(collection)
    text = read_manifest_text(path)
    node, data = parse_manifest_text(text, path)
    lines: dict[str, int] = {}
    record_lines(node, "", lines)
    manifest = Manifest(path=path, data=data, lines=lines, text=text)
    problems = find_duplicate_keys(node, str(path)) + find_unwritable_characters(node, str(path))
    if validate:
        problems += validate_remembered(manifest, formats) if remember else validate_manifest(manifest, formats)
    if problems:
        raise ManifestError(problems=sorted(problems, key=lambda p: (p.line, p.key)))
    return manifest


def read_manifest_text(path: Path) -> str:
    """The manifest as text: bounded size, UTF-8 (an initial UTF-8 BOM is tolerated), no tab indents."""
    where = {"file": str(path)}
    size = path.stat().st_size
    if size > MAX_MANIFEST_BYTES:
        raise ManifestError(
            f"manifest is {size:,} bytes; the limit is {MAX_MANIFEST_BYTES:,}",
            code="M008",
            hint="a manifest lists files; keep long texts in Markdown files it names",
            **where,
        )
    raw = path.read_bytes()
    if raw.startswith(_OTHER_BOMS):
        raise ManifestError("manifest is UTF-16 text, not UTF-8", line=1, code="M002", hint="save it as UTF-8", **where)
    raw = raw.removeprefix(_UTF8_BOM)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ManifestError(
            f"manifest is not UTF-8 text (byte 0x{raw[exc.start]:02x})", line=line, code="M002", hint="save it as UTF-8", **where
        ) from exc
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        raise ManifestError(
            "the manifest is empty", line=1, code="M005", hint="a manifest needs at least title: and sections: (see bundler new)", **where
        )
    bad = unreadable_character(text)
    if bad is not None:
        raise ManifestError(
            f"{bad.message} (column {bad.column})",
            line=bad.line,
            code="M014",
            hint="remove it: a manifest is text, and no edition can show a control character",
            **where,
        )
    tabs = [
        Problem("tab in indentation", code="M006", line=n, hint="YAML indents with spaces only", **where)
        for n, ln in enumerate(text.splitlines(), 1)
        if "\t" in ln[: len(ln) - len(ln.lstrip())]
    ]
    if tabs:
        raise ManifestError(problems=tabs)
    return text


def parse_manifest_text(text: str, path: Path) -> tuple[yaml.Node, dict[str, Any]]:
    """Compose and construct one YAML document, refusing alias bombs and non-mapping roots."""
    try:
        return _parse_with(_FastManifestLoader, text, path)
    except ManifestError as exc:
        if exc.problems[0].code != "M003":
            raise
    return _parse_with(_ManifestLoader, text, path)  # the pure-Python parser words the syntax error


def _parse_with(loader_class: type, text: str, path: Path) -> tuple[yaml.Node, dict[str, Any]]:
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            check_expansion(node, str(path))
            bad = unconvertible_scalar(node)
            if bad is not None:
                raise ManifestError(bad.message, file=str(path), line=bad.line, code="M015")
            keys_as_text(node)
            data = loader.construct_document(node)
        else:
            data = None
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, path, text) from exc
    except RecursionError as exc:
        raise ManifestError("manifest is nested too deeply", file=str(path), code="M009") from exc
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else "a single value" if data is not None else "empty"
        raise ManifestError(
            f"the manifest must be a mapping of keys (title:, sections:, ...), but it is {kind}",
            file=str(path),
            line=node.start_mark.line + 1 if node is not None else 1,
            code="M004",
            hint="start with 'title: ...' at the left margin, not with '- '",
        )
    return node, data


_NOT_TEXT_KEYS = ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")


def keys_as_text(root: yaml.Node) -> None:
    """Make every mapping key the text it is written as: ``yes:`` is the key 'yes', not True.

    Every key bundler knows is a name; YAML 1.1 read ``yes:``, ``on:``, ``~:`` or ``3:`` as True,
    None or 3, and the manifest's check then reported "unknown key True" on the wrong line, a
    key the user never wrote. (A merge key ``<<`` is left as it is.)
    """
    for node in each_node(root):
        if isinstance(node, yaml.MappingNode):
            for key_node, _value in node.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.tag in _NOT_TEXT_KEYS:
                    key_node.tag = "tag:yaml.org,2002:str"


def _yaml_error(exc: yaml.YAMLError, path: Path, text: str) -> ManifestError:
    """A syntax error on the line to change, with what is wrong and the fix (``yaml_syntax``)."""
    advice = explain_yaml_error(text, exc)
    return ManifestError(advice.message, file=str(path), line=advice.line, code="M003", hint=advice.hint)


def check_expansion(root: yaml.Node, file: str) -> None:
    """Refuse recursive aliases, and aliases that add more than ``MAX_ALIAS_VALUES`` values
    (or, in a longer manifest, more values than it writes out: aliases may at most double it).

    Only what aliases add counts (the expanded size less the nodes written in the file): a
    10,000-piece dossier with per-piece overrides is large but harmless; a "billion laughs"
    document is small and explodes. Sizes are memoised per node, so the check is linear in
    the file even when the expansion is astronomically large.
    """
    sizes: dict[int, int] = {}
    references: dict[int, int] = {}
    nodes: dict[int, yaml.Node] = {}
    visiting: set[int] = set()

    def size(node: yaml.Node) -> int:
        references[id(node)] = references.get(id(node), 0) + 1
        if id(node) in sizes:
            return sizes[id(node)]
        if id(node) in visiting:
            raise ManifestError(
                "an alias refers to the value that contains it (a cycle)", file=file, line=node.start_mark.line + 1, code="M009"
            )
        visiting.add(id(node))
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(item) for item in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        visiting.discard(id(node))
        sizes[id(node)] = total
        nodes[id(node)] = node
        return total

    added = size(root) - len(sizes)
    if added > max(MAX_ALIAS_VALUES, len(sizes)):  # a long manifest may use aliases as often as a short one
        worst = max((n for n in nodes if references[n] > 1), key=lambda n: (references[n] - 1) * sizes[n])
        raise ManifestError(
            f"aliases expand the manifest to more than {MAX_ALIAS_VALUES:,} values beyond those written in it ({added:,} more)",
            file=file,
            line=nodes[worst].start_mark.line + 1,
            code="M009",
            hint="write the values out instead of nesting aliases",
        )


def find_duplicate_keys(node: yaml.Node, file: str, prefix: str = "", seen_nodes: set[int] | None = None) -> list[Problem]:
    """Every key written twice in one mapping (PyYAML would silently keep the last)."""
    seen_nodes = set() if seen_nodes is None else seen_nodes
    if id(node) in seen_nodes:
        return []
    seen_nodes.add(id(node))
    found: list[Problem] = []
    if isinstance(node, yaml.MappingNode):
        first: dict[str, int] = {}
        for key_node, value_node in node.value:
            name = str(key_node.value)
            key = f"{prefix}.{name}" if prefix else name
            line = key_node.start_mark.line + 1
            if name in first:
                found.append(
                    Problem(
                        f"duplicate key {name!r} (first at line {first[name]})",
                        code="M007",
                        file=file,
                        line=line,
                        key=key,
                        hint="YAML keeps only the last one; merge them",
                    )
                )
            else:
                first[name] = line
            found += find_duplicate_keys(value_node, file, key, seen_nodes)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            found += find_duplicate_keys(item, file, f"{prefix}[{index}]", seen_nodes)
    return found


def record_lines(node: yaml.Node, prefix: str, lines: dict[str, int], depth: int = 0) -> None:
    """Map every key path to the line where it is written (a repeated key: the last, as in the data)."""
    if depth > 50:
        return
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = f"{prefix}.{key_node.value}" if prefix else str(key_node.value)
            lines[key] = key_node.start_mark.line + 1
            record_lines(value_node, key, lines, depth + 1)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            key = f"{prefix}[{index}]"
            lines[key] = item.start_mark.line + 1
            record_lines(item, key, lines, depth + 1)
