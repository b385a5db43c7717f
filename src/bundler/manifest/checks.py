"""Checks for single manifest values: language tags, dates, paths, people, identifiers.

Each check takes ``(manifest, key, value)`` and returns a list of problems (empty when the
value is good), so the validator can collect every problem before reporting.
"""

from __future__ import annotations

import difflib
import os
import re
import unicodedata
import uuid
import warnings
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

from bundler.errors import BundlerError, Problem
from bundler.importers import find_source
from bundler.manifest.document import MANIFEST_NAME, Manifest, problem
from bundler.text.language import is_language_tag, normalise_tag
from bundler.text.sizes import parse_size  # noqa: F401  (the manifest checks a budget with it; editions imports it from here)

TYPE_NAMES = {bool: "true or false", str: "text", int: "a whole number", float: "a number", list: "a list", dict: "a mapping"}
_LANGUAGE_NAMES = {  # names editors write instead of a tag (in English, and the Arabic ones in Arabic)
    "english": "en",
    "arabic": "ar",
    "french": "fr",
    "german": "de",
    "spanish": "es",
    "kurdish": "ku",
    "turkish": "tr",
    "persian": "fa",
    "farsi": "fa",
    "urdu": "ur",
    "hebrew": "he",
    "russian": "ru",
    "ukrainian": "uk",
    "portuguese": "pt",
    "italian": "it",
    "chinese": "zh",
    "japanese": "ja",
    "korean": "ko",
    "العربية": "ar",
    "عربي": "ar",
    "الإنجليزية": "en",
}
_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def describe(value: Any) -> str:
    """A plain name for the type of ``value`` ("text", "a list", ...)."""
    for kind, name in TYPE_NAMES.items():
        if isinstance(value, kind):
            return name
    return "nothing" if value is None else type(value).__name__


def suggest(word: str, choices, what: str) -> str:
    """``did you mean 'x'?`` for a near miss, otherwise the list of known choices."""
    match = difflib.get_close_matches(word, [str(c) for c in choices], n=1, cutoff=0.6)
    if match:
        return f"did you mean {match[0]!r}?"
    return f"known {what}: " + ", ".join(sorted(str(c) for c in choices))


def check_language(manifest: Manifest, key: str, value: Any) -> list[Problem]:
    """A well-formed BCP 47 tag such as ``en``, ``ar`` or ``ar-SY``."""
    text = str(value)
    if is_language_tag(text):
        return []
    hint = "use a BCP 47 tag such as 'en', 'ar' or 'ar-SY'"
    if text.lower() in _LANGUAGE_NAMES:
        hint = f"did you mean {_LANGUAGE_NAMES[text.lower()]!r}? Tags look like 'en', 'ar' or 'ar-SY'"
    elif is_language_tag(text.replace("_", "-")):
        hint = f"did you mean {normalise_tag(text.replace('_', '-')) or text.replace('_', '-')!r}? (BCP 47 tags use '-')"
    return [problem(manifest, key, f"invalid language tag {text!r}", "M020", hint)]


def parse_iso_date(text: str) -> date | None:
    """The first day covered by ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; None if not a real date."""
    match = _DATE.match(text.strip())
    if not match:
        return None
    year, month, day = (int(g) if g else 1 for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def check_date(manifest: Manifest, key: str, value: Any) -> list[Problem]:
    """An ISO date (``2016``, ``2016-05``, ``2016-05-10``) or a range ``2016-04/2016-12``."""
    text = str(value).strip()
    hint = "write YYYY-MM-DD, YYYY-MM, YYYY, or a range like 2016-04/2016-12"
    ends = text.split("/")
    if len(ends) > 2:
        return [problem(manifest, key, f"date {text!r} does not parse", "M021", iso_date_suggestion(text) or hint)]
    for end in ends:
        if parse_iso_date(end) is None:
            real = _DATE.match(end.strip())
            message = f"{end.strip()!r} is not a real date" if real else f"date {text!r} does not parse"
            return [problem(manifest, key, message, "M021", iso_date_suggestion(end.strip()) or hint)]
    if len(ends) == 2 and ends[1].strip() < ends[0].strip():
        return [problem(manifest, key, f"date range {text!r} ends before it starts", "M023", f"did you mean '{ends[1]}/{ends[0]}'?")]
    return []


def iso_date_suggestion(text: str) -> str:
    """A did-you-mean in ISO form for a date written another common way, or "".

    ``12/03/2024`` is read both ways when either could be the day (the hint names both);
    ``2024-3-5``, ``2024-03-13T10:00``, ``March 2024`` and ``12 March 2024`` have one reading.
    """
    text = text.strip()
    numbers = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", text)
    if numbers:
        first, second, year = (int(g) for g in numbers.groups())
        readings = [(year, second, first), (year, first, second)] if first != second else [(year, second, first)]
        found = [f"'{y:04d}-{m:02d}-{d:02d}'" for y, m, d in readings if _real(y, m, d)]
        if len(found) == 2:
            return f"did you mean {found[0]} (day first) or {found[1]} (month first)? (write YYYY-MM-DD)"
        return f"did you mean {found[0]}? (write YYYY-MM-DD)" if found else ""
    parts = re.fullmatch(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?(?:[T ]\d{1,2}:\d{2}(?::\d{2})?.*)?", text)
    if parts:
        year, month, day = int(parts[1]), int(parts[2]), int(parts[3] or 1)
        iso = f"{year:04d}-{month:02d}" + (f"-{day:02d}" if parts[3] else "")
        return f"did you mean '{iso}'? (write YYYY-MM-DD: a date only, two-digit months and days)" if _real(year, month, day) else ""
    words = re.fullmatch(r"(?:(\d{1,2})\s+)?([A-Za-z]{3,})\.?,?\s+(?:(\d{1,2}),?\s+)?(\d{4})", text)
    month = _MONTHS.get(words[2][:3].lower()) if words else None
    if words and month:
        day = int(words[1] or words[3] or 0)
        iso = f"{int(words[4]):04d}-{month:02d}" + (f"-{day:02d}" if day else "")
        return f"did you mean '{iso}'? (write YYYY-MM-DD or YYYY-MM)" if _real(int(words[4]), month, day or 1) else ""
    return ""


def _real(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def check_identifier(manifest: Manifest, key: str, value: Any) -> list[Problem]:
    """A stable identifier; a ``urn:uuid:`` one must hold a valid UUID (EPUB readers check)."""
    text = str(value).strip()
    if text.lower().startswith("urn:uuid:"):
        try:
            uuid.UUID(text[9:])
        except ValueError:
            return [
                problem(
                    manifest, key, f"{text!r} is not a valid urn:uuid", "M024", "copy the identifier 'bundler new' wrote; never edit it"
                )
            ]
    elif not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$", text):
        return [problem(manifest, key, f"identifier {text!r} is not a URI", "M024", "use urn:uuid:…, urn:isbn:… or a URL")]
    return []


def check_path(manifest: Manifest, key: str, value: Any) -> list[Problem]:
    """A file inside the collection folder that exists; suggests near-miss names."""
    if not isinstance(value, str) or not value.strip():
        return [problem(manifest, key, "expected a file path", "M030")]
    where = _locate(manifest, key, value)
    return where if isinstance(where, list) else []


def on_disk(root: Path, value: str) -> Path:
    """``root / value`` spelled as the file system spells it.

    A name typed in one Unicode normalisation form and saved in the other (macOS writes
    NFD, most editors and keyboards NFC) names the same file to a person; each component
    that does not exist as written is looked up in its folder by comparing names in NFC.
    Without exactly one such match the path is returned as written.
    """
    path = root / value
    if path.exists() or path.is_symlink() or value.isascii():
        return path
    current = root
    for part in Path(value).parts:
        candidate = current / part
        if not (candidate.exists() or candidate.is_symlink()):
            wanted = unicodedata.normalize("NFC", part)
            try:
                matches = [name for name in os.listdir(current) if unicodedata.normalize("NFC", name) == wanted]
            except OSError:
                return path
            if len(matches) != 1:
                return path
            candidate = current / matches[0]
        current = candidate
    return current


def resolve_inside(manifest: Manifest, value: str) -> Path | str:
    """The real path of ``value`` inside the collection, or a message saying why not."""
    if PurePosixPath(value).is_absolute() or Path(value).is_absolute() or re.match(r"^[A-Za-z]:[\\/]", value):
        return "absolute path"
    root = manifest.root.resolve()
    try:
        target = on_disk(root, value).resolve(strict=False)
    except (RuntimeError, OSError):
        return "symlink loop"
    if target != root and root not in target.parents:
        return "outside"
    return target


def _locate(manifest: Manifest, key: str, value: str) -> Path | list[Problem]:
    target = resolve_inside(manifest, value)
    inside_hint = "copy the file into the collection folder and use a path relative to collection.yaml"
    if target == "absolute path":
        return [problem(manifest, key, f"absolute path {value!r}", "M031", inside_hint)]
    if target == "outside":
        return [problem(manifest, key, f"path {value!r} is outside the collection folder", "M031", inside_hint)]
    if target == "symlink loop" or (os.path.islink(manifest.root / value) and not (manifest.root / value).exists()):
        return [problem(manifest, key, f"{value!r} is a broken or looping symlink", "M033", "replace the link with the file")]
    assert isinstance(target, Path)
    if target == manifest.path.resolve() or target.name == MANIFEST_NAME:
        return [problem(manifest, key, f"{value!r} is a collection manifest, not a piece (a cycle)", "M035", "name the article's file")]
    if target.is_dir():
        return [problem(manifest, key, f"{value!r} is a folder, not a file", "M034", "name one file; list each file of the folder")]
    if target.is_file():
        return target
    if target.exists():
        return [
            problem(manifest, key, f"{value!r} is a FIFO, socket or device, not a file", "M038", "save the content to a file and name that")
        ]
    hint = "paths are relative to collection.yaml"
    near = near_file(manifest.root.resolve(), value)
    if near:
        hint += f"; did you mean {near!r}?"
    return [problem(manifest, key, f"file not found: {value!r}", "M032", hint)]


def near_file(root: Path, wanted: str) -> str:
    """The existing file whose path (or name, in the same folder) is closest to ``wanted``."""
    candidates: list[str] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d != "__pycache__"]
        candidates += [Path(folder, f).relative_to(root).as_posix() for f in files]
        if len(candidates) > 5000:
            break
    match = difflib.get_close_matches(wanted, candidates, n=1, cutoff=0.6)
    if match:
        return match[0]
    wanted_path = PurePosixPath(wanted)
    siblings = {PurePosixPath(c).name: c for c in candidates if PurePosixPath(c).parent == wanted_path.parent}
    match = difflib.get_close_matches(wanted_path.name, list(siblings), n=1, cutoff=0.6)
    return siblings[match[0]] if match else ""


def check_source(manifest: Manifest, key: str, value: Any) -> list[Problem]:
    """A piece's file: it must exist inside the collection and be a format bundler reads."""
    if not isinstance(value, str) or not value.strip():
        return [problem(manifest, key, "expected a file path", "M030")]
    where = _locate(manifest, key, value)
    if isinstance(where, list):
        return where

    try:
        find_source(where)
    except BundlerError as exc:
        return [problem(manifest, key, exc.problems[0].message, "M036", exc.problems[0].hint)]
    return []


def check_cover(manifest: Manifest, key: str, value: Any) -> list[Problem]:
    """``auto`` or an image path (JPEG, PNG, GIF, WebP)."""
    if value == "auto":
        return []
    found = check_path(manifest, key, value)
    if not found and Path(value).suffix.lower() not in {".jpg", ".jpeg", ".png", ".gif", ".webp"}:
        found.append(problem(manifest, key, f"cover {value!r} is not an image", "M037", "use 'auto' or a JPEG or PNG file"))
    elif not found:
        unusable = cover_image_problem(manifest.root / value)
        if unusable:
            found.append(
                problem(manifest, key, f"cover {value!r} {unusable}", "M037", "use 'auto' or a JPEG or PNG file of a sensible size")
            )
    return found


#: The largest cover picture read (a 4000×6000 photo is 24 Mpx): a small file declaring more is a decompression bomb.
MAX_COVER_PIXELS = 60_000_000


def cover_image_problem(path: Path) -> str:
    """Why the picture at ``path`` cannot be a cover ("" when it can), from its header alone: not an image
    Pillow reads (an HTML page saved as ``.jpg``, an empty file), or more pixels than ``MAX_COVER_PIXELS``."""
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                width, height = image.size
    except Image.DecompressionBombError as exc:
        return f"is too large to decode safely ({exc})"
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        return f"cannot be read as an image ({exc})"
    if width * height > MAX_COVER_PIXELS:
        return f"is {width:,}×{height:,} pixels, more than the {MAX_COVER_PIXELS:,} a cover may have"
    return ""


def check_people(manifest: Manifest, key: str, value: Any) -> list[Problem]:
    """A name or a list of names."""
    if isinstance(value, str) and value.strip():
        return []
    if isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value):
        return []
    return [problem(manifest, key, "expected a name or a list of names", "M010", "e.g. [Jane Doe, Sami Haddad]")]


def check_words(manifest: Manifest, key: str, value: Any) -> list[Problem]:
    """A list of words or phrases (subjects)."""
    bad = [i for i, v in enumerate(value) if not isinstance(v, str | int) or isinstance(v, bool)]
    return [problem(manifest, f"{key}[{i}]", f"expected text, got {describe(value[i])}", "M010") for i in bad]


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
