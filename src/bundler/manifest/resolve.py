"""Turn a validated manifest into a ``Dossier``: import every piece, apply overrides.

Nothing is written here; the build calls this before any output file is touched.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from bundler.cache import DamageLog, cache_root
from bundler.cleaning.media import default_media_dir
from bundler.codes import split_coded
from bundler.errors import BundlerError, ManifestError, Problem, Report
from bundler.executor import WorkOptions
from bundler.importers import ImportOptions, finish_blocks, read_piece
from bundler.importers.markdown import markdown_to_blocks, split_front_matter
from bundler.importers.piece import PIECE_FILE
from bundler.manifest.checks import on_disk
from bundler.manifest.document import Manifest, problem
from bundler.manifest.editions import edition_entries
from bundler.manifest.imports import import_all
from bundler.model import Dossier, Edition, Piece, Section, TextPage, keep_figures
from bundler.text.dates import parse_date
from bundler.text.plain import direction_of, slugify

PieceReader = Callable[[Path, ImportOptions], Piece]

DEFAULT_EDITIONS = {"epub": None, "pdf": None}


def dossier_identifier(manifest: Manifest) -> str:
    """The manifest's identifier, or one derived from the folder name (stable across rebuilds)."""
    given = manifest.data.get("identifier")
    if given:
        return str(given)
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'bundler:collection:' + manifest.root.resolve().name)}"


def resolve_dossier(
    manifest: Manifest,
    report: Report | None = None,
    reader: PieceReader | None = None,
    work: WorkOptions | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    media_dir: Path | None = None,
    on_import_work: Callable[[], None] | None = None,
    while_importing: Callable[[], None] | None = None,
) -> Dossier:
    """Import every piece named by the manifest (in parallel, cached) and assemble the dossier.

    Photos the sources carry go to the cache's ``media/``; with ``--no-cache`` to ``media_dir``
    (the build's temporary folder), so a read-only collection still builds. Damaged import
    cache entries met on the way (W701, discarded and imported again) go to ``report``.
    ``on_import_work()`` is called before any source that the cache lacks is imported;
    ``while_importing()`` runs in this process while such sources are imported (``import_all``).
    """
    report = report if report is not None else Report()
    work = work or WorkOptions()
    media = cache_root(manifest.root, "media") if work.cache else (media_dir or default_media_dir())
    damage = DamageLog()
    if reader is None:
        requests = [_import_request(manifest, entry, media) for section in manifest.data["sections"] for entry in section["pieces"]]
        cached = cache_root(manifest.root) if work.cache else None
        reader = import_all(requests, cached, work, damage, progress, on_import_work, while_importing)
    data = manifest.data
    language = str(data.get("language") or "en")
    sections: list[Section] = []
    used_slugs: set[str] = set()
    failures = []
    originals: dict[str, tuple[str, str]] = {}  # an original's SHA-256 -> the first entry made from it, and its path
    for s_index, section in enumerate(data["sections"]):
        pieces = []
        for p_index, entry in enumerate(section["pieces"]):
            key = f"sections[{s_index}].pieces[{p_index}]"
            try:
                piece = _load_piece(manifest, entry, reader, media)
            except MissingFigures as exc:
                failures.append(problem(manifest, f"{key}.figures", str(exc), "M069", exc.hint))
                continue
            except BundlerError as exc:
                failures += [
                    problem(manifest, key, f"cannot import{_origin(manifest, p)}: {p.message}", p.code or "M060", p.hint)
                    for p in exc.problems
                ]
                continue
            twice = _same_original(piece, originals, key)
            if twice:  # a warning: a copy of a piece edited by hand is a piece of its own
                hint = "list each article once: remove one of the two entries"
                report.warn(twice, "W060", file=str(manifest.path), line=manifest.line(key), key=key, hint=hint)
            piece = replace(piece, slug=_unique(piece.slug, used_slugs))
            for warning in piece.provenance.warnings:
                code, message = split_coded(warning)
                report.warn(message, code, file=piece.provenance.source_path)
            pieces.append(piece)
        intro = _section_intro(manifest, section.get("intro"), language)
        sections.append(
            Section(
                title=str(section["title"]),
                pieces=tuple(pieces),
                intro=intro,
                slug=_unique(slugify(str(section["title"]), "section"), used_slugs),
            )
        )
    report.warnings.extend(damage.problems)
    if failures:
        raise ManifestError(problems=failures)
    editions = edition_declarations(manifest)
    return Dossier(
        title=str(data["title"]),
        identifier=dossier_identifier(manifest),
        slug=slugify(manifest.root.resolve().name, "dossier"),
        sections=tuple(sections),
        subtitle=str(data.get("subtitle") or ""),
        description=str(data.get("description") or "").strip(),
        language=language,
        direction=direction_of(language),
        editors=_people(data.get("editors")),
        publisher=str(data.get("publisher") or ""),
        date=_date_text(data.get("date")),
        subjects=tuple(str(s) for s in data.get("subjects") or ()),
        rights=str(data.get("rights") or "").strip(),
        cover=str(data.get("cover") or "auto"),
        front_matter=_text_pages(manifest, data.get("front") or (), "introduction", used_slugs),
        back_matter=_text_pages(manifest, data.get("back") or (), "text", used_slugs),
        editions=tuple(_edition(key, name, options) for key, name, options in edition_entries(editions)),
        root=str(manifest.root.resolve()),
    )


def _same_original(piece: Piece, originals: dict[str, tuple[str, str]], key: str) -> str:
    """What to say when an entry is made from an original already listed (a page and its piece.json), else ""."""
    digest = piece.provenance.source_sha256
    if not digest:
        return ""
    path = piece.provenance.source_path or "the same original"
    first, first_path = originals.setdefault(digest, (key, path))
    if first == key:
        return ""
    origin = f"both are made from {path}" if path == first_path else f"{first_path} and {path} hold the same bytes"
    return f"the same article as {first} ({origin}): it is printed twice"


def _edition(key: str, format_name: str, options: dict) -> Edition:
    """One declared edition: its format, its name (not an option of the book), its options, where it is declared."""
    name = str(options.pop("name", None) or "")
    return Edition(format_name, tuple(sorted(options.items())), name=name, key=key)


def _import_request(manifest: Manifest, entry: Any, media_dir: Path) -> tuple[Path, ImportOptions]:
    """The file to import for a manifest entry, and how (the import cache keys on both)."""
    overrides = entry if isinstance(entry, dict) else {"source": entry}
    source = Path(overrides["source"])
    options = ImportOptions(
        media_dir=media_dir,  # photos a page carries inline or beside it: the cache's (honours $BUNDLER_CACHE_DIR)
        language=str(overrides.get("language") or ""),
        source_label=source.as_posix(),
    )
    return on_disk(manifest.root, overrides["source"]), options


def _load_piece(manifest: Manifest, entry: Any, reader: PieceReader, media_dir: Path) -> Piece:
    overrides = entry if isinstance(entry, dict) else {"source": entry}
    source = Path(overrides["source"])
    piece = reader(*_import_request(manifest, entry, media_dir))
    stem = source.parent.name if source.name == PIECE_FILE else source.stem
    changes: dict[str, Any] = {"slug": slugify(stem, piece.slug or "piece")}
    if overrides.get("title"):
        changes["title"] = str(overrides["title"])
    if overrides.get("authors"):
        changes["authors"] = _people(overrides["authors"])
    if overrides.get("date"):
        changes["date"] = _date_text(overrides["date"])
    if overrides.get("language"):
        changes["language"] = str(overrides["language"])
        changes["direction"] = direction_of(changes["language"])
    for field_name in ("source_url", "site", "note"):
        if overrides.get(field_name):
            changes[field_name] = str(overrides[field_name])
    if "figures" in overrides:
        changes["body"] = _filter_figures(replace(piece, **changes), overrides["figures"])  # named by the title readers see
    return replace(piece, **changes)


class MissingFigures(ValueError):
    """A ``figures:`` list names a figure the piece does not have (it would silently keep none of them)."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


def _filter_figures(piece: Piece, rule: Any) -> tuple:
    """The body under a ``figures:`` override: all (``include``), none (``exclude``) or the numbers listed."""
    if rule in ("include", "all"):
        return piece.body
    wanted = set(rule) if isinstance(rule, list) else set()
    _refuse_missing_figures(piece, wanted)
    return keep_figures(piece.body, lambda number: number in wanted)


def _refuse_missing_figures(piece: Piece, wanted: set[int]) -> None:
    """Every number listed must be one of the piece's figures, counted as ``bundler list`` counts them."""
    count = len(piece.figures)
    missing = sorted(n for n in wanted if n > count)
    if not missing:
        return
    names = ", ".join(str(n) for n in missing)
    if count == 0:
        raise MissingFigures(f"figure {names} asked for, but {piece.title!r} has no figures", "remove 'figures:' from this entry")
    has = "1 figure" if count == 1 else f"{count} figures"
    hint = f"number them 1 to {count} in reading order, as 'bundler list' counts them; or 'exclude' to keep none"
    raise MissingFigures(f"no figure {names}: {piece.title!r} has {has}", hint)


def _section_intro(manifest: Manifest, intro: Any, language: str) -> tuple:
    """A section's intro (inline Markdown or a file), finished as an imported piece is (no links to missing files)."""
    if not intro:
        return ()
    if isinstance(intro, dict):
        path = on_disk(manifest.root, intro["file"])
        _meta, text = split_front_matter(path.read_text(encoding="utf-8"), path)
        return finish_blocks(tuple(markdown_to_blocks(text, language)))
    return finish_blocks(tuple(markdown_to_blocks(str(intro), language)))


def _text_pages(manifest: Manifest, entries, default_kind: str, used: set[str]) -> tuple[TextPage, ...]:
    pages = []
    for entry in entries:
        spec = entry if isinstance(entry, dict) else {"file": entry}
        piece = read_piece(on_disk(manifest.root, spec["file"]))
        kind = str(spec.get("kind") or _kind_from_name(Path(spec["file"]).stem, default_kind))
        pages.append(
            TextPage(
                title=str(spec.get("title") or piece.title),
                body=piece.body,
                slug=_unique(slugify(Path(spec["file"]).stem, kind), used),
                kind=kind,
                language=piece.language,
                direction=piece.direction,
            )
        )
    return tuple(pages)


def _kind_from_name(stem: str, default: str) -> str:
    for kind in ("introduction", "timeline", "glossary", "colophon"):
        if kind.startswith(stem.lower()[:5]) or stem.lower().startswith(kind[:5]):
            return kind
    return default


def _people(value: Any) -> tuple[str, ...]:
    if not value:
        return ()
    return (str(value),) if isinstance(value, str) else tuple(str(v) for v in value)


def _date_text(value: Any) -> str:
    if not value:
        return ""
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return parse_date(text) or text


def _origin(manifest: Manifest, found: Problem) -> str:
    """`` sources/a.md:3`` when the importer said where in its file the problem is."""
    if not found.file:
        return ""
    path = Path(found.file)
    try:
        path = path.resolve().relative_to(manifest.root.resolve())
    except ValueError:
        pass
    return f" {path.as_posix()}" + (f":{found.line}" if found.line else "")


def _unique(slug: str, used: set[str]) -> str:
    candidate, number = slug, 2
    while candidate in used:
        candidate = f"{slug}-{number}"
        number += 1
    used.add(candidate)
    return candidate


def edition_declarations(manifest: Manifest) -> dict | list:
    """What the manifest's ``editions:`` declares, or the default editions when it declares none."""
    return manifest.data.get("editions") or DEFAULT_EDITIONS


def edition_formats(manifest: Manifest) -> list[str]:
    """The format of each edition the manifest declares (the defaults' when it declares none), known before any import."""
    return [name for _key, name, _options in edition_entries(edition_declarations(manifest))]
