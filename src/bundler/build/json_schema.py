"""The manifest's JSON Schema, its ``editions`` part generated from what each format declares.

``schema/collection.schema.json`` serves editors' tools (completion, red underlines). Which
formats exist and which options each takes are declared once, by the exporters
(``Format.options`` beyond ``manifest.editions.COMMON_OPTIONS``); the schema's ``editions``
mapping is generated from those declarations, so ``page_size`` is offered for the PDF
editions only and a format added as one module appears in editors without a hand edit. The
rest of the schema (fields, paths, dates) is written by hand beside the validator tables, and a
test holds both to the validator. ``make schema`` rewrites the file; a test fails when the
committed file differs from what this module generates.

It lives in ``build`` because it reads the exporters' registry, which the manifest, below
the exporters, may not import (the manifest's own checks are given the same registry by
their caller: ``load_manifest(..., formats=formats())``).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from bundler.exporters import Format, formats
from bundler.manifest.editions import COMMON_OPTIONS

SCHEMA_FILE = Path("schema") / "collection.schema.json"
_OPTION_DEFS = "#/$defs/editionOptions/properties"


def edition_schema(name: str, fmt: Format, defined: dict[str, Any]) -> dict[str, Any]:
    """One format's entry: null for the defaults, or a mapping of exactly the options it takes."""
    accepted = [*COMMON_OPTIONS, *(option for option in fmt.options if option not in COMMON_OPTIONS)]
    properties = {option: ({"$ref": f"{_OPTION_DEFS}/{option}"} if option in defined else {}) for option in accepted}
    options = {"type": "object", "additionalProperties": False, "properties": properties}
    return {"description": fmt.description or name, "anyOf": [{"type": "null"}, options]}


def listed_edition_schema(name: str, fmt: Format, defined: dict[str, Any]) -> dict[str, Any]:
    """One format's item in the list form: ``format: NAME`` plus exactly the options it takes."""
    options = edition_schema(name, fmt, defined)["anyOf"][1]
    properties = {"format": {"const": name}, **options["properties"]}
    return {
        "description": fmt.description or name,
        "type": "object",
        "required": ["format"],
        "additionalProperties": False,
        "properties": properties,
    }


def with_generated_editions(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with its ``properties.editions`` generated from the registered formats, in name order.

    Two forms: a mapping of format to options (one edition per format), or a list of editions
    each naming its ``format:`` (several of one format, told apart by ``name:``).
    """
    generated = copy.deepcopy(schema)
    defined = generated["$defs"]["editionOptions"]["properties"]
    known = formats()
    mapping = {
        "type": "object",
        "minProperties": 1,
        "description": "Formats to build, each with its options (null or {} for the defaults); generated from the formats' declarations.",
        "additionalProperties": False,
        "properties": {name: edition_schema(name, known[name], defined) for name in sorted(known)},
    }
    listed = {
        "type": "array",
        "minItems": 1,
        "description": "Editions to build, each with its format: and options; two of one format need a name: each (it goes into the file name).",
        "items": {"anyOf": [listed_edition_schema(name, known[name], defined) for name in sorted(known)]},
    }
    generated["properties"]["editions"] = {"anyOf": [mapping, listed]}
    return generated


def render_schema(schema: dict[str, Any]) -> str:
    """The schema as the committed file holds it: two-space indent, non-ASCII kept, a final newline."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def write_schema(root: Path = Path(".")) -> Path:
    """Rewrite the committed schema file under ``root`` with its generated ``editions`` part."""
    path = root / SCHEMA_FILE
    schema = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(render_schema(with_generated_editions(schema)), encoding="utf-8")
    return path
