"""Check a built single-file HTML edition as the suite checks the examples' (``tests/html/``).

The project has no HTML validator of its own; what it asks of an HTML edition is in
``tests/html/test_html_edition.py`` and ``tests/html/test_html_browser.py``, and this applies
the same rules to any edition, however large (the real-page gauntlet's, of ~1000 pieces):

- nothing is loaded from outside the file (no loading element, no loading attribute but an
  inlined JPEG/PNG, no ``on*`` handler, no ``url()`` but ``data:``, no ``meta http-equiv``),
  and every ``href`` is in-page or of a scheme the importer keeps for links (http(s), mailto, ftp:
  ``cleaning.blocks._SAFE_SCHEMES``; the examples have only http(s), which the suite asserts);
- ids are unique and every in-page link resolves;
- the contents list every section and piece in reading order, each piece has a heading, and
  the colophon lists one source per piece;
- the page starts as a phone browser expects (doctype, charset, viewport);
- laid out in headless Chromium 360 px wide: nothing wider than the screen outside a box that
  scrolls sideways, every image decoded and inside the screen, every in-page link lands.

Run: ``.venv/bin/python bench/html_edition.py EDITION.html [...]`` (exit 1 on any problem).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from lxml import html  # noqa: E402

from bundler.cleaning.blocks import _SAFE_SCHEMES  # noqa: E402
from tests.html.conftest import PHONE_WIDTH, measure_in_chromium  # noqa: E402
from tests.html.test_html_edition import LOADING_ATTRIBUTES, LOADING_ELEMENTS, css_urls  # noqa: E402

INLINE_IMAGES = ("data:image/jpeg;base64,", "data:image/png;base64,")


def structure_problems(path: Path) -> list[str]:
    """What the suite's static checks of an HTML edition would fail on, one line each."""
    text = path.read_text(encoding="utf-8")
    root = html.document_fromstring(text)
    problems: list[str] = []
    if not text.startswith("<!DOCTYPE html>\n<html "):
        problems.append("does not start with <!DOCTYPE html> and <html>")
    for needed in ('<meta name="viewport" content="width=device-width, initial-scale=1">', '<meta charset="utf-8">'):
        if needed not in text:
            problems.append(f"no {needed}")
    loading = root.xpath(" | ".join(f"//{tag}" for tag in LOADING_ELEMENTS))
    problems += [f"loading element <{element.tag}>" for element in loading[:10]]
    problems += ["meta http-equiv"] * bool(root.xpath("//meta[@http-equiv]"))
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for attribute, value in element.attrib.items():
            name = attribute.lower()
            if name.startswith("on"):
                problems.append(f"<{element.tag} {attribute}>")
            elif name in LOADING_ATTRIBUTES and not value.startswith(INLINE_IMAGES):
                problems.append(f"<{element.tag} {attribute}={value[:80]!r}>")
            elif name == "href" and not (value.startswith("#") or urlsplit(value).scheme in _SAFE_SCHEMES - {""}):
                problems.append(f"<{element.tag} href={value[:80]!r}> neither in-page nor a scheme links keep")
            elif name == "style" and css_urls(f"x {{{value}}}"):
                problems.append(f"<{element.tag} style> loads {css_urls(f'x {{{value}}}')[:3]}")
    styles = [style.text or "" for style in root.xpath("//style")]
    if len(styles) != 1:
        problems.append(f"{len(styles)} <style> elements, not 1")
    problems += [f"stylesheet loads {url[:80]}" for style in styles for url in css_urls(style) if not url.startswith("data:")]
    ids = root.xpath("//@id")
    duplicates = sorted({i for i in ids if ids.count(i) > 1}) if len(ids) != len(set(ids)) else []
    problems += [f"duplicate id {i!r}" for i in duplicates[:20]]
    targets = [href[1:] for href in root.xpath("//a/@href") if href.startswith("#")]
    problems += [f"in-page link to missing #{t}" for t in sorted(set(targets) - set(ids))[:20]]
    contents = [href[1:] for href in root.xpath("//nav[@id='toc']//a/@href")]
    in_body = root.xpath("//main/*[self::section or self::article]/@id") + root.xpath("//section[@id='colophon']/@id")
    if contents != in_body:
        problems.append(f"contents ({len(contents)} links) are not the body's sections and pieces in order ({len(in_body)})")
    pieces = root.xpath("//article[contains(@class, 'piece')]")
    problems += [f"piece #{a.get('id')} has no heading" for a in pieces if not a.xpath("string(.//h1)").strip()]
    sources = root.xpath("//section[@id='colophon']//ol[@class='sources']/li")
    if len(sources) != len(pieces):
        problems.append(f"colophon lists {len(sources)} sources for {len(pieces)} pieces")
    return problems


def layout_problems(path: Path) -> list[str]:
    """What the suite's Chromium checks of an HTML edition would fail on, at a phone's width."""
    with tempfile.TemporaryDirectory(prefix="html-edition-") as tmp:
        layout = measure_in_chromium(path, Path(tmp))
    problems = []
    if layout["width"] != PHONE_WIDTH or layout["scrollWidth"] > layout["width"]:
        problems.append(f"scrolls sideways: {layout['scrollWidth']} px wide in {layout['width']} px")
    problems += [f"wider than the screen: {what}" for what in layout["overflowing"]]
    for image in layout["images"]:
        if not (image["complete"] and image["natural"] > 0):
            problems.append(f"image not decoded: {image}")
        elif not (0 <= image["left"] and image["right"] <= layout["width"]):
            problems.append(f"image outside the screen: {image}")
    problems += [f"in-page link lands nowhere: #{target}" for target in layout["unresolved"][:20]]
    return problems


def check(path: Path) -> list[str]:
    return structure_problems(path) + layout_problems(path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("editions", nargs="+", type=Path)
    args = parser.parse_args()
    failed = 0
    for path in args.editions:
        problems = check(path)
        failed += bool(problems)
        print(f"{path.name}: {len(problems)} problems")
        for line in problems[:40]:
            print(f"    {line}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
