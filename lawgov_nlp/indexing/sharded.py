"""Several indexes searched as one: :class:`ShardedIndex`.

A collection too large for one index (or one machine's RAM) is kept as shards — each a complete
index of part of the documents, with its own manifest and checks — and served together. A
``ShardedIndex`` is a :class:`~.reader.ClauseIndex` whose clause rows are the shards' rows one
after another, so :class:`~.search.Searcher` and diff-plans use it unchanged:

* BM25 is scored over every shard's segments (retrieval units, :mod:`.units`) with the
  statistics of all of them (unit count, mean length, each term's document frequency), so scores
  are those of one index of the same documents, not a mix of per-shard idf;
* dense search asks every shard's FAISS index for its top k and merges them by score (a filter
  is translated to each shard's own sentence ids);
* clause metadata comes from the shard that holds the row.

Every shard is opened (and verified) like any index; all must share the encoder, its dimension,
the jieba dictionary and the BM25 parameters. Files stay memory-mapped, so what a query process
holds is what its queries touch.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Sequence

import numpy as np

from ..errors import IndexStoreError
from .manifest import FIELDS
from .postings import Segment, SegmentedBM25
from .reader import ClauseIndex, open_index
from .units import LexicalIndex


class _Concat:
    """Arrays of the shards read as one (rows ``offsets[i]..`` are shard ``i``'s); ``add[i]`` is
    added to shard ``i``'s values where they are not negative (row numbers of sentence owners)."""

    def __init__(self, parts: Sequence[np.ndarray], add: Sequence[int] | None = None):
        self.parts = parts
        self.offsets = np.cumsum([0] + [len(p) for p in parts])
        self.add = add
        self.shape = (int(self.offsets[-1]), *parts[0].shape[1:])
        self.dtype = parts[0].dtype

    def __len__(self) -> int:
        return self.shape[0]

    def __getitem__(self, idx):
        if isinstance(idx, (int, np.integer)):
            return self[np.array([idx])][0]
        if isinstance(idx, slice):
            idx = np.arange(*idx.indices(len(self)))
        idx = np.asarray(idx)
        if idx.dtype == bool:
            idx = np.flatnonzero(idx)
        idx = idx.astype(np.int64)
        out = np.empty((len(idx), *self.shape[1:]), dtype=self.dtype)
        shard = np.searchsorted(self.offsets, idx, side="right") - 1
        for i in np.unique(shard).tolist():
            sel = shard == i
            vals = np.asarray(self.parts[i][idx[sel] - self.offsets[i]])
            if self.add is not None and self.add[i]:
                vals = np.where(vals >= 0, vals + self.add[i], vals)
            out[sel] = vals
        return out

    def __array__(self, dtype=None, copy=None):
        whole = self[np.arange(len(self))]
        return whole.astype(dtype) if dtype is not None else whole


class _ShardedFaiss:
    """The shards' FAISS indexes searched together: each one's top k, merged by score."""

    def __init__(self, shards: Sequence[ClauseIndex], sentence_offsets: np.ndarray):
        self.shards = shards
        self.offsets = sentence_offsets
        self.ntotal = sum(int(s.faiss.ntotal) for s in shards)
        self.d = shards[0].faiss.d
        self._maps: dict[int, object] = {}

    def _local_params(self, i: int, params):
        """Search parameters for shard ``i``: the caller's selector (over global sentence ids)
        seen through that shard's local → global id map."""
        import faiss

        if params is None or getattr(params, "sel", None) is None:
            return None, ()
        shard = self.shards[i]
        if i not in self._maps:
            vec = faiss.Int64Vector()
            faiss.copy_array_to_vector(np.arange(shard.manifest.sentence_ids, dtype=np.int64) + int(self.offsets[i]), vec)
            self._maps[i] = vec
        sel = faiss.IDSelectorTranslated(self._maps[i], params.sel)
        if shard.manifest.nprobe:
            local = faiss.SearchParametersIVF(sel=sel, nprobe=shard.manifest.nprobe)
        else:
            local = faiss.SearchParameters(sel=sel)
        return local, (sel,)  # the selector must outlive the search

    def search(self, x: np.ndarray, k: int, params=None):
        x = np.ascontiguousarray(x, dtype=np.float32)
        scores, ids = [], []
        for i, shard in enumerate(self.shards):
            kk = min(k, int(shard.faiss.ntotal))
            if kk <= 0:
                continue
            local, keep = self._local_params(i, params)
            d, j = shard.faiss.search(x, kk, params=local) if local is not None else shard.faiss.search(x, kk)
            del keep
            scores.append(d)
            ids.append(np.where(j >= 0, j + int(self.offsets[i]), -1))
        n = len(x)
        if not scores:
            return np.full((n, k), -np.inf, np.float32), np.full((n, k), -1, np.int64)
        d = np.concatenate(scores, axis=1)
        j = np.concatenate(ids, axis=1)
        d = np.where(j >= 0, d, -np.inf)
        order = np.argsort(-d, axis=1, kind="stable")[:, :k]
        out_d = np.take_along_axis(d, order, axis=1)
        out_j = np.take_along_axis(j, order, axis=1)
        if out_d.shape[1] < k:
            pad = k - out_d.shape[1]
            out_d = np.pad(out_d, ((0, 0), (0, pad)), constant_values=-np.inf)
            out_j = np.pad(out_j, ((0, 0), (0, pad)), constant_values=-1)
        return out_d.astype(np.float32), out_j


class _ShardedStore:
    """The shards' clause stores behind the :class:`~.store.ClauseStore` methods search uses."""

    def __init__(self, shards: Sequence[ClauseIndex], row_offsets: np.ndarray):
        self.shards = shards
        self.offsets = row_offsets

    def _split(self, rows: Sequence[int]):
        rows = np.asarray(rows, dtype=np.int64)
        shard = np.searchsorted(self.offsets, rows, side="right") - 1
        for i in np.unique(shard).tolist():
            yield i, (rows[shard == i] - self.offsets[i]).tolist()

    def count(self) -> int:
        return sum(s.store.count() for s in self.shards)

    def documents(self) -> list[dict]:
        return sorted((d for s in self.shards for d in s.store.documents()), key=lambda d: d["doc_id"])

    def clauses_by_rows(self, rows: Sequence[int]) -> dict[int, dict]:
        out: dict[int, dict] = {}
        for i, local in self._split(rows):
            for r, d in self.shards[i].store.clauses_by_rows(local).items():
                d["row"] = r + int(self.offsets[i])
                out[d["row"]] = d
        return out

    def rows_for_doc(self, doc_id: str) -> list[int]:
        return [r + int(self.offsets[i]) for i, s in enumerate(self.shards) for r in s.store.rows_for_doc(doc_id)]

    def filter_rows(self, doc_ids: Sequence[str] = (), region: str | None = None, years=None, doc_type: str | None = None):
        parts = [s.store.filter_rows(doc_ids, region, years, doc_type) for s in self.shards]
        if all(p is None for p in parts):
            return None
        return [r + int(self.offsets[i]) for i, p in enumerate(parts) for r in (p or [])]

    def close(self) -> None:
        for s in self.shards:
            s.store.close()


class ShardedIndex(ClauseIndex):
    """Several indexes (shards of one collection) searched as one; see the module docstring.

    ``ShardedIndex.open(["indexes/part-0", "indexes/part-1"])`` opens and checks every shard; pass
    the result to :class:`~.search.Searcher` like any index."""

    def __init__(self, shards: Sequence[ClauseIndex]):
        if not shards:
            raise IndexStoreError("a sharded index needs at least one shard")
        first = shards[0].manifest
        for s in shards[1:]:
            m = s.manifest
            for what in ("encoder", "dim", "dictionary_hash", "unit_chars", "bm25"):
                if getattr(m, what) != getattr(first, what):
                    raise IndexStoreError(f"{s.path}: shard built with {what} {getattr(m, what)!r}, the first shard with "
                                          f"{getattr(first, what)!r}: shards of one index must be built alike")
        ids = [d for s in shards for d in s.doc_ids()]
        if len(ids) != len(set(ids)):
            dup = next(d for d in ids if ids.count(d) > 1)
            raise IndexStoreError(f"document id '{dup}' is in more than one shard: shards must hold disjoint documents")
        self.shards = list(shards)
        self.path = shards[0].path
        rows = np.cumsum([0] + [s.n_rows for s in shards])
        sents = np.cumsum([0] + [s.manifest.sentence_ids for s in shards])
        units = np.cumsum([0] + [s.manifest.unit_ids for s in shards])
        self.row_offsets, self.sentence_offsets, self.unit_offsets = rows[:-1], sents[:-1], units[:-1]
        total = lambda f: sum(getattr(s.manifest, f) for s in shards)  # noqa: E731
        self.manifest = dataclasses.replace(
            first, documents=total("documents"), clauses=total("clauses"), sentences=total("sentences"), rows=int(rows[-1]),
            sentence_ids=int(sents[-1]), unit_ids=int(units[-1]), nprobe=max(s.manifest.nprobe for s in shards), segments=[], deleted=[], files={})
        self.store = _ShardedStore(self.shards, self.row_offsets)
        self.faiss = _ShardedFaiss(self.shards, self.sentence_offsets)
        self.encoder = shards[0].encoder
        self.live = np.concatenate([s.live for s in shards])
        k1, b = float(first.bm25["k1"]), float(first.bm25["b"])
        # units: small (4 int32 each) and read on every query, so held as one array
        self.units = np.concatenate([np.asarray(s.units, dtype=np.int32) for s in shards])
        for ua, ub, off in zip(self.unit_offsets, units[1:], self.row_offsets):
            self.units[ua:ub, 0] += int(off)
        unit_owner = self.units[:, 0].astype(np.int64)
        unit_live = self.live[unit_owner]
        lex = []
        for fld in FIELDS:
            segs = [Segment(s.path, fld, name, offset=int(off)) for s, off in zip(shards, self.unit_offsets) for name in s.manifest.segments]
            lex.append(SegmentedBM25(segs, int(units[-1]), unit_live, k1, b))
        self.lexical = LexicalIndex(lex[0], lex[1], unit_owner, self.n_rows)
        self.vectors = _Concat([s.vectors for s in shards])
        self.sentence_vectors = _Concat([s.sentence_vectors for s in shards])
        self.sentence_owner = _Concat([s.sentence_owner for s in shards], add=[int(o) for o in self.row_offsets])
        self._first = None
        self._counts = None
        self._docs = None

    @classmethod
    def open(cls, dirs: Sequence[str | Path], encoder=None, load_encoder: bool = True, verify: bool | str = "auto") -> ShardedIndex:
        shards = []
        try:
            for i, d in enumerate(dirs):
                # the encoder is loaded once, by the first shard, and shared
                shards.append(open_index(d, encoder=encoder if i == 0 else (shards[0].encoder or encoder),
                                         load_encoder=load_encoder and i == 0, verify=verify))
            return cls(shards)
        except BaseException:
            for s in shards:
                s.close()
            raise

    def _sentence_runs(self) -> tuple[np.ndarray, np.ndarray]:
        if self._first is None:
            firsts, counts = [], []
            for s, off in zip(self.shards, self.sentence_offsets):
                f, c = s._sentence_runs()
                firsts.append(f + int(off))
                counts.append(c)
            self._first, self._counts = np.concatenate(firsts), np.concatenate(counts)
        return self._first, self._counts

    def doc_ids(self) -> list[str]:
        return [d["doc_id"] for d in self.store.documents()]

    def close(self) -> None:
        self.store.close()
