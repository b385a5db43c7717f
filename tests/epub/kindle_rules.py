"""Send-to-Kindle's known rejection causes, as a checker every EPUB the suite builds goes through.

Amazon converts an e-mailed EPUB and bounces it (or drops parts silently) when a document does
not declare its encoding, a link targets a ``<body>`` id, an image has no ``src``, or the NCX
(which Kindle's converter still reads for its table of contents) lacks ``playOrder``, has no
real ``dtb:depth``, or lists entries in another order than the spine and the navigation
document. :func:`kindle_problems` returns one line per broken rule; ``[]`` means it passes.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path
from urllib.parse import unquote, urldefrag

from lxml import etree

H = "http://www.w3.org/1999/xhtml"
NCX = "http://www.daisy.org/z3986/2005/ncx/"
OPF = "http://www.idpf.org/2007/opf"
_DECLARATION = re.compile(rb"^<\?xml[^>]*encoding=[\"'](utf-8|UTF-8)[\"']")


def kindle_problems(path: Path) -> list[str]:
    """Every Send-to-Kindle rule the EPUB at ``path`` breaks."""
    with zipfile.ZipFile(path) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    opf_name = etree.fromstring(entries["META-INF/container.xml"]).find(".//{*}rootfile").get("full-path")
    folder = posixpath.dirname(opf_name)
    opf = etree.fromstring(entries[opf_name])
    manifest = {item.get("id"): item for item in opf.iter(f"{{{OPF}}}item")}
    in_folder = {item_id: posixpath.join(folder, unquote(item.get("href"))) for item_id, item in manifest.items()}
    spine = [in_folder[ref.get("idref")] for ref in opf.iter(f"{{{OPF}}}itemref")]
    documents = {name: data for name, data in entries.items() if name.endswith((".xhtml", ".html", ".htm"))}
    problems = [f"{name}: no XML declaration with its encoding" for name, data in documents.items() if not _DECLARATION.match(data)]
    parsed = {name: etree.fromstring(data) for name, data in documents.items()}
    body_ids = {(name, root.find(f"{{{H}}}body").get("id")) for name, root in parsed.items() if root.find(f"{{{H}}}body") is not None}
    for name, root in parsed.items():
        for link in root.iter(f"{{{H}}}a"):
            target = _resolve(name, link.get("href") or "")
            if target in body_ids:
                problems.append(f"{name}: link {link.get('href')!r} targets a <body> id")
        problems += [f"{name}: an <img> without src" for image in root.iter(f"{{{H}}}img") if not (image.get("src") or "").strip()]
    ncx_items = [in_folder[i] for i, item in manifest.items() if item.get("media-type") == "application/x-dtbncx+xml"]
    if not ncx_items:
        return [*problems, "no NCX (Kindle's converter reads its table of contents from it)"]
    nav = next((in_folder[i] for i, item in manifest.items() if "nav" in (item.get("properties") or "").split()), None)
    return problems + _ncx_problems(ncx_items[0], etree.fromstring(entries[ncx_items[0]]), spine, parsed.get(nav), nav)


def _resolve(base: str, href: str) -> tuple[str, str] | None:
    """(zip name, fragment) that ``href`` in document ``base`` points to; None for external links."""
    if not href or "://" in href or href.startswith(("mailto:", "tel:")):
        return None
    path, fragment = urldefrag(href)
    target = posixpath.normpath(posixpath.join(posixpath.dirname(base), unquote(path))) if path else base
    return target, fragment


def _ncx_problems(name: str, ncx: etree._Element, spine: list[str], nav: etree._Element | None, nav_name: str | None) -> list[str]:
    problems = []
    points = list(ncx.iter(f"{{{NCX}}}navPoint"))
    orders = [point.get("playOrder") for point in points]
    if not points or None in orders:
        problems.append(f"{name}: a navPoint without playOrder")
    elif [int(o) for o in orders] != sorted(int(o) for o in orders):
        problems.append(f"{name}: playOrder is not in document order")
    depth = ncx.find(f".//{{{NCX}}}meta[@name='dtb:depth']")
    real = max((len(point.xpath("ancestor-or-self::n:navPoint", namespaces={"n": NCX})) for point in points), default=0)
    if depth is None or depth.get("content") != str(real) or real < 1:
        problems.append(f"{name}: dtb:depth is {None if depth is None else depth.get('content')!r}, the navMap is {real} deep")
    targets = [_resolve(name, point.find(f"{{{NCX}}}content").get("src"))[0] for point in points]
    positions = [spine.index(t) if t in spine else -1 for t in targets]
    if -1 in positions or positions != sorted(positions):
        problems.append(f"{name}: NCX entries are not in spine order: {targets}")
    if nav is not None and nav_name:
        toc = nav.xpath("//h:nav[@epub:type='toc']//h:a/@href", namespaces={"h": H, "epub": "http://www.idpf.org/2007/ops"})
        nav_targets = [_resolve(nav_name, href)[0] for href in toc]
        if nav_targets != targets:
            problems.append(f"{name}: NCX order {targets} differs from the navigation document's {nav_targets}")
    return problems
