"""Search quality against written-down judgments: nDCG@10 and Recall@10 per mode.

Judgments name relevant clauses by document id and an exact substring of the clause text, so
they survive changes to clause ids; a substring is resolved to every clause of that document
whose text contains it (a task-table row that restates a body clause is relevant too).
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from ..errors import InputError
from ..reading.normalize import normalize


@dataclass
class Judgment:
    qid: str
    query: str
    kind: str
    relevant: dict[int, int]  # clause row -> grade
    unresolved: list[str] = field(default_factory=list)


def load_judgments(path: str | Path, store) -> list[Judgment]:
    """Read a judgments file and resolve each ``contains`` to clause rows of the index's store."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
        queries = data["queries"]
    except FileNotFoundError:
        raise InputError(f"{p}: no such file") from None
    except (json.JSONDecodeError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise InputError(f"{p}: not a judgments file ({exc})") from exc
    _check_judgments(p, queries)
    rows_by_doc: dict[str, list[tuple[int, str]]] = {}
    for r in store.all_clause_rows():
        rows_by_doc.setdefault(r["doc_id"], []).append((r["row"], normalize(r["text"])))
    return _resolve(queries, rows_by_doc)


def _check_judgments(p: Path, queries) -> None:
    """Every field of a judgments file has the type the scorer needs; one line names the first that does not."""
    def bad(where: str, msg: str):
        return InputError(f"{p}: {where}: {msg}")

    if not isinstance(queries, list) or not queries:
        raise bad("queries", "must be a non-empty list")
    for n, q in enumerate(queries, start=1):
        where = f"query #{n}"
        if not isinstance(q, dict):
            raise bad(where, f"is a {type(q).__name__}, not an object")
        for key in ("id", "query"):
            if not isinstance(q.get(key), str) or not q[key].strip():
                raise bad(where, f"'{key}' must be a non-empty string, got {q.get(key)!r:.40}")
        where = f"query {q['id']!r:.40}"
        if not isinstance(q.get("kind", ""), str):
            raise bad(where, "'kind' must be a string")
        rel = q.get("relevant")
        if not isinstance(rel, list):
            raise bad(where, f"'relevant' must be a list, got {type(rel).__name__}")
        for k, item in enumerate(rel, start=1):
            if not isinstance(item, dict):
                raise bad(where, f"relevant #{k} is a {type(item).__name__}, not an object")
            for key in ("doc_id", "contains"):
                if not isinstance(item.get(key), str) or not item[key]:
                    raise bad(where, f"relevant #{k} needs '{key}' as a non-empty string, got {item.get(key)!r:.40}")
            grade = item.get("grade", 1)
            if not isinstance(grade, int) or isinstance(grade, bool) or not 0 <= grade <= 3:
                raise bad(where, f"relevant #{k} has grade {grade!r:.20}; a grade is a whole number from 0 to 3")


def _resolve(queries, rows_by_doc) -> list[Judgment]:
    out = []
    for q in queries:
        rel: dict[int, int] = {}
        missing = []
        for item in q["relevant"]:
            needle = normalize(item["contains"])
            hits = [row for row, text in rows_by_doc.get(item["doc_id"], []) if needle in text]
            if not hits:
                missing.append(f"{item['doc_id']}: {item['contains']}")
            for row in hits:
                rel[row] = max(rel.get(row, 0), item.get("grade", 1))
        out.append(Judgment(q["id"], q["query"], q.get("kind", ""), rel, missing))
    return out


def ndcg_at(ranked: Sequence[int], relevant: dict[int, int], k: int = 10) -> float:
    dcg = sum((2 ** relevant.get(r, 0) - 1) / math.log2(i + 2) for i, r in enumerate(ranked[:k]))
    ideal = sorted(relevant.values(), reverse=True)[:k]
    idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg > 0 else 0.0


def recall_at(ranked: Sequence[int], relevant: dict[int, int], k: int = 10) -> float:
    if not relevant:
        return 0.0
    return len(set(ranked[:k]) & set(relevant)) / len(relevant)


def split_of(qid: str) -> str:
    """Odd-numbered queries tune, even-numbered ones test."""
    digits = "".join(ch for ch in qid if ch.isdigit())
    return "dev" if digits and int(digits) % 2 == 1 else "test"


@dataclass
class EvalRow:
    mode: str
    split: str
    queries: int
    ndcg10: float
    recall10: float


def evaluate(judgments: list[Judgment], rank_fn: Callable[[str], Sequence[int]], mode: str, k: int = 10) -> list[EvalRow]:
    """nDCG@k and Recall@k of ``rank_fn`` (query → ranked clause rows), overall and per split."""
    per: dict[str, list[tuple[float, float]]] = {"all": [], "dev": [], "test": []}
    for j in judgments:
        ranked = list(rank_fn(j.query))
        pair = (ndcg_at(ranked, j.relevant, k), recall_at(ranked, j.relevant, k))
        per["all"].append(pair)
        per[split_of(j.qid)].append(pair)
    rows = []
    for split, vals in per.items():
        if vals:
            a = np.array(vals)
            rows.append(EvalRow(mode, split, len(vals), round(float(a[:, 0].mean()), 4), round(float(a[:, 1].mean()), 4)))
    return rows


class CharTfidf:
    """Character 1–3-gram TF-IDF with cosine similarity: the strong baseline to beat."""

    def __init__(self, texts: Sequence[str], n_max: int = 3):
        from scipy import sparse

        self.n_max = n_max
        vocab: dict[str, int] = {}
        rows, cols, vals = [], [], []
        for i, t in enumerate(texts):
            counts: dict[int, int] = {}
            for g in self._grams(t):
                j = vocab.setdefault(g, len(vocab))
                counts[j] = counts.get(j, 0) + 1
            for j, c in counts.items():
                rows.append(i)
                cols.append(j)
                vals.append(1 + math.log(c))
        m = sparse.csr_matrix((vals, (rows, cols)), shape=(len(texts), len(vocab)), dtype=np.float64)
        df = np.bincount(cols, minlength=len(vocab))
        self.idf = np.log((1 + len(texts)) / (1 + df)) + 1
        m = m.multiply(self.idf).tocsr()
        norms = np.sqrt(m.multiply(m).sum(axis=1)).A1
        norms[norms == 0] = 1
        self.matrix = sparse.diags(1 / norms) @ m
        self.vocab = vocab

    def _grams(self, text: str):
        s = normalize(text)
        s = "".join(ch for ch in s if ch.isalnum())
        for n in range(1, self.n_max + 1):
            for i in range(len(s) - n + 1):
                yield s[i:i + n]

    def scores(self, query: str) -> np.ndarray:
        counts: dict[int, int] = {}
        for g in self._grams(query):
            j = self.vocab.get(g)
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        if not counts:
            return np.zeros(self.matrix.shape[0])
        q = np.zeros(len(self.vocab))
        for j, c in counts.items():
            q[j] = (1 + math.log(c)) * self.idf[j]
        q /= np.linalg.norm(q)
        return self.matrix @ q


def _ranked(cands: np.ndarray, scores: np.ndarray, k: int = 10) -> list[int]:
    order = np.argsort(-scores, kind="stable")[:k]
    return [int(cands[i]) for i in order]


def search_eval(searcher, judgments: list[Judgment], modes: Sequence[str] = ("dense", "lexical", "hybrid"), k: int = 10, baselines: bool = True) -> list[EvalRow]:
    """Evaluate search modes from one pass of signal scoring per query.

    Modes: ``dense``, ``words`` (BM25 on jieba tokens), ``chars`` (BM25 on bigrams), ``bm25``
    (both, equal weights), ``lexical`` (both plus thesaurus expansion: the lexical search mode),
    ``hybrid`` (the searcher's weights), ``hybrid-rrf``; with ``baselines`` also ``char-tfidf``.
    """
    from ..indexing.search import fuse

    cache: dict[str, tuple[np.ndarray, dict[str, np.ndarray]]] = {}

    def signals(q: str):
        if q not in cache:
            cache[q] = searcher.signal_scores(q)
        return cache[q]

    def by(weights, method="score"):
        def rank(q):
            cands, sig = signals(q)
            return _ranked(cands, fuse(sig, weights, method), k)
        return rank

    fns: dict[str, Callable[[str], Sequence[int]]] = {
        "dense": by({"dense": 1.0}),
        "words": by({"words": 1.0}),
        "chars": by({"chars": 1.0}),
        "bm25": by({"words": 0.5, "chars": 0.5}),
        "lexical": by(searcher.config.lexical_weights),
        "hybrid": by(searcher.config.weights, searcher.config.method),
        "hybrid-rrf": by({"words": 1.0, "chars": 1.0, "dense": 1.0, "expand": 1.0}, "rrf"),
    }
    if baselines:
        rows = searcher.index.store.all_clause_rows()
        tfidf = CharTfidf([r["text"] for r in rows])
        ids = np.array([r["row"] for r in rows])
        fns["char-tfidf"] = lambda q: _ranked(ids, tfidf.scores(q), k)
        modes = list(modes) + [m for m in ("char-tfidf",) if m not in modes]
    out: list[EvalRow] = []
    for m in modes:
        if m not in fns:
            raise InputError(f"unknown evaluation mode '{m}'")
        out.extend(evaluate(judgments, fns[m], m, k))
    return out




@dataclass
class SearchEvaluation:
    """nDCG/Recall per mode and split, as ``eval-search`` reports it."""

    judgments: str
    index: str
    k: int
    rows: list[EvalRow]

    def to_dict(self) -> dict:
        from dataclasses import asdict

        return {"judgments": self.judgments, "index": self.index, "k": self.k, "rows": [asdict(r) for r in self.rows]}

    def to_rows(self) -> tuple[list[str], list[dict]]:
        from dataclasses import asdict

        return ["mode", "split", "queries", "ndcg10", "recall10"], [asdict(r) for r in self.rows]


def evaluate_search(judgments: str | Path, index=None, k: int = 10, warn: Callable[[str], None] | None = None) -> SearchEvaluation:
    """Score every retrieval mode and the baselines on a judgments file against an index."""
    from ..indexing.search import Searcher

    s = Searcher(index)
    js = load_judgments(judgments, s.index.store)
    for j in js:
        for u in j.unresolved:
            if warn:
                warn(f"judgment not found in index: {u}")
    rows = search_eval(s, js, modes=("dense", "words", "chars", "bm25", "lexical", "hybrid-rrf", "hybrid"), k=k)
    return SearchEvaluation(str(judgments), str(s.index.path), k, rows)
