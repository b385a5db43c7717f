"""``dossier.json``: a small machine-readable description written next to the editions.

The catalogue and the library server read it instead of re-importing collections, so a
``dist/`` folder copied onto a USB stick or a single-board computer is self-describing.
It is data, not an edition, so it lives here rather than in ``exporters/``.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from lxml import etree

from bundler.build.edition_language import edition_language
from bundler.build.result import BuildResult
from bundler.clock import build_time, iso_seconds
from bundler.exporters import formats
from bundler.files import write_atomically
from bundler.text.plain import sha256_file

SIDECAR_NAME = "dossier.json"
SIDECAR_FORMAT = "bundler-dossier/1"

_CONTAINER_NS = {"c": "urn:oasis:names:tc:opendocument:xmlns:container"}
_OPF_NS = {"opf": "http://www.idpf.org/2007/opf"}


def write_dossier_sidecar(result: BuildResult) -> Path | None:
    """Write ``dossier.json`` beside the editions a build produced; None if it produced none."""

    if not result.outputs:
        return None
    folder = next(iter(result.outputs.values())).parent
    data = describe_dossier(result)
    destination = folder / SIDECAR_NAME
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
    write_atomically(destination, lambda path: path.write_text(text, encoding="utf-8"))
    return destination


def describe_dossier(result: BuildResult) -> dict:
    """The sidecar's content: dossier metadata plus one record per edition written."""
    dossier = result.dossier
    known = formats()
    editions: dict[str, dict] = {}
    cover = None
    for name, path in sorted(result.outputs.items()):
        edition = result.editions.get(name)
        format_name = edition.format if edition else name
        fmt = known.get(format_name)
        editions[name] = {
            "format": format_name,
            "language": edition_language(edition) if edition else "",  # "" when it holds every piece
            "file": path.name,
            "media_type": fmt.media_type if fmt else "application/octet-stream",
            "size": path.stat().st_size,
            "sha256": sha256_file(path),
            "description": fmt.description if fmt else "",
        }
        if cover is None and path.suffix == ".epub":
            member = find_epub_cover(path)
            if member:
                cover = {"file": path.name, "member": member}
    return {
        "format": SIDECAR_FORMAT,
        "slug": dossier.slug,
        "title": dossier.title,
        "subtitle": dossier.subtitle,
        "description": dossier.description,
        "language": dossier.language,
        "direction": dossier.direction,
        "editors": list(dossier.editors),
        "publisher": dossier.publisher,
        "date": dossier.date,
        "modified": iso_seconds(build_time(dossier.date)),
        "identifier": dossier.identifier,
        "subjects": list(dossier.subjects),
        "rights": dossier.rights,
        "editions": editions,
        "cover": cover,
        "contents": [{"title": piece.title, "slug": piece.slug} for piece in dossier.pieces],  # the library page lists them
    }


def find_epub_cover(epub: Path) -> str | None:
    """The zip member name of an EPUB's cover image (OPF ``properties="cover-image"``), or None."""
    try:
        with zipfile.ZipFile(epub) as archive:
            container = etree.fromstring(archive.read("META-INF/container.xml"))
            rootfiles = container.xpath("//c:rootfile/@full-path", namespaces=_CONTAINER_NS)
            if not rootfiles:
                return None
            opf_path = PurePosixPath(rootfiles[0])
            opf = etree.fromstring(archive.read(str(opf_path)))
            member = _cover_href(opf)
            if not member:
                return None
            name = str(PurePosixPath(*_normalised_parts(opf_path.parent / unquote(member))))
            return name if name in archive.namelist() else None
    except (OSError, KeyError, zipfile.BadZipFile, etree.XMLSyntaxError):
        return None


def _cover_href(opf) -> str | None:
    """The href of the EPUB 3 cover-image item, else the EPUB 2 ``<meta name="cover">`` item."""
    for item in opf.xpath("//opf:manifest/opf:item[@properties]", namespaces=_OPF_NS):
        if "cover-image" in item.get("properties", "").split():
            return item.get("href")
    ids = opf.xpath("//opf:metadata/opf:meta[@name='cover']/@content", namespaces=_OPF_NS)
    if ids:
        hrefs = opf.xpath("//opf:manifest/opf:item[@id=$id]/@href", namespaces=_OPF_NS, id=ids[0])
        if hrefs:
            return hrefs[0]
    return None


def _normalised_parts(path: PurePosixPath) -> list[str]:
    """Resolve ``..`` in an href inside the zip (OPF hrefs are relative to the OPF)."""
    parts: list[str] = []
    for part in path.parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return parts
