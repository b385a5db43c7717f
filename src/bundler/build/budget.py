"""Edition sizes: a report after every build, and fitting an edition into a size budget.

A dossier may travel over an SMS-grade link, so each edition reports what its bytes are
spent on (text, images, fonts, the five largest parts). An edition with ``budget: 2 MB``
that comes out larger is rewritten with its images degraded step by step (smaller, lower
quality, grayscale, finally none); if even text alone does not fit, the build fails and says
why. The over-budget file never reaches the output folder.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from bundler.errors import ExportError, Report
from bundler.exporters import Writer
from bundler.exporters.context import BuildContext
from bundler.files import write_atomically
from bundler.images import DEGRADE_STEPS, ImagePolicy, degraded, without_images
from bundler.model import Dossier, Edition
from bundler.text.sizes import format_size
from bundler.text.sizes import parse_size as size_or_none

_FONT_SUFFIXES = (".ttf", ".otf", ".woff", ".woff2")
_IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg")
#: An image or font inlined in a single-file HTML edition.
_DATA_URI = re.compile(rb"data:(image|font)/[\w.+-]+;base64,[A-Za-z0-9+/=]+")
#: ``_DATA_URI`` up to its base64 text, and that text alone: found apart, see ``_data_uris``.
_DATA_URI_HEAD = re.compile(rb"data:(image|font)/[\w.+-]+;base64,(?=[A-Za-z0-9+/=])")
_BASE64_RUN = re.compile(rb"[A-Za-z0-9+/=]+")
_BASE64_BYTES = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="


def parse_size(value: object) -> int:
    """Bytes in ``"2 MB"``, ``"500 KB"``, ``"1.5 MiB"``; the manifest's parser, raising for the build."""
    size = size_or_none(value)
    if size is None:
        raise ExportError(
            f"budget {value!r} is not a file size", code="E611", key="budget", hint="write a size such as '2 MB', '500 KB' or '1.5 MiB'"
        )
    return size


def human_size(size: int) -> str:
    """``1.40 MB``, ``380 KB``, ``912 B``: two decimals, so a size just over a budget does not read as equal to it."""
    return format_size(size, megabyte_digits=2)


@dataclass(frozen=True)
class SizeReport:
    """What one edition's bytes are spent on."""

    format: str
    total: int
    text: int
    images: int
    fonts: int
    largest: tuple[tuple[str, int], ...] = ()
    budget: int | None = None
    step: int = 0  # the budget degradation step the edition was written with (0: none)
    notes: tuple[str, ...] = field(default=())

    def render(self) -> str:
        """A few lines for the terminal."""
        head = f"{self.format}: {human_size(self.total)} (text {human_size(self.text)}, images {human_size(self.images)}, fonts {human_size(self.fonts)})"
        if self.budget:
            head += f"; budget {human_size(self.budget)}" + (f", images degraded to step {self.step}" if self.step else "")
        parts = ", ".join(f"{name} {human_size(size)}" for name, size in self.largest)
        return head + (f"\n  largest: {parts}" if parts else "")


def measure_edition(path: Path, format_name: str) -> SizeReport:
    """Split an edition's size into text, images and fonts (EPUB/zip entries, PDF streams or HTML data URIs)."""
    total = path.stat().st_size
    parts: list[tuple[str, str, int]] = []  # (kind, name, bytes)
    with path.open("rb") as stream:
        head = stream.read(15)
    if zipfile.is_zipfile(path):
        parts = _zip_parts(path)
    elif head[:5] == b"%PDF-":
        parts = _pdf_parts(path)
    elif head.lower() == b"<!doctype html>":  # by content: the file being written is named NAME.part
        parts = _html_parts(path)
    images = sum(size for kind, _, size in parts if kind == "image")
    fonts = sum(size for kind, _, size in parts if kind == "font")
    largest = tuple((name, size) for _, name, size in sorted(parts, key=lambda p: (-p[2], p[1]))[:5])
    return SizeReport(format_name, total, max(0, total - images - fonts), images, fonts, largest)


def _zip_parts(path: Path) -> list[tuple[str, str, int]]:
    parts = []
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            name = info.filename.lower()
            kind = "font" if name.endswith(_FONT_SUFFIXES) else "image" if name.endswith(_IMAGE_SUFFIXES) else "text"
            parts.append((kind, info.filename, info.compress_size))
    return parts


def _html_parts(path: Path) -> list[tuple[str, str, int]]:
    """Each ``data:`` URI of a single-file HTML edition (its images, base64 and all); the rest is text."""
    found = _data_uris(path.read_bytes())
    return [(kind.decode(), f"{kind.decode()} {n} (data URI)", size) for n, (kind, size) in enumerate(found, start=1)]


def _data_uris(document: bytes) -> Iterator[tuple[bytes, int]]:
    """(kind, length) of each match of ``_DATA_URI`` in ``document``, in order, as ``finditer`` finds them.

    The URIs are most of a 40 MB edition, and the regular expression walked their base64 byte by
    byte (0.22 s of CPU, a sixth of a one-changed HTML rebuild). Here ``bytes.find`` jumps to each
    ``data:``, and a URI's base64 is taken to end at the next quote when nothing before the quote
    is outside base64's alphabet (``translate`` deletes the alphabet in C); otherwise the run is
    matched as before. Same matches, same lengths (``tests/test_budget.py``).
    """
    position = document.find(b"data:")
    while position != -1:
        head = _DATA_URI_HEAD.match(document, position)
        if head is None:
            position = document.find(b"data:", position + 1)
            continue
        end = _base64_end(document, head.end())
        yield head.group(1), end - position
        position = document.find(b"data:", end)


def _base64_end(document: bytes, start: int) -> int:
    """Where the run of base64 characters starting at ``start`` ends."""
    quote = document.find(b'"', start)
    if quote != -1 and not document[start:quote].translate(None, _BASE64_BYTES):
        return quote
    return _BASE64_RUN.match(document, start).end()


def _pdf_parts(path: Path) -> list[tuple[str, str, int]]:
    import pikepdf

    parts = []
    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image":
                size = len(obj.read_raw_bytes())
                parts.append(("image", f"image {int(obj.get('/Width', 0))}x{int(obj.get('/Height', 0))} (obj {obj.objgen[0]})", size))
            elif isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
                for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                    if key in obj:
                        size = len(obj[key].read_raw_bytes())
                        parts.append(("font", f"font {str(obj.get('/FontName', '?')).lstrip('/')}", size))
    return parts


def write_edition(write: Writer, dossier: Dossier, edition: Edition, destination: Path, ctx: BuildContext) -> SizeReport:
    """Write one edition under its image policy (``ctx.policy``), degrading images until it fits its budget.

    Each attempt gets its own report; only the kept attempt's warnings reach ``ctx.report``.
    """
    budget = parse_size(edition.option("budget")) if edition.option("budget") is not None else None
    base, report = ctx.policy, ctx.report
    outcome: list[SizeReport] = []

    def attempt(temporary: Path) -> None:
        tried: list[tuple[ImagePolicy, SizeReport]] = []
        for step, policy in _distinct_steps(base, budget):
            attempt_report = Report()
            subject = dossier if policy.include else without_images(dossier)
            write(subject, edition, temporary, ctx.with_images(policy, attempt_report))
            size = replace(measure_edition(temporary, edition.id), budget=budget, step=step)
            tried.append((policy, size))
            if budget is None or size.total <= budget:
                report.warnings.extend(attempt_report.warnings)
                if step:
                    report.warn(_degraded_message(edition, tried), "W610")
                outcome.append(size)
                return
            if size.total - size.images > budget:
                break  # text and fonts alone are over: smaller images cannot help
        raise _over_budget(edition, budget or 0, tried)

    write_atomically(destination, attempt)
    return outcome[0]


def _distinct_steps(base: ImagePolicy, budget: int | None):
    """(step, policy) pairs, skipping steps that would not change the policy."""
    seen: list[ImagePolicy] = []
    for step in range(len(DEGRADE_STEPS) if budget else 1):
        policy = degraded(base, step)
        if policy not in seen:
            seen.append(policy)
            yield step, policy


def _degraded_message(edition: Edition, tried: list[tuple[ImagePolicy, SizeReport]]) -> str:
    first, (policy, last) = tried[0][1], tried[-1]
    how = (
        "images left out (text-only)"
        if not policy.include
        else f"images at most {policy.max_side} px, JPEG quality {'at most ' if policy.ssim_target else ''}{policy.jpeg_quality}"
        + (", grayscale" if policy.grayscale else "")
    )
    return f"{edition.id}: {human_size(first.total)} was over the {human_size(last.budget or 0)} budget; written with {how} ({human_size(last.total)})"


def _over_budget(edition: Edition, budget: int, tried: list[tuple[ImagePolicy, SizeReport]]) -> ExportError:
    last = tried[-1][1]
    return ExportError(
        f"{edition.id} edition does not fit its {human_size(budget)} budget: smallest attempt was {human_size(last.total)} "
        f"(text {human_size(last.text)}, fonts {human_size(last.fonts)}, images {human_size(last.images)}) after {len(tried)} attempt(s)",
        code="E610",
        key=f"{edition.where}.budget",
        hint="text and fonts alone are over the budget; raise the budget, split the dossier, or use the epub-text edition",
    )
