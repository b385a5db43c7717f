"""Read ``collection.yaml`` keeping line numbers, so every problem can say where it is."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bundler.errors import ManifestError, Problem

MANIFEST_NAME = "collection.yaml"


@dataclass(frozen=True)
class Manifest:
    """A parsed manifest: its data, where it lives, and the line of every key path."""

    path: Path
    data: dict[str, Any]
    lines: dict[str, int] = field(default_factory=dict)

    @property
    def root(self) -> Path:
        """The collection folder; every path in the manifest is relative to it."""
        return self.path.parent

    def line(self, key: str) -> int:
        """The line of ``key`` (e.g. ``sections[0].pieces[2]``), or of its nearest parent."""
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key.rsplit(".", 1)[0] if "." in key else (key.rsplit("[", 1)[0] if "[" in key else "")
        return 1


def find_manifest(collection: str | Path) -> Path:
    """Accept a collection folder or a manifest file and return the manifest's path."""
    path = Path(collection)
    if path.is_dir():
        path = path / MANIFEST_NAME
    if not path.exists():
        hint = 'create one with: bundler new DIR --title "..."' if path.name == MANIFEST_NAME else ""
        raise ManifestError(f"no collection manifest at {path}", file=str(path), code="M001", hint=hint)
    return path


def load_manifest(collection: str | Path) -> Manifest:
    """Parse the manifest and validate it, reporting every problem at once."""
    from bundler.manifest.schema import validate_manifest

    path = find_manifest(collection)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ManifestError("manifest is not UTF-8 text", file=str(path), code="M002", hint="save it as UTF-8") from exc
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark else 0
        problem = getattr(exc, "problem", None) or str(exc)
        raise ManifestError(
            f"not valid YAML: {problem}",
            file=str(path),
            line=line,
            code="M003",
            hint="check indentation and that values with ':' or '#' are quoted",
        ) from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ManifestError("the manifest must be a mapping of keys (title:, sections:, ...)", file=str(path), line=1, code="M004")
    lines: dict[str, int] = {}
    _record_lines(node, "", lines)
    manifest = Manifest(path=path, data=data, lines=lines)
    problems = validate_manifest(manifest)
    if problems:
        raise ManifestError(problems=problems)
    return manifest


def _record_lines(node, prefix: str, lines: dict[str, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = f"{prefix}.{key_node.value}" if prefix else str(key_node.value)
            lines[key] = key_node.start_mark.line + 1
            _record_lines(value_node, key, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            key = f"{prefix}[{index}]"
            lines[key] = item.start_mark.line + 1
            _record_lines(item, key, lines)


def problem(manifest: Manifest, key: str, message: str, code: str, hint: str = "") -> Problem:
    """A problem located at ``key`` in ``manifest``."""
    return Problem(message, code=code, file=str(manifest.path), line=manifest.line(key), key=key, hint=hint)
