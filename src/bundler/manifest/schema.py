"""The manifest's schema, declared as data, and the validator that walks it.

Each key is a ``Field`` saying what type it takes and how to check its value. The
validator never stops at the first problem: it collects all of them, each with the key
path and line, and a did-you-mean for typos in key names and file names.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import langcodes

from bundler.errors import Problem
from bundler.manifest.loader import Manifest, problem

Check = Callable[[Manifest, str, Any], list[Problem]]


@dataclass(frozen=True)
class Field:
    """One key of a mapping: expected type(s), whether required, and extra checks."""

    types: tuple[type, ...]
    required: bool = False
    check: Check | None = None
    doc: str = ""


_TYPE_NAMES = {str: "text", int: "a whole number", float: "a number", bool: "true or false", list: "a list", dict: "a mapping"}


def _type_name(types: tuple[type, ...]) -> str:
    return " or ".join(_TYPE_NAMES.get(t, t.__name__) for t in types)


def check_language(manifest: Manifest, key: str, value: Any) -> list[Problem]:
    """A well-formed BCP 47 tag such as ``en``, ``ar`` or ``ar-SY``."""
    if isinstance(value, str) and langcodes.tag_is_valid(value):
        return []
    return [problem(manifest, key, f"invalid language tag {value!r}", "M020", "use a BCP 47 tag such as 'en', 'ar' or 'ar-SY'")]


_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _valid_date(text: str) -> bool:
    from datetime import date

    if not _DATE.match(text):
        return False
    parts = [int(p) for p in text.split("-")] + [1, 1]
    try:
        date(parts[0], parts[1], parts[2])
    except ValueError:
        return False
    return True


def check_date(manifest: Manifest, key: str, value: Any) -> list[Problem]:
    """An ISO date (``2016``, ``2016-05``, ``2016-05-10``) or a range ``2016-04/2016-12``."""
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    ends = text.split("/")
    if 1 <= len(ends) <= 2 and all(_valid_date(e) for e in ends) and ends == sorted(ends):
        return []
    return [
        problem(manifest, key, f"date {text!r} does not parse", "M021", "write YYYY-MM-DD, YYYY-MM, YYYY, or a range like 2016-04/2016-12")
    ]


def check_path(manifest: Manifest, key: str, value: Any) -> list[Problem]:
    """A file inside the collection folder that exists; suggests near-miss names."""
    if not isinstance(value, str) or not value.strip():
        return [problem(manifest, key, "expected a file path", "M030")]
    root = manifest.root.resolve()
    target = (root / value).resolve()
    if root != target and root not in target.parents:
        return [
            problem(
                manifest,
                key,
                f"path {value!r} is outside the collection folder",
                "M031",
                "copy the file into the collection and use a relative path",
            )
        ]
    if target.is_file():
        return []
    hint = "paths are relative to collection.yaml"
    near = _near_files(root, value)
    if near:
        hint += f"; did you mean {near!r}?"
    return [problem(manifest, key, f"file not found: {value!r}", "M032", hint)]


def _near_files(root: Path, wanted: str) -> str:
    candidates = [str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and ".cache" not in p.parts][:5000]
    match = difflib.get_close_matches(wanted, candidates, n=1, cutoff=0.6)
    return match[0] if match else ""


def check_cover(manifest: Manifest, key: str, value: Any) -> list[Problem]:
    """``auto`` or an image path."""
    return [] if value == "auto" else check_path(manifest, key, value)


def check_people(manifest: Manifest, key: str, value: Any) -> list[Problem]:
    """A name or a list of names."""
    if isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value)):
        return []
    return [problem(manifest, key, "expected a name or a list of names", "M010")]


def check_text_pages(manifest: Manifest, key: str, value: Any) -> list[Problem]:
    """A list of Markdown files (front or back matter)."""
    if not isinstance(value, list):
        return [problem(manifest, key, "expected a list of Markdown files", "M010")]
    found: list[Problem] = []
    for index, item in enumerate(value):
        item_key = f"{key}[{index}]"
        if isinstance(item, dict):
            found += validate_mapping(manifest, item_key, item, TEXT_PAGE_FIELDS)
        else:
            found += check_path(manifest, item_key, item)
    return found


def check_intro(manifest: Manifest, key: str, value: Any) -> list[Problem]:
    """Inline Markdown text, or ``{file: intro.md}``."""
    if isinstance(value, str):
        return []
    if isinstance(value, dict):
        return validate_mapping(manifest, key, value, {"file": Field((str,), required=True, check=check_path)})
    return [problem(manifest, key, "expected Markdown text or {file: PATH}", "M010")]


def check_figures(manifest: Manifest, key: str, value: Any) -> list[Problem]:
    """``include``/``exclude``/``all``/``none`` or a list of figure numbers (1-based) to keep."""
    if value in ("include", "exclude", "all", "none"):
        return []
    if isinstance(value, list) and all(isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in value):
        return []
    return [
        problem(
            manifest, key, f"invalid figures value {value!r}", "M022", "use 'include', 'exclude' or a list of figure numbers like [1, 3]"
        )
    ]


def check_pieces(manifest: Manifest, key: str, value: Any) -> list[Problem]:
    """A non-empty list of paths or ``{source: PATH, ...overrides}`` mappings."""
    if not isinstance(value, list):
        return [problem(manifest, key, f"expected a list of pieces, got {_describe(value)}", "M010")]
    if not value:
        return [problem(manifest, key, "this section has no pieces", "M040", "add pieces or remove the section")]
    found: list[Problem] = []
    for index, item in enumerate(value):
        item_key = f"{key}[{index}]"
        if isinstance(item, str):
            found += check_path(manifest, item_key, item)
        elif isinstance(item, dict):
            found += validate_mapping(manifest, item_key, item, PIECE_FIELDS)
        else:
            found.append(problem(manifest, item_key, f"expected a path or a mapping, got {_describe(item)}", "M010"))
    return found


def check_sections(manifest: Manifest, key: str, value: Any) -> list[Problem]:
    """A non-empty list of section mappings."""
    if not value:
        return [problem(manifest, key, "a dossier needs at least one section", "M041")]
    found: list[Problem] = []
    for index, item in enumerate(value):
        item_key = f"{key}[{index}]"
        if isinstance(item, dict):
            found += validate_mapping(manifest, item_key, item, SECTION_FIELDS)
        else:
            found.append(problem(manifest, item_key, f"expected a section mapping with title: and pieces:, got {_describe(item)}", "M010"))
    return found


def check_editions(manifest: Manifest, key: str, value: Any) -> list[Problem]:
    """A mapping of format name to its options (or null for defaults)."""
    from bundler.exporters import formats

    known = formats()
    found: list[Problem] = []
    for name, options in value.items():
        item_key = f"{key}.{name}"
        if name not in known:
            found.append(problem(manifest, item_key, f"unknown edition format {name!r}", "M050", _suggest(str(name), known, "formats")))
        elif options is not None and not isinstance(options, dict):
            found.append(problem(manifest, item_key, f"edition options must be a mapping, got {_describe(options)}", "M010"))
    return found


def _describe(value: Any) -> str:
    for kind, name in _TYPE_NAMES.items():
        if isinstance(value, kind):
            return name
    return "nothing" if value is None else type(value).__name__


def _suggest(word: str, choices, what: str) -> str:
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    if match:
        return f"did you mean {match[0]!r}?"
    return f"known {what}: " + ", ".join(sorted(choices))


PIECE_FIELDS: dict[str, Field] = {
    "source": Field((str,), required=True, check=check_path, doc="path of the piece's source file"),
    "title": Field((str,)),
    "authors": Field((str, list), check=check_people),
    "date": Field((str, int), check=check_date),
    "language": Field((str,), check=check_language),
    "note": Field((str,), doc="an editor's note shown under the piece's title"),
    "figures": Field((str, list), check=check_figures),
    "source_url": Field((str,)),
    "site": Field((str,)),
}

SECTION_FIELDS: dict[str, Field] = {
    "title": Field((str,), required=True),
    "intro": Field((str, dict), check=check_intro),
    "pieces": Field((list,), required=True, check=check_pieces),
}

TEXT_PAGE_FIELDS: dict[str, Field] = {
    "file": Field((str,), required=True, check=check_path),
    "kind": Field((str,)),
    "title": Field((str,)),
}

MANIFEST_FIELDS: dict[str, Field] = {
    "title": Field((str,), required=True, doc="the dossier's title"),
    "subtitle": Field((str,)),
    "description": Field((str,)),
    "identifier": Field((str,), doc="stable id, e.g. urn:uuid:…; written once by 'bundler new'"),
    "language": Field((str,), check=check_language),
    "editors": Field((str, list), check=check_people),
    "publisher": Field((str,)),
    "date": Field((str, int), check=check_date),
    "subjects": Field((list,)),
    "rights": Field((str,)),
    "cover": Field((str,), check=check_cover),
    "front": Field((list,), check=check_text_pages),
    "back": Field((list,), check=check_text_pages),
    "sections": Field((list,), required=True, check=check_sections),
    "editions": Field((dict,), check=check_editions),
}


def validate_mapping(manifest: Manifest, prefix: str, data: dict, schema: dict[str, Field]) -> list[Problem]:
    """Check one mapping against its fields: unknown keys, missing keys, types, values."""
    found: list[Problem] = []
    for name in data:
        if name not in schema:
            key = f"{prefix}.{name}" if prefix else str(name)
            found.append(problem(manifest, key, f"unknown key {name!r}", "M011", _suggest(str(name), schema, "keys")))
    for name, spec in schema.items():
        key = f"{prefix}.{name}" if prefix else name
        if name not in data or data[name] is None:
            if spec.required:
                found.append(problem(manifest, prefix or name, f"missing required key {name!r}", "M012", spec.doc))
            continue
        value = data[name]
        if hasattr(value, "isoformat") and str in spec.types:
            value = value.isoformat()
        if not isinstance(value, spec.types) or (isinstance(value, bool) and bool not in spec.types):
            found.append(problem(manifest, key, f"expected {_type_name(spec.types)}, got {_describe(value)}", "M010"))
            continue
        if spec.check:
            found += spec.check(manifest, key, value)
    return found


def validate_manifest(manifest: Manifest) -> list[Problem]:
    """Every problem in the manifest, in file order."""
    found = validate_mapping(manifest, "", manifest.data, MANIFEST_FIELDS)
    found += _check_duplicates(manifest)
    return sorted(found, key=lambda p: (p.line, p.key))


def _check_duplicates(manifest: Manifest) -> list[Problem]:
    seen: dict[str, str] = {}
    found: list[Problem] = []
    sections = manifest.data.get("sections")
    if not isinstance(sections, list):
        return found
    for s_index, section in enumerate(sections):
        pieces = section.get("pieces") if isinstance(section, dict) else None
        if not isinstance(pieces, list):
            continue
        for p_index, entry in enumerate(pieces):
            source = entry if isinstance(entry, str) else entry.get("source") if isinstance(entry, dict) else None
            if not isinstance(source, str):
                continue
            normal = str(Path(source).as_posix()).lstrip("./")
            key = f"sections[{s_index}].pieces[{p_index}]"
            if normal in seen:
                found.append(problem(manifest, key, f"duplicate piece {source!r} (also at {seen[normal]})", "M042", "list each piece once"))
            else:
                seen[normal] = key
    return found
