"""The web app's one point of contact with the library: an index that can be replaced under it.

Everything the server shows goes through here (search, documents, diff-plans), so a change in
the library is followed in one module. The rest of ``lawgov_nlp.web`` sees :class:`Snapshot`s:
an opened index with what the views need, fixed for the life of a request.

How serving survives an ``index build`` that replaces the index: each snapshot is opened from
the index's manifest and keeps every file it needs open (SQLite connection, memory-mapped
arrays, FAISS and BM25 in memory), so it stays valid after the build renames or deletes the old
files. At most once a second a request looks at the manifest (inode, size, mtime); when it
changed, a background thread opens the new index — reusing the loaded encoder — and swaps it in.
Requests meanwhile go on with the old snapshot; a new index that cannot be opened is reported
on every page and the old one kept.

SQLite connections belong to the thread that made them, and the server answers from a pool of
threads, so each snapshot's store is one read-only connection used under a lock
(:class:`SerializedStore`); the encoders lock themselves.

(Over 500 lines on purpose: this is the only module of ``web`` that calls the library, and cutting
it in two would give the server two points of contact again. Its sections — snapshots, search,
documents, diff-plans, policy views — are marked.)
"""
from __future__ import annotations

import dataclasses
import json
import logging
import os
import sqlite3
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

from ..errors import IndexStoreError, LawgovError, QueryError

log = logging.getLogger(__name__)


class SerializedStore:
    """A ``ClauseStore`` shared by threads: a read-only connection, one call at a time."""

    def __init__(self, store):
        path = Path(store.path)
        store.db.close()
        try:
            db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
            db.row_factory = sqlite3.Row
        except sqlite3.Error as exc:
            raise IndexStoreError(f"{path}: cannot open the clause database read-only ({exc})") from exc
        store.db = db
        self._store = store
        self._lock = threading.Lock()

    def __getattr__(self, name: str):
        attr = getattr(self._store, name)
        if not callable(attr):
            return attr

        def call(*args, **kwargs):
            with self._lock:
                return attr(*args, **kwargs)

        return call


def manifest_signature(index_dir: Path) -> tuple | None:
    """What identifies the index version on disk: the version pointer (``CURRENT``) where the index
    has one, and the manifest; None while neither can be read (e.g. mid-swap)."""
    parts: list = [os.path.realpath(index_dir)]
    for name in ("CURRENT", "manifest.json"):
        p = index_dir / name
        try:
            st = os.stat(p)
        except OSError:
            continue
        parts.append((name, st.st_ino, st.st_size, st.st_mtime_ns))
        if name == "CURRENT":
            try:
                parts.append(p.read_text(encoding="utf-8", errors="replace")[:100].strip())
            except OSError:
                pass
    return tuple(parts) if len(parts) > 1 else None


@dataclass
class Snapshot:
    """One opened version of the index and what the views derive from it (computed once)."""

    index: Any  # ClauseIndex
    searcher: Any  # Searcher
    signature: tuple | None
    opened_at: float = field(default_factory=time.time)
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    _documents: list[dict] | None = None
    _cleaning: dict[str, dict] = field(default_factory=dict, repr=False)  # doc id → cleaning report
    _cleaning_thread: threading.Thread | None = field(default=None, repr=False)
    _has_body: dict[str, bool] = field(default_factory=dict, repr=False)  # doc id → has body text under its items

    @property
    def version(self) -> str:
        m = self.index.manifest
        return f"{m.corpus_hash}·{m.built_at}"

    @property
    def manifest(self):
        return self.index.manifest

    def documents(self) -> list[dict]:
        """Every document row with its metadata parsed and its clause count."""
        with self._lock:
            if self._documents is None:
                out = []
                for d in self.index.store.documents():
                    meta = _json(d.get("meta"))
                    out.append({**{k: v for k, v in d.items() if k != "meta"}, "meta": meta,
                                "clauses": len(self.index.store.rows_for_doc(d["doc_id"]))})
                self._documents = out
            return self._documents

    def document_row(self, doc_id: str) -> dict:
        for d in self.documents():
            if d["doc_id"] == doc_id:
                return d
        raise QueryError(f"document id '{doc_id}' is not in this index")

    def facets(self) -> dict[str, list]:
        docs = self.documents()

        def distinct(key):
            return sorted({d.get(key) for d in docs if d.get(key)}, key=str)

        years = [d["year"] for d in docs if isinstance(d.get("year"), int)]
        return {"levels": distinct("level"), "types": distinct("doc_type"), "regions": distinct("region"),
                "years": [min(years), max(years)] if years else []}

    def document(self, doc_id: str):
        self.document_row(doc_id)
        return self.index.document(doc_id)

    def has_body_text(self, doc_id: str) -> bool:
        """Whether the document has text under its items (a plan) or headings only (an outline)."""
        from ..analysis.model import has_body_text

        got = self._has_body.get(doc_id)
        if got is None:
            # a reference with no numbered items raises InputError, and is not kept: the comparison reports it
            got = self._has_body[doc_id] = has_body_text(self.document(doc_id))
        return got

    def cleaning(self, doc_id: str, base_dirs: Sequence[Path] = ()) -> dict:
        """The cleaning report of one document (read once, then kept)."""
        got = self._cleaning.get(doc_id)
        if got is None:
            got = self._cleaning[doc_id] = cleaning_report(self, doc_id, base_dirs)
        return got

    def cleaning_summaries(self, base_dirs: Sequence[Path] = (), wait: float = 0.0) -> tuple[dict[str, dict], int]:
        """Cleaning reports read so far, and how many documents there are; the first call starts
        reading the rest in a background thread (a large collection takes a while) and waits for it
        up to ``wait`` seconds (a small corpus is read by then)."""
        with self._lock:
            if self._cleaning_thread is None:
                ids = [d["doc_id"] for d in self.documents()]

                def read_all():
                    for doc_id in ids:
                        try:
                            self.cleaning(doc_id, base_dirs)
                        except LawgovError:
                            pass
                        time.sleep(0)  # let request threads in between documents

                self._cleaning_thread = threading.Thread(target=read_all, name="lawgov-cleaning", daemon=True)
                self._cleaning_thread.start()
        if wait:
            self._cleaning_thread.join(timeout=wait)
        return dict(self._cleaning), len(self.documents())

    def warm(self) -> None:
        """Load what the first search would otherwise load (the encoder's model, caches)."""
        try:
            self.searcher.search("法治政府建设", k=1)
            self.documents()
        except LawgovError as exc:
            log.warning("warm-up search failed: %s", exc)


def _json(text) -> dict:
    if isinstance(text, dict):
        return text
    try:
        return json.loads(text or "{}")
    except (TypeError, ValueError):
        return {}


def query_encoder(spec: str):
    """The index's encoder, made to run on one thread when it can.

    The server encodes one short query per request, and requests run side by side: a BLAS pool of
    several threads spins against the others and against whatever else the machine runs (USE on
    this 2-core machine under load: p50 2 ms with one thread, 100 ms with two).
    """
    from ..indexing.encoders import get_encoder

    enc = get_encoder(spec)
    try:
        one = type(enc)(threads=1)
    except TypeError:  # an encoder without a thread setting
        return enc
    return one if getattr(one, "id", None) == getattr(enc, "id", None) else enc


def tune_for_queries() -> None:
    """One OpenMP thread for FAISS: a single query over a clause index is fastest that way, and the
    server's request threads then never wait on each other's thread pools (process-wide)."""
    try:
        import faiss

        faiss.omp_set_num_threads(1)
    except ImportError:  # pragma: no cover - core dependency
        pass


def open_snapshot(index_dir: Path, encoder=None) -> Snapshot:
    from ..indexing.index import open_index, read_manifest
    from ..indexing.search import Searcher

    sig = manifest_signature(index_dir)
    if encoder is None:
        encoder = query_encoder(read_manifest(index_dir).encoder_spec)
    idx = open_index(index_dir, encoder=encoder)
    try:
        # map every file now: a later build may delete them, and open files stay readable
        for name in ("vectors", "sentence_vectors", "sentence_owner", "sentence_offsets"):
            getattr(idx, name, None)
        idx.store = SerializedStore(idx.store)
    except BaseException:
        idx.close()
        raise
    snap = Snapshot(idx, Searcher(idx), sig)
    snap.warm()
    return snap


class IndexHandle:
    """The index being served: the current snapshot, replaced when the index on disk changes."""

    def __init__(self, index_dir: str | Path, check_every: float = 1.0, snapshot: Snapshot | None = None):
        self.index_dir = Path(index_dir)
        self.check_every = check_every
        self._current = snapshot or open_snapshot(self.index_dir)
        self._last_check = time.monotonic()
        self._reloading = threading.Lock()
        self._failed: tuple | None = None
        self.error: str | None = None  # why the newest index on disk is not served
        self.reloads = 0
        self._listeners: list[Callable[[Snapshot], None]] = []

    def on_reload(self, fn: Callable[[Snapshot], None]) -> None:
        self._listeners.append(fn)

    def current(self) -> Snapshot:
        now = time.monotonic()
        if now - self._last_check >= self.check_every:
            self._last_check = now
            self._check()
        return self._current

    def _check(self) -> None:
        sig = manifest_signature(self.index_dir)
        if sig is None or sig == self._current.signature or sig == self._failed:
            return
        if not self._reloading.acquire(blocking=False):
            return  # a reload is under way
        threading.Thread(target=self._reload, args=(sig,), name="lawgov-reload", daemon=True).start()

    def reload_now(self) -> None:
        """Open the index on disk now, in this thread (tests, and the first request after a swap)."""
        with self._reloading:
            self._reload_locked(manifest_signature(self.index_dir))

    def _reload(self, sig) -> None:
        try:
            self._reload_locked(sig)
        finally:
            self._reloading.release()

    def _reload_locked(self, sig) -> None:
        try:
            enc = self._current.index.encoder
            same = enc is not None and getattr(enc, "id", None) == _manifest_encoder(self.index_dir)
            snap = open_snapshot(self.index_dir, encoder=enc if same else None)
        except (LawgovError, OSError) as exc:
            self._failed = sig
            self.error = f"the index on disk changed but cannot be opened ({exc}); still serving the version opened before"
            log.warning("%s", self.error)
            return
        self._current = snap
        self._failed = None
        self.error = None
        self.reloads += 1
        log.info("serving the new index version %s", snap.version)
        for fn in self._listeners:
            fn(snap)


def _manifest_encoder(index_dir: Path) -> str | None:
    from ..indexing.index import read_manifest

    try:
        return read_manifest(index_dir).encoder
    except (LawgovError, OSError):
        return None


# -- search ---------------------------------------------------------------------------------------

@dataclass
class SearchRequest:
    query: str
    mode: str = "hybrid"
    doc: str = ""
    region: str = ""
    level: str = ""
    doc_type: str = ""
    year_from: int | None = None
    year_to: int | None = None
    page: int = 1


def run_search(snap: Snapshot, req: SearchRequest, k: int):
    """The search results for ``req`` (the first ``k``), with the filters the library takes."""
    doc_ids: list[str] = [req.doc] if req.doc else []
    if req.doc:
        snap.document_row(req.doc)
    if req.level:
        # the library filters by document id, region, year and type; a level is a set of documents
        at_level = [d["doc_id"] for d in snap.documents() if d.get("level") == req.level]
        doc_ids = [d for d in doc_ids if d in at_level] if doc_ids else at_level
        if not doc_ids:
            from ..indexing.search import SearchResults

            return SearchResults(query=req.query, mode=req.mode, config=snap.searcher.config)
    years = None
    if req.year_from is not None or req.year_to is not None:
        a = req.year_from if req.year_from is not None else 0
        b = req.year_to if req.year_to is not None else 9999
        years = (min(a, b), max(a, b))
    return snap.searcher.search(req.query, k=k, mode=req.mode, doc_ids=doc_ids, region=req.region or None, years=years,
                                doc_type=req.doc_type or None)


def search_weights(results) -> dict[str, float]:
    """The weight each signal had in this query's score, as ``--explain`` states it."""
    cfg = results.config
    if results.mode == "hybrid":
        if cfg.method == "adaptive" and results.dense_share is not None:
            # adaptive fusion: lexical weights share (1 - dense share), dense gets the share itself
            lex = {k: w for k, w in cfg.weights.items() if k != "dense"}
            total = sum(lex.values()) or 1.0
            lam = float(results.dense_share)
            return {**{k: round((1 - lam) * w / total, 3) for k, w in lex.items()}, "dense": round(lam, 3)}
        return dict(cfg.weights)
    if results.mode == "lexical":
        return dict(cfg.lexical_weights)
    return {"dense": 1.0}


# -- documents ------------------------------------------------------------------------------------

def cleaning_report(snap: Snapshot, doc_id: str, base_dirs: Sequence[Path] = ()) -> dict:
    """What cleaning dropped from a document and why, read again from its original file.

    The index keeps the clauses, not the dropped lines, so the file is read (never written) when
    it is still where it was indexed from and unchanged (same SHA-256); otherwise the report says
    why it is not available.
    """
    row = snap.document_row(doc_id)
    stored = row["meta"].get("cleaning") if isinstance(row.get("meta"), dict) else None
    if stored:
        return {"available": True, **stored}
    p = Path(row.get("path") or "")
    candidates = [p] if p.is_absolute() else [Path.cwd() / p, *(Path(b) / p for b in base_dirs)]
    path = next((c for c in candidates if c.is_file()), None)
    if path is None:
        return {"available": False, "why": f"the original file {row.get('path')} is not found from here, so its cleaning report cannot be shown"}
    from ..reading.corpus import load_path

    try:
        doc = load_path(path)
    except LawgovError as exc:
        return {"available": False, "why": f"{path}: cannot be read again ({exc})"}
    if row.get("sha256") and doc.sha256 != row["sha256"]:
        return {"available": False, "why": f"{path} has changed since it was indexed; rebuild the index to see its cleaning report"}
    c = doc.cleaning
    return {
        "available": True, "path": str(path), "format": doc.format, "encoding": doc.encoding, "chars": len(doc.text),
        "summary": c.summary(), "kept_lines": len(c.lines),
        "dropped": sorted(({"line": x.line.no + 1, "reason": x.reason, "text": x.line.text} for x in c.dropped if x.reason != "blank"), key=lambda r: r["line"]),
        "duplicate_blocks": [{"first_line": a + 1, "last_line": b + 1, "copy_of_line": cc + 1} for a, b, cc in c.duplicate_blocks],
        "warnings": list(doc.warnings),
    }


def clause_tree(doc) -> list[dict]:
    """The clauses as nested nodes (``children``), in document order."""
    nodes = {c.id: {"clause": c, "path_label": doc.path_label(c), "children": []} for c in doc.clauses}
    roots = []
    for c in doc.clauses:
        parent = nodes.get(c.parent_id) if c.parent_id else None
        (parent["children"] if parent else roots).append(nodes[c.id])
    return roots


# -- diff-plans -----------------------------------------------------------------------------------

@dataclass
class CompareJob:
    key: tuple
    total: int
    id: str = ""  # short, for the links of one page (cells, documents, exports)
    done: int = 0
    report: Any = None
    data: dict | None = None  # report.to_dict(), computed once
    error: str | None = None
    started: float = field(default_factory=time.time)
    finished: float | None = None
    # reports a reviewer's form signed (POST /compare/review), by their own id: two reviewers of one
    # comparison each keep theirs (the last few)
    signatures: OrderedDict = field(default_factory=OrderedDict)

    def sign(self, signed, warnings: list[str], keep: int = 8) -> str:
        """Keep a signed report of this comparison; its id (from the form's hash, the signer and the
        date) is what its links carry."""
        import hashlib

        r = signed.review
        sid = hashlib.sha256(f"{r.sha256}|{r.reviewer}|{r.signed_on}".encode()).hexdigest()[:16]
        self.signatures[sid] = Signature(signed, signed.to_dict(), warnings)
        self.signatures.move_to_end(sid)
        while len(self.signatures) > keep:
            self.signatures.popitem(last=False)
        return sid


@dataclass
class Signature:
    report: Any
    data: dict
    warnings: list[str]


class Comparisons:
    """diff-plans runs of the server: one at a time in a worker thread, the last few kept."""

    def __init__(self, keep: int = 3, max_documents: int = 5000):
        self.keep = keep
        self.max_documents = max_documents
        self._jobs: OrderedDict[tuple, CompareJob] = OrderedDict()
        self._lock = threading.Lock()
        self._worker = None

    def key(self, snap: Snapshot, ref: str, doc_ids: Sequence[str], via: str = "") -> tuple:
        return (snap.version, ref, tuple(doc_ids), via)

    def get(self, snap: Snapshot, ref: str, doc_ids: Sequence[str], start: bool = True, via: str = "") -> CompareJob | None:
        """The run comparing ``doc_ids`` with ``ref`` (read through the outline ``via`` when given)."""
        key = self.key(snap, ref, doc_ids, via)
        with self._lock:
            job = self._jobs.get(key)
            if job is not None:
                self._jobs.move_to_end(key)
                return job
            if not start:
                return None
            if len(doc_ids) > self.max_documents:
                raise QueryError(f"{len(doc_ids)} documents to compare; the limit is {self.max_documents}")
            import hashlib

            job = CompareJob(key, len(doc_ids), hashlib.sha256(repr(key).encode()).hexdigest()[:16])
            self._jobs[key] = job
            while len(self._jobs) > self.keep:
                old_key, old = next(iter(self._jobs.items()))
                if old.finished is None:
                    break  # never drop a running job
                self._jobs.pop(old_key)
        self._executor().submit(self._run, snap, ref, list(doc_ids), job, via)
        return job

    def by_id(self, job_id: str) -> CompareJob | None:
        with self._lock:
            return next((j for j in self._jobs.values() if j.id == job_id), None)

    def _executor(self):
        from concurrent.futures import ThreadPoolExecutor

        with self._lock:
            if self._worker is None:
                self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lawgov-compare")
            return self._worker

    def _run(self, snap: Snapshot, ref: str, doc_ids: list[str], job: CompareJob, via: str = "") -> None:
        from ..analysis.align import diff_plans

        try:
            idx = snap.index
            ref_doc = snap.document(ref)
            outline = snap.document(via) if via else None
            docs = []
            for d in doc_ids:
                docs.append(snap.document(d))
            def tick(done: int, total: int) -> None:
                job.done = done

            # cache=False: the server writes nothing, not even the embedding cache
            report = diff_plans(ref_doc, docs, encoder=idx.encoder, cache=False, progress=tick, index=idx, via=outline)
            job.report = report  # before data: a finished job (data set) always has its report
            job.data = report.to_dict()
        except LawgovError as exc:
            job.error = str(exc)
        except Exception as exc:  # the worker must survive, and the page must say what happened
            log.exception("diff-plans failed")
            job.error = f"internal error: {type(exc).__name__}: {exc}"
        finally:
            job.finished = time.time()


def report_subset(report, doc_ids: set[str]):
    """The report restricted to some documents (what an export of a filtered view holds)."""
    docs = [d for d in report.documents if d.doc_id in doc_ids]
    if dataclasses.is_dataclass(report):
        return dataclasses.replace(report, documents=docs)
    import copy

    out = copy.copy(report)
    out.documents = docs
    return out


def render_export(obj, fmt: str) -> str | bytes:
    """A download: the bytes ``-o FILE`` would write (a CSV with its BOM, for Excel)."""
    from ..views.output import render_file

    return render_file(obj, fmt)


# -- policy views (commitments, indicators, citations, tracing) -------------------------------------

POLICY_TOOLS = {
    "commitments": "承诺与指标 Commitments: targets, deadlines, results",
    "indicators": "指标对照 Indicators: one indicator across documents",
    "citations": "引用网络 Citations: what each document cites",
    "trace": "报告追踪 Trace: a plan's tasks in later reports",
}


class PolicyResults:
    """Results of the policy analyses, the last few kept (they are recomputed for exports)."""

    def __init__(self, keep: int = 4):
        self.keep = keep
        self._done: OrderedDict[tuple, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, snap: Snapshot, tool: str, doc_ids: Sequence[str], plan: str = ""):
        key = (snap.version, tool, tuple(doc_ids), plan)
        with self._lock:
            if key in self._done:
                self._done.move_to_end(key)
                return self._done[key]
        result = run_policy(snap, tool, doc_ids, plan)
        with self._lock:
            self._done[key] = result
            while len(self._done) > self.keep:
                self._done.popitem(last=False)
        return result


def run_policy(snap: Snapshot, tool: str, doc_ids: Sequence[str], plan: str = ""):
    """One policy analysis over documents of the index (no file is written: no embedding cache)."""
    docs = [snap.document(d) for d in doc_ids]
    if tool in ("commitments", "indicators"):
        from ..analysis.commitments import extract_all

        found = extract_all(docs)
        return found.matrix() if tool == "indicators" else found
    if tool == "citations":
        from ..analysis.citations import extract_all as extract_citations

        have = set(doc_ids)
        # citations resolve against every document of the index, as `lawgov-nlp cite --index` does
        candidates = docs + [snap.document(d["doc_id"]) for d in snap.documents() if d["doc_id"] not in have]
        return extract_citations(docs, candidates)
    if tool == "trace":
        from ..analysis.trace import trace_reports

        return trace_reports(snap.document(plan), docs, encoder=snap.index.encoder, cache=False, index=snap.index)
    raise QueryError(f"unknown analysis '{tool}': use one of {', '.join(POLICY_TOOLS)}")


def html_fragment(obj) -> str:
    """The registered HTML view of a result, as a fragment of a page (the views escape document text)."""
    from ..views.output import render

    return render(obj, "html", standalone=False)  # type: ignore[return-value]
