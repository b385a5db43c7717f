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

import re
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

from lxml import etree

from bundler.clock import build_time, iso_seconds
from bundler.errors import ExportError
from bundler.exporters import Format
from bundler.exporters.context import BuildContext
from bundler.exporters.html_fragments import fragment_renderer
from bundler.images import without_images
from bundler.images.policy import PHONE_POLICY, TEXT_ONLY_POLICY
from bundler.model import Dossier, Edition, Figure
from bundler.render.reading_order import Entry, reading_order
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
    out.write_bytes(html_edition(dossier, edition, ctx.images.data_uri, fragment_renderer(ctx.cache, dossier)))


def write_html_text(dossier: Dossier, edition: Edition, out: Path, ctx: BuildContext) -> None:
    """The same page with every image left out; captions and credits stay as text."""
    write_html(without_images(dossier), edition, out, ctx)


def html_edition(
    dossier: Dossier,
    edition: Edition | None,
    media_href: Callable[[Figure], str | None],
    render_entry: Callable[[Entry, Target], str] | None = None,
) -> bytes:
    """The complete HTML5 document as UTF-8 bytes: the same dossier and clock give the same bytes.

    ``media_href`` gives each figure's image as a ``data:`` URI (the build's image session, under
    the format's declared phone policy and the edition's budget). The document is built with a
    short stand-in for each URI, put in its place only in the finished bytes (``_StandIns``).
    ``render_entry`` renders each entry of the reading order (the build's: pieces' fragments from
    its cache, ``html_fragments``); by default each is rendered afresh."""
    images = _StandIns(media_href)
    target = Target(href_for=lambda slug: f"#{slug}", media_href=images.stand_in, link_map=build_link_map(dossier))
    render = render_entry or (lambda entry, scoped: entry.render(dossier, scoped))
    body = "\n".join(_fragments(dossier, target, render))
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
    return images.put_back(_serialise_html(root))


class _StandIns:
    """Short stand-ins for the images' ``data:`` URIs while the document is joined, parsed, wrapped and written.

    The URIs are most of a 200-piece edition's 40 MB; carried through Jinja, the XML parser, the
    bidi pass and the HTML serialiser they made each of those steps copy them, most of a rebuild's
    write. A URI needs no escaping in an attribute (base64 and ``data:type;base64,``), so putting it
    in place of its stand-in in the written bytes gives the bytes the URI itself would have given.
    The stand-ins carry a random token: text in the dossier cannot be mistaken for one.
    """

    def __init__(self, media_href: Callable[[Figure], str | None]) -> None:
        self._media_href = media_href
        self._uris: list[bytes] = []
        self._token = secrets.token_hex(12)
        self._pattern = re.compile(rb"bundler-image-" + self._token.encode("ascii") + rb"-(\d+)\.")

    def stand_in(self, figure: Figure) -> str | None:
        """What the document holds for the figure's image until ``put_back`` (None: no image, as ``media_href`` says)."""
        uri = self._media_href(figure)
        if uri is None:
            return None
        self._uris.append(uri.encode("ascii"))
        return f"bundler-image-{self._token}-{len(self._uris) - 1}."

    def put_back(self, document: bytes) -> bytes:
        """``document`` with each stand-in replaced by its ``data:`` URI."""
        return self._pattern.sub(lambda match: self._uris[int(match.group(1))], document)


def _fragments(dossier: Dossier, target: Target, render: Callable[[Entry, Target], str]) -> Iterator[str]:
    """Title page, contents, front matter, sections with their pieces, back matter, colophon: reading order."""
    labels = labels_for(dossier.language)
    yield render_title_page(dossier, target)
    yield render_template("toc.xhtml.j2", dossier=dossier, t=target, labels=labels)
    yield "<main>"
    for entry in reading_order(dossier):
        yield render(entry, target)
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
