"""Opening an index version: resolve the pointer once, verify the manifest and every file, and
open them all (memory-mapped arrays, read-only SQLite, memory-mapped FAISS).

:class:`ClauseIndex` is the interface search and diff-plans use: ``lexical`` (BM25 over retrieval
units, scored back to clause rows: :class:`~.units.LexicalIndex`), ``dense_scores``,
``sentence_rows``, ``faiss``, ``store``, ``manifest``, ``sentence_owner``, ``vectors``,
``sentence_vectors``, ``units``, ``live``, ``n_rows``.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import IndexStoreError
from ..reading.document import Document
from . import layout
from .encoders import Encoder, get_encoder
from .layout import FORMAT_VERSION, display
from .lexical import dictionary_hash
from .manifest import FIELDS, Manifest, validate_manifest, verify_files
from .postings import Segment, SegmentedBM25
from .store import ClauseStore
from .units import UNIT_COLUMNS, LexicalIndex


def _faiss():
    try:
        import faiss
    except ImportError as exc:  # pragma: no cover - core dependency
        raise IndexStoreError("the index needs faiss: pip install faiss-cpu") from exc
    return faiss


@dataclass
class IndexedDocument(Document):
    """A document read back from an index: no original text (``text`` is empty), but the index row of
    every clause, so its stored embeddings and tokens can be used instead of recomputed."""

    index_rows: dict[str, int] = field(default_factory=dict)  # clause id → clause row in the index
    index_tokens: dict[str, list[str]] = field(default_factory=dict)  # clause id → stored jieba tokens


class ClauseIndex:
    """An opened, verified version of an index: manifest, clause store, FAISS, BM25 and the encoder.

    Every file is opened (memory-mapped where it is an array) when the index is opened, so a
    long-lived ``ClauseIndex`` keeps reading the version it opened even after a writer publishes
    another one and removes this one.
    """

    def __init__(self, path: Path, manifest: Manifest, store: ClauseStore, faiss_index, lexical: LexicalIndex, encoder: Encoder | None,
                 arrays: dict[str, np.ndarray], live: np.ndarray):
        self.path = path  # the version directory
        self.manifest = manifest
        self.store = store
        self.faiss = faiss_index
        self.lexical = lexical
        self.encoder = encoder
        self.units = arrays["units"]  # per unit id: clause row, start, end, token count (units.npy)
        self.vectors = arrays["vectors"]  # clause embeddings (float16, memory-mapped; row = clause row)
        self.sentence_vectors = arrays["sentences"]  # sentence embeddings (float16, memory-mapped; row = sentence id)
        self.sentence_owner = arrays["owner"]  # clause row of each sentence id, -1 once removed
        self.live = live  # live clause rows
        self._first = None
        self._counts = None
        self._docs: dict[str, dict] | None = None

    @property
    def n_rows(self) -> int:
        """Size of the clause row space (per-clause arrays, BM25 scores): live and dead rows."""
        return self.manifest.rows

    def _sentence_runs(self) -> tuple[np.ndarray, np.ndarray]:
        if self._first is None:
            owner = self.sentence_owner
            live = np.flatnonzero(owner >= 0)
            lo = owner[live].astype(np.int64)
            counts = np.bincount(lo, minlength=self.n_rows)
            pos = np.searchsorted(lo, np.arange(self.n_rows))
            first = live[np.minimum(pos, max(len(live) - 1, 0))] if len(live) else np.zeros(self.n_rows, np.int64)
            self._first, self._counts = first.astype(np.int64), counts.astype(np.int64)
        return self._first, self._counts

    def unit_span(self, row: int) -> tuple[int, np.ndarray]:
        """The first unit id of clause ``row`` and its rows of ``units.npy`` (a clause's units are consecutive)."""
        first, end = self.lexical.unit_range(row)
        return first, np.asarray(self.units[first:end])

    def sentence_rows(self, clause_rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """All sentence ids of ``clause_rows`` and, per clause, where its run starts in that list."""
        first, counts = self._sentence_runs()
        clause_rows = np.asarray(clause_rows, dtype=np.int64)
        starts_in, lengths = first[clause_rows], counts[clause_rows]
        offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
        idx = np.repeat(starts_in - offsets, lengths) + np.arange(int(lengths.sum()))
        return idx, offsets

    def dense_scores(self, clause_rows: np.ndarray, qv: np.ndarray) -> np.ndarray:
        """Best-sentence cosine of each clause in ``clause_rows`` with query vector ``qv``."""
        if len(clause_rows) == 0:
            return np.zeros(0, dtype=np.float32)
        idx, starts = self.sentence_rows(clause_rows)
        sims = np.asarray(self.sentence_vectors[idx], dtype=np.float32) @ qv
        return np.maximum.reduceat(sims, starts)

    def document(self, doc_id: str) -> IndexedDocument:
        """A document rebuilt from the index (clauses, tree and metadata; no original file needed)."""
        from ..reading.clean import CleanResult
        from ..reading.metadata import DocMeta
        from ..reading.segment import Clause

        if self._docs is None:
            self._docs = {d["doc_id"]: d for d in self.store.documents()}
        docs = self._docs
        if doc_id not in docs:
            raise IndexStoreError(f"document id '{doc_id}' is not in index {display(self.root)}")
        d = docs[doc_id]
        meta = DocMeta(**{k: v for k, v in json.loads(d["meta"]).items() if k in DocMeta.__dataclass_fields__})
        rows = self.store.clauses_by_rows(self.store.rows_for_doc(doc_id))
        clauses = [
            Clause(r["clause_id"], doc_id, tuple(r["path"]), r["kind"], r["heading"], r["text"], (r["start"], r["end"]),
                   r["level"], r["parent_id"], r["fields"], r["duplicate_of"], r["numbering"])
            for r in sorted(rows.values(), key=lambda r: r["row"])
        ]
        return IndexedDocument(doc_id, Path(d["path"]), "", "index", "", meta, clauses, any(c.kind == "body" for c in clauses), CleanResult([]),
                               index_rows={r["clause_id"]: r["row"] for r in rows.values()},
                               index_tokens={r["clause_id"]: (r["tokens"] or "").split() for r in rows.values()})

    def doc_ids(self) -> list[str]:
        return [d["doc_id"] for d in self.store.documents()]

    @property
    def root(self) -> Path:
        """What the user named: the index, not its version inside (messages name this)."""
        return self.path.parent if (self.path.parent / layout.POINTER).exists() else self.path

    def close(self) -> None:
        self.store.close()


def version_dir(index_dir: Path) -> Path:
    """The version directory ``index_dir`` stands for: its current version, or itself when it is
    a version (or a flat index written by the benchmark scripts)."""
    if (index_dir / layout.POINTER).exists():
        return index_dir / layout.current_version(index_dir)  # type: ignore[operator]
    if not index_dir.exists():
        raise IndexStoreError(f"{display(index_dir)}: index not found (build it with: lawgov-nlp index build)")
    if not index_dir.is_dir() or not (index_dir / layout.MANIFEST).is_file():
        raise IndexStoreError(f"{display(index_dir)}: not a lawgov-nlp index (no {layout.POINTER} and no manifest.json)")
    return index_dir


def read_manifest(index_dir: Path) -> Manifest:
    vdir = version_dir(Path(index_dir))
    return _read_version_manifest(Path(index_dir), vdir)


def _read_version_manifest(index_dir: Path, vdir: Path) -> Manifest:
    mpath = vdir / layout.MANIFEST
    if not mpath.is_file():
        raise IndexStoreError(f"{display(index_dir)}: version {vdir.name} has no manifest.json: the index is damaged")
    data = layout.read_json(mpath, "manifest")
    if layout.is_legacy(data):
        raise IndexStoreError(f"{display(index_dir)}: index format version {data['format_version']}, this lawgov-nlp reads version {FORMAT_VERSION}: "
                              f"rebuild it with lawgov-nlp index build … --index {display(index_dir)}")
    if not layout.is_ours(data):
        raise IndexStoreError(f"{display(index_dir)}: not a lawgov-nlp index (its manifest.json is not one of ours)")
    if data.get("format_version") != FORMAT_VERSION:
        raise IndexStoreError(f"{display(index_dir)}: index format version {str(data.get('format_version'))[:10]}, this lawgov-nlp "
                              f"reads version {FORMAT_VERSION}: rebuild it with lawgov-nlp index build … --index {display(index_dir)}")
    return validate_manifest(data, display(mpath))


def open_index(index_dir: str | Path, encoder: str | Encoder | None = None, load_encoder: bool = True,
               verify: bool | str = "auto") -> ClauseIndex:
    """Open and check the current version of an index. ``encoder``, when given, must be the one
    that built it. ``verify``: ``auto`` (checksums of files not verified since they last changed),
    ``full`` (every checksum), ``False`` (sizes and structure only)."""
    index_dir = Path(index_dir)
    for attempt in range(5):
        vdir = version_dir(index_dir)
        try:
            return _open_version(index_dir, vdir, encoder, load_encoder, verify)
        except FileNotFoundError:
            # a writer published a new version and removed this one between our reading the
            # pointer and opening its files: read the pointer again
            if attempt == 4 or version_dir(index_dir) == vdir:
                raise IndexStoreError(f"{display(index_dir)}: files of version {vdir.name} are missing: rebuild the index") from None
            time.sleep(0.05)
    raise AssertionError("unreachable")


def _open_version(index_dir: Path, vdir: Path, encoder, load_encoder: bool, verify) -> ClauseIndex:
    manifest = _read_version_manifest(index_dir, vdir)
    where = display(index_dir)
    for name, entry in manifest.files.items():
        p = vdir / name
        if p.is_symlink() or not p.is_file():
            if not p.exists():
                raise FileNotFoundError(p)
            raise IndexStoreError(f"{where}: {name} is not a regular file: rebuild the index")
        size = p.stat().st_size
        if size != entry["size"]:
            raise IndexStoreError(f"{where}: {name} is truncated or changed ({size} bytes, manifest says {entry['size']}): rebuild the index")
    verify_files(vdir, manifest.files, where, verify)
    if manifest.dictionary_hash != dictionary_hash():
        raise IndexStoreError(f"{where}: built with another jieba dictionary ({manifest.dictionary_hash}, now {dictionary_hash()}): rebuild the index")
    enc = None
    if encoder is not None:
        enc = get_encoder(encoder) if isinstance(encoder, str) else encoder
        if enc.id != manifest.encoder:
            raise IndexStoreError(f"{where}: built with encoder '{manifest.encoder}', not '{enc.id}': rebuild it or query with the same encoder")
    elif load_encoder:
        enc = get_encoder(manifest.encoder_spec)
        if enc.id != manifest.encoder:
            raise IndexStoreError(f"{where}: built with encoder '{manifest.encoder}', this installation provides '{enc.id}': rebuild the index")
    faiss = _faiss()
    try:
        # memory-mapped: flat codes (MMAP_IFC) or IVF lists (MMAP); the two flags do not combine
        mmap = faiss.IO_FLAG_MMAP_IFC if manifest.faiss_factory.startswith("IDMap2") else faiss.IO_FLAG_MMAP
        fi = faiss.read_index(str(vdir / "vectors.faiss"), mmap | faiss.IO_FLAG_READ_ONLY)
    except RuntimeError as exc:
        raise IndexStoreError(f"{where}: vectors.faiss is corrupt ({str(exc).splitlines()[0][:120]}): rebuild the index") from exc
    if fi.ntotal != manifest.sentences or fi.d != manifest.dim:
        raise IndexStoreError(f"{where}: vectors.faiss holds {fi.ntotal}×{fi.d}, manifest says {manifest.sentences}×{manifest.dim}: rebuild the index")
    if manifest.nprobe:
        faiss.extract_index_ivf(fi).nprobe = manifest.nprobe
    arrays = {}
    shapes = {"vectors": ((manifest.rows, manifest.dim), np.float16), "sentences": ((manifest.sentence_ids, manifest.dim), np.float16),
              "owner": ((manifest.sentence_ids,), np.int32), "units": ((manifest.unit_ids, UNIT_COLUMNS), np.int32)}
    for key, fname in (("vectors", "vectors.npy"), ("sentences", "sentences.npy"), ("owner", "sentence_owner.npy"), ("units", "units.npy")):
        try:
            a = np.load(vdir / fname, mmap_mode="r", allow_pickle=False)
        except ValueError as exc:
            raise IndexStoreError(f"{where}: {fname} is corrupt ({exc}): rebuild the index") from exc
        shape, dtype = shapes[key]
        if a.shape != shape or a.dtype != dtype:
            raise IndexStoreError(f"{where}: {fname} holds {a.shape} {a.dtype}, manifest says {shape} {np.dtype(dtype)}: rebuild the index")
        arrays[key] = a
    arrays["owner"] = np.array(arrays["owner"])  # small, and searched on every query
    owner = arrays["owner"]
    if len(owner) and (owner.min() < -1 or owner.max() >= manifest.rows) or int((owner >= 0).sum()) != manifest.sentences:
        raise IndexStoreError(f"{where}: sentence_owner.npy does not match the manifest: rebuild the index")
    live = np.ones(manifest.rows, dtype=bool)
    for a, b in manifest.deleted:
        live[a:b] = False
    if int(live.sum()) != manifest.clauses:
        raise IndexStoreError(f"{where}: manifest counts {manifest.clauses} live clauses, its row ranges {int(live.sum())}: rebuild the index")
    store = ClauseStore(vdir / "clauses.sqlite")
    if store.count() != manifest.clauses:
        raise IndexStoreError(f"{where}: clauses.sqlite holds {store.count()} clauses, manifest says {manifest.clauses}: rebuild the index")
    unit_owner = np.array(arrays["units"][:, 0], dtype=np.int64)  # small, and used on every query
    if len(unit_owner) and (unit_owner.min() < 0 or unit_owner.max() >= manifest.rows or np.any(np.diff(unit_owner) < 0)):
        raise IndexStoreError(f"{where}: units.npy names clause rows out of order or outside the index: rebuild the index")
    k1, b = float(manifest.bm25["k1"]), float(manifest.bm25["b"])
    unit_live = live[unit_owner]  # a unit is live exactly when its clause row is
    bm25 = [SegmentedBM25([Segment(vdir, fld, s) for s in manifest.segments], manifest.unit_ids, unit_live, k1, b) for fld in FIELDS]
    return ClauseIndex(vdir, manifest, store, fi, LexicalIndex(bm25[0], bm25[1], unit_owner, manifest.rows), enc, arrays, live)
