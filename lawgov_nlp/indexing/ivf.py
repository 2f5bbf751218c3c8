"""The FAISS index of a version: exact below :data:`FLAT_MAX` vectors, IVF with 8-bit scalar
quantization above, trained on a sample chosen by content and cached.

Training an IVF quantizer is k-means over the sample (2048 centroids × 100,000 vectors × 512
dimensions is a minute on two cores) and was the largest single cost of a rebuild. Two things
make it a one-off:

* the sample is the :data:`TRAIN_MAX` distinct sentences with the smallest cache keys (blake2b
  of the normalized text, so a uniform pseudo-random choice) rather than a random draw: the same
  collection gives the same sample, and adding a few documents changes few of its members;
* the trained, empty index is kept beside the embedding cache, named by the encoder, the factory
  and a hash of the sample's keys, so a rebuild with the same sample reuses it — exactly the
  quantizer training would produce again (k-means is seeded). A different sample trains afresh.

Vectors go into FAISS as stored (rounded to float16, like ``sentences.npy``), so an index built in
one process, in workers or merged from shards holds the same codes.
"""
from __future__ import annotations

import hashlib
import logging
import math
import os
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from ..errors import IndexStoreError

log = logging.getLogger(__name__)

# Exact search below this many vectors; past it IVF with 8-bit scalar quantization
# (see BENCHMARKS.md: exact search at 100k vectors already costs more than the query budget).
FLAT_MAX = 100_000
TRAIN_MAX = 100_000  # vectors a quantizer is trained on (≈ 49 per centroid at IVF2048)
ADD_CHUNK = 32_768  # vectors added between two progress ticks
KEEP_TRAINED = 8  # trained quantizers kept in the cache (the most recently used)


def _faiss():
    try:
        import faiss
    except ImportError as exc:  # pragma: no cover - core dependency
        raise IndexStoreError("the index needs faiss: pip install faiss-cpu") from exc
    return faiss


def faiss_factory_for(n: int) -> tuple[str, int]:
    if n <= FLAT_MAX:
        return "IDMap2,Flat", 0
    nlist = int(2 ** round(math.log2(4 * math.sqrt(n))))
    return f"IVF{nlist},SQ8", 32


def as_stored(vectors: np.ndarray) -> np.ndarray:
    """Vectors as a version stores them (float16), back as contiguous float32 for FAISS."""
    return np.ascontiguousarray(np.asarray(vectors, dtype=np.float16), dtype=np.float32)


def train_sample(n: int, keys: Sequence[bytes] | None, limit: int | None = None) -> np.ndarray:
    """Positions of the training sample among ``n`` vectors: all when ``n <= limit``, else the
    ``limit`` (default :data:`TRAIN_MAX`) distinct keys that sort first (one position each), or a
    seeded draw without keys."""
    limit = TRAIN_MAX if limit is None else limit
    if n <= limit:
        return np.arange(n)
    if keys is None:
        return np.sort(np.random.default_rng(0).choice(n, limit, replace=False))
    first: dict[bytes, int] = {}
    for i, k in enumerate(keys):
        first.setdefault(k, i)
    chosen = sorted(first)[:limit]
    return np.sort(np.fromiter((first[k] for k in chosen), dtype=np.int64, count=len(chosen)))


def trained_dir(cache) -> Path | None:
    """Where trained quantizers are kept: beside the embedding cache (none without a cache)."""
    path = getattr(cache, "path", None)
    return Path(path).parent / "ivf" if path is not None else None


def _cache_name(encoder_id: str, factory: str, sample_keys: Sequence[bytes] | None, sample: np.ndarray) -> str:
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{encoder_id}\0{factory}\0{len(sample)}\0".encode("utf-8", "surrogatepass"))
    if sample_keys is not None:
        for k in sample_keys:
            h.update(k)
    else:
        h.update(np.ascontiguousarray(sample).tobytes())
    return f"{factory.replace(',', '-')}-{h.hexdigest()}.faiss"


def _load_trained(path: Path, dim: int):
    faiss = _faiss()
    try:
        index = faiss.read_index(str(path))
    except RuntimeError as exc:
        log.warning("%s: cached quantizer unreadable (%s); training again", path, str(exc).splitlines()[0][:80])
        return None
    if index.d != dim or index.ntotal != 0 or not index.is_trained:
        return None
    os.utime(path)  # most recently used: kept when older ones are pruned
    return index


def _save_trained(directory: Path, name: str, index) -> None:
    faiss = _faiss()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        tmp = directory / f".{name}.tmp-{os.getpid()}"
        faiss.write_index(index, str(tmp))
        os.replace(tmp, directory / name)
        kept = sorted((p for p in directory.glob("*.faiss") if not p.name.startswith(".")), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in kept[KEEP_TRAINED:]:
            old.unlink(missing_ok=True)
    except OSError as exc:  # an unwritable cache only costs time
        log.debug("trained quantizer not cached (%s)", exc)


def build_faiss(vectors: np.ndarray, factory: str, nprobe: int, ids: np.ndarray | None = None, *,
                keys: Sequence[bytes] | None = None, sample: tuple[np.ndarray, list[bytes]] | None = None,
                encoder_id: str = "", trained: Path | None = None, progress: Callable[[str, int, int], None] | None = None):
    """A FAISS index of ``vectors`` (ids ``0..n-1`` unless given). ``keys`` (the vectors' cache
    keys) choose the training sample, or ``sample`` gives it (positions and their keys, as a merge
    of shards finds it); ``trained`` is the directory of cached quantizers."""
    faiss = _faiss()
    dim = vectors.shape[1]
    index = faiss.index_factory(dim, factory, faiss.METRIC_INNER_PRODUCT)
    n = len(vectors)
    tick = progress or (lambda *a: None)
    if not index.is_trained:
        if sample is not None:
            sample, sample_keys = sample
        else:
            sample = train_sample(n, keys)
            sample_keys = [keys[i] for i in sample.tolist()] if keys is not None else None
        name = _cache_name(encoder_id, factory, sample_keys, sample)
        cached = _load_trained(trained / name, dim) if trained is not None and (trained / name).is_file() else None
        tick("FAISS training", 0, 1)
        if cached is not None:
            index = cached
        else:
            index.train(as_stored(vectors[sample]))
            if trained is not None:
                _save_trained(trained, name, index)
        tick("FAISS training", 1, 1)
    ids = np.arange(n, dtype=np.int64) if ids is None else np.asarray(ids, dtype=np.int64)
    tick("FAISS", 0, n)
    for a in range(0, n, ADD_CHUNK):
        b = min(n, a + ADD_CHUNK)
        index.add_with_ids(as_stored(vectors[a:b]), ids[a:b])
        tick("FAISS", b, n)
    if nprobe:
        faiss.extract_index_ivf(index).nprobe = nprobe
    return index
