"""Baselines search is measured against: what a user could assemble without this project.

- :class:`CharTfidf`: character 1–3-gram TF-IDF with cosine similarity over clauses.
- :class:`LineBM25`: plain jieba + bm25s over the documents' *lines*, the twenty lines a user
  would write first: ``jieba.lcut`` with jieba's own dictionary (no policy terms, no stopwords,
  no folding), ``bm25s.BM25()`` with its defaults, the query cut the same way. A line's hit is
  credited to the clause that holds it; a clause ranks where its best line ranks.

Both read only what the index stores (clause texts), so they see exactly the documents the
searcher sees. The clause texts keep every line of the document except scraping residue
(navigation, share buttons) that the cleaner removed: a user's own script would also index those
lines, which rarely match a policy question.
"""
from __future__ import annotations

import logging
import math
from typing import Sequence

import numpy as np

from ..reading.normalize import normalize

log = logging.getLogger(__name__)


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

    def rank(self, query: str, k: int = 10) -> list[int]:
        s = self.scores(query)
        return [int(i) for i in np.argsort(-s, kind="stable")[:k] if s[i] > 0]


def _plain_cut(text: str) -> list[str]:
    import jieba

    return [w for w in jieba.lcut(text) if w.strip()]


class LineBM25:
    """jieba + bm25s over lines, results credited to the clause each line belongs to."""

    def __init__(self, clause_texts: Sequence[str]):
        import bm25s
        import jieba

        jieba.setLogLevel(logging.WARNING)
        lines: list[str] = []
        owner: list[int] = []
        for i, t in enumerate(clause_texts):
            for line in t.split("\n"):
                if line.strip():
                    lines.append(line)
                    owner.append(i)
        self.owner = np.asarray(owner, dtype=np.int64)
        self.n_lines = len(lines)
        self.bm25 = bm25s.BM25()
        self.bm25.index([_plain_cut(x) or [""] for x in lines], show_progress=False)

    def rank(self, query: str, k: int = 10) -> list[int]:
        vocab = self.bm25.vocab_dict
        q = [t for t in dict.fromkeys(_plain_cut(query)) if t in vocab]
        if not q:
            return []
        s = np.asarray(self.bm25.get_scores(q))
        out: list[int] = []
        for i in np.argsort(-s, kind="stable"):
            if s[i] <= 0:
                break
            c = int(self.owner[i])
            if c not in out:
                out.append(c)
                if len(out) == k:
                    break
        return out
