"""The manifest's schema, declared as data, and the validator that walks it.

Each key is a ``Field`` saying what type it takes and how to check its value (MkDocs'
config classes are the model). The validator never stops at the first problem: it collects
all of them, each with the key path and line, and a did-you-mean for typos in key names and
file names. ``schema/collection.schema.json`` mirrors these tables for editors' tools; a test
keeps the two in step.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from pathlib import PurePosixPath
from typing import Any

from bundler.errors import Problem
from bundler.manifest.checks import (
    TYPE_NAMES,
    check_cover,
    check_date,
    check_figures,
    check_identifier,
    check_language,
    check_people,
    check_source,
    check_words,
    describe,
    suggest,
)
from bundler.manifest.document import Manifest, problem
from bundler.manifest.editions import FormatTable, check_editions

Check = Callable[[Manifest, str, Any], list[Problem]]


@dataclass(frozen=True)
class Field:
    """One key of a mapping: expected type(s), whether required, and extra checks."""

    types: tuple[type, ...]
    required: bool = False
    check: Check | None = None
    doc: str = ""


def _type_name(types: tuple[type, ...]) -> str:
    return " or ".join(TYPE_NAMES.get(t, t.__name__) for t in types)


def check_text_pages(manifest: Manifest, key: str, value: Any) -> list[Problem]:
    """A list of Markdown files (front or back matter), each a path or ``{file, title, kind}``."""
    found: list[Problem] = []
    for index, item in enumerate(value):
        item_key = f"{key}[{index}]"
        if isinstance(item, dict):
            found += validate_mapping(manifest, item_key, item, TEXT_PAGE_FIELDS)
        elif isinstance(item, str):
            found += check_source(manifest, item_key, item)
        else:
            found.append(problem(manifest, item_key, f"expected a file path or {{file: PATH}}, got {describe(item)}", "M010"))
    return found


def check_intro(manifest: Manifest, key: str, value: Any) -> list[Problem]:
    """Inline Markdown text, or ``{file: intro.md}``; a bare file name is refused, not printed as the intro."""
    if isinstance(value, dict):
        return validate_mapping(manifest, key, value, INTRO_FIELDS)
    if _names_a_file(manifest, str(value)):
        message = f"the intro is the text {value!r}, which looks like a file name"
        return [problem(manifest, key, message, "M030", f"to use the file, write: intro: {{file: {value.strip()}}}")]
    return []


def _names_a_file(manifest: Manifest, text: str) -> bool:
    """One word that is a file of the collection or ends like a notes file (``notes/intro.md``)."""
    word = text.strip()
    if not word or any(c.isspace() for c in word):
        return False
    return word.lower().endswith((".md", ".markdown", ".txt", ".html")) or (manifest.root / word).is_file()


def check_kind(manifest: Manifest, key: str, value: Any) -> list[Problem]:
    """One of the kinds of editors' pages the templates know."""
    if value in PAGE_KINDS:
        return []
    return [problem(manifest, key, f"unknown page kind {value!r}", "M025", suggest(str(value), PAGE_KINDS, "kinds"))]


def check_pieces(manifest: Manifest, key: str, value: Any) -> list[Problem]:
    """A non-empty list of paths or ``{source: PATH, ...overrides}`` mappings."""
    if not value:
        return [
            problem(
                manifest,
                key,
                "this section has no pieces",
                "M040",
                "add some with: bundler import COLLECTION FILE --section TITLE; or remove the section",
            )
        ]
    found: list[Problem] = []
    for index, item in enumerate(value):
        item_key = f"{key}[{index}]"
        if isinstance(item, str):
            found += check_source(manifest, item_key, item)
        elif isinstance(item, dict):
            found += validate_mapping(manifest, item_key, item, PIECE_FIELDS)
        else:
            found.append(problem(manifest, item_key, f"expected a path or a mapping with source:, got {describe(item)}", "M010"))
    return found


def check_sections(manifest: Manifest, key: str, value: Any) -> list[Problem]:
    """A non-empty list of section mappings."""
    if not value:
        return [problem(manifest, key, "a dossier needs at least one section", "M041", "add '- title: ...' with pieces: under it")]
    found: list[Problem] = []
    for index, item in enumerate(value):
        item_key = f"{key}[{index}]"
        if isinstance(item, dict):
            found += validate_mapping(manifest, item_key, item, SECTION_FIELDS)
        else:
            hint = (
                f"write '- title: {item}' with 'pieces:' under it"
                if isinstance(item, str)
                else "write '- title: ...' with 'pieces:' under it"
            )
            found.append(
                problem(manifest, item_key, f"expected a section mapping with title: and pieces:, got {describe(item)}", "M010", hint)
            )
    return found


PAGE_KINDS = ("introduction", "timeline", "glossary", "colophon", "text")

PIECE_FIELDS: dict[str, Field] = {
    "source": Field((str,), required=True, check=check_source, doc="path of the piece's source file or piece.json"),
    "title": Field((str,), doc="replaces the imported title"),
    "authors": Field((str, list), check=check_people),
    "date": Field((str, int), check=check_date),
    "language": Field((str,), check=check_language),
    "note": Field((str,), doc="an editor's note shown under the piece's title"),
    "figures": Field((str, list), check=check_figures),
    "source_url": Field((str,)),
    "site": Field((str,)),
}

INTRO_FIELDS: dict[str, Field] = {"file": Field((str,), required=True, check=check_source, doc="a Markdown file")}

SECTION_FIELDS: dict[str, Field] = {
    "title": Field((str,), required=True, doc="the section's title"),
    "intro": Field((str, dict), check=check_intro),
    "pieces": Field((list,), required=True, check=check_pieces, doc="the section's pieces in reading order"),
}

TEXT_PAGE_FIELDS: dict[str, Field] = {
    "file": Field((str,), required=True, check=check_source, doc="a Markdown file"),
    "kind": Field((str,), check=check_kind),
    "title": Field((str,)),
}

MANIFEST_FIELDS: dict[str, Field] = {
    "title": Field((str,), required=True, doc="the dossier's title"),
    "subtitle": Field((str,)),
    "description": Field((str,)),
    "identifier": Field((str,), check=check_identifier, doc="stable id, e.g. urn:uuid:…; written once by 'bundler new'"),
    "language": Field((str,), check=check_language),
    "editors": Field((str, list), check=check_people),
    "publisher": Field((str,)),
    "organization": Field((str,), doc="who keeps the dossier; the bag's Source-Organization"),
    "contact_name": Field((str,), doc="whom to ask about it; the bag's Contact-Name"),
    "contact_email": Field((str,), doc="the bag's Contact-Email"),
    "date": Field((str, int), check=check_date),
    "subjects": Field((list,), check=check_words),
    "rights": Field((str,)),
    "cover": Field((str,), check=check_cover),
    "front": Field((list,), check=check_text_pages),
    "back": Field((list,), check=check_text_pages),
    "sections": Field((list,), required=True, check=check_sections, doc="add 'sections:' with at least one '- title: ...'"),
    "editions": Field(
        (dict, list), doc="formats by name, or a list of editions each with format:"
    ),  # checked against the formats the caller passes (validate_manifest)
}


def validate_mapping(manifest: Manifest, prefix: str, data: dict, schema: dict[str, Field]) -> list[Problem]:
    """Check one mapping against its fields: unknown keys, missing keys, types, values."""
    found: list[Problem] = []
    misspelt: set[str] = set()  # required keys an unknown key is a near miss of: one message, not two
    for name in data:
        if name not in schema:
            key = f"{prefix}.{name}" if prefix else str(name)
            hint = suggest(str(name), schema, "keys")
            misspelt.update(n for n in schema if hint == f"did you mean {n!r}?")
            found.append(problem(manifest, key, f"unknown key {name!r}", "M011", hint))
    for name, spec in schema.items():
        key = f"{prefix}.{name}" if prefix else name
        if name in data and data[name] is None and spec.required:
            hint = spec.doc if str not in spec.types else f"write it on the same line: {name}: ... ({spec.doc})"
            found.append(problem(manifest, key, f"{name!r} has no value", "M013", hint))
            continue
        if name not in data or data[name] is None:
            if spec.required and name not in misspelt:
                where = "the manifest" if not prefix else prefix
                found.append(problem(manifest, prefix, f"missing required key {name!r} in {where}", "M012", spec.doc))
            continue
        value = data[name]
        if not isinstance(value, spec.types) or (isinstance(value, bool) and bool not in spec.types):
            message = f"expected {_type_name(spec.types)}, got {describe(value)}"
            found.append(problem(manifest, key, message, "M010", type_hint(name, spec.types, value)))
            continue
        if spec.required and isinstance(value, str) and not value.strip():
            found.append(problem(manifest, key, f"{name!r} is empty", "M013", spec.doc))
            continue
        if schema is PIECE_FIELDS and isinstance(value, str | list) and not (value.strip() if isinstance(value, str) else value):
            hint = f"remove '{name}:' to keep the piece's own, or write the {name} it should have"
            found.append(problem(manifest, key, f"the override {name!r} is empty, so it would be ignored", "M013", hint))
            continue
        if spec.check:
            found += spec.check(manifest, key, value)
    return found


def type_hint(name: str, types: tuple[type, ...], value: Any) -> str:
    """How to write ``value`` as the type ``name`` takes: the user's own words, reshaped."""
    if name == "figures":
        return "use 'include' (all), 'exclude' (none) or a list of the figure numbers to keep, like [1, 3]"
    if name == "editions" and isinstance(value, str | list):
        words = [w for w in re.split(r"[\s,]+", str(value).strip("[] ")) if w] if isinstance(value, str) else value
        names = [str(w) for w in words if isinstance(w, str)] or ["epub"]
        return "write a mapping of format to options: editions: {" + ", ".join(f"{w}: {{}}" for w in names) + "}"
    if name == "sections" and isinstance(value, dict):
        return "each section is a list item: put '- ' before its 'title:' (and indent its other keys to line up)"
    if list in types and isinstance(value, str | int | float):
        items = [w.strip() for w in str(value).split(",") if w.strip()] if isinstance(value, str) else [str(value)]
        return f"write a list: {name}: [" + ", ".join(items) + "]"
    if str in types and isinstance(value, bool):
        return f'put it in quotes, e.g. {name}: "yes": YAML reads a bare yes, no, on, off, true or false as true or false'
    if str in types and isinstance(value, int | float):
        return f'put it in quotes: {name}: "{value}"'
    if str in types and isinstance(value, list):
        return f"write one value: {name}: ..." + (
            " (a list is for editors:, subjects: and authors:)" if name in ("title", "subtitle") else ""
        )
    return ""


def validate_manifest(manifest: Manifest, formats: FormatTable) -> list[Problem]:
    """Every problem in the manifest, in file order; ``formats``: the formats its editions may name."""
    editions = replace(MANIFEST_FIELDS["editions"], check=partial(check_editions, known=formats))
    found = validate_mapping(manifest, "", manifest.data, {**MANIFEST_FIELDS, "editions": editions})
    found += _check_duplicate_files(manifest)
    return sorted(found, key=lambda p: (p.line, p.key))


def named_files(manifest: Manifest):
    """Yield ``(key, path, role)`` for every file the manifest names (pieces, intros, pages)."""
    data = manifest.data
    for area in ("front", "back"):
        for index, item in enumerate(data.get(area) or () if isinstance(data.get(area), list) else ()):
            path = item.get("file") if isinstance(item, dict) else item
            if isinstance(path, str):
                yield f"{area}[{index}]", path, "page"
    sections = data.get("sections")
    for s_index, section in enumerate(sections if isinstance(sections, list) else ()):
        if not isinstance(section, dict):
            continue
        intro = section.get("intro")
        if isinstance(intro, dict) and isinstance(intro.get("file"), str):
            yield f"sections[{s_index}].intro.file", intro["file"], "intro"
        pieces = section.get("pieces")
        for p_index, entry in enumerate(pieces if isinstance(pieces, list) else ()):
            source = entry if isinstance(entry, str) else entry.get("source") if isinstance(entry, dict) else None
            if isinstance(source, str):
                yield f"sections[{s_index}].pieces[{p_index}]", source, "piece"


def _check_duplicate_files(manifest: Manifest) -> list[Problem]:
    """A file may appear once: a piece listed twice, or a page that is also a piece, is a mistake."""
    seen: dict[str, str] = {}
    seen_path: dict[str, str] = {}
    found: list[Problem] = []
    for key, path, role in named_files(manifest):
        if role == "intro":
            continue
        normal = str(PurePosixPath(path.replace("\\", "/"))).removeprefix("./")
        real = os.path.realpath(manifest.root / normal)  # two names of one file (a symbolic link, "a/../b") are one file
        if real in seen:
            same = "" if seen_path[real] == normal else f" as {seen_path[real]!r}, the same file"
            message = f"duplicate {role} {path!r} (also at {seen[real]}{same})"
            found.append(problem(manifest, key, message, "M042", "list each file once"))
        else:
            seen[real], seen_path[real] = key, normal
    return found
