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


# --- removing and moving one piece entry (``bundler remove``, ``bundler move``) -----------------


def remove_piece(text: str, entry: str, file: str = "collection.yaml") -> tuple[str, bool]:
    """Return ``text`` without the piece entry ``entry``, and whether its section was left empty.

    The entry's lines go (a mapping entry's overrides with it); every other line, comments
    included, stays as it was. A section left with no pieces gets ``pieces: []``.
    """
    newline = "\r\n" if "\r\n" in text else "\n"
    lines, _block, emptied = _cut_piece(text.replace("\r\n", "\n").split("\n"), entry, file)
    result = newline.join(lines)
    _prove_entry(result, entry, None, file)
    return result, emptied


def _cut_piece(lines: list[str], entry: str, file: str) -> tuple[list[str], list[str], bool]:
    """The lines without ``entry``'s item, the item's lines (dedented to its dash), and whether its section emptied."""
    section, pieces, index = _locate_piece(lines, entry, file)
    start, end = _item_span(lines, pieces, index)
    block = _dedent(lines[start:end], _dash_column(lines, pieces.value[index]))
    lines = list(lines)
    emptied = len(pieces.value) == 1
    if emptied:
        key = next(k for k, v in section.value if v is pieces)
        row = key.start_mark.line
        lines[row] = lines[row][: key.end_mark.column] + ": []" + _trailing_comment(lines[row][key.end_mark.column :])
    return lines[:start] + lines[end:], block, emptied


def move_piece(
    text: str, entry: str, section: str, *, before: str | None = None, after: str | None = None, file: str = "collection.yaml"
) -> tuple[str, bool]:
    """Return ``text`` with ``entry`` moved to ``section`` (at its end, or before/after another entry there),
    and whether the section it left is now empty."""
    newline = "\r\n" if "\r\n" in text else "\n"
    lines, block, emptied = _cut_piece(text.replace("\r\n", "\n").split("\n"), entry, file)
    root = yaml.compose("\n".join(lines), Loader=_ManifestLoader)
    target = _find_section(_value(root, "sections"), section)
    if target is None:
        raise ManifestError(f"no section titled {section!r}", file=file, code="E631", hint="give the title of an existing section")
    lines = _insert_block(lines, target, block, before or after, after is not None, file)
    result = newline.join(lines)
    _prove_entry(result, entry, (section, before, after), file)
    return result, emptied


def piece_sources(text: str) -> list[tuple[str, str]]:
    """``(section title, entry path)`` of every piece entry, in order."""
    data = yaml.load(text, Loader=_ManifestLoader)
    found = []
    for item in (data.get("sections") or []) if isinstance(data, dict) else []:
        if isinstance(item, dict):
            for piece in item.get("pieces") or []:
                source = piece.get("source") if isinstance(piece, dict) else piece
                if isinstance(source, str):
                    found.append((str(item.get("title", "")), source))
    return found


def _item_source(item: yaml.Node) -> str | None:
    if isinstance(item, yaml.ScalarNode):
        return item.value
    source = _value(item, "source") if isinstance(item, yaml.MappingNode) else None
    return source.value if isinstance(source, yaml.ScalarNode) else None


def _locate_piece(lines: list[str], entry: str, file: str) -> tuple[yaml.MappingNode, yaml.SequenceNode, int]:
    """The section, its pieces list and the index of ``entry`` in it (a block list, or an error)."""
    root = yaml.compose("\n".join(lines), Loader=_ManifestLoader)
    sections = _value(root, "sections") if isinstance(root, yaml.MappingNode) else None
    for section in sections.value if isinstance(sections, yaml.SequenceNode) else ():
        pieces = _value(section, "pieces") if isinstance(section, yaml.MappingNode) else None
        if not isinstance(pieces, yaml.SequenceNode):
            continue
        for index, item in enumerate(pieces.value):
            if _item_source(item) == entry:
                if pieces.flow_style or sections.flow_style:
                    raise ManifestError(
                        f"the pieces list holding {entry} is written in [brackets]; edit it by hand",
                        file=file,
                        line=pieces.start_mark.line + 1,
                        code="M090",
                        hint="or write the list one '- entry' per line, then run the command again",
                    )
                return section, pieces, index
    raise ManifestError(f"no piece {entry!r} in the manifest", file=file, code="E630", hint="see `bundler list COLLECTION`")


def _item_span(lines: list[str], pieces: yaml.SequenceNode, index: int) -> tuple[int, int]:
    """The lines ``[start, end)`` of one block-list item: its dash line to its last content line."""
    item = pieces.value[index]
    return item.start_mark.line, _last_content_line(lines, item) + 1


def _dedent(block: list[str], column: int) -> list[str]:
    return [line[column:] if line[:column].strip() == "" else line.lstrip() for line in block]


def _trailing_comment(rest: str) -> str:
    at = rest.find("#")
    return "  " + rest[at:] if at >= 0 else ""


def _insert_block(lines: list[str], section: yaml.MappingNode, block: list[str], other: str | None, after: bool, file: str) -> list[str]:
    pieces = _value(section, "pieces")
    if not isinstance(pieces, yaml.SequenceNode) or pieces.flow_style and pieces.value:
        raise ManifestError(
            "the target section's 'pieces:' is not a block list; edit it by hand", file=file, line=section.start_mark.line + 1, code="M090"
        )
    if not pieces.value:
        if other is not None:
            raise ManifestError(f"{other!r} is not in the target section (it has no pieces)", file=file, code="E632")
        return _replace_empty_flow(lines, pieces, block, section.start_mark.column + 2)
    column = _dash_column(lines, pieces.value[0])
    if other is None:
        at = _last_content_line(lines, pieces.value[-1]) + 1
    else:
        matches = [i for i, item in enumerate(pieces.value) if _item_source(item) == other]
        if not matches:
            raise ManifestError(f"{other!r} is not a piece of the target section", file=file, code="E632", hint="see `bundler list`")
        start, end = _item_span(lines, pieces, matches[0])
        at = end if after else start
    return lines[:at] + [" " * column + line if line.strip() else line for line in block] + lines[at:]


def _prove_entry(text: str, entry: str, placed: tuple[str, str | None, str | None] | None, file: str) -> None:
    """Parse the edited text: the entry must be gone (``placed`` None) or exactly where it was asked to go."""
    try:
        found = piece_sources(text)
    except (yaml.YAMLError, AttributeError) as exc:
        raise ManifestError("could not edit the manifest without breaking it", file=file, code="M090", hint="edit it by hand") from exc
    where = [(i, title) for i, (title, source) in enumerate(found) if source == entry]
    if placed is None:
        ok = not where
    else:
        section, before, after = placed
        ok = len(where) == 1 and where[0][1].casefold() == section.casefold()
        index = where[0][0] if ok else -1
        if ok and before is not None:
            ok = index + 1 < len(found) and found[index + 1][1] == before
        if ok and after is not None:
            ok = index > 0 and found[index - 1][1] == after
    if not ok:
        raise ManifestError(f"could not place {entry} in the manifest as asked", file=file, code="M090", hint="edit it by hand")
