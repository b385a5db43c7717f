"""Kobo edition (``NAME.kepub.epub``): the EPUB with Kobo's conventions, so Kobo opens it in its own renderer.

A plain EPUB opens on a Kobo in the older Adobe renderer: no reading statistics, no
per-sentence highlighting, weaker pop-up notes. Kobo's renderer wants what Kobo's own
store files carry (the "kepub" conventions, as kepubify and calibre's KoboTouchExtended
write them):

- each document's body content inside ``<div id="book-columns"><div id="book-inner">``;
- each sentence, and each image, inside ``<span class="koboSpan" id="kobo.P.S">``, where P
  counts the block elements (paragraphs, headings, list items...) of the document and S
  the sentences and images inside one; sentences come from :mod:`bundler.text.sentences` and
  are found across inline markup (a sentence that runs through ``<em>`` is cut where the
  sentence ends, not where the markup does);
- the cover image with ``properties="cover-image"`` and the EPUB 2 ``<meta name="cover">``
  (the EPUB writer gives both), and notes as ``epub:type="noteref"`` links to
  ``<aside epub:type="footnote">``, which Kobo's renderer shows as pop-ups (the renderer
  already writes them so).

The EPUB is written by the EPUB exporter to a scratch file and its XHTML documents (all but
the navigation document, whose structure EPUB fixes) are transformed, then repacked with
every other entry, ``mimetype`` first and stored, copied byte for byte with its original
date: the Kobo edition is as reproducible as the EPUB.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from bundler.errors import ExportError
from bundler.exporters import Format
from bundler.exporters.context import BuildContext
from bundler.exporters.epub import write_epub
from bundler.model import Dossier, Edition
from bundler.text.sentences import boundaries

XHTML = "http://www.w3.org/1999/xhtml"
_OPS = "http://www.idpf.org/2007/ops"
#: Elements that start a new Kobo "paragraph" (the P of kobo.P.S).
BLOCKS = frozenset(
    "p h1 h2 h3 h4 h5 h6 li dt dd blockquote figcaption caption td th pre div aside section header footer figure "
    "nav table thead tbody tfoot tr ul ol dl article main address hr details summary".split()
)
#: Elements whose content is not reading text.
_SKIPPED = frozenset("script style svg math head title".split())
#: Kobo's own stylesheet hack (as kepubify writes it): the column wrapper adds no margins.
KOBO_STYLE = "div#book-inner { margin-top: 0; margin-bottom: 0; }"


def write_kepub(dossier: Dossier, edition: Edition, out: Path, ctx: BuildContext) -> None:
    """Write the dossier as a Kobo EPUB (kepub) at ``out``: the EPUB writer's pages, each given Kobo's spans.

    The pages pass through the EPUB writer's page seam (``transform_page``), so the package,
    the navigation document (whose structure EPUB fixes) and the fonts stay the EPUB's own.
    """
    write_epub(dossier, edition, out, ctx, transform_page=lambda name, document: koboize(document, name))


def koboize(document: bytes, name: str = "") -> bytes:
    """One XHTML document with koboSpans around every sentence and image, and its body in Kobo's column wrapper."""
    try:
        tree = etree.fromstring(document).getroottree()
    except etree.XMLSyntaxError as exc:  # the EPUB writer checked it; this names any other page
        raise ExportError(f"{name} is not well-formed XHTML: {exc.msg}", code="E440", hint="report this with the dossier") from exc
    body = tree.getroot().find(f"{{{XHTML}}}body")
    head = tree.getroot().find(f"{{{XHTML}}}head")
    if body is None or head is None:
        raise ExportError(f"{name} has no head or body", code="E440", hint="report this with the dossier")
    _add_spans(body, _Counter())
    _wrap_columns(body)
    style = etree.SubElement(head, f"{{{XHTML}}}style", type="text/css")
    style.text = KOBO_STYLE
    style.tail = "\n"
    return etree.tostring(tree, encoding="utf-8", xml_declaration=True)


@dataclass
class _Counter:
    paragraph: int = 0


@dataclass
class _Slot:
    """A run of text in a block: an element's text or its tail, or an image (text None)."""

    owner: etree._Element
    where: str  # "text", "tail" or "image"


def _add_spans(block: etree._Element, counter: _Counter) -> None:
    """Number ``block`` as one paragraph (when it holds text or images), span its sentences and images, then do the same for the blocks inside it."""
    slots: list[_Slot] = []
    nested: list[etree._Element] = []
    _collect(block, slots, nested)
    texts = [_slot_text(slot) for slot in slots]
    if any(text.strip() for text in texts) or any(slot.where == "image" for slot in slots):
        counter.paragraph += 1  # a wrapper with nothing of its own (body, section) takes no number
    cuts = set(boundaries("".join(texts)))
    sentence, offset = 0, 0
    wrapped: dict[etree._Element, etree._Element] = {}  # image -> its span, which now carries the image's tail
    for slot, text in zip(slots, texts, strict=True):
        if slot.where == "image":
            sentence += 1
            wrapped[slot.owner] = _wrap_image(slot.owner, f"kobo.{counter.paragraph}.{sentence}")
            continue
        slot = _Slot(wrapped.get(slot.owner, slot.owner), slot.where)
        chunks = _cut(text, offset, cuts)
        offset += len(text)
        spans: list[etree._Element] = []
        prefix = ""
        for chunk in chunks:
            if not chunk.strip():
                if spans:
                    spans[-1].tail = (spans[-1].tail or "") + chunk
                else:
                    prefix += chunk
                continue
            sentence += 1
            span = etree.Element(f"{{{XHTML}}}span", {"class": "koboSpan", "id": f"kobo.{counter.paragraph}.{sentence}"})
            span.text = chunk
            spans.append(span)
        _place(slot, prefix, spans)
    for child in nested:
        _add_spans(child, counter)


def _collect(element: etree._Element, slots: list[_Slot], nested: list[etree._Element]) -> None:
    """The text runs and images that belong to the block being numbered, in reading order; nested blocks apart."""
    if element.text:
        slots.append(_Slot(element, "text"))
    for child in element:
        if isinstance(child.tag, str):
            local = etree.QName(child).localname
            if local == "img":
                slots.append(_Slot(child, "image"))
            elif local in BLOCKS:
                nested.append(child)
            elif local not in _SKIPPED:
                _collect(child, slots, nested)
        if child.tail:
            slots.append(_Slot(child, "tail"))


def _slot_text(slot: _Slot) -> str:
    return "" if slot.where == "image" else (slot.owner.text if slot.where == "text" else slot.owner.tail) or ""


def _cut(text: str, offset: int, cuts: set[int]) -> list[str]:
    """``text`` (which starts at ``offset`` of the block's text) cut at the sentence boundaries inside it."""
    inside = sorted(c - offset for c in cuts if offset < c < offset + len(text))
    edges = [0, *inside, len(text)]
    return [text[a:b] for a, b in zip(edges, edges[1:], strict=False) if b > a]


def _place(slot: _Slot, prefix: str, spans: list[etree._Element]) -> None:
    """Put the spans where the slot's text was: at the start of its element, or right after it for a tail."""
    if slot.where == "text":
        slot.owner.text = prefix or None
        anchor = None
        for span in spans:
            if anchor is None:
                slot.owner.insert(0, span)
            else:
                anchor.addnext(span)
            anchor = span
    else:
        slot.owner.tail = prefix or None
        anchor = slot.owner
        for span in spans:
            anchor.addnext(span)
            anchor = span


def _wrap_image(image: etree._Element, span_id: str) -> etree._Element:
    """``<img/>`` becomes ``<span class="koboSpan" id="..."><img/></span>``; the text after it stays after it."""
    span = etree.Element(f"{{{XHTML}}}span", {"class": "koboSpan", "id": span_id})
    tail, image.tail = image.tail, None
    image.addprevious(span)
    span.append(image)
    span.tail = tail
    return span


def _wrap_columns(body: etree._Element) -> None:
    """Move the body's content into ``div#book-columns > div#book-inner`` (Kobo paginates that box)."""
    columns = etree.Element(f"{{{XHTML}}}div", id="book-columns")
    inner = etree.SubElement(columns, f"{{{XHTML}}}div", id="book-inner")
    inner.text, body.text = body.text, "\n"
    for child in list(body):
        inner.append(child)
    columns.tail = "\n"
    body.append(columns)


FORMATS = {
    "kepub": Format(
        write=write_kepub,
        suffix=".kepub.epub",
        media_type="application/kepub+zip",
        description="EPUB for Kobo e-readers (Kobo's renderer: reading statistics, pop-up notes)",
    ),
}
