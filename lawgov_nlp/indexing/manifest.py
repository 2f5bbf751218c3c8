"""The manifest of an index version: what it holds, checked field by field before anything is read.

Every file of a version is named in ``files`` with its size and checksum (blake2b-128): sizes are
checked on every open, checksums the first time this user opens a file and again whenever its
inode, size, mtime or ctime changes (any write does), so a search does not re-read a 5 GB index
to start; ``verify="full"`` hashes everything every time (see README for what each costs).
Only names the format defines are accepted, so a manifest cannot make the tool read, stat or
report any other file.
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Sequence

from .. import __version__
from ..errors import IndexStoreError
from . import layout
from .layout import FORMAT, FORMAT_VERSION, display
from .lexical import BM25Index, dictionary_hash

FIELDS = ("words", "chars")
CHECKSUM = "blake2b"
_FACTORY_RE = re.compile(r"IDMap2,Flat|IVF\d+,(SQ8|Flat|PQ\d+(x\d+)?)")


@dataclass
class Manifest:
    format: str
    format_version: int
    version: int
    encoder: str
    encoder_spec: str
    dim: int
    faiss_factory: str
    metric: str
    nprobe: int
    documents: int
    clauses: int  # live clauses
    sentences: int  # live sentences (= vectors in FAISS)
    rows: int  # clause row space (live + dead rows)
    sentence_ids: int  # sentence id space
    unit_ids: int  # retrieval unit id space (units.npy rows; BM25 segments score units)
    unit_chars: int  # the bound a retrieval unit was cut to (units.UNIT_CHARS when it was built)
    corpus_hash: str
    dictionary_hash: str
    built_at: str
    lawgov_version: str
    embedded: int = 0  # texts sent to the encoder by the build that wrote this version
    segments: list = field(default_factory=list)  # BM25 segment names, in row order
    deleted: list = field(default_factory=list)  # dead row ranges [start, end)
    bm25: dict = field(default_factory=dict)  # k1, b
    checksum: str = CHECKSUM
    files: dict = field(default_factory=dict)  # name -> {"size": bytes, "hash": hex}

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2)

    def to_dict(self) -> dict:
        return asdict(self)

    def to_rows(self) -> tuple[list[str], list[dict]]:
        d = self.to_dict()
        for k in ("files", "segments", "deleted", "bm25"):
            d.pop(k)
        return list(d), [d]


_TYPES = {"format": str, "format_version": int, "version": int, "encoder": str, "encoder_spec": str, "dim": int,
          "faiss_factory": str, "metric": str, "nprobe": int, "documents": int, "clauses": int, "sentences": int,
          "rows": int, "sentence_ids": int, "unit_ids": int, "unit_chars": int, "corpus_hash": str, "dictionary_hash": str, "built_at": str,
          "lawgov_version": str, "embedded": int, "segments": list, "deleted": list, "bm25": dict, "checksum": str, "files": dict}


def validate_manifest(data: dict, where: str) -> Manifest:
    """A manifest checked field by field: every refusal is one line naming the field."""
    def bad(msg: str):
        return IndexStoreError(f"{where}: manifest {msg}: the index is damaged (rebuild it)")

    names = {f.name for f in fields(Manifest)}
    unknown = sorted(set(data) - names)
    if unknown:
        raise bad(f"has unknown field '{unknown[0]}'")
    for k, t in _TYPES.items():
        if k not in data:
            raise bad(f"lacks '{k}'")
        v = data[k]
        if not isinstance(v, t) or (t is int and isinstance(v, bool)):
            raise bad(f"field '{k}' is a {type(v).__name__}, not a {t.__name__}")
        if t is int and v < 0:
            raise bad(f"field '{k}' is negative")
    m = Manifest(**data)
    if not _FACTORY_RE.fullmatch(m.faiss_factory):
        raise bad(f"names FAISS factory '{m.faiss_factory[:40]}', which this format does not write")
    if m.faiss_factory.startswith("IVF") != (m.nprobe > 0):
        raise bad(f"sets nprobe {m.nprobe} on a{'n IVF' if m.faiss_factory.startswith('IVF') else ' flat'} index")
    if m.metric != "inner_product" or not 0 < m.dim <= 65536 or m.checksum != CHECKSUM:
        raise bad("has an unsupported metric, dimension or checksum")
    if m.clauses > m.rows or m.sentences > m.sentence_ids:
        raise bad("counts more live clauses or sentences than it has rows")
    if m.unit_ids < m.clauses:
        raise bad("counts fewer retrieval units than live clauses")
    if not all(isinstance(s, str) and re.fullmatch(r"s\d{6}", s) for s in m.segments):
        raise bad("names a lexical segment this format does not have")
    if not all(isinstance(r, list) and len(r) == 2 and all(isinstance(x, int) and not isinstance(x, bool) for x in r)
               and 0 <= r[0] < r[1] <= m.rows for r in m.deleted):
        raise bad("has malformed deleted row ranges")
    if not all(isinstance(m.bm25.get(k), (int, float)) and not isinstance(m.bm25.get(k), bool) for k in ("k1", "b")):
        raise bad("lacks BM25 parameters k1 and b")
    for name, entry in m.files.items():
        if not isinstance(name, str) or not layout.DATA_FILE_RE.fullmatch(name):
            raise bad(f"names a file the format does not have ('{display(str(name))[:60]}')")
        if not (isinstance(entry, dict) and isinstance(entry.get("size"), int) and isinstance(entry.get("hash"), str)):
            raise bad(f"entry for {name} needs a size and a hash")
    required = set(_fixed_files()) | {p for s in m.segments for p in _segment_files(s)}
    missing = sorted(required - set(m.files))
    if missing:
        raise bad(f"does not list {missing[0]}")
    return m


def _fixed_files() -> tuple[str, ...]:
    return ("clauses.sqlite", "vectors.faiss", "sentences.npy", "sentence_owner.npy", "vectors.npy", "units.npy")


def _segment_files(seg: str) -> list[str]:
    from .postings import PARTS

    return [f"{fld}/{seg}.{p}.npy" for fld in FIELDS for p in PARTS]


def file_hash(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, lambda: hashlib.blake2b(digest_size=16)).hexdigest()


def _file_entries(d: Path, known: tuple[Path, dict] | None = None) -> dict[str, dict]:
    """Size and checksum of every data file of version ``d``. ``known`` is the previous version's
    directory and file entries: a file hard-linked from it (the same inode) is not hashed again."""
    from concurrent.futures import ThreadPoolExecutor

    out: dict[str, dict] = {}
    todo: list[tuple[str, Path]] = []
    for p in sorted(d.rglob("*")):
        rel = p.relative_to(d).as_posix()
        if not p.is_file() or not layout.DATA_FILE_RE.fullmatch(rel):
            continue
        st = p.stat()
        entry = known[1].get(rel) if known else None
        linked = False
        if entry is not None:
            try:
                o = os.stat(known[0] / rel)  # type: ignore[index]
                linked = (o.st_ino, o.st_dev) == (st.st_ino, st.st_dev) and entry["size"] == st.st_size
            except OSError:
                pass
        out[rel] = {"size": st.st_size, "hash": entry["hash"] if linked else ""}  # type: ignore[index]
        if not linked:
            todo.append((rel, p))
    with ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:
        for (rel, _), digest in zip(todo, pool.map(lambda t: file_hash(t[1]), todo)):
            out[rel]["hash"] = digest
    return out


def write_manifest(tmp: Path, encoder_id: str, encoder_spec: str, dim: int, factory: str, nprobe: int,
                   documents: int, clauses: int, n_sentences: int, corpus_hash: str, embedded: int, *,
                   version: int = 1, rows: int | None = None, sentence_ids: int | None = None, unit_ids: int | None = None,
                   segments: Sequence[str] = ("s000001",), deleted: Sequence[Sequence[int]] = (),
                   known: tuple[Path, dict] | None = None) -> Manifest:
    import numpy as np

    from .units import UNIT_CHARS

    default = BM25Index()
    if unit_ids is None:  # a dense version: as many unit ids as units.npy has rows
        unit_ids = int(np.load(tmp / "units.npy", mmap_mode="r").shape[0])
    manifest = Manifest(
        FORMAT, FORMAT_VERSION, version, encoder_id, encoder_spec, dim, factory, "inner_product", nprobe, documents,
        clauses, n_sentences, clauses if rows is None else rows, n_sentences if sentence_ids is None else sentence_ids,
        unit_ids, UNIT_CHARS, corpus_hash, dictionary_hash(), _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"), __version__,
        embedded, list(segments), [list(map(int, r)) for r in deleted], {"k1": default.k1, "b": default.b}, CHECKSUM,
        _file_entries(tmp, known),
    )
    (tmp / layout.MANIFEST).write_text(manifest.to_json(), encoding="utf-8")
    return manifest




def verify_files(vdir: Path, files: dict, where: str, mode: str | bool = "auto") -> None:
    """Check every file's checksum (``mode``: ``auto`` skips files whose stat matches a stamp left
    by an earlier full check, ``full`` hashes all, ``False`` checks nothing beyond sizes)."""
    if not mode:
        return
    from concurrent.futures import ThreadPoolExecutor

    stamps = _Stamps() if mode == "auto" else None
    todo = []
    for name, entry in files.items():
        p = vdir / name
        if stamps is None or not stamps.matches(p, entry["hash"]):
            todo.append((name, p))
    # hashlib releases the GIL on large buffers: hash the files on every core
    todo.sort(key=lambda t: -files[t[0]]["size"])
    with ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:
        digests = list(pool.map(lambda t: file_hash(t[1]), todo))
    for (name, p), digest in sorted(zip(todo, digests)):
        if digest != files[name]["hash"]:
            raise IndexStoreError(f"{where}: {name} is corrupt (its checksum differs from the manifest's): rebuild the index")
        if stamps is not None:
            stamps.add(p, digest)
    if stamps is not None and todo:
        stamps.save()


class _Stamps:
    """Files this user has verified, by device and inode with their size, mtime and ctime (any
    write or new link changes them): beside the embedding cache (``$LAWGOV_CACHE``), bounded, and
    simply not used where it cannot be written."""

    MAX = 20_000

    def __init__(self):
        from .encoders import default_cache_path

        self.path = default_cache_path().parent / "verified.json"
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            self.data = data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            self.data = {}

    @staticmethod
    def _key(p: Path) -> tuple[str, list]:
        st = os.stat(p)
        return f"{st.st_dev}:{st.st_ino}", [st.st_size, st.st_mtime_ns, st.st_ctime_ns]

    def matches(self, p: Path, digest: str) -> bool:
        try:
            key, sig = self._key(p)
        except OSError:
            return False
        rec = self.data.get(key)
        return isinstance(rec, list) and rec[:3] == sig and rec[3:] == [digest]

    def add(self, p: Path, digest: str) -> None:
        key, sig = self._key(p)
        self.data.pop(key, None)
        self.data[key] = [*sig, digest]

    def save(self) -> None:
        items = list(self.data.items())[-self.MAX:]
        tmp = self.path.with_name(f".verified.json.tmp-{os.getpid()}")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps(dict(items)), encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError:
            tmp.unlink(missing_ok=True)


def stamp_verified(vdir: Path, files: dict) -> None:
    """After a writer published a version whose checksums it computed (or verified): record them,
    so the first reader does not hash the files again."""
    stamps = _Stamps()
    try:
        for name, entry in files.items():
            stamps.add(vdir / name, entry["hash"])
    except OSError:
        return
    stamps.save()


def publish_version(root: Path, tmp: Path, name: str, manifest: Manifest) -> None:
    """Switch readers to the complete version in ``tmp`` and stamp its checksums as verified."""
    layout.publish(root, tmp, name)
    stamp_verified(root / name, manifest.files)


@contextlib.contextmanager
def writing_version(root: Path, tmp: Path):
    """Around writing one new version: a failure (Ctrl-C included) removes what this process
    wrote in ``tmp`` and nothing else; success prunes old versions, never the current one."""
    try:
        yield
    except BaseException:
        layout.remove_ours(tmp)
        raise
    layout.prune_versions(root)
