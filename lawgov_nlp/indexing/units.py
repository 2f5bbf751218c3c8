"""Retrieval units: what BM25 scores, and how unit scores become clause scores.

A *unit* is a clause's sentences packed into pieces of at most ``UNIT_CHARS`` characters that
never cross a paragraph break (:func:`unit_spans`). A clause scores as its best unit, so a
24,000-character clause whose numbering was missed cannot win a query by containing every word
of it somewhere, and BM25's length normalisation compares like with like (README, "Retrieval
units": measured against clause-level scoring by cross-validation).

On disk (see :mod:`.index`), units have ids of their own, like sentences: ``units.npy`` holds,
per unit id, its clause row, its span in the clause text and its number of tokens (the clause's
``tokens`` column in SQLite is its units' tokens in order, so a unit's tokens are read back
without cutting the text again). The BM25 segments (:mod:`.postings`) are written over unit
ids; a unit is live exactly when its clause row is. Unit ids are never reused: ``index add``
appends units as it appends sentences, and removing a document only marks its rows dead.
"""
from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from .lexical import UNIT_CHARS, UNIT_VERSION, char_bigrams, tokenize  # noqa: F401  (UNIT_* re-exported)
from .postings import SegmentedBM25

UNIT_COLUMNS = 4  # units.npy: clause row, start, end (offsets into the clause text), token count


def unit_spans(text: str, unit_chars: int = UNIT_CHARS) -> list[tuple[int, int]]:
    """Spans of the retrieval units of a clause: consecutive sentences packed up to ``unit_chars``.

    A unit never crosses a paragraph break (a sentence that ends at a line end) and never exceeds
    ``unit_chars``: a longer sentence is cut into pieces of that length. ``unit_chars <= 0`` makes
    the whole clause one unit (the clause-level scoring this replaced, kept for evaluation).
    """
    from ..reading.segment import sentences

    if unit_chars <= 0 or len(text) <= unit_chars:
        return [(0, len(text))]
    out: list[tuple[int, int]] = []
    cur: tuple[int, int] | None = None
    for a, b in sentences(text):
        if b - a > unit_chars:
            if cur:
                out.append(cur)
                cur = None
            out.extend((i, min(b, i + unit_chars)) for i in range(a, b, unit_chars))
            continue
        # a paragraph break ends a unit, unless the unit is only a heading so far
        if cur and (b - cur[0] > unit_chars or ("\n" in text[cur[1]:a + 1] and cur[1] - cur[0] >= unit_chars // 4)):
            out.append(cur)
            cur = None
        cur = (cur[0], b) if cur else (a, b)
    if cur:
        out.append(cur)
    return out or [(0, len(text))]


@dataclass
class ClauseLexicon:
    """A clause's retrieval units, their tokens and bigrams (built once, at indexing time)."""

    spans: list[tuple[int, int]]
    tokens: list[list[str]]
    bigrams: list[list[str]]

    @property
    def all_tokens(self) -> list[str]:
        return [t for u in self.tokens for t in u]


def clause_lexicon(text: str, unit_chars: int = UNIT_CHARS) -> ClauseLexicon:
    spans = unit_spans(text, unit_chars)
    pieces = [text[a:b] for a, b in spans]
    return ClauseLexicon(spans, [tokenize(p) for p in pieces], [char_bigrams(p) for p in pieces])


def stored_lexicon(text: str, tokens: str | Sequence[str], table: np.ndarray) -> ClauseLexicon:
    """A clause's lexicon read back from the index: its text, its stored tokens and its rows of
    ``units.npy`` (nothing is cut again, so a rewritten segment holds exactly what was indexed)."""
    toks = tokens.split() if isinstance(tokens, str) else list(tokens)
    counts = np.asarray(table[:, 3], dtype=np.int64)
    if int(counts.sum()) != len(toks):
        from ..errors import IndexStoreError

        raise IndexStoreError(f"a clause's stored tokens ({len(toks)}) do not match its units ({int(counts.sum())}): rebuild the index")
    ends = np.cumsum(counts)
    spans = [(int(a), int(b)) for a, b in table[:, 1:3]]
    return ClauseLexicon(spans, [toks[e - c:e] for c, e in zip(counts.tolist(), ends.tolist())],
                         [char_bigrams(text[a:b]) for a, b in spans])


def unit_table(rows: Sequence[int], lexicons: Sequence[ClauseLexicon]) -> np.ndarray:
    """Rows of ``units.npy`` for clauses ``rows`` with their lexicons, in order."""
    out = np.zeros((sum(len(x.spans) for x in lexicons), UNIT_COLUMNS), dtype=np.int32)
    k = 0
    for row, lex in zip(rows, lexicons):
        for (a, b), toks in zip(lex.spans, lex.tokens):
            out[k] = (row, a, b, len(toks))
            k += 1
    return out


class LexicalIndex:
    """Word and bigram BM25 over retrieval units, scored back to clause rows by their best unit.

    ``owner[u]`` is the clause row of unit ``u`` (non-decreasing: a clause's units are
    consecutive); scores are one per clause row of the index (live and dead, ``n_rows``), zero
    for dead rows.
    """

    def __init__(self, words: SegmentedBM25, chars: SegmentedBM25, owner: np.ndarray, n_rows: int):
        self.words, self.chars = words, chars
        self.owner = np.asarray(owner, dtype=np.int64)
        self.n_rows = n_rows
        self.n_units = len(self.owner)
        counts = np.bincount(self.owner, minlength=n_rows) if self.n_units else np.zeros(n_rows, np.int64)
        self._starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
        self._counts = counts.astype(np.int64)
        self._has_units = counts > 0
        self._one_each = self.n_units == n_rows and bool(self._has_units.all())

    @classmethod
    def fit(cls, lexicons: Sequence[ClauseLexicon], directory: Path | None = None, k1: float = 1.2, b: float = 0.75) -> LexicalIndex:
        """A lexical index of clauses ``0..n-1`` (all live) with these lexicons, its segments
        written under ``directory`` (a temporary one, removed once mapped, when None): for tests
        and for evaluating other unit sizes over an index's clauses."""
        import tempfile

        from .postings import Segment, write_segment

        rows = list(range(len(lexicons)))
        table = unit_table(rows, lexicons)
        with tempfile.TemporaryDirectory(prefix="lawgov-units-") if directory is None else contextlib.nullcontext(directory) as d:
            d = Path(d)
            ids = list(range(len(table)))
            segs = []
            for fld, parts in (("words", [u for x in lexicons for u in x.tokens]), ("chars", [u for x in lexicons for u in x.bigrams])):
                write_segment(d / fld, "s000001", ids, parts)
                seg = Segment(d, fld, "s000001")
                seg.arrays = {k: np.array(v) for k, v in seg.arrays.items()}  # in memory: the directory may go
                segs.append(SegmentedBM25([seg], len(table), np.ones(len(table), dtype=bool), k1, b))
        return cls(segs[0], segs[1], table[:, 0], len(lexicons))

    def unit_range(self, row: int) -> tuple[int, int]:
        """The unit ids ``[first, end)`` of clause ``row``."""
        first = int(self._starts[row])
        return first, first + int(self._counts[row])

    def to_clauses(self, unit_scores: np.ndarray) -> np.ndarray:
        """Each clause row's best unit score."""
        if self._one_each:
            return unit_scores
        if not self.n_units:
            return np.zeros(self.n_rows, np.float32)
        out = np.maximum.reduceat(unit_scores, np.minimum(self._starts, self.n_units - 1))
        return np.where(self._has_units, out, 0).astype(np.float32)

    def word_scores(self, tokens: Sequence[str]) -> np.ndarray:
        return self.to_clauses(self.words.scores(tokens))

    def char_scores(self, bigrams: Sequence[str]) -> np.ndarray:
        return self.to_clauses(self.chars.scores(bigrams))

    def char_evidence(self, bigrams: Sequence[str], allowed: np.ndarray | None = None) -> tuple[np.ndarray, float]:
        """Clause scores on bigrams, and how strong the lexical evidence is (0–1).

        Strength is the idf-weighted share of the query's distinct bigrams that its best unit
        holds: near 1 when one passage contains the query's wording (a term query), near 0 when
        the wording is nowhere (a paraphrase). A bigram no live unit holds has the idf of df = 0,
        so a query of unseen words is weak evidence however well its few common bigrams match.
        ``allowed`` (a mask over clause rows) restricts where the best unit is looked for.
        """
        post = self.chars.term_scores(bigrams)
        unit = np.zeros(self.n_units, dtype=np.float32)
        for idx, val in post.values():
            unit[idx] += val  # one posting per unit and term: no repeated indices
        if allowed is not None and self.n_units:
            unit = np.where(allowed[self.owner], unit, 0).astype(np.float32)
        if not post or not unit.any():
            return self.to_clauses(unit), 0.0
        best = int(np.argmax(unit))
        n = self.chars.n_live
        idf = {t: math.log(1 + (n - len(i) + 0.5) / (len(i) + 0.5)) for t, (i, _) in post.items()}
        held = sum(idf[t] for t, (i, _) in post.items() if len(i) and bool((i == best).any()))
        return self.to_clauses(unit), float(held / max(sum(idf.values()), 1e-9))
