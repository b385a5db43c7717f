"""The ``editions:`` block: which formats to build and the options each one takes.

Options every edition understands are declared here; a format may declare more through
``Format.options`` (names it accepts, values checked by its exporter). An unknown option is an
error with a did-you-mean, never silently ignored.
"""

from __future__ import annotations

from typing import Any

from bundler.errors import Problem
from bundler.exporters import formats, image_devices
from bundler.manifest.checks import check_language, describe, suggest
from bundler.manifest.document import Manifest, problem
from bundler.text.sizes import parse_size

PAGE_SIZES = ("A4", "A5", "letter")
IMAGE_POLICIES = ("keep", "compress", "grayscale", "none")
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
}


def check_editions(manifest: Manifest, key: str, value: Any) -> list[Problem]:
    """A mapping of format name to its options (or null/{} for the defaults)."""

    known = formats()
    found: list[Problem] = []
    if not value:
        return [problem(manifest, key, "no editions listed", "M051", "list at least one, e.g. 'epub: {}', or remove 'editions:'")]
    for name, options in value.items():
        item_key = f"{key}.{name}"
        if name not in known:
            found.append(problem(manifest, item_key, f"unknown edition format {name!r}", "M050", suggest(str(name), known, "formats")))
        elif options is not None and not isinstance(options, dict):
            found.append(
                problem(manifest, item_key, f"edition options must be a mapping, got {describe(options)}", "M010", "e.g. {page_size: A5}")
            )
        elif options:
            found += check_edition_options(manifest, item_key, options, tuple(known[name].options), known)
    return found


def check_edition_options(manifest: Manifest, key: str, options: dict, extra: tuple[str, ...], known: dict | None = None) -> list[Problem]:
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
            edition = key.rsplit(".", 1)[-1]
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
        elif name == "device" and item not in image_devices():
            found.append(problem(manifest, item_key, f"unknown image device {item!r}", "M066", suggest(item, image_devices(), "devices")))
    return found
