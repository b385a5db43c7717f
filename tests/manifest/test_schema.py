"""The published JSON Schema accepts both examples and rejects the structurally broken manifests.

File existence, symlinks, real calendar dates, duplicate pieces and duplicate keys are not
schema-detectable: those fixtures are marked ``# schema: accepts`` and the test asserts the
schema does accept them, so the split between schema and ``bundler check`` stays honest.
Fixtures that are not even loadable YAML mappings (encoding, tabs, syntax) are marked ``n/a``.
"""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml

from bundler.manifest.loader import _ManifestLoader
from bundler.manifest.schema import INTRO_FIELDS, MANIFEST_FIELDS, PIECE_FIELDS, SECTION_FIELDS, TEXT_PAGE_FIELDS
from tests.conftest import COLLECTIONS, FIXTURES, ROOT

SCHEMA = json.loads((ROOT / "schema" / "collection.schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
BROKEN = FIXTURES / "manifests"


def schema_verdict(name: str) -> str:
    first = (BROKEN / name / "expected.txt").read_text(encoding="utf-8").splitlines()[0]
    return first.removeprefix("# schema:").strip()


def load(path):
    return yaml.load(path.read_bytes().removeprefix(b"\xef\xbb\xbf").decode("utf-8"), Loader=_ManifestLoader)


def test_schema_is_valid_draft_2020_12():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("example", ["aleppo-2016", "bilingual-sample"])
def test_schema_accepts_the_examples(example):
    errors = [e.message for e in VALIDATOR.iter_errors(load(COLLECTIONS / example / "collection.yaml"))]
    assert errors == []


@pytest.mark.parametrize("name", sorted(p.name for p in BROKEN.iterdir() if schema_verdict(p.name) == "rejects"))
def test_schema_rejects_structural_mistakes(name):
    assert list(VALIDATOR.iter_errors(load(BROKEN / name / "collection.yaml"))), f"{name} should fail the schema"


@pytest.mark.parametrize("name", sorted(p.name for p in BROKEN.iterdir() if schema_verdict(p.name) == "accepts"))
def test_schema_cannot_see_what_only_check_can(name):
    """These need the file system or a calendar; ``bundler check`` catches them (test_broken_manifests)."""
    assert not list(VALIDATOR.iter_errors(load(BROKEN / name / "collection.yaml")))


def test_rejected_fixtures_are_plenty():
    assert sum(schema_verdict(p.name) == "rejects" for p in BROKEN.iterdir()) >= 15


@pytest.mark.parametrize(
    ("fields", "pointer"),
    [
        (MANIFEST_FIELDS, ()),
        (SECTION_FIELDS, ("$defs", "section")),
        (TEXT_PAGE_FIELDS, ("$defs", "pages", "items", "anyOf", 1)),
        (PIECE_FIELDS, ("$defs", "piece", "anyOf", 1)),
        (INTRO_FIELDS, ("$defs", "section", "properties", "intro", "anyOf", 1)),
    ],
)
def test_schema_mirrors_the_validator(fields, pointer):
    node = SCHEMA
    for step in pointer:
        node = node[step]
    assert set(node["properties"]) == set(fields)
    assert set(node.get("required", ())) == {name for name, spec in fields.items() if spec.required}
    assert node["additionalProperties"] is False


def test_image_options_match_the_image_policy():
    from bundler.images import policy
    from bundler.manifest.editions import IMAGE_KEYS

    accepted = {"device", "policy", "strip_metadata", *policy._FIELD_TYPES, *policy._ALIASES}
    assert set(IMAGE_KEYS) == accepted
    images = SCHEMA["$defs"]["editionOptions"]["properties"]["images"]["anyOf"]
    assert set(next(a for a in images if a.get("type") == "object")["properties"]) == accepted


def test_the_manifest_knows_every_device_profile_and_no_other():
    """The manifest sits below the images stage, so it keeps the profile names; this keeps them in step."""
    from bundler.images.devices import DEVICES
    from bundler.manifest.editions import IMAGE_DEVICES

    assert set(IMAGE_DEVICES) == set(DEVICES)


def test_committed_schema_is_generated_from_the_format_declarations():
    """The editions part of the file is what ``make schema`` writes from the exporters' declarations."""
    from bundler.build.json_schema import render_schema, with_generated_editions

    committed = (ROOT / "schema" / "collection.schema.json").read_text(encoding="utf-8")
    assert render_schema(with_generated_editions(json.loads(committed))) == committed, "run `make schema` and commit the file"
    editions = SCHEMA["properties"]["editions"]["anyOf"][0]["properties"]
    assert "page_size" in editions["pdf"]["anyOf"][1]["properties"] and "page_size" not in editions["epub"]["anyOf"][1]["properties"]
    assert {"html", "kepub", "zim"} <= set(editions)


def test_the_manifest_checks_editions_against_the_formats_its_caller_passes(tmp_path):
    """The exporters sit above the manifest: their registry is an argument, and without it nothing is half-checked."""
    from types import SimpleNamespace

    from bundler.errors import ManifestError
    from bundler.manifest.loader import load_manifest

    (tmp_path / "a.md").write_text("# A\n\ntext\n", encoding="utf-8")
    (tmp_path / "collection.yaml").write_text(
        "title: T\nsections:\n  - title: S\n    pieces: [a.md]\neditions:\n  epub: {}\n  slides: {page_size: A5}\n", encoding="utf-8"
    )
    with pytest.raises(TypeError, match="formats="):
        load_manifest(tmp_path)
    assert load_manifest(tmp_path, validate=False).data["editions"]["slides"] == {"page_size": "A5"}

    only_slides = {"slides": SimpleNamespace(options=("page_size",), suffix=".slides")}
    with pytest.raises(ManifestError) as caught:
        load_manifest(tmp_path, formats=only_slides)
    assert [(p.code, p.key, p.line) for p in caught.value.problems] == [("M050", "editions.epub", 6)]
    assert "unknown edition format 'epub'" in caught.value.problems[0].message
