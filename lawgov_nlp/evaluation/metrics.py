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
    rows_by_doc: dict[str, list[tuple[int, str]]] = {}
    for r in store.all_clause_rows():
        rows_by_doc.setdefault(r["doc_id"], []).append((r["row"], normalize(r["text"])))
    try:
        return _resolve(queries, rows_by_doc)
    except (KeyError, TypeError, AttributeError) as exc:
        raise InputError(f"{p}: malformed judgment entry (missing or wrong field {exc})") from exc


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
                rel[row] = max(rel.get(row, 0), int(item.get("grade", 1)))
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
    from ..indexing.search import LEXICAL_WEIGHTS, fuse

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
        "lexical": by(LEXICAL_WEIGHTS),
        "hybrid": by(searcher.weights, searcher.method),
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


# -- diff-plans ------------------------------------------------------------------------------

@dataclass
class DiffEval:
    target: str
    items: int
    accuracy: float
    omitted_precision: float
    omitted_recall: float
    omitted_f1: float
    evidence_hit1: float
    evidence_hit3: float
    evidence_items: int
    confusion: dict[str, dict[str, int]]


def load_gold(path: str | Path) -> dict:
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
        data["items"], data["target"]
    except FileNotFoundError:
        raise InputError(f"{p}: no such file") from None
    except (json.JSONDecodeError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise InputError(f"{p}: not a diff-plans gold file ({exc})") from exc
    if not data["items"]:
        raise InputError(f"{p}: gold file has no items")
    for k, it in enumerate(data["items"], start=1):
        if not isinstance(it, dict) or "ref" not in it or it.get("status") not in ("implemented", "partial", "omitted", "not_applicable"):
            raise InputError(f"{p}: item #{k} needs 'ref' and a status of implemented, partial, omitted or not_applicable")
    return data


def score_diff(gold: dict, alignment) -> DiffEval:
    """Compare one DocAlignment with gold labels (status per item, evidence by substring)."""
    by_marker = {it.ref.path[-1]: it for it in alignment.items if it.ref.path}
    statuses = ("implemented", "partial", "omitted", "not_applicable")
    confusion = {g: {p: 0 for p in statuses} for g in statuses}
    correct = 0
    tp = fp = fn = 0
    hits1 = hits3 = ev_items = 0
    for g in gold["items"]:
        it = by_marker.get(g["ref"])
        if it is None:
            raise InputError(f"gold item {g['ref']} is not an item of the reference")
        pred, want = it.status, g["status"]
        confusion[want][pred] += 1
        correct += pred == want
        tp += pred == "omitted" and want == "omitted"
        fp += pred == "omitted" and want != "omitted"
        fn += pred != "omitted" and want == "omitted"
        needles = [normalize(e["contains"]) for e in g.get("evidence", [])]
        if needles and want in ("implemented", "partial"):
            ev_items += 1
            ranked = [normalize(m.text) for m in (it.matches or ([it.nearest] if it.nearest else []))]
            hits1 += any(n in t for t in ranked[:1] for n in needles)
            hits3 += any(n in t for t in ranked[:3] for n in needles)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    n = len(gold["items"])
    return DiffEval(gold["target"], n, round(correct / n, 4), round(p, 4), round(r, 4), round(f1, 4),
                    round(hits1 / ev_items, 4) if ev_items else 0.0, round(hits3 / ev_items, 4) if ev_items else 0.0, ev_items, confusion)
