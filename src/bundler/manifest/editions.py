"""The ``editions:`` block: which formats to build and the options each one takes.

Options every edition understands are declared here; a format may declare more through
``Format.options`` (names it accepts, values checked by its exporter). An unknown option is an
error with a did-you-mean, never silently ignored.

``editions:`` takes two forms. A mapping of format to options (``epub: {}``) builds one
edition per format. A list of mappings, each with ``format:`` and an optional ``name:``
(``- {format: epub, name: ar, language: ar}``), builds several editions of one format from
one collection; the name goes into the file name (``aleppo-2016.ar.epub``), so two editions
that would write the same file are refused (M066) before anything is built.

Which formats exist is the exporters' knowledge, a layer above the manifest: the caller that
validates a manifest (the build, ``check``, ``bag``) passes their declarations in
(``FormatTable``), so adding a format stays one module under ``exporters/``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Protocol

from bundler.errors import Problem
from bundler.manifest.checks import check_language, describe, suggest
from bundler.manifest.document import Manifest, problem
from bundler.model import Edition
from bundler.text.plain import slugify
from bundler.text.sizes import parse_size

PAGE_SIZES = ("A4", "A5", "letter")
IMAGE_POLICIES = ("keep", "compress", "grayscale", "none")
#: The device profiles ``images: {device: ...}`` may name: the names of ``bundler.images.devices.DEVICES``,
#: a layer above the manifest (a test keeps the two in step).
IMAGE_DEVICES = ("eink", "phone", "tablet", "print")

IMAGE_KEYS: dict[str, tuple[type, ...]] = {  # mirrors bundler.images.policy (a test keeps them in step)
    "policy": (str,),
    "device": (str,),
    "progressive": (bool,),
    "max_side": (int,),
    "max_width": (int,),
    "max_height": (int,),
    "max_megapixels": (int, float),
    "max_bytes": (int,),
    "jpeg_quality": (int,),
    "quality": (int,),
    "grayscale": (bool,),
    "original": (bool,),
    "include": (bool,),
    "keep_rights_metadata": (bool,),
    "keep_rights": (bool,),
    "keep_credit_metadata": (bool,),
    "strip_metadata": (bool,),
}

#: Options a format takes only when it declares them (``Format.options``): name -> description.
FORMAT_OPTIONS: dict[str, str] = {
    "page_size": "A4, A5 or letter (the PDF editions that take it: pdf, pdf-booklet, pdf-archive)",
}

#: Options any edition accepts: name -> description (shown in hints and the JSON Schema).
COMMON_OPTIONS: dict[str, str] = {
    "budget": "largest acceptable file size, e.g. '2 MB'",
    "images": "image policy: keep, compress, grayscale or none, or a mapping {device, policy, max_width, quality, ...}",
    "keep_credit_metadata": "true to keep photographers' credit metadata in images (location data is always removed)",
    "title": "a different title for this edition",
    "language": "only the pieces in this language (e.g. ar), and the book's language and page direction set to it",
    "name": "a short name for this edition, put in its file name (name: ar gives aleppo.ar.epub); "
    "needed when a collection has two editions of one format",
}

#: A name goes into a file name: letters, digits and inner hyphens only.
EDITION_NAME = re.compile(r"[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)*")
#: The longest edition name: with the slug, the suffix and the writer's temporary-file decoration it must
#: stay inside a file system's 255-byte file name, or ``check`` passes and ``build`` fails (E704).
EDITION_NAME_LENGTH = 64


def edition_entries(value: Any) -> list[tuple[str, str, dict]]:
    """``(manifest key, format, options)`` for each edition ``editions:`` declares, in either form.

    Entries that are not well formed (a list item that is not a mapping, a missing ``format:``)
    are left out here; ``check_editions`` reports them.
    """
    if isinstance(value, dict):
        return [(f"editions.{name}", str(name), dict(options or {})) for name, options in value.items() if isinstance(options, dict | None)]
    entries = []
    for index, item in enumerate(value if isinstance(value, list) else ()):
        if isinstance(item, dict) and isinstance(item.get("format"), str):
            entries.append((f"editions[{index}]", item["format"], {k: v for k, v in item.items() if k != "format"}))
    return entries


class FormatDeclaration(Protocol):
    """What the manifest needs to know of a format (``bundler.exporters.Format`` is one): its options and file suffix."""

    @property
    def options(self) -> tuple[str, ...]: ...  # beyond COMMON_OPTIONS

    @property
    def suffix(self) -> str: ...  # the file name's ending, e.g. ".epub"


#: Every format a manifest may name, by name (``bundler.exporters.formats()``).
FormatTable = Mapping[str, FormatDeclaration]


def check_editions(manifest: Manifest, key: str, value: Any, known: FormatTable) -> list[Problem]:
    """A mapping of format name to its options, or a list of editions each naming its ``format:``."""

    if not value:
        return [problem(manifest, key, "no editions listed", "M051", "list at least one, e.g. 'epub: {}', or remove 'editions:'")]
    found = _check_edition_list(manifest, key, value) if isinstance(value, list) else _check_edition_mapping(manifest, key, value)
    for item_key, name, options in edition_entries(value):
        if name not in known:
            found.append(problem(manifest, item_key, f"unknown edition format {name!r}", "M050", suggest(name, known, "formats")))
        elif options:
            found += check_edition_options(manifest, item_key, options, tuple(known[name].options), known, name)
    return found + _check_output_names(manifest, value, known)


def _check_edition_mapping(manifest: Manifest, key: str, value: dict) -> list[Problem]:
    """The mapping form: each value is a mapping of options, or null for the defaults."""
    return [
        problem(manifest, f"{key}.{name}", f"edition options must be a mapping, got {describe(options)}", "M010", "e.g. {page_size: A5}")
        for name, options in value.items()
        if options is not None and not isinstance(options, dict)
    ]


def _check_edition_list(manifest: Manifest, key: str, value: list) -> list[Problem]:
    """The list form: each item a mapping with ``format:``."""
    found: list[Problem] = []
    for index, item in enumerate(value):
        item_key = f"{key}[{index}]"
        if not isinstance(item, dict):
            example = f"- format: {item}" if isinstance(item, str) and item else "- format: epub"
            hint = f"write each edition as a mapping with format:, e.g. {example}"
            found.append(problem(manifest, item_key, f"an edition must be a mapping, got {describe(item)}", "M010", hint))
        elif "format" not in item or item["format"] is None:
            found.append(problem(manifest, item_key, "missing required key 'format' in the edition", "M012", _format_hint(item)))
        elif not isinstance(item["format"], str):
            found.append(
                problem(manifest, f"{item_key}.format", f"expected text, got {describe(item['format'])}", "M010", "e.g. format: epub")
            )
    return found


def _format_hint(item: dict) -> str:
    """``- pdf: {page_size: A4}`` (the mapping form's shape inside the list form) rewritten as the list form wants it."""
    shaped = [k for k, v in item.items() if isinstance(v, dict | None) and re.fullmatch(r"[a-z][a-z-]*", str(k))]
    if len(shaped) == 1:
        name = shaped[0]
        options = {**(item[name] or {}), **{k: v for k, v in item.items() if k != name}}
        rest = "".join(f", {k}: {v}" for k, v in options.items())
        return f"in the list form each edition names its format: - {{format: {name}{rest}}}"
    return "e.g. - format: epub (and its options beside it)"


def _check_output_names(manifest: Manifest, value: Any, known: FormatTable) -> list[Problem]:
    """Each edition writes its own file: a bad name (M067) or two editions writing one file (M066) is refused."""
    slug = slugify(manifest.root.resolve().name, "dossier")
    written: dict[str, str] = {}
    found: list[Problem] = []
    for item_key, format_name, options in edition_entries(value):
        name = options.get("name", "")
        if format_name not in known or not isinstance(name, str | None):
            continue  # reported as an unknown format or a wrong type
        if name and not EDITION_NAME.fullmatch(name):
            hint = "use letters, digits and hyphens only, e.g. name: ar or name: print-a5"
            found.append(problem(manifest, f"{item_key}.name", f"edition name {name!r} cannot go into a file name", "M067", hint))
            continue
        if len(name or "") > EDITION_NAME_LENGTH:
            message = f"edition name {name[:20] + '…'!r} is {len(name)} characters, too long for a file name"
            hint = f"use at most {EDITION_NAME_LENGTH} characters, e.g. name: ar or name: print-a5"
            found.append(problem(manifest, f"{item_key}.name", message, "M067", hint))
            continue
        file = Edition(format_name, name=name or "").file_name(slug, known[format_name].suffix)
        if file in written:
            message = f"two editions would write {file!r} ({written[file]} and {item_key})"
            hint = "give each edition of one format its own name (it goes into the file name), e.g. name: ar and name: en"
            found.append(problem(manifest, item_key, message, "M066", hint))
        else:
            written[file] = item_key
    return found


def check_edition_options(
    manifest: Manifest, key: str, options: dict, extra: tuple[str, ...], known: FormatTable | None = None, format_name: str = ""
) -> list[Problem]:
    """Common options by value; options the format declares by name; anything else is unknown.

    An option another format takes (``page_size`` on the EPUB) is named as such, with the
    formats that do take it: it would otherwise be accepted and silently ignored.
    """
    found: list[Problem] = []
    accepted = set(COMMON_OPTIONS) | set(extra)
    for name, value in options.items():
        option_key = f"{key}.{name}"
        takers = sorted(f for f, fmt in (known or {}).items() if name in fmt.options)
        if name not in accepted and takers:
            edition = format_name or key.rsplit(".", 1)[-1]
            message = f"the {edition} edition does not take {name!r}"
            found.append(problem(manifest, option_key, message, "M052", f"remove it; {name} is for: " + ", ".join(takers)))
        elif name not in accepted:
            found.append(problem(manifest, option_key, f"unknown edition option {name!r}", "M052", suggest(str(name), accepted, "options")))
        elif name == "page_size" and value not in PAGE_SIZES:
            close = {s.lower(): s for s in PAGE_SIZES}.get(str(value).lower())
            hint = f"did you mean {close!r}?" if close else "use one of: " + ", ".join(PAGE_SIZES)
            found.append(problem(manifest, option_key, f"unknown page size {value!r}", "M053", hint))
        elif name == "budget" and parse_size(value) is None:
            found.append(
                problem(manifest, option_key, f"budget {value!r} is not a file size", "M054", "write a size such as '2 MB' or '500 KB'")
            )
        elif name == "images":
            found += _check_images(manifest, option_key, value)
        elif name == "keep_credit_metadata" and not isinstance(value, bool):
            found.append(problem(manifest, option_key, f"expected true or false, got {describe(value)}", "M010"))
        elif name == "title" and not isinstance(value, str):
            found.append(problem(manifest, option_key, f"expected text, got {describe(value)}", "M010"))
        elif name == "language":
            found += check_language(manifest, option_key, value)
        elif name == "name" and not isinstance(value, str):
            found.append(problem(manifest, option_key, f"expected text, got {describe(value)}", "M010", "e.g. name: ar"))
    return found


def _check_images(manifest: Manifest, key: str, value: Any) -> list[Problem]:
    if isinstance(value, bool):  # false: leave images out, true: the format's default policy
        return []
    if isinstance(value, str):
        if value in IMAGE_POLICIES:
            return []
        return [problem(manifest, key, f"unknown image policy {value!r}", "M055", suggest(value, IMAGE_POLICIES, "policies"))]
    if not isinstance(value, dict):
        return [problem(manifest, key, f"expected a policy name or a mapping, got {describe(value)}", "M010")]
    found: list[Problem] = []
    for name, item in value.items():
        item_key = f"{key}.{name}"
        if name not in IMAGE_KEYS:
            found.append(
                problem(manifest, item_key, f"unknown image option {name!r}", "M052", suggest(str(name), IMAGE_KEYS, "image options"))
            )
        elif not isinstance(item, IMAGE_KEYS[name]) or (isinstance(item, bool) and bool not in IMAGE_KEYS[name]):
            found.append(problem(manifest, item_key, f"expected {describe(IMAGE_KEYS[name][0]())}, got {describe(item)}", "M010"))
        elif name == "policy" and item not in IMAGE_POLICIES:
            found.append(problem(manifest, item_key, f"unknown image policy {item!r}", "M055", suggest(item, IMAGE_POLICIES, "policies")))
        elif name == "device" and item not in IMAGE_DEVICES:
            found.append(problem(manifest, item_key, f"unknown image device {item!r}", "M068", suggest(item, IMAGE_DEVICES, "devices")))
    return found
