"""Add piece entries to ``collection.yaml`` as text, keeping the editors' comments and layout.

A YAML round-trip would re-indent and re-quote the whole file; the manifest is the editors'
working document, so instead the new lines are inserted where they belong, found through the
node tree's line marks, and the result is parsed again to prove the entry landed in place.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from bundler.errors import ManifestError
from bundler.manifest.loader import _ManifestLoader

DEFAULT_SECTION = "Pieces"


def yaml_scalar(text: str) -> str:
    """``text`` as a YAML scalar: plain when that reads back unchanged, else double-quoted."""
    try:
        plain_ok = yaml.load(f"k: {text}", Loader=_ManifestLoader) == {"k": text}
    except yaml.YAMLError:
        plain_ok = False
    return text if plain_ok and text.strip() == text and text else json.dumps(text, ensure_ascii=False)


def add_pieces(text: str, entries: list[str], section: str | None, file: str = "collection.yaml") -> str:
    """Return ``text`` with ``entries`` appended to ``section`` (the last section when None; created if missing)."""
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.replace("\r\n", "\n").split("\n")
    root = yaml.compose("\n".join(lines), Loader=_ManifestLoader)
    if not isinstance(root, yaml.MappingNode):
        raise ManifestError("the manifest is not a mapping; fix it before importing", file=file, code="M004")
    sections = _value(root, "sections")
    if sections is None:
        lines = _trim_end(lines) + ["sections:"] + _section_lines(section or DEFAULT_SECTION, entries, 2)
    elif not isinstance(sections, yaml.SequenceNode) or (sections.flow_style and sections.value):
        raise ManifestError(
            "'sections:' is not a block list; fix it before importing", file=file, line=sections.start_mark.line + 1, code="M010"
        )
    else:
        target = _find_section(sections, section)
        placeholder = _placeholder_section(sections)
        if target is None and placeholder is not None:
            lines = _rename_section(lines, placeholder, section or DEFAULT_SECTION)
            lines = _append_to_section(lines, placeholder, entries, file)
        elif target is None:
            lines = _append_section(lines, sections, section or DEFAULT_SECTION, entries)
        else:
            lines = _append_to_section(lines, target, entries, file)
    result = newline.join(lines)
    _prove_added(result, entries, section, file)
    return result


def _value(mapping: yaml.MappingNode, name: str) -> yaml.Node | None:
    for key, value in mapping.value:
        if key.value == name:
            return value
    return None


def _title(node: yaml.Node) -> Any:
    title = _value(node, "title") if isinstance(node, yaml.MappingNode) else None
    return title.value if isinstance(title, yaml.ScalarNode) else None


def _find_section(sections: yaml.SequenceNode, title: str | None) -> yaml.MappingNode | None:
    if title is None:
        return sections.value[-1] if sections.value and isinstance(sections.value[-1], yaml.MappingNode) else None
    matches = [n for n in sections.value if isinstance(n, yaml.MappingNode) and _title(n) == title]
    if not matches:
        folded = [n for n in sections.value if isinstance(n, yaml.MappingNode) and str(_title(n)).casefold() == title.casefold()]
        matches = folded
    return matches[0] if matches else None


def _placeholder_section(sections: yaml.SequenceNode) -> yaml.MappingNode | None:
    """The scaffold's single empty section (``pieces: []``), which a first import should fill, not leave empty."""
    if len(sections.value) != 1 or not isinstance(sections.value[0], yaml.MappingNode):
        return None
    pieces = _value(sections.value[0], "pieces")
    return sections.value[0] if isinstance(pieces, yaml.SequenceNode) and not pieces.value else None


def _rename_section(lines: list[str], section: yaml.MappingNode, title: str) -> list[str]:
    """Replace a section's title scalar in place (same line, comments kept)."""
    node = _value(section, "title")
    if not isinstance(node, yaml.ScalarNode) or node.start_mark.line != node.end_mark.line:
        return lines
    row = node.start_mark.line
    lines = list(lines)
    lines[row] = lines[row][: node.start_mark.column] + yaml_scalar(title) + lines[row][node.end_mark.column :]
    return lines


def _section_lines(title: str, entries: list[str], dash: int) -> list[str]:
    pad = " " * dash
    return [f"{pad}- title: {yaml_scalar(title)}", f"{pad}  pieces:"] + [f"{pad}    - {yaml_scalar(e)}" for e in entries]


def _last_content_line(lines: list[str], node: yaml.Node) -> int:
    """Index of the node's last line that holds content (not blank, not only a comment)."""
    end = node.end_mark.line
    if node.end_mark.column == 0 or not lines[end][: node.end_mark.column].strip():
        end -= 1
    for index in range(min(end, len(lines) - 1), node.start_mark.line - 1, -1):
        stripped = lines[index].strip()
        if stripped and not stripped.startswith("#"):
            return index
    return node.start_mark.line


def _dash_column(lines: list[str], item: yaml.Node) -> int:
    line = lines[item.start_mark.line]
    column = line.rfind("-", 0, item.start_mark.column)
    return column if column >= 0 else item.start_mark.column


def _append_section(lines: list[str], sections: yaml.SequenceNode, title: str, entries: list[str]) -> list[str]:
    if not sections.value:  # "sections: []"
        return _replace_empty_flow(lines, sections, _section_lines(title, entries, 0), 2)
    last = sections.value[-1]
    at = _last_content_line(lines, last) + 1
    return lines[:at] + _section_lines(title, entries, _dash_column(lines, last)) + lines[at:]


def _append_to_section(lines: list[str], section: yaml.MappingNode, entries: list[str], file: str) -> list[str]:
    pieces = _value(section, "pieces")
    if pieces is None:
        at = _last_content_line(lines, section) + 1
        column = section.start_mark.column
        return lines[:at] + [" " * column + "pieces:"] + [" " * column + f"  - {yaml_scalar(e)}" for e in entries] + lines[at:]
    if not isinstance(pieces, yaml.SequenceNode):
        raise ManifestError("this section's 'pieces:' is not a list", file=file, line=pieces.start_mark.line + 1, code="M010")
    if not pieces.value:
        return _replace_empty_flow(lines, pieces, [f"- {yaml_scalar(e)}" for e in entries], section.start_mark.column + 2)
    if pieces.flow_style:
        row, column = pieces.end_mark.line, pieces.end_mark.column - 1  # the closing ']'
        added = "".join(f", {yaml_scalar(e)}" for e in entries)
        lines[row] = lines[row][:column] + added + lines[row][column:]
        return lines
    last = pieces.value[-1]
    at = _last_content_line(lines, last) + 1
    pad = " " * _dash_column(lines, last)
    return lines[:at] + [f"{pad}- {yaml_scalar(e)}" for e in entries] + lines[at:]


def _replace_empty_flow(lines: list[str], node: yaml.SequenceNode, block: list[str], indent: int) -> list[str]:
    """Turn ``key: []  # comment`` into ``key:  # comment`` followed by indented block lines."""
    row = node.start_mark.line
    line = lines[row]
    before, after = line[: node.start_mark.column].rstrip(), line[node.end_mark.column :]
    lines = list(lines)
    lines[row] = before + (("  " + after.strip()) if after.strip() else "")
    return lines[: row + 1] + [" " * indent + b for b in block] + lines[row + 1 :]


def _trim_end(lines: list[str]) -> list[str]:
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return lines


def _prove_added(text: str, entries: list[str], section: str | None, file: str) -> None:
    """Parse the edited text: the entries must be the last pieces of the intended section."""
    try:
        data = yaml.load(text, Loader=_ManifestLoader)
    except yaml.YAMLError as exc:
        raise ManifestError(
            "could not add the entries without breaking the manifest", file=file, code="M061", hint=_by_hand(entries)
        ) from exc
    sections = data.get("sections") if isinstance(data, dict) else None
    candidates = [s for s in sections or () if isinstance(s, dict)]
    if section is not None:
        candidates = [s for s in candidates if str(s.get("title", "")).casefold() == section.casefold()]
    pieces = candidates[-1].get("pieces") if candidates else None
    if not isinstance(pieces, list) or pieces[-len(entries) :] != entries:
        raise ManifestError("could not place the entries in the manifest", file=file, code="M061", hint=_by_hand(entries))


def _by_hand(entries: list[str]) -> str:
    return "add these lines under the section's pieces: by hand: " + "; ".join(f"- {e}" for e in entries)
