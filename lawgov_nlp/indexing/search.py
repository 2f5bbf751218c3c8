"""Hybrid clause search: BM25 on jieba words, BM25 on character bigrams, and dense vectors.

The array-level core (:func:`adaptive_fuse`, :func:`fuse`) combines per-signal score arrays over a
candidate set; the text-level wrapper (:class:`Searcher`) turns a query into those arrays
(:class:`QuerySignals`) and results into :class:`SearchResult` rows.

Fusion is query-adaptive: the lexical signals are mixed with the dense one at a weight that grows
as the query's lexical evidence weakens (:func:`dense_share`). A term query whose wording is in a
passage is decided mostly lexically; a paraphrase, whose words are nowhere, mostly by the encoder;
neither side ever decides alone. Every parameter is in :class:`SearchConfig` and was chosen by
k-fold cross-validation over queries (``scripts/tune_fusion.py``); the README reports held-out
folds only. To add a signal: score it in :meth:`Searcher.signal_scores`, weight it in the config.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np

from .. import display
from ..config import SearchConfig
from ..errors import QueryError
from ..reading.normalize import find_spans, strip_punct
from .index import resolve_index_dir
from .layout import display as show_path
from .lexical import fold_chars, matched_terms, query_bigrams, thesaurus_hits, tokenize
from .reader import ClauseIndex, open_index

MODES = ("hybrid", "lexical", "dense")


@dataclass
class SearchResult:
    rank: int
    score: float
    doc_id: str
    clause_id: str
    title: str
    path: list[str]
    path_label: str
    heading: str
    text: str
    span: tuple[int, int]
    scores: dict[str, float]
    matched_terms: list[str]
    highlights: list[tuple[int, int]] = field(default_factory=list)  # offsets into ``text``
    kind: str = "body"
    year: int | None = None

    def to_dict(self) -> dict:
        d = asdict(self)
        d["span"] = list(self.span)
        d["highlights"] = [list(h) for h in self.highlights]
        return d


class SearchResults(list):
    """A list of :class:`SearchResult` that shows itself as a table in notebooks."""

    def __init__(self, results=(), query: str = "", mode: str = "hybrid", config: SearchConfig | None = None,
                 strength: float | None = None, thesaurus: dict[str, list[str]] | None = None, dense_share: float | None = None):
        super().__init__(results)
        self.query = query
        self.mode = mode
        self.config = config or SearchConfig()
        self.strength = strength  # lexical evidence strength of the query (0–1)
        self.thesaurus = thesaurus or {}  # thesaurus triggers the query contains → terms they added
        self.dense_share = dense_share  # the dense side's weight for this query (adaptive fusion)

    CSV_COLUMNS = ["rank", "score", "doc_id", "clause_id", "title", "path_label", "heading", "matched_terms", "dense", "words", "chars", "text"]

    def to_dict(self) -> dict:
        return {"query": self.query, "mode": self.mode, "config": self.config.to_dict(),
                "lexical_strength": None if self.strength is None else round(self.strength, 4),
                "dense_share": None if self.dense_share is None else round(self.dense_share, 4),
                "thesaurus": [{"trigger": k, "terms": v} for k, v in self.thesaurus.items()],
                "results": [r.to_dict() for r in self]}

    def to_rows(self) -> tuple[list[str], list[dict]]:
        return self.CSV_COLUMNS, [{**r.to_dict(), **{k: r.scores.get(k) for k in ("dense", "words", "chars")}} for r in self]

    def to_frame(self):
        import pandas as pd

        return pd.DataFrame([{
            "rank": r.rank, "score": r.score, "doc_id": r.doc_id, "title": r.title, "path": r.path_label,
            "dense": r.scores.get("dense"), "words": r.scores.get("words"), "chars": r.scores.get("chars"),
            "matched_terms": "、".join(r.matched_terms), "text": r.text,
        } for r in self])

    def _repr_html_(self) -> str:
        return display.render_html(self)


def check_query(query: str, max_chars: int = SearchConfig.max_query_chars) -> str:
    q = (query or "").strip()
    if not q:
        raise QueryError("empty query: give some words to search for")
    if len(q) > max_chars:
        raise QueryError(f"query is {len(q)} characters long; the limit is {max_chars} (search for the key phrase instead)")
    if not strip_punct(q):
        raise QueryError(f"query '{q[:20]}' has only punctuation: give some words to search for")
    return q


def minmax(x: np.ndarray) -> np.ndarray:
    lo, hi = float(x.min()), float(x.max())
    if hi - lo < 1e-9:
        return np.zeros_like(x) if hi <= 0 else np.ones_like(x)
    return (x - lo) / (hi - lo)


def fuse(signals: dict[str, np.ndarray], weights: dict[str, float], method: str = "score", rrf_k: int = 60) -> np.ndarray:
    """Fused scores over one candidate set with fixed weights. ``score``: weighted sum of min-max
    normalized scores; ``rrf``: weighted reciprocal rank fusion."""
    n = len(next(iter(signals.values())))
    out = np.zeros(n, dtype=np.float64)
    for name, s in signals.items():
        w = weights.get(name, 0.0)
        if w == 0 or n == 0:
            continue
        if method == "rrf":
            ranks = np.empty(n, dtype=np.float64)
            ranks[np.argsort(-s, kind="stable")] = np.arange(1, n + 1)
            contrib = 1.0 / (rrf_k + ranks)
            if name != "dense":
                contrib[s <= 0] = 0.0
            out += w * contrib
        else:
            out += w * minmax(s.astype(np.float64))
    return out


def dense_share(strength: float, config: SearchConfig) -> float:
    """The dense side's weight for a query whose lexical evidence has ``strength`` (0–1).

    Complete lexical evidence (the query's wording is in one passage) gives ``dense_min``; none
    gives ``dense_max``, which stays below 1 because at collection scale the dense side alone
    drifts to other documents on the same topic.
    """
    s = min(max(strength, 0.0), 1.0)
    return config.dense_min + (config.dense_max - config.dense_min) * (1.0 - s) ** config.strength_power


def adaptive_fuse(signals: dict[str, np.ndarray], strength: float, config: SearchConfig) -> np.ndarray:
    """Lexical signals combined with ``config.weights``, then mixed with dense by :func:`dense_share`."""
    lex = fuse({k: v for k, v in signals.items() if k != "dense"}, config.weights)
    total = sum(w for k, w in config.weights.items() if k != "dense") or 1.0
    lex /= total
    if "dense" not in signals:
        return lex
    lam = dense_share(strength, config)
    return (1 - lam) * lex + lam * minmax(signals["dense"].astype(np.float64))


_WORD = re.compile(r"\w")


def _top(scores: np.ndarray, n: int, allowed: np.ndarray | None) -> np.ndarray:
    s = scores if allowed is None else np.where(allowed, scores, -np.inf)
    n = min(n, int(np.isfinite(s).sum()) if allowed is not None else len(s))
    if n <= 0:
        return np.zeros(0, dtype=np.int64)
    idx = np.argpartition(-s, n - 1)[:n]
    idx = idx[s[idx] > 0] if allowed is None else idx[np.isfinite(s[idx]) & (s[idx] > 0)]
    return idx.astype(np.int64)


def _background(fn, *args):
    """Run ``fn(*args)`` in a thread; the returned callable waits for it and returns (or raises)."""
    import threading

    box: dict = {}

    def run():
        try:
            box["value"] = fn(*args)
        except BaseException as exc:  # noqa: BLE001 -- re-raised in the caller's thread
            box["error"] = exc

    t = threading.Thread(target=run, daemon=True)
    t.start()

    def wait():
        t.join()
        if "error" in box:
            raise box["error"]
        return box["value"]

    return wait


@dataclass
class QuerySignals:
    """One query scored: candidate clause rows, each signal on them, and the query's evidence."""

    rows: np.ndarray
    signals: dict[str, np.ndarray]
    strength: float  # lexical evidence strength, 0–1 (see LexicalIndex.char_evidence)
    thesaurus: dict[str, list[str]]  # triggers found in the query → official terms added
    dense_parts: dict[str, np.ndarray] = field(default_factory=dict)  # "sentence", "clause" cosines

    def fused(self, config: SearchConfig, mode: str = "hybrid") -> np.ndarray:
        if mode == "dense":
            return self.signals["dense"].astype(np.float64)
        if mode == "lexical":
            return fuse({k: v for k, v in self.signals.items() if k != "dense"}, config.lexical_weights)
        if config.method == "adaptive":
            return adaptive_fuse(self.signals, self.strength, config)
        return fuse(self.signals, config.weights, config.method, config.rrf_k)


class Searcher:
    """Search one index. Open once, query many times (the encoder and indexes stay loaded).

    Only what a mode needs is loaded: a lexical search never loads the encoder's weights (FAISS is
    memory-mapped when the index opens, so it costs nothing until a dense query reads it).
    Clause rows are the index's row space (``n_rows``: removed documents leave dead rows, which
    never score).
    """

    def __init__(self, index: ClauseIndex | str | Path | None = None, config: SearchConfig | None = None):
        if not isinstance(index, ClauseIndex):
            index = open_index(resolve_index_dir(index))
        self.index = index
        self.config = config or SearchConfig()

    # -- array level --------------------------------------------------------------------------
    def encode_query(self, query: str) -> np.ndarray:
        # the encoder sees the query folded to simplified characters (passages are mostly simplified)
        return self.index.encoder.encode([fold_chars(query)], is_query=True)

    def signal_scores(self, query: str, allowed_rows: Sequence[int] | None = None, use_dense: bool = True) -> QuerySignals:
        """Candidate rows and each signal's score on them (dense only if ``use_dense``)."""
        idx = self.index
        lex = idx.lexical
        n = idx.n_rows  # row space: removed documents leave dead rows
        # the query's embedding (the encoder's first load dominates a one-off search) is computed
        # beside the lexical scoring: model weights load and decompress outside the GIL
        pending = _background(self.encode_query, query) if use_dense else None
        allowed = idx.live
        if allowed_rows is not None:
            allowed = np.zeros(n, dtype=bool)
            allowed[np.asarray(allowed_rows, dtype=np.int64)] = True
            allowed &= idx.live
        words = lex.word_scores(tokenize(query))
        chars, strength = lex.char_evidence(query_bigrams(query), allowed)
        hits = thesaurus_hits(query)
        expansion = [t for terms in hits.values() for t in terms]
        expand = lex.word_scores([t for term in expansion for t in tokenize(term)]) if expansion else np.zeros(n, dtype=np.float32)
        cfg = self.config
        cand = set(_top(words, cfg.candidates, allowed).tolist()) | set(_top(chars, cfg.candidates, allowed).tolist())
        cand |= set(_top(expand, cfg.expand_candidates, allowed).tolist())
        qv = None
        if pending is not None:
            qv = pending()
            rows, _ = self._dense_top(qv, cfg.candidates, allowed_rows)
            cand |= set(rows.tolist())
        cands = np.array(sorted(cand), dtype=np.int64)
        signals = {"words": words[cands], "chars": chars[cands], "expand": expand[cands]}
        parts = {}
        if use_dense:
            parts = self.dense_parts(cands, qv[0])
            signals["dense"] = parts["sentence"] + cfg.clause_weight * parts["clause"]
        return QuerySignals(cands, signals, strength, hits, parts)

    def dense_parts(self, rows: np.ndarray, qv: np.ndarray) -> dict[str, np.ndarray]:
        """Best-sentence cosine and pooled-clause cosine of clauses with query vector ``qv``.

        The dense signal is ``sentence + clause_weight × clause``: a clause whose every sentence
        is on topic beats one with a single lucky sentence (+0.02–0.04 nDCG@10 on the judgments).
        """
        if not len(rows):
            return {"sentence": np.zeros(0, np.float32), "clause": np.zeros(0, np.float32)}
        return {"sentence": self.index.dense_scores(rows, qv), "clause": np.asarray(self.index.vectors[rows], dtype=np.float32) @ qv}

    def _dense_top(self, qv: np.ndarray, k: int, allowed_rows: Sequence[int] | None) -> tuple[np.ndarray, np.ndarray]:
        """Top ``k`` clauses by their best sentence (FAISS searches sentences)."""
        import faiss

        idx = self.index
        params = None
        if allowed_rows is not None:
            if len(allowed_rows) == 0:
                return np.zeros(0, np.int64), np.zeros(0, np.float32)
            sent_ids, _ = idx.sentence_rows(np.asarray(allowed_rows, dtype=np.int64))
            sel = faiss.IDSelectorBatch(sent_ids.astype(np.int64))
            params = faiss.SearchParametersIVF(sel=sel, nprobe=idx.manifest.nprobe) if idx.manifest.nprobe else faiss.SearchParameters(sel=sel)
        # several sentences of one clause can rank together: ask for more sentences than clauses,
        # and more again until k distinct clauses are found or every allowed sentence was seen
        limit = idx.manifest.sentences if allowed_rows is None else len(sent_ids)
        n = min(limit, max(4 * k, k + 50))
        while True:
            scores, ids = idx.faiss.search(np.ascontiguousarray(qv, dtype=np.float32), n, params=params)
            keep = ids[0] >= 0
            owners = idx.sentence_owner[ids[0][keep]]
            best: dict[int, float] = {}
            for o, sc in zip(owners.tolist(), scores[0][keep].tolist()):
                if o not in best:
                    best[o] = sc
            if len(best) >= k or n >= limit:
                break
            n = min(limit, n * 4)
        rows = np.array(list(best)[:k], dtype=np.int64)
        return rows, np.array([best[r] for r in rows.tolist()], dtype=np.float32)

    # -- text level ---------------------------------------------------------------------------
    def search(
        self,
        query: str,
        k: int = 10,
        mode: str = "hybrid",
        doc_ids: Sequence[str] = (),
        region: str | None = None,
        years: tuple[int, int] | None = None,
        doc_type: str | None = None,
    ) -> SearchResults:
        query = check_query(query, self.config.max_query_chars)
        if mode not in MODES:
            raise QueryError(f"unknown mode '{mode}': use one of {', '.join(MODES)}")
        if k < 1:
            raise QueryError(f"-k must be at least 1, got {k}")
        allowed = self.index.store.filter_rows(doc_ids, region, years, doc_type)
        if doc_ids:
            known = {d["doc_id"] for d in self.index.store.documents()}
            missing = [d for d in doc_ids if d not in known]
            if missing:
                raise QueryError(f"document id '{missing[0]}' is not in index {show_path(self.index.root)}")
        if allowed is not None and not allowed:
            return SearchResults(query=query, mode=mode, config=self.config)
        if mode == "dense":
            qv = self.encode_query(query)
            rows, _ = self._dense_top(qv, max(4 * k, 50), allowed)
            parts = self.dense_parts(rows, qv[0])
            dense = parts["sentence"] + self.config.clause_weight * parts["clause"]
            lex = self.index.lexical
            qs = QuerySignals(rows, {"dense": dense, "words": lex.word_scores(tokenize(query))[rows],
                                     "chars": lex.char_scores(query_bigrams(query))[rows]}, 0.0, thesaurus_hits(query))
        else:
            qs = self.signal_scores(query, allowed, use_dense=(mode == "hybrid"))
        cands, signals = qs.rows, qs.signals
        fused = qs.fused(self.config, mode)
        order = np.argsort(-fused, kind="stable")
        results = SearchResults(query=query, mode=mode, config=self.config, strength=qs.strength, thesaurus=qs.thesaurus,
                                dense_share=dense_share(qs.strength, self.config) if mode == "hybrid" and self.config.method == "adaptive" else None)
        extra = [t for terms in qs.thesaurus.values() for t in terms]
        seen: set[str] = set()
        meta: dict[int, dict] = {}
        fetched = 0
        for pos, j in enumerate(order):
            if pos >= fetched:  # metadata in chunks: duplicates and empty clauses can eat into the first 2k
                chunk = order[fetched: fetched + max(2 * k, 20)]
                meta.update(self.index.store.clauses_by_rows(cands[chunk]))
                fetched += len(chunk)
            row = int(cands[j])
            c = meta[row]
            # a task-table row restating a body clause is one answer, not two: keep the better-ranked
            key = c["duplicate_of"] or c["clause_id"]
            if key in seen or not _WORD.search(c["text"] or ""):
                continue  # (a clause of punctuation alone, e.g. a stray "。" in a footer, answers nothing)
            seen.add(key)
            terms = matched_terms(query, c["text"], extra)
            results.append(SearchResult(
                rank=len(results) + 1, score=round(float(fused[j]), 4), doc_id=c["doc_id"], clause_id=c["clause_id"], title=c["title"],
                path=c["path"], path_label=c["path_label"], heading=c["heading"], text=c["text"], span=(c["start"], c["end"]),
                scores={name: round(float(v[j]), 4) for name, v in signals.items()}, matched_terms=terms,
                highlights=find_spans(c["text"], terms, fold=fold_chars), kind=c["kind"], year=c["year"],
            ))
            if len(results) == k:
                break
        return results


def search(query: str, index: str | Path | None = None, k: int = 10, mode: str = "hybrid", **filters) -> SearchResults:
    """One-off search (opens the index each call; keep a :class:`Searcher` for many queries)."""
    return Searcher(index).search(query, k=k, mode=mode, **filters)


def parse_years(value: str | None) -> tuple[int, int] | None:
    if not value:
        return None
    # as documents write periods too: 2021—2025年, 2021－2025, 2021年至2025年
    m = re.fullmatch(r"\s*(\d{4})\s*年?\s*(?:[-–—―－~～至到]+\s*(\d{4})\s*年?\s*)?", value)
    if not m:
        raise QueryError(f"--year '{value}' is not a year or a range like 2021-2023")
    a = int(m.group(1))
    b = int(m.group(2) or a)
    return (min(a, b), max(a, b))
