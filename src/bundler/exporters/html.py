"""Single-file HTML editions: one page any phone browser opens from a file, with no app and no network.

The dossier is rendered by ``render.py`` (the XHTML fragments the EPUB and PDF use), in one
document: title page, contents with anchors, sections and pieces with their notes linked
both ways, and the colophon with every source. Images are ``data:`` URIs under the phone
image policy (``images.policy``), the stylesheet (``styles/html.css``) sits in a ``<style>``
element, and there is no script. Links to the web stay plain ``<a href>`` a reader can follow;
nothing is *loaded* from outside. Mixed-direction runs are wrapped as in the EPUB
(``bidi.py``), then the tree is written out as HTML5 (a browser opening a ``.html`` file
parses HTML, not XML). Fonts are not embedded: every phone ships Naskh and Latin faces, and
the subset Noto fonts would multiply a text-only file's size.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from lxml import etree

from bundler.clock import build_time, iso_seconds
from bundler.errors import ExportError
from bundler.exporters import Format
from bundler.exporters.context import BuildContext
from bundler.images import without_images
from bundler.images.policy import PHONE_POLICY, TEXT_ONLY_POLICY
from bundler.model import Dossier, Edition, Figure
from bundler.render.reading_order import reading_order
from bundler.render.xhtml import Target, build_link_map, document_fields, labels_for, render_colophon, render_template, render_title_page
from bundler.resources import styles_dir
from bundler.text.bidi import wrap_mixed_runs
from bundler.text.plain import direction_of

_XHTML = "http://www.w3.org/1999/xhtml"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_STYLESHEET = "html.css"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


def write_html(dossier: Dossier, edition: Edition, out: Path, ctx: BuildContext) -> None:
    """Write the dossier as one self-contained HTML file at ``out``."""
    out.write_bytes(html_edition(dossier, edition, ctx.images.data_uri))


def write_html_text(dossier: Dossier, edition: Edition, out: Path, ctx: BuildContext) -> None:
    """The same page with every image left out; captions and credits stay as text."""
    write_html(without_images(dossier), edition, out, ctx)


def html_edition(dossier: Dossier, edition: Edition | None, media_href: Callable[[Figure], str | None]) -> bytes:
    """The complete HTML5 document as UTF-8 bytes: the same dossier and clock give the same bytes.

    ``media_href`` gives each figure's image as a ``data:`` URI (the build's image session, under
    the format's declared phone policy and the edition's budget)."""
    target = Target(href_for=lambda slug: f"#{slug}", media_href=media_href, link_map=build_link_map(dossier))
    body = "\n".join(_fragments(dossier, target))
    shell = render_template(
        "html-edition.xhtml.j2",
        body=_markup(body),
        **document_fields(dossier, edition),
        identifier=dossier.identifier,
        modified=iso_seconds(build_time(dossier.date)),
    )
    try:
        root = etree.fromstring(shell.encode("utf-8"), _PARSER)
    except etree.XMLSyntaxError as exc:  # pieces are checked as they render; this names anything else
        raise ExportError(f"the HTML edition is not well-formed: {exc.msg}", code="E430", hint="fix the text of the page it names") from exc
    wrap_mixed_runs(root, dossier.language if direction_of(dossier.language) == "ltr" else "en")
    return _serialise_html(root)


def _fragments(dossier: Dossier, target: Target) -> Iterator[str]:
    """Title page, contents, front matter, sections with their pieces, back matter, colophon: reading order."""
    labels = labels_for(dossier.language)
    yield render_title_page(dossier, target)
    yield render_template("toc.xhtml.j2", dossier=dossier, t=target, labels=labels)
    yield "<main>"
    for entry in reading_order(dossier):
        yield entry.render(dossier, target)
    yield "</main>"
    yield render_colophon(dossier, target, build_time(dossier.date).date().isoformat())


def _serialise_html(root: etree._Element) -> bytes:
    """The XHTML tree as HTML5: plain element names, ``lang`` without ``xml:lang``, the stylesheet inlined."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        element.tag = etree.QName(element).localname
        if _XML_LANG in element.attrib:
            language = element.attrib.pop(_XML_LANG)
            element.set("lang", element.get("lang", language))
    etree.cleanup_namespaces(root)
    style = root.find("head/style")
    style.text = "\n" + (styles_dir() / _STYLESHEET).read_text(encoding="utf-8")
    text = etree.tostring(root, method="html", encoding="unicode")
    return ("<!DOCTYPE html>\n" + text + "\n").encode("utf-8")


def _markup(text: str):
    from markupsafe import Markup

    return Markup(text)


FORMATS = {
    "html": Format(
        write=write_html,
        suffix=".html",
        media_type="text/html",
        description="one HTML file to read in any phone browser, images inside, no app needed",
        image_policy=PHONE_POLICY,
    ),
    "html-text": Format(
        write=write_html_text,
        suffix="-text.html",
        media_type="text/html",
        description="the HTML file without images (captions and credits kept): the smallest page to read in a browser",
        image_policy=TEXT_ONLY_POLICY,
    ),
}
