"""Building past one machine: a Ray Data pipeline writes shards, a merge makes them one index.

    files on shared storage ──read, clean, segment, tokenize (map)──▶ embed (actor pool, one
    encoder per actor) ──▶ write (one task per group of blocks: a complete small index, a *shard*,
    with its manifest) ──▶ merge (here): one IVF trained on a sample, every shard added into it,
    retrieval units and their BM25 postings merged (global statistics are computed at query time
    from the merged segment), the SQLite stores concatenated — a new version of the target index in the usual format.

Every stage runs the code of the local build (:mod:`.parallel`, :func:`.index._write_dense`), so a
shard is what ``index build`` writes for its documents, and the merged index has the rows of a
local build of the same files (documents in file order), the same BM25 arrays, the same vectors
and — with the same training sample, chosen by content (:mod:`.ivf`) — the same FAISS index:
search results are the same (``tests/test_distributed.py``). The shards can also be served
without merging, with :class:`~.sharded.ShardedIndex`, when one machine cannot hold the merge.

Ray is optional (``pip install 'lawgov-nlp[ray]'``). ``address`` names a running cluster
(``auto``, ``ray://head:10001``); without one a local Ray with ``workers`` CPUs is started and
stopped again. Paths must be readable by every node (shared storage); the shards are written
beside the target index (``.NAME.shards-PID/``) and removed after the merge.
"""
from __future__ import annotations

import logging
import os
import pickle
import shutil
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Callable, Sequence

import numpy as np

from ..errors import IndexStoreError, InputError, MissingDependency
from . import layout
from .encoders import EmbeddingCache, Encoder, available_cores, get_encoder
from .layout import display
from .manifest import FIELDS, Manifest, publish_version, write_manifest, writing_version

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
EMBED_BATCH = 8  # documents per embedding call of an actor


def _ray():
    try:
        import ray
        import ray.data
    except ImportError as exc:
        raise MissingDependency("--engine ray needs Ray Data: pip install 'lawgov-nlp[ray]'") from exc
    return ray


# -- the pipeline's stages (run on the cluster's workers) --------------------------------------

def _read_row(row: dict) -> dict:
    """read → clean → segment → tokenize one file: a pickled PreparedDoc, or the InputError."""
    from .parallel import _read, analyse

    res = _read(Path(row["path"]))
    if not isinstance(res, InputError):
        res.path = Path(row["display"])  # the path as the user gave it, as a local build stores it
        res = analyse(res)
    return {"i": row["i"], "blob": pickle.dumps(res, protocol=pickle.HIGHEST_PROTOCOL)}


class _Embedder:
    """An actor holding one encoder: embeds the sentences of a batch of prepared documents,
    reading and writing the node's embedding cache (SQLite WAL, one short transaction per chunk)."""

    def __init__(self, spec: str, cache_path: str | None, threads: int):
        self.enc = get_encoder(spec)
        if getattr(self.enc, "_model", True) is None and hasattr(self.enc, "_threads"):
            self.enc._threads = threads  # the actor's share of the node's cores
        self.cache_path = cache_path

    def __call__(self, batch: dict) -> dict:
        # Ray calls an actor from threads of its own: a connection per call (SQLite's are per thread)
        cache = EmbeddingCache(self.cache_path) if self.cache_path else False
        try:
            return self._embed(batch, cache)
        finally:
            if cache:
                cache.close()

    def _embed(self, batch: dict, cache) -> dict:
        from .encoders import embed_texts

        vecs, embedded = [], []
        for blob in batch["blob"]:
            res = pickle.loads(blob)
            if isinstance(res, InputError) or not res.pieces:
                vecs.append(pickle.dumps(None))
                embedded.append(0)
                continue
            v, n = embed_texts(self.enc, res.pieces, cache=cache, keys=res.keys)
            vecs.append(pickle.dumps(v, protocol=pickle.HIGHEST_PROTOCOL))
            embedded.append(n)
        return {"i": batch["i"], "blob": batch["blob"], "vecs": np.array(vecs, dtype=object), "embedded": np.array(embedded)}


def _shard_sink(root: str, spec: str):
    from ray.data import Datasink

    class ShardSink(Datasink):
        """Each write task writes the documents of its blocks as one complete index (a shard)."""

        def write(self, blocks, ctx) -> dict:
            import pandas as pd

            rows: list[tuple[int, object, np.ndarray | None, int]] = []
            for block in blocks:
                df = block.to_pandas() if not isinstance(block, pd.DataFrame) else block
                for i, blob, vec, n in zip(df["i"], df["blob"], df["vecs"], df["embedded"]):
                    rows.append((int(i), pickle.loads(blob), pickle.loads(vec), int(n)))
            rows.sort(key=lambda r: r[0])
            return write_shard(Path(root) / f"shard-{ctx.task_idx:05d}", spec, rows)

        def on_write_complete(self, write_result) -> None:
            results = getattr(write_result, "write_returns", write_result)
            self.results = [r for r in results if r]

    return ShardSink()


def write_shard(path: Path, spec: str, rows: list[tuple[int, object, np.ndarray | None, int]]) -> dict:
    """One shard: a complete index of the documents of ``rows`` (file index, PreparedDoc or
    InputError, sentence vectors, texts encoded), and what the merge needs to know of it."""
    from .index import _write_dense, write_new_version
    from .ivf import TRAIN_MAX
    from .parallel import Prepared

    docs = [r for r in rows if not isinstance(r[1], InputError)]
    out = {"path": str(path), "files": [r[0] for r in docs], "docs": [(r[1].doc.doc_id, str(r[1].doc.path)) for r in docs],
           "errors": [(r[0], str(r[1])) for r in rows if isinstance(r[1], InputError)], "sample": []}
    if not docs:
        return out
    enc = get_encoder(spec)  # the model is not loaded: only its id and dimension are needed
    prepared = Prepared([r[1] for r in docs])
    dim = enc.dim
    vecs = np.vstack([r[2] for r in docs if r[2] is not None]) if any(r[2] is not None for r in docs) else np.zeros((0, dim), np.float32)
    write_new_version(path, [], lambda root, version: _write_dense(root, version, enc, prepared, [], [], None, None, None, None,
                                                                   embedded_vectors=(vecs, sum(r[3] for r in docs))))
    # the shard's candidates for the merged index's training sample: its smallest distinct keys
    _, keys, _ = prepared.pieces()
    first: dict[bytes, int] = {}
    for j, k in enumerate(keys):
        first.setdefault(k, j)
    out["sample"] = [(k, first[k]) for k in sorted(first)[:TRAIN_MAX]]
    return out


# -- the merge ---------------------------------------------------------------------------------

@dataclass
class _Part:
    index: object  # ClauseIndex
    first_row: int  # of each document, in the shard
    doc_rows: dict  # doc_id -> (start, end) rows in the shard


def merge_shards(shards: Sequence[str | Path], index_dir: str | Path, order: Sequence[str] | None = None,
                 sample: Sequence[tuple[bytes, int, int]] | None = None, cache=None, embedded: int = 0,
                 progress: Progress | None = None, inputs: Sequence[Path] = ()) -> Manifest:
    """One new version of ``index_dir`` holding every document of the ``shards`` (complete indexes,
    none with removed documents), documents in ``order`` (their ids; default: shard by shard).

    ``sample``: the training sample's candidates as (key, shard number, sentence id in it); without
    it the keys are computed from the clause texts."""
    from .index import _corpus_hash, write_new_version
    from .reader import open_index

    parts = []
    try:
        for d in shards:
            idx = open_index(d, load_encoder=False)
            if idx.manifest.deleted:
                raise IndexStoreError(f"{display(d)}: a shard with removed documents cannot be merged (rebuild the shard)")
            spans = {doc: (rows[0], rows[-1] + 1) for doc in idx.doc_ids() for rows in [idx.store.rows_for_doc(doc)] if rows}
            parts.append(_Part(idx, 0, spans))
        first = parts[0].index.manifest if parts else None
        if first is None:
            raise InputError("no shards to merge")
        for p in parts[1:]:
            for what in ("encoder", "dim", "dictionary_hash", "unit_chars", "bm25"):
                if getattr(p.index.manifest, what) != getattr(first, what):
                    raise IndexStoreError(f"{p.index.path}: shard built with another {what} than {parts[0].index.path}")
        where = {doc: s for s, p in enumerate(parts) for doc in p.doc_rows}
        n_docs = sum(len(p.doc_rows) for p in parts)
        if len(where) != n_docs:
            raise IndexStoreError("a document id is in more than one shard: shards must hold disjoint documents")
        order = list(order) if order is not None else [doc for p in parts for doc in p.index.doc_ids()]
        if sorted(order) != sorted(where):
            raise IndexStoreError("the merge order does not name every document of the shards exactly once")
        return write_new_version(Path(index_dir), inputs, lambda root, version: _write_merged(
            root, version, parts, where, order, sample, cache, embedded, progress, _corpus_hash))
    finally:
        for p in parts:
            p.index.close()


def _write_merged(root: Path, version: int, parts: list[_Part], where: dict, order: list[str], sample, cache, embedded: int,
                  progress, corpus_hash) -> Manifest:
    import faiss

    from .ivf import build_faiss, faiss_factory_for, trained_dir
    from .postings import merge_segment_arrays, save_segment
    from .store import ClauseStore

    tick = progress or (lambda *a: None)
    m0 = parts[0].index.manifest
    name = f"v{version:06d}"
    tmp = layout.new_building_dir(root, name)
    with writing_version(root, tmp):
        # rows, sentence ids and unit ids of the merged index, document by document in ``order``
        row_maps = [np.full(p.index.n_rows, -1, dtype=np.int64) for p in parts]
        sent_maps = [np.full(p.index.manifest.sentence_ids, -1, dtype=np.int64) for p in parts]
        unit_maps = [np.full(p.index.manifest.unit_ids, -1, dtype=np.int64) for p in parts]
        unit_owners = [np.asarray(p.index.units[:, 0], dtype=np.int64) for p in parts]
        runs = []  # (shard, rows a..b, sentences sa..sb, new row, new sentence id)
        unit_runs = []  # (shard, units ua..ub)
        row = sid = uid = 0
        for doc in order:
            s = where[doc]
            a, b = parts[s].doc_rows[doc]
            owner = parts[s].index.sentence_owner
            sa, sb = int(np.searchsorted(owner, a, side="left")), int(np.searchsorted(owner, b, side="left"))
            ua, ub = int(np.searchsorted(unit_owners[s], a, side="left")), int(np.searchsorted(unit_owners[s], b, side="left"))
            row_maps[s][a:b] = np.arange(row, row + b - a)
            sent_maps[s][sa:sb] = np.arange(sid, sid + sb - sa)
            unit_maps[s][ua:ub] = np.arange(uid, uid + ub - ua)
            runs.append((s, a, b, sa, sb, row, sid))
            unit_runs.append((s, ua, ub))
            row += b - a
            sid += sb - sa
            uid += ub - ua
        n_rows, n_sent, dim = row, sid, m0.dim
        units = np.concatenate([np.asarray(parts[s].index.units[ua:ub], dtype=np.int32) for s, ua, ub in unit_runs]) if unit_runs else np.zeros((0, 4), np.int32)
        k = 0
        for s, ua, ub in unit_runs:
            units[k:k + ub - ua, 0] = row_maps[s][unit_owners[s][ua:ub]]
            k += ub - ua
        np.save(tmp / "units.npy", units)
        tick("merging", 0, n_rows)
        sv = np.lib.format.open_memmap(tmp / "sentences.npy", mode="w+", dtype=np.float16, shape=(n_sent, dim))
        cv = np.lib.format.open_memmap(tmp / "vectors.npy", mode="w+", dtype=np.float16, shape=(n_rows, dim))
        own = np.empty(n_sent, dtype=np.int32)
        for s, a, b, sa, sb, r, si in runs:
            idx = parts[s].index
            sv[si:si + sb - sa] = idx.sentence_vectors[sa:sb]
            cv[r:r + b - a] = idx.vectors[a:b]
            own[si:si + sb - sa] = row_maps[s][np.asarray(idx.sentence_owner[sa:sb], dtype=np.int64)]
        sv.flush()
        cv.flush()
        np.save(tmp / "sentence_owner.npy", own)
        tick("merging", n_rows // 2, n_rows)

        store = ClauseStore(tmp / "clauses.sqlite", create=True)
        db = store.db
        for s, p in enumerate(parts):
            db.execute("ATTACH DATABASE ? AS shard", (str(p.index.path / "clauses.sqlite"),))
            live = np.flatnonzero(row_maps[s] >= 0)
            with db:
                db.execute("CREATE TEMP TABLE rowmap (old INTEGER PRIMARY KEY, new INTEGER)")
                db.executemany("INSERT INTO rowmap VALUES (?, ?)", zip(live.tolist(), row_maps[s][live].tolist()))
                db.execute("INSERT INTO documents SELECT * FROM shard.documents")
                db.execute("INSERT INTO clauses SELECT m.new, c.clause_id, c.doc_id, c.kind, c.numbering, c.level, c.path, c.path_label, "
                           'c.heading, c.text, c.start, c."end", c.parent_id, c.fields, c.duplicate_of, c.tokens, c.text_key '
                           "FROM shard.clauses c JOIN rowmap m ON m.old = c.row ORDER BY m.new")
                db.execute("DROP TABLE rowmap")
            db.execute("DETACH DATABASE shard")
        shas = [r[0] for r in db.execute("SELECT sha256 FROM documents")]
        n_docs = len(shas)
        store.close()
        tick("merging", n_rows, n_rows)

        seg = f"s{version:06d}"
        tick("lexical", 0, len(FIELDS))
        for k, fld in enumerate(FIELDS):
            arrays, maps = [], []
            for s, p in enumerate(parts):
                for segment in getattr(p.index.lexical, fld).segments:  # ClauseIndex.lexical.words / .chars: over unit ids
                    arrays.append(segment.arrays)
                    maps.append(unit_maps[s])
            save_segment(tmp / fld, seg, merge_segment_arrays(arrays, maps))
            tick("lexical", k + 1, len(FIELDS))

        factory, nprobe = faiss_factory_for(n_sent)
        chosen = _training_sample(parts, sent_maps, sample, n_sent) if not factory.startswith("IDMap") else None
        fi = build_faiss(sv, factory, nprobe, sample=chosen, encoder_id=m0.encoder, trained=trained_dir(cache), progress=progress)
        faiss.write_index(fi, str(tmp / "vectors.faiss"))
        del sv, cv
        tick("checksums", 0, 1)
        manifest = write_manifest(tmp, m0.encoder, m0.encoder_spec, dim, factory, nprobe, n_docs, n_rows, n_sent, corpus_hash(shas),
                                  embedded, version=version, segments=[seg])
        publish_version(root, tmp, name, manifest)
        tick("checksums", 1, 1)
    return manifest


def _training_sample(parts, sent_maps, sample, n_sent) -> tuple[np.ndarray, list[bytes]]:
    """The training sample of the merged index — what :func:`.ivf.train_sample` picks over the
    merged sentences: the ``TRAIN_MAX`` smallest distinct keys, each at its first position.

    ``sample`` holds each shard's candidates (key, shard, sentence id): its own smallest distinct
    keys at their first position. A key among the smallest of all is among the smallest of every
    shard holding it, so the candidates contain the answer. Without them every sentence is keyed
    from its clause text."""
    from ..reading.segment import sentences
    from .encoders import text_key
    from .ivf import TRAIN_MAX

    if n_sent <= TRAIN_MAX:
        return np.arange(n_sent), []
    if sample is None:
        sample = []
        for s, p in enumerate(parts):
            owner = p.index.sentence_owner
            for r in p.index.store.raw_rows(np.flatnonzero(p.index.live).tolist()):
                sa = int(np.searchsorted(owner, r["row"], side="left"))
                sample.extend((text_key(r["text"][a:b]), s, sa + j) for j, (a, b) in enumerate(sentences(r["text"])))
    first: dict[bytes, int] = {}
    for key, s, local in sample:
        pos = int(sent_maps[s][local])
        if pos >= 0 and (key not in first or pos < first[key]):
            first[key] = pos
    keys = sorted(first)[:TRAIN_MAX]
    pairs = sorted((first[k], k) for k in keys)
    return np.array([p for p, _ in pairs], dtype=np.int64), [k for _, k in pairs]


# -- the entry point ---------------------------------------------------------------------------

def _connect(ray, address: str | None, workers: int) -> bool:
    """Connect to ``address`` or start a local Ray; True when we started it (and stop it after)."""
    if ray.is_initialized():
        return False
    os.environ.setdefault("RAY_BACKEND_LOG_LEVEL", "fatal")  # the C++ core's notices go to stderr otherwise
    kwargs = dict(log_to_driver=False, include_dashboard=False, logging_level=logging.ERROR)
    try:
        if address:
            ray.init(address=address, **kwargs)
        else:
            ray.init(num_cpus=workers, **kwargs)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        where = f"the Ray cluster at {address}" if address else "a local Ray"
        raise IndexStoreError(f"cannot start or reach {where}: {str(exc).splitlines()[0][:200]}") from exc
    return True


def build_distributed(paths: Sequence[str | Path] | str | Path, index_dir: str | Path, encoder: str | Encoder | None = None,
                      cache=None, address: str | None = None, workers: int | None = None, shards: int | None = None,
                      progress: Progress | None = None) -> Manifest:
    """Build an index of every document under ``paths`` on a Ray cluster (see the module docstring):
    the same index as :func:`~.index.build_index` of the same files."""
    from ..reading.corpus import collect_read, select_inputs

    ray = _ray()
    paths = layout.as_path_list(paths)
    index_dir = Path(index_dir)
    layout.check_target(index_dir, paths, "build")
    if encoder is None:  # the rule of a local build: a rebuild keeps its encoder, a new index gets the default
        from .index import encoder_for_build

        encoder, notice = encoder_for_build(index_dir)
        if notice:
            log.warning(notice)
    enc = get_encoder(encoder) if isinstance(encoder, str) else encoder
    spec = getattr(enc, "spec", None)
    if not isinstance(spec, str):
        raise InputError("--engine ray needs an encoder given by name (use, e5, minilm or st:…): workers load their own")
    sel = select_inputs(paths)
    if not sel.files:
        collect_read(sel, paths, [])  # the usual "no documents found" line
    workers = workers or available_cores()
    started = _connect(ray, address, workers)
    for name in ("ray", "ray.data"):
        logging.getLogger(name).setLevel(logging.ERROR)
    ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = False  # the CLI shows its own; Ray's dashboard shows the operators'
    ctx.print_on_execution_start = False
    cache_path = str(cache.path) if isinstance(cache, EmbeddingCache) else None
    root = Path(os.path.realpath(index_dir))
    root.parent.mkdir(parents=True, exist_ok=True)
    staging = root.parent / f".{root.name}.shards-{os.getpid()}"
    tick = progress or (lambda *a: None)
    try:
        if staging.exists():
            shutil.rmtree(staging)
        staging.mkdir()
        n_cpus = max(1, int(ray.cluster_resources().get("CPU", workers)))
        n_shards = shards or max(1, min(len(sel.files), n_cpus if address else workers))
        items = [{"i": i, "path": os.path.abspath(f), "display": str(f)} for i, f in enumerate(sel.files)]
        tick("reading", 0, len(items))
        ds = ray.data.from_items(items, override_num_blocks=min(len(items), max(n_shards, 4 * n_cpus)))
        ds = ds.map(_read_row)
        ds = ds.map_batches(_Embedder, fn_constructor_kwargs={"spec": spec, "cache_path": cache_path, "threads": 1},
                            batch_size=EMBED_BATCH, compute=ray.data.ActorPoolStrategy(size=max(1, min(workers, n_cpus))), num_cpus=1)
        ds = ds.repartition(n_shards)
        sink = _shard_sink(str(staging), spec)
        ds.write_datasink(sink)
        results = sorted(sink.results, key=lambda r: min(r["files"] + [e[0] for e in r["errors"]] or [0]))
        tick("reading", len(items), len(items))
        # the reading rules of a local build: a named file that failed stops it, a walked one is skipped
        by_file: dict[int, object] = {}
        for r in results:
            for i, (doc_id, path) in zip(r["files"], r["docs"]):
                by_file[i] = SimpleNamespace(doc_id=doc_id, path=path)
            for i, msg in r["errors"]:
                by_file[i] = InputError(msg)
        got = collect_read(sel, paths, [by_file[i] for i in range(len(sel.files))])
        order = [d.doc_id for d in got]
        shard_dirs = [Path(r["path"]) for r in results if r["docs"]]
        cand = [(k, s, j) for s, r in enumerate(r for r in results if r["docs"]) for k, j in r["sample"]]
        m = merge_shards(shard_dirs, index_dir, order=order, sample=cand, cache=cache, progress=progress, inputs=paths,
                         embedded=_embedded(shard_dirs))
        return m
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
        if started:
            ray.shutdown()


def _embedded(shard_dirs: Sequence[Path]) -> int:
    from .reader import read_manifest

    return sum(read_manifest(d).embedded for d in shard_dirs)
