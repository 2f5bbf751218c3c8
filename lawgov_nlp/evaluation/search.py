"""Search quality against written-down judgments: nDCG@10 and Recall@10 per mode and query group.

Judgments name relevant clauses by document id and an exact substring of the clause text, so
they survive changes to clause ids; a substring is resolved to every clause of that document
whose text contains it (a task-table row that restates a body clause is relevant too).

One judgments file serves every index: an entry naming a document that is not in the index is
not counted for that index (the corpus index has none of the collection's documents), and a
query left with no relevant clause is not scored there. Each row says how many queries it has.
Groups: ``all``, each kind (``term``, ``plain``, ``paraphrase``) and each provenance (``blind``:
written from the documents alone by annotators who never saw the system's output; ``project``).
Weights are never chosen here: see :mod:`lawgov_nlp.evaluation.crossval` for held-out figures.
"""
from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from ..errors import InputError
from ..reading.normalize import normalize
from .baselines import CharTfidf, LineBM25

KINDS = ("term", "plain", "paraphrase")


@dataclass
class Judgment:
    qid: str
    query: str
    kind: str
    relevant: dict[int, int]  # clause row -> grade
    unresolved: list[str] = field(default_factory=list)  # entries whose document is here but text is not
    blind: bool = False
    scope: str = "corpus"
    absent: int = 0  # entries naming documents that are not in this index

    @property
    def groups(self) -> tuple[str, ...]:
        return ("all", self.kind, "blind" if self.blind else "project")


def read_judgments(path: str | Path) -> list[dict]:
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
        queries = data["queries"]
    except FileNotFoundError:
        raise InputError(f"{p}: no such file") from None
    except (json.JSONDecodeError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise InputError(f"{p}: not a judgments file ({exc})") from exc
    _check_judgments(p, queries)
    return queries


def load_judgments(path: str | Path, store) -> list[Judgment]:
    """Read a judgments file and resolve each ``contains`` to clause rows of the index's store."""
    queries = read_judgments(path)
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
        for key in ("kind", "scope"):
            if not isinstance(q.get(key, ""), str):
                raise bad(where, f"'{key}' must be a string")
        if not isinstance(q.get("blind", False), bool):
            raise bad(where, "'blind' must be true or false")
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
        absent = 0
        for item in q["relevant"]:
            if item["doc_id"] not in rows_by_doc:
                absent += 1
                continue
            needle = normalize(item["contains"])
            hits = [row for row, text in rows_by_doc[item["doc_id"]] if needle in text]
            if not hits:
                missing.append(f"{item['doc_id']}: {item['contains']}")
            for row in hits:
                rel[row] = max(rel.get(row, 0), item.get("grade", 1))
        out.append(Judgment(q["id"], q["query"], q.get("kind", ""), rel, missing, q.get("blind", False),
                            q.get("scope", "corpus"), absent))
    return out


def ndcg_at(ranked: Sequence[int], relevant: dict[int, int], k: int = 10) -> float:
    dcg = sum((2 ** relevant.get(r, 0) - 1) / math.log2(i + 2) for i, r in enumerate(ranked[:k]))
    ideal = sorted(relevant.values(), reverse=True)[:k]
    idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg > 0 else 0.0


def recall_at(ranked: Sequence[int], relevant: dict[int, int], k: int = 10) -> float:
    if not relevant:
        return 0.0
    # recall of a query with more relevant clauses than k counts k found as complete
    return len(set(ranked[:k]) & set(relevant)) / min(len(relevant), k)


@dataclass
class EvalRow:
    mode: str
    split: str  # query group: all, term, plain, paraphrase, blind, project
    queries: int
    ndcg10: float
    recall10: float


def scored(judgments: list[Judgment]) -> list[Judgment]:
    """The judgments that can be scored on this index (at least one relevant clause in it)."""
    return [j for j in judgments if j.relevant]


def evaluate(judgments: list[Judgment], rank_fn: Callable[[str], Sequence[int]], mode: str, k: int = 10) -> list[EvalRow]:
    """nDCG@k and Recall@k of ``rank_fn`` (query → ranked clause rows) per query group."""
    per: dict[str, list[tuple[float, float]]] = {}
    for j in scored(judgments):
        ranked = list(rank_fn(j.query))
        pair = (ndcg_at(ranked, j.relevant, k), recall_at(ranked, j.relevant, k))
        for g in j.groups:
            per.setdefault(g, []).append(pair)
    return rows_from(per, mode)


def rows_from(per: dict[str, list[tuple[float, float]]], mode: str) -> list[EvalRow]:
    rows = []
    for split in ("all", *KINDS, "blind", "project"):
        vals = per.get(split)
        if vals:
            a = np.array(vals)
            rows.append(EvalRow(mode, split, len(vals), round(float(a[:, 0].mean()), 4), round(float(a[:, 1].mean()), 4)))
    return rows


def _ranked(cands: np.ndarray, scores: np.ndarray, k: int = 10) -> list[int]:
    order = np.argsort(-scores, kind="stable")[:k]
    return [int(cands[i]) for i in order]


SIGNAL_MODES = ("dense", "words", "chars", "lexical", "hybrid")
BASELINES = ("char-tfidf", "line-bm25")


def baseline_rankers(store, k: int = 10) -> dict[str, Callable[[str], list[int]]]:
    rows = store.all_clause_rows()
    texts = [r["text"] for r in rows]
    ids = [r["row"] for r in rows]
    tfidf = CharTfidf(texts)
    lines = LineBM25(texts)
    return {"char-tfidf": lambda q: [ids[i] for i in tfidf.rank(q, k)], "line-bm25": lambda q: [ids[i] for i in lines.rank(q, k)]}


def search_eval(searcher, judgments: list[Judgment], modes: Sequence[str] = ("dense", "lexical", "hybrid"), k: int = 10, baselines: bool = True) -> list[EvalRow]:
    """Evaluate search modes from one pass of signal scoring per query.

    Modes: ``dense``, ``words`` (BM25 on jieba tokens), ``chars`` (BM25 on bigrams), ``lexical``
    (both plus thesaurus expansion: the lexical search mode), ``hybrid`` (the searcher's config);
    with ``baselines`` also ``char-tfidf`` and ``line-bm25`` (:mod:`.baselines`).
    """
    from ..indexing.search import fuse

    cache: dict[str, object] = {}

    def signals(q: str):
        if q not in cache:
            cache[q] = searcher.signal_scores(q)
        return cache[q]

    cfg = searcher.config
    fns: dict[str, Callable[[str], Sequence[int]]] = {
        "dense": lambda q: _ranked(signals(q).rows, signals(q).signals["dense"], k),
        "words": lambda q: _ranked(signals(q).rows, signals(q).signals["words"], k),
        "chars": lambda q: _ranked(signals(q).rows, signals(q).signals["chars"], k),
        "lexical": lambda q: _ranked(signals(q).rows, signals(q).fused(cfg, "lexical"), k),
        "hybrid": lambda q: _ranked(signals(q).rows, signals(q).fused(cfg, "hybrid"), k),
        "hybrid-rrf": lambda q: _ranked(signals(q).rows, fuse(signals(q).signals, {"words": 1.0, "chars": 1.0, "dense": 1.0, "expand": 1.0}, "rrf"), k),
    }
    modes = list(modes)
    if baselines:
        fns.update(baseline_rankers(searcher.index.store, k))
        modes += [m for m in BASELINES if m not in modes]
    out: list[EvalRow] = []
    for m in modes:
        if m not in fns:
            raise InputError(f"unknown evaluation mode '{m}'")
        out.extend(evaluate(judgments, fns[m], m, k))
    return out


@dataclass
class SearchEvaluation:
    """nDCG/Recall per mode and query group, as ``eval-search`` reports it."""

    judgments: str
    index: str
    k: int
    rows: list[EvalRow]
    config: dict = field(default_factory=dict)
    documents: int = 0
    not_scored: list[str] = field(default_factory=list)  # query ids with no relevant clause in this index

    def to_dict(self) -> dict:
        return {"judgments": self.judgments, "index": self.index, "k": self.k, "documents": self.documents,
                "config": self.config, "not_scored": self.not_scored, "rows": [asdict(r) for r in self.rows]}

    def to_rows(self) -> tuple[list[str], list[dict]]:
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
    rows = search_eval(s, js, modes=("dense", "words", "chars", "lexical", "hybrid-rrf", "hybrid"), k=k)
    return SearchEvaluation(str(judgments), str(s.index.path), k, rows, s.config.to_dict(), s.index.manifest.documents,
                            [j.qid for j in js if not j.relevant])
