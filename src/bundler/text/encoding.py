"""Turn bytes of unknown encoding into text, repairing mojibake, and say what was done."""

from __future__ import annotations

import codecs
import functools
import html
import re
import unicodedata

from bundler.codes import coded

#: Byte-order marks, longest first: UTF-32's little-endian mark begins with UTF-16's.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
#: A text whose NULs and other control bytes pass these shares of its first 8 KB is binary. A stray NUL
#: or two in a saved page is damage to remove (remove_non_xml does), not a reason to refuse the page.
_BINARY_NUL_SHARE = 0.01
_BINARY_CONTROL_SHARE = 0.05
#: UTF-8 with fewer bad sequences than this share of its good non-ASCII characters is UTF-8 with damage,
#: decoded as such (the bad bytes replaced), not a reason to guess another charset for the whole text.
_DAMAGED_UTF8_SHARE = 0.1
#: The control bytes ``looks_binary`` counts: below tab, and between carriage return and space.
_CONTROL_BYTES = bytes([*range(0, 9), *range(14, 32)])


def looks_binary(raw: bytes) -> bool:
    """True for bytes that are no text in any encoding (many NULs or control bytes); UTF-16/32 are text."""
    head = raw[:8192]
    if head.startswith(tuple(bom for bom, _ in _BOMS)) or _unmarked_utf16_or_32(head):
        return False
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))  # counted in C: a Python loop was 0.2 ms a page
    return head.count(0) > len(head) * _BINARY_NUL_SHARE or controls > len(head) * _BINARY_CONTROL_SHARE


def _unmarked_utf16_or_32(head: bytes) -> str:
    """The codec of UTF-16 or UTF-32 text written without a byte-order mark, told by where its NULs fall.

    Markup, Latin and Arabic text put a NUL in the high byte of many UTF-16 units (every ASCII one)
    and almost never in the low byte; UTF-32 has NULs in its two top bytes. Binary data scatters them."""
    head = head[: len(head) // 4 * 4]
    if len(head) < 16:
        return ""
    lanes = [head[i::4].count(0) / (len(head) // 4) for i in range(4)]
    if min(lanes[2], lanes[3]) > 0.9 and lanes[0] < 0.01:
        return "utf-32-le"
    if min(lanes[0], lanes[1]) > 0.9 and lanes[3] < 0.01:
        return "utf-32-be"
    even, odd = (lanes[0] + lanes[2]) / 2, (lanes[1] + lanes[3]) / 2
    if odd > 0.2 and even < 0.01:
        return "utf-16-le"
    if even > 0.2 and odd < 0.01:
        return "utf-16-be"
    return ""


def decode_bytes(raw: bytes, declared: str = "") -> tuple[str, list[str]]:
    """Decode ``raw``: BOM, then unmarked UTF-16/32, then UTF-8 (also with a few damaged bytes),
    then the declared charset if it fits, then detection.

    Returns the text and warnings describing any guess or repair.
    """
    warnings: list[str] = []
    for bom, name in _BOMS:
        if raw.startswith(bom):
            return _repair(raw.decode(name, errors="replace"), warnings)
    unmarked = _unmarked_utf16_or_32(raw[:8192])
    if unmarked:
        warnings.append(coded("N111", f"no byte-order mark; detected {unmarked}"))
        return _repair(raw.decode(unmarked, errors="replace"), warnings)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return _repair(text, warnings, utf8=raw)
    damaged = _damaged_utf8(raw)
    if damaged is not None:
        text, bad = damaged
        warnings.append(coded("W650", f"{bad:,} byte(s) are not valid UTF-8 in an otherwise UTF-8 text; each was replaced by \ufffd"))
        return _repair(text, warnings)
    from charset_normalizer import from_bytes  # loaded when a page needs its encoding guessed, not by every build

    matches = from_bytes(raw[:200_000])
    best = matches.best()
    guess = _reading_that_reads(raw, [best.encoding, *best.could_be_from_charset, *(match.encoding for match in matches)]) if best else ""
    if declared and _valid_codec(declared) and (not guess or _plausible(raw, declared, guess)):
        name = declared
    elif guess:
        name = guess
        if declared and codecs.lookup(declared).name != codecs.lookup(guess).name:
            warnings.append(coded("W110", f"declared charset {declared!r} does not fit the bytes; decoded as {guess}"))
        elif not declared:
            warnings.append(coded("N111", f"no charset declared; detected {guess}"))
    else:
        name = "utf-8"
        warnings.append(coded("W112", "could not detect the text encoding; undecodable bytes replaced"))
    return _repair(raw.decode(name, errors="replace"), warnings)


#: How many readings the vote compares at most (charset_normalizer's first, then cp1252), and on how many
#: characters of each: the words around its non-ASCII characters, where readings differ.
_READINGS = 8
#: How much surer of its language another reading must make the detector to replace the first guess.
_CLEARER = 0.05
_VOTE_SAMPLE = 2000
#: A word holding a non-ASCII character: what the readings of one text differ in (with context the
#: detector's answer saturates, equally sure of every reading of a text with a few accented words).
_NON_ASCII_WORD = re.compile(r"\S*[^\x00-\x7f]\S*")
#: The web's single-byte fallback (WHATWG reads "latin-1" as it), a candidate whatever the detector said.
_WESTERN = "cp1252"


def _reading_that_reads(raw: bytes, names: list[str]) -> str:
    """Of the charsets ``names`` (charset_normalizer's, best first) and cp1252, the one whose reading reads as text.

    On a short text the detector cannot tell single-byte charsets apart: Latin-1 "naïve" and
    "niño" decode without a fault as cp1250 "naďve" and "nińo", and its first guess is often
    Central European. Where the readings differ, each is judged on the words around its non-ASCII
    characters: first by its broken letters (``_broken_letters``: a symbol or control inside a
    word, another script in a Latin word, a capital inside a lower-case word), then by how sure the
    language detector is of its language. The detector's first choice wins ties and every text
    whose readings agree (then no detector is loaded).
    """
    readings: dict[str, str] = {}  # text -> first charset giving it
    for name in dict.fromkeys([*names[:_READINGS], _WESTERN]):
        try:
            text = raw.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
        readings.setdefault(text, name)
    if len(readings) < 2 or names[0] not in readings.values():  # one reading, or the guess holds only for its sample
        return names[0]
    from bundler.text.language import reading_confidences

    samples = {text: " ".join(_NON_ASCII_WORD.findall(text[: 50 * _VOTE_SAMPLE]))[:_VOTE_SAMPLE] for text in readings}
    confidence = dict(zip(samples.values(), reading_confidences(list(samples.values())), strict=True))
    broken = {text: _broken_letters(sample) for text, sample in samples.items()}
    first = next(iter(readings))  # charset_normalizer's: replaced only by a reading with fewer broken letters or clearly surer
    best = min(broken.values())
    better = [
        text
        for text in readings
        if broken[text] == best
        and (broken[first] > best or text == first or confidence[samples[text]] >= confidence[samples[first]] + _CLEARER)
    ]
    return readings[max(better, key=lambda text: confidence[samples[text]])] if better else names[0]


def _broken_letters(sample: str) -> int:
    """How many characters of ``sample`` no correctly decoded word holds.

    Counted: a control character, a non-ASCII symbol between two letters ("wi¹zka"), a combining
    mark after no letter, a letter of a
    script other than Latin inside a word with Latin letters ("Caf別"), and a non-ASCII capital
    after a lower-case letter or between a capital and a lower-case one ("naĎve", "MŁller")."""
    broken = 0
    for word in re.finditer(r"\S+", sample):
        text = word.group()
        if text.isascii():
            continue
        latin = any("a" <= char.lower() <= "z" for char in text)
        for at, char in enumerate(text):
            if char.isascii():
                continue
            before, after = text[at - 1 : at], text[at + 1 : at + 2]
            inside = before.isalpha() and after.isalpha()
            kind = unicodedata.category(char)
            if kind[0] == "M":  # a combining mark belongs after a letter (or another mark), in a Latin word a Latin one
                alone = not (before.isalpha() or unicodedata.category(before or " ")[0] == "M")
                broken += alone or (latin and not unicodedata.name(char, "COMBINING").startswith("COMBINING"))
            elif not char.isalpha():
                broken += kind[0] == "C" or (inside and (kind[0] == "S" or kind == "No"))  # not punctuation: CJK's has no spaces
            elif latin and not unicodedata.name(char, "LATIN").startswith("LATIN"):
                broken += 1
            elif char.isupper() and (before.islower() or (before.isupper() and after.islower())):
                broken += 1
    return broken


def _damaged_utf8(raw: bytes) -> tuple[str, int] | None:
    """(text, bad sequences) when ``raw`` is UTF-8 with a few bad bytes (a lone surrogate, a cut character),
    None when the bad sequences are too many for that: another charset's text."""
    text = raw.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - raw.count("\ufffd".encode())
    good = sum(1 for char in text if char > "\x7f") - text.count("\ufffd")
    return (text, bad) if bad <= good * _DAMAGED_UTF8_SHARE else None


def _valid_codec(name: str) -> bool:
    try:
        codecs.lookup(name)
        return True
    except LookupError:
        return False


def _plausible(raw: bytes, declared: str, guess: str) -> bool:
    """A declared single-byte Latin charset is implausible for text that is really Arabic.

    ``guess`` is charset_normalizer's best guess for the same bytes, made once by the caller
    (detecting again here cost a second pass over up to 200 KB)."""
    name = codecs.lookup(declared).name
    if name in {"latin-1", "iso8859-1", "cp1252", "iso8859-15", "ascii"}:
        if guess in {"cp1256", "iso8859_6", "mac_arabic", "cp864", "cp720"}:
            return False
        if name == "ascii":
            return False
    try:
        raw.decode(name)
    except UnicodeDecodeError:
        return False
    return True


_SAMPLE = 200_000
#: A UTF-8 lead byte read as Latin-1/cp1252 (Ã, Â, Ø, Ù, â…) followed by a continuation byte read
#: the same way: every UTF-8 mojibake contains such a pair; text without one needs no repair.
_MOJIBAKE_HINT = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
)

#: ``_MOJIBAKE_HINT`` in the UTF-8 bytes of a text (each of its characters encoded): the same pairs, found
#: where the text was decoded from without a fault. In UTF-8 a lead byte (\xc3 here) is never part of another
#: character, so the search skips from one \xc3 to the next in C: an eighth of the search in the decoded text.
_UTF8_MOJIBAKE_HINT = re.compile(
    b"\xc3[\x82-\xb4](?:\xc2[\x80-\xbf]|\xc5[\x92\x93\xa0\xa1\xb8\xbd\xbe]|\xc6\x92|\xcb[\x86\x9c]"
    b"|\xe2\x80[\x93\x94\x98-\x9e\xa0-\xa2\xa6\xb0\xb9\xba]|\xe2\x82\xac|\xe2\x84\xa2)"
)


#: What a decoded page loses, in one pass: the characters no XML document may hold (``remove_non_xml``'s:
#: C0 controls but tab and line breaks, U+FFFE, U+FFFF), and DEL and the C1 controls: XML may hold those,
#: but no font draws them (a PDF/A build refused a title with one, naming no source) and ftfy has already
#: turned those that stood for cp1252 punctuation back into it. Two passes over the page (one per set) took
#: out the same characters, since taking out one set never makes a character of the other.
_NOT_KEPT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")

#: ``_NOT_KEPT``'s characters in UTF-8: its C0 controls and DEL (one byte each, which in UTF-8 stands for
#: nothing else), the C1 controls (\xc2 then \x80-\x9f) and U+FFFE, U+FFFF (\xef\xbf then \xbe or \xbf).
#: \xc2 and \xef only ever begin a character, so a match is always one whole character.
_NOT_KEPT_C0 = tuple(bytes([code]) for code in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F))
_UTF8_C1 = re.compile(b"\xc2[\x80-\x9f]")
_UTF8_NONCHARACTER = re.compile(b"\xef\xbf[\xbe\xbf]")


def _utf8_holds_not_kept(utf8: bytes) -> bool:
    """Whether the text these UTF-8 bytes decode to (without a fault) holds a character of ``_NOT_KEPT``.

    The same answer as ``_NOT_KEPT.search`` over the decoded text, a third of its time: a byte search
    (``in``, memchr) for each single byte and two expressions that begin with a literal byte, which the
    engine skips between, where the character class is tried at every character of a page.
    """
    return any(code in utf8 for code in _NOT_KEPT_C0) or bool(_UTF8_C1.search(utf8) or _UTF8_NONCHARACTER.search(utf8))


#: The C1 controls (U+0080-U+009F). In decoded text one is almost always a byte of cp1252 text read as
#: Latin-1 (U+0092 for the apostrophe ’), or an HTML reference to one (``&#157;``).
C1_CONTROL = re.compile("[\x80-\x9f]")
#: The five C1 codes cp1252 leaves undefined: no character stood for them, so they are dropped.
_C1_UNDEFINED = "\x81\x8d\x8f\x90\x9d"
#: Each C1 control to its cp1252 character (U+0092 -> ’), the undefined five to nothing.
_C1_TO_CP1252 = {code: (None if chr(code) in _C1_UNDEFINED else bytes([code]).decode("cp1252")) for code in range(0x80, 0xA0)}


def _repair(text: str, warnings: list[str], utf8: bytes | None = None) -> tuple[str, list[str]]:
    """The text with mojibake repaired, stray C1 controls read as cp1252 and the characters XML cannot hold removed.

    ``utf8``: the bytes ``text`` was decoded from as UTF-8 without a fault, when it was."""
    fixed, warnings, repaired = _fix_encoding(text, warnings, utf8)
    if not repaired and utf8 is not None:  # ``fixed`` holds the characters of ``_NOT_KEPT`` that ``text`` holds
        keeps_all = not _utf8_holds_not_kept(utf8)
    else:
        keeps_all = _NOT_KEPT.search(fixed) is None
    if keeps_all:  # most pages: nothing to remove, and so no C1 control (a subset) to read
        return fixed, warnings
    if not fixed.isascii() and C1_CONTROL.search(fixed):
        fixed = c1_as_cp1252(fixed, warnings)
    return _NOT_KEPT.sub("", fixed), warnings


def repair_c1(text: str, warnings: list[str]) -> str:
    """``text`` (a page's text node, holding a C1 control) with its mojibake repaired and its C1 controls read as cp1252.

    A C1 control that survives decoding came from an HTML reference (``&acirc;&euro;&#157;`` is the
    UTF-8 of ” read as cp1252 and written as entities): ftfy repairs the sequence it ends, and
    a control left over is read as cp1252 (``c1_as_cp1252``).
    """
    import ftfy

    return c1_as_cp1252(ftfy.fix_encoding(text), warnings)


#: Two or more HTML character references in a row ("&acirc;&euro;&trade;", "&#195;&#169;"): a page that wrote
#: its mojibake as references shows none in its decoded text (``_fix_encoding`` saw only "&acirc;"), but its
#: parsed text does ("â€™" for ’). Written as one reference then one or more (the same runs as ``(?:ref){2,}``)
#: so that it begins with a literal "&": the engine then skips from one "&" to the next in C instead of trying
#: the group at every character of the page (27 times faster over the 997 real pages, a few ms a page).
_REFERENCE = r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"
_REFERENCE_RUN = re.compile(rf"{_REFERENCE}(?:{_REFERENCE})+")


def has_reference_mojibake(page: str) -> bool:
    """Whether a page's markup writes mojibake as character references (``&acirc;&euro;&trade;``, ``&#195;&#169;``):
    a run of references that, read, holds the pair UTF-8 read as cp1252 leaves (``_MOJIBAKE_HINT``)."""
    if "&" not in page:
        return False
    return any(_MOJIBAKE_HINT.search(html.unescape(run.group())) for run in _REFERENCE_RUN.finditer(page))


def repair_mojibake(text: str, warnings: list[str]) -> str:
    """``text`` (a page's text node or attribute) with its mojibake repaired by ftfy ("â€™" -> ’, "Ã©" -> é), and
    a W115 warning (once) when it changed; a text without the sign of mojibake, or that ftfy finds not bad
    ("Â£5" in a price list may be meant), is returned as it is."""
    if not _MOJIBAKE_HINT.search(text) or not is_bad(text):
        return text
    import ftfy

    fixed = ftfy.fix_encoding(text)
    if fixed != text:
        message = "repaired mojibake written as HTML character references (&acirc;&euro;&trade; for ’)"
        if coded("W115", message) not in warnings:
            warnings.append(coded("W115", message))
    return fixed


def c1_as_cp1252(text: str, warnings: list[str]) -> str:
    """Every C1 control of ``text`` as the cp1252 character its byte stands for; the five cp1252 leaves undefined dropped.

    No font draws a C1 control (it was printed as U+FFFD), and one left in decoded text was a
    cp1252 byte read as Latin-1; U+0081, U+008D, U+008F, U+0090 and U+009D stand for nothing and
    are dropped, with a warning that names them.
    """
    dropped = sorted({char for char in C1_CONTROL.findall(text) if char in _C1_UNDEFINED})
    if dropped:
        names = ", ".join(f"U+{ord(char):04X}" for char in dropped)
        message = f"removed the control character(s) {names}: bytes cp1252 leaves undefined, read as Latin-1"
        if coded("W114", message) not in warnings:
            warnings.append(coded("W114", message))
    return text.translate(_C1_TO_CP1252)


def _fix_encoding(text: str, warnings: list[str], utf8: bytes | None = None) -> tuple[str, list[str], bool]:
    """Repair mojibake where ftfy's quick test sees it; text without it is only NFC-normalised.

    Returns the text, the warnings and whether ftfy repaired it. A text ftfy did not repair is ``text``
    or its NFC form, which holds the same characters of ``_NOT_KEPT``: they have no decomposition, no
    composition makes one and NFC moves none (their combining class is 0).

    ftfy's full repair walks the whole text several times (a page's scripts included) and was
    most of an import's time, and even its ``is_bad`` test is slow on a large page: a single
    character-class search for the pairs UTF-8 read as a single-byte charset leaves behind
    decides first whether ftfy needs to look at all (in the UTF-8 bytes ``utf8`` when the text came from them).
    """
    if text.isascii():  # no mojibake, and already in normal form (``isascii`` is answered without a scan)
        return text, warnings, False
    if not (_UTF8_MOJIBAKE_HINT.search(utf8) if utf8 is not None else _MOJIBAKE_HINT.search(text)):
        return unicodedata.normalize("NFC", text), warnings, False
    import ftfy  # ~0.1 s of tables: loaded only when a text shows a sign of mojibake

    if not is_bad(text):
        return unicodedata.normalize("NFC", text), warnings, False
    if len(text) > 2 * _SAMPLE:  # ftfy is slow on huge texts: repair only when a sample shows damage
        sample = text[:_SAMPLE] + text[len(text) // 2 : len(text) // 2 + _SAMPLE]
        if not is_bad(sample) or ftfy.fix_encoding(sample) == sample:  # fix_encoding leaves a text is_bad passes
            return text, warnings, False
    fixed = fix_text_by_line(text)
    if fixed != text and _fix_encoding_changes(text):
        warnings.append(coded("W113", "repaired mis-decoded characters (mojibake)"))
    return fixed, warnings, True


def _fix_encoding_changes(text: str) -> bool:
    """``ftfy.fix_encoding(text) != text``, from ftfy's first step alone.

    ``fix_encoding`` repeats one deterministic step until the text stops changing. If the first step
    changes the text, the text it stops at is not the input: a text the step leaves as it is cannot be
    the input, which the step changed. So the answer is whether the first step changes it, and the
    further steps (each a search of ftfy's badness expression over the whole page, most of the
    warning's cost) are not needed.
    """
    if text.isascii() or not is_bad(text):  # ftfy's first step returns such a text as it is
        return False
    step = _ftfy_one_step()
    if step is None:  # another ftfy without the step: the whole repair
        import ftfy

        return ftfy.fix_encoding(text) != text
    return step(text) != text


#: Any character some step of ``ftfy.fix_text`` could act on: everything but tab, line breaks and
#: printable ASCII other than "&" (HTML entities). ASCII is left alone by its encoding repair
#: (``possible_encoding(text, "ascii")``), is in normal form, and holds no ligature, wide form,
#: C1 control or surrogate; its removable controls, the escape of terminal codes and "&" are in
#: this class (``tests/text/test_encoding_lines.py`` checks ftfy's tables against it).
_FTFY_ACTIVE = re.compile("[^\t\n\r\x20-\x25\x27-\x7e]")


def fix_text_by_line(text: str) -> str:
    """``ftfy.fix_text(text, normalization="NFC", uncurl_quotes=False, fix_line_breaks=False)``, to the character.

    ftfy fixes a text one segment at a time (a line, or a million characters of a longer one), and a
    segment of plain printable ASCII comes out unchanged; most of a page's lines are that (markup,
    scripts, English text), yet ftfy called a dozen fixers on each. Here only the segments holding
    a character some fixer could act on go through ftfy, cut exactly where ftfy would cut them and
    with the configuration ftfy would have by then (HTML entities are unescaped only before the
    first segment with a "<").
    """
    from ftfy import TextFixerConfig, fix_and_explain

    config = TextFixerConfig(explain=False)._replace(normalization="NFC", uncurl_quotes=False, fix_line_breaks=False)
    markup_config = config._replace(unescape_html=False)
    limit, first_markup = config.max_decode_length, text.find("<")
    fixers = _ftfy_fixers()
    out: list[str] = []
    position = 0
    while (active := _FTFY_ACTIVE.search(text, position)) is not None:
        at = active.start()
        line_start = text.rfind("\n", position, at) + 1 or position
        start = line_start + (at - line_start) // limit * limit  # where ftfy's segment holding ``at`` begins
        end = text.find("\n", start) + 1 or len(text)
        end = min(end, start + limit)
        out.append(text[position:start])
        marked_up = 0 <= first_markup < end  # ftfy stops unescaping entities from the first segment with a "<"
        segment = text[start:end]
        if fixers is None:
            out.append(fix_and_explain(segment, markup_config if marked_up else config).text)
        else:  # ``fix_and_explain`` with that configuration, each fixer skipped where it finds nothing to act on
            out.append(_fix_segment(segment, fixers, unescape=not marked_up and "<" not in segment))
        position = end
    out.append(text[position:])
    return "".join(out)


#: ``fix_and_explain``'s fixers after the encoding repair, in its order, as ``fix_text_by_line`` configures it
#: (``uncurl_quotes`` and ``fix_line_breaks`` off); ``_ftfy_fixers`` pairs each with the characters it acts on.
_FIXERS_AFTER_ENCODING = (
    "fix_c1_controls",
    "fix_latin_ligatures",
    "fix_character_width",
    "fix_surrogates",
    "remove_terminal_escapes",
    "remove_control_chars",
)
#: The ftfy release whose ``fix_and_explain`` and ``fix_encoding_and_explain`` ``_fix_segment`` and
#: ``_ftfy_fix_encoding`` follow step by step (the one in requirements.lock); on another, ftfy's own are called.
_FTFY_VERSION = "6.3.1"


@functools.cache
def _ftfy_fixers() -> tuple[tuple[re.Pattern[str] | None, object], ...] | None:
    """(a search for the characters it can change or None, the fixer) for each of ``_FIXERS_AFTER_ENCODING``;
    None on an ftfy release other than ``_FTFY_VERSION``.

    ``fix_latin_ligatures``, ``fix_character_width`` and ``remove_control_chars`` are ``str.translate``
    with a table (a Python lookup per character, most of ftfy's time on a long line); a text holding
    no key of the table comes out as it went in, which one search in C tells. The other three are
    searches or substitutions already and are called as they are.
    """
    import ftfy
    from ftfy import chardata, fixes

    if ftfy.__version__ != _FTFY_VERSION:
        return None
    tables = {
        "fix_latin_ligatures": chardata.LIGATURES,
        "fix_character_width": chardata.WIDTH_MAP,
        "remove_control_chars": chardata.CONTROL_CHARS,
    }
    out = []
    for name in _FIXERS_AFTER_ENCODING:
        table = tables.get(name)
        keys = None if table is None else re.compile("[" + "".join(re.escape(chr(code)) for code in sorted(table)) + "]")
        out.append((keys, getattr(fixes, name)))
    return tuple(out)


def _fix_segment(text: str, fixers: tuple[tuple[re.Pattern[str] | None, object], ...], *, unescape: bool) -> str:
    """``ftfy.fix_and_explain(text, config).text`` for ``fix_text_by_line``'s configuration, step for step.

    ``unescape``: whether the configuration unescapes HTML entities (``"auto"`` and no "<" in the text).
    The same steps in the same order, repeated until a round changes nothing; a fixer is skipped only
    where it would return the text unchanged (``_ftfy_fixers``), and the encoding repair only where
    its first test (ASCII, or not ``is_bad``) would return it unchanged.
    """
    from ftfy import fixes

    while True:
        original = text
        if unescape:
            text = fixes.unescape_html(text)
        text = _ftfy_fix_encoding(text)
        for keys, fixer in fixers:
            if keys is None or keys.search(text):
                text = fixer(text)  # type: ignore[operator]
        text = unicodedata.normalize("NFC", text)
        if text == original:
            return text


@functools.cache
def _ftfy_one_step():  # noqa: ANN202 (ftfy's private step, or None)
    """One step of ftfy's encoding repair (``text -> text``), on ``_FTFY_VERSION``; None on another release."""
    import ftfy

    if ftfy.__version__ != _FTFY_VERSION:
        return None
    step, config = ftfy._fix_encoding_one_step_and_explain, ftfy.TextFixerConfig(explain=False)
    return lambda text: step(text, config).text


def _ftfy_fix_encoding(text: str) -> str:
    """``ftfy.fix_encoding(text)``: its step repeated until the text stops changing, the step's own first test
    (ASCII, or not bad) answered by ``is_bad`` here (ftfy searches its badness expression over the whole text)."""
    step = _ftfy_one_step()
    while not text.isascii() and is_bad(text):
        fixed = step(text)
        if fixed == text:
            break
        text = fixed
    return text


#: ftfy's badness expression never matches without a non-ASCII character (each of its alternatives
#: requires one of its character classes, all outside ASCII) and never matches more than six characters.
_BADNESS_REACH = 6
_NON_ASCII_RUNS = re.compile("[^\x00-\x7f]+")


def is_bad(text: str) -> bool:
    """``ftfy.badness.is_bad(text)``, searched for only around the text's non-ASCII characters.

    ftfy tries its long expression at every position of the text, a tenth of a second on a large
    page; a match must hold a non-ASCII character and is at most ``_BADNESS_REACH`` characters
    long, so searching the stretches of that reach around each run of non-ASCII characters finds
    a match exactly when the whole text has one (the expression has no anchors but a leading
    ``^``, which a search from inside the text does not take for the start, as it should not).
    """
    if text.isascii():
        return False
    from ftfy.badness import BADNESS_RE

    start = end = -1
    for run in _NON_ASCII_RUNS.finditer(text):
        if run.start() - _BADNESS_REACH > end >= 0:  # a gap: search the stretch gathered so far
            if BADNESS_RE.search(text, start, end):
                return True
            start = -1
        if start < 0:
            start = max(0, run.start() - _BADNESS_REACH)
        end = run.end() + _BADNESS_REACH
    return bool(BADNESS_RE.search(text, start, end))
