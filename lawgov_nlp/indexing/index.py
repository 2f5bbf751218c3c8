"""The clause index: build, add, remove and open, one immutable version at a time.

A version (see :mod:`.layout` for the directory, the pointer and who owns what) holds:

    manifest.json        format, version, encoder, FAISS factory, counts, segments, dead rows,
                         and the size and checksum of every file
    clauses.sqlite       documents and clauses (clause row = position in every per-clause array)
    vectors.faiss        sentence embeddings, inner product (FAISS id = sentence id)
    sentences.npy        float16 sentence embeddings, for re-scoring and diff-plans
    sentence_owner.npy   clause row of each sentence id (-1: removed); a clause's sentences are consecutive
    vectors.npy          float16 clause embeddings (normalized mean of their sentences)
    units.npy            per retrieval unit id: clause row, span, token count (:mod:`.units`)
    words/, chars/       BM25 segments (:mod:`.postings`) over the jieba words and character
                         bigrams of retrieval units (a clause scores as its best unit)

Row numbers, sentence ids and unit ids are never reused: ``index add`` appends rows (and their
sentences and units), ``index remove`` marks rows dead (``deleted`` row ranges; a unit is live
exactly when its row is), so FAISS ids, BM25 segments and clause rows stay valid across versions
and an update touches only the documents concerned. When dead rows pass a quarter of the row
space, the next update compacts (rewrites without re-embedding or re-tokenizing).
"""
from __future__ import annotations

import dataclasses
import hashlib
import io
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from ..errors import IndexStoreError, InputError
from ..reading.document import Document
from . import layout
from .encoders import EmbeddingCache, Encoder, default_index_encoder, get_encoder, mean_pool
from .ivf import FLAT_MAX, as_stored, build_faiss, faiss_factory_for, trained_dir  # noqa: F401  (re-exported)
from .layout import FORMAT, FORMAT_VERSION, display, write_lock  # noqa: F401  (re-exported)
from .manifest import FIELDS, Manifest, _segment_files, publish_version, stamp_verified, validate_manifest, write_manifest, writing_version  # noqa: F401  (re-exported)
from .postings import save_segment, write_segment
from .reader import ClauseIndex, IndexedDocument, open_index, read_manifest  # noqa: F401  (re-exported)
from .rows import clause_rows as _clause_rows  # noqa: F401  (used by workers too)
from .store import ClauseStore, json_text
from .units import ClauseLexicon, clause_lexicon, stored_lexicon, unit_table

log = logging.getLogger(__name__)

INDEX_ROOT = Path("indexes")
MAX_SEGMENTS = 8  # more BM25 segments than this after an update: the small ones are merged
COMPACT_AT = 0.25  # share of dead rows at which an update rewrites the index densely
Progress = Callable[[str, int, int], None]


# -- results of the index commands ------------------------------------------------------------------

@dataclass
class BuildResult:
    """What ``index build``/``add``/``remove`` did: the index written and its manifest."""

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
    if isinstance(name_or_path, Path):  # already a directory (resolving twice turned ./idx into indexes/idx)
        return name_or_path
    text = str(name_or_path)
    p = Path(text).expanduser()
    # "./idx", "idx/", "a/b", "~/x": the user typed a path; a bare word is a name under indexes/
    if p.is_absolute() or len(p.parts) > 1 or text.startswith((".", "~")) or text.endswith(("/", os.sep)):
        return p
    return INDEX_ROOT / p


# -- writing --------------------------------------------------------------------------------------

def _faiss():
    try:
        import faiss
    except ImportError as exc:  # pragma: no cover - core dependency
        raise IndexStoreError("the index needs faiss: pip install faiss-cpu") from exc
    return faiss


def _check_name(doc: Document) -> None:
    for what, value in (("file name", str(doc.path)), ("document id", doc.doc_id)):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise InputError(f"{display(doc.path)}: {what} is not valid UTF-8; rename the file") from None


def _doc_row(doc: Document) -> dict:
    _check_name(doc)
    m = doc.meta
    return {
        "doc_id": doc.doc_id, "title": doc.title, "issuer": m.issuer, "region": m.region, "level": m.level,
        "year": m.year, "doc_type": m.doc_type, "implements": m.implements, "path": str(doc.path),
        "sha256": doc.sha256, "meta": json_text(m.to_dict()), "year_from": (m.years() or (None, None))[0], "year_to": (m.years() or (None, None))[1],
    }


def _corpus_hash(shas: Sequence[str]) -> str:
    return hashlib.sha256("\n".join(sorted(shas)).encode()).hexdigest()[:16]


def _lexicon(row: dict) -> ClauseLexicon:
    """A row's retrieval units: built at ingest (or read back from an index), one unit from
    precomputed tokens and bigrams (benchmark replicas), or from its text."""
    if "lexicon" in row:
        return row["lexicon"]
    if "bigrams" in row:
        tokens = row["tokens"].split() if isinstance(row["tokens"], str) else list(row["tokens"])
        return ClauseLexicon([(0, len(row["text"]))], [tokens], [row["bigrams"]])
    return clause_lexicon(row["text"])


def _write_segments(vdir: Path, name: str, unit_ids: Sequence[int], lexicons: Sequence[ClauseLexicon]) -> None:
    """One BM25 segment per field over the units of ``lexicons`` (numbered from ``unit_ids``, in order)."""
    ids = list(unit_ids)
    write_segment(vdir / "words", name, ids, [u for x in lexicons for u in x.tokens])
    write_segment(vdir / "chars", name, ids, [u for x in lexicons for u in x.bigrams])


def write_payload(tmp: Path, rows: list[dict], svecs: np.ndarray, owner: np.ndarray, dim: int,
                  factory: tuple[str, int] | None = None, segment: str = "s000001", *, units: tuple[np.ndarray, dict] | None = None,
                  keys: Sequence[bytes] | None = None, encoder_id: str = "", trained: Path | None = None,
                  progress: Progress | None = None) -> tuple[str, int]:
    """Vectors, FAISS, units and BM25 files of a dense version (rows ``0..n-1``, units
    ``0..u-1``) from its clause rows and sentence embeddings. ``units``: the ``units.npy`` table
    and the BM25 arrays per field when already computed (by the workers, per document); otherwise
    a row carries its ``lexicon``, or precomputed ``tokens`` and ``bigrams`` (benchmarks replicate
    real clauses that way, as one unit each), or neither (cut from its text). ``keys`` (of the
    sentences) choose the FAISS training sample, ``trained`` is where trained quantizers are cached."""
    faiss = _faiss()
    tick = progress or (lambda *a: None)
    tick("lexical", 0, len(FIELDS))
    if units is not None:
        table, arrays = units
        np.save(tmp / "units.npy", table)
        for i, fld in enumerate(FIELDS):
            save_segment(tmp / fld, segment, arrays[fld])
            tick("lexical", i + 1, len(FIELDS))
    else:
        lexicons = [_lexicon(r) for r in rows]
        table = unit_table([r["row"] for r in rows], lexicons)
        np.save(tmp / "units.npy", table)
        _write_segments(tmp, segment, range(len(table)), lexicons)
        tick("lexical", len(FIELDS), len(FIELDS))
    clause_vecs = mean_pool(svecs, owner, len(rows))
    factory, nprobe = factory or faiss_factory_for(len(svecs))
    fi = build_faiss(svecs, factory, nprobe, keys=keys, encoder_id=encoder_id, trained=trained, progress=progress)
    faiss.write_index(fi, str(tmp / "vectors.faiss"))
    np.save(tmp / "sentences.npy", svecs.astype(np.float16))
    np.save(tmp / "sentence_owner.npy", owner.astype(np.int32))
    np.save(tmp / "vectors.npy", clause_vecs.astype(np.float16))
    return factory, nprobe


def _begin(index_dir: Path, paths: Sequence[Path], want: str):
    """Checks every writer makes: before any work (fail fast) and again under the lock."""
    layout.check_target(Path(index_dir), paths, want)


def build_index(
    paths: Sequence[str | Path] | str | Path,
    index_dir: str | Path,
    encoder: str | Encoder | None = None,
    cache: EmbeddingCache | None = None,
    progress: Progress | None = None,
    workers: int | None = None,
) -> Manifest:
    """Build an index of every document under ``paths`` as a new version of ``index_dir``.

    ``encoder=None``: :func:`encoder_for_build` (a rebuild keeps the index's encoder; a new index
    gets e5, or USE where e5 is missing). ``workers``: processes that read, tokenize and embed
    (default: every core, or this process alone for small inputs; see :mod:`.parallel`).
    ``progress(stage, done, total)`` is called as each stage (reading, tokenizing, embedding,
    lexical, FAISS, clause store, checksums) moves.
    """
    from .parallel import WorkerPool, known_tokens, prepare_inputs, resolve_workers, select_inputs

    paths = layout.as_path_list(paths)
    index_dir = Path(index_dir)
    _begin(index_dir, paths, "build")
    if encoder is None:
        encoder, notice = encoder_for_build(index_dir)
        if notice:
            log.warning(notice)
    enc = get_encoder(encoder) if isinstance(encoder, str) else encoder
    sel = select_inputs(paths)
    with WorkerPool(resolve_workers(workers, sel.files), known_tokens(index_dir)) as pool:
        prepared = prepare_inputs(paths, pool, progress, sel=sel)
        return write_new_version(index_dir, paths, lambda root, version: _write_dense(
            root, version, enc, prepared, [], [], None, cache, progress, pool))


def write_new_version(index_dir: Path, paths: Sequence[Path], write: Callable[[Path, int], Manifest]) -> Manifest:
    """Under the writer lock and the ownership check: ``write(root, version)`` writes and publishes
    a complete new version of ``index_dir`` (a build or a merge of shards); a folder this call
    created is removed again if it fails, a flat (format 1 to 3) index is replaced."""
    with write_lock(index_dir) as root:
        kind = layout.check_target(index_dir, paths, "build")
        legacy_files = list(layout.read_json(root / layout.MANIFEST, "manifest")["files"]) if kind == "legacy" else []
        created = kind == "missing"
        if created:
            root.mkdir(parents=True)
        layout.clean_stale(root)
        try:
            m = write(root, _next_version(root))
        except BaseException:
            if created:
                layout.remove_ours(root)  # only our own files; a folder we made is left only if not empty
            raise
        if kind == "legacy":
            layout.remove_legacy(root, legacy_files)
        return m


def encoder_for_build(index_dir: str | Path) -> tuple[str, str | None]:
    """The encoder a build uses when none is named, and a one-line notice when it is a fallback.

    Rebuilding an index keeps the encoder it was built with (its users' queries and any figures
    measured on it stay comparable); a new index gets :func:`~.encoders.default_index_encoder`.
    """
    root = Path(os.path.realpath(index_dir))
    try:
        name = layout.current_version(root) if root.is_dir() else None
        if name is not None:
            data = layout.read_json(root / name / layout.MANIFEST, "manifest")
            spec = data.get("encoder_spec") if layout.is_ours(data) else None
            if isinstance(spec, str) and spec:
                return spec, None
    except IndexStoreError:
        pass  # a damaged index: the ownership check says what is wrong with it
    return default_index_encoder()


def _next_version(root: Path) -> int:
    names = [n for n in os.listdir(root) if layout.VERSION_RE.fullmatch(n)]
    cur = layout.current_version(root)
    return max([layout.version_number(n) for n in names] + ([layout.version_number(cur)] if cur else []) + [0]) + 1


def _write_dense(root: Path, version: int, enc: Encoder, prepared, keep_rows: list[dict], keep_docs: list[dict],
                 keep_vectors, cache, progress, pool, embedded_vectors: tuple[np.ndarray, int] | None = None) -> Manifest:
    """A complete version with rows ``0..n-1``: kept rows (renumbered, not re-embedded) then the
    ``prepared`` documents (:class:`.parallel.Prepared`), whose sentence vectors are embedded here
    unless given (``embedded_vectors``: vectors and how many were encoded, as a shard has them)."""
    from .parallel import embed_prepared

    name = f"v{version:06d}"
    tmp = layout.new_building_dir(root, name)
    tick = progress or (lambda *a: None)
    with writing_version(root, tmp):
        for i, r in enumerate(keep_rows):
            r["row"] = i
        docs = prepared.documents
        doc_rows = [_doc_row(d) for d in docs]
        new_rows = prepared.rows(len(keep_rows))
        rows = list(keep_rows) + new_rows
        if not rows:
            raise InputError("no clauses to index")
        texts, keys, new_owner = prepared.pieces()
        new_vecs, embedded = embedded_vectors or embed_prepared(enc, texts, keys, cache, pool, progress)
        owner = new_owner + len(keep_rows)
        svecs = new_vecs
        if keep_vectors is not None:
            kept_vecs, kept_owner = keep_vectors
            owner = np.concatenate([kept_owner, owner])
            svecs = np.vstack([kept_vecs, new_vecs])
            keys = None  # kept sentences' keys are not stored: their training sample is drawn at random
        tick("clause store", 0, len(rows))
        store = ClauseStore(tmp / "clauses.sqlite", create=True)
        store.replace(keep_docs + doc_rows, rows)
        store.close()
        tick("clause store", len(rows), len(rows))
        units = (prepared.unit_table(0), prepared.segments(0)) if not keep_rows else None
        factory, nprobe = write_payload(tmp, rows, svecs, owner, enc.dim, segment=f"s{version:06d}", units=units, keys=keys,
                                        encoder_id=enc.id, trained=trained_dir(cache), progress=progress)
        tick("checksums", 0, 1)
        shas = [d["sha256"] for d in keep_docs] + [d.sha256 for d in docs]
        manifest = write_manifest(tmp, enc.id, getattr(enc, "spec", enc.id), enc.dim, factory, nprobe, len(keep_docs) + len(docs),
                                  len(rows), len(svecs), _corpus_hash(shas), embedded, version=version, segments=[f"s{version:06d}"])
        publish_version(root, tmp, name, manifest)
        tick("checksums", 1, 1)
    return manifest


def add_to_index(paths: Sequence[str | Path] | str | Path, index_dir: str | Path, cache: EmbeddingCache | None = None,
                 progress: Progress | None = None, workers: int | None = None) -> Manifest:
    """Add (or replace, by document id) documents: only they are read, tokenized and embedded."""
    from .parallel import WorkerPool, prepare_inputs, resolve_workers, select_inputs

    paths = layout.as_path_list(paths)
    index_dir = Path(index_dir)
    _begin(index_dir, paths, "update")
    sel = select_inputs(paths)
    with WorkerPool(resolve_workers(workers, sel.files)) as pool:
        prepared = prepare_inputs(paths, pool, progress, sel=sel)
        return _update(index_dir, paths, prepared, [], cache, progress, pool)


def remove_from_index(doc_ids: Sequence[str], index_dir: str | Path) -> Manifest:
    """Remove documents by id (a new version without them; nothing is re-embedded)."""
    if isinstance(doc_ids, str):
        doc_ids = [doc_ids]
    if not doc_ids:
        raise InputError("name the document ids to remove")
    from .parallel import Prepared, WorkerPool

    return _update(Path(index_dir), [], Prepared([]), list(dict.fromkeys(doc_ids)), None, None, WorkerPool(1))


def _ranges(rows: Sequence[int]) -> list[list[int]]:
    out: list[list[int]] = []
    for r in sorted(rows):
        if out and out[-1][1] == r:
            out[-1][1] = r + 1
        else:
            out.append([r, r + 1])
    return out


def _merge_ranges(ranges: list[list[int]]) -> list[list[int]]:
    out: list[list[int]] = []
    for a, b in sorted(map(tuple, ranges)):
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return out


def _update(index_dir: Path, paths: Sequence[Path], prepared, remove: list[str], cache, progress, pool) -> Manifest:
    with write_lock(index_dir) as root:
        layout.check_target(index_dir, paths, "update")
        layout.clean_stale(root)
        old = open_index(root, load_encoder=False)
        try:
            enc = get_encoder(old.manifest.encoder_spec)
            if enc.id != old.manifest.encoder:
                raise IndexStoreError(f"{display(index_dir)}: built with encoder '{old.manifest.encoder}', this installation "
                                      f"provides '{enc.id}': rebuild the index")
            stored = {d["doc_id"]: d["sha256"] for d in old.store.documents()}
            known = set(stored)
            # a document added again unchanged (same bytes) is left as it is
            prepared = type(prepared)([p for p in prepared.docs if stored.get(p.doc.doc_id) != p.doc.sha256])
            docs = prepared.documents
            if not docs and not remove:
                return dataclasses.replace(old.manifest, embedded=0)  # nothing written, nothing embedded
            unknown = [d for d in remove if d not in known]
            if unknown:
                names = ", ".join(f"'{d}'" for d in unknown)
                verb = f"ids {names} are" if len(unknown) > 1 else f"id {names} is"
                raise InputError(f"document {verb} not in index {display(index_dir)}")
            gone = set(remove) | ({d.doc_id for d in docs} & known)
            if remove and not docs and gone == known:
                raise InputError(f"removing {len(gone)} document(s) would leave {display(index_dir)} empty; delete the index instead")
            dead_rows = [r for d in sorted(gone) for r in old.store.rows_for_doc(d)]
            dead = _merge_ranges(old.manifest.deleted + _ranges(dead_rows))
            n_dead = sum(b - a for a, b in dead)
            version = _next_version(root)
            if n_dead > COMPACT_AT * old.manifest.rows:
                keep_rows = [r for r in old.store.all_clause_rows() if r["doc_id"] not in gone]
                for r in keep_rows:  # their units as indexed: nothing is cut again
                    r["lexicon"] = stored_lexicon(r["text"], r["tokens"], old.unit_span(r["row"])[1])
                keep_docs = [r for r in old.store.documents() if r["doc_id"] not in gone]
                owner = old.sentence_owner
                live = owner >= 0
                live[live] = np.isin(owner[live], [r["row"] for r in keep_rows])
                remap = np.full(old.manifest.rows, -1, dtype=np.int64)
                remap[[r["row"] for r in keep_rows]] = np.arange(len(keep_rows))
                kept = (np.asarray(old.sentence_vectors[live], dtype=np.float32), remap[owner[live]])
                old.close()
                return _write_dense(root, version, enc, prepared, keep_rows, keep_docs, kept, cache, progress, pool)
            return _write_incremental(root, version, old, enc, prepared, gone, dead_rows, dead, cache, progress, pool)
        finally:
            old.close()


def _write_incremental(root: Path, version: int, old: ClauseIndex, enc: Encoder, prepared, gone: set[str],
                       dead_rows: list[int], dead: list[list[int]], cache, progress, pool) -> Manifest:
    """A new version from the current one: copies of its SQLite (one transaction of deletes and
    inserts), FAISS (remove and add by id), vector and unit files (appended), hard links to its
    BM25 segments, and one new segment for the added documents' units."""
    faiss = _faiss()
    name = f"v{version:06d}"
    m0 = old.manifest
    tmp = layout.new_building_dir(root, name)
    with writing_version(root, tmp):
        from .parallel import embed_prepared

        start = m0.rows
        docs = prepared.documents
        doc_rows = [_doc_row(d) for d in docs]
        new_rows = prepared.rows(start)
        texts, keys, new_owner = prepared.pieces()
        new_vecs, embedded = embed_prepared(enc, texts, keys, cache, pool, progress)
        n_rows = start + len(new_rows)
        sid0 = m0.sentence_ids
        new_sids = np.arange(sid0, sid0 + len(new_vecs), dtype=np.int64)

        layout.copy_file(old.path / "clauses.sqlite", tmp / "clauses.sqlite")
        store = ClauseStore(tmp / "clauses.sqlite", writable=True)
        store.replace(doc_rows, new_rows, remove_docs=sorted(gone))
        store.close()

        owner = np.array(old.sentence_owner, dtype=np.int32)
        dead_sids = np.flatnonzero(np.isin(owner, dead_rows)) if dead_rows else np.zeros(0, np.int64)
        owner[dead_sids] = -1
        np.save(tmp / "sentence_owner.npy", np.concatenate([owner, (new_owner + start).astype(np.int32)]))
        if len(new_vecs):
            _append_npy(old.path / "sentences.npy", tmp / "sentences.npy", new_vecs.astype(np.float16))
            _append_npy(old.path / "vectors.npy", tmp / "vectors.npy", mean_pool(new_vecs, new_owner, len(new_rows)).astype(np.float16))
        else:
            for f in ("sentences.npy", "vectors.npy"):
                layout.link_or_copy(old.path / f, tmp / f)
        u0 = m0.unit_ids
        new_lex = [_lexicon(r) for r in new_rows]
        new_units = prepared.unit_table(start)
        if len(new_units):
            _append_npy(old.path / "units.npy", tmp / "units.npy", new_units)
        else:
            layout.link_or_copy(old.path / "units.npy", tmp / "units.npy")
        new_uids = list(range(u0, u0 + len(new_units)))
        fi = faiss.read_index(str(old.path / "vectors.faiss"))
        if len(dead_sids):
            fi.remove_ids(dead_sids.astype(np.int64))
        if len(new_vecs):
            fi.add_with_ids(as_stored(new_vecs), new_sids)
        faiss.write_index(fi, str(tmp / "vectors.faiss"))

        segments = list(m0.segments)
        for seg in segments:
            for rel in _segment_files(seg):
                layout.link_or_copy(old.path / rel, tmp / rel)
        seg = f"s{version:06d}"
        if len(segments) + 1 > MAX_SEGMENTS:
            segments = [segments[0], seg]  # the small segments and the new units become one
            seg_ids, seg_lex = _live_units_of(tmp, old, m0.segments[1:], dead)
            seg_ids, seg_lex = seg_ids + new_uids, seg_lex + new_lex
            for old_seg in m0.segments[1:]:
                for rel in _segment_files(old_seg):
                    (tmp / rel).unlink()
        elif new_uids:  # the postings computed with the rows (per document), numbered from u0
            seg_ids, seg_lex = [], []
            segments.append(seg)
            for fld, arrays in prepared.segments(u0).items():
                save_segment(tmp / fld, seg, arrays)
        else:
            seg_ids, seg_lex = [], []
        if seg_ids:
            _write_segments(tmp, seg, seg_ids, seg_lex)
        elif seg in segments and not new_uids:
            segments.remove(seg)
        documents = m0.documents - len(gone) + len(docs)
        live_clauses = n_rows - sum(b - a for a, b in dead)
        store = ClauseStore(tmp / "clauses.sqlite", writable=True)
        shas = [d["sha256"] for d in store.documents()]
        store.close()
        manifest = write_manifest(tmp, m0.encoder, m0.encoder_spec, m0.dim, m0.faiss_factory, m0.nprobe, documents, live_clauses,
                                  int(fi.ntotal), _corpus_hash(shas), embedded, version=version, rows=n_rows,
                                  sentence_ids=sid0 + len(new_vecs), unit_ids=u0 + len(new_units), segments=segments, deleted=dead,
                                  known=(old.path, m0.files))
        publish_version(root, tmp, name, manifest)
    return manifest


def _append_npy(src: Path, dst: Path, extra: np.ndarray) -> None:
    """``src``'s array with ``extra`` rows appended, as a new .npy: a new header, the old data copied
    by the kernel (``copy_file_range``: no pass through Python), then the new rows."""
    old = np.load(src, mmap_mode="r")
    shape = (old.shape[0] + len(extra), *old.shape[1:])
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": np.lib.format.dtype_to_descr(old.dtype), "fortran_order": False, "shape": shape})
    offset, nbytes = old.offset, old.nbytes
    del old
    head = header.getvalue()
    fin = os.open(src, os.O_RDONLY)
    fout = os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        os.pwrite(fout, head, 0)
        done = 0
        try:
            while done < nbytes:
                n = os.copy_file_range(fin, fout, nbytes - done, offset + done, len(head) + done)
                if n == 0:
                    break
                done += n
        except OSError:
            pass
        while done < nbytes:  # no copy_file_range here: copy the rest through Python
            chunk = os.pread(fin, min(16 << 20, nbytes - done), offset + done)
            if not chunk:
                raise IndexStoreError(f"{src}: shorter than its header says: rebuild the index")
            os.pwrite(fout, chunk, len(head) + done)
            done += len(chunk)
        os.pwrite(fout, np.ascontiguousarray(extra, dtype=extra.dtype).tobytes(), len(head) + nbytes)
    finally:
        os.close(fin)
        os.close(fout)


def _live_units_of(vdir: Path, old: ClauseIndex, segments: Sequence[str], dead: list[list[int]]) -> tuple[list[int], list[ClauseLexicon]]:
    """Unit ids and stored lexicons of the live clauses of ``segments``, to rebuild them as one
    (read back from ``units.npy`` and the stored tokens: nothing is cut again)."""
    units: list[int] = []
    for seg in segments:
        units.extend(np.load(vdir / "words" / f"{seg}.docrows.npy").tolist())
    if not units:
        return [], []
    rows = sorted(set(np.asarray(old.units[units, 0]).tolist()))
    live = np.ones(old.manifest.rows, dtype=bool)
    for a, b in dead:
        live[a:b] = False
    store = ClauseStore(vdir / "clauses.sqlite", writable=True)
    try:
        stored = store.raw_rows([r for r in rows if live[r]])
    finally:
        store.close()
    ids: list[int] = []
    lexicons: list[ClauseLexicon] = []
    for r in stored:
        first, table = old.unit_span(r["row"])
        ids.extend(range(first, first + len(table)))
        lexicons.append(stored_lexicon(r["text"], r["tokens"], table))
    return ids, lexicons
