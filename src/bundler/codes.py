"""The one catalogue of problem codes: code -> severity, stage, one-line summary.

Every error raised for the user and every warning or note recorded for a build carries a
code from here, so a user can look it up (the README's table is generated from ``CODES``)
and a script can filter on it. ``tests/test_codes.py`` fails on a code used in ``src/`` but
not listed here, and on a listed code nothing uses.

The letter says what kind of problem it is: ``E`` an error (exit 1, nothing written),
``M`` an error in the manifest, ``W`` a warning (``--strict`` fails on it), ``N`` a
routine note (counted, never fatal: a remote photo not fetched, alt text filled in). The
hundreds say the stage: 0 command line, 1 import, 3 PDF, 4 EPUB and cover, 6 images,
budget and archives, 8 the library.

Importer warnings travel inside ``Provenance.warnings`` as plain strings that start with
their code (``"W131: 12 words kept of ~2,400 visible ..."``): plain strings keep
``piece.json`` files readable by older versions, and strings written by older versions,
which have no code, read as ``W100``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ERROR, WARNING, NOTE = "error", "warning", "note"


@dataclass(frozen=True)
class Code:
    """What one code means: how serious, where it arises, and a one-line summary."""

    severity: str  # ERROR, WARNING or NOTE
    stage: str  # cli, manifest, import, build, pdf, epub, zim, cover, images, budget, archive, library
    summary: str


def _catalogue(*rows: tuple[str, str, str, str]) -> dict[str, Code]:
    found: dict[str, Code] = {}
    for code, severity, stage, summary in rows:
        if code in found:
            raise ValueError(f"problem code {code} is catalogued twice")
        found[code] = Code(severity, stage, summary)
    return found


CODES: dict[str, Code] = _catalogue(
    # command line and general
    ("E010", ERROR, "cli", "unknown output format in --format"),
    ("E020", ERROR, "cli", "unknown or incomplete --executor"),
    ("E021", ERROR, "cli", "the Dask executor needs the 'distributed' package"),
    ("E022", ERROR, "cli", "the Dask scheduler cannot be reached"),
    ("E030", ERROR, "cli", "bundler new: the collection already exists"),
    ("E031", ERROR, "cli", "bundler new: the title is empty"),
    # import: errors
    ("E101", ERROR, "import", "source file not found"),
    ("E102", ERROR, "import", "source already in the collection"),
    ("E103", ERROR, "import", "no importer for this kind of file"),
    ("E104", ERROR, "import", "source file cannot be read (permissions, I/O)"),
    ("E105", ERROR, "import", "source is a folder, not a file"),
    ("E106", ERROR, "import", "nothing to import at this path or glob"),
    ("E107", ERROR, "import", "source is a FIFO, socket or device, not a regular file"),
    ("E110", ERROR, "import", "page too large to import"),
    ("E111", ERROR, "import", "source file is empty or has no text"),
    ("E112", ERROR, "import", "binary file, not a web page, text or Markdown"),
    ("E831", ERROR, "import", "plain-text or Markdown file too large to import (over 16 MB)"),
    ("E832", ERROR, "import", "a file name that is not valid UTF-8 cannot be recorded; rename it"),
    ("E833", ERROR, "manifest", "a manifest value holds a control character no edition can hold"),
    ("E835", ERROR, "import", "a file name holding a control character (newline, ESC, ...) cannot be recorded; rename it"),
    ("E834", ERROR, "import", "Markdown nested too deeply (quotes or lists); text would be lost"),
    ("W651", WARNING, "import", "Markdown front matter date is not a date; left out"),
    ("E113", ERROR, "import", "page cannot be parsed as HTML"),
    ("E114", ERROR, "import", "page nested too deeply to read"),
    ("E115", ERROR, "import", "page refused: no article body, or far less text than the page shows (--allow-empty imports it)"),
    ("E120", ERROR, "import", "Markdown front matter is not a YAML mapping"),
    ("E130", ERROR, "import", "WARC file cannot be read"),
    ("E131", ERROR, "import", "WARC holds no HTML page (or none at the --url given)"),
    ("E132", ERROR, "import", "WARC holds several pages; import it into a collection or name one with --url"),
    ("E133", ERROR, "import", "WARC is damaged: a record cut short, claiming more bytes than the file holds, or unreadable bytes"),
    ("E160", ERROR, "import", "capture: not an http(s) address"),
    ("E161", ERROR, "import", "capture: the site cannot be reached (no network, no name resolution, connection refused)"),
    ("E162", ERROR, "import", "capture: no complete answer within the timeout"),
    ("E163", ERROR, "import", "capture: the page answered with an error status (404, 5xx...)"),
    ("E164", ERROR, "import", "capture: the address is not a web page (PDF, image...) or comes in an unreadable encoding"),
    ("E165", ERROR, "import", "capture: the page is larger than the size limit (--max-size)"),
    ("E166", ERROR, "import", "capture: too many redirects, or a redirect to an address bundler does not follow (file:, ftp:...)"),
    ("E167", ERROR, "import", "capture: the site sent a cookie or consent page instead of the article"),
    ("E168", ERROR, "import", "capture --render: Chromium is not installed"),
    ("E169", ERROR, "import", "capture --render: Chromium could not render the page"),
    ("E170", ERROR, "import", "--retrieved is not a date"),
    ("E171", ERROR, "import", "nothing to import, or the --from list cannot be read"),
    ("E172", ERROR, "import", "capture: the WARC written does not hold the page as one piece"),
    ("E173", ERROR, "import", "capture: the server's answer is not valid HTTP (cut short, wrongly framed, headers too large)"),
    ("E174", ERROR, "import", "capture: --timeout or --max-size is not a number above 0 (or is past its limit)"),
    ("E175", ERROR, "import", "--base-url is not an absolute http(s) address"),
    ("E140", ERROR, "import", "piece.json is unreadable or damaged"),
    ("E141", ERROR, "import", "piece.json was written by a newer bundler"),
    ("E143", ERROR, "import", "a stored piece's text is not well-formed XHTML"),
    ("E142", ERROR, "import", "an image of a stored piece is missing or outside its folder"),
    # import: warnings and notes (stored with the piece)
    ("W100", WARNING, "import", "importer warning recorded by an older bundler (no code stored)"),
    ("W110", WARNING, "import", "declared charset does not fit the bytes; decoded as detected"),
    ("N111", NOTE, "import", "no charset declared; encoding detected"),
    ("W112", WARNING, "import", "encoding not detected; undecodable bytes replaced"),
    ("W113", WARNING, "import", "mis-decoded characters (mojibake) repaired"),
    ("W114", WARNING, "import", "control characters that stand for no cp1252 character removed"),
    ("W115", WARNING, "import", "mojibake written as HTML character references repaired"),
    ("W650", WARNING, "import", "a few bytes are not valid UTF-8 in an otherwise UTF-8 text; replaced"),
    ("W120", WARNING, "import", "page truncated: only the first megabytes of markup were read"),
    ("W121", WARNING, "import", "page truncated: only the first blocks were kept"),
    ("W130", WARNING, "import", "no article text found: the piece has only a title"),
    ("W131", WARNING, "import", "article body far smaller than the page's text: content may be lost"),
    ("W133", WARNING, "import", "WARC damaged elsewhere; the pages asked for with --url were read whole"),
    ("W134", WARNING, "import", "article body a small share of the page's prose: posts, comments or a second story may be left out"),
    ("W140", WARNING, "import", "figure without an image file; caption and credit kept"),
    ("W141", WARNING, "import", "figure without an image address; caption and credit kept"),
    ("N142", NOTE, "import", "remote image not fetched; caption and alt text kept"),
    ("W143", WARNING, "import", "image cannot be used; caption and credit kept"),
    ("N144", NOTE, "import", "image without alt text or caption; alt text filled in"),
    ("N150", NOTE, "import", "page already in the collection; skipped"),
    ("W170", WARNING, "import", "capture: an image the page shows was not captured (error, timeout, too large, not an image)"),
    ("W171", WARNING, "import", "capture: the page shows more images than are captured; the first ones were kept"),
    ("W151", WARNING, "import", "stored piece: scripts, handlers, unsafe links or unknown tags removed; slug, ids or language reduced"),
    ("W160", WARNING, "import", "declared language is not a language tag; detected from the text"),
    ("W161", WARNING, "import", "declared language disagrees with the text; the detected one used"),
    # manifest
    ("M001", ERROR, "manifest", "no collection manifest at this path"),
    ("M002", ERROR, "manifest", "manifest is not UTF-8 text"),
    ("M003", ERROR, "manifest", "manifest is not valid YAML"),
    ("M004", ERROR, "manifest", "manifest is not a mapping of keys"),
    ("M005", ERROR, "manifest", "manifest is empty"),
    ("M006", ERROR, "manifest", "tab in indentation"),
    ("M007", ERROR, "manifest", "duplicate key"),
    ("M008", ERROR, "manifest", "manifest file too large"),
    ("M009", ERROR, "manifest", "manifest nested too deeply, or aliases that loop or expand too far"),
    ("M010", ERROR, "manifest", "value of the wrong type"),
    ("M011", ERROR, "manifest", "unknown key"),
    ("M012", ERROR, "manifest", "missing required key"),
    ("M013", ERROR, "manifest", "required value is empty"),
    ("M014", ERROR, "manifest", "manifest holds a raw control character (NUL, ESC, ...) YAML cannot read"),
    ("M015", ERROR, "manifest", "a value cannot be read as the type it is written as (a number over 4,300 digits, a bad !!tag)"),
    ("M020", ERROR, "manifest", "invalid language tag"),
    ("M021", ERROR, "manifest", "date does not parse"),
    ("M022", ERROR, "manifest", "invalid figures value"),
    ("M023", ERROR, "manifest", "date range ends before it starts"),
    ("M024", ERROR, "manifest", "identifier is not a valid URI or urn:uuid"),
    ("M025", ERROR, "manifest", "unknown page kind"),
    ("M030", ERROR, "manifest", "expected a file path"),
    ("M031", ERROR, "manifest", "path is absolute or outside the collection folder"),
    ("M032", ERROR, "manifest", "file not found"),
    ("M033", ERROR, "manifest", "broken or looping symlink"),
    ("M034", ERROR, "manifest", "path is a folder, not a file"),
    ("M035", ERROR, "manifest", "path names a collection manifest (a cycle)"),
    ("M036", ERROR, "manifest", "file cannot be read as a piece"),
    ("M037", ERROR, "manifest", "cover is not an image"),
    ("M038", ERROR, "manifest", "path is a FIFO, socket or device, not a file"),
    ("M040", ERROR, "manifest", "a section has no pieces"),
    ("M041", ERROR, "manifest", "a dossier needs at least one section"),
    ("M042", ERROR, "manifest", "file listed twice"),
    ("M050", ERROR, "manifest", "unknown edition format"),
    ("M051", ERROR, "manifest", "no editions listed"),
    ("M052", ERROR, "manifest", "unknown edition or image option"),
    ("M053", ERROR, "manifest", "unknown page size"),
    ("M054", ERROR, "manifest", "budget is not a file size"),
    ("M055", ERROR, "manifest", "unknown image policy"),
    ("M060", ERROR, "manifest", "a listed piece cannot be imported"),
    ("M061", ERROR, "manifest", "import could not add its entries to the manifest text"),
    ("M065", ERROR, "manifest", "an edition's language option selects no piece"),
    ("M066", ERROR, "manifest", "two editions would write the same file (give each edition of one format its own name)"),
    ("M067", ERROR, "manifest", "an edition's name cannot go into a file name"),
    ("M068", ERROR, "manifest", "unknown image device profile"),
    ("M069", ERROR, "manifest", "a piece's figures: list names a figure the piece does not have"),
    ("M090", ERROR, "manifest", "could not remove or move the entry in the manifest text"),
    ("W060", WARNING, "manifest", "two entries are made from the same original: the article is printed twice"),
    # PDF
    ("E060", ERROR, "pdf", "unknown page size for a PDF edition"),
    ("E061", ERROR, "pdf", "WeasyPrint reported errors"),
    ("E062", ERROR, "pdf", "PDF layout did not settle (please report the dossier)"),
    ("E470", ERROR, "pdf", "the PDF document is not well-formed XHTML after rendering"),
    ("W300", WARNING, "pdf", "WeasyPrint warning"),
    ("W301", WARNING, "pdf", "glyph missing from the fonts"),
    ("W302", WARNING, "pdf", "characters fell back to a system font"),
    ("W310", WARNING, "build", "a piece has characters no font of the book has (printed as U+FFFD, not as empty boxes)"),
    ("W320", WARNING, "pdf", "a photo would print under 150 ppi in a print PDF (it is printed smaller instead, never enlarged)"),
    ("E310", ERROR, "pdf", "PDF/A edition with characters no font has: PDF/A forbids empty-box glyphs"),
    # EPUB and cover
    ("E400", ERROR, "epub", "ebooklib could not write the EPUB"),
    ("E401", ERROR, "epub", "two files with the same name in the EPUB"),
    ("E402", ERROR, "epub", "images without a place in the EPUB"),
    ("E403", ERROR, "epub", "a prepared image changed while the EPUB was written"),
    ("E404", ERROR, "render", "a piece cannot be rendered (names the piece and its source)"),
    ("E405", ERROR, "epub", "a generated page is not well-formed XHTML"),
    ("E410", ERROR, "cover", "cover image cannot be read"),
    ("E430", ERROR, "html", "the single-file HTML edition is not well-formed"),
    ("W410", WARNING, "cover", "cover image too small"),
    ("W411", WARNING, "cover", "no libraqm: the generated cover carries no Arabic text"),
    ("W420", WARNING, "epub", "image without alt text or caption"),
    ("E440", ERROR, "epub", "kepub: a document of the EPUB cannot be given Kobo's spans (not well-formed, no body)"),
    ("W440", WARNING, "epub", "the dossier's language is one Kindle does not support (Send-to-Kindle may refuse it)"),
    ("W441", WARNING, "epub", "EPUB over Send-to-Kindle's 50 MB e-mail limit (set a budget)"),
    ("E450", ERROR, "zim", "the zim edition needs the optional libzim package: pip install 'bundler[zim]'"),
    ("E451", ERROR, "zim", "libzim could not write the ZIM file"),
    # images, budgets, archives
    ("E600", ERROR, "images", "invalid image options"),
    ("W601", WARNING, "images", "image cannot be used; shown as caption and credit"),
    ("W602", WARNING, "images", "image file not found; the figure keeps caption and credit"),
    ("E610", ERROR, "budget", "edition does not fit its size budget"),
    ("E611", ERROR, "budget", "budget is not a file size"),
    ("W610", WARNING, "budget", "edition over budget; images degraded to fit"),
    ("E620", ERROR, "archive", "unknown archive type"),
    ("E621", ERROR, "archive", "unsafe path in an archive"),
    ("E622", ERROR, "archive", "not a bag, or not exactly one bag in the archive"),
    ("E623", ERROR, "archive", "no such bag"),
    ("E624", ERROR, "archive", "bag archive is truncated or corrupt"),
    ("E625", ERROR, "archive", "bag archive would unpack to far more than its size (an archive bomb?)"),
    # the editor's workflow: replace, remove, move; originals, orphans; signed bags
    ("E630", ERROR, "editor", "no such piece in the collection"),
    ("E631", ERROR, "editor", "no such section in the collection"),
    ("E632", ERROR, "editor", "--before/--after names a piece that is not in the target section"),
    ("E633", ERROR, "import", "a piece from the same source URL or file name is already in the collection (--replace updates it)"),
    ("E634", ERROR, "import", "--replace: no single piece in the collection comes from this source"),
    ("E635", ERROR, "archive", "key cannot be read, or is not an Ed25519 key"),
    ("E636", ERROR, "archive", "an original no longer matches the SHA-256 recorded when it was imported"),
    ("E637", ERROR, "archive", "the bag's signature is missing or does not match the key"),
    ("E638", ERROR, "archive", "keygen: the key file already exists"),
    ("W630", WARNING, "editor", "a file in sources/ or pieces/ that no entry uses"),
    ("W631", WARNING, "editor", "removed piece's files are used by other entries; kept"),
    ("W632", WARNING, "editor", "a section was left without pieces"),
    # the machine: disks, permissions, the cache
    ("E701", ERROR, "system", "no space left (or quota used up, or file too large) where bundler writes"),
    ("E702", ERROR, "system", "read-only file system where bundler writes"),
    ("E703", ERROR, "system", "permission denied"),
    ("E704", ERROR, "system", "file name too long"),
    ("E705", ERROR, "system", "too many open files"),
    ("E706", ERROR, "system", "input/output error (a failing disk)"),
    ("E707", ERROR, "system", "a file where a folder was expected, or a folder where a file was"),
    ("E830", ERROR, "system", "a symbolic link that loops back on itself"),
    ("W701", WARNING, "cache", "a damaged cache entry was discarded and rebuilt"),
    # library
    ("E800", ERROR, "library", "catalogue: not a folder"),
    ("W801", WARNING, "library", "folder without edition files; left out of the catalogue"),
    ("W802", WARNING, "library", "unreadable sidecar; file names used"),
    ("W803", WARNING, "library", "sidecar names a bad file; ignored"),
    ("W804", WARNING, "library", "edition file missing; left out"),
    ("W805", WARNING, "library", "edition file changed since the build; checksum recomputed"),
    ("W806", WARNING, "library", "sidecar language is not a BCP 47 tag; 'en' used"),
    ("W810", WARNING, "library", "cover image of an edition cannot be read"),
    ("E820", ERROR, "library", "serve: not a folder"),
    ("E821", ERROR, "library", "serve: cannot listen on the address"),
    ("E822", ERROR, "library", "serve: --port is not a port number"),
    ("E823", ERROR, "library", "serve: cannot write the catalogue (read-only media)"),
)

#: A code at the start of a stored warning: ``"W131: ..."``.
_LEADING_CODE = re.compile(r"^([EWMN]\d{3}): ")
#: The code older piece.json warnings (plain text, no code) are read as.
UNCODED_WARNING = "W100"


def severity(code: str) -> str:
    """ERROR, WARNING or NOTE; an uncatalogued code counts as a warning (never silently a note)."""
    known = CODES.get(code)
    return known.severity if known else WARNING


def coded(code: str, message: str) -> str:
    """A warning as stored in ``Provenance.warnings``: the code, a colon, the message."""
    return f"{code}: {message}"


def split_coded(text: str) -> tuple[str, str]:
    """(code, message) of a stored warning; text without a code (older pieces) is ``W100``."""
    match = _LEADING_CODE.match(text)
    if match:
        return match.group(1), text[match.end() :]
    return UNCODED_WARNING, text


def markdown_table() -> str:
    """The README's table of codes, generated so it cannot drift from the catalogue."""
    lines = ["| code | severity | stage | meaning |", "| --- | --- | --- | --- |"]
    for code, entry in CODES.items():  # catalogue order: grouped by stage
        summary = entry.summary.replace("|", "\\|")
        lines.append(f"| `{code}` | {entry.severity} | {entry.stage} | {summary} |")
    return "\n".join(lines) + "\n"


#: The README's table sits between these two lines; ``make codes`` rewrites it.
TABLE_START, TABLE_END = "<!-- codes: generated from src/bundler/codes.py by `make codes` -->", "<!-- codes: end -->"


def readme_with_table(readme: str) -> str:
    """The README text with its table of codes replaced by the catalogue's."""
    head, start, rest = readme.partition(TABLE_START)
    _old, end, tail = rest.partition(TABLE_END)
    if not start or not end:
        raise ValueError(f"the README has no {TABLE_START!r} ... {TABLE_END!r} block")
    return f"{head}{TABLE_START}\n{markdown_table()}{TABLE_END}{tail}"
