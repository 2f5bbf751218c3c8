"""The clause index on disk: a directory with a manifest that is checked on every load.

    indexes/NAME/
      manifest.json    format version, encoder id, dimension, FAISS factory, counts, hashes, file sizes
      clauses.sqlite   documents and clauses (row number = FAISS id)
      vectors.faiss    normalized sentence embeddings, inner product (FAISS id = sentence row)
      sentences.npy    float16 sentence embeddings, for re-scoring and incremental adds
      sentence_owner.npy   clause row of every sentence (clauses own consecutive sentence rows)
      vectors.npy      float16 clause embeddings (normalized mean of their sentences), for diff-plans
      bm25_words/      BM25 over jieba tokens (bm25s)
      bm25_chars/      BM25 over character bigrams (bm25s)

Writes build a sibling directory and rename it into place, under an exclusive lock, so a crash
or a second writer never leaves a half-written index where a reader can see it.
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import fcntl
import hashlib
import json
import logging
import math
import os
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Sequence

import numpy as np

from .. import __version__
from ..reading.corpus import load_documents
from ..reading.document import Document
from .encoders import DEFAULT_ENCODER, EmbeddingCache, Encoder, embed_sentences, get_encoder, mean_pool, text_key
from ..errors import IndexStoreError, InputError
from .lexical import BM25Index, char_bigrams, dictionary_hash, tokenize
from .store import ClauseStore, json_text

log = logging.getLogger(__name__)

FORMAT_VERSION = 3  # 2: documents carry year_from/year_to (a plan's period) for year filters; 3: clause ids name content (reading.ids)
# Exact search below this many vectors; past it IVF with 8-bit scalar quantization
# (see BENCHMARKS.md: exact search at 100k vectors already costs more than the query budget).
FLAT_MAX = 100_000
INDEX_ROOT = Path("indexes")
Progress = Callable[[str, int, int], None]


@dataclass
class Manifest:
    format_version: int
    encoder: str
    encoder_spec: str
    dim: int
    faiss_factory: str
    metric: str
    nprobe: int
    documents: int
    clauses: int
    sentences: int
    corpus_hash: str
    dictionary_hash: str
    built_at: str
    lawgov_version: str
    embedded: int = 0  # texts sent to the encoder by the build that wrote this index
    files: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2)

    def to_dict(self) -> dict:
        return asdict(self)

    def to_rows(self) -> tuple[list[str], list[dict]]:
        d = self.to_dict()
        d.pop("files")
        return list(d), [d]


@dataclass
class BuildResult:
    """What ``index build``/``add`` did: the index written and its manifest."""

    path: Path
    manifest: Manifest
    verb: str = "built"

    def to_dict(self) -> dict:
        return {"index": str(self.path), **self.manifest.to_dict()}

    def to_rows(self) -> tuple[list[str], list[dict]]:
        cols, rows = self.manifest.to_rows()
        return ["index", *cols], [{"index": str(self.path), **rows[0]}]


@dataclass
class IndexInfo:
    """An index described: its manifest and the documents it holds."""

    path: Path
    manifest: Manifest
    documents: list[dict]

    DOC_COLUMNS = ["doc_id", "title", "issuer", "region", "level", "year", "doc_type", "implements", "path"]

    def to_dict(self) -> dict:
        return {"index": str(self.path), **self.manifest.to_dict(),
                "document_list": [{k: v for k, v in d.items() if k != "meta"} for d in self.documents]}

    def to_rows(self) -> tuple[list[str], list[dict]]:
        return self.DOC_COLUMNS, [{k: d.get(k) for k in self.DOC_COLUMNS} for d in self.documents]


def index_info(index_dir: str | Path) -> IndexInfo:
    idx = open_index(Path(index_dir), load_encoder=False)
    try:
        return IndexInfo(Path(index_dir), idx.manifest, idx.store.documents())
    finally:
        idx.close()


def resolve_index_dir(name_or_path: str | Path | None) -> Path:
    """``--index`` takes a name under ``indexes/`` or a directory path."""
    if name_or_path is None:
        return INDEX_ROOT / "default"
    p = Path(name_or_path)
    if p.is_absolute() or len(p.parts) > 1 or str(name_or_path).startswith("."):
        return p
    return INDEX_ROOT / p


@contextlib.contextmanager
def write_lock(index_dir: Path) -> Iterator[None]:
    """Exclusive writer lock beside the index; released by the OS if the writer dies."""
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    lock_path = index_dir.parent / f".{index_dir.name}.lock"
    fh = open(lock_path, "a+")
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        fh.close()
        raise IndexStoreError(f"{index_dir}: another process is writing this index (lock {lock_path} is held)") from None
    try:
        yield
    finally:
        fcntl.flock(fh, fcntl.LOCK_UN)
        fh.close()


def faiss_factory_for(n: int) -> tuple[str, int]:
    if n <= FLAT_MAX:
        return "IDMap2,Flat", 0
    nlist = int(2 ** round(math.log2(4 * math.sqrt(n))))
    return f"IVF{nlist},SQ8", 32


def _faiss():
    try:
        import faiss
    except ImportError as exc:  # pragma: no cover - core dependency
        raise IndexStoreError("the index needs faiss: pip install faiss-cpu") from exc
    return faiss


def build_faiss(vectors: np.ndarray, factory: str, nprobe: int):
    faiss = _faiss()
    dim = vectors.shape[1]
    index = faiss.index_factory(dim, factory, faiss.METRIC_INNER_PRODUCT)
    x = np.ascontiguousarray(vectors, dtype=np.float32)
    if not index.is_trained:
        rng = np.random.default_rng(0)
        sample = x if len(x) <= 100_000 else x[rng.choice(len(x), 100_000, replace=False)]
        index.train(sample)
    ids = np.arange(len(x), dtype=np.int64)
    index.add_with_ids(x, ids)
    if nprobe:
        faiss.extract_index_ivf(index).nprobe = nprobe
    return index


def _doc_row(doc: Document) -> dict:
    m = doc.meta
    return {
        "doc_id": doc.doc_id, "title": doc.title, "issuer": m.issuer, "region": m.region, "level": m.level,
        "year": m.year, "doc_type": m.doc_type, "implements": m.implements, "path": str(doc.path),
        "sha256": doc.sha256, "meta": json_text(m.to_dict()), "year_from": (m.years() or (None, None))[0], "year_to": (m.years() or (None, None))[1],
    }


def _clause_rows(doc: Document, start_row: int) -> list[dict]:
    rows = []
    for k, c in enumerate(doc.clauses):
        rows.append({
            "row": start_row + k, "clause_id": c.id, "doc_id": doc.doc_id, "kind": c.kind, "numbering": c.numbering,
            "level": c.level, "path": json_text(list(c.path)), "path_label": doc.path_label(c), "heading": c.heading,
            "text": c.text, "start": c.span[0], "end": c.span[1], "parent_id": c.parent_id,
            "fields": json_text(c.fields), "duplicate_of": c.duplicate_of, "tokens": " ".join(tokenize(c.text)),
            "text_key": text_key(c.text),
        })
    return rows


def _corpus_hash(shas: Sequence[str]) -> str:
    return hashlib.sha256("\n".join(sorted(shas)).encode()).hexdigest()[:16]


def build_index(
    paths: Sequence[str | Path],
    index_dir: str | Path,
    encoder: str | Encoder = DEFAULT_ENCODER,
    cache: EmbeddingCache | None = None,
    progress: Progress | None = None,
) -> Manifest:
    """Build an index of every document under ``paths`` into ``index_dir`` (replacing it atomically)."""
    index_dir = Path(index_dir)
    _check_target(index_dir)
    docs = load_documents(paths)
    enc = get_encoder(encoder) if isinstance(encoder, str) else encoder
    with write_lock(index_dir):
        return _write_index(index_dir, enc, docs, [], None, cache, progress)


def add_to_index(
    paths: Sequence[str | Path], index_dir: str | Path, cache: EmbeddingCache | None = None, progress: Progress | None = None
) -> Manifest:
    """Add (or replace, by document id) documents in an existing index; stored clauses are not re-embedded."""
    index_dir = Path(index_dir)
    docs = load_documents(paths)
    with write_lock(index_dir):
        old = open_index(index_dir)
        enc = old.encoder
        replaced = {d.doc_id for d in docs}
        keep_rows = [r for r in old.store.all_clause_rows() if r["doc_id"] not in replaced]
        keep_docs = [r for r in old.store.documents() if r["doc_id"] not in replaced]
        vectors = None
        if keep_rows:
            owner = old.sentence_owner
            keep_mask = np.isin(owner, [r["row"] for r in keep_rows])
            vectors = (np.asarray(old.sentence_vectors[keep_mask], dtype=np.float32), owner[keep_mask])
        old.close()
        return _write_index(index_dir, enc, docs, keep_rows, (keep_docs, vectors), cache, progress)


def _write_index(index_dir: Path, enc: Encoder, docs: list[Document], keep_rows: list[dict], keep, cache, progress) -> Manifest:
    tmp = index_dir.parent / f".{index_dir.name}.building-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    try:
        store = ClauseStore(tmp / "clauses.sqlite", create=True)
        keep_docs, keep_vectors = keep if keep else ([], None)
        # renumber kept rows densely, then append the new documents
        for i, r in enumerate(keep_rows):
            r["row"] = i
        rows = list(keep_rows)
        for d in docs:
            rows.extend(_clause_rows(d, len(rows)))
        if not rows:
            raise InputError("no clauses to index")
        store.add_documents(keep_docs + [_doc_row(d) for d in docs])
        store.add_clauses(rows)
        new_rows = rows[len(keep_rows):]
        tick = (lambda done, total: progress("embedding", done, total)) if progress else None
        new_vecs, new_owner, embedded = embed_sentences(enc, [r["text"] for r in new_rows], cache=cache, progress=tick)
        sent_owner = new_owner + len(keep_rows)
        if keep_vectors is None:
            svecs, owner = new_vecs, sent_owner
        else:
            # kept rows were renumbered densely above in the same order, so remap their owners
            old_rows = sorted(set(keep_vectors[1].tolist()))
            remap = {old: new for new, old in enumerate(old_rows)}
            owner = np.concatenate([np.array([remap[o] for o in keep_vectors[1].tolist()], dtype=np.int64), sent_owner])
            svecs = np.vstack([keep_vectors[0], new_vecs])
        factory, nprobe = write_payload(tmp, rows, svecs, owner, enc.dim)
        shas = [d["sha256"] for d in keep_docs] + [d.sha256 for d in docs]
        store.close()
        manifest = write_manifest(tmp, enc.id, getattr(enc, "spec", enc.id), enc.dim, factory, nprobe,
                                  len(keep_docs) + len(docs), len(rows), len(svecs), _corpus_hash(shas), embedded)
        _swap_into_place(tmp, index_dir)
        return manifest
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def write_payload(tmp: Path, rows: list[dict], svecs: np.ndarray, owner: np.ndarray, dim: int, factory: tuple[str, int] | None = None) -> tuple[str, int]:
    """Vectors, FAISS and BM25 files of an index from its clause rows and sentence embeddings.

    A row may carry precomputed ``bigrams`` (benchmarks replicate real clauses that way);
    otherwise they are taken from its text.
    """
    faiss = _faiss()
    clause_vecs = mean_pool(svecs, owner, len(rows))
    factory, nprobe = factory or faiss_factory_for(len(svecs))
    faiss.write_index(build_faiss(svecs, factory, nprobe), str(tmp / "vectors.faiss"))
    np.save(tmp / "sentences.npy", svecs.astype(np.float16))
    np.save(tmp / "sentence_owner.npy", owner.astype(np.int32))
    np.save(tmp / "vectors.npy", clause_vecs.astype(np.float16))
    BM25Index().fit([r["tokens"].split() if isinstance(r["tokens"], str) else r["tokens"] for r in rows]).save(tmp / "bm25_words")
    BM25Index().fit([r["bigrams"] if "bigrams" in r else char_bigrams(r["text"]) for r in rows]).save(tmp / "bm25_chars")
    return factory, nprobe


def write_manifest(tmp: Path, encoder_id: str, encoder_spec: str, dim: int, factory: str, nprobe: int,
                   documents: int, clauses: int, n_sentences: int, corpus_hash: str, embedded: int) -> Manifest:
    manifest = Manifest(
        FORMAT_VERSION, encoder_id, encoder_spec, dim, factory, "inner_product", nprobe, documents, clauses, n_sentences,
        corpus_hash, dictionary_hash(), _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        __version__, embedded, _file_sizes(tmp),
    )
    (tmp / "manifest.json").write_text(manifest.to_json(), encoding="utf-8")
    return manifest


def _file_sizes(d: Path) -> dict[str, int]:
    return {str(p.relative_to(d)): p.stat().st_size for p in sorted(d.rglob("*")) if p.is_file() and p.name != "manifest.json"}


def _check_target(index_dir: Path) -> None:
    """Only an index, an empty directory or nothing may be replaced: never a user's folder."""
    if index_dir.exists() and (not index_dir.is_dir() or (any(index_dir.iterdir()) and not (index_dir / "manifest.json").exists())):
        raise IndexStoreError(f"{index_dir}: exists and is not an index; refusing to replace it (choose another --index)")


def _swap_into_place(tmp: Path, index_dir: Path) -> None:
    old = index_dir.parent / f".{index_dir.name}.old-{os.getpid()}"
    if index_dir.exists():
        os.rename(index_dir, old)
    try:
        os.rename(tmp, index_dir)
    except BaseException:
        if old.exists() and not index_dir.exists():
            os.rename(old, index_dir)  # put the previous index back
        raise
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)


@dataclass
class IndexedDocument(Document):
    """A document read back from an index: no original text (``text`` is empty), but the index row of
    every clause, so its stored embeddings and tokens can be used instead of recomputed."""

    index_rows: dict[str, int] = field(default_factory=dict)  # clause id → clause row in the index
    index_tokens: dict[str, list[str]] = field(default_factory=dict)  # clause id → stored jieba tokens


class ClauseIndex:
    """An opened, validated index: manifest, clause store, FAISS, BM25 and the encoder."""

    def __init__(self, path: Path, manifest: Manifest, store: ClauseStore, faiss_index, words: BM25Index, chars: BM25Index, encoder: Encoder | None):
        self.path = path
        self.manifest = manifest
        self.store = store
        self.faiss = faiss_index
        self.words = words
        self.chars = chars
        self.encoder = encoder
        self._vectors = None
        self._sentences = None
        self._owner = None
        self._offsets = None
        self._docs: dict[str, dict] | None = None

    @property
    def vectors(self) -> np.ndarray:
        """Clause embeddings (memory-mapped float16; rows match clause rows)."""
        if self._vectors is None:
            self._vectors = np.load(self.path / "vectors.npy", mmap_mode="r")
        return self._vectors

    @property
    def sentence_vectors(self) -> np.ndarray:
        if self._sentences is None:
            self._sentences = np.load(self.path / "sentences.npy", mmap_mode="r")
        return self._sentences

    @property
    def sentence_owner(self) -> np.ndarray:
        if self._owner is None:
            self._owner = np.load(self.path / "sentence_owner.npy")
        return self._owner

    @property
    def sentence_offsets(self) -> np.ndarray:
        """``offsets[c]:offsets[c+1]`` are clause ``c``'s sentence rows."""
        if self._offsets is None:
            counts = np.bincount(self.sentence_owner, minlength=self.manifest.clauses)
            self._offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        return self._offsets

    def sentence_rows(self, clause_rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """All sentence rows of ``clause_rows`` and, per clause, where its run starts in that list."""
        off = self.sentence_offsets
        starts, ends = off[clause_rows], off[clause_rows + 1]
        lengths = ends - starts
        idx = np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths) + np.arange(lengths.sum())
        return idx, np.concatenate([[0], np.cumsum(lengths)[:-1]])

    def dense_scores(self, clause_rows: np.ndarray, qv: np.ndarray) -> np.ndarray:
        """Best-sentence cosine of each clause in ``clause_rows`` with query vector ``qv``."""
        if len(clause_rows) == 0:
            return np.zeros(0, dtype=np.float32)
        idx, starts = self.sentence_rows(clause_rows)
        sims = np.asarray(self.sentence_vectors[idx], dtype=np.float32) @ qv
        return np.maximum.reduceat(sims, starts)

    def document(self, doc_id: str) -> "IndexedDocument":
        """A document rebuilt from the index (clauses, tree and metadata; no original file needed)."""
        from ..reading.clean import CleanResult
        from ..reading.metadata import DocMeta
        from ..reading.segment import Clause

        if self._docs is None:
            self._docs = {d["doc_id"]: d for d in self.store.documents()}
        docs = self._docs
        if doc_id not in docs:
            raise IndexStoreError(f"document id '{doc_id}' is not in index {self.path}")
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

    def close(self) -> None:
        self.store.close()


def read_manifest(index_dir: Path) -> Manifest:
    mpath = index_dir / "manifest.json"
    if not index_dir.exists():
        raise IndexStoreError(f"{index_dir}: index not found (build it with: lawgov-nlp index build)")
    if not mpath.exists():
        raise IndexStoreError(f"{index_dir}: not an index (no manifest.json)")
    try:
        data = json.loads(mpath.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise IndexStoreError(f"{mpath}: manifest is corrupt ({exc})") from exc
    version = data.get("format_version")
    if version != FORMAT_VERSION:
        raise IndexStoreError(f"{index_dir}: index format version {version}, this lawgov-nlp reads version {FORMAT_VERSION}: rebuild it with lawgov-nlp index build")
    try:
        return Manifest(**data)
    except TypeError as exc:
        raise IndexStoreError(f"{mpath}: manifest has unexpected fields ({exc})") from exc


def open_index(index_dir: str | Path, encoder: str | Encoder | None = None, load_encoder: bool = True) -> ClauseIndex:
    """Open and check an index. ``encoder``, when given, must be the one that built it."""
    index_dir = Path(index_dir)
    manifest = read_manifest(index_dir)
    for name, size in manifest.files.items():
        p = index_dir / name
        if not p.exists():
            raise IndexStoreError(f"{index_dir}: {name} is missing: rebuild the index")
        if p.stat().st_size != size:
            raise IndexStoreError(f"{index_dir}: {name} is truncated or changed ({p.stat().st_size} bytes, manifest says {size}): rebuild the index")
    if manifest.dictionary_hash != dictionary_hash():
        raise IndexStoreError(f"{index_dir}: built with another jieba dictionary ({manifest.dictionary_hash}, now {dictionary_hash()}): rebuild the index")
    enc = None
    if encoder is not None:
        enc = get_encoder(encoder) if isinstance(encoder, str) else encoder
        if enc.id != manifest.encoder:
            raise IndexStoreError(f"{index_dir}: built with encoder '{manifest.encoder}', not '{enc.id}': rebuild it or query with the same encoder")
    elif load_encoder:
        enc = get_encoder(manifest.encoder_spec)
        if enc.id != manifest.encoder:
            raise IndexStoreError(f"{index_dir}: built with encoder '{manifest.encoder}', this installation provides '{enc.id}': rebuild the index")
    faiss = _faiss()
    try:
        fi = faiss.read_index(str(index_dir / "vectors.faiss"))
    except RuntimeError as exc:
        raise IndexStoreError(f"{index_dir}: vectors.faiss is corrupt ({str(exc).splitlines()[0][:120]}): rebuild the index") from exc
    if fi.ntotal != manifest.sentences or fi.d != manifest.dim:
        raise IndexStoreError(f"{index_dir}: vectors.faiss holds {fi.ntotal}×{fi.d}, manifest says {manifest.sentences}×{manifest.dim}: rebuild the index")
    if manifest.nprobe:
        faiss.extract_index_ivf(fi).nprobe = manifest.nprobe
    store = ClauseStore(index_dir / "clauses.sqlite")
    if store.count() != manifest.clauses:
        raise IndexStoreError(f"{index_dir}: clauses.sqlite holds {store.count()} clauses, manifest says {manifest.clauses}: rebuild the index")
    try:
        words = BM25Index.load(index_dir / "bm25_words", manifest.clauses)
        chars = BM25Index.load(index_dir / "bm25_chars", manifest.clauses)
    except (OSError, ValueError, KeyError) as exc:
        raise IndexStoreError(f"{index_dir}: lexical index is corrupt ({exc}): rebuild the index") from exc
    return ClauseIndex(index_dir, manifest, store, fi, words, chars, enc)
