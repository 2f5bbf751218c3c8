"""Fusion parameters chosen by k-fold cross-validation over queries, reported on held-out folds only.

The array-level core: every query is scored once per index (:func:`prepare`), every candidate
configuration of the fusion is evaluated on every query at once (:func:`ndcg_matrix`, a matrix
of configurations × queries), and :func:`cross_validate` picks, for each fold, the configuration
best on the other folds and records what it scores on this one. Several settings (the corpus
index, the corpus with the collection as distractors) can be tuned together: a configuration's
training score is the mean over settings, so one default serves both scales.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from ..config import SearchConfig
from .search import KINDS, Judgment, scored


@dataclass
class Prepared:
    """One setting (an index) with every scorable query's signals."""

    name: str
    judgments: list[Judgment]
    signals: list  # QuerySignals, aligned with judgments
    baselines: dict[str, list[list[int]]] = field(default_factory=dict)  # name -> ranked rows per query

    @property
    def qids(self) -> list[str]:
        return [j.qid for j in self.judgments]


def prepare(searcher, judgments: list[Judgment], baselines: dict | None = None, k: int = 10) -> Prepared:
    js = scored(judgments)
    sig = [searcher.signal_scores(j.query) for j in js]
    base = {name: [list(fn(j.query)) for j in js] for name, fn in (baselines or {}).items()}
    return Prepared(str(searcher.index.path), js, sig, base)


def _gains(j: Judgment, rows: np.ndarray) -> np.ndarray:
    return np.array([2.0 ** j.relevant.get(int(r), 0) - 1 for r in rows])


def _idcg(j: Judgment, k: int) -> float:
    ideal = sorted(j.relevant.values(), reverse=True)[:k]
    return float(sum((2 ** g - 1) / np.log2(i + 2) for i, g in enumerate(ideal)))


def _minmax(x: np.ndarray) -> np.ndarray:
    lo, hi = float(x.min()), float(x.max())
    if hi - lo < 1e-9:
        return np.zeros_like(x, dtype=np.float64) if hi <= 0 else np.ones_like(x, dtype=np.float64)
    return (x - lo) / (hi - lo)


SIGNALS = ("words", "chars", "expand", "dense")


def effective_weights(configs: Sequence[SearchConfig], strength: float) -> np.ndarray:
    """Per configuration, the weight each of :data:`SIGNALS` gets for a query of this ``strength``
    (what :func:`lawgov_nlp.indexing.search.adaptive_fuse` computes, as a matrix)."""
    from ..indexing.search import dense_share

    w = np.zeros((len(configs), len(SIGNALS)))
    for c, cfg in enumerate(configs):
        if cfg.method == "adaptive":
            lam = dense_share(strength, cfg)
            total = sum(cfg.weights.get(s, 0.0) for s in SIGNALS[:3]) or 1.0
            w[c, :3] = [(1 - lam) * cfg.weights.get(s, 0.0) / total for s in SIGNALS[:3]]
            w[c, 3] = lam
        else:
            w[c] = [cfg.weights.get(s, 0.0) for s in SIGNALS]
    return w


def ndcg_matrix(prep: Prepared, configs: Sequence[SearchConfig], k: int = 10) -> np.ndarray:
    """nDCG@k of every configuration (rows) on every query (columns) of one setting."""
    out = np.zeros((len(configs), len(prep.judgments)))
    by_cw: dict[float, list[int]] = {}
    for c, cfg in enumerate(configs):
        by_cw.setdefault(cfg.clause_weight, []).append(c)
    for cw, idx in by_cw.items():
        out[idx] = _ndcg_matrix(prep, [configs[c] for c in idx], cw, k)
    return out


def _ndcg_matrix(prep: Prepared, configs: Sequence[SearchConfig], clause_weight: float, k: int) -> np.ndarray:
    out = np.zeros((len(configs), len(prep.judgments)))
    disc = 1.0 / np.log2(np.arange(2, k + 2))
    for q, (j, qs) in enumerate(zip(prep.judgments, prep.signals)):
        n = len(qs.rows)
        if n == 0:
            continue
        sig = dict(qs.signals)
        if qs.dense_parts:
            sig["dense"] = qs.dense_parts["sentence"] + clause_weight * qs.dense_parts["clause"]
        norm = np.stack([_minmax(sig[s].astype(np.float64)) if s in sig else np.zeros(n) for s in SIGNALS], axis=1)
        fused = norm @ effective_weights(configs, qs.strength).T  # candidates × configs
        kk = min(k, n)
        top = np.argpartition(-fused, kk - 1, axis=0)[:kk]  # unordered top-k per config
        topv = np.take_along_axis(fused, top, axis=0)
        order = np.argsort(-topv, axis=0, kind="stable")
        top = np.take_along_axis(top, order, axis=0)
        gains = _gains(j, qs.rows)
        out[:, q] = (gains[top] * disc[:kk, None]).sum(axis=0) / max(_idcg(j, k), 1e-12)
    return out


def fusion_grid() -> list[SearchConfig]:
    """The adaptive configurations searched: lexical weights on a simplex, dense share bounds, curve."""
    base = SearchConfig()
    out = []
    for ww, we in itertools.product([0.0, 0.15, 0.3, 0.45, 0.6], [0.0, 0.1, 0.2, 0.3, 0.4]):
        wc = round(1 - ww - we, 4)
        if wc < 0:
            continue
        for lo, hi in itertools.product([0.0, 0.1, 0.2, 0.3, 0.4, 0.5], [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]):
            if hi < lo:
                continue
            for p, cw in itertools.product((0.5, 1.0, 2.0), (0.0, 0.5)):
                out.append(base.replace(method="adaptive", weights={"words": ww, "chars": wc, "expand": we}, dense_min=lo,
                                        dense_max=hi, strength_power=p, clause_weight=cw))
    return out


def fixed_grid() -> list[SearchConfig]:
    """Fixed-weight fusion (the method this replaced), for comparison under the same protocol."""
    base = SearchConfig()
    out = []
    g = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6]
    for ww, wc, we in itertools.product(g, g, [0.0, 0.1, 0.2, 0.3]):
        wd = round(1 - ww - wc - we, 4)
        if wd >= 0:
            for cw in (0.0, 0.5):
                out.append(base.replace(method="score", weights={"words": ww, "chars": wc, "expand": we, "dense": wd}, clause_weight=cw))
    return out


def folds_of(qids: Sequence[str], n_folds: int, seed: int = 0, strata: dict[str, str] | None = None) -> dict[str, int]:
    """Query id → fold, dealt round-robin within each stratum (kind) after a seeded shuffle."""
    rng = np.random.default_rng(seed)
    ids = sorted(set(qids))
    groups: dict[str, list[str]] = {}
    for q in ids:
        groups.setdefault((strata or {}).get(q, ""), []).append(q)
    out: dict[str, int] = {}
    offset = 0
    for g in sorted(groups):
        members = list(groups[g])
        rng.shuffle(members)
        for i, q in enumerate(members):
            out[q] = (i + offset) % n_folds
        offset += len(members)
    return out


@dataclass
class FoldResult:
    fold: int
    config: SearchConfig
    train: float  # mean training nDCG over settings
    test: dict[str, np.ndarray]  # setting -> held-out per-query nDCG
    test_qids: dict[str, list[str]]


def cross_validate(mats: dict[str, np.ndarray], preps: dict[str, Prepared], configs: Sequence[SearchConfig],
                   folds: dict[str, int], n_folds: int) -> list[FoldResult]:
    """For each fold: the configuration with the best mean training nDCG (averaged over settings),
    and its nDCG on that fold's queries in every setting."""
    out = []
    for f in range(n_folds):
        train_scores = []
        for name, m in mats.items():
            mask = np.array([folds[q] != f for q in preps[name].qids])
            train_scores.append(m[:, mask].mean(axis=1))
        train = np.mean(train_scores, axis=0)
        best = int(np.argmax(train))
        test, tq = {}, {}
        for name, m in mats.items():
            mask = np.array([folds[q] == f for q in preps[name].qids])
            test[name] = m[best, mask]
            tq[name] = [q for q, keep in zip(preps[name].qids, mask) if keep]
        out.append(FoldResult(f, configs[best], float(train[best]), test, tq))
    return out


def held_out(results: list[FoldResult], prep: Prepared, setting: str, group: str = "all") -> tuple[float, float, int, list[float]]:
    """Mean held-out nDCG over all queries of ``group`` (pooled over folds), the spread of the
    per-fold means (standard deviation), the number of queries, and the per-fold means."""
    groups = {j.qid: j.groups for j in prep.judgments}
    pooled, per_fold = [], []
    for r in results:
        vals = [v for q, v in zip(r.test_qids[setting], r.test[setting]) if group in groups[q]]
        pooled.extend(vals)
        if vals:
            per_fold.append(float(np.mean(vals)))
    if not pooled:
        return float("nan"), float("nan"), 0, []
    return float(np.mean(pooled)), float(np.std(per_fold)), len(pooled), per_fold


def group_mean(values: Sequence[float], prep: Prepared, group: str) -> tuple[float, int]:
    sel = [v for v, j in zip(values, prep.judgments) if group in j.groups]
    return (float(np.mean(sel)) if sel else float("nan")), len(sel)


GROUPS = ("all", *KINDS, "blind", "project")


def lexical_grid() -> list[SearchConfig]:
    """Weights of the lexical mode (no dense signal)."""
    base = SearchConfig()
    out = []
    for ww, we in itertools.product([0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6], [0.0, 0.1, 0.2, 0.3, 0.4]):
        wc = round(1 - ww - we, 4)
        if wc >= 0:
            out.append(base.replace(method="score", weights={"words": ww, "chars": wc, "expand": we, "dense": 0.0}))
    return out


def single(signal: str, clause_weight: float = 0.0) -> SearchConfig:
    return SearchConfig().replace(method="score", weights={signal: 1.0}, clause_weight=clause_weight)


def ranked_ndcg(prep: Prepared, ranked: list[list[int]], k: int = 10) -> np.ndarray:
    from .search import ndcg_at

    return np.array([ndcg_at(r, j.relevant, k) for r, j in zip(ranked, prep.judgments)])
