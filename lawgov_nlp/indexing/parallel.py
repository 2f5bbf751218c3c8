"""Preparing documents for an index on every core: reading, tokenizing and embedding in worker
processes, everything else in this one.

jieba and the sentence encoders are CPU-bound Python/numpy code that gains little from threads,
so the work is spread over a process pool. Per file, one task in a worker reads, cleans and
segments it (``reading``), then cuts its clauses into retrieval units (:mod:`.units`), tokenizes
them and computes their BM25 postings and the keys of their sentences (``tokenizing``) — postings
of documents computed apart, over unit ids numbered from 0 in each, merge into exactly the arrays
of one segment (:func:`.postings.merge_segment_arrays`), so the index is byte-for-byte what one
process writes.

Sentences not in the embedding cache are then encoded by the workers in batches while this process
alone writes the cache, every :data:`~.encoders.CACHE_CHUNK` texts (no two writers, and an
interrupted build resumes where it stopped). Row numbers are assigned here, in file order, so the
result never depends on which worker finished first.

Small inputs are prepared in this process: starting workers (≈1 s for imports and jieba's
dictionary) costs more than it saves on a few documents (an ``index add``).
"""
from __future__ import annotations

import logging
import os
import signal
import sqlite3
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from ..errors import IndexStoreError, InputError
from ..reading.corpus import collect_read, load_path, select_inputs
from ..reading.document import Document
from .encoders import available_cores, embed_texts, length_batches, text_key

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
SMALL_INPUT_BYTES = 1_000_000  # inputs smaller than this are prepared in-process (auto workers)
ENCODE_BATCH = 64  # texts per encoding task: small enough to balance, large enough to batch


@dataclass
class PreparedDoc:
    """One document ready for an index: its clause rows (numbered from 0, each with its
    ``lexicon``), the sentences to embed with their cache keys and owning clause, its rows of
    ``units.npy`` (clause rows and unit ids from 0) and the BM25 postings of its units per field."""

    doc: Document
    rows: list[dict]
    pieces: list[str]
    keys: list[bytes]
    owner: np.ndarray
    postings: dict[str, dict] = field(default_factory=dict)
    units: np.ndarray = field(default_factory=lambda: np.zeros((0, 4), np.int32))


def analyse(doc: Document) -> PreparedDoc:
    """Clause rows (with their units and tokens), sentences and postings of one document (what a
    worker does)."""
    from ..reading.segment import sentences
    from .postings import segment_arrays
    from .rows import clause_rows as _clause_rows
    from .units import unit_table

    rows = _clause_rows(doc, 0, _KNOWN)
    pieces: list[str] = []
    owner: list[int] = []
    for i, r in enumerate(rows):
        t = r["text"]
        for a, b in sentences(t):
            pieces.append(t[a:b])
            owner.append(i)
    lexicons = [r["lexicon"] for r in rows]
    table = unit_table(range(len(rows)), lexicons)
    ids = list(range(len(table)))
    postings = {"words": segment_arrays(ids, [u for x in lexicons for u in x.tokens]),
                "chars": segment_arrays(ids, [u for x in lexicons for u in x.bigrams])}
    return PreparedDoc(doc, rows, pieces, [text_key(p) for p in pieces], np.asarray(owner, dtype=np.int64), postings, table)


@dataclass
class Prepared:
    """Documents prepared for an index, in input order; rows are numbered from ``start``."""

    docs: list[PreparedDoc]

    @property
    def documents(self) -> list[Document]:
        return [p.doc for p in self.docs]

    @property
    def n_rows(self) -> int:
        return sum(len(p.rows) for p in self.docs)

    def rows(self, start: int = 0) -> list[dict]:
        out: list[dict] = []
        for p in self.docs:
            for r in p.rows:
                out.append({**r, "row": start + len(out)})
        return out

    def pieces(self) -> tuple[list[str], list[bytes], np.ndarray]:
        """All sentences, their keys, and the row (from 0) that owns each."""
        texts: list[str] = []
        keys: list[bytes] = []
        owners = []
        base = 0
        for p in self.docs:
            texts.extend(p.pieces)
            keys.extend(p.keys)
            owners.append(p.owner + base)
            base += len(p.rows)
        return texts, keys, (np.concatenate(owners) if owners else np.zeros(0, np.int64))

    def segments(self, start: int = 0) -> dict[str, dict]:
        """One segment's arrays per field for all documents' units, unit ids from ``start``."""
        from .postings import merge_segment_arrays

        offsets = np.cumsum([0] + [len(p.units) for p in self.docs[:-1]]) + start
        fields = self.docs[0].postings.keys() if self.docs else ()
        return {fld: merge_segment_arrays([p.postings[fld] for p in self.docs], [int(o) for o in offsets]) for fld in fields}

    def unit_table(self, start: int = 0) -> np.ndarray:
        """Rows of ``units.npy`` for all documents, clause rows from ``start``."""
        from .units import UNIT_COLUMNS

        parts = []
        base = start
        for p in self.docs:
            t = np.array(p.units, dtype=np.int32, copy=True)
            t[:, 0] += base
            parts.append(t)
            base += len(p.rows)
        return np.concatenate(parts) if parts else np.zeros((0, UNIT_COLUMNS), np.int32)


# -- workers ------------------------------------------------------------------------------------

_THREADS = 1
_KNOWN: dict[bytes, tuple[str, np.ndarray]] = {}  # units and tokens of texts already cut (see known_tokens), for this build


def _init_worker(threads: int, known: dict | None = None) -> None:
    global _THREADS, _KNOWN
    _THREADS = threads
    if known is not None:  # spawn: sent to each worker; fork: inherited
        _KNOWN = known
    # Ctrl-C goes to the whole process group: the parent alone unwinds, then stops the workers
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logging.getLogger("lawgov_nlp").setLevel(logging.ERROR)  # warnings are the parent's to show


def _read(path: Path) -> Document | InputError:
    try:
        return load_path(path)
    except InputError as exc:
        return exc


def _prepare(path: Path) -> PreparedDoc | InputError:
    res = _read(path)
    return res if isinstance(res, InputError) else analyse(res)


def _encode(spec: str, texts: list[str]) -> np.ndarray:
    from .encoders import get_encoder

    enc = get_encoder(spec)
    if getattr(enc, "_model", True) is None and hasattr(enc, "_threads"):
        enc._threads = _THREADS  # one worker's share of the cores, set before the model loads
    return enc.encode(texts)


class WorkerPool:
    """A process pool for one build; ``workers=1`` runs everything in this process."""

    def __init__(self, workers: int, known_tokens: dict[bytes, tuple[str, np.ndarray]] | None = None):
        self.workers = workers
        self.known = known_tokens or {}
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> WorkerPool:
        global _KNOWN
        _KNOWN = self.known
        if self.workers > 1:
            import multiprocessing as mp

            # fork where there is one: workers start in milliseconds, and a script calling
            # build_index without an ``if __name__ == "__main__"`` guard still works (spawn and
            # forkserver re-run it). They never run FAISS/OpenMP, the code unsafe after a fork.
            ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
            threads = max(1, available_cores() // self.workers)
            known = None if ctx.get_start_method() == "fork" else self.known
            self._pool = ProcessPoolExecutor(self.workers, mp_context=ctx, initializer=_init_worker, initargs=(threads, known))
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        global _KNOWN
        _KNOWN = {}
        if self._pool is None:
            return
        if exc_type is None:
            self._pool.shutdown(wait=True)
            return
        # interrupted or failed: stop the workers now, not after their tasks (no public way to)
        procs = list((getattr(self._pool, "_processes", None) or {}).values())
        self._pool.shutdown(wait=False, cancel_futures=True)
        for p in procs:
            if p.is_alive():
                p.terminate()

    # -- reading and tokenizing ----------------------------------------------------------------
    def prepare(self, files: Sequence[Path], walked: set[Path], progress: Progress | None = None) -> list:
        """For each file, its :class:`PreparedDoc` or the ``InputError`` reading it raised; a file
        named (not found in a folder) that fails stops the build at once."""
        out: list = [None] * len(files)
        n_clauses = 0
        done_clauses = 0
        tick = progress or (lambda *a: None)
        tick("reading", 0, len(files))
        if self._pool is None:
            for i, f in enumerate(files):
                res = _read(f)
                if isinstance(res, InputError) and f not in walked:
                    raise res
                tick("reading", i + 1, len(files))
                if isinstance(res, Document):
                    n_clauses += len(res.clauses)
                    res = analyse(res)
                    done_clauses += len(res.rows)
                    tick("tokenizing", done_clauses, n_clauses)
                out[i] = res
            return out
        # one task per file (read, then tokenize): a document crosses a process boundary once
        futs = {self._pool.submit(_prepare, f): i for i, f in enumerate(files)}
        n_read = 0
        try:
            for fut in _as_done(futs):
                i = futs[fut]
                res = fut.result()
                n_read += 1
                tick("reading", n_read, len(files))
                if isinstance(res, InputError):
                    if files[i] not in walked:
                        raise res
                else:
                    n_clauses += len(res.rows)
                    tick("tokenizing", n_clauses, n_clauses)
                out[i] = res
        except BaseException:
            for fut in futs:
                fut.cancel()
            raise
        return out

    # -- embedding -----------------------------------------------------------------------------
    def encoder_for(self, enc) -> Callable | None:
        """``encode(texts, progress=…)`` spread over the workers, or None (encode in this process)
        when there are no workers or the encoder cannot be rebuilt in one (not from ``get_encoder``)."""
        from .encoders import _ENCODERS

        spec = getattr(enc, "spec", None)
        if self._pool is None or not isinstance(spec, str) or _ENCODERS.get(spec) is not enc:
            return None
        pool = self._pool

        def encode(texts: Sequence[str], progress=None) -> np.ndarray:
            out = np.zeros((len(texts), enc.dim), dtype=np.float32)
            # batches of similar length (little padding), handed out as workers free up
            batches = length_batches(texts, ENCODE_BATCH)
            futs = {pool.submit(_encode, spec, [texts[i] for i in b]): b for b in batches}
            done = 0
            for fut in _as_done(futs):
                b = futs[fut]
                out[b] = fut.result()
                done += len(b)
                if progress:
                    progress(done, len(texts))
            return out

        return encode


def _as_done(futs):
    from concurrent.futures import as_completed

    return as_completed(futs)


# -- the entry points the index uses ------------------------------------------------------------

def known_tokens(index_dir: Path) -> dict[bytes, tuple[str, np.ndarray]]:
    """Tokens and units of the clause texts in the current version of ``index_dir`` (:func:`.rows.raw_key` →
    stored tokens and the clause's rows of ``units.npy``), when it was cut with this tokenization
    (same dictionary hash, which covers the unit rules, and lawgov version); else none. A rebuild
    then runs jieba only on texts the index does not hold yet."""
    from .. import __version__
    from . import layout
    from .lexical import dictionary_hash
    from .reader import read_manifest
    from .rows import raw_key
    from .store import ClauseStore

    try:
        if layout.classify(Path(os.path.realpath(index_dir))) != "index":
            return {}
        m = read_manifest(Path(index_dir))
        if m.dictionary_hash != dictionary_hash() or m.lawgov_version != __version__:
            return {}
        vdir = Path(index_dir) / layout.current_version(Path(index_dir))  # type: ignore[operator]
        units = np.load(vdir / "units.npy", allow_pickle=False)
        owner = units[:, 0].astype(np.int64)
        if len(owner) and np.any(np.diff(owner) < 0):
            return {}
        store = ClauseStore(vdir / "clauses.sqlite")
        try:
            out: dict[bytes, tuple[str, np.ndarray]] = {}
            for row, text, t in store.db.execute("SELECT row, text, tokens FROM clauses"):
                if text is None or t is None:
                    continue
                a, b = np.searchsorted(owner, row, side="left"), np.searchsorted(owner, row, side="right")
                if b > a:
                    out[raw_key(text)] = (t, units[a:b])
            return out
        finally:
            store.close()
    except (IndexStoreError, OSError, ValueError, sqlite3.Error) as exc:
        log.debug("tokens of %s not reused (%s)", index_dir, exc)
        return {}



def resolve_workers(workers: int | None, files: Sequence[Path]) -> int:
    """``workers`` as asked, or (None) every core for inputs worth it and 1 for small ones."""
    if workers is not None:
        if workers < 1:
            raise InputError(f"--workers must be at least 1, got {workers}")
        return workers
    size = 0
    for f in files:
        try:
            size += os.path.getsize(f)
        except OSError:
            pass
        if size >= SMALL_INPUT_BYTES:
            return available_cores()
    return 1


def prepare_inputs(paths: Sequence[Path], pool: WorkerPool, progress: Progress | None = None, sel=None) -> Prepared:
    """Every document under ``paths`` (or the file selection ``sel`` made of them) prepared for an
    index, under the rules of :func:`~lawgov_nlp.reading.corpus.load_documents` (a named file that
    fails raises, a walked one is skipped and summarised, no documents or duplicate ids are refused)."""
    sel = sel if sel is not None else select_inputs(paths)
    results = pool.prepare(sel.files, sel.walked, progress)
    docs = collect_read(sel, paths, results, doc_of=lambda p: p.doc)
    return Prepared(docs)


def embed_prepared(enc, texts: Sequence[str], keys: Sequence[bytes], cache, pool: WorkerPool,
                   progress: Progress | None = None) -> tuple[np.ndarray, int]:
    """Embeddings of the prepared sentences: cached ones read, the rest encoded on the workers."""
    tick = (lambda done, total: progress("embedding", done, total)) if progress else None
    if tick:
        tick(0, len(texts))  # the cache lookup counts as embedding time
    return embed_texts(enc, texts, cache=cache, progress=tick, keys=keys, encode=pool.encoder_for(enc))
