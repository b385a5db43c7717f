"""Scaffold a new collection: a manifest with a fresh identifier, folders and a sample introduction."""

from __future__ import annotations

import json
import os
import uuid
from functools import cache
from pathlib import Path
from string import Template

from bundler.errors import BundlerError
from bundler.files import write_atomically
from bundler.manifest.document import MANIFEST_NAME
from bundler.manifest.edit import yaml_scalar
from bundler.text.language import primary_language

_HERE = Path(__file__).resolve().parent
SCHEMA_NAME = "collection.schema.json"
FOLDERS = ("sources", "pieces", "notes", "media")
_INTRO_TITLES = {"ar": "مقدمة المحررين"}


@cache
def schema_path() -> Path:
    """The published JSON Schema: in the wheel (``bundler/schema``) or at the top of a checkout."""
    for candidate in (_HERE.parent / "schema" / SCHEMA_NAME, _HERE.parent.parent.parent / "schema" / SCHEMA_NAME):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"{SCHEMA_NAME} is missing; reinstall bundler")


def schema_reference(folder: Path) -> str:
    """The schema as editors' tools should find it from ``folder``: a relative path when possible."""
    target = schema_path()
    try:
        return Path(os.path.relpath(target, folder.resolve())).as_posix()
    except ValueError:  # another drive on Windows
        return target.as_uri()


def new_collection(folder: Path, title: str, language: str = "en", section: str = "Pieces") -> Path:
    """Create ``folder`` with a manifest that ``bundler import`` can fill; refuses to overwrite one."""
    manifest = folder / MANIFEST_NAME
    if manifest.exists():
        raise BundlerError(f"{manifest} already exists", code="E030", file=str(manifest), hint="choose another folder")
    if not title.strip():
        raise BundlerError("the title is empty", code="E031", hint='bundler new DIR --title "Aleppo 2016"')
    folder.mkdir(parents=True, exist_ok=True)
    for name in FOLDERS:
        (folder / name).mkdir(exist_ok=True)
    values = {
        "schema": schema_reference(folder),
        "folder": json.dumps(str(folder)) if " " in str(folder) else str(folder),
        "title": yaml_scalar(title.strip()),
        "identifier": f"urn:uuid:{uuid.uuid4()}",
        "language": language,
        "section": section.replace('"', "'"),
        "intro_title": yaml_scalar(_INTRO_TITLES.get(primary_language(language), "Editors’ introduction")),
    }
    introduction = folder / "notes" / "introduction.md"
    # whole or not at all: a full disk left an empty collection.yaml, which the next ``new`` refused to replace
    if not introduction.exists():
        text = _fill("introduction.md.tmpl", values)
        write_atomically(introduction, lambda temporary: temporary.write_text(text, encoding="utf-8"))
    text = _fill("collection.yaml.tmpl", values)
    write_atomically(manifest, lambda temporary: temporary.write_text(text, encoding="utf-8"))
    return manifest


def _fill(name: str, values: dict[str, str]) -> str:
    return Template((_HERE / "templates" / name).read_text(encoding="utf-8")).substitute(values)
