"""BM25 as immutable segments of postings, scored with the statistics of the whole index.

Why not one bm25s index: bm25s stores each (term, clause) score with the corpus's idf and mean
length baked in, so adding one document changes every stored score and forces a refit of the
whole collection. Here a segment stores what does not change when others are added — per term,
the clause rows and term frequencies, and each clause's length — and the idf, the document
count and the mean length are computed at query time over the live clauses of every segment
(Lucene's design). So ``index add`` writes one small segment, ``index remove`` only marks rows
dead, and the scores are exactly those of a fresh build of the same documents.

The scores are bm25s's ``lucene`` variant with the same ``k1``/``b`` as :class:`BM25Index`
(``tests/test_postings.py`` checks they agree), so search quality is unchanged.

A segment on disk (``FIELD/sNNNNNN.*.npy``, all memory-mapped on load):
  keys     uint64, sorted: 64-bit blake2b of each term (terms themselves are never needed)
  indptr   int64, postings of term j are ``indptr[j]:indptr[j+1]``
  rows     int32, unit ids (global: retrieval units of the index, :mod:`.units`)
  tf       int32, term frequency in that unit
  docrows  int32, the segment's unit ids; doclen int32, their lengths in tokens

("Rows" here are whatever the caller numbers; the index numbers retrieval units, so a clause
scores as its best unit.)
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

from ..errors import IndexStoreError

PARTS = ("keys", "indptr", "rows", "tf", "docrows", "doclen")


@lru_cache(maxsize=1 << 19)  # a collection has a few hundred thousand distinct terms; each document repeats them
def term_key(term: str) -> int:
    return int.from_bytes(hashlib.blake2b(term.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")


def segment_arrays(rows: Sequence[int], docs_tokens: Sequence[Sequence[str]]) -> dict[str, np.ndarray]:
    """The arrays of one segment (see the module docstring) for clause ``rows[i]`` with tokens
    ``docs_tokens[i]``. Segments computed apart (in worker processes, on other machines) combine
    into the same arrays with :func:`merge_segment_arrays`."""
    vocab: dict[str, int] = {}
    ids: list[int] = []
    lengths = np.empty(len(docs_tokens), dtype=np.int64)
    for i, toks in enumerate(docs_tokens):
        lengths[i] = len(toks)
        ids.extend(vocab.setdefault(t, len(vocab)) for t in toks)
    terms = list(vocab)
    keys = np.fromiter((term_key(t) for t in terms), dtype=np.uint64, count=len(terms))
    order = np.argsort(keys, kind="stable")
    keys = keys[order]
    if len(keys) > 1 and np.any(keys[1:] == keys[:-1]):  # 64-bit collision: never seen, refuse to guess
        raise IndexStoreError("two distinct terms share a 64-bit key; report this with the input")
    rank = np.empty(len(terms), dtype=np.int64)
    rank[order] = np.arange(len(terms))
    term_ids = rank[np.asarray(ids, dtype=np.int64)] if ids else np.zeros(0, np.int64)
    doc_of = np.repeat(np.arange(len(docs_tokens), dtype=np.int64), lengths)
    n = max(len(docs_tokens), 1)
    pair, tf = np.unique(term_ids * n + doc_of, return_counts=True)
    term, doc = pair // n, pair % n
    indptr = np.searchsorted(term, np.arange(len(terms) + 1)).astype(np.int64)
    row_arr = np.asarray(rows, dtype=np.int32)
    return {
        "keys": keys, "indptr": indptr, "rows": row_arr[doc] if len(doc) else np.zeros(0, np.int32),
        "tf": tf.astype(np.int32), "docrows": row_arr,
        # bm25s indexes an empty clause as one empty token: keep its length at 1 so scores agree
        "doclen": np.maximum(lengths, 1).astype(np.int32),
    }


def merge_segment_arrays(parts: Sequence[dict], row_maps: Sequence[np.ndarray | int] | None = None) -> dict[str, np.ndarray]:
    """One segment's arrays from several (their rows disjoint once mapped), equal to what
    :func:`segment_arrays` gives for all their clauses at once: keys sorted, each term's postings
    in row order. ``row_maps[i]`` moves part ``i``'s rows: an int is added, an array is indexed
    by the old row (a shard's rows into the merged index)."""
    keys, rows, tf, docrows, doclen = [], [], [], [], []
    for i, a in enumerate(parts):
        m = 0 if row_maps is None else row_maps[i]
        move = (lambda r, m=m: np.asarray(r, dtype=np.int64) + m) if np.isscalar(m) else (lambda r, m=m: np.asarray(m)[np.asarray(r, dtype=np.int64)])
        counts = np.diff(np.asarray(a["indptr"], dtype=np.int64))
        keys.append(np.repeat(np.asarray(a["keys"], dtype=np.uint64), counts))
        rows.append(move(a["rows"]))
        tf.append(np.asarray(a["tf"], dtype=np.int32))
        docrows.append(move(a["docrows"]))
        doclen.append(np.asarray(a["doclen"], dtype=np.int32))
    if not parts:
        return segment_arrays([], [])
    k, r, t = np.concatenate(keys), np.concatenate(rows), np.concatenate(tf)
    d, dl = np.concatenate(docrows), np.concatenate(doclen)
    if np.all(np.diff(d) > 0):
        # parts already in row order: a stable sort by key keeps each term's rows ascending
        order = np.argsort(k, kind="stable")
        dorder = np.arange(len(d))
    else:
        order = np.lexsort((r, k))  # by key, then row
        dorder = np.argsort(d, kind="stable")
        if np.any(np.diff(d[dorder]) == 0):
            raise IndexStoreError("two lexical segments hold the same clause row: the shards overlap")
    k, r, t = k[order], r[order], t[order]
    first = np.flatnonzero(np.concatenate([[True], k[1:] != k[:-1]])) if len(k) else np.zeros(0, np.int64)
    return {"keys": k[first], "indptr": np.append(first, len(k)).astype(np.int64), "rows": r.astype(np.int32), "tf": t,
            "docrows": d[dorder].astype(np.int32), "doclen": dl[dorder]}


def save_segment(directory: Path, name: str, arrays: dict[str, np.ndarray]) -> list[str]:
    """Write a segment's arrays; returns the file names written, relative to the version directory."""
    directory.mkdir(parents=True, exist_ok=True)
    out = []
    for part in PARTS:
        np.save(directory / f"{name}.{part}.npy", arrays[part])
        out.append(f"{directory.name}/{name}.{part}.npy")
    return out


def write_segment(directory: Path, name: str, rows: Sequence[int], docs_tokens: Sequence[Sequence[str]]) -> list[str]:
    """Postings of ``docs_tokens`` (clause ``rows[i]`` has tokens ``docs_tokens[i]``); returns the
    file names written, relative to the version directory."""
    return save_segment(directory, name, segment_arrays(rows, docs_tokens))


class Segment:
    """One segment on disk, memory-mapped. ``offset`` is added to its rows: the segments of several
    shards are then scored as one row space (:class:`~.sharded.ShardedIndex`)."""

    def __init__(self, version_dir: Path, field: str, name: str, offset: int = 0):
        self.name = name
        self.offset = offset
        try:
            self.arrays = {p: np.load(version_dir / field / f"{name}.{p}.npy", mmap_mode="r", allow_pickle=False) for p in PARTS}
        except (OSError, ValueError) as exc:
            raise IndexStoreError(f"{version_dir}: lexical segment {field}/{name} is corrupt ({exc}): rebuild the index") from exc
        a = self.arrays
        if (a["indptr"].shape != (len(a["keys"]) + 1,) or len(a["rows"]) != len(a["tf"]) or len(a["docrows"]) != len(a["doclen"])
                or (len(a["indptr"]) and int(a["indptr"][-1]) != len(a["rows"]))):
            raise IndexStoreError(f"{version_dir}: lexical segment {field}/{name} is inconsistent: rebuild the index")

    def postings(self, key: int) -> tuple[np.ndarray, np.ndarray] | None:
        keys = self.arrays["keys"]
        j = int(np.searchsorted(keys, np.uint64(key)))
        if j >= len(keys) or int(keys[j]) != key:
            return None
        a, b = int(self.arrays["indptr"][j]), int(self.arrays["indptr"][j + 1])
        rows = self.arrays["rows"][a:b]
        return (rows if not self.offset else rows.astype(np.int64) + self.offset), self.arrays["tf"][a:b]

    @property
    def docrows(self) -> np.ndarray:
        rows = np.asarray(self.arrays["docrows"])
        return rows if not self.offset else rows.astype(np.int64) + self.offset


class SegmentedBM25:
    """BM25 over several segments with global statistics over the live rows: the object behind
    ``ClauseIndex.lexical`` (:class:`~.units.LexicalIndex`) holds one per field; its rows are
    retrieval units, ``scores(tokens)`` one score per unit id."""

    def __init__(self, segments: list[Segment], n_rows: int, live: np.ndarray, k1: float = 1.2, b: float = 0.75):
        self.segments = segments
        self.n = n_rows
        self.live = live
        self.k1, self.b = k1, b
        doclen = np.zeros(n_rows, dtype=np.float32)
        for s in segments:
            rows = s.docrows
            if len(rows) and (rows.min() < 0 or rows.max() >= n_rows):
                raise IndexStoreError(f"lexical segment {s.name} names rows outside the index: rebuild the index")
            doclen[rows] = s.arrays["doclen"]
        self.doclen = doclen
        self.n_live = int(live.sum())
        self.avgdl = float(doclen[live].sum() / self.n_live) if self.n_live else 1.0

    def term_scores(self, query_tokens: Sequence[str]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Per distinct query term: the live rows holding it and its BM25 contribution in each
        (a term no live row holds maps to empty arrays; its document frequency is 0)."""
        out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        k1, b = np.float32(self.k1), np.float32(self.b)
        for t in dict.fromkeys(query_tokens):
            if not t:
                continue
            out[t] = (np.zeros(0, np.int64), np.zeros(0, np.float32))
            if not self.n_live:
                continue
            key = term_key(t)
            parts = [p for p in (s.postings(key) for s in self.segments) if p is not None]
            if not parts:
                continue
            rows = np.concatenate([p[0] for p in parts]) if len(parts) > 1 else np.asarray(parts[0][0])
            tf = np.concatenate([p[1] for p in parts]) if len(parts) > 1 else np.asarray(parts[0][1])
            keep = self.live[rows]
            rows, tf = rows[keep].astype(np.int64), tf[keep].astype(np.float32)
            df = len(rows)
            if not df:
                continue
            idf = np.float32(np.log(1 + (self.n_live - df + 0.5) / (df + 0.5)))
            dl = self.doclen[rows]
            out[t] = (rows, idf * (tf / (k1 * ((1 - b) + b * dl / np.float32(self.avgdl)) + tf)))
        return out

    def scores(self, query_tokens: Sequence[str]) -> np.ndarray:
        out = np.zeros(self.n, dtype=np.float32)
        for rows, contrib in self.term_scores(query_tokens).values():
            out[rows] += contrib  # one posting per row and term: no repeated indices
        return out
