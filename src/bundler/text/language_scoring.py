"""py3langid's probabilities for many texts at once, to the bit, without the per-call costs of its own ``rank``.

A 200-character paragraph cost py3langid ~0.15 ms, and little of it was the model's arithmetic:

- the feature table ships in half precision, which numpy has no fast arithmetic for, so every call
  converted each row the text touched (~150 rows of 142 columns) before one small product. Here a
  row is converted once a process, the first time a text uses it (numpy converts half to single
  precision exactly, as the product itself would have), and kept in a table of the rows used so
  far, in the order first used (``_single_rows``). A process uses a few thousand of the 100,053
  rows: kept in place in a full-size table, they were spread over all of its 57 MB, and numpy
  backs an array that large with 2 MB pages, so a worker held all 57 MB for ~1 MB of rows.
- the text's byte n-grams were found by walking the model's automaton a byte at a time in Python.
  The automaton is an Aho-Corasick one whose states are at most ``DEPTH`` bytes deep, so the state
  after a byte depends only on the ``DEPTH`` bytes ending there: the walk is ``DEPTH`` numpy steps
  over every position of every text of a page at once, each position starting from the root.
- ``rank`` turned all 142 scores into Python floats and sorted them; here ``argsort`` ranks them.

Everything after the feature counts is py3langid's arithmetic step for step, per text, on the same
float32 values in the same order, so the probabilities are the same bits (the tests compare them
with py3langid's own). ``LanguageScorer.check`` proves it on a known text when the scorer is made,
and ``language._scorer`` falls back to py3langid's ``rank`` should its internals ever move.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

BATCH = 256  # texts walked together: a page's paragraphs, in arrays of at most ~2 MB
FIRST_ROWS = 1024  # room for converted rows at first (0.6 MB); a page of prose uses a few hundred
DEPTH = 6  # the deepest state of py3langid's automaton (its longest n-gram prefix), in bytes
#: A text the scorer must score exactly as py3langid does before it is trusted: scripts, digits, capitals, a near tie.
PROBE = (
    "Selamat pagi, apa kabar? Saya baik-baik saja. مع كل الحب والشوق إلى الوادي 2026 — Obrigada, minha querida "
    "amiga. Ça va très bien, MERCI! Der Schnee fällt früh. Ελληνικά και русский текст. 日本語のテキスト"
)
Ranking = tuple[tuple[str, float], ...]


class LanguageScorer:
    """One per process: py3langid's identifier, its automaton as numpy arrays and the feature rows it used, in single precision."""

    def __init__(self, identifier) -> None:
        import numpy as np  # here and below, not at the top: the CLI starts without numpy (~0.1 s)

        if not identifier._norm_probs:
            raise ValueError("the scorer reproduces normalised probabilities only")
        self._identifier = identifier
        self._moves = np.asarray(identifier.tk_nextmove)  # the transition table, shared, not copied
        self._rowbase = np.asarray(identifier.tk_row, dtype=np.intp) << 8  # each state's row: 256 bytes
        self._outputs = np.fromiter(identifier.tk_output, dtype=np.intp, count=len(identifier.tk_output))
        self._half_rows = identifier.nb_ptc
        self._rows = np.empty((FIRST_ROWS, self._half_rows.shape[1]), dtype=np.float32)  # rows converted, first used first
        self._used = 0  # how many of ``_rows`` hold a row
        self._growing = threading.Lock()  # threads of one process (a dask worker's) share the scorer and its table
        self._slots = np.full(len(self._half_rows), -1, dtype=np.intp)  # a feature's row in ``_rows``, -1 until used
        self._prior = identifier.nb_pc
        self._aliases = tuple(identifier._alias_pairs)
        first_columns: dict[str, int] = {}
        for column, label in enumerate(identifier.nb_classes):
            first_columns.setdefault(label, column)  # an aliased label's first column holds its merged score
        self.labels = tuple(first_columns)
        self._columns = np.fromiter(first_columns.values(), dtype=np.intp, count=len(first_columns))

    def check(self) -> LanguageScorer:
        """This scorer, once it has counted and scored ``PROBE`` to the same bits as py3langid; ValueError otherwise."""
        import numpy as np
        from py3langid.langid import visit_counts

        data = self._identifier._encode(PROBE)
        ((features, counts),) = self._count_features([data])
        expected = visit_counts(self._identifier.tk_nextmove, self._identifier._rowbase, self._identifier.tk_output, data)
        if dict(zip(features.tolist(), counts.tolist(), strict=True)) != expected or list(expected) != features.tolist():
            raise ValueError("py3langid's automaton walks differently from this scorer's")
        if not np.array_equal(self.probabilities(PROBE), self._identifier._decide(PROBE)):
            raise ValueError("py3langid scores differently from this scorer")
        return self

    def probabilities(self, text: str) -> np.ndarray:
        """What py3langid's ``LanguageIdentifier._decide(text)`` returns: a probability per model column."""
        data = self._identifier._encode(text)
        return self._probabilities(data, self._count_features([data])[0])

    def rankings(self, texts: Sequence[str], count: int) -> list[Ranking]:
        """For each text, its ``count`` likeliest labels with their probabilities: ``rank(text)[:count]``."""
        encoded = [self._identifier._encode(text) for text in texts]
        found: list[tuple[np.ndarray, np.ndarray] | None] = []
        for start in range(0, len(encoded), BATCH):  # bounded arrays, whatever the page
            found += self._count_features(encoded[start : start + BATCH])
        return [self._rank(self._probabilities(data, counted), count) for data, counted in zip(encoded, found, strict=True)]

    def _rank(self, probabilities: np.ndarray, count: int) -> Ranking:
        """``rank`` sorts stably, best first, so equal probabilities keep the model's label order; so does a
        stable ``argsort`` of the negated probabilities."""

        per_label = probabilities[self._columns]
        order = (-per_label).argsort(kind="stable")[:count]
        return tuple(zip([self.labels[i] for i in order.tolist()], per_label[order].tolist(), strict=True))

    def _probabilities(self, data: bytes, found: tuple[np.ndarray, np.ndarray] | None) -> np.ndarray:
        """py3langid's ``_decide`` from the feature counts: scores, temperature, softmax, aliases folded."""
        import numpy as np

        if found is None:
            scores = np.zeros(len(self._prior), dtype=np.float32)  # featureless: uniform, as py3langid's norm_probs fill
        else:
            features, counts = found
            scores = np.log1p(counts) @ self._single_rows(features) + self._prior
        scores *= 1.0 / math.sqrt(len(data) or 1)  # py3langid's temperature: sqrt of the byte length
        np.exp(scores - scores.max(), out=scores)
        scores /= scores.sum()
        for first, dupe in self._aliases:
            scores[first] += scores[dupe]
            scores[dupe] = 0.0
        return scores

    def _count_features(self, encoded: Sequence[bytes]) -> list[tuple[np.ndarray, np.ndarray] | None]:
        """Per text, its features and their counts (float32) in order of first occurrence, as py3langid's
        ``visit_counts`` Counter holds them (the product sums in that order); None for a text without any."""
        import numpy as np

        lengths = np.fromiter(map(len, encoded), dtype=np.intp, count=len(encoded))
        total = int(lengths.sum())
        if total == 0:
            return [None] * len(encoded)
        text_bytes = np.frombuffer(b"".join(encoded), dtype=np.uint8)
        owner = np.repeat(np.arange(len(encoded)), lengths)
        offset = np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths)  # position within its text
        states = np.zeros(total, dtype=np.intp)
        for back in range(min(DEPTH, total) - 1, -1, -1):  # the byte ``back`` places before each position
            moved = self._moves[self._rowbase[states[back:]] + text_bytes[: total - back]]
            states[back:] = np.where(offset[back:] >= back, moved, states[back:])  # not past its text's start
        outputs = self._outputs[states]
        hit = outputs >= 0
        span = len(self._half_rows)
        keys, first, counts = np.unique(owner[hit] * span + outputs[hit], return_index=True, return_counts=True)
        order = np.argsort(first)  # the texts follow each other, so this is text by text, each in first-seen order
        keys, counts = keys[order], counts[order].astype(np.float32)
        bounds = np.searchsorted(keys // span, np.arange(len(encoded) + 1)).tolist()
        features = keys % span
        return [(features[start:end], counts[start:end]) if end > start else None for start, end in zip(bounds, bounds[1:], strict=False)]

    def _single_rows(self, features: np.ndarray) -> np.ndarray:
        """The feature table's rows for ``features`` (distinct, as one text's are) in single precision, each
        converted the first time it is asked for and appended to ``_rows``, which doubles when full."""
        import numpy as np

        with self._growing:  # one thread appends rows at a time; the table may be replaced when it grows
            fresh = features[self._slots[features] < 0]
            if fresh.size:
                end = self._used + fresh.size
                if end > len(self._rows):
                    grown = np.empty((max(end, 2 * len(self._rows)), self._rows.shape[1]), dtype=np.float32)
                    grown[: self._used] = self._rows[: self._used]
                    self._rows = grown
                self._rows[self._used : end] = self._half_rows[fresh]
                self._slots[fresh] = np.arange(self._used, end)
                self._used = end
            return self._rows.take(self._slots[features], axis=0)
