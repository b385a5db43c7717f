"""Language tags and language detection: one place that knows what ``pt-BR`` and ``EN_us`` mean.

Tags go through ``langcodes`` (BCP 47 parsing, normalisation, likely scripts, language distance)
instead of hand-made ``split("-")`` calls. Detection uses ``py3langid``: its model ships inside
the wheel (nothing is fetched), it knows 139 languages, and it reads about a character a
microsecond, so texts are judged on bounded samples (2000 characters a page, 200 a paragraph);
the model loads once per process (~0.5 s), only when a text is actually classified.
Detection decides only when it is confident and has enough letters; otherwise the declared
language or the old script guess stands, so a short page is never relabelled on a hunch.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bundler.cache import cache_root, make_key, part_name
from bundler.codes import coded
from bundler.files import write_atomically
from bundler.text.language_scoring import LanguageScorer, Ranking

SAMPLE_CHARS = 2000  # a page is judged on its first two thousand characters: enough, and cheap (~2 ms)
MIN_LETTERS = 40  # below this, a detector's answer is a guess
CONFIDENT = 0.9  # detection that names an undeclared page's language
OVERRIDE_LETTERS = 200  # a declared language is overruled only with this much text...
OVERRIDE_CONFIDENCE = 0.99  # ...and this much certainty
PARAGRAPH_LETTERS = 80  # a paragraph shorter than this keeps the piece's language (or its script's)
PARAGRAPH_CONFIDENCE = 0.95
PARAGRAPH_SAMPLE = 200  # characters of a paragraph judged (~0.2 ms): a long paragraph costs no more than a short one
RANKED = 8  # labels read from a ranking: the best, and the near relatives that may share its vote
CLOSE_DISTANCE = 25  # langcodes distance under which two languages are too close to call (no/da, ms/id, ca/es)

# Scripts written right to left (ISO 15924), as ``langcodes`` names a tag's likely script.
_RTL_SCRIPTS = frozenset({"Arab", "Hebr", "Thaa", "Syrc", "Nkoo", "Adlm", "Rohg", "Mand", "Samr", "Yezi"})
# Dialect labels of the detector that are written, set and hyphenated as their macrolanguage.
_FOLDED = {"ary": "ar", "arz": "ar"}
_NOT_LANGUAGE = "zxx"  # py3langid's class for numbers, markup and identifiers
# Letters are counted by deleting what is not one (a run at a time), not by a match object per letter;
# ASCII text, the common case, by bytes.translate.
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]+")
_LATIN = re.compile("[A-Za-z\u00c0-\u024f]+")
_NOT_LETTERS = re.compile(r"[\W\d_]+")  # the complement of a letter, [^\W\d_]
_ASCII_NOT_LETTERS = bytes(code for code in range(128) if not chr(code).isalpha())  # ASCII letters: A-Z, a-z


@dataclass(frozen=True)
class Detection:
    """What the detector made of a text: a language, how sure it is, and on how many letters.

    ``confidence`` is the probability that the text is in ``language`` or a near relative of it, so
    Indonesian text is not called uncertain because Malay took a share of the vote."""

    language: str
    confidence: float
    letters: int

    def names_language(self, min_letters: int = MIN_LETTERS, min_confidence: float = CONFIDENT) -> bool:
        """True when the detection is firm enough to act on."""
        return self.letters >= min_letters and self.confidence >= min_confidence


@dataclass(frozen=True)
class LanguageChoice:
    """The language a piece gets, and a warning when the page's own declaration was overruled or unreadable."""

    tag: str
    warnings: tuple[str, ...] = ()


# --- tags -------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1024)
def normalise_tag(tag: str) -> str:
    """The standard form of a language tag ("EN_us" -> "en-US", "iw" -> "he"), or "" if it is none."""
    return _tag_forms(tag)[0]


@functools.lru_cache(maxsize=1024)
def primary_language(tag: str) -> str:
    """The language subtag of ``tag`` ("pt-BR" -> "pt"), lower case; "" when there is none."""
    return _tag_forms(tag)[1]


#: How many tags the user's cache remembers: the few a user's pages declare, not every value a
#: hostile page can put in a ``lang`` attribute (past it, a tag is only looked up).
TAG_MEMO_LIMIT = 256


@functools.lru_cache(maxsize=1024)
def _tag_forms(tag: str) -> tuple[str, str]:
    """``tag``'s standard form and language subtag, remembered in the user's cache per ``langcodes`` release.

    Importing langcodes costs ~0.05 s of CPU (its tables and one regular expression of every valid
    subtag); a rebuild after one edit paid it for the one page's declared language ("en"), as
    ``direction_of`` does for the dossier's. One file holds every remembered tag, at most
    ``TAG_MEMO_LIMIT`` of them, so no page can fill the cache with a file a tag.
    """
    text = (tag or "").strip().replace("_", "-")
    if not text:
        return "", ""
    memo = _tag_memo()
    if text in memo:
        return memo[text]
    forms = _tag_forms_now(text)
    if len(memo) < TAG_MEMO_LIMIT:
        memo[text] = forms
        content = json.dumps(memo, ensure_ascii=False, sort_keys=True)
        try:
            write_atomically(
                _tag_memo_path(), lambda temporary: temporary.write_text(content, encoding="utf-8"), prefix=part_name(), suffix=""
            )
        except OSError:
            pass  # a read-only or full cache only costs the next build the same lookup
    return forms


def _tag_memo_path() -> Path:
    return cache_root(None, "language", make_key("tag-forms", _langcodes_stamp()) + ".json")


@functools.lru_cache(maxsize=1)
def _tag_memo() -> dict[str, tuple[str, str]]:
    """The remembered tags, read once a process; a missing, damaged or foreign file remembers none."""
    try:
        stored = json.loads(_tag_memo_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(stored, dict):
        return {}
    return {
        tag: (forms[0], forms[1])
        for tag, forms in stored.items()
        if isinstance(forms, list) and len(forms) == 2 and all(isinstance(form, str) for form in forms)
    }


def _tag_forms_now(text: str) -> tuple[str, str]:
    import langcodes  # 75 ms of data tables: loaded on first use, not at CLI start-up

    try:
        normal = langcodes.standardize_tag(text)
    except (langcodes.LanguageTagError, ValueError):
        return "", ""
    return normal, (_parse(normal).language or "") if normal else ""


@functools.lru_cache(maxsize=1024)
def direction_of(tag: str) -> str:
    """ "rtl" when the tag's script (given, or the language's likely one) is written right to left.

    Remembered in the user's cache per tag and ``langcodes`` release: a warm build asks it for the
    dossier's language and would otherwise load langcodes' tables (~0.15 s) for that one answer.
    """
    remembered = cache_root(None, "language", make_key("direction", tag, _langcodes_stamp()) + ".txt")
    try:
        known = remembered.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError):
        known = ""
    if known in ("ltr", "rtl"):
        return known
    direction = _direction_now(tag)
    try:
        write_atomically(remembered, lambda temporary: temporary.write_text(direction, encoding="ascii"), prefix=part_name(), suffix="")
    except OSError:
        pass  # a read-only or full cache only costs the next build the same lookup
    return direction


@functools.cache
def _langcodes_stamp() -> str:
    """Which langcodes is installed (its file's size and time: cheaper than reading the package metadata)."""
    spec = importlib.util.find_spec("langcodes")
    if spec is None or not spec.origin:
        return "none"
    status = os.stat(spec.origin)
    return f"{spec.origin}:{status.st_size}:{status.st_mtime_ns}"


def _direction_now(tag: str) -> str:
    normal = normalise_tag(tag)
    if not normal:
        return "ltr"
    script = _parse(normal).maximize().script
    return "rtl" if script in _RTL_SCRIPTS else "ltr"


@functools.lru_cache(maxsize=1024)
def is_language_tag(text: str) -> bool:
    """True for a well-formed BCP 47 tag as written ("ar-SY"); "ar_SY" and "Arabic" are not."""
    import langcodes

    return "_" not in text and langcodes.tag_is_valid(text)


def same_language(first: str, second: str) -> bool:
    """True when two tags name one language (regions and scripts aside)."""
    return bool(first) and primary_language(first) == primary_language(second)


@functools.lru_cache(maxsize=1024)
def close_languages(first: str, second: str) -> bool:
    """True for one language or near relatives a detector cannot reliably tell apart (no/da, ms/id, ar/arz)."""
    a, b = primary_language(first), primary_language(second)
    if not a or not b:
        return False
    if a == b:
        return True
    from langcodes import tag_distance

    return min(tag_distance(a, b), tag_distance(b, a)) < CLOSE_DISTANCE


def _parse(normal_tag: str):
    """A ``langcodes.Language`` for a tag already normalised by ``normalise_tag``."""
    from langcodes import Language

    return Language.get(normal_tag)


# --- detection --------------------------------------------------------------------------------


def load_language_model() -> None:
    """Load the detector's model now (once a process): for a build about to fork workers that will all use it."""
    _identifier()


def release_language_model() -> None:
    """Drop this process's model and scorer (~40 MB: the automaton is copied out of its file): for a build whose
    import workers are done, so that workers it forks later (the PDF's layout) do not each inherit them.
    A later detection loads them again (~0.05 s)."""
    _scorer.cache_clear()
    _identifier.cache_clear()


@functools.cache
def _identifier():
    """py3langid's model, loaded once a process and only when needed; unpacked once a machine (see _unpacked_model)."""
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    try:
        return _unpacked_model(LanguageIdentifier, MODEL_DIR / MODEL_FILE)
    except Exception:  # a read-only cache, py3langid's layout moved: the model read as it ships
        return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def _unpacked_model(identifier_class, packed: Path):
    """The model read from an unpacked copy kept in the user's cache, made from ``packed`` on first use.

    py3langid ships its model LZMA-compressed, and unpacking it was 0.7 s of CPU time paid by every
    process that detects a language (every ``bundler import`` of a web page). The copy is one
    ``.npy`` file per array, and the two large tables (67 MB) are memory-mapped rather than read
    (reading the single zip this replaces was 0.07–0.12 s of CPU a process). Each file's CRC-32 is
    kept beside them and checked when the copy is used (about 20 ms), and a damaged copy is
    unpacked again. The copy is keyed by the packed file's path, size and modification time, so a
    new py3langid makes a new one. The arrays go to py3langid's identifier exactly as its own
    loader (``modelio.load_model``) passes them.
    """
    stat = packed.stat()
    stem = make_key("py3langid-model-npy", str(packed), stat.st_size, stat.st_mtime_ns)
    folder = cache_root(None, "language-model")
    if not (folder / f"{stem}-crc32.json").is_file():
        _unpack(packed, folder, stem)
    try:
        return _load_unpacked(identifier_class, folder, stem)
    except (OSError, ValueError, KeyError, EOFError):  # a damaged copy: unpacked again
        _unpack(packed, folder, stem)
        return _load_unpacked(identifier_class, folder, stem)


#: The arrays of py3langid's model file, each kept as ``<stem>-<name>.npy``.
_MODEL_ARRAYS = ("ptc", "pc", "classes", "nextmove", "nextmove_row", "out_feat")
#: The two large ones are memory-mapped: ``ptc`` is used in place, ``nextmove`` copied once, straight from the map, into
#: the stdlib array py3langid walks (read into memory first, it was copied twice).
_MAPPED_ARRAYS = frozenset({"ptc", "nextmove"})


def _unpack(packed: Path, folder: Path, stem: str) -> None:
    """Write each array of the packed model, then their checksums (last: their presence says the copy is whole)."""
    import io
    import json
    import lzma

    import numpy as np

    with lzma.open(packed) as source, np.load(io.BytesIO(source.read()), allow_pickle=False) as data:
        arrays = {name: data[name] for name in _MODEL_ARRAYS}
    for name, array in arrays.items():
        write_atomically(folder / f"{stem}-{name}.npy", lambda temporary, array=array: _save_array(temporary, array))
    sums = json.dumps({name: _crc32(folder / f"{stem}-{name}.npy") for name in _MODEL_ARRAYS})
    write_atomically(folder / f"{stem}-crc32.json", lambda temporary: temporary.write_text(sums, encoding="ascii"))


def _save_array(path: Path, array) -> None:
    import numpy as np

    with path.open("wb") as out:
        np.save(out, array, allow_pickle=False)


def _crc32(path: Path) -> int:
    import mmap
    import zlib

    with path.open("rb") as source, mmap.mmap(source.fileno(), 0, access=mmap.ACCESS_READ) as data:
        return zlib.crc32(data)


def _load_unpacked(identifier_class, folder: Path, stem: str):
    """The identifier from the unpacked copy; ValueError when a file's checksum is not the one kept at unpacking."""
    import json

    import numpy as np
    from py3langid.modelio import _to_array

    sums = json.loads((folder / f"{stem}-crc32.json").read_text(encoding="ascii"))

    def array(name: str):
        path = folder / f"{stem}-{name}.npy"
        if _crc32(path) != sums[name]:
            raise ValueError(f"{path}: damaged")
        return np.load(path, mmap_mode="r" if name in _MAPPED_ARRAYS else None, allow_pickle=False)

    return identifier_class(
        np.asarray(array("ptc")),
        np.asarray(array("pc")),
        array("classes").tolist(),
        _to_array(array("nextmove")),
        array("out_feat").tolist(),
        norm_probs=True,
        tk_row=_to_array(array("nextmove_row")),
    )


def identify_language(text: str, limit: int = SAMPLE_CHARS) -> Detection | None:
    """Classify the first ``limit`` characters of ``text``; None when there is nothing to judge."""
    return identify_languages([text], limit)[0]


def identify_languages(texts: Sequence[str], limit: int = SAMPLE_CHARS) -> list[Detection | None]:
    """``identify_language`` for each text, with one pass of the model over all of them (a page's paragraphs)."""
    samples = [" ".join((text or "")[:limit].split()) for text in texts]
    letters = [count_letters(sample) for sample in samples]
    rankings = _rankings([sample for sample, count in zip(samples, letters, strict=True) if count])
    return [_detection(rankings[sample], count) if count else None for sample, count in zip(samples, letters, strict=True)]


def reading_confidences(texts: Sequence[str]) -> list[float]:
    """For each text, how sure the detector is of its likeliest language, near relatives' share included (0 for none).

    Compares readings of the same bytes in different charsets (``encoding``): a correctly decoded
    text reads as its language, a misread one spreads the detector's vote over several."""
    samples = [" ".join(text.split()) for text in texts]
    letters = [count_letters(sample) for sample in samples]
    rankings = _rankings([sample for sample, count in zip(samples, letters, strict=True) if count])
    detections = [_detection(rankings[sample], count) if count else None for sample, count in zip(samples, letters, strict=True)]
    return [detection.confidence if detection else 0.0 for detection in detections]


def _detection(ranking: Ranking, letters: int) -> Detection | None:
    label, confidence = ranking[0]
    if label == _NOT_LANGUAGE:
        return None
    language = _FOLDED.get(label, label)
    if confidence < OVERRIDE_CONFIDENCE:  # near relatives split the vote (id/ms, ar/arz, no/da): add theirs
        confidence = sum(p for other, p in ranking if close_languages(other, language))
    return Detection(language, float(confidence), letters)


def _ranking(sample: str) -> Ranking:
    """The ``RANKED`` likeliest labels of ``sample`` with their probabilities, best first."""
    return _rankings([sample])[sample]


_REMEMBERED = 512  # rankings kept: a page read again in another language (see ``importers.html``) asks about the same texts
_rankings_seen: dict[str, Ranking] = {}


def _rankings(samples: Sequence[str]) -> dict[str, Ranking]:
    """Each sample's ``RANKED`` likeliest labels with their probabilities, best first, the new ones scored together.

    ``identify_language`` reads the best label and, when it is less than 0.99 certain, the near
    relatives among the first few; ``language_scoring`` computes exactly what py3langid's ``rank``
    would, at a fraction of its cost."""
    known = {sample: _rankings_seen[sample] for sample in samples if sample in _rankings_seen}
    fresh = [sample for sample in dict.fromkeys(samples) if sample not in known]
    if fresh:
        scorer = _scorer()
        scored = scorer.rankings(fresh, RANKED) if scorer else [tuple(_identifier().rank(sample)[:RANKED]) for sample in fresh]
        if len(_rankings_seen) + len(fresh) > _REMEMBERED:
            _rankings_seen.clear()
        _rankings_seen.update(zip(fresh, scored, strict=True))
        known.update(zip(fresh, scored, strict=True))
    return known


@functools.cache
def _scorer() -> LanguageScorer | None:
    """The fast scorer over the process's model, or None (py3langid's own ``rank``) should its internals have moved."""
    try:
        return LanguageScorer(_identifier()).check()
    except (AttributeError, ImportError, TypeError, ValueError):
        return None


def count_letters(text: str) -> int:
    r"""How many letters (``[^\W\d_]``: no digits, no underscore) ``text`` holds."""
    if text.isascii():
        return len(text.encode("ascii").translate(None, _ASCII_NOT_LETTERS))
    return len(_NOT_LETTERS.sub("", text))


def count_scripts(text: str) -> tuple[int, int]:
    """Count Arabic-script and Latin letters in ``text``."""
    if text.isascii():
        return 0, count_letters(text)
    return _count_matched(_ARABIC, text), _count_matched(_LATIN, text)


def _count_matched(runs: re.Pattern[str], text: str) -> int:
    """How many characters of ``text`` the runs of ``runs`` cover (a scan that finds none allocates nothing)."""
    return len(text) - len(runs.sub("", text)) if runs.search(text) else 0


def _has_letters(text: str, count: int) -> bool:
    """True when ``text`` holds at least ``count`` letters; a long text is usually settled by its start."""
    head = text[: 4 * count]
    return count_letters(head) >= count or (len(head) < len(text) and count_letters(text) >= count)


def guess_by_script(text: str, default: str = "en") -> str:
    """The old guess, kept for short texts: Arabic letters in the majority mean "ar", else ``default``
    (or "en" for Latin text when the default is Arabic)."""
    arabic, latin = count_scripts(text)
    if arabic == 0 and latin == 0:
        return default
    if arabic > latin:
        return default if primary_language(default) == "ar" else "ar"
    return "en" if primary_language(default) == "ar" else default


def detect_language(text: str, default: str = "en") -> str:
    """The language of ``text`` when the detector is confident, else the script guess around ``default``."""
    detection = identify_language(text)
    if detection is not None and detection.names_language():
        return detection.language
    return guess_by_script(text, default)


def choose_language(text: str, declared: str = "", *, forced: str = "", default: str = "en") -> LanguageChoice:
    """A piece's language from what the user forced, what the page declares, and what its text is.

    ``forced`` (the manifest's or command line's language) always wins and skips detection. A
    declaration stands unless a confident detection on enough text names a clearly different
    language; then the detected language is used and a warning says so. A declaration that is
    not a language tag is ignored with a warning. A region in the declaration survives when the
    detected language agrees with it (``pt-BR`` stays ``pt-BR``).
    """
    if forced:
        return LanguageChoice(forced)
    return _choose(text, declared, identify_language(text), default)


def settle_language(first: LanguageChoice, main_text: str, declared: str = "") -> LanguageChoice:
    """The article's own text has the last word: ``first`` was judged on the whole page (menus, filler
    text), so a confident detection on the extracted main text replaces it when the two disagree."""
    detection = identify_language(main_text)
    if detection is None or not detection.names_language():
        return first
    final = _choose(main_text, declared, detection, first.tag)
    return first if final.tag == first.tag else final


def _choose(text: str, declared: str, detection: Detection | None, default: str) -> LanguageChoice:
    warnings: list[str] = []
    tag = normalise_tag(declared)
    if declared.strip() and not tag:
        warnings.append(
            coded("W160", f"page declares language {declared.strip()!r}, which is not a language tag; went by its text instead")
        )
    if not tag:
        if detection is not None and detection.names_language():
            return LanguageChoice(detection.language, tuple(warnings))
        return LanguageChoice(guess_by_script(text, default), tuple(warnings))
    if detection is not None and detection.names_language(OVERRIDE_LETTERS, OVERRIDE_CONFIDENCE):
        if not close_languages(tag, detection.language):
            warnings.append(
                coded("W161", f"page declares language {tag!r}, but its text is {detection.language!r}; used {detection.language!r}")
            )
            return LanguageChoice(detection.language, tuple(warnings))
    return LanguageChoice(tag, tuple(warnings))


def paragraph_language(text: str, piece_language: str) -> str | None:
    """The language of a paragraph that differs from its piece's, or None to inherit.

    Long paragraphs are judged by the detector (a Portuguese quotation in an English piece); short
    ones only by script (an Arabic line in an English piece), since a sentence or two is not
    enough to tell Spanish from Portuguese.
    """
    return paragraph_languages([text], piece_language)[0]


def paragraph_languages(texts: Sequence[str], piece_language: str) -> list[str | None]:
    """``paragraph_language`` for each of a piece's paragraphs, the long ones judged in one pass of the detector."""
    long = [index for index, text in enumerate(texts) if _has_letters(text, PARAGRAPH_LETTERS)]
    detections = dict(zip(long, identify_languages([texts[index] for index in long], PARAGRAPH_SAMPLE), strict=True))
    return [_paragraph_language(text, piece_language, detections.get(index)) for index, text in enumerate(texts)]


def _paragraph_language(text: str, piece_language: str, detection: Detection | None) -> str | None:
    if detection is not None and detection.names_language(PARAGRAPH_LETTERS, PARAGRAPH_CONFIDENCE):
        return None if close_languages(detection.language, piece_language) else detection.language
    if len(text) <= 20:
        return None
    guess = guess_by_script(text, piece_language)
    return None if same_language(guess, piece_language) else guess
