"""One font program per face in a PDF assembled from parts.

Each part WeasyPrint lays out embeds its own subset of every face it uses, so a 31-piece book
carried 53 font programs (1.7 MB) where one per face does. WeasyPrint subsets with the
original glyph ids kept (HarfBuzz's ``RETAIN_GIDS``), so every part's font dictionaries
already address glyphs by the original font's ids. The assembled book therefore needs, per
face, one program holding the union of the glyphs all parts use: this module cuts it from
the original font file with the same HarfBuzz settings WeasyPrint uses, points every font
descriptor of that face at it, and lets the old streams go unreferenced (qpdf writes only
what is reachable). The glyphs drawn are the same outlines at the same ids, so pages render
exactly as before (the parts-vs-one-pass pixel test holds); the text layer is untouched.

A face is recognised by the PostScript name inside its embedded program, matched against
the project's fonts and the CJK serif collection; a program whose face is not found is left
as it is.
"""

from __future__ import annotations

import io
from collections import defaultdict
from functools import cache
from pathlib import Path

from bundler.render.glyph_coverage import CJK_COLLECTION
from bundler.resources import styles_dir

#: The tables WeasyPrint drops from an embedded font (pdf/fonts.py): a PDF viewer never shapes.
_DROPPED_TABLES = ("BASE", "DSIG", "EBDT", "EBLC", "EBSC", "GPOS", "GSUB", "JSTF", "LTSH", "PCLT", "SVG ")
_PROGRAM_KEYS = ("/FontFile2", "/FontFile3", "/FontFile")


def share_font_programs(book) -> int:
    """Give every face of ``book`` (an open pikepdf PDF) one font program; return how many faces were merged."""
    import pikepdf

    users: dict[tuple[str, int], list[tuple[object, str]]] = defaultdict(list)  # face -> (descriptor, key)
    glyphs: dict[tuple[str, int], set[int]] = defaultdict(set)
    for cid_font in _cid_fonts(book):
        descriptor = cid_font.get("/FontDescriptor")
        key = next((k for k in _PROGRAM_KEYS if descriptor is not None and k in descriptor), None)
        if key is None:
            continue
        face = _face_of(bytes(descriptor[key].read_bytes()))
        if face is None:
            continue
        users[face].append((descriptor, key))
        glyphs[face] |= _glyph_ids(cid_font.get("/W"))
    merged = 0
    for face, descriptors in sorted(users.items()):
        if len({d[key].objgen for d, key in descriptors}) < 2:
            continue
        data = _subset_face(face, frozenset(glyphs[face]))
        key = descriptors[0][1]
        extra = {"/Subtype": pikepdf.Name.OpenType} if key == "/FontFile3" else {"/Length1": len(data)}
        stream = pikepdf.Stream(book, data, **extra)
        for descriptor, _ in descriptors:
            descriptor[key] = stream
        merged += 1
    return merged


def _cid_fonts(book):
    """Every CIDFont (descendant of a Type0 font) any page, form or overlay uses, once each."""
    seen = set()
    for obj in book.objects:
        if not hasattr(obj, "get") or obj.get("/Type") != "/Font" or obj.get("/Subtype") != "/Type0":
            continue
        for descendant in obj.get("/DescendantFonts", []):
            if descendant.objgen not in seen:
                seen.add(descendant.objgen)
                yield descendant


def _glyph_ids(widths) -> set[int]:
    """The glyph ids a CIDFont's /W array lists (``c [w1 w2 …]`` and ``c_first c_last w`` forms)."""
    import pikepdf

    found: set[int] = set()
    items = list(widths or [])
    index = 0
    while index < len(items):
        first = int(items[index])
        following = items[index + 1]
        if isinstance(following, pikepdf.Array):
            found.update(range(first, first + len(following)))
            index += 2
        else:
            found.update(range(first, int(following) + 1))
            index += 3
    return found


def _face_of(program: bytes) -> tuple[str, int] | None:
    """(font file, index in its collection) of an embedded program, by its PostScript name."""
    from fontTools.ttLib import TTFont, TTLibError

    try:
        with TTFont(io.BytesIO(program), lazy=True) as font:
            name = font["name"].getDebugName(6)
    except (TTLibError, KeyError, ValueError, AssertionError):
        return None
    return _faces_by_postscript_name().get(name or "")


@cache
def _faces_by_postscript_name() -> dict[str, tuple[str, int]]:
    from fontTools.ttLib import TTCollection, TTFont

    found: dict[str, tuple[str, int]] = {}
    for path in sorted((styles_dir() / "fonts").glob("*.[ot]tf")):
        with TTFont(path, lazy=True) as font:
            found.setdefault(font["name"].getDebugName(6), (str(path), 0))
    for collection in (CJK_COLLECTION, CJK_COLLECTION.with_name(CJK_COLLECTION.name.replace("Regular", "Bold"))):
        if collection.is_file():
            for index, font in enumerate(TTCollection(collection, lazy=True).fonts):
                found.setdefault(font["name"].getDebugName(6), (str(collection), index))
    return found


def _subset_face(face: tuple[str, int], glyph_ids: frozenset[int]) -> bytes:
    """The face cut to ``glyph_ids`` (ids kept), as WeasyPrint cuts its own subsets."""
    import uharfbuzz as hb

    path, index = face
    source = hb.Face(hb.Blob(Path(path).read_bytes()), index)
    request = hb.SubsetInput()
    request.glyph_set.update(sorted(glyph_ids | {0}))
    request.drop_table_tag_set.update(int.from_bytes(tag.encode("ascii"), "big") for tag in _DROPPED_TABLES)
    request.flags = (
        hb.SubsetFlags.RETAIN_GIDS
        | hb.SubsetFlags.PASSTHROUGH_UNRECOGNIZED
        | hb.SubsetFlags.DESUBROUTINIZE
        | hb.SubsetFlags.NO_HINTING
        | hb.SubsetFlags.NOTDEF_OUTLINE
    )
    subset = hb.subset(source, request)
    if subset is None:
        raise ValueError(f"HarfBuzz could not subset {path}")
    return subset.blob.data
