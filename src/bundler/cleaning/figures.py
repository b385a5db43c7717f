"""Turn ``<figure>``, ``<img>`` and ``<picture>`` elements into model figures.

Picks the best image candidate (``srcset``, ``<picture>`` sources, lazy-loading attributes,
``<noscript>`` fallbacks), drops furniture (pixels, icons, avatars), and splits the caption
from its credit using credit elements first and the text patterns of ``credits.yaml`` second.
The rules are data in ``rules/figures.yaml``.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from lxml import etree

from bundler.cache import DamageLog
from bundler.cleaning import read_rules
from bundler.cleaning.blocks import inline_html, text_of
from bundler.cleaning.credits import split_credit, strip_credit_label
from bundler.cleaning.dom import compact_tokens, remove
from bundler.cleaning.media import ImageProblem, resolve_image, saved_page_folders
from bundler.codes import coded
from bundler.model import Figure, FigureBlock
from bundler.text.language import primary_language
from bundler.text.typography import normalise_space, smarten

_RULES = Path(__file__).with_name("rules") / "figures.yaml"
_CANDIDATE = re.compile(r"\s*(\S+?)(?:\s+([\d.]+)([wx]))?\s*(?:,|$)")
_DEFAULT_ALT = {"en": "Photograph", "ar": "صورة"}  # alt text for a photo with neither alt nor caption, by language


@dataclass(frozen=True)
class FigureRules:
    """The parsed ``figures.yaml``."""

    src_attributes: tuple[str, ...]
    srcset_attributes: tuple[str, ...]
    placeholder: tuple[re.Pattern[str], ...]
    furniture: tuple[re.Pattern[str], ...]
    min_side: int
    credit_classes: frozenset[str]
    caption_noise: tuple[re.Pattern[str], ...]
    empty_alt: tuple[re.Pattern[str], ...]


@cache
def figure_rules() -> FigureRules:
    """Load the figure rules once per process."""
    data = read_rules(_RULES)
    compile_all = lambda key: tuple(re.compile(p, re.I) for p in data[key])  # noqa: E731
    return FigureRules(
        src_attributes=tuple(data["src_attributes"]),
        srcset_attributes=tuple(data["srcset_attributes"]),
        placeholder=compile_all("placeholder_src"),
        furniture=compile_all("furniture"),
        min_side=int(data["min_side"]),
        credit_classes=frozenset(re.sub(r"[^a-z0-9]", "", c) for c in data["credit_classes"]),
        caption_noise=compile_all("caption_noise"),
        empty_alt=compile_all("empty_alt"),
    )


@dataclass
class FigureContext:
    """What the figure hook needs to know about the page being imported."""

    page_dir: Path | None
    base_url: str
    media_dir: Path | None
    language: str
    warnings: list[str] = field(default_factory=list)
    damage: DamageLog = field(default_factory=DamageLog)  # damaged photos met in media_dir (W701): ImportOptions.damage
    _saved_folders: tuple[Path, ...] | None = field(default=None, init=False, repr=False)

    def hook(self, element) -> list:
        """``blocks.html_to_blocks`` figure hook: one FigureBlock per content image."""
        return convert_figure(element, self)

    def saved_folders(self) -> tuple[Path, ...]:
        """The page's "save page" folders (``media.saved_page_folders``), listed once for all of its images."""
        if self._saved_folders is None:
            self._saved_folders = saved_page_folders(self.page_dir)
        return self._saved_folders


def convert_figure(element, context: FigureContext) -> list:
    """FigureBlocks for a ``figure``, ``picture`` or ``img`` element (furniture gives none)."""
    if element.tag == "figure" and element.find(".//figure") is not None:
        blocks: list = []
        for inner in element.iterchildren():
            if isinstance(inner.tag, str) and inner.tag in {"figure", "img", "picture"}:
                blocks += convert_figure(inner, context)
        return blocks
    images = [element] if element.tag == "img" else [i for i in element.iter("img") if not _in_noscript_duplicate(i)]
    caption_html, credit = _caption_and_credit(element, context) if element.tag == "figure" else ("", "")
    images = [img for img in images if not is_furniture_image(img)]
    if not images:
        if caption_html or credit:
            context.warnings.append(coded("W140", f"figure {text_of(caption_html)[:60]!r}: image missing; caption and credit kept"))
            return [FigureBlock(Figure(image=None, alt=text_of(caption_html), caption=caption_html, credit=credit))]
        return []
    blocks = []
    for index, img in enumerate(images):
        last = index == len(images) - 1
        figure = _figure_for(img, caption_html if last else "", credit if last else "", context)
        if figure.image is not None or figure.caption or figure.credit:
            blocks.append(FigureBlock(figure))
    return blocks


def _figure_for(img, caption_html: str, credit: str, context: FigureContext) -> Figure:
    src = best_source(img)
    alt = clean_alt(img.get("alt") or img.get("title") or "", context.language)
    caption_text = text_of(caption_html)
    if not alt:
        alt = caption_text
    if alt and caption_text and _same(alt, caption_text + " " + credit):
        alt = caption_text
    image = None
    if not src:
        context.warnings.append(coded("W141", f"figure {caption_text[:60] or alt[:60]!r}: no image address; caption and credit kept"))
    else:
        try:
            image = resolve_image(src, context.page_dir, context.base_url, context.media_dir, context.damage, context.saved_folders())
            if image.path is None:
                context.warnings.append(coded("N142", f"image {image.url[:120]} is remote and was not fetched; caption and alt kept"))
        except ImageProblem as problem:
            context.warnings.append(coded("W143", f"figure {caption_text[:60] or alt[:60]!r}: {problem}; caption and credit kept"))
    if not alt:
        alt = _DEFAULT_ALT.get(primary_language(context.language), "Image")
        context.warnings.append(coded("N144", f"image {src[:80]!r} has neither alt text nor caption; alt set to {alt!r}"))
    return Figure(image=image, alt=alt, caption=caption_html, credit=credit)


def _same(a: str, b: str) -> bool:
    key = lambda s: re.sub(r"\W+", "", s.lower())  # noqa: E731
    return key(a) == key(b)


def _in_noscript_duplicate(img) -> bool:
    """An ``<img>`` inside ``<noscript>`` duplicates the lazy one beside it, unless that one has no source."""
    noscript = next((a for a in img.iterancestors("noscript")), None)
    if noscript is None:
        return False
    parent = noscript.getparent()
    siblings = [i for i in parent.iter("img") if noscript not in i.iterancestors()] if parent is not None else []
    return any(best_source(i) for i in siblings)


def is_furniture_image(img) -> bool:
    """Spacers, tracking pixels, icons, logos and avatars are not content."""
    rules = figure_rules()
    sizes = [_int(img.get("width")), _int(img.get("height"))]
    if any(0 < s < rules.min_side for s in sizes):
        return True
    names = " ".join([img.get("class") or "", img.get("id") or "", img.get("src") or "", img.get("data-src") or ""])
    if any(p.search(names) for p in rules.furniture):
        return True
    return not best_source(img) and not (img.get("alt") or "").strip()


def _int(value: str | None) -> int:
    match = re.match(r"\s*(\d+)", value or "")
    return int(match.group(1)) if match else 0


def best_source(img) -> str:
    """The best real image URL: the largest srcset candidate, else a lazy-loading attribute, else src."""
    rules = figure_rules()
    candidates: list[tuple[float, str]] = []
    picture = img.getparent() if img.getparent() is not None and img.getparent().tag == "picture" else None
    sources = list(picture.iter("source")) if picture is not None else []
    for source in [img, *sources]:
        kind = (source.get("type") or "").lower()
        for attribute in rules.srcset_attributes:
            for size, url in _parse_srcset(source.get(attribute) or ""):
                penalty = 0.5 if kind in {"image/webp", "image/avif"} or url.lower().split("?")[0].endswith((".webp", ".avif")) else 1.0
                candidates.append((size * penalty, url))
    for attribute in rules.src_attributes:
        value = (img.get(attribute) or "").strip()
        if value and not _is_placeholder(value):
            candidates.append((0.5 if attribute == "src" else 0.75, value))
    candidates = [(s, u) for s, u in candidates if not _is_placeholder(u)]
    return max(candidates, key=lambda c: c[0])[1] if candidates else ""


def _parse_srcset(value: str) -> list[tuple[float, str]]:
    found = []
    for match in _CANDIDATE.finditer(value.strip()):
        url, number, unit = match.group(1), match.group(2), match.group(3)
        if not url:
            continue
        size = float(number) if number else 1.0
        found.append((size if unit == "w" else size * 1000, url.rstrip(",")))
    return found


def _is_placeholder(src: str) -> bool:
    return any(p.search(src) for p in figure_rules().placeholder)


def clean_alt(alt: str, language: str) -> str:
    """Alt text, or "" when it says nothing (a file name, "image")."""
    alt = normalise_space(alt)
    if not alt or any(p.match(alt) for p in figure_rules().empty_alt):
        return ""
    return smarten(alt, language)


def _caption_and_credit(figure, context: FigureContext) -> tuple[str, str]:
    """Caption HTML and credit text of a ``<figure>``; credit elements are taken out first."""
    rules = figure_rules()
    captions = list(figure.iter("figcaption")) or [
        e for e in figure.iter() if e is not figure and isinstance(e.tag, str) and "caption" in " ".join(compact_tokens(e))
    ]
    credit = ""
    for element in list(figure.iter()):
        if element is figure or not isinstance(element.tag, str) or element.tag == "img":
            continue
        if element.tag == "cite" or compact_tokens(element) & rules.credit_classes:
            text = normalise_space(element.text_content())
            if text and not credit:
                credit = strip_credit_label(text)
            remove(element)
    caption_html = ""
    for caption in captions:
        if caption.getparent() is None:
            continue
        for child in list(caption.iter()):
            if child is not caption and isinstance(child.tag, str) and _is_noise(normalise_space(child.text_content())):
                remove(child)
        caption_html = inline_html(caption, context.language, context.base_url)
        if text_of(caption_html).strip():
            break
    if _is_noise(text_of(caption_html)):
        caption_html = ""
    if not credit and caption_html:
        plain = normalise_space(text_of(caption_html))
        caption, found = split_credit(plain)
        if found:
            credit = found
            caption_html = html.escape(caption, quote=False)
    return caption_html, credit


def _is_noise(text: str) -> bool:
    return bool(text) and any(p.match(text) for p in figure_rules().caption_noise)


def normalise_figure_markup(root) -> int:
    """Turn caption wrappers that are not ``<figure>`` ("wp-caption" divs) into figures."""
    changed = _wrap_line_captions(root)
    for caption in _caption_classed(root):
        if caption.tag in {"figure", "figcaption", "img", "body", "html"} or caption.find(".//img") is not None:
            continue
        if any(a.tag == "figure" for a in caption.iterancestors()):
            continue
        previous = caption.getprevious()
        if (
            previous is not None
            and previous.tag in {"p", "div"}
            and len(previous.xpath(".//img")) == 1
            and len(normalise_space(previous.text_content())) < 40
        ):
            previous.tag = "figure"  # <p><img></p><p class="caption">…</p>
            caption.tag = "figcaption"
            previous.append(caption)
            changed += 1
            continue
        holder = caption.getparent()
        for _ in range(2):
            if holder is None or holder.tag in {"body", "article", "main"}:
                holder = None
                break
            if (
                len(holder.xpath(".//img")) == 1
                and len(normalise_space(holder.text_content())) < 2 * len(normalise_space(caption.text_content())) + 200
            ):
                break
            holder = holder.getparent()
        if holder is None or len(holder.xpath(".//img")) != 1:
            continue
        holder.tag = "figure"
        caption.tag = "figcaption"
        changed += 1
    return changed


def _caption_classed(root) -> list:
    """Every element of ``root``'s document whose class holds "caption" or "Caption", in document order:
    ``//*[contains(@class, 'caption') or contains(@class, 'Caption')]`` in half the time (libxml2's XPath
    evaluated its predicate on every element; here the attribute is read once an element)."""
    top = root.getroot() if isinstance(root, etree._ElementTree) else root.getroottree().getroot()
    found = []
    for element in top.iter(etree.Element):  # elements only, the top one included, as ``//*``
        classes = element.get("class")
        if classes and ("caption" in classes or "Caption" in classes):
            found.append(element)
    return found


def _wrap_line_captions(root) -> int:
    """Old pages put a caption in italics on the line under the photo: ``<img><br><i>caption</i>``."""
    changed = 0
    for img in list(root.iter("img")):
        if any(a.tag in {"figure", "a"} for a in img.iterancestors()) or (img.tail or "").strip():
            continue
        between, node = [], img.getnext()
        while node is not None and node.tag == "br" and not (node.tail or "").strip():
            between.append(node)
            node = node.getnext()
        if node is None or node.tag not in {"i", "em", "small", "span", "font"} or not between:
            continue
        caption_text = normalise_space(node.text_content())
        if not 3 <= len(caption_text) <= 300:
            continue
        figure = img.makeelement("figure", {})
        img.addprevious(figure)
        figure.tail, node.tail = node.tail, None
        for br in between:
            img.getparent().remove(br)
        figure.append(img)
        node.tag = "figcaption"
        figure.append(node)
        changed += 1
    return changed
